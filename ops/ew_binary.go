package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ewOp names an elementwise binary operation.
type ewOp int

const (
	ewOpAdd ewOp = iota
	ewOpSub
	ewOpMul
	ewOpDiv
	ewOpMod  // sign of divisor (numpy mod); float inputs behave as fmod
	ewOpFmod // sign of dividend (C fmod)
	ewOpMax
	ewOpMin
	ewOpPow
	ewOpPRelu
	ewOpBitAnd
	ewOpBitOr
	ewOpBitXor
	ewOpShl
	ewOpShr
)

func ewAddSpan[T tensor.Number](dst, a []T, sa int, b []T, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case sa == 1:
		a, y := a[:n], b[0]
		for i := range dst {
			dst[i] = a[i] + y
		}
	case sb == 1:
		b, x := b[:n], a[0]
		for i := range dst {
			dst[i] = x + b[i]
		}
	default:
		v := a[0] + b[0]
		for i := range dst {
			dst[i] = v
		}
	}
}

func ewSubSpan[T tensor.Number](dst, a []T, sa int, b []T, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case sa == 1:
		a, y := a[:n], b[0]
		for i := range dst {
			dst[i] = a[i] - y
		}
	case sb == 1:
		b, x := b[:n], a[0]
		for i := range dst {
			dst[i] = x - b[i]
		}
	default:
		v := a[0] - b[0]
		for i := range dst {
			dst[i] = v
		}
	}
}

func ewMulSpan[T tensor.Number](dst, a []T, sa int, b []T, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case sa == 1:
		a, y := a[:n], b[0]
		for i := range dst {
			dst[i] = a[i] * y
		}
	case sb == 1:
		b, x := b[:n], a[0]
		for i := range dst {
			dst[i] = x * b[i]
		}
	default:
		v := a[0] * b[0]
		for i := range dst {
			dst[i] = v
		}
	}
}

func ewDivSpanF[T ewFloat](dst, a []T, sa int, b []T, sb int) {
	n := len(dst)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
	case sa == 1:
		a, y := a[:n], b[0]
		for i := range dst {
			dst[i] = a[i] / y
		}
	case sb == 1:
		b, x := b[:n], a[0]
		for i := range dst {
			dst[i] = x / b[i]
		}
	default:
		v := a[0] / b[0]
		for i := range dst {
			dst[i] = v
		}
	}
}

// ewNanToNum maps NaN to 0 and ±Inf to the largest finite value, as
// numpy.nan_to_num does.
func ewNanToNum[T ewFloat](v T, max T) T {
	switch {
	case v != v:
		return 0
	case v > max:
		return max
	case v < -max:
		return -max
	}
	return v
}

// ewFloatSpan returns the span for op on a float type, or nil.
func ewFloatSpan[T ewFloat](op ewOp) ewSpan[T, T, T] {
	switch op {
	case ewOpAdd:
		return ewAddSpan[T]
	case ewOpSub:
		return ewSubSpan[T]
	case ewOpMul:
		return ewMulSpan[T]
	case ewOpDiv:
		return ewDivSpanF[T]
	case ewOpMod:
		var zero T
		max := T(math.MaxFloat32)
		if _, ok := any(zero).(float64); ok {
			mf := math.MaxFloat64
			max = T(mf)
		}
		return ewSpanOf(func(x, y T) T { return ewNanToNum(T(math.Mod(float64(x), float64(y))), max) })
	case ewOpFmod:
		return ewSpanOf(func(x, y T) T { return T(math.Mod(float64(x), float64(y))) })
	case ewOpMax:
		return ewSpanOf(func(x, y T) T {
			if x != x || x > y {
				return x
			}
			return y
		})
	case ewOpMin:
		return ewSpanOf(func(x, y T) T {
			if x != x || x < y {
				return x
			}
			return y
		})
	case ewOpPow:
		return rcPowSpan[T]
	case ewOpPRelu:
		return ewSpanOf(func(x, s T) T {
			if x < 0 {
				return x * s
			}
			return x
		})
	}
	return nil
}

// ewIntPow raises x to the integer power y by squaring (wrapping on
// overflow, like numpy). Negative exponents give 0 except for bases ±1.
func ewIntPow[T ewInt](x, y T) T {
	if y < 0 {
		switch {
		case x == 1:
			return 1
		case x == ^T(0):
			if y%2 == 0 {
				return 1
			}
			return x
		}
		return 0
	}
	r := T(1)
	for y > 0 {
		if y&1 != 0 {
			r *= x
		}
		x *= x
		y >>= 1
	}
	return r
}

