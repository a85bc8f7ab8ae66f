// Package qinfer is the front door of the qinfer engine: load an ONNX
// model, compile it and run it, in pure Go. The work is done by the
// packages below it (onnx, ir, runtime, ops, linalg); this package gathers
// the sentinel errors callers test with errors.Is and a one-call Load.
package qinfer

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// Sentinel errors; every error qinfer returns wraps one of these where it
// applies, and names the model part (node, tensor, dims) in its message.
var (
	// ErrInvalidModel: the model breaks ONNX rules (corrupt bytes,
	// undefined values, cycles, inconsistent tensors).
	ErrInvalidModel = ir.ErrInvalidModel
	// ErrUnsupportedOp: an operator, opset, attribute or dtype qinfer does
	// not implement.
	ErrUnsupportedOp = ops.ErrUnsupported
	// ErrShapeMismatch: an input (or intermediate) has the wrong shape or dtype.
	ErrShapeMismatch = runtime.ErrShapeMismatch
	// ErrLimit: a size overflows or exceeds a cap (element counts, memory).
	ErrLimit = tensor.ErrLimit
	// ErrInternal: a bug in qinfer (a kernel panicked); the run fails with
	// an error naming the node instead of crashing the process.
	ErrInternal = runtime.ErrInternal
)

// Load reads an ONNX file (external data resolved next to it) and compiles it.
func Load(path string, opts runtime.Options) (*runtime.Plan, error) {
	m, err := onnx.Load(path)
	if err != nil {
		return nil, err
	}
	return runtime.Compile(m, opts)
}
