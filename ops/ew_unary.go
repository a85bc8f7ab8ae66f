package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ewMapT applies f to every element of src into a fresh slice, in parallel
// for large inputs.
func ewMapT[T, O any](ctx *Context, src []T, f func(T) O) []O {
	dst := rcUninitSlice[O](ctx, len(src)) // every element is written
	if zaSerialN(ctx, len(src), ewGrain) {
		// No closure for ctx.Parallel: a steady-state run allocates nothing.
		for i, v := range src {
			dst[i] = f(v)
		}
		return dst
	}
	ctx.Parallel(len(src), ewGrain, func(lo, hi int) {
		s, d := src[lo:hi], dst[lo:hi]
		for i, v := range s {
			d[i] = f(v)
		}
	})
	return dst
}

// ewFloatMap applies a float function elementwise. float32 uses f32 (or f64
// through float64 when f32 is nil), float64 uses f64, float16 and bfloat16
// go through float32. Other dtypes are unsupported.
func ewFloatMap(ctx *Context, x *tensor.Tensor, f32 func(float32) float32, f64 func(float64) float64) (*tensor.Tensor, error) {
	if f32 == nil {
		f32 = func(v float32) float32 { return float32(f64(float64(v))) }
	}
	var t *tensor.Tensor
	var err error
	switch x.DType() {
	case tensor.Float32:
		t, err = zaWrap(ctx, tensor.Float32, x.Shape(), ewMapT(ctx, x.Float32s(), f32))
	case tensor.Float64:
		t, err = zaWrap(ctx, tensor.Float64, x.Shape(), ewMapT(ctx, tensor.Data[float64](x), f64))
	case tensor.Float16, tensor.BFloat16:
		t, err = tensor.FromFloat32(x.DType(), x.Shape(), ewMapT(ctx, tensor.ToFloat32(x), f32))
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return t, nil
}

// ewUn names a unary operation defined on every numeric type.
type ewUn int

const (
	ewUnAbs ewUn = iota
	ewUnNeg
	ewUnSign
	ewUnRelu
)

func ewUnFn[T tensor.Number](u ewUn) func(T) T {
	switch u {
	case ewUnAbs:
		return func(v T) T {
			if v < 0 {
				return -v
			}
			return v
		}
	case ewUnNeg:
		return func(v T) T { return -v }
	case ewUnSign:
		return func(v T) T {
			switch {
			case v > 0:
				return 1
			case v < 0:
				var one T = 1
				return -one
			case v != v:
				return v
			}
			return 0
		}
	default:
		return func(v T) T {
			if v > 0 {
				return v
			}
			return 0
		}
	}
}

func ewNumMap[T tensor.Number](ctx *Context, x *tensor.Tensor, f func(T) T) (*tensor.Tensor, error) {
	t, err := zaWrap(ctx, x.DType(), x.Shape(), ewMapT(ctx, tensor.Data[T](x), f))
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return t, nil
}

// ewNumUnary applies u to a tensor of any numeric dtype.
func ewNumUnary(ctx *Context, u ewUn, x *tensor.Tensor) (*tensor.Tensor, error) {
	switch x.DType() {
	case tensor.Float32:
		if u == ewUnRelu {
			src := x.Float32s()
			dst := rcUninitSlice[float32](ctx, len(src))
			if zaSerialN(ctx, len(src), ewGrain) {
				for i, v := range src {
					dst[i] = max(v, 0)
				}
			} else {
				ctx.Parallel(len(src), ewGrain, func(lo, hi int) {
					s, d := src[lo:hi], dst[lo:hi]
					for i, v := range s {
						d[i] = max(v, 0)
					}
				})
			}
			return zaWrap(ctx, tensor.Float32, x.Shape(), dst)
		}
		return ewNumMap(ctx, x, ewUnFn[float32](u))
	case tensor.Float64:
		return ewNumMap(ctx, x, ewUnFn[float64](u))
	case tensor.Float16, tensor.BFloat16:
		return ewFloatMap(ctx, x, ewUnFn[float32](u), nil)
	case tensor.Int8:
		return ewNumMap(ctx, x, ewUnFn[int8](u))
	case tensor.Int16:
		return ewNumMap(ctx, x, ewUnFn[int16](u))
	case tensor.Int32:
		return ewNumMap(ctx, x, ewUnFn[int32](u))
	case tensor.Int64:
		return ewNumMap(ctx, x, ewUnFn[int64](u))
	case tensor.Uint8:
		return ewNumMap(ctx, x, ewUnFn[uint8](u))
	case tensor.Uint16:
		return ewNumMap(ctx, x, ewUnFn[uint16](u))
	case tensor.Uint32:
		return ewNumMap(ctx, x, ewUnFn[uint32](u))
	case tensor.Uint64:
		return ewNumMap(ctx, x, ewUnFn[uint64](u))
	}
	return nil, DTypeErr(ctx, x.DType())
}

func ewNumUnaryFactory(u ewUn) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if err := NeedInputs(ctx, in, 1); err != nil {
				return nil, err
			}
			t, err := ewNumUnary(ctx, u, in[0])
			if err != nil {
				return nil, err
			}
			return ctx.One(t), nil
		}), nil
	}
}