// ewIntSpan returns the span for op on an integer type, or nil. Division
// and modulus by zero give 0 rather than panicking.
func ewIntSpan[T ewInt](op ewOp) ewSpan[T, T, T] {
	width := ewIntWidth[T]()
	switch op {
	case ewOpAdd:
		return ewAddSpan[T]
	case ewOpSub:
		return ewSubSpan[T]
	case ewOpMul:
		return ewMulSpan[T]
	case ewOpDiv:
		return ewSpanOf(func(x, y T) T {
			if y == 0 {
				return 0
			}
			return x / y
		})
	case ewOpMod:
		return ewSpanOf(func(x, y T) T {
			if y == 0 {
				return 0
			}
			r := x % y
			if r != 0 && (r < 0) != (y < 0) {
				r += y
			}
			return r
		})
	case ewOpFmod:
		return ewSpanOf(func(x, y T) T {
			if y == 0 {
				return 0
			}
			return x % y
		})
	case ewOpMax:
		return ewSpanOf(func(x, y T) T { return max(x, y) })
	case ewOpMin:
		return ewSpanOf(func(x, y T) T { return min(x, y) })
	case ewOpPow:
		return ewSpanOf(ewIntPow[T])
	case ewOpPRelu:
		return ewSpanOf(func(x, s T) T {
			if x < 0 {
				return x * s
			}
			return x
		})
	case ewOpBitAnd:
		return ewSpanOf(func(x, y T) T { return x & y })
	case ewOpBitOr:
		return ewSpanOf(func(x, y T) T { return x | y })
	case ewOpBitXor:
		return ewSpanOf(func(x, y T) T { return x ^ y })
	case ewOpShl:
		return ewSpanOf(func(x, y T) T {
			if uint64(y) >= width {
				return 0
			}
			return x << uint64(y)
		})
	case ewOpShr:
		return ewSpanOf(func(x, y T) T {
			if uint64(y) >= width {
				return 0
			}
			return x >> uint64(y)
		})
	}
	return nil
}

// ewIntWidth returns the bit width of T.
func ewIntWidth[T ewInt]() uint64 {
	var z T
	switch any(z).(type) {
	case int8, uint8:
		return 8
	case int16, uint16:
		return 16
	case int32, uint32:
		return 32
	}
	return 64
}

// ewArith computes op(a, b) with broadcasting for same-dtype numeric
// inputs. Float16 and bfloat16 compute in float32.
func ewArith(ctx *Context, op ewOp, a, b *tensor.Tensor) (*tensor.Tensor, error) {
	if a.DType() != b.DType() {
		return nil, ctx.Errf("input dtypes %v and %v differ: %w", a.DType(), b.DType(), tensor.ErrDType)
	}
	osh, err := ewOutShape(ctx, a.DType(), a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	var t *tensor.Tensor
	ok := true
	switch a.DType() {
	case tensor.Float32:
		t, ok, err = zaArithT(ctx, a.DType(), a.Float32s(), a.Shape(), tensor.Data[float32](b), b.Shape(), osh, zaF32Span(op))
	case tensor.Float64:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[float64](a), a.Shape(), tensor.Data[float64](b), b.Shape(), osh, ewFloatSpan[float64](op))
	case tensor.Float16, tensor.BFloat16:
		r, ok := ewArithT(ctx, tensor.ToFloat32(a), a.Shape(), tensor.ToFloat32(b), b.Shape(), osh, ewFloatSpan[float32](op))
		if !ok {
			break
		}
		t, err := tensor.FromFloat32(a.DType(), osh, r.([]float32))
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return t, nil
	case tensor.Int8:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[int8](a), a.Shape(), tensor.Data[int8](b), b.Shape(), osh, ewIntSpan[int8](op))
	case tensor.Int16:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[int16](a), a.Shape(), tensor.Data[int16](b), b.Shape(), osh, ewIntSpan[int16](op))
	case tensor.Int32:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[int32](a), a.Shape(), tensor.Data[int32](b), b.Shape(), osh, ewIntSpan[int32](op))
	case tensor.Int64:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[int64](a), a.Shape(), tensor.Data[int64](b), b.Shape(), osh, ewIntSpan[int64](op))
	case tensor.Uint8:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[uint8](a), a.Shape(), tensor.Data[uint8](b), b.Shape(), osh, ewIntSpan[uint8](op))
	case tensor.Uint16:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[uint16](a), a.Shape(), tensor.Data[uint16](b), b.Shape(), osh, ewIntSpan[uint16](op))
	case tensor.Uint32:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[uint32](a), a.Shape(), tensor.Data[uint32](b), b.Shape(), osh, ewIntSpan[uint32](op))
	case tensor.Uint64:
		t, ok, err = zaArithT(ctx, a.DType(), tensor.Data[uint64](a), a.Shape(), tensor.Data[uint64](b), b.Shape(), osh, ewIntSpan[uint64](op))
	default:
		ok = false
	}
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	if !ok || t == nil {
		return nil, DTypeErr(ctx, a.DType())
	}
	return t, nil
}

