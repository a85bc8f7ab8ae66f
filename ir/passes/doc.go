// Package passes holds graph rewrites over ir.Graph: dead-node removal,
// constant folding (with an evaluator supplied by the caller, so this
// package knows no kernels), function inlining and shape inference. Each
// pass reports whether it changed the graph.
package passes
