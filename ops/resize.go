package ops

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Resize (opsets 10, 11, 13, 18, 19) and Upsample (opsets 7, 9).
//
// The meaning follows the ONNX reference (onnx/reference/ops/op_resize.py):
// each output coordinate is mapped back to an input coordinate per axis,
// and the value is a separable (tensor-product) filter over the input.
// Nearest mode gathers elements directly in the input's own type. Linear and
// cubic modes compute one weight table per axis and apply it axis by axis on
// a float64 buffer; integer outputs are rounded to nearest and saturated.

const (
	imModeNearest = iota
	imModeLinear
	imModeCubic
)

const (
	imNearRoundPreferFloor = iota
	imNearRoundPreferCeil
	imNearFloor
	imNearCeil
)

func init() {
	for _, since := range []int{10, 11, 13, 18, 19} {
		Register("", "Resize", since, func(n *ir.Node, opset int) (Kernel, error) { return imNewResize(n, opset, false) })
	}
	for _, since := range []int{7, 9} {
		Register("", "Upsample", since, func(n *ir.Node, opset int) (Kernel, error) { return imNewResize(n, opset, true) })
	}
}

type imResize struct {
	upsample   bool
	legacy     bool // Upsample and Resize-10: asymmetric coordinates, floor for nearest
	attrScales []float32
	mode       int
	ctm        string
	nearest    int
	cubicA     float64
	exclude    bool
	extrap     float64
	antialias  bool
	axes       []int64
	policy     string
}

func imNewResize(n *ir.Node, opset int, upsample bool) (Kernel, error) {
	k := &imResize{
		upsample:  upsample,
		legacy:    upsample || opset < 11,
		ctm:       n.AttrString("coordinate_transformation_mode", "half_pixel"),
		cubicA:    float64(n.AttrFloat("cubic_coeff_a", -0.75)),
		exclude:   n.AttrInt("exclude_outside", 0) != 0,
		extrap:    float64(n.AttrFloat("extrapolation_value", 0)),
		antialias: n.AttrInt("antialias", 0) != 0,
		axes:      n.AttrInts("axes"),
		policy:    n.AttrString("keep_aspect_ratio_policy", "stretch"),
	}
	if upsample && opset < 9 {
		k.attrScales = n.AttrFloats("scales")
		if k.attrScales == nil {
			return nil, NodeErrf(n, "missing scales attribute: %w", ir.ErrInvalidModel)
		}
	}
	switch m := n.AttrString("mode", "nearest"); m {
	case "nearest":
		k.mode = imModeNearest
	case "linear", "bilinear":
		k.mode = imModeLinear
	case "cubic":
		if k.legacy {
			return nil, NodeErrf(n, "mode %q needs opset 11: %w", m, ErrUnsupported)
		}
		k.mode = imModeCubic
	default:
		return nil, NodeErrf(n, "mode %q: %w", m, ErrUnsupported)
	}
	if k.legacy {
		k.ctm = "asymmetric"
		k.nearest = imNearFloor
		return k, nil
	}
	switch k.ctm {
	case "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
		"asymmetric", "tf_crop_and_resize", "tf_half_pixel_for_nn":
	default:
		return nil, NodeErrf(n, "coordinate_transformation_mode %q: %w", k.ctm, ErrUnsupported)
	}
	switch nm := n.AttrString("nearest_mode", "round_prefer_floor"); nm {
	case "round_prefer_floor":
		k.nearest = imNearRoundPreferFloor
	case "round_prefer_ceil":
		k.nearest = imNearRoundPreferCeil
	case "floor":
		k.nearest = imNearFloor
	case "ceil":
		k.nearest = imNearCeil
	default:
		return nil, NodeErrf(n, "nearest_mode %q: %w", nm, ErrUnsupported)
	}
	switch k.policy {
	case "stretch", "not_larger", "not_smaller":
	default:
		return nil, NodeErrf(n, "keep_aspect_ratio_policy %q: %w", k.policy, ErrUnsupported)
	}
	if k.antialias && k.mode == imModeNearest {
		return nil, NodeErrf(n, "antialias with mode nearest: %w", ir.ErrInvalidModel)
	}
	return k, nil
}

// imAxisMap says how one output axis reads its input axis: for output index
// o, taps idx[o*n : o*n+n] (already clamped into the input) with weights
// w[o*n : o*n+n]; out[o] marks coordinates outside a tf_crop_and_resize
// roi, which take the extrapolation value. Nearest mode has n == 1.
type imAxisMap struct {
	n   int
	idx []int
	w   []float64
	out []bool
}

