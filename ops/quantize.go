package ops

// ONNX linear quantization operators: QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, QLinearMatMul and QLinearConv. The reference
// integer arithmetic here goes through linalg.QGemmRef / linalg.RequantRef;
// the float steps follow the ONNX reference implementation
// (onnx/reference/ops) so results are bit-exact with the conformance data.
// QLinearMatMul and QLinearConv run the bit-identical fast paths of
// qw_matmul.go and qw_conv.go unless qwRef is set (tests).

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	for _, v := range []int{10, 13, 19, 21} {
		Register("", "QuantizeLinear", v, qsNewQuantize)
		Register("", "DequantizeLinear", v, qsNewDequantize)
	}
	RegisterFunc("", "DynamicQuantizeLinear", 11, qsDynamicQuantize)
	Register("", "QLinearMatMul", 10, qsNewQLinearMatMul)
	Register("", "QLinearMatMul", 21, qsNewQLinearMatMul)
	Register("", "QLinearConv", 10, qsNewQLinearConv)
}

// qsLayout describes how scale/zero-point parameters map onto the elements
// of a tensor viewed as [pre, d, post] around the quantization axis.
type qsLayout struct {
	mode      int // qsPerTensor, qsPerAxis or qsBlocked
	pre, d    int
	post      int
	s, block  int // blocked: scale dim along axis and block size
	numParams int
}

const (
	qsPerTensor = iota
	qsPerAxis
	qsBlocked
)

// each calls f for runs of elements: elements e..e+n-1 use parameters
// p, p+ps, p+2ps, ...
func (l *qsLayout) each(f func(e, p, n, ps int)) {
	switch l.mode {
	case qsPerTensor:
		f(0, 0, l.pre*l.d*l.post, 0)
	case qsPerAxis:
		for o := 0; o < l.pre; o++ {
			for d := 0; d < l.d; d++ {
				f((o*l.d+d)*l.post, d, l.post, 0)
			}
		}
	case qsBlocked:
		for o := 0; o < l.pre; o++ {
			for d := 0; d < l.d; d++ {
				f((o*l.d+d)*l.post, (o*l.s+d/l.block)*l.post, l.post, 1)
			}
		}
	}
}

// qsMakeLayout validates the scale shape against x for the given axis and
// block size and returns the parameter layout.
func qsMakeLayout(ctx *Context, xShape, sShape []int, axis, block int) (qsLayout, error) {
	n := tensor.Size(sShape)
	l := qsLayout{pre: 1, d: 1, post: tensor.Size(xShape), numParams: n}
	if n == 1 && len(sShape) <= 1 || n == 1 && block <= 0 {
		l.mode = qsPerTensor
		return l, nil
	}
	ax, err := tensor.NormAxis(axis, len(xShape))
	if err != nil || len(xShape) == 0 {
		return l, ctx.Errf("axis %d out of range for input rank %d: %w", axis, len(xShape), tensor.ErrShape)
	}
	l.pre = tensor.Size(xShape[:ax])
	l.d = xShape[ax]
	l.post = tensor.Size(xShape[ax+1:])
	if block <= 0 {
		if len(sShape) != 1 {
			return l, ctx.Errf("scale shape %v: want a scalar or 1-D tensor for per-axis quantization: %w", sShape, tensor.ErrShape)
		}
		if sShape[0] != l.d {
			return l, ctx.Errf("per-axis scale has %d elements, input dim %d (axis %d) is %d: %w", sShape[0], ax, axis, l.d, tensor.ErrShape)
		}
		l.mode = qsPerAxis
		return l, nil
	}
	if len(sShape) != len(xShape) {
		return l, ctx.Errf("blocked scale shape %v must have the rank of input %v: %w", sShape, xShape, tensor.ErrShape)
	}
	for i := range sShape {
		if i != ax && sShape[i] != xShape[i] {
			return l, ctx.Errf("blocked scale shape %v differs from input %v outside axis %d: %w", sShape, xShape, ax, tensor.ErrShape)
		}
	}
	if want := (l.d + block - 1) / block; sShape[ax] != want {
		return l, ctx.Errf("block_size %d does not fit input dim %d against scale dim %d (want %d): %w", block, l.d, sShape[ax], want, tensor.ErrShape)
	}
	l.mode, l.s, l.block = qsBlocked, sShape[ax], block
	return l, nil
}

// qsScales reads a scale tensor as float32 values, rejecting non-float
// types and values that are zero, negative or NaN.
func qsScales(ctx *Context, t *tensor.Tensor, name string) ([]float32, error) {
	if !t.DType().IsFloat() {
		return nil, ctx.Errf("%s has dtype %v, want a float type: %w", name, t.DType(), tensor.ErrDType)
	}
	s := tensor.ToFloat32(t)
	for i, v := range s {
		if !(v > 0) {
			return nil, ctx.Errf("%s[%d] = %v: scales must be positive: %w", name, i, v, ir.ErrInvalidModel)
		}
	}
	return s, nil
}

