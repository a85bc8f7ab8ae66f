package ops

// ONNX Runtime contrib (com.microsoft) quantized element-wise, lookup-table,
// pooling, concat and softmax operators. Every formula reproduces the float32
// arithmetic of ONNX Runtime's x86 CPU kernels (MLAS), step by step, so the
// integer outputs are bit-identical: float32 products and sums in the same
// order, rounding half to even (cvtps2dq / nearbyintf), then saturation.

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	ops := map[string]Factory{
		"QLinearAdd":               msNewBinary(false),
		"QLinearMul":               msNewBinary(true),
		"QLinearSigmoid":           msNewLUT(false),
		"QLinearLeakyRelu":         msNewLUT(true),
		"QLinearConcat":            msNewConcat,
		"QLinearGlobalAveragePool": msNewGlobalAvgPool,
		"QLinearAveragePool":       msNewAvgPool,
		"QLinearSoftmax":           msNewSoftmax,
	}
	for name, f := range ops {
		Register(ir.MSDomain, name, 1, f)
	}
}

// ---- shared helpers ----

// msScale reads a positive float32 scalar (or one-element tensor).
func msScale(ctx *Context, t *tensor.Tensor, name string) (float32, error) {
	if t == nil {
		return 0, ctx.Errf("%s is missing: %w", name, ir.ErrInvalidModel)
	}
	if t.DType() != tensor.Float32 {
		return 0, ctx.Errf("%s has dtype %v, want float32: %w", name, t.DType(), tensor.ErrDType)
	}
	if t.Len() != 1 || t.Rank() > 1 {
		return 0, ctx.Errf("%s has shape %v, want a scalar: %w", name, t.Shape(), tensor.ErrShape)
	}
	v := t.Float32s()[0]
	if !(v > 0) || math.IsInf(float64(v), 0) {
		return 0, ctx.Errf("%s = %v: scales must be positive and finite: %w", name, v, ir.ErrInvalidModel)
	}
	return v, nil
}

// msScales reads a float32 scale tensor with 1 or n elements (n > 0 allows
// per-column scales), checking every value.
func msScales(ctx *Context, t *tensor.Tensor, n int, name string) ([]float32, error) {
	if t == nil {
		return nil, ctx.Errf("%s is missing: %w", name, ir.ErrInvalidModel)
	}
	if t.DType() != tensor.Float32 {
		return nil, ctx.Errf("%s has dtype %v, want float32: %w", name, t.DType(), tensor.ErrDType)
	}
	if t.Rank() > 1 || (t.Len() != 1 && t.Len() != n) {
		return nil, ctx.Errf("%s has shape %v, want a scalar or [%d]: %w", name, t.Shape(), n, tensor.ErrShape)
	}
	s := t.Float32s()
	for i, v := range s {
		if !(v > 0) || math.IsInf(float64(v), 0) {
			return nil, ctx.Errf("%s[%d] = %v: scales must be positive and finite: %w", name, i, v, ir.ErrInvalidModel)
		}
	}
	return s, nil
}

// msZeroPoints reads a zero point of dtype want with 1 or n elements; nil
// gives one zero.
func msZeroPoints(ctx *Context, t *tensor.Tensor, want tensor.DType, n int, name string) ([]int32, error) {
	if t == nil {
		return zaOneI32(0), nil // shared, read-only
	}
	if t.DType() == want && t.Rank() <= 1 && (t.Len() == 1 || t.Len() == n) {
		if z := zaSharedI32(t.Len(), t.Int64At); z != nil {
			return z, nil // shared, read-only: no allocation per run
		}
	}
	if t.DType() != want {
		return nil, ctx.Errf("%s has dtype %v, want %v: %w", name, t.DType(), want, tensor.ErrDType)
	}
	if t.Rank() > 1 || (t.Len() != 1 && t.Len() != n) {
		return nil, ctx.Errf("%s has shape %v, want a scalar or [%d]: %w", name, t.Shape(), n, tensor.ErrShape)
	}
	out := make([]int32, t.Len())
	for i := range out {
		out[i] = int32(t.Int64At(i))
	}
	return out, nil
}

// msZeroPoint reads a scalar zero point of dtype want (nil → 0).
// msPoolParams reads the per-tensor parameters of the QLinear pools:
// inputs 1–4: x_scale, x_zero_point, y_scale and the optional y_zero_point.
func msPoolParams(ctx *Context, in []*tensor.Tensor, dt tensor.DType) (xs float32, xz int32, ys float32, yz int32, err error) {
	if xs, err = msScale(ctx, in[1], "x_scale"); err != nil {
		return
	}
	if xz, err = msZeroPoint(ctx, in[2], dt, "x_zero_point"); err != nil {
		return
	}
	if ys, err = msScale(ctx, in[3], "y_scale"); err != nil {
		return
	}
	yz, err = msZeroPoint(ctx, Opt(in, 4), dt, "y_zero_point")
	return
}