// Run resizes in[0].
func (k *imResize) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	r := x.Rank()
	inShape := x.Shape()

	// Gather scales / sizes / roi as given, per listed axis.
	var scalesIn, roiIn []float64
	var sizesIn []int64
	switch {
	case k.attrScales != nil:
		for _, s := range k.attrScales {
			scalesIn = append(scalesIn, float64(s))
		}
	case k.legacy:
		s := Opt(in, 1)
		if s == nil {
			return nil, ctx.Errf("missing scales input: %w", ir.ErrInvalidModel)
		}
		scalesIn = imFloats(s)
	default:
		if t := Opt(in, 1); t != nil && t.Len() > 0 {
			roiIn = imFloats(t)
		}
		if t := Opt(in, 2); t != nil && t.Len() > 0 {
			scalesIn = imFloats(t)
		}
		if t := Opt(in, 3); t != nil && t.Len() > 0 {
			if scalesIn != nil {
				return nil, ctx.Errf("both scales and sizes given: %w", ir.ErrInvalidModel)
			}
			var err error
			if sizesIn, err = ShapeArg(ctx, t, "sizes"); err != nil {
				return nil, err
			}
		}
		if scalesIn == nil && sizesIn == nil {
			return nil, ctx.Errf("neither scales nor sizes given: %w", ir.ErrInvalidModel)
		}
	}

	// Which axes the inputs talk about.
	axes := make([]int, 0, r)
	if len(k.axes) > 0 {
		seen := make([]bool, r)
		for _, a := range k.axes {
			ax, err := tensor.NormAxis(int(a), r)
			if err != nil || r == 0 || seen[ax] {
				return nil, ctx.Errf("bad axes %v for rank %d: %w", k.axes, r, tensor.ErrShape)
			}
			seen[ax] = true
			axes = append(axes, ax)
		}
	} else {
		for i := 0; i < r; i++ {
			axes = append(axes, i)
		}
	}
	na := len(axes)
	if (scalesIn != nil && len(scalesIn) != na) || (sizesIn != nil && len(sizesIn) != na) {
		return nil, ctx.Errf("scales/sizes length %d/%d, want %d: %w", len(scalesIn), len(sizesIn), na, tensor.ErrShape)
	}
	if roiIn != nil && len(roiIn) != 2*na {
		if k.ctm == "tf_crop_and_resize" {
			return nil, ctx.Errf("roi has %d values, want %d: %w", len(roiIn), 2*na, tensor.ErrShape)
		}
		roiIn = nil // roi only matters for tf_crop_and_resize
	}

	// Full-rank scales, output sizes and roi.
	scales := make([]float64, r)
	outShape := append([]int{}, inShape...)
	roiLo := make([]float64, r)
	roiHi := make([]float64, r)
	for i := range scales {
		scales[i] = 1
		roiHi[i] = 1
	}
	for j, ax := range axes {
		if roiIn != nil {
			roiLo[ax], roiHi[ax] = roiIn[j], roiIn[na+j]
		}
	}
	if sizesIn != nil {
		for j, ax := range axes {
			if sizesIn[j] < 0 || sizesIn[j] > tensor.MaxElements {
				return nil, ctx.Errf("bad sizes %v: %w", sizesIn, tensor.ErrShape)
			}
			outShape[ax] = int(sizesIn[j])
			if inShape[ax] > 0 {
				scales[ax] = float64(sizesIn[j]) / float64(inShape[ax])
			}
		}
		if k.policy != "stretch" {
			s := scales[axes[0]]
			for _, ax := range axes[1:] {
				if (k.policy == "not_larger") == (scales[ax] < s) {
					s = scales[ax]
				}
			}
			for _, ax := range axes {
				scales[ax] = s
				outShape[ax] = int(s*float64(inShape[ax]) + 0.5)
			}
		}
	} else {
		for j, ax := range axes {
			s := scalesIn[j]
			if !(s > 0) || math.IsInf(s, 0) {
				return nil, ctx.Errf("bad scales %v: %w", scalesIn, ir.ErrInvalidModel)
			}
			o := s * float64(inShape[ax])
			if o > float64(tensor.MaxElements) {
				return nil, ctx.Errf("scales %v give a too large output: %w", scalesIn, tensor.ErrLimit)
			}
			scales[ax] = s
			outShape[ax] = int(math.Floor(o))
		}
	}
	// 8-bit nearest resizes write every element on the rows path
	// (qdNearestRows8); the buffer is cleared only if that path declines.
	uninit := k.mode == imModeNearest && (x.DType() == tensor.Uint8 || x.DType() == tensor.Int8)
	newOut := ctx.NewTensor
	if uninit {
		newOut = ctx.NewTensorUninit
	}
	out, err := newOut(x.DType(), outShape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", outShape, err)
	}
	if out.Len() == 0 {
		return One(out), nil
	}
	if x.Len() == 0 {
		return nil, ctx.Errf("cannot resize empty %v to %v: %w", inShape, outShape, tensor.ErrShape)
	}

	maps := make([]*imAxisMap, r)
	for d := 0; d < r; d++ {
		m, err := k.axisMap(ctx, inShape[d], outShape[d], scales[d], roiLo[d], roiHi[d])
		if err != nil {
			return nil, ctx.Errf("axis %d: %w", d, err)
		}
		maps[d] = m
	}
	if k.mode == imModeNearest {
		if qhResizeNearestRows(ctx, x, out, maps) {
			return One(out), nil
		}
		if uninit {
			switch d := out.Data().(type) {
			case []uint8:
				clear(d)
			case []int8:
				clear(d)
			}
		}
		if err := ctx.CheckAlloc(alIndex, out.Len()); err != nil {
			return nil, ctx.Errf("output %v: %w", outShape, err)
		}
		if err := imResizeNearest(x, out, maps, k.extrap); err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(out), nil
	}
	buf := imToFloat64(x)
	shape := append([]int{}, inShape...)
	for d := 0; d < r; d++ {
		if maps[d] == nil {
			continue // identity along this axis
		}
		step := append([]int{}, shape...)
		step[d] = outShape[d]
		if _, err := alCheckShape(ctx, tensor.Float64, step); err != nil {
			return nil, err
		}
		buf = imResizeAxis(ctx, buf, shape, d, maps[d], k.extrap)
		shape[d] = outShape[d]
	}
	imFromFloat64(out, buf)
	return One(out), nil
}