// qsZeroPoints reads a zero-point tensor of type want as int32 values. A nil
// tensor gives n zeros.
func qsZeroPoints(ctx *Context, t *tensor.Tensor, want tensor.DType, n int, name string) ([]int32, error) {
	if z := zaZeroPoints(t, want, n); z != nil {
		return z, nil // shared, read-only: no allocation per run
	}
	if t == nil {
		return make([]int32, n), nil
	}
	if t.DType() != want {
		return nil, ctx.Errf("%s has dtype %v, want %v like the quantized tensor: %w", name, t.DType(), want, tensor.ErrDType)
	}
	lo, hi := want.IntRange()
	out := make([]int32, t.Len())
	for i := range out {
		v := t.Int64At(i)
		if v < lo || v > hi {
			return nil, ctx.Errf("%s[%d] = %d is outside the %v range [%d, %d]: %w", name, i, v, want, lo, hi, ir.ErrInvalidModel)
		}
		out[i] = int32(v)
	}
	return out, nil
}

func qsIsFloat8(dt tensor.DType) bool {
	switch dt {
	case tensor.Float8E4M3FN, tensor.Float8E4M3FNUZ, tensor.Float8E5M2, tensor.Float8E5M2FNUZ:
		return true
	}
	return false
}

func qsIsQuantInt(dt tensor.DType) bool {
	switch dt {
	case tensor.Uint8, tensor.Int8, tensor.Uint16, tensor.Int16, tensor.Uint4, tensor.Int4:
		return true
	}
	return false
}

// qsSameShape checks that a zero point has the scale's shape (a scalar and
// a one-element 1-D tensor count as the same).
func qsSameShape(ctx *Context, s, z *tensor.Tensor) error {
	if z == nil || tensor.SameShape(s.Shape(), z.Shape()) || s.Len() == 1 && z.Len() == 1 {
		return nil
	}
	return ctx.Errf("zero point shape %v differs from scale shape %v: %w", z.Shape(), s.Shape(), tensor.ErrShape)
}

// ---- QuantizeLinear ----

type qsQuantize struct {
	axis, block int
	saturate    bool
	outDType    tensor.DType // from output_dtype, or Undefined
}

func qsNewQuantize(n *ir.Node, opset int) (Kernel, error) {
	k := &qsQuantize{
		axis:     int(n.AttrInt("axis", 1)),
		block:    int(n.AttrInt("block_size", 0)),
		saturate: n.AttrInt("saturate", 1) != 0,
		outDType: tensor.DType(n.AttrInt("output_dtype", 0)),
	}
	if k.block < 0 {
		return nil, NodeErrf(n, "block_size %d must not be negative: %w", k.block, ir.ErrInvalidModel)
	}
	if k.outDType != tensor.Undefined && !qsIsQuantInt(k.outDType) && !qsIsFloat8(k.outDType) {
		return nil, NodeErrf(n, "output_dtype %v is not a quantized type: %w", k.outDType, ErrUnsupported)
	}
	return k, nil
}

func (k *qsQuantize) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, sc, zp := in[0], in[1], Opt(in, 2)
	odt := k.outDType
	if zp != nil {
		if odt != tensor.Undefined && odt != zp.DType() {
			return nil, ctx.Errf("output_dtype %v differs from zero point dtype %v: %w", odt, zp.DType(), tensor.ErrDType)
		}
		odt = zp.DType()
	}
	if odt == tensor.Undefined {
		odt = tensor.Uint8
	}
	if !qsIsQuantInt(odt) && !qsIsFloat8(odt) {
		return nil, ctx.Errf("quantized type %v: %w", odt, ErrUnsupported)
	}
	switch x.DType() {
	case tensor.Float32, tensor.Float16, tensor.BFloat16, tensor.Float64, tensor.Int32:
	default:
		return nil, ctx.Errf("input dtype %v: %w", x.DType(), tensor.ErrDType)
	}
	scales, err := qsScales(ctx, sc, "y_scale")
	if err != nil {
		return nil, err
	}
	if err := qsSameShape(ctx, sc, zp); err != nil {
		return nil, err
	}
	lay, err := qsMakeLayout(ctx, x.Shape(), sc.Shape(), k.axis, k.block)
	if err != nil {
		return nil, err
	}
	var zps []int32
	if qsIsFloat8(odt) {
		// float8 zero points carry the type only; the reference ignores them.
		if zp != nil && zp.DType() != odt {
			return nil, ctx.Errf("zero point dtype %v: %w", zp.DType(), tensor.ErrDType)
		}
	} else if zps, err = qsZeroPoints(ctx, zp, odt, len(scales), "y_zero_point"); err != nil {
		return nil, err
	}

	if out, err := qdQuantizeFast(ctx, x, scales, zps, odt); err != nil {
		return nil, err
	} else if out != nil {
		return ctx.One(out), nil
	}
	if out, err := qpQuantizeFast(ctx, x, scales, zps, odt); err != nil {
		return nil, err
	} else if out != nil {
		return ctx.One(out), nil
	}
	// Quotient x / scale at the precision the reference uses: float32 for
	// float32/half inputs, float64 when x is float64 or int32.
	q := make([]float64, x.Len())
	switch x.DType() {
	case tensor.Float64, tensor.Int32:
		xv := make([]float64, x.Len())
		for i := range xv {
			xv[i] = x.Float64At(i)
		}
		lay.each(func(e, p, n, ps int) {
			for j := 0; j < n; j++ {
				q[e+j] = xv[e+j] / float64(scales[p+j*ps])
			}
		})
	default:
		xv := tensor.ToFloat32(x)
		half := x.DType() == sc.DType() && (x.DType() == tensor.Float16 || x.DType() == tensor.BFloat16)
		bf := x.DType() == tensor.BFloat16
		lay.each(func(e, p, n, ps int) {
			for j := 0; j < n; j++ {
				v := xv[e+j] / scales[p+j*ps]
				if half { // the division happens in the half type
					if bf {
						v = tensor.BF16ToF32(tensor.F32ToBF16(v))
					} else {
						v = tensor.F16ToF32(tensor.F32ToF16(v))
					}
				}
				q[e+j] = float64(v)
			}
		})
	}
	out, err := tensor.New(odt, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	lo, hi := odt.IntRange()
	switch d := out.Data().(type) {
	case []uint8:
		if qsIsFloat8(odt) {
			for i, v := range q {
				d[i] = tensor.F32ToFloat8(odt, float32(v), k.saturate)
			}
			break
		}
		qsQuantStore(d, q, zps, &lay, lo, hi)
	case []int8:
		qsQuantStore(d, q, zps, &lay, lo, hi)
	case []uint16:
		qsQuantStore(d, q, zps, &lay, lo, hi)
	case []int16:
		qsQuantStore(d, q, zps, &lay, lo, hi)
	}
	return One(out), nil
}

