// Package runtime compiles an ir.Model into a Plan (one kernel per node, in
// topological order, with value slots and lifetimes resolved) and executes
// it in Sessions. Control flow (If, Loop, Scan, SequenceMap) runs compiled
// subgraphs that read outer-scope values from their enclosing frame.
//
// A Plan is immutable after Compile and safe to share between goroutines;
// a Session is for one goroutine at a time.
package runtime
