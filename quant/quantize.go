package quant

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/tensor"
)

// Code is an integer type that holds quantized codes. Int4 and uint4 codes
// live unpacked in int8 and uint8, as tensor.Int4/tensor.Uint4 data does.
type Code interface {
	~int8 | ~uint8 | ~int16 | ~uint16 | ~int32
}

// QuantizeValue returns clamp(round_half_even(x/scale) + zp, qmin, qmax), the
// ONNX QuantizeLinear formula on a restricted code range. NaN maps to zp.
func QuantizeValue(x float32, p Params, qmin, qmax int32) int32 {
	r := math.RoundToEven(float64(x/p.Scale)) + float64(p.ZeroPoint)
	if r != r {
		return min(max(p.ZeroPoint, qmin), qmax)
	}
	if r < float64(qmin) {
		return qmin
	}
	if r > float64(qmax) {
		return qmax
	}
	return int32(r)
}

// QuantizeSlice writes QuantizeValue(src[i], p, qmin, qmax) to dst[i]. The
// code range must fit T; dst must be at least as long as src.
func QuantizeSlice[T Code](dst []T, src []float32, p Params, qmin, qmax int32) error {
	if len(dst) < len(src) {
		return fmt.Errorf("quant: QuantizeSlice: dst has %d elements, src %d: %w", len(dst), len(src), tensor.ErrShape)
	}
	if qmin > qmax {
		return fmt.Errorf("%w: code range [%d, %d]", ErrRange, qmin, qmax)
	}
	if !(p.Scale > 0) || math.IsInf(float64(p.Scale), 0) {
		return fmt.Errorf("%w: scale %g", ErrRange, p.Scale)
	}
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = T(QuantizeValue(x, p, qmin, qmax))
	}
	return nil
}

// DequantizeSlice writes (src[i] - p.ZeroPoint) * p.Scale to dst[i] (ONNX
// DequantizeLinear). dst must be at least as long as src.
func DequantizeSlice[T Code](dst []float32, src []T, p Params) error {
	if len(dst) < len(src) {
		return fmt.Errorf("quant: DequantizeSlice: dst has %d elements, src %d: %w", len(dst), len(src), tensor.ErrShape)
	}
	dst = dst[:len(src)]
	for i, q := range src {
		dst[i] = float32(int32(q)-p.ZeroPoint) * p.Scale
	}
	return nil
}

// FakeQuantize rounds src through the code range and back into dst
// (dequantize(quantize(x))), the quantization error a model will see.
func FakeQuantize(dst, src []float32, p Params, qmin, qmax int32) error {
	if len(dst) < len(src) {
		return fmt.Errorf("quant: FakeQuantize: dst has %d elements, src %d: %w", len(dst), len(src), tensor.ErrShape)
	}
	if !(p.Scale > 0) || math.IsInf(float64(p.Scale), 0) {
		return fmt.Errorf("%w: scale %g", ErrRange, p.Scale)
	}
	for i, x := range src {
		dst[i] = float32(QuantizeValue(x, p, qmin, qmax)-p.ZeroPoint) * p.Scale
	}
	return nil
}

// qLayout splits a tensor of some shape into quantization groups: the shape
// is seen as [outer, dim, inner] around the axis.
type qLayout struct {
	kind              GranularityKind
	outer, dim, inner int
	bs, nb            int // PerBlock: block size and blocks along the axis
	axis              int
	shape             []int
}

func newLayout(shape []int, g Granularity) (qLayout, error) {
	n, err := tensor.NumElements(shape)
	if err != nil {
		return qLayout{}, err
	}
	l := qLayout{kind: g.Kind, shape: shape, outer: 1, dim: n, inner: 1}
	if g.Kind == PerTensor {
		return l, nil
	}
	r := len(shape)
	axis := g.Axis
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		return qLayout{}, fmt.Errorf("%w: axis %d for shape %v", ErrScheme, g.Axis, shape)
	}
	l.axis = axis
	l.outer, l.dim, l.inner = 1, shape[axis], 1
	for _, d := range shape[:axis] {
		l.outer *= d
	}
	for _, d := range shape[axis+1:] {
		l.inner *= d
	}
	if g.Kind == PerBlock {
		if g.BlockSize < 2 {
			return qLayout{}, fmt.Errorf("%w: block size %d", ErrScheme, g.BlockSize)
		}
		l.bs = g.BlockSize
		l.nb = (l.dim + l.bs - 1) / l.bs
	}
	return l, nil
}

// groups is the number of (scale, zero point) pairs.
func (l qLayout) groups() int {
	switch l.kind {
	case PerChannel:
		return l.dim
	case PerBlock:
		return l.outer * l.nb * l.inner
	}
	return 1
}

// paramShape is the shape of the scale tensor: ONNX's [] (per tensor), [dim]
// (per channel) or the input shape with the axis dimension replaced by the
// block count (per block).
func (l qLayout) paramShape() []int {
	switch l.kind {
	case PerChannel:
		return []int{l.dim}
	case PerBlock:
		s := append([]int{}, l.shape...)
		s[l.axis] = l.nb
		return s
	}
	return []int{}
}

