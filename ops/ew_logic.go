package ops

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ewOrdered is the set of element types with an order.
type ewOrdered interface{ tensor.Number | ~string }

// ewCmp names a comparison.
type ewCmp int

const (
	ewCmpEq ewCmp = iota
	ewCmpGt
	ewCmpGe
	ewCmpLt
	ewCmpLe
)

func ewCmpSpan[T ewOrdered](c ewCmp) ewSpan[T, T, bool] {
	switch c {
	case ewCmpEq:
		return ewSpanOf(func(x, y T) bool { return x == y })
	case ewCmpGt:
		return ewSpanOf(func(x, y T) bool { return x > y })
	case ewCmpGe:
		return ewSpanOf(func(x, y T) bool { return x >= y })
	case ewCmpLt:
		return ewSpanOf(func(x, y T) bool { return x < y })
	default:
		return ewSpanOf(func(x, y T) bool { return x <= y })
	}
}

func ewCmpT[T ewOrdered](ctx *Context, c ewCmp, a, b *tensor.Tensor, osh []int) []bool {
	return ewBin(ctx, tensor.Data[T](a), a.Shape(), tensor.Data[T](b), b.Shape(), osh, ewCmpSpan[T](c))
}

// ewCompare computes a comparison with broadcasting; the output is bool.
func ewCompare(ctx *Context, c ewCmp, a, b *tensor.Tensor) (*tensor.Tensor, error) {
	if a.DType() != b.DType() {
		return nil, ctx.Errf("input dtypes %v and %v differ: %w", a.DType(), b.DType(), tensor.ErrDType)
	}
	osh, err := ewOutShape(ctx, tensor.Bool, a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	var out []bool
	switch a.DType() {
	case tensor.Float32:
		out = ewCmpT[float32](ctx, c, a, b, osh)
	case tensor.Float64:
		out = ewCmpT[float64](ctx, c, a, b, osh)
	case tensor.Float16, tensor.BFloat16:
		out = ewBin(ctx, tensor.ToFloat32(a), a.Shape(), tensor.ToFloat32(b), b.Shape(), osh, ewCmpSpan[float32](c))
	case tensor.Int8:
		out = ewCmpT[int8](ctx, c, a, b, osh)
	case tensor.Int16:
		out = ewCmpT[int16](ctx, c, a, b, osh)
	case tensor.Int32:
		out = ewCmpT[int32](ctx, c, a, b, osh)
	case tensor.Int64:
		out = ewCmpT[int64](ctx, c, a, b, osh)
	case tensor.Uint8:
		out = ewCmpT[uint8](ctx, c, a, b, osh)
	case tensor.Uint16:
		out = ewCmpT[uint16](ctx, c, a, b, osh)
	case tensor.Uint32:
		out = ewCmpT[uint32](ctx, c, a, b, osh)
	case tensor.Uint64:
		out = ewCmpT[uint64](ctx, c, a, b, osh)
	case tensor.String:
		if c != ewCmpEq {
			return nil, DTypeErr(ctx, a.DType())
		}
		out = ewCmpT[string](ctx, c, a, b, osh)
	case tensor.Bool:
		if c != ewCmpEq {
			return nil, DTypeErr(ctx, a.DType())
		}
		out = ewBin(ctx, tensor.Data[bool](a), a.Shape(), tensor.Data[bool](b), b.Shape(), osh,
			ewSpanOf(func(x, y bool) bool { return x == y }))
	default:
		return nil, DTypeErr(ctx, a.DType())
	}
	t, err := tensor.FromData(tensor.Bool, osh, out)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return t, nil
}

func ewCompareFactory(c ewCmp) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if err := NeedInputs(ctx, in, 2); err != nil {
				return nil, err
			}
			b, err := ewLegacyB(ctx, in[0], in[1])
			if err != nil {
				return nil, err
			}
			t, err := ewCompare(ctx, c, in[0], b)
			if err != nil {
				return nil, err
			}
			return One(t), nil
		}), nil
	}
}

// ewLogicFactory builds And/Or/Xor on bool tensors.
func ewLogicFactory(f func(x, y bool) bool) Factory {
	span := ewSpanOf(f)
	return func(n *ir.Node, opset int) (Kernel, error) {
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if err := NeedInputs(ctx, in, 2); err != nil {
				return nil, err
			}
			a, b := in[0], in[1]
			b, err := ewLegacyB(ctx, a, b)
			if err != nil {
				return nil, err
			}
			if a.DType() != tensor.Bool || b.DType() != tensor.Bool {
				return nil, ctx.Errf("inputs must be bool, got %v and %v: %w", a.DType(), b.DType(), tensor.ErrDType)
			}
			osh, err := ewOutShape(ctx, tensor.Bool, a.Shape(), b.Shape())
			if err != nil {
				return nil, err
			}
			out := ewBin(ctx, tensor.Data[bool](a), a.Shape(), tensor.Data[bool](b), b.Shape(), osh, span)
			t, err := tensor.FromData(tensor.Bool, osh, out)
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			return One(t), nil
		}), nil
	}
}