func msZeroPoint(ctx *Context, t *tensor.Tensor, want tensor.DType, name string) (int32, error) {
	z, err := msZeroPoints(ctx, t, want, 1, name)
	if err != nil {
		return 0, err
	}
	return z[0], nil
}

func msIs8(dt tensor.DType) bool { return dt == tensor.Int8 || dt == tensor.Uint8 }

// msCvt is cvtps2dq: round half to even; NaN and out-of-range values give
// math.MinInt32 (the "integer indefinite" value).
func msCvt(v float32) int32 {
	r := math.RoundToEven(float64(v))
	if r != r || r < math.MinInt32 || r > math.MaxInt32 {
		return math.MinInt32
	}
	return int32(r)
}

// msSat clamps to [lo, hi].
func msSat(v, lo, hi int32) int32 { return min(max(v, lo), hi) }

// msQuantize is MlasQuantizeLinear for one value: clamp(v/scale) into the
// range shifted by zp, round half to even, add zp.
func msQuantize(v, scale float32, zp, lo, hi int32) int32 {
	f := v / scale
	fmin, fmax := float32(lo-zp), float32(hi-zp)
	if !(f >= fmin) { // also NaN, as maxps returns its second operand
		f = fmin
	}
	if f > fmax {
		f = fmax
	}
	return msCvt(f) + zp
}

// msRequant is MlasRequantizeOutput for one accumulator.
func msRequant(acc int32, scale float32, zp, lo, hi int32) int32 {
	f := float32(acc) * scale
	fmin, fmax := float32(lo-zp), float32(hi-zp)
	if !(f >= fmin) {
		f = fmin
	}
	if f > fmax {
		f = fmax
	}
	return msCvt(f) + zp
}

// msNewOut allocates an output tensor of dt and shape.
func msNewOut(ctx *Context, dt tensor.DType, shape []int) (*tensor.Tensor, error) {
	out, err := ctx.NewTensor(dt, shape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", shape, err)
	}
	return out, nil
}

// msStore writes int32 values into an 8/16-bit integer tensor.
func msStore(out *tensor.Tensor, i int, v int32) {
	switch d := out.Data().(type) {
	case []uint8:
		d[i] = uint8(v)
	case []int8:
		d[i] = int8(v)
	case []uint16:
		d[i] = uint16(v)
	case []int16:
		d[i] = int16(v)
	}
}

// msInts reads an 8/16-bit integer tensor as int32 values.
func msInts(t *tensor.Tensor) []int32 {
	out := make([]int32, t.Len())
	switch d := t.Data().(type) {
	case []uint8:
		for i, v := range d {
			out[i] = int32(v)
		}
	case []int8:
		for i, v := range d {
			out[i] = int32(v)
		}
	case []uint16:
		for i, v := range d {
			out[i] = int32(v)
		}
	case []int16:
		for i, v := range d {
			out[i] = int32(v)
		}
	}
	return out
}

// ---- QLinearAdd / QLinearMul ----

func msNewBinary(mul bool) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return msBinary(ctx, in, mul)
		}), nil
	}
}

// Per-element formula selectors mirroring ORT's broadcast looper: a whole
// input that is one element, or a span (innermost broadcast group) over
// which one input is constant, uses the "scalar" MLAS entry point, whose
// float32 operation order differs.
const (
	msSpanBoth = iota
	msScalarA
	msScalarB
)