// qsQuantStore writes saturate(roundHalfEven(q) + zp). NaN quotients count
// as 0 (they give the zero point).
func qsQuantStore[T int8 | uint8 | int16 | uint16](dst []T, q []float64, zps []int32, lay *qsLayout, lo, hi int64) {
	flo, fhi := float64(lo), float64(hi)
	lay.each(func(e, p, n, ps int) {
		for j := 0; j < n; j++ {
			v := math.RoundToEven(q[e+j])
			if v != v {
				v = 0
			}
			v += float64(zps[p+j*ps])
			if v < flo {
				v = flo
			} else if v > fhi {
				v = fhi
			}
			dst[e+j] = T(int64(v))
		}
	})
}

// ---- DequantizeLinear ----

type qsDequantize struct {
	axis, block int
	outDType    tensor.DType
}

func qsNewDequantize(n *ir.Node, opset int) (Kernel, error) {
	k := &qsDequantize{
		axis:     int(n.AttrInt("axis", 1)),
		block:    int(n.AttrInt("block_size", 0)),
		outDType: tensor.DType(n.AttrInt("output_dtype", 0)),
	}
	if k.block < 0 {
		return nil, NodeErrf(n, "block_size %d must not be negative: %w", k.block, ir.ErrInvalidModel)
	}
	switch k.outDType {
	case tensor.Undefined, tensor.Float32, tensor.Float16, tensor.BFloat16, tensor.Float64:
	default:
		return nil, NodeErrf(n, "output_dtype %v is not a float type: %w", k.outDType, ErrUnsupported)
	}
	return k, nil
}

func (k *qsDequantize) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, sc, zp := in[0], in[1], Opt(in, 2)
	xdt := x.DType()
	if !qsIsQuantInt(xdt) && !qsIsFloat8(xdt) && xdt != tensor.Int32 {
		return nil, ctx.Errf("input dtype %v: %w", xdt, tensor.ErrDType)
	}
	scales, err := qsScales(ctx, sc, "x_scale")
	if err != nil {
		return nil, err
	}
	if err := qsSameShape(ctx, sc, zp); err != nil {
		return nil, err
	}
	lay, err := qsMakeLayout(ctx, x.Shape(), sc.Shape(), k.axis, k.block)
	if err != nil {
		return nil, err
	}
	var zps []int32
	switch {
	case qsIsFloat8(xdt):
		if zp != nil {
			if zp.DType() != xdt {
				return nil, ctx.Errf("x_zero_point has dtype %v, want %v: %w", zp.DType(), xdt, tensor.ErrDType)
			}
			for i, b := range zp.Data().([]uint8) {
				if b != 0 {
					return nil, ctx.Errf("x_zero_point[%d] is not zero; float8 zero points must be 0: %w", i, ir.ErrInvalidModel)
				}
			}
		}
		zps = make([]int32, len(scales))
	default:
		if zps, err = qsZeroPoints(ctx, zp, xdt, len(scales), "x_zero_point"); err != nil {
			return nil, err
		}
	}
	odt := k.outDType
	if odt == tensor.Undefined {
		odt = sc.DType()
	}
	if out, err := zaDequantizeFast(ctx, x, scales, zps, odt); err != nil {
		return nil, err
	} else if out != nil {
		return ctx.One(out), nil // per-tensor 8-bit → float32: no tables, no closures
	}
	if out, err := zaDQByValue(ctx, x, scales, zps, odt, lay); err != nil || out != nil {
		if err != nil {
			return nil, err
		}
		return ctx.One(out), nil
	}
	// dx = float32(x) - zp, times scale; the product is exact in float64 and
	// rounds once to the output type, as the float32 reference does.
	xf := tensor.ToFloat32(x)
	y := make([]float64, x.Len())
	lay.each(func(e, p, n, ps int) {
		for j := 0; j < n; j++ {
			y[e+j] = (float64(xf[e+j]) - float64(zps[p+j*ps])) * float64(scales[p+j*ps])
		}
	})
	out, err := tensor.New(odt, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	switch d := out.Data().(type) {
	case []float64:
		copy(d, y)
	case []float32:
		for i, v := range y {
			d[i] = float32(v)
		}
	case []uint16:
		for i, v := range y {
			if odt == tensor.BFloat16 {
				d[i] = tensor.F32ToBF16(float32(v))
			} else {
				d[i] = tensor.F32ToF16(float32(v))
			}
		}
	default:
		return nil, ctx.Errf("output dtype %v: %w", odt, tensor.ErrDType)
	}
	return One(out), nil
}

