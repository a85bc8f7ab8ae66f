package ops

import (
	"slices"

	"github.com/qinfer/qinfer/tensor"
)

// alCheckShape returns the element count of shape after checking that a
// tensor of dt with that shape fits the session's per-tensor cap; the
// error names the node and wraps tensor.ErrLimit (or tensor.ErrShape for a
// negative dim). Kernels call it before building index tables or scratch
// buffers sized by an output shape derived from attributes or input values.
func alCheckShape(ctx *Context, dt tensor.DType, shape []int) (int, error) {
	n, err := tensor.NumElements(shape)
	if err != nil {
		return 0, ctx.Errf("%w", err)
	}
	if err := ctx.CheckAlloc(dt, n); err != nil {
		return 0, ctx.Errf("shape %v: %w", slices.Clone(shape), err) // a copy: shape stays off the heap
	}
	return n, nil
}

// alCheckDims is alCheckShape on a list of factors (outer, n, inner, ...)
// whose product might overflow int.
func alCheckDims(ctx *Context, dt tensor.DType, dims ...int) (int, error) {
	return alCheckShape(ctx, dt, dims)
}

// alIndex is the dtype whose size matches an []int index table entry.
const alIndex = tensor.Int64

// alHeap returns a tensor allocator like tensor.New (a heap buffer the
// arena does not track, for temporaries that are converted and dropped)
// that first checks the session's per-tensor cap.
func alHeap(ctx *Context) func(dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	return func(dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
		if _, err := alCheckShape(ctx, dt, shape); err != nil {
			return nil, err
		}
		return tensor.New(dt, shape...)
	}
}

// alCheckKept checks the cap for per-group float64 accumulators over the
// dims of shape that are not reduced (an empty tensor does not bound them).
func alCheckKept(ctx *Context, shape []int, reduced []bool) error {
	var kept []int
	for d, s := range shape {
		if !reduced[d] {
			kept = append(kept, s)
		}
	}
	_, err := alCheckShape(ctx, tensor.Float64, kept)
	return err
}
