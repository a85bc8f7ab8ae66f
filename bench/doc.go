// Package bench measures how fast qinfer runs an ONNX model: it builds
// inputs (fixed-seed random from the model's declared types, or given),
// times warm-up and measured runs of one runtime.Session, reads the peak
// resident memory of the process, and optionally runs the same file with the
// same inputs and thread count in ONNX Runtime (internal/ortref, a child
// node process, so its memory does not count towards qinfer's) for a ratio.
// With profiling on it also gathers per-node times (runtime.Options.Profile).
//
// `qinfer bench` is a thin front over Run; scripts/bench.sh (`make bench`)
// runs it over a fixed model set and writes docs/BENCH.md.
package bench
