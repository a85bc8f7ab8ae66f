package ops

import (
	"github.com/qinfer/qinfer/tensor"
)

// Helpers shared by the recurrent, signal and loss kernels (prefix rn).

// rnIsFloat reports whether dt is one of the float types these kernels
// compute on (float16 and bfloat16 go through float32).
func rnIsFloat(dt tensor.DType) bool {
	switch dt {
	case tensor.Float32, tensor.Float64, tensor.Float16, tensor.BFloat16:
		return true
	}
	return false
}

// rnF64 returns the elements of a float tensor as float64 (always a copy).
func rnF64(t *tensor.Tensor) []float64 {
	out := make([]float64, t.Len())
	switch d := t.Data().(type) {
	case []float64:
		copy(out, d)
	case []float32:
		for i, v := range d {
			out[i] = float64(v)
		}
	default:
		for i, v := range tensor.ToFloat32(t) {
			out[i] = float64(v)
		}
	}
	return out
}

// rnFromF64 builds a tensor of type dt and the given shape from float64
// values (float32/float16/bfloat16 round, integers truncate).
func rnFromF64(dt tensor.DType, shape []int, v []float64) (*tensor.Tensor, error) {
	switch dt {
	case tensor.Float64:
		return tensor.FromData(dt, shape, v)
	case tensor.Float32, tensor.Float16, tensor.BFloat16:
		f := make([]float32, len(v))
		for i, x := range v {
			f[i] = float32(x)
		}
		return tensor.FromFloat32(dt, shape, f)
	}
	t, err := tensor.New(dt, shape...)
	if err != nil {
		return nil, err
	}
	if t.Len() != len(v) {
		return nil, tensor.ErrShape
	}
	for i, x := range v {
		t.SetFloat64(i, x)
	}
	return t, nil
}

// rnScalarInt reads a scalar (or one-element) integer input.
func rnScalarInt(ctx *Context, t *tensor.Tensor, what string) (int64, error) {
	if t == nil {
		return 0, ctx.Errf("%s is missing: %w", what, tensor.ErrShape)
	}
	if t.Len() != 1 {
		return 0, ctx.Errf("%s must hold one value, has shape %v: %w", what, t.Shape(), tensor.ErrShape)
	}
	if !t.DType().IsInt() {
		return 0, ctx.Errf("%s must be an integer, is %v: %w", what, t.DType(), tensor.ErrDType)
	}
	return t.Int64At(0), nil
}

// rnScalarFloat reads a scalar (or one-element) numeric input as float64.
func rnScalarFloat(ctx *Context, t *tensor.Tensor, what string) (float64, error) {
	if t == nil {
		return 0, ctx.Errf("%s is missing: %w", what, tensor.ErrShape)
	}
	if t.Len() != 1 {
		return 0, ctx.Errf("%s must hold one value, has shape %v: %w", what, t.Shape(), tensor.ErrShape)
	}
	if !rnIsFloat(t.DType()) && !t.DType().IsInt() {
		return 0, ctx.Errf("%s must be numeric, is %v: %w", what, t.DType(), tensor.ErrDType)
	}
	return t.Float64At(0), nil
}