func msBinary(ctx *Context, in []*tensor.Tensor, mul bool) ([]*tensor.Tensor, error) {
	if len(in) < 7 {
		return nil, ctx.Errf("needs at least 7 inputs, got %d: %w", len(in), ir.ErrInvalidModel)
	}
	for _, i := range []int{0, 1, 3, 4, 6} {
		if in[i] == nil {
			return nil, ctx.Errf("input %d is missing: %w", i, ir.ErrInvalidModel)
		}
	}
	a, b := in[0], in[3]
	dt := a.DType()
	if !msIs8(dt) {
		return nil, DTypeErr(ctx, dt)
	}
	if b.DType() != dt {
		return nil, ctx.Errf("B has dtype %v, A has %v: %w", b.DType(), dt, tensor.ErrDType)
	}
	sa, err := msScale(ctx, in[1], "A_scale")
	if err != nil {
		return nil, err
	}
	sb, err := msScale(ctx, in[4], "B_scale")
	if err != nil {
		return nil, err
	}
	sc, err := msScale(ctx, in[6], "C_scale")
	if err != nil {
		return nil, err
	}
	za, err := msZeroPoint(ctx, in[2], dt, "A_zero_point")
	if err != nil {
		return nil, err
	}
	zb, err := msZeroPoint(ctx, in[5], dt, "B_zero_point")
	if err != nil {
		return nil, err
	}
	zc, err := msZeroPoint(ctx, Opt(in, 7), dt, "C_zero_point")
	if err != nil {
		return nil, err
	}
	shape, err := zaBroadcastShape(a.Shape(), b.Shape()) // an input's shape when it covers the other
	if err != nil {
		return nil, ctx.Errf("A %v and B %v: %w", a.Shape(), b.Shape(), err)
	}
	// qpBinary writes every element: no clearing needed.
	out, err := ctx.NewTensorUninit(dt, shape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", shape, err)
	}
	n := out.Len()
	if n == 0 {
		return ctx.One(out), nil
	}
	mode := msSpanBoth
	switch {
	case a.Len() == 1:
		mode = msScalarA
	case b.Len() == 1:
		mode = msScalarB
	default:
		for d := len(shape) - 1; d >= 0; d-- {
			if shape[d] == 1 {
				continue
			}
			if da := d - (len(shape) - a.Rank()); da < 0 || a.Shape()[da] == 1 {
				mode = msScalarA
			} else if db := d - (len(shape) - b.Rank()); db < 0 || b.Shape()[db] == 1 {
				mode = msScalarB
			}
			break
		}
	}
	lo64, hi64 := dt.IntRange()
	lo, hi := int32(lo64), int32(hi64)
	if dt == tensor.Uint8 {
		qpBinary[uint8](ctx, a, b, out, mul, mode, sa, sb, sc, za, zb, zc, lo, hi)
	} else {
		qpBinary[int8](ctx, a, b, out, mul, mode, sa, sb, sc, za, zb, zc, lo, hi)
	}
	return ctx.One(out), nil
}

// msBinaryRef is the meaning of QLinearAdd/QLinearMul, one element at a
// time (qpBinary is the fast twin, tested against it).
func msBinaryRef(a, b, out *tensor.Tensor, mul bool, mode int, sa, sb, sc float32, za, zb, zc, lo, hi int32) {
	shape := out.Shape()
	n := out.Len()
	av, bv := msInts(a), msInts(b)
	sta, stb := tensor.BroadcastStrides(a.Shape(), shape), tensor.BroadcastStrides(b.Shape(), shape)
	ost := tensor.Strides(shape)

	var f func(x, y int32) int32
	switch {
	case mul:
		ratio := sa * sb / sc
		fzc := float32(zc)
		f = func(x, y int32) int32 {
			p := float32(float32((x-za)*(y-zb)) * ratio)
			return msSat(msCvt(p+fzc), lo, hi)
		}
	default:
		ra, rb := sa/sc, sb/sc
		fixed := float32(zc) - (float32(ra*float32(za)) + float32(rb*float32(zb)))
		switch mode {
		case msSpanBoth:
			f = func(x, y int32) int32 {
				return msSat(msCvt(float32(fixed+float32(float32(x)*ra))+float32(float32(y)*rb)), lo, hi)
			}
		case msScalarB:
			f = func(x, y int32) int32 {
				fx := fixed + float32(float32(y)*rb)
				return msSat(msCvt(fx+float32(float32(x)*ra)), lo, hi)
			}
		case msScalarA:
			// ORT swaps the operands: B is the span, A the scalar.
			fixed = float32(zc) - (float32(rb*float32(zb)) + float32(ra*float32(za)))
			f = func(x, y int32) int32 {
				fx := fixed + float32(float32(x)*ra)
				return msSat(msCvt(fx+float32(float32(y)*rb)), lo, hi)
			}
		}
	}
	rank := len(shape)
	idx := make([]int, rank)
	for i := 0; i < n; i++ {
		rem, ia, ib := i, 0, 0
		for d := 0; d < rank; d++ {
			idx[d] = rem / ost[d]
			rem -= idx[d] * ost[d]
			ia += idx[d] * sta[d]
			ib += idx[d] * stb[d]
		}
		msStore(out, i, f(av[ia], bv[ib]))
	}
}

// ---- lookup-table activations ----

