package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func ewSigmoid64(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

func ewSoftplus64(v float64) float64 {
	// log(1+exp(v)) without overflow for large v.
	if v > 30 {
		return v + math.Log1p(math.Exp(-v))
	}
	return math.Log1p(math.Exp(v))
}

// ewActivation builds a float activation from attributes.
type ewActivation func(n *ir.Node, opset int) (f32 func(float32) float32, f64 func(float64) float64, err error)

func ewActFactory(a ewActivation) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		f32, f64, err := a(n, opset)
		if err != nil {
			return nil, err
		}
		return ewFloatKernel(f32, f64), nil
	}
}

func ewPlain(f func(float64) float64) ewActivation {
	return func(*ir.Node, int) (func(float32) float32, func(float64) float64, error) { return nil, f, nil }
}

func ewLeakyRelu(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	alpha := n.AttrFloat("alpha", 0.01)
	a64 := float64(alpha)
	return func(v float32) float32 {
			if v < 0 {
				return v * alpha
			}
			return v
		}, func(v float64) float64 {
			if v < 0 {
				return v * a64
			}
			return v
		}, nil
}

func ewElu(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	alpha := float64(n.AttrFloat("alpha", 1))
	return nil, func(v float64) float64 {
		if v < 0 {
			return alpha * (math.Exp(v) - 1)
		}
		return v
	}, nil
}

func ewSelu(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	alpha := float64(n.AttrFloat("alpha", 1.67326319217681884765625))
	gamma := float64(n.AttrFloat("gamma", 1.05070102214813232421875))
	return nil, func(v float64) float64 {
		if v <= 0 {
			return gamma * (alpha*math.Exp(v) - alpha)
		}
		return gamma * v
	}, nil
}

func ewCelu(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	alpha := float64(n.AttrFloat("alpha", 1))
	if alpha == 0 {
		return nil, nil, NodeErrf(n, "alpha must not be 0: %w", ir.ErrInvalidModel)
	}
	return nil, func(v float64) float64 {
		return math.Max(0, v) + math.Min(0, alpha*(math.Exp(v/alpha)-1))
	}, nil
}

func ewHardSigmoid(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	alpha := float64(n.AttrFloat("alpha", 0.2))
	beta := float64(n.AttrFloat("beta", 0.5))
	return nil, func(v float64) float64 { return math.Max(0, math.Min(1, alpha*v+beta)) }, nil
}

func ewThresholdedRelu(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	alpha := float64(n.AttrFloat("alpha", 1))
	return nil, func(v float64) float64 {
		if v > alpha {
			return v
		}
		return 0
	}, nil
}

func ewGelu(n *ir.Node, _ int) (func(float32) float32, func(float64) float64, error) {
	switch n.AttrString("approximate", "none") {
	case "none":
		return nil, func(v float64) float64 { return 0.5 * v * (1 + math.Erf(v/math.Sqrt2)) }, nil
	case "tanh":
		c := math.Sqrt(2 / math.Pi)
		return nil, func(v float64) float64 { return 0.5 * v * (1 + math.Tanh(c*(v+0.044715*v*v*v))) }, nil
	}
	return nil, nil, NodeErrf(n, "approximate must be none or tanh: %w", ir.ErrInvalidModel)
}

// ewShrinkFactory supports float types directly and integer types through
// float64.
func ewShrinkFactory(n *ir.Node, opset int) (Kernel, error) {
	lambd := float64(n.AttrFloat("lambd", 0.5))
	bias := float64(n.AttrFloat("bias", 0))
	f := func(v float64) float64 {
		switch {
		case v < -lambd:
			return v + bias
		case v > lambd:
			return v - bias
		}
		return 0
	}
	fk := ewFloatKernel(nil, f)
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		if !x.DType().IsInt() {
			return fk.Run(ctx, in)
		}
		out, err := ctx.NewTensor(x.DType(), x.Shape()...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		for i := 0; i < x.Len(); i++ {
			if x.DType().IsSigned() {
				out.SetFloat64(i, f(float64(x.Int64At(i))))
			} else {
				out.SetFloat64(i, f(x.Float64At(i)))
			}
		}
		return One(out), nil
	}), nil
}