// gather returns the elements of group g, reusing buf when it must copy.
func (l qLayout) gather(buf, src []float32, g int) []float32 {
	switch l.kind {
	case PerChannel:
		if l.outer == 1 {
			return src[g*l.inner : (g+1)*l.inner]
		}
		buf = buf[:0]
		for o := range l.outer {
			base := (o*l.dim + g) * l.inner
			buf = append(buf, src[base:base+l.inner]...)
		}
		return buf
	case PerBlock:
		i := g % l.inner
		b := (g / l.inner) % l.nb
		o := g / (l.inner * l.nb)
		d0, d1 := b*l.bs, min((b+1)*l.bs, l.dim)
		if l.inner == 1 {
			base := o * l.dim
			return src[base+d0 : base+d1]
		}
		buf = buf[:0]
		for d := d0; d < d1; d++ {
			buf = append(buf, src[(o*l.dim+d)*l.inner+i])
		}
		return buf
	}
	return src
}

// group returns the group index of element (o, d, i).
func (l qLayout) group(o, d, i int) int {
	switch l.kind {
	case PerChannel:
		return d
	case PerBlock:
		return (o*l.nb+d/l.bs)*l.inner + i
	}
	return 0
}

// ClipMethod chooses how a weight group's range is picked.
type ClipMethod uint8

// Clip methods.
const (
	// ClipNone uses the full min/max range: round-to-nearest (RTN).
	ClipNone ClipMethod = iota
	// ClipMSE shrinks the range by the ratio (searched over a grid) that
	// minimises the squared quantization error of the group.
	ClipMSE
)

// WeightOptions tunes weight quantization. The zero value is plain
// round-to-nearest over the full range.
type WeightOptions struct {
	Clip ClipMethod
	// ClipSteps is the number of clip ratios tried by ClipMSE, evenly spaced
	// from ClipMin to 1 (default 100).
	ClipSteps int
	// ClipMin is the smallest clip ratio tried (default 0.5).
	ClipMin float32
}

func (o WeightOptions) grid() (steps int, lo float32, err error) {
	steps, lo = o.ClipSteps, o.ClipMin
	if steps == 0 {
		steps = 100
	}
	if lo == 0 {
		lo = 0.5
	}
	if steps < 1 || steps > 1<<16 || !(lo > 0 && lo <= 1) {
		return 0, 0, fmt.Errorf("%w: clip grid of %d steps from %g", ErrScheme, o.ClipSteps, o.ClipMin)
	}
	return steps, lo, nil
}

// clipRatio is the j-th ratio of a grid of steps ratios from lo to 1,
// counting down from 1.
func clipRatio(j, steps int, lo float32) float32 {
	if steps == 1 {
		return 1
	}
	return 1 - (1-lo)*float32(j)/float32(steps-1)
}