// ---- DynamicQuantizeLinear ----

func qsDynamicQuantize(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	if x.DType() != tensor.Float32 {
		return nil, ctx.Errf("input dtype %v, want float32: %w", x.DType(), tensor.ErrDType)
	}
	xv := x.Float32s()
	var maxx, minx float32
	for _, v := range xv {
		if v > maxx {
			maxx = v
		}
		if v < minx {
			minx = v
		}
	}
	scale := float32(1)
	if maxx != minx {
		scale = (maxx - minx) / 255
	}
	zpf := 0 - minx/scale
	zpf = min(max(zpf, 0), 255)
	zpi := float32(math.RoundToEven(float64(zpf)))
	y := make([]uint8, len(xv))
	for i, v := range xv {
		q := float32(math.RoundToEven(float64(v/scale))) + zpi
		if q != q {
			q = zpi
		}
		y[i] = uint8(min(max(q, 0), 255))
	}
	yt, err := tensor.FromData(tensor.Uint8, x.Shape(), y)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return []*tensor.Tensor{yt, tensor.Scalar(scale), tensor.Scalar(uint8(zpi))}, nil
}

// ---- QLinearMatMul ----

func qsNewQLinearMatMul(n *ir.Node, opset int) (Kernel, error) {
	return &qsQLMatMul{}, nil
}

// qsQLMatMul is the QLinearMatMul kernel: the fast path (qwMatMulFast)
// unless qwRef asks for the reference (qsMMRun).
type qsQLMatMul struct {
	qwPack qwCache[[]qwPackedMat]
	qwRef  bool
}

// qsExpand broadcasts a small parameter tensor to shape target and returns
// its values as float64, or an error when it does not broadcast exactly.
func qsExpand(ctx *Context, t *tensor.Tensor, target []int, name string) ([]float64, error) {
	bs, err := tensor.Broadcast(t.Shape(), target)
	if err != nil || !tensor.SameShape(bs, target) || len(t.Shape()) > len(target) {
		return nil, ctx.Errf("%s shape %v does not fit %v: %w", name, t.Shape(), target, tensor.ErrShape)
	}
	n := tensor.Size(target)
	st := tensor.BroadcastStrides(t.Shape(), target)
	out := make([]float64, n)
	idx := make([]int, len(target))
	src := qwFloat64s(t)
	off := 0
	for i := 0; i < n; i++ {
		out[i] = src[off]
		for d := len(target) - 1; d >= 0; d-- {
			idx[d]++
			off += st[d]
			if idx[d] < target[d] {
				break
			}
			off -= st[d] * idx[d]
			idx[d] = 0
		}
	}
	return out, nil
}

// qsBatchIndex maps every index of the broadcast batch shape to a matrix
// index of an operand with batch shape in.
func qsBatchIndex(out, in []int) []int {
	n := tensor.Size(out)
	st := tensor.BroadcastStrides(in, out)
	res := make([]int, n)
	idx := make([]int, len(out))
	off := 0
	for i := 0; i < n; i++ {
		res[i] = off
		for d := len(out) - 1; d >= 0; d-- {
			idx[d]++
			off += st[d]
			if idx[d] < out[d] {
				break
			}
			off -= st[d] * idx[d]
			idx[d] = 0
		}
	}
	return res
}

// qsMMArgs holds a QLinearMatMul problem after validation.
type qsMMArgs struct {
	m, n, k    int
	batch      []int
	aIdx, bIdx []int     // matrix index per batch
	aS, bS, yS []float64 // per batch×M, batch×N, batch×N
	aZ, bZ, yZ []float64
	out        *tensor.Tensor
}