// msFMA32 is a float32 fused multiply-add (a*b+c rounded once, via float64;
// the float64 sum of a float32 product is exact enough not to double-round
// in practice).
func msFMA32(a, b, c float32) float32 { return float32(math.FMA(float64(a), float64(b), float64(c))) }

// msLogistic is MLAS's rational logistic approximation (the FMA3 kernel ORT
// uses on x86-64).
func msLogistic(x float32) float32 {
	const (
		a9  = float32(4.37031012579801e-11)
		a7  = float32(1.15627324459942e-07)
		a5  = float32(6.08574864600143e-05)
		a3  = float32(8.51377133304701e-03)
		a1  = float32(2.48287947061529e-01)
		b10 = float32(6.10247389755681e-13)
		b8  = float32(5.76102136993427e-09)
		b6  = float32(6.29106785017040e-06)
		b4  = float32(1.70198817374094e-03)
		b2  = float32(1.16817656904453e-01)
		b0  = float32(9.93151921023180e-01)
	)
	v := min(max(x, -18), 18)
	v2 := v * v
	p := msFMA32(v2, a9, a7)
	p = msFMA32(p, v2, a5)
	p = msFMA32(p, v2, a3)
	p = msFMA32(p, v2, a1)
	p = float32(p * v)
	q := msFMA32(v2, b10, b8)
	q = msFMA32(q, v2, b6)
	q = msFMA32(q, v2, b4)
	q = msFMA32(q, v2, b2)
	q = msFMA32(q, v2, b0)
	r := float32(p/q) + 0.5
	return min(max(r, 0), 1)
}

// msTable builds ORT's 256-entry table: entry i is the output for the input
// whose byte pattern is i.
func msTable(dt tensor.DType, xs float32, xz int32, ys float32, yz int32, fn func(float32) float32) [256]int32 {
	var t [256]int32
	lo64, hi64 := dt.IntRange()
	for i := 0; i < 256; i++ {
		x := int32(i)
		if dt == tensor.Int8 {
			x = int32(int8(uint8(i)))
		}
		d := xs * float32(x-xz)
		t[i] = msQuantize(fn(d), ys, yz, int32(lo64), int32(hi64))
	}
	return t
}

func msApplyTable(x, out *tensor.Tensor, t *[256]int32) {
	switch d := x.Data().(type) {
	case []uint8:
		o := out.Data().([]uint8)
		for i, v := range d {
			o[i] = uint8(t[v])
		}
	case []int8:
		o := out.Data().([]int8)
		for i, v := range d {
			o[i] = int8(t[uint8(v)])
		}
	}
}

func msNewLUT(leaky bool) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		alpha := n.AttrFloat("alpha", 0.01)
		fn := msLogistic
		if leaky {
			fn = func(v float32) float32 {
				if v >= 0 {
					return v
				}
				return v * alpha
			}
		}
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if len(in) < 4 || in[0] == nil || in[1] == nil || in[3] == nil {
				return nil, ctx.Errf("needs X, X_scale, X_zero_point, Y_scale: %w", ir.ErrInvalidModel)
			}
			x := in[0]
			dt := x.DType()
			if !msIs8(dt) {
				return nil, DTypeErr(ctx, dt)
			}
			xs, err := msScale(ctx, in[1], "X_scale")
			if err != nil {
				return nil, err
			}
			xz, err := msZeroPoint(ctx, in[2], dt, "X_zero_point")
			if err != nil {
				return nil, err
			}
			ys, err := msScale(ctx, in[3], "Y_scale")
			if err != nil {
				return nil, err
			}
			yz, err := msZeroPoint(ctx, Opt(in, 4), dt, "Y_zero_point")
			if err != nil {
				return nil, err
			}
			t := msTable(dt, xs, xz, ys, yz, fn)
			out, err := msNewOut(ctx, dt, x.Shape())
			if err != nil {
				return nil, err
			}
			msApplyTable(x, out, &t)
			return One(out), nil
		}), nil
	}
}

// ---- QLinearConcat ----