// ewFloatFactory registers a float-only unary op computed in float64 (and
// f32 for float32 when given).
func ewFloatFactory(f32 func(float32) float32, f64 func(float64) float64) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return ewFloatKernel(f32, f64), nil
	}
}

func ewFloatKernel(f32 func(float32) float32, f64 func(float64) float64) Kernel {
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		t, err := ewFloatMap(ctx, in[0], f32, f64)
		if err != nil {
			return nil, err
		}
		return One(t), nil
	})
}

// ewIsKernel builds IsNaN / IsInf: a float predicate with bool output.
func ewIsKernel(pred func(float64) bool) Kernel {
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		var out []bool
		switch x.DType() {
		case tensor.Float64:
			out = ewMapT(ctx, tensor.Data[float64](x), pred)
		case tensor.Float32, tensor.Float16, tensor.BFloat16:
			out = ewMapT(ctx, tensor.ToFloat32(x), func(v float32) bool { return pred(float64(v)) })
		case tensor.Float8E4M3FN, tensor.Float8E4M3FNUZ, tensor.Float8E5M2, tensor.Float8E5M2FNUZ:
			out = make([]bool, x.Len())
			for i := range out {
				out[i] = pred(x.Float64At(i))
			}
		default:
			return nil, DTypeErr(ctx, x.DType())
		}
		return One(tensor.Must(tensor.FromData(tensor.Bool, x.Shape(), out))), nil
	})
}

func ewIsInfFactory(n *ir.Node, opset int) (Kernel, error) {
	neg, pos := n.AttrInt("detect_negative", 1) != 0, n.AttrInt("detect_positive", 1) != 0
	return ewIsKernel(func(v float64) bool {
		return (pos && math.IsInf(v, 1)) || (neg && math.IsInf(v, -1))
	}), nil
}

// ewIdentity returns its input unchanged; it also passes sequences and
// optionals through.
type ewIdentity struct{}

func (ewIdentity) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	return ctx.One(in[0]), nil
}

func (ewIdentity) RunValues(ctx *Context, in []Value) ([]Value, error) {
	if len(in) < 1 || in[0] == nil {
		return nil, ctx.Errf("input 0 is missing: %w", ir.ErrInvalidModel)
	}
	return ctx.zaOneValue(in[0]), nil
}

func ewRoundHalfEven(v float64) float64 { return math.RoundToEven(v) }

func init() {
	Register("", "Abs", 1, ewNumUnaryFactory(ewUnAbs))
	Register("", "Neg", 1, ewNumUnaryFactory(ewUnNeg))
	Register("", "Sign", 9, ewNumUnaryFactory(ewUnSign))
	floats := []struct {
		name  string
		since int
		f     func(float64) float64
	}{
		{"Ceil", 1, math.Ceil}, {"Floor", 1, math.Floor}, {"Round", 11, ewRoundHalfEven},
		{"Reciprocal", 1, func(v float64) float64 { return 1 / v }},
		{"Sqrt", 1, math.Sqrt}, {"Exp", 1, math.Exp}, {"Log", 1, math.Log},
		{"Sin", 7, math.Sin}, {"Cos", 7, math.Cos}, {"Tan", 7, math.Tan},
		{"Asin", 7, math.Asin}, {"Acos", 7, math.Acos}, {"Atan", 7, math.Atan},
		{"Sinh", 9, math.Sinh}, {"Cosh", 9, math.Cosh}, {"Asinh", 9, math.Asinh},
		{"Acosh", 9, math.Acosh}, {"Atanh", 9, math.Atanh}, {"Erf", 9, math.Erf},
	}
	for _, o := range floats {
		Register("", o.name, o.since, ewFloatFactory(nil, o.f))
	}
	Register("", "IsNaN", 9, func(n *ir.Node, opset int) (Kernel, error) {
		return ewIsKernel(math.IsNaN), nil
	})
	Register("", "IsInf", 10, ewIsInfFactory)
	Register("", "Identity", 1, func(n *ir.Node, opset int) (Kernel, error) { return ewIdentity{}, nil })
}