// imFloats reads any numeric tensor as float64s.
func imFloats(t *tensor.Tensor) []float64 {
	out := make([]float64, t.Len())
	for i := range out {
		out[i] = t.Float64At(i)
	}
	return out
}

// axisMap builds the tap table of one axis, or nil when the axis maps each
// output index to the same input index with weight 1.
func (k *imResize) axisMap(ctx *Context, inLen, outLen int, scale, roiLo, roiHi float64) (*imAxisMap, error) {
	outF := scale * float64(inLen)
	// Taps: n weights starting at offset start relative to base = ceil(x)-1.
	n, start := 1, 0
	sc := 1.0
	switch k.mode {
	case imModeLinear:
		n, start = 2, 0
		if k.antialias && scale < 1 {
			sc = scale
			start = int(math.Floor(-1/sc)) + 1
			n = 2 - 2*start
		}
	case imModeCubic:
		n, start = 4, -1
		if k.antialias && scale < 1 {
			sc = scale
			start = int(math.Floor(-2/sc)) + 1
			n = 2 - 2*start
		}
	}
	if n <= 0 || n > 1<<30 {
		return nil, fmt.Errorf("%d taps per output: %w", n, tensor.ErrLimit)
	}
	if _, err := tensor.NumElements([]int{outLen, n}); err != nil {
		return nil, err
	}
	if err := ctx.CheckAlloc(tensor.Float64, outLen*n); err != nil {
		return nil, err
	}
	m := &imAxisMap{n: n, idx: make([]int, outLen*n), w: make([]float64, outLen*n)}
	identity := inLen == outLen
	for o := 0; o < outLen; o++ {
		xo := float64(o)
		var xi float64
		switch k.ctm {
		case "align_corners":
			if outF == 1 {
				xi = 0
			} else {
				xi = xo * float64(inLen-1) / (outF - 1)
			}
		case "asymmetric":
			xi = xo / scale
		case "tf_half_pixel_for_nn":
			xi = (xo + 0.5) / scale
		case "tf_crop_and_resize":
			if outF == 1 {
				xi = (roiHi - roiLo) * float64(inLen-1) / 2
			} else {
				xi = xo * (roiHi - roiLo) * float64(inLen-1) / (outF - 1)
			}
			xi += roiLo * float64(inLen-1)
			if xi < 0 || xi > float64(inLen-1) {
				if m.out == nil {
					m.out = make([]bool, outLen)
				}
				m.out[o] = true
				identity = false
				continue
			}
		case "pytorch_half_pixel":
			if outF == 1 {
				xi = -0.5
			} else {
				xi = (xo+0.5)/scale - 0.5
			}
		case "half_pixel_symmetric":
			adj := float64(outLen) / outF
			center := float64(inLen) / 2
			xi = center*(1-adj) + (xo+0.5)/scale - 0.5
		default: // half_pixel
			xi = (xo+0.5)/scale - 0.5
		}
		// base is the tap at or left of xi with ratio in (0, 1].
		fl := math.Floor(xi)
		ratio := xi - fl
		base := int(fl)
		if ratio == 0 {
			base--
			ratio = 1
		}
		idx := m.idx[o*n : o*n+n]
		w := m.w[o*n : o*n+n]
		if k.mode == imModeNearest {
			var up bool
			switch {
			case ratio == 1:
				up = true
			case k.nearest == imNearRoundPreferFloor:
				up = ratio > 0.5
			case k.nearest == imNearRoundPreferCeil:
				up = ratio >= 0.5
			case k.nearest == imNearCeil:
				up = true
			}
			i := base
			if up {
				i++
			}
			idx[0] = imClampInt(i, 0, inLen-1)
			w[0] = 1
			if idx[0] != o {
				identity = false
			}
			continue
		}
		// The reference pads the input by n/2 edge values and takes the n
		// taps nearest to xi, so the window never leaves the padded range.
		first := imClampInt(base+start, -n/2, inLen-n/2)
		sum := 0.0
		for j := 0; j < n; j++ {
			t := (float64(start+j) - ratio) * sc
			var c float64
			if k.mode == imModeLinear {
				c = math.Max(0, 1-math.Abs(t))
			} else {
				c = imCubicWeight(t, k.cubicA)
			}
			p := first + j
			if k.exclude && (p < 0 || p >= inLen) {
				c = 0
			}
			idx[j] = imClampInt(p, 0, inLen-1)
			w[j] = c
			sum += c
		}
		if k.antialias || k.exclude {
			for j := range w {
				w[j] /= sum
			}
		}
		if identity {
			for j := range w {
				if w[j] != 0 && (idx[j] != o || w[j] != 1) {
					identity = false
				}
			}
		}
	}
	if identity {
		return nil, nil
	}
	return m, nil
}