// zaArithT is ewArithT wrapping the result as a dt tensor (without boxing
// the slice or allocating a header in a session).
func zaArithT[T any](ctx *Context, dt tensor.DType, a []T, ash []int, b []T, bsh []int, osh []int, span ewSpan[T, T, T]) (*tensor.Tensor, bool, error) {
	if span == nil {
		return nil, false, nil
	}
	t, err := zaWrap(ctx, dt, osh, ewBin(ctx, a, ash, b, bsh, osh, span))
	return t, err == nil, err
}

func ewArithT[T any](ctx *Context, a []T, ash []int, b []T, bsh []int, osh []int, span ewSpan[T, T, T]) (any, bool) {
	if span == nil {
		return nil, false
	}
	return ewBin(ctx, a, ash, b, bsh, osh, span), true
}

// ewLegacyB handles opset < 7 binary ops with broadcast=1 and an axis
// attribute: B's dims line up with A's starting at axis, so B gets trailing
// unit dims. Without the axis, numpy broadcasting already gives the legacy
// suffix-aligned meaning.
func ewLegacyB(ctx *Context, a, b *tensor.Tensor) (*tensor.Tensor, error) {
	if ctx.Opset >= 7 || ctx.Node.AttrInt("broadcast", 0) == 0 || ctx.Node.Attr("axis") == nil {
		return b, nil
	}
	axis := int(ctx.Node.AttrInt("axis", 0))
	if axis < 0 {
		axis += a.Rank()
	}
	pad := a.Rank() - axis - b.Rank()
	if axis < 0 || pad < 0 {
		return nil, ctx.Errf("broadcast axis %d does not fit A %v and B %v: %w", axis, a.Shape(), b.Shape(), tensor.ErrShape)
	}
	sh := append([]int{}, b.Shape()...)
	for i := 0; i < pad; i++ {
		sh = append(sh, 1)
	}
	r, err := b.Reshape(sh...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return r, nil
}

// ewArithKernel builds a kernel for a binary arithmetic node.
func ewArithKernel(op ewOp) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if err := NeedInputs(ctx, in, 2); err != nil {
				return nil, err
			}
			b, err := ewLegacyB(ctx, in[0], in[1])
			if err != nil {
				return nil, err
			}
			t, err := ewArith(ctx, op, in[0], b)
			if err != nil {
				return nil, err
			}
			return ctx.One(t), nil
		}), nil
	}
}

func ewModFactory(n *ir.Node, opset int) (Kernel, error) {
	op := ewOpMod
	switch n.AttrInt("fmod", 0) {
	case 0:
	case 1:
		op = ewOpFmod
	default:
		return nil, NodeErrf(n, "fmod must be 0 or 1: %w", ir.ErrInvalidModel)
	}
	return ewArithKernel(op)(n, opset)
}

func ewBitShiftFactory(n *ir.Node, opset int) (Kernel, error) {
	var op ewOp
	switch n.AttrString("direction", "") {
	case "LEFT":
		op = ewOpShl
	case "RIGHT":
		op = ewOpShr
	default:
		return nil, NodeErrf(n, "direction must be LEFT or RIGHT: %w", ir.ErrInvalidModel)
	}
	k, _ := ewArithKernel(op)(n, opset)
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 2); err != nil {
			return nil, err
		}
		if in[0].DType().IsSigned() {
			return nil, DTypeErr(ctx, in[0].DType())
		}
		return k.Run(ctx, in)
	}), nil
}

// ewPReluFactory: slope broadcasts to X (unidirectionally); the output has
// X's shape. Before opset 7 the slope broadcast the same way in practice.
func ewPReluFactory(n *ir.Node, opset int) (Kernel, error) {
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 2); err != nil {
			return nil, err
		}
		x, s := in[0], in[1]
		if opset < 7 && s.Rank() == 1 && x.Rank() >= 2 && s.Shape()[0] == x.Shape()[1] && x.Rank() > 2 {
			// Old PRelu: a 1-D slope of length C applies per channel.
			sh := make([]int, x.Rank()-1)
			for i := range sh {
				sh[i] = 1
			}
			sh[0] = s.Shape()[0]
			var err error
			if s, err = s.Reshape(sh...); err != nil {
				return nil, ctx.Errf("%w", err)
			}
		}
		t, err := ewArith(ctx, ewOpPRelu, x, s)
		if err != nil {
			return nil, err
		}
		if !tensor.SameShape(t.Shape(), x.Shape()) {
			return nil, ctx.Errf("slope %v does not broadcast to X %v: %w", s.Shape(), x.Shape(), tensor.ErrShape)
		}
		return One(t), nil
	}), nil
}

