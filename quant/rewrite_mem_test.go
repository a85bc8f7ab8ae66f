package quant_test

import (
	"io"
	goruntime "runtime"
)

var errEOF = io.EOF

type runtimeMemStats = goruntime.MemStats

var kept any

// readMem collects garbage twice and reads the heap statistics.
func readMem(ms *goruntime.MemStats) {
	goruntime.GC()
	goruntime.GC()
	goruntime.ReadMemStats(ms)
}

// keep holds v alive until the next call, so the observers are counted.
func keep(v any) { kept = v }