func (qk *qsQLMatMul) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	// Zero points may be absent (they default to 0); the rest is required.
	for _, i := range []int{0, 1, 3, 4, 6} {
		if Opt(in, i) == nil {
			return nil, ctx.Errf("input %d is missing: %w", i, ir.ErrInvalidModel)
		}
	}
	a, b := in[0], in[3]
	aZP, bZP, yZP := Opt(in, 2), Opt(in, 5), Opt(in, 7)
	for _, p := range []struct {
		t    *tensor.Tensor
		name string
	}{{a, "a"}, {b, "b"}, {yZP, "y_zero_point"}} {
		if p.t != nil && p.t.DType() != tensor.Uint8 && p.t.DType() != tensor.Int8 {
			return nil, ctx.Errf("%s has dtype %v, want uint8 or int8: %w", p.name, p.t.DType(), tensor.ErrDType)
		}
	}
	ydt := a.DType()
	if yZP != nil {
		ydt = yZP.DType()
	}
	if aZP != nil && aZP.DType() != a.DType() {
		return nil, ctx.Errf("a_zero_point dtype %v differs from a dtype %v: %w", aZP.DType(), a.DType(), tensor.ErrDType)
	}
	if bZP != nil && bZP.DType() != b.DType() {
		return nil, ctx.Errf("b_zero_point dtype %v differs from b dtype %v: %w", bZP.DType(), b.DType(), tensor.ErrDType)
	}
	for _, i := range []int{1, 4, 6} {
		if _, err := qsScales(ctx, in[i], []string{1: "a_scale", 4: "b_scale", 6: "y_scale"}[i]); err != nil {
			return nil, err
		}
	}
	if a.Rank() == 0 || b.Rank() == 0 {
		return nil, ctx.Errf("inputs must not be scalars, got %v and %v: %w", a.Shape(), b.Shape(), tensor.ErrShape)
	}
	as, bs := a.Shape(), b.Shape()
	if len(as) == 1 {
		as = []int{1, as[0]}
	}
	if len(bs) == 1 {
		bs = []int{bs[0], 1}
	}
	var p qsMMArgs
	p.m, p.k = as[len(as)-2], as[len(as)-1]
	p.n = bs[len(bs)-1]
	if bs[len(bs)-2] != p.k {
		return nil, ctx.Errf("a %v and b %v: inner dims differ: %w", a.Shape(), b.Shape(), tensor.ErrShape)
	}
	batch, err := tensor.Broadcast(as[:len(as)-2], bs[:len(bs)-2])
	if err != nil {
		return nil, ctx.Errf("batch dims: %w", err)
	}
	p.batch = batch
	if _, err := alCheckShape(ctx, tensor.Int32, append(append([]int{}, batch...), p.m+p.n+1, max(p.n, 1))); err != nil {
		return nil, err // index tables, parameters, output and accumulators
	}
	p.aIdx = qsBatchIndex(batch, as[:len(as)-2])
	p.bIdx = qsBatchIndex(batch, bs[:len(bs)-2])
	// Parameter targets: a per row [batch..., M, 1], b and y per column
	// [batch..., 1, N]. A 1-D a parameter of length M means per row.
	rowT := append(append([]int{}, batch...), p.m, 1)
	colT := append(append([]int{}, batch...), 1, p.n)
	rowParam := func(t *tensor.Tensor, name string) ([]float64, error) {
		if t == nil {
			return make([]float64, tensor.Size(rowT)), nil
		}
		if t.Rank() == 1 && t.Len() == p.m && p.m != 1 {
			t, _ = t.Reshape(p.m, 1)
		}
		return qsExpand(ctx, t, rowT, name)
	}
	colParam := func(t *tensor.Tensor, name string) ([]float64, error) {
		if t == nil {
			return make([]float64, tensor.Size(colT)), nil
		}
		return qsExpand(ctx, t, colT, name)
	}
	if p.aS, err = rowParam(in[1], "a_scale"); err != nil {
		return nil, err
	}
	if p.aZ, err = rowParam(aZP, "a_zero_point"); err != nil {
		return nil, err
	}
	if p.bS, err = colParam(in[4], "b_scale"); err != nil {
		return nil, err
	}
	if p.bZ, err = colParam(bZP, "b_zero_point"); err != nil {
		return nil, err
	}
	if p.yS, err = colParam(in[6], "y_scale"); err != nil {
		return nil, err
	}
	if p.yZ, err = colParam(yZP, "y_zero_point"); err != nil {
		return nil, err
	}
	oshape := append(append([]int{}, batch...), p.m, p.n)
	if len(a.Shape()) == 1 {
		oshape = append(oshape[:len(oshape)-2], p.n)
	}
	if len(b.Shape()) == 1 {
		oshape = oshape[:len(oshape)-1]
	}
	if p.out, err = tensor.New(ydt, oshape...); err != nil {
		return nil, ctx.Errf("output: %w", err)
	}
	if !qk.qwRef {
		done, err := qk.qwMatMulFast(ctx, a, b, bZP, &p)
		if err != nil {
			return nil, err
		}
		if done {
			return One(p.out), nil
		}
	}
	switch {
	case a.DType() == tensor.Uint8 && b.DType() == tensor.Uint8:
		qsMMDispatchY[uint8, uint8](ctx, a, b, &p)
	case a.DType() == tensor.Uint8:
		qsMMDispatchY[uint8, int8](ctx, a, b, &p)
	case b.DType() == tensor.Uint8:
		qsMMDispatchY[int8, uint8](ctx, a, b, &p)
	default:
		qsMMDispatchY[int8, int8](ctx, a, b, &p)
	}
	return One(p.out), nil
}

func qsMMDispatchY[TA, TB linalg.QInt](ctx *Context, a, b *tensor.Tensor, p *qsMMArgs) {
	if p.out.DType() == tensor.Uint8 {
		qsMMRun[TA, TB](ctx, tensor.Data[TA](a), tensor.Data[TB](b), tensor.Data[uint8](p.out), p)
	} else {
		qsMMRun[TA, TB](ctx, tensor.Data[TA](a), tensor.Data[TB](b), tensor.Data[int8](p.out), p)
	}
}