func msNewConcat(n *ir.Node, opset int) (Kernel, error) {
	if n.Attr("axis") == nil {
		return nil, NodeErrf(n, "attribute axis is required: %w", ir.ErrInvalidModel)
	}
	axis := int(n.AttrInt("axis", 0))
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if len(in) < 5 || (len(in)-2)%3 != 0 {
			return nil, ctx.Errf("needs Y_scale, Y_zero_point and (X, X_scale, X_zero_point) triples, got %d inputs: %w", len(in), ir.ErrInvalidModel)
		}
		if in[1] == nil {
			return nil, ctx.Errf("Y_zero_point is missing: %w", ir.ErrInvalidModel)
		}
		dt := in[1].DType()
		if !msIs8(dt) {
			return nil, DTypeErr(ctx, dt)
		}
		ys, err := msScale(ctx, in[0], "Y_scale")
		if err != nil {
			return nil, err
		}
		yz, err := msZeroPoint(ctx, in[1], dt, "Y_zero_point")
		if err != nil {
			return nil, err
		}
		k := (len(in) - 2) / 3
		xs := make([]*tensor.Tensor, k)
		tables := make([][256]int32, k)
		for i := 0; i < k; i++ {
			x := in[2+3*i]
			if x == nil {
				return nil, ctx.Errf("input X%d is missing: %w", i, ir.ErrInvalidModel)
			}
			if x.DType() != dt {
				return nil, ctx.Errf("X%d has dtype %v, want %v: %w", i, x.DType(), dt, tensor.ErrDType)
			}
			s, err := msScale(ctx, in[3+3*i], "X_scale")
			if err != nil {
				return nil, err
			}
			z, err := msZeroPoint(ctx, in[4+3*i], dt, "X_zero_point")
			if err != nil {
				return nil, err
			}
			xs[i] = x
			tables[i] = msTable(dt, s, z, ys, yz, func(v float32) float32 { return v })
		}
		r := xs[0].Rank()
		ax, err := tensor.NormAxis(axis, r)
		if err != nil {
			return nil, ctx.Errf("axis %d for rank %d: %w", axis, r, tensor.ErrShape)
		}
		shape := append([]int(nil), xs[0].Shape()...)
		shape[ax] = 0
		for i, x := range xs {
			if x.Rank() != r {
				return nil, ctx.Errf("X%d rank %d differs from X0 rank %d: %w", i, x.Rank(), r, tensor.ErrShape)
			}
			for d := 0; d < r; d++ {
				if d != ax && x.Shape()[d] != xs[0].Shape()[d] {
					return nil, ctx.Errf("X%d shape %v does not match X0 %v off axis %d: %w", i, x.Shape(), xs[0].Shape(), ax, tensor.ErrShape)
				}
			}
			shape[ax] += x.Shape()[ax]
		}
		out, err := msNewOut(ctx, dt, shape)
		if err != nil {
			return nil, err
		}
		outer := tensor.Size(shape[:ax])
		inner := tensor.Size(shape[ax+1:])
		orow := shape[ax] * inner
		off := 0
		for i, x := range xs {
			xv := msInts(x)
			blk := x.Shape()[ax] * inner
			t := &tables[i]
			for o := 0; o < outer; o++ {
				for j := 0; j < blk; j++ {
					msStore(out, o*orow+off+j, t[uint8(xv[o*blk+j])])
				}
			}
			off += blk
		}
		return One(out), nil
	}), nil
}

// ---- QLinearGlobalAveragePool ----

// msSum8 sums channel ch of image b of 8-bit x (img pixels, c channels,
// channels last or first) without widening the tensor first.
func msSum8[T uint8 | int8](x []T, b, ch, c, img int, last bool) int32 {
	var acc int32
	if last {
		base := b*img*c + ch
		for p := 0; p < img; p++ {
			acc += int32(x[base+p*c])
		}
		return acc
	}
	row := qdU8(x[(b*c+ch)*img : (b*c+ch+1)*img])
	if _, signed := any(x).([]int8); signed {
		return int32(qdSumI8(row))
	}
	return int32(linalg.SumU8(row))
}

// qdSumI8 sums bytes read as int8.
func qdSumI8(row []uint8) int64 {
	var s int64
	for _, v := range row {
		s += int64(int8(v))
	}
	return s
}