// imCubicWeight is the Keys cubic convolution kernel with parameter a.
func imCubicWeight(t, a float64) float64 {
	t = math.Abs(t)
	switch {
	case t <= 1:
		return ((a+2)*t-(a+3))*t*t + 1
	case t < 2:
		return ((a*t-5*a)*t+8*a)*t - 4*a
	}
	return 0
}

func imClampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// imResizeAxis applies one axis map to buf (shape), returning a new buffer
// whose axis d has len(m.out or m.idx/m.n) entries.
func imResizeAxis(ctx *Context, buf []float64, shape []int, d int, m *imAxisMap, extrap float64) []float64 {
	outer, inner := 1, 1
	for i := 0; i < d; i++ {
		outer *= shape[i]
	}
	for i := d + 1; i < len(shape); i++ {
		inner *= shape[i]
	}
	L := shape[d]
	O := len(m.idx) / m.n
	dst := make([]float64, outer*O*inner)
	n := m.n
	ctx.Parallel(outer*O, 1+4096/(inner*n+1), func(lo, hi int) {
		for q := lo; q < hi; q++ {
			b, o := q/O, q%O
			row := dst[q*inner : (q+1)*inner]
			if m.out != nil && m.out[o] {
				imFill(row, extrap)
				continue
			}
			src := buf[b*L*inner : (b+1)*L*inner]
			for j := 0; j < n; j++ {
				w := m.w[o*n+j]
				if w == 0 {
					continue
				}
				s := src[m.idx[o*n+j]*inner:]
				s = s[:inner]
				for i, v := range s {
					row[i] += w * v
				}
			}
		}
	})
	return dst
}