func qsMMRun[TA, TB, TY linalg.QInt](ctx *Context, a []TA, b []TB, y []TY, p *qsMMArgs) {
	m, n, k := p.m, p.n, p.k
	nb := len(p.aIdx)
	ctx.Parallel(nb, 1, func(lo, hi int) {
		acc := make([]int32, m*n)
		aZ := make([]int32, m)
		bZ := make([]int32, n)
		yZ := make([]int32, n)
		mult := make([]float32, n)
		for bi := lo; bi < hi; bi++ {
			for i := range aZ {
				aZ[i] = int32(p.aZ[bi*m+i])
			}
			for j := range bZ {
				bZ[j] = int32(p.bZ[bi*n+j])
				yZ[j] = int32(p.yZ[bi*n+j])
			}
			ao, bo := p.aIdx[bi]*m*k, p.bIdx[bi]*k*n
			linalg.QGemmRef(m, n, k, a[ao:ao+m*k], k, aZ, b[bo:bo+k*n], n, bZ, acc, n)
			for i := 0; i < m; i++ {
				as := float32(p.aS[bi*m+i])
				for j := range mult {
					// a_scale * b_scale / y_scale in float32, as the reference.
					mult[j] = as * float32(p.bS[bi*n+j]) / float32(p.yS[bi*n+j])
				}
				yo := (bi*m + i) * n
				linalg.RequantRef(y[yo:yo+n], acc[i*n:(i+1)*n], mult, yZ)
			}
		}
	})
}

// ---- QLinearConv ----

type qsConv struct {
	// qwPack caches the weights packed per group for the fast path.
	qwPack qwCache[[]*linalg.QPackedB]
	// q8Pack caches them for the NCHW implicit-GEMM path (q8ConvFast).
	q8Pack qwCache[[]*linalg.Q8ConvWeights]
	// qwRef forces the reference path (qsConvCompute), for tests.
	qwRef bool

	autoPad   string
	dilations []int
	group     int
	kernel    []int
	pads      []int
	strides   []int
}

func qsNewQLinearConv(n *ir.Node, opset int) (Kernel, error) {
	c := &qsConv{
		autoPad:   n.AttrString("auto_pad", "NOTSET"),
		dilations: Ints(n.AttrInts("dilations")),
		group:     int(n.AttrInt("group", 1)),
		kernel:    Ints(n.AttrInts("kernel_shape")),
		pads:      Ints(n.AttrInts("pads")),
		strides:   Ints(n.AttrInts("strides")),
	}
	switch c.autoPad {
	case "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID":
	default:
		return nil, NodeErrf(n, "auto_pad %q: %w", c.autoPad, ErrUnsupported)
	}
	if c.group < 1 {
		return nil, NodeErrf(n, "group %d must be positive: %w", c.group, ir.ErrInvalidModel)
	}
	for _, v := range c.dilations {
		if v < 1 {
			return nil, NodeErrf(n, "dilations %v must be positive: %w", c.dilations, ir.ErrInvalidModel)
		}
	}
	for _, v := range c.strides {
		if v < 1 {
			return nil, NodeErrf(n, "strides %v must be positive: %w", c.strides, ir.ErrInvalidModel)
		}
	}
	for _, v := range c.pads {
		if v < 0 {
			return nil, NodeErrf(n, "pads %v must not be negative: %w", c.pads, ir.ErrInvalidModel)
		}
	}
	return c, nil
}

// qsConvGeom is the resolved geometry of one QLinearConv call.
type qsConvGeom struct {
	batch, cin, cout, group int
	in, kern, out           []int // spatial dims
	strides, dils, padBegin []int
	kSize, outSize, inSize  int
}