// ewClipT clamps x into [lo, hi].
func ewClipT[T tensor.Number](ctx *Context, x []T, lo, hi T) []T {
	dst := rcUninitSlice[T](ctx, len(x))
	ctx.Parallel(len(x), ewGrain, func(a, b int) {
		d, s := dst[a:b], x[a:b]
		for i, v := range s {
			if v < lo {
				v = lo
			}
			if v > hi {
				v = hi
			}
			d[i] = v
		}
	})
	return dst
}

// ewClipBound reads an optional scalar bound of type T, or def.
func ewClipBound[T tensor.Number](ctx *Context, b *tensor.Tensor, dt tensor.DType, def T) (T, error) {
	if b == nil {
		return def, nil
	}
	if b.DType() != dt || b.Len() != 1 {
		return def, ctx.Errf("clip bound must be a %v scalar, got %v%v: %w", dt, b.DType(), b.Shape(), tensor.ErrShape)
	}
	return tensor.Data[T](b)[0], nil
}

func ewClipNum[T tensor.Number](ctx *Context, x, lo, hi *tensor.Tensor, min, max T) (*tensor.Tensor, error) {
	l, err := ewClipBound(ctx, lo, x.DType(), min)
	if err != nil {
		return nil, err
	}
	h, err := ewClipBound(ctx, hi, x.DType(), max)
	if err != nil {
		return nil, err
	}
	return tensor.Must(tensor.FromData(x.DType(), x.Shape(), ewClipT(ctx, tensor.Data[T](x), l, h))), nil
}

func ewClipFactory(n *ir.Node, opset int) (Kernel, error) {
	if opset < 11 {
		lo := n.AttrFloat("min", float32(math.Inf(-1)))
		hi := n.AttrFloat("max", float32(math.Inf(1)))
		return ewFloatKernel(func(v float32) float32 { return min(max(v, lo), hi) },
			func(v float64) float64 { return math.Min(math.Max(v, float64(lo)), float64(hi)) }), nil
	}
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x, lo, hi := in[0], Opt(in, 1), Opt(in, 2)
		var t *tensor.Tensor
		var err error
		switch x.DType() {
		case tensor.Float32:
			t, err = ewClipNum(ctx, x, lo, hi, float32(math.Inf(-1)), float32(math.Inf(1)))
		case tensor.Float64:
			t, err = ewClipNum(ctx, x, lo, hi, math.Inf(-1), math.Inf(1))
		case tensor.Float16, tensor.BFloat16:
			l, h := float32(math.Inf(-1)), float32(math.Inf(1))
			for i, b := range []*tensor.Tensor{lo, hi} {
				if b == nil {
					continue
				}
				if b.DType() != x.DType() || b.Len() != 1 {
					return nil, ctx.Errf("clip bound must be a %v scalar: %w", x.DType(), tensor.ErrShape)
				}
				if i == 0 {
					l = tensor.ToFloat32(b)[0]
				} else {
					h = tensor.ToFloat32(b)[0]
				}
			}
			t, err = tensor.FromFloat32(x.DType(), x.Shape(), ewClipT(ctx, tensor.ToFloat32(x), l, h))
			if err != nil {
				err = ctx.Errf("%w", err)
			}
		case tensor.Int8:
			t, err = ewClipNum[int8](ctx, x, lo, hi, math.MinInt8, math.MaxInt8)
		case tensor.Int16:
			t, err = ewClipNum[int16](ctx, x, lo, hi, math.MinInt16, math.MaxInt16)
		case tensor.Int32:
			t, err = ewClipNum[int32](ctx, x, lo, hi, math.MinInt32, math.MaxInt32)
		case tensor.Int64:
			t, err = ewClipNum[int64](ctx, x, lo, hi, math.MinInt64, math.MaxInt64)
		case tensor.Uint8:
			t, err = ewClipNum[uint8](ctx, x, lo, hi, 0, math.MaxUint8)
		case tensor.Uint16:
			t, err = ewClipNum[uint16](ctx, x, lo, hi, 0, math.MaxUint16)
		case tensor.Uint32:
			t, err = ewClipNum[uint32](ctx, x, lo, hi, 0, math.MaxUint32)
		case tensor.Uint64:
			t, err = ewClipNum[uint64](ctx, x, lo, hi, 0, math.MaxUint64)
		default:
			return nil, DTypeErr(ctx, x.DType())
		}
		if err != nil {
			return nil, err
		}
		return One(t), nil
	}), nil
}