// imResizeNearest gathers x into out through per-axis index tables.
func imResizeNearest(x, out *tensor.Tensor, maps []*imAxisMap, extrap float64) error {
	r := x.Rank()
	inStr := tensor.Strides(x.Shape())
	outShape := out.Shape()
	// offs[d][o] is the input offset contributed by output index o on axis d,
	// or -1 for an extrapolated coordinate.
	offs := make([][]int, r)
	for d := 0; d < r; d++ {
		o := make([]int, outShape[d])
		for i := range o {
			switch m := maps[d]; {
			case m == nil:
				o[i] = i * inStr[d]
			case m.out != nil && m.out[i]:
				o[i] = -1
			default:
				o[i] = m.idx[i] * inStr[d]
			}
		}
		offs[d] = o
	}
	var src []int // flat input offset of each output element; -1: extrapolate
	src = make([]int, out.Len())
	if r == 0 {
		src[0] = 0
	} else {
		imNearestOffsets(src, offs)
	}
	var fill *tensor.Tensor
	for _, s := range src {
		if s < 0 {
			fill = tensor.Zeros(x.DType(), 1)
			fill.SetFloat64(0, extrap)
			break
		}
	}
	switch d := x.Data().(type) {
	case []float32:
		imGather(d, tensor.Data[float32](out), src, fill)
	case []float64:
		imGather(d, tensor.Data[float64](out), src, fill)
	case []uint16:
		imGather(d, tensor.Data[uint16](out), src, fill)
	case []int8:
		imGather(d, tensor.Data[int8](out), src, fill)
	case []uint8:
		imGather(d, tensor.Data[uint8](out), src, fill)
	case []int16:
		imGather(d, tensor.Data[int16](out), src, fill)
	case []int32:
		imGather(d, tensor.Data[int32](out), src, fill)
	case []int64:
		imGather(d, tensor.Data[int64](out), src, fill)
	case []uint32:
		imGather(d, tensor.Data[uint32](out), src, fill)
	case []uint64:
		imGather(d, tensor.Data[uint64](out), src, fill)
	case []bool:
		imGather(d, tensor.Data[bool](out), src, fill)
	case []string:
		imGather(d, tensor.Data[string](out), src, fill)
	}
	return nil
}

// imNearestOffsets fills src with the sum over axes of offs[d][i_d] for every
// output index, in row-major order (-1 when any axis is extrapolated).
func imNearestOffsets(src []int, offs [][]int) {
	r := len(offs)
	idx := make([]int, r)
	last := offs[r-1]
	for p := 0; p < len(src); p += len(last) {
		base := 0
		bad := false
		for d := 0; d < r-1; d++ {
			v := offs[d][idx[d]]
			if v < 0 {
				bad = true
			}
			base += v
		}
		row := src[p : p+len(last)]
		for i, v := range last {
			if bad || v < 0 {
				row[i] = -1
			} else {
				row[i] = base + v
			}
		}
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < len(offs[d]) {
				break
			}
			idx[d] = 0
		}
	}
}

func imGather[T tensor.Elem](x, out []T, src []int, fill *tensor.Tensor) {
	for i, s := range src {
		if s < 0 {
			out[i] = tensor.Data[T](fill)[0]
			continue
		}
		out[i] = x[s]
	}
}

// imToFloat64 copies a numeric tensor into a float64 buffer.
func imToFloat64(t *tensor.Tensor) []float64 {
	switch d := t.Data().(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		return imConvSlice[float32, float64](d)
	case []int8:
		return imConvSlice[int8, float64](d)
	case []int16:
		return imConvSlice[int16, float64](d)
	case []int32:
		return imConvSlice[int32, float64](d)
	case []int64:
		return imConvSlice[int64, float64](d)
	case []uint32:
		return imConvSlice[uint32, float64](d)
	case []uint64:
		return imConvSlice[uint64, float64](d)
	case []uint8:
		if t.DType() == tensor.Uint8 {
			return imConvSlice[uint8, float64](d)
		}
	case []uint16:
		if t.DType() == tensor.Uint16 {
			return imConvSlice[uint16, float64](d)
		}
	}
	return imConvSlice[float32, float64](tensor.ToFloat32(t))
}

func imConvSlice[S, D tensor.Number](s []S) []D {
	out := make([]D, len(s))
	for i, v := range s {
		out[i] = D(v)
	}
	return out
}

