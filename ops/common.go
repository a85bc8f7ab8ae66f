package ops

import (
	"fmt"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Ints converts int64 attribute values to ints.
func Ints(a []int64) []int {
	out := make([]int, len(a))
	for i, v := range a {
		out[i] = int(v)
	}
	return out
}

// One wraps a single output.
func One(t *tensor.Tensor) []*tensor.Tensor { return []*tensor.Tensor{t} }

// NeedInputs checks that inputs [0,n) are present.
func NeedInputs(ctx *Context, in []*tensor.Tensor, n int) error {
	if len(in) < n {
		return ctx.Errf("needs %d inputs, got %d: %w", n, len(in), ir.ErrInvalidModel)
	}
	for i := 0; i < n; i++ {
		if in[i] == nil {
			return ctx.Errf("input %d is missing: %w", i, ir.ErrInvalidModel)
		}
	}
	return nil
}

// Opt returns input i, or nil when absent.
func Opt(in []*tensor.Tensor, i int) *tensor.Tensor {
	if i < len(in) {
		return in[i]
	}
	return nil
}

// ShapeArg reads a 1-D integer tensor (a shape, axes, pads...) as []int64.
func ShapeArg(ctx *Context, t *tensor.Tensor, what string) ([]int64, error) {
	if t == nil {
		return nil, nil
	}
	v, err := t.AsInt64s()
	if err != nil {
		return nil, ctx.Errf("%s: %w", what, err)
	}
	return v, nil
}

// DTypeErr builds the standard "unsupported dtype" error for a node.
func DTypeErr(ctx *Context, dt tensor.DType) error {
	return fmt.Errorf("ops: %v: dtype %v: %w", ctx.Node, dt, ErrUnsupported)
}