// minMax returns the smallest and largest values of x (NaN, NaN if x holds a
// NaN; ok false if x is empty).
func minMax(x []float32) (lo, hi float32, ok bool) {
	lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
	for _, v := range x {
		if v != v {
			return v, v, true
		}
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

// sqError is the squared error of fake-quantizing x with p.
func sqError(x []float32, p Params, qmin, qmax int32) float64 {
	var e float64
	for _, v := range x {
		d := float64(v) - float64(float32(QuantizeValue(v, p, qmin, qmax)-p.ZeroPoint)*p.Scale)
		e += d * d
	}
	return e
}

// paramFunc turns a float range into parameters.
type paramFunc func(lo, hi float32) (Params, error)

// chooseParams picks the parameters of one group: the full range, or with
// ClipMSE the clipped range of least squared error (ties keep the wider one).
func chooseParams(x []float32, pf paramFunc, qmin, qmax int32, clip ClipMethod, steps int, clipLo float32) (Params, error) {
	lo, hi, ok := minMax(x)
	if !ok {
		lo, hi = 0, 0
	}
	if math.IsInf(float64(lo), 0) || math.IsInf(float64(hi), 0) || lo != lo || hi != hi {
		return Params{}, fmt.Errorf("%w: weights hold non-finite values", ErrRange)
	}
	best, err := pf(lo, hi)
	if err != nil || clip != ClipMSE || lo == hi {
		return best, err
	}
	bestErr := sqError(x, best, qmin, qmax)
	for j := 1; j < steps; j++ {
		r := clipRatio(j, steps, clipLo)
		p, err := pf(lo*r, hi*r)
		if err != nil {
			return Params{}, err
		}
		if e := sqError(x, p, qmin, qmax); e < bestErr {
			best, bestErr = p, e
		}
	}
	return best, nil
}

// Quantized is a tensor quantized per a Scheme, shaped for ONNX: Values has
// the input's shape and the scheme's dtype, Scale (float32) and ZeroPoint
// (the scheme's dtype) have ONNX QuantizeLinear/DequantizeLinear's parameter
// shape: [] per tensor, [dim] per channel, blocked shape per block. Axis and
// BlockSize are the attributes to put on the QDQ nodes.
type Quantized struct {
	Scheme    Scheme
	Values    *tensor.Tensor
	Scale     *tensor.Tensor
	ZeroPoint *tensor.Tensor
	Axis      int // normalised axis (PerChannel, PerBlock)
	BlockSize int // PerBlock only
	// Params holds the same scales and zero points as a flat list, in the
	// order of Scale's elements.
	Params []Params
}

// QuantizeWeights quantizes w (row-major with the given shape) per scheme s:
// each group's range comes from its min/max (optionally clipped per opt),
// parameters from Scheme.Params, codes saturate to Scheme.QRange.
func QuantizeWeights(w []float32, shape []int, s Scheme, opt WeightOptions) (*Quantized, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	l, err := newLayout(shape, s.Granularity)
	if err != nil {
		return nil, err
	}
	if n := l.outer * l.dim * l.inner; n != len(w) {
		return nil, fmt.Errorf("quant: weights of shape %v need %d values, have %d: %w", shape, n, len(w), tensor.ErrShape)
	}
	steps, clipLo, err := opt.grid()
	if err != nil {
		return nil, err
	}
	qmin, qmax := s.QRange()
	pf := func(lo, hi float32) (Params, error) {
		return rangeParams(float64(lo), float64(hi), qmin, qmax, s.Symmetric)
	}
	ng := l.groups()
	params := make([]Params, ng)
	var buf []float32
	if l.kind != PerTensor {
		buf = make([]float32, 0, l.outer*l.inner+l.bs)
	}
	for g := range ng {
		params[g], err = chooseParams(l.gather(buf, w, g), pf, qmin, qmax, opt.Clip, steps, clipLo)
		if err != nil {
			return nil, fmt.Errorf("quant: group %d of %v: %w", g, shape, err)
		}
	}
	q := &Quantized{Scheme: s, Axis: l.axis, BlockSize: l.bs, Params: params}
	dt := s.DType()
	scales := make([]float32, ng)
	for g, p := range params {
		scales[g] = p.Scale
	}
	if q.Scale, err = tensor.FromData(tensor.Float32, l.paramShape(), scales); err != nil {
		return nil, err
	}
	switch dt {
	case tensor.Int4, tensor.Int8:
		q.Values, q.ZeroPoint, err = quantizeLayout[int8](dt, w, l, params, qmin, qmax)
	case tensor.Uint4, tensor.Uint8:
		q.Values, q.ZeroPoint, err = quantizeLayout[uint8](dt, w, l, params, qmin, qmax)
	case tensor.Int16:
		q.Values, q.ZeroPoint, err = quantizeLayout[int16](dt, w, l, params, qmin, qmax)
	default:
		q.Values, q.ZeroPoint, err = quantizeLayout[uint16](dt, w, l, params, qmin, qmax)
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

func quantizeLayout[T Code](dt tensor.DType, w []float32, l qLayout, params []Params, qmin, qmax int32) (vals, zps *tensor.Tensor, err error) {
	out := make([]T, len(w))
	zp := make([]T, len(params))
	for g, p := range params {
		zp[g] = T(p.ZeroPoint)
	}
	k := 0
	for o := range l.outer {
		for d := range l.dim {
			if l.kind != PerBlock {
				p := params[l.group(o, d, 0)]
				for i := range l.inner {
					out[k+i] = T(QuantizeValue(w[k+i], p, qmin, qmax))
				}
			} else {
				for i := range l.inner {
					out[k+i] = T(QuantizeValue(w[k+i], params[l.group(o, d, i)], qmin, qmax))
				}
			}
			k += l.inner
		}
	}
	if vals, err = tensor.FromData(dt, l.shape, out); err != nil {
		return nil, nil, err
	}
	if zps, err = tensor.FromData(dt, l.paramShape(), zp); err != nil {
		return nil, nil, err
	}
	return vals, zps, nil
}

// Dequantize returns the float values the quantized tensor stands for.
func (q *Quantized) Dequantize() ([]float32, error) {
	l, err := newLayout(q.Values.Shape(), q.Scheme.Granularity)
	if err != nil {
		return nil, err
	}
	if len(q.Params) != l.groups() {
		return nil, fmt.Errorf("quant: %d params for %d groups: %w", len(q.Params), l.groups(), tensor.ErrShape)
	}
	switch v := q.Values.Data().(type) {
	case []int8:
		return dequantizeLayout(v, l, q.Params), nil
	case []uint8:
		return dequantizeLayout(v, l, q.Params), nil
	case []int16:
		return dequantizeLayout(v, l, q.Params), nil
	case []uint16:
		return dequantizeLayout(v, l, q.Params), nil
	}
	return nil, fmt.Errorf("quant: cannot dequantize %v: %w", q.Values.DType(), tensor.ErrDType)
}

func dequantizeLayout[T Code](v []T, l qLayout, params []Params) []float32 {
	out := make([]float32, len(v))
	k := 0
	for o := range l.outer {
		for d := range l.dim {
			for i := range l.inner {
				p := params[l.group(o, d, i)]
				out[k] = float32(int32(v[k])-p.ZeroPoint) * p.Scale
				k++
			}
		}
	}
	return out
}