// imFromFloat64 stores buf into out: floats convert, integers round to
// nearest (half away from zero) and saturate to the type's range.
func imFromFloat64(out *tensor.Tensor, buf []float64) {
	dt := out.DType()
	switch d := out.Data().(type) {
	case []float64:
		copy(d, buf)
		return
	case []float32:
		for i, v := range buf {
			d[i] = float32(v)
		}
		return
	}
	if dt.IsInt() {
		lo, hi := dt.IntRange()
		flo, fhi := float64(lo), float64(hi)
		if dt == tensor.Uint64 {
			fhi = math.MaxUint64
		}
		for i, v := range buf {
			v = math.Round(v)
			if v != v {
				v = 0
			}
			v = math.Max(flo, math.Min(fhi, v))
			switch dt {
			case tensor.Uint64:
				if v >= 1<<63 {
					out.Data().([]uint64)[i] = uint64(v)
					continue
				}
				out.SetInt64(i, int64(v))
			default:
				out.SetInt64(i, int64(v))
			}
		}
		return
	}
	for i, v := range buf {
		out.SetFloat64(i, v)
	}
}

// qhResizeNearestRows is the nearest-mode fast path when no coordinate is
// extrapolated: each output row (last axis) gathers one input row through a
// small index table, and an output row reading the same input row as the
// one before it (upsampling along the second-to-last axis) is a copy.
// Rows are split over threads. It reports false (nothing written) for the
// cases it does not handle.
func qhResizeNearestRows(ctx *Context, x, out *tensor.Tensor, maps []*imAxisMap) bool {
	r := x.Rank()
	if r == 0 {
		return false
	}
	inStr := tensor.Strides(x.Shape())
	outShape := out.Shape()
	offs := make([][]int, r)
	for d := 0; d < r; d++ {
		o := make([]int, outShape[d])
		for i := range o {
			switch m := maps[d]; {
			case m == nil:
				o[i] = i * inStr[d]
			case m.out != nil && m.out[i]:
				return false
			default:
				o[i] = m.idx[i] * inStr[d]
			}
		}
		offs[d] = o
	}
	switch d := x.Data().(type) {
	case []float32:
		qhNearestRows(ctx, d, tensor.Data[float32](out), offs, nil)
	case []uint8:
		qdNearestRows8(ctx, d, tensor.Data[uint8](out), offs)
	case []int8:
		qdNearestRows8(ctx, qdU8(d), qdU8(tensor.Data[int8](out)), offs)
	case []float64:
		qhNearestRows(ctx, d, tensor.Data[float64](out), offs, nil)
	case []uint16:
		qhNearestRows(ctx, d, tensor.Data[uint16](out), offs, nil)
	case []int32:
		qhNearestRows(ctx, d, tensor.Data[int32](out), offs, nil)
	case []int64:
		qhNearestRows(ctx, d, tensor.Data[int64](out), offs, nil)
	default:
		return false
	}
	return true
}

// qhNearestRows is nearest Resize by rows: offs[d] are the source offsets
// of output index i along axis d (the last axis in elements, the others
// in whole rows), each output row a gather of src by offs[r-1] (by gather
// when it is not nil), and a row with the same source as the previous
// one a copy.
func qhNearestRows[T any](ctx *Context, src, dst []T, offs [][]int, gather func(drow, srow []T)) {
	r := len(offs)
	last := offs[r-1]
	w := len(last)
	if w == 0 {
		return
	}
	rows := len(dst) / w
	grain := max(1, (1<<14)/w)
	ctx.Parallel(rows, grain, func(lo, hi int) {
		var idxBuf [8]int
		idx := idxBuf[:0]
		if r <= len(idxBuf) {
			idx = idxBuf[:r]
		} else {
			idx = make([]int, r)
		}
		// Multi-index of row lo over the leading axes.
		p := lo
		for d := r - 2; d >= 0; d-- {
			n := len(offs[d])
			idx[d] = p % n
			p /= n
		}
		prev := -1
		for row := lo; row < hi; row++ {
			base := 0
			for d := 0; d < r-1; d++ {
				base += offs[d][idx[d]]
			}
			drow := dst[row*w : (row+1)*w]
			switch {
			case base == prev:
				copy(drow, dst[(row-1)*w:row*w])
			case gather != nil:
				gather(drow, src[base:])
			default:
				for j, o := range last {
					drow[j] = src[base+o]
				}
			}
			prev = base
			for d := r - 2; d >= 0; d-- {
				idx[d]++
				if idx[d] < len(offs[d]) {
					break
				}
				idx[d] = 0
			}
		}
	})
}