func ewNot(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	if x.DType() != tensor.Bool {
		return nil, DTypeErr(ctx, x.DType())
	}
	src := tensor.Data[bool](x)
	dst := make([]bool, len(src))
	for i, v := range src {
		dst[i] = !v
	}
	return One(tensor.Must(tensor.FromData(tensor.Bool, x.Shape(), dst))), nil
}

func ewBitNotT[T ewInt](x *tensor.Tensor) *tensor.Tensor {
	src := tensor.Data[T](x)
	dst := make([]T, len(src))
	for i, v := range src {
		dst[i] = ^v
	}
	return tensor.Must(tensor.FromData(x.DType(), x.Shape(), dst))
}

func ewBitwiseNot(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	switch x.DType() {
	case tensor.Int8:
		return One(ewBitNotT[int8](x)), nil
	case tensor.Int16:
		return One(ewBitNotT[int16](x)), nil
	case tensor.Int32:
		return One(ewBitNotT[int32](x)), nil
	case tensor.Int64:
		return One(ewBitNotT[int64](x)), nil
	case tensor.Uint8:
		return One(ewBitNotT[uint8](x)), nil
	case tensor.Uint16:
		return One(ewBitNotT[uint16](x)), nil
	case tensor.Uint32:
		return One(ewBitNotT[uint32](x)), nil
	case tensor.Uint64:
		return One(ewBitNotT[uint64](x)), nil
	}
	return nil, DTypeErr(ctx, x.DType())
}

// ewWhereT selects x where cond, else y, with three-way broadcasting.
func ewWhereT[T tensor.Elem](ctx *Context, c, x, y *tensor.Tensor, osh []int) []T {
	cd, xd, yd := tensor.Data[bool](c), tensor.Data[T](x), tensor.Data[T](y)
	dst := MakeSlice[T](ctx, tensor.Size(osh))
	p := ewMakePlan(osh, c.Shape(), x.Shape(), y.Shape())
	sc, sx, sy := p.inner(0), p.inner(1), p.inner(2)
	p.run(ctx, func(o int, offs []int, n int) {
		cc, xx, yy, d := cd[offs[0]:], xd[offs[1]:], yd[offs[2]:], dst[o:o+n]
		for i := range d {
			if cc[i*sc] {
				d[i] = xx[i*sx]
			} else {
				d[i] = yy[i*sy]
			}
		}
	})
	return dst
}

func ewWhere(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	c, x, y := in[0], in[1], in[2]
	if c.DType() != tensor.Bool {
		return nil, ctx.Errf("condition must be bool, got %v: %w", c.DType(), tensor.ErrDType)
	}
	if x.DType() != y.DType() {
		return nil, ctx.Errf("X and Y dtypes %v and %v differ: %w", x.DType(), y.DType(), tensor.ErrDType)
	}
	osh, err := ewOutShape(ctx, x.DType(), c.Shape(), x.Shape(), y.Shape())
	if err != nil {
		return nil, err
	}
	var out any
	switch x.Data().(type) {
	case []float32:
		out = ewWhereT[float32](ctx, c, x, y, osh)
	case []float64:
		out = ewWhereT[float64](ctx, c, x, y, osh)
	case []uint16:
		out = ewWhereT[uint16](ctx, c, x, y, osh)
	case []int8:
		out = ewWhereT[int8](ctx, c, x, y, osh)
	case []uint8:
		out = ewWhereT[uint8](ctx, c, x, y, osh)
	case []int16:
		out = ewWhereT[int16](ctx, c, x, y, osh)
	case []int32:
		out = ewWhereT[int32](ctx, c, x, y, osh)
	case []int64:
		out = ewWhereT[int64](ctx, c, x, y, osh)
	case []uint32:
		out = ewWhereT[uint32](ctx, c, x, y, osh)
	case []uint64:
		out = ewWhereT[uint64](ctx, c, x, y, osh)
	case []bool:
		out = ewWhereT[bool](ctx, c, x, y, osh)
	case []string:
		out = ewWhereT[string](ctx, c, x, y, osh)
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	t, err := tensor.FromData(x.DType(), osh, out)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(t), nil
}

func init() {
	Register("", "Equal", 1, ewCompareFactory(ewCmpEq))
	Register("", "Greater", 1, ewCompareFactory(ewCmpGt))
	Register("", "GreaterOrEqual", 12, ewCompareFactory(ewCmpGe))
	Register("", "Less", 1, ewCompareFactory(ewCmpLt))
	Register("", "LessOrEqual", 12, ewCompareFactory(ewCmpLe))
	Register("", "And", 1, ewLogicFactory(func(x, y bool) bool { return x && y }))
	Register("", "Or", 1, ewLogicFactory(func(x, y bool) bool { return x || y }))
	Register("", "Xor", 1, ewLogicFactory(func(x, y bool) bool { return x != y }))
	RegisterFunc("", "Not", 1, ewNot)
	RegisterFunc("", "BitwiseNot", 18, ewBitwiseNot)
	RegisterFunc("", "Where", 9, ewWhere)
}