func (c *qsConv) geometry(ctx *Context, xs, ws []int) (*qsConvGeom, error) {
	if len(xs) < 3 || len(ws) != len(xs) {
		return nil, ctx.Errf("x %v and w %v: want rank >= 3 and equal ranks: %w", xs, ws, tensor.ErrShape)
	}
	nsp := len(xs) - 2
	g := zaQConvGeom(ctx, nsp) // per-session storage: no allocation per run
	g.batch, g.cin, g.cout, g.group, g.in = xs[0], xs[1], ws[0], c.group, xs[2:]
	if g.cin%g.group != 0 || g.cout%g.group != 0 || ws[1]*g.group != g.cin {
		return nil, ctx.Errf("x %v, w %v and group %d do not agree: %w", xs, ws, g.group, tensor.ErrShape)
	}
	g.kern = ws[2:]
	if len(c.kernel) > 0 && !tensor.SameShape(c.kernel, g.kern) {
		return nil, ctx.Errf("kernel_shape %v differs from w %v: %w", c.kernel, ws, tensor.ErrShape)
	}
	fill := func(v []int, def, n int, name string) ([]int, error) {
		if len(v) == 0 {
			if out := zaConstInts(n, def); out != nil {
				return out, nil // read-only defaults
			}
			out := make([]int, n)
			for i := range out {
				out[i] = def
			}
			return out, nil
		}
		if len(v) != n {
			return nil, ctx.Errf("%s %v: want %d values: %w", name, v, n, tensor.ErrShape)
		}
		return v, nil
	}
	var err error
	if g.strides, err = fill(c.strides, 1, nsp, "strides"); err != nil {
		return nil, err
	}
	if g.dils, err = fill(c.dilations, 1, nsp, "dilations"); err != nil {
		return nil, err
	}
	pads, err := fill(c.pads, 0, 2*nsp, "pads")
	if err != nil {
		return nil, err
	}
	for i := 0; i < nsp; i++ {
		dk := (g.kern[i]-1)*g.dils[i] + 1
		s := g.strides[i]
		switch c.autoPad {
		case "NOTSET":
			g.padBegin[i] = pads[i]
			g.out[i] = (g.in[i]+pads[i]+pads[i+nsp]-dk)/s + 1
			if g.in[i]+pads[i]+pads[i+nsp] < dk {
				g.out[i] = 0
			}
		case "VALID":
			g.out[i] = 0
			if g.in[i] >= dk {
				g.out[i] = (g.in[i]-dk)/s + 1
			}
		default:
			g.out[i] = (g.in[i] + s - 1) / s
			total := max(0, (g.out[i]-1)*s+dk-g.in[i])
			if c.autoPad == "SAME_UPPER" {
				g.padBegin[i] = total / 2
			} else {
				g.padBegin[i] = total - total/2
			}
		}
	}
	g.kSize = tensor.Size(g.kern)
	g.inSize = tensor.Size(g.in)
	if g.outSize, err = tensor.NumElements(g.out); err != nil {
		return nil, ctx.Errf("output dims %v: %w", g.out, err)
	}
	if _, err := zaNumElements2(g.cin/g.group*g.kSize, g.outSize); err != nil {
		return nil, ctx.Errf("column buffer: %w", err)
	}
	return g, nil
}

func (c *qsConv) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	for _, i := range []int{0, 1, 3, 4, 6} {
		if Opt(in, i) == nil {
			return nil, ctx.Errf("input %d is missing: %w", i, ir.ErrInvalidModel)
		}
	}
	x, w := in[0], in[3]
	xZP, wZP, yZP, bias := Opt(in, 2), Opt(in, 5), Opt(in, 7), Opt(in, 8)
	for _, p := range []struct {
		t    *tensor.Tensor
		name string
	}{{x, "x"}, {w, "w"}, {yZP, "y_zero_point"}} {
		if p.t != nil && p.t.DType() != tensor.Uint8 && p.t.DType() != tensor.Int8 {
			return nil, ctx.Errf("%s has dtype %v, want uint8 or int8: %w", p.name, p.t.DType(), tensor.ErrDType)
		}
	}
	g, err := c.geometry(ctx, x.Shape(), w.Shape())
	if err != nil {
		return nil, err
	}
	xS, err := qsScales(ctx, in[1], "x_scale")
	if err != nil {
		return nil, err
	}
	wS, err := qsScales(ctx, in[4], "w_scale")
	if err != nil {
		return nil, err
	}
	yS, err := qsScales(ctx, in[6], "y_scale")
	if err != nil {
		return nil, err
	}
	if len(xS) != 1 || len(yS) != 1 {
		return nil, ctx.Errf("x_scale and y_scale must be scalars, have %d and %d values: %w", len(xS), len(yS), tensor.ErrShape)
	}
	if len(wS) != 1 && len(wS) != g.cout {
		return nil, ctx.Errf("w_scale has %d values, want 1 or %d (output channels): %w", len(wS), g.cout, tensor.ErrShape)
	}
	xZ, err := qsZeroPoints(ctx, xZP, x.DType(), 1, "x_zero_point")
	if err != nil {
		return nil, err
	}
	wZ, err := qsZeroPoints(ctx, wZP, w.DType(), 1, "w_zero_point")
	if err != nil {
		return nil, err
	}
	ydt := x.DType()
	if yZP != nil {
		ydt = yZP.DType()
	}
	yZ, err := qsZeroPoints(ctx, yZP, ydt, 1, "y_zero_point")
	if err != nil {
		return nil, err
	}
	if len(xZ) != 1 || len(yZ) != 1 {
		return nil, ctx.Errf("x_zero_point and y_zero_point must be scalars: %w", tensor.ErrShape)
	}
	if len(wZ) != 1 && len(wZ) != g.cout {
		return nil, ctx.Errf("w_zero_point has %d values, want 1 or %d (output channels): %w", len(wZ), g.cout, tensor.ErrShape)
	}
	var bv []int32
	if bias != nil {
		if bias.DType() != tensor.Int32 || bias.Len() != g.cout {
			return nil, ctx.Errf("bias %v%v: want int32[%d]: %w", bias.DType(), bias.Shape(), g.cout, tensor.ErrShape)
		}
		bv = tensor.Data[int32](bias)
	}
	loc := zaQConv(ctx)
	mult := zaGrowF32(&loc.mult, g.cout)
	wZc := zaGrowI32(&loc.wZc, g.cout)
	for m := range mult {
		ws := wS[0]
		if len(wS) > 1 {
			ws = wS[m]
		}
		mult[m] = xS[0] * ws / yS[0]
		wZc[m] = wZ[0]
		if len(wZ) > 1 {
			wZc[m] = wZ[m]
		}
	}
	oshape := append(append(loc.shape[:0], g.batch, g.cout), g.out...)
	if _, err := alCheckShape(ctx, tensor.Int32, oshape); err != nil {
		return nil, err // output and accumulators
	}
	if _, err := alCheckShape(ctx, tensor.Int32, append(append(loc.tmp[:0], g.cin/g.group, g.kSize), g.out...)); err != nil {
		return nil, err // im2col columns
	}
	// Every fast path writes the whole output (TestQDQLinearConvWritesAll
	// checks with a garbage-filled recycled buffer); the reference path
	// gets it cleared below.
	out, err := ctx.NewTensorUninit(ydt, oshape...) // recycled by the session's arena
	if err != nil {
		return nil, ctx.Errf("output: %w", err)
	}
	loc.r = qsConvRun{g: g, xZ: xZ[0], wZ: wZc, yZ: yZ[0], bias: bv, mult: mult}
	r := &loc.r
	if !c.qwRef {
		done, err := c.qwConvFast(ctx, x, w, wZP, out, r)
		if err != nil {
			return nil, err
		}
		if done {
			return ctx.One(out), nil
		}
	}
	if out.DType() == tensor.Uint8 {
		clear(tensor.Data[uint8](out))
	} else {
		clear(tensor.Data[int8](out))
	}
	switch {
	case x.DType() == tensor.Uint8 && w.DType() == tensor.Uint8:
		qsConvDispatchY[uint8, uint8](ctx, x, w, out, r)
	case x.DType() == tensor.Uint8:
		qsConvDispatchY[uint8, int8](ctx, x, w, out, r)
	case w.DType() == tensor.Uint8:
		qsConvDispatchY[int8, uint8](ctx, x, w, out, r)
	default:
		qsConvDispatchY[int8, int8](ctx, x, w, out, r)
	}
	return ctx.One(out), nil
}