func msNewGlobalAvgPool(n *ir.Node, opset int) (Kernel, error) {
	last := n.AttrInt("channels_last", 0) != 0
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if len(in) < 4 || in[0] == nil || in[1] == nil || in[3] == nil {
			return nil, ctx.Errf("needs X, x_scale, x_zero_point, y_scale, y_zero_point: %w", ir.ErrInvalidModel)
		}
		x := in[0]
		dt := x.DType()
		if !msIs8(dt) {
			return nil, DTypeErr(ctx, dt)
		}
		if x.Rank() < 3 {
			return nil, ctx.Errf("X has shape %v, want rank >= 3: %w", x.Shape(), tensor.ErrShape)
		}
		xs, xz, ys, yz, err := msPoolParams(ctx, in, dt)
		if err != nil {
			return nil, err
		}
		sh := x.Shape()
		nb := sh[0]
		var c, img int
		oshape := append(zaShapeBuf(ctx), sh...)
		for i := range oshape {
			oshape[i] = 1
		}
		oshape[0] = nb
		if last {
			c = sh[len(sh)-1]
			img = tensor.Size(sh[1 : len(sh)-1])
			oshape[len(sh)-1] = c
		} else {
			c = sh[1]
			img = tensor.Size(sh[2:])
			oshape[1] = c
		}
		if img == 0 || img > math.MaxInt32/256 { // int32 sums of 8-bit values
			return nil, ctx.Errf("image size %d out of range: %w", img, tensor.ErrShape)
		}
		out, err := msNewOut(ctx, dt, oshape)
		if err != nil {
			return nil, err
		}
		scale := xs / (ys * float32(img))
		lo64, hi64 := dt.IntRange()
		lo, hi := int32(lo64), int32(hi64)
		bias := -xz * int32(img)
		// Channels over threads: each writes its own output element.
		gp := msGAPParams{x: x, out: out, c: c, img: img, last: last, bias: bias, scale: scale, yz: yz, lo: lo, hi: hi}
		if grain := max(1, (64<<10)/img); zaSerialN(ctx, nb*c, grain) {
			if !last && q8tGAP(x, out, nb*c, img, bias, scale, yz, lo, hi) {
				return ctx.One(out), nil
			}
			gp.run(0, nb*c) // no closure on the serial path: nothing escapes
		} else {
			gh := gp // only this path's copy escapes into the pool
			ctx.Parallel(nb*c, grain, func(i0, i1 int) { gh.run(i0, i1) })
		}
		return ctx.One(out), nil
	}), nil
}

// msGAPParams is one QLinearGlobalAveragePool call.
type msGAPParams struct {
	x, out           *tensor.Tensor
	c, img           int
	last             bool
	bias, yz, lo, hi int32
	scale            float32
}

// run computes outputs [i0, i1) (batch i/c, channel i%c).
func (p *msGAPParams) run(i0, i1 int) {
	for i := i0; i < i1; i++ {
		b, ch := i/p.c, i%p.c
		var acc int32
		if p.x.DType() == tensor.Uint8 {
			acc = msSum8(p.x.Data().([]uint8), b, ch, p.c, p.img, p.last)
		} else {
			acc = msSum8(p.x.Data().([]int8), b, ch, p.c, p.img, p.last)
		}
		msStore(p.out, i, msRequant(p.bias+acc, p.scale, p.yz, p.lo, p.hi))
	}
}

// ---- QLinearAveragePool ----

type msAvgPool struct {
	kernel, strides, pads []int
	autoPad               string
	ceil, includePad      bool
	last                  bool
}

func msNewAvgPool(n *ir.Node, opset int) (Kernel, error) {
	k := &msAvgPool{
		kernel:     Ints(n.AttrInts("kernel_shape")),
		strides:    Ints(n.AttrInts("strides")),
		pads:       Ints(n.AttrInts("pads")),
		autoPad:    n.AttrString("auto_pad", "NOTSET"),
		ceil:       n.AttrInt("ceil_mode", 0) != 0,
		includePad: n.AttrInt("count_include_pad", 0) != 0,
		last:       n.AttrInt("channels_last", 0) != 0,
	}
	nd := len(k.kernel)
	if nd == 0 {
		return nil, NodeErrf(n, "kernel_shape is required: %w", ir.ErrInvalidModel)
	}
	for _, v := range k.kernel {
		if v < 1 {
			return nil, NodeErrf(n, "kernel_shape %v must be positive: %w", k.kernel, ir.ErrInvalidModel)
		}
	}
	if len(k.strides) == 0 {
		k.strides = make([]int, nd)
		for i := range k.strides {
			k.strides[i] = 1
		}
	}
	if len(k.pads) == 0 {
		k.pads = make([]int, 2*nd)
	}
	if len(k.strides) != nd || len(k.pads) != 2*nd {
		return nil, NodeErrf(n, "strides %v / pads %v do not fit kernel_shape %v: %w", k.strides, k.pads, k.kernel, ir.ErrInvalidModel)
	}
	for i, s := range k.strides {
		if s < 1 || k.pads[i] < 0 || k.pads[i+nd] < 0 {
			return nil, NodeErrf(n, "strides %v must be positive and pads %v non-negative: %w", k.strides, k.pads, ir.ErrInvalidModel)
		}
	}
	switch k.autoPad {
	case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER":
	default:
		return nil, NodeErrf(n, "auto_pad %q: %w", k.autoPad, ErrUnsupported)
	}
	return k, nil
}