// ewVariadic folds op over all inputs with broadcasting (Sum, Max, Min,
// Mean).
func ewVariadicFactory(op ewOp, mean bool) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if len(in) == 0 {
				return nil, ctx.Errf("needs at least one input: %w", ir.ErrInvalidModel)
			}
			if err := NeedInputs(ctx, in, len(in)); err != nil {
				return nil, err
			}
			acc := in[0]
			if len(in) == 1 {
				// Still validate the dtype.
				if _, err := ewArith(ctx, op, acc, acc.Clone()); err != nil {
					return nil, err
				}
				return One(acc.Clone()), nil
			}
			for _, t := range in[1:] {
				var err error
				if acc, err = ewArith(ctx, op, acc, t); err != nil {
					return nil, err
				}
			}
			if mean {
				div := tensor.Must(ctx.NewTensor(tensor.Float64))
				tensor.Data[float64](div)[0] = float64(len(in))
				d, err := tensor.Cast(div, acc.DType())
				if err != nil {
					return nil, ctx.Errf("%w", err)
				}
				if acc, err = ewArith(ctx, ewOpDiv, acc, d); err != nil {
					return nil, err
				}
			}
			return One(acc), nil
		}), nil
	}
}

// ewPowFactory: base and exponent may have different numeric types; the
// result has the base's type.
func ewPowFactory(n *ir.Node, opset int) (Kernel, error) {
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 2); err != nil {
			return nil, err
		}
		a, b := in[0], in[1]
		b, err := ewLegacyB(ctx, a, b)
		if err != nil {
			return nil, err
		}
		if a.DType() == b.DType() && (a.DType().IsFloat() || a.DType().IsInt()) {
			t, err := ewArith(ctx, ewOpPow, a, b)
			if err != nil {
				return nil, err
			}
			return One(t), nil
		}
		if !(a.DType().IsFloat() || a.DType().IsInt()) || !(b.DType().IsFloat() || b.DType().IsInt()) {
			return nil, DTypeErr(ctx, b.DType())
		}
		if a.DType().IsInt() && b.DType().IsInt() {
			// Integer base, integer exponent: exact power in int64.
			a64, err := tensor.Cast(a, tensor.Int64)
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			b64, err := tensor.Cast(b, tensor.Int64)
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			r, err := ewArith(ctx, ewOpPow, a64, b64)
			if err != nil {
				return nil, err
			}
			if r, err = tensor.Cast(r, a.DType()); err != nil {
				return nil, ctx.Errf("%w", err)
			}
			return One(r), nil
		}
		af, err := tensor.Cast(a, tensor.Float64)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		bf, err := tensor.Cast(b, tensor.Float64)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		r, err := ewArith(ctx, ewOpPow, af, bf)
		if err != nil {
			return nil, err
		}
		if r, err = tensor.Cast(r, a.DType()); err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(r), nil
	}), nil
}

func init() {
	for _, o := range []struct {
		name string
		op   ewOp
	}{{"Add", ewOpAdd}, {"Sub", ewOpSub}, {"Mul", ewOpMul}, {"Div", ewOpDiv},
		{"BitwiseAnd", ewOpBitAnd}, {"BitwiseOr", ewOpBitOr}, {"BitwiseXor", ewOpBitXor}} {
		Register("", o.name, 1, ewArithKernel(o.op))
	}
	Register("", "Mod", 10, ewModFactory)
	Register("", "BitShift", 11, ewBitShiftFactory)
	Register("", "PRelu", 1, ewPReluFactory)
	Register("", "Pow", 1, ewPowFactory)
	Register("", "Sum", 1, ewVariadicFactory(ewOpAdd, false))
	Register("", "Mean", 1, ewVariadicFactory(ewOpAdd, true))
	Register("", "Max", 1, ewVariadicFactory(ewOpMax, false))
	Register("", "Min", 1, ewVariadicFactory(ewOpMin, false))
}

// rcPowSpan is Pow for floats; a broadcast exponent of 2 (variance in
// decomposed layer norms) is x·x, which is math.Pow's correctly rounded
// result without its cost.
func rcPowSpan[T ewFloat](dst, a []T, sa int, b []T, sb int) {
	if sb == 0 && b[0] == 2 {
		if sa == 1 {
			a = a[:len(dst)]
			for i, v := range a {
				dst[i] = v * v
			}
			return
		}
		v := a[0] * a[0]
		for i := range dst {
			dst[i] = v
		}
		return
	}
	n := len(dst)
	for i := 0; i < n; i++ {
		dst[i] = T(math.Pow(float64(a[i*sa]), float64(b[i*sb])))
	}
}