// ewDropoutFactory: inference is the identity with an all-true mask. With
// training_mode (opset 12+) and ratio > 0 it drops with the seed attribute.
func ewDropoutFactory(n *ir.Node, opset int) (Kernel, error) {
	attrRatio := float64(n.AttrFloat("ratio", 0.5))
	seed, hasSeed := int64(n.AttrInt("seed", 0)), n.Attr("seed") != nil
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		ratio, training := attrRatio, false
		if opset >= 12 {
			ratio = 0.5
			if r := Opt(in, 1); r != nil {
				if r.Len() != 1 {
					return nil, ctx.Errf("ratio must be a scalar: %w", tensor.ErrShape)
				}
				ratio = r.Float64At(0)
			}
			if tm := Opt(in, 2); tm != nil {
				if tm.DType() != tensor.Bool || tm.Len() != 1 {
					return nil, ctx.Errf("training_mode must be a bool scalar: %w", tensor.ErrShape)
				}
				training = tensor.Data[bool](tm)[0]
			}
		}
		if ratio < 0 || ratio >= 1 && training {
			return nil, ctx.Errf("ratio %v out of [0,1): %w", ratio, ir.ErrInvalidModel)
		}
		wantMask := len(ctx.Node.Outputs) > 1 && ctx.Node.Outputs[1] != ""
		maskDT := tensor.Bool
		if opset < 10 {
			maskDT = x.DType()
		}
		if !training || ratio == 0 {
			if !wantMask {
				return One(x), nil
			}
			mask, err := ctx.NewTensor(maskDT, x.Shape()...)
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			for i := 0; i < mask.Len(); i++ {
				mask.SetFloat64(i, 1)
			}
			return []*tensor.Tensor{x, mask}, nil
		}
		rng := ewNewRand(seed, hasSeed)
		keep := make([]bool, x.Len())
		for i := range keep {
			keep[i] = rng.Float64() >= ratio
		}
		xf, err := tensor.Cast(x, tensor.Float64)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		scale := 1 / (1 - ratio)
		out, err := ctx.NewTensor(x.DType(), x.Shape()...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		for i, v := range tensor.Data[float64](xf) {
			if keep[i] {
				out.SetFloat64(i, v*scale)
			}
		}
		res := []*tensor.Tensor{out}
		if wantMask {
			res = append(res, tensor.Must(tensor.FromData(tensor.Bool, x.Shape(), keep)))
		}
		return res, nil
	}), nil
}

func init() {
	Register("", "Relu", 1, ewNumUnaryFactory(ewUnRelu))
	Register("", "LeakyRelu", 1, ewActFactory(ewLeakyRelu))
	Register("", "Elu", 1, ewActFactory(ewElu))
	Register("", "Selu", 1, ewActFactory(ewSelu))
	Register("", "Celu", 12, ewActFactory(ewCelu))
	Register("", "HardSigmoid", 1, ewActFactory(ewHardSigmoid))
	Register("", "HardSwish", 14, ewActFactory(ewPlain(func(v float64) float64 {
		return v * math.Max(0, math.Min(1, v/6+0.5))
	})))
	Register("", "Softplus", 1, ewActFactory(ewPlain(ewSoftplus64)))
	Register("", "Softsign", 1, ewActFactory(ewPlain(func(v float64) float64 { return v / (1 + math.Abs(v)) })))
	Register("", "Tanh", 1, ewActFactory(ewPlain(math.Tanh)))
	Register("", "ThresholdedRelu", 10, ewActFactory(ewThresholdedRelu))
	Register("", "Shrink", 9, ewShrinkFactory)
	Register("", "Gelu", 20, ewActFactory(ewGelu))
	Register("", "Mish", 18, ewActFactory(ewPlain(func(v float64) float64 { return v * math.Tanh(ewSoftplus64(v)) })))
	Register("", "Clip", 1, ewClipFactory)
	Register("", "Clip", 11, ewClipFactory)
	Register("", "Dropout", 1, ewDropoutFactory)
}