func (k *msAvgPool) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) < 4 || in[0] == nil || in[1] == nil || in[3] == nil {
		return nil, ctx.Errf("needs X, x_scale, x_zero_point, y_scale, y_zero_point: %w", ir.ErrInvalidModel)
	}
	x := in[0]
	dt := x.DType()
	if !msIs8(dt) {
		return nil, DTypeErr(ctx, dt)
	}
	nd := len(k.kernel)
	if x.Rank() != nd+2 {
		return nil, ctx.Errf("X has shape %v, want rank %d: %w", x.Shape(), nd+2, tensor.ErrShape)
	}
	xs, xz, ys, yz, err := msPoolParams(ctx, in, dt)
	if err != nil {
		return nil, err
	}
	sh := x.Shape()
	nb := sh[0]
	var c int
	var sp []int
	if k.last {
		c, sp = sh[nd+1], sh[1:nd+1]
	} else {
		c, sp = sh[1], sh[2:]
	}
	outSp := make([]int, nd)
	head := make([]int, nd)
	for i := 0; i < nd; i++ {
		in, kk, s := sp[i], k.kernel[i], k.strides[i]
		switch k.autoPad {
		case "VALID":
			outSp[i] = (in-kk)/s + 1
		case "SAME_UPPER", "SAME_LOWER":
			outSp[i] = (in + s - 1) / s
			pad := max(0, (outSp[i]-1)*s+kk-in)
			head[i] = pad / 2
			if k.autoPad == "SAME_LOWER" {
				head[i] = (pad + 1) / 2
			}
		default:
			head[i] = k.pads[i]
			total := in + k.pads[i] + k.pads[i+nd] - kk
			if k.ceil {
				outSp[i] = (total+s-1)/s + 1
				if (outSp[i]-1)*s >= in+k.pads[i] {
					outSp[i]--
				}
			} else {
				outSp[i] = total/s + 1
			}
		}
		if outSp[i] < 0 || in-kk < -(k.pads[i]+k.pads[i+nd]) && k.autoPad != "SAME_UPPER" && k.autoPad != "SAME_LOWER" {
			return nil, ctx.Errf("kernel %v does not fit input %v: %w", k.kernel, sh, tensor.ErrShape)
		}
	}
	oshape := make([]int, 0, nd+2)
	if k.last {
		oshape = append(append(append(oshape, nb), outSp...), c)
	} else {
		oshape = append(append(oshape, nb, c), outSp...)
	}
	out, err := msNewOut(ctx, dt, oshape)
	if err != nil {
		return nil, err
	}
	// Dequantize every input value once: x_scale * (x - zp) in float32.
	xv := msInts(x)
	xf := make([]float32, len(xv))
	for i, v := range xv {
		xf[i] = xs * float32(v-xz)
	}
	lo64, hi64 := dt.IntRange()
	lo, hi := int32(lo64), int32(hi64)
	kernelSize := tensor.Size(k.kernel)
	img := tensor.Size(sp)
	oimg := tensor.Size(outSp)
	ist := tensor.Strides(sp)
	ost := tensor.Strides(outSp)
	start := make([]int, nd)
	end := make([]int, nd)
	pos := make([]int, nd)
	fzp := float32(yz)
	for b := 0; b < nb; b++ {
		for ch := 0; ch < c; ch++ {
			for o := 0; o < oimg; o++ {
				rem := o
				cnt := 1
				empty := false
				for d := 0; d < nd; d++ {
					od := rem / ost[d]
					rem -= od * ost[d]
					s := od*k.strides[d] - head[d]
					e := min(s+k.kernel[d], sp[d])
					s = max(s, 0)
					start[d], end[d] = s, e
					if e <= s {
						empty = true
					}
					cnt *= e - s
				}
				var sum float32
				if !empty {
					copy(pos, start)
					for {
						off := 0
						for d := 0; d < nd; d++ {
							off += pos[d] * ist[d]
						}
						var xi int
						if k.last {
							xi = (b*img+off)*c + ch
						} else {
							xi = (b*c+ch)*img + off
						}
						sum = float32(sum + xf[xi])
						d := nd - 1
						for ; d >= 0; d-- {
							pos[d]++
							if pos[d] < end[d] {
								break
							}
							pos[d] = start[d]
						}
						if d < 0 {
							break
						}
					}
				}
				if k.includePad {
					cnt = kernelSize
				}
				y := sum / float32(cnt)
				q := msCvt(float32(y/ys) + fzp)
				var oi int
				if k.last {
					oi = (b*oimg+o)*c + ch
				} else {
					oi = (b*c+ch)*oimg + o
				}
				msStore(out, oi, msSat(q, lo, hi))
			}
		}
	}
	return One(out), nil
}