type qsConvRun struct {
	g    *qsConvGeom
	xZ   int32
	wZ   []int32 // per output channel
	yZ   int32
	bias []int32
	mult []float32 // per output channel
}

func qsConvDispatchY[TX, TW linalg.QInt](ctx *Context, x, w, out *tensor.Tensor, r *qsConvRun) {
	if out.DType() == tensor.Uint8 {
		qsConvCompute(ctx, tensor.Data[TX](x), tensor.Data[TW](w), tensor.Data[uint8](out), r)
	} else {
		qsConvCompute(ctx, tensor.Data[TX](x), tensor.Data[TW](w), tensor.Data[int8](out), r)
	}
}

// qsConvCompute runs the convolution as, per image and group, an im2col
// buffer (padding holds the x zero point so it contributes nothing) times
// the group's weights through linalg.QGemmRef, then requantizes per output
// channel.
func qsConvCompute[TX, TW, TY linalg.QInt](ctx *Context, x []TX, w []TW, y []TY, r *qsConvRun) {
	g := r.g
	cg, mg := g.cin/g.group, g.cout/g.group
	kk := cg * g.kSize
	P := g.outSize
	nsp := len(g.in)
	jobs := g.batch * g.group
	ctx.Parallel(jobs, 1, func(lo, hi int) {
		cols := make([]TX, kk*P)
		acc := make([]int32, mg*P)
		kidx := make([]int, nsp)
		oidx := make([]int, nsp)
		for job := lo; job < hi; job++ {
			b, gr := job/g.group, job%g.group
			// im2col: row (c, kernel position), column output position.
			for c := 0; c < cg; c++ {
				xc := x[(b*g.cin+gr*cg+c)*g.inSize:]
				for kp := 0; kp < g.kSize; kp++ {
					rem := kp
					for d := nsp - 1; d >= 0; d-- {
						kidx[d] = rem % g.kern[d]
						rem /= g.kern[d]
					}
					row := cols[(c*g.kSize+kp)*P : (c*g.kSize+kp+1)*P]
					for i := range oidx {
						oidx[i] = 0
					}
					for op := 0; op < P; op++ {
						off, ok := 0, true
						for d := 0; d < nsp; d++ {
							pos := oidx[d]*g.strides[d] - g.padBegin[d] + kidx[d]*g.dils[d]
							if pos < 0 || pos >= g.in[d] {
								ok = false
								break
							}
							off = off*g.in[d] + pos
						}
						if ok {
							row[op] = xc[off]
						} else {
							row[op] = TX(r.xZ)
						}
						for d := nsp - 1; d >= 0; d-- {
							oidx[d]++
							if oidx[d] < g.out[d] {
								break
							}
							oidx[d] = 0
						}
					}
				}
			}
			m0 := gr * mg
			linalg.QGemmRef(mg, P, kk, w[m0*kk:(m0+mg)*kk], kk, r.wZ[m0:m0+mg], cols, P, []int32{r.xZ}, acc, P)
			for m := 0; m < mg; m++ {
				a := acc[m*P : (m+1)*P]
				if r.bias != nil {
					for j := range a {
						a[j] += r.bias[m0+m]
					}
				}
				yo := (b*g.cout + m0 + m) * P
				linalg.RequantRef(y[yo:yo+P], a, r.mult[m0+m:m0+m+1], []int32{r.yZ})
			}
		}
	})
}