// ---- QLinearSoftmax ----

type msSoftmax struct {
	opset, axis int
}

func msNewSoftmax(n *ir.Node, opset int) (Kernel, error) {
	a := n.Attr("opset")
	if a == nil {
		return nil, NodeErrf(n, "attribute opset is required: %w", ir.ErrInvalidModel)
	}
	k := &msSoftmax{opset: int(a.I)}
	def := int64(-1)
	if k.opset < 13 {
		def = 1
	}
	k.axis = int(n.AttrInt("axis", def))
	return k, nil
}

// msSoftmaxTable is ORT's exp table (QlinearBuildLookupTableUint32 with a
// float32 element type), indexed by byte.
func msSoftmaxTable(xs float32, d int, signed bool) [256]float32 {
	var t [256]float32
	shift := math.Log(float64(float32(math.MaxFloat32) / float32(d)))
	shift = math.Max(0, shift-5) / float64(xs)
	for i := 0; i < 256; i++ {
		v := math.Exp((float64(i) - 255 + shift) * float64(xs))
		idx := uint8(i)
		if signed {
			idx = uint8(i - 128)
		}
		t[idx] = float32(v)
	}
	return t
}

func (k *msSoftmax) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) < 4 || in[0] == nil || in[1] == nil || in[3] == nil {
		return nil, ctx.Errf("needs X, X_scale, x_zero_point, y_scale, y_zero_point: %w", ir.ErrInvalidModel)
	}
	x := in[0]
	dt := x.DType()
	if !msIs8(dt) {
		return nil, DTypeErr(ctx, dt)
	}
	xs, err := msScale(ctx, in[1], "X_scale")
	if err != nil {
		return nil, err
	}
	if _, err := msZeroPoint(ctx, in[2], dt, "x_zero_point"); err != nil {
		return nil, err
	}
	ys, err := msScale(ctx, in[3], "y_scale")
	if err != nil {
		return nil, err
	}
	yz, err := msZeroPoint(ctx, Opt(in, 4), dt, "y_zero_point")
	if err != nil {
		return nil, err
	}
	sh := x.Shape()
	out, err := msNewOut(ctx, dt, sh)
	if err != nil {
		return nil, err
	}
	if x.Len() == 0 {
		return One(out), nil
	}
	ax, err := tensor.NormAxis(k.axis, len(sh))
	if err != nil {
		return nil, ctx.Errf("axis %d for rank %d: %w", k.axis, len(sh), tensor.ErrShape)
	}
	// Rows: for opset < 13 the flattened [pre, post] view; else along axis.
	var pre, d, post int
	if k.opset < 13 {
		pre, d, post = tensor.Size(sh[:ax]), tensor.Size(sh[ax:]), 1
	} else {
		pre, d, post = tensor.Size(sh[:ax]), sh[ax], tensor.Size(sh[ax+1:])
	}
	signed := dt == tensor.Int8
	t := msSoftmaxTable(xs, d, signed)
	yScale := float32(math.Floor(float64(1 / ys)))
	xv := msInts(x)
	if err := ctx.CheckAlloc(tensor.Int32, d); err != nil {
		return nil, ctx.Errf("%w", err)
	}
	row := make([]int32, d)
	for p := 0; p < pre; p++ {
		for q := 0; q < post; q++ {
			base := p*d*post + q
			xmax := int32(math.MinInt32)
			for j := 0; j < d; j++ {
				row[j] = xv[base+j*post]
				xmax = max(xmax, row[j])
			}
			idx := func(v int32) uint8 {
				if signed {
					return uint8(127 - xmax + v)
				}
				return uint8(255 - xmax + v)
			}
			var sum float32
			for _, v := range row {
				sum += t[idx(v)]
			}
			for j, v := range row {
				r := float32(math.RoundToEven(float64(float32(t[idx(v)]*yScale) / sum)))
				var o int32
				if signed {
					vq := int32(r) + yz
					if vq > 255 {
						vq = 255
					}
					o = int32(int8(vq))
				} else {
					vq := uint32(int64(r)) + uint32(yz)
					if vq > 255 {
						vq = 255
					}
					o = int32(vq)
				}
				msStore(out, base+j*post, o)
			}
		}
	}
	return One(out), nil
}
