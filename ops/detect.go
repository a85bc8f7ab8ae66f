package ops

import (
	"math"
	"sort"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// GridSample (opsets 16, 20), RoiAlign (10, 16) and NonMaxSuppression
// (10, 11). Meanings follow the ONNX reference implementation
// (op_grid_sample.py, op_roi_align.py, op_non_max_suppression.py), which in
// turn mirror PyTorch and ONNX Runtime.

func init() {
	for _, since := range []int{16, 20} {
		Register("", "GridSample", since, imNewGridSample)
	}
	for _, since := range []int{10, 16} {
		Register("", "RoiAlign", since, imNewRoiAlign)
	}
	for _, since := range []int{10, 11} {
		Register("", "NonMaxSuppression", since, imNewNMS)
	}
}

// ---- GridSample ----

const (
	imPadZeros = iota
	imPadBorder
	imPadReflection
)

type imGridSample struct {
	mode         int // imModeNearest, imModeLinear, imModeCubic
	pad          int
	alignCorners bool
	maxDims      int // 2 before opset 20
}

func imNewGridSample(n *ir.Node, opset int) (Kernel, error) {
	k := &imGridSample{alignCorners: n.AttrInt("align_corners", 0) != 0, maxDims: 2}
	def := "bilinear"
	if opset >= 20 {
		def = "linear"
		k.maxDims = 1 << 10
	}
	switch m := n.AttrString("mode", def); m {
	case "bilinear", "linear":
		k.mode = imModeLinear
	case "nearest":
		k.mode = imModeNearest
	case "bicubic", "cubic":
		k.mode = imModeCubic
	default:
		return nil, NodeErrf(n, "mode %q: %w", m, ErrUnsupported)
	}
	switch p := n.AttrString("padding_mode", "zeros"); p {
	case "zeros":
		k.pad = imPadZeros
	case "border":
		k.pad = imPadBorder
	case "reflection":
		k.pad = imPadReflection
	default:
		return nil, NodeErrf(n, "padding_mode %q: %w", p, ErrUnsupported)
	}
	return k, nil
}

// Run samples X at the grid's normalized coordinates.
func (k *imGridSample) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, grid := in[0], in[1]
	xs, gs := x.Shape(), grid.Shape()
	nd := len(xs) - 2
	if nd < 1 || nd > k.maxDims || len(gs) != nd+2 || gs[0] != xs[0] || gs[nd+1] != nd {
		return nil, ctx.Errf("X %v and grid %v do not fit: %w", xs, gs, tensor.ErrShape)
	}
	if !x.DType().IsFloat() || !grid.DType().IsFloat() {
		return nil, DTypeErr(ctx, x.DType())
	}
	N, C := xs[0], xs[1]
	dims := xs[2:]
	outShape := append([]int{N, C}, gs[1:nd+1]...)
	out, err := ctx.NewTensor(x.DType(), outShape...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	if out.Len() == 0 {
		return One(out), nil
	}
	spatial := tensor.Size(dims)
	if spatial == 0 {
		return nil, ctx.Errf("X %v has an empty spatial dim: %w", xs, tensor.ErrShape)
	}
	points := tensor.Size(gs[1 : nd+1])
	X := imToFloat64(x)
	G := imFloats(grid)
	if err := ctx.CheckAlloc(tensor.Float64, out.Len()); err != nil {
		return nil, ctx.Errf("%w", err)
	}
	Y := make([]float64, out.Len())
	str := tensor.Strides(dims)

	taps := 1
	switch k.mode {
	case imModeLinear:
		taps = 2
	case imModeCubic:
		taps = 4
	}
	lo := make([]float64, nd)
	hi := make([]float64, nd)
	for i, d := range dims {
		if k.alignCorners {
			lo[i], hi[i] = 0, float64(d-1)
		} else {
			lo[i], hi[i] = -0.5, float64(d)-0.5
		}
	}
	combos := 1
	for i := 0; i < nd; i++ {
		combos *= taps
	}
	ctx.Parallel(N*points, 64, func(a, b int) {
		tapOff := make([]int, nd*taps)   // per dim, per tap: offset, -1 for zero
		tapW := make([]float64, nd*taps) // per dim, per tap: weight
		offs := make([]int, combos)      // per combination
		ws := make([]float64, combos)
		coord := make([]float64, nd)
		cidx := make([]int, nd)
		for q := a; q < b; q++ {
			n, p := q/points, q%points
			g := G[q*nd : q*nd+nd]
			for i := 0; i < nd; i++ {
				v := g[nd-1-i] // grid lists x (last dim) first
				L := float64(dims[i])
				if k.alignCorners {
					v = (v + 1) / 2 * (L - 1)
				} else {
					v = ((v+1)*L - 1) / 2
				}
				if k.mode == imModeNearest {
					if nd == 3 {
						v = imRoundHalfAway(v)
					} else {
						v = math.RoundToEven(v)
					}
				}
				if v < lo[i] || v > hi[i] {
					switch k.pad {
					case imPadBorder:
						v = math.Max(0, math.Min(L-1, v))
					case imPadReflection:
						v = imReflect(v, lo[i], hi[i])
					}
				}
				coord[i] = v
			}
			for i := 0; i < nd; i++ {
				v := coord[i]
				var first int
				var w []float64 = tapW[i*taps : i*taps+taps]
				switch k.mode {
				case imModeNearest:
					first = int(v) // truncation, as the reference's astype(int32)
					w[0] = 1
				case imModeLinear:
					f := math.Floor(v)
					first = int(f)
					w[0], w[1] = 1-(v-f), v-f
				case imModeCubic:
					f := math.Floor(v)
					first = int(f) - 1
					t := v - f
					w[0] = imCubicWeight(t+1, -0.75)
					w[1] = imCubicWeight(t, -0.75)
					w[2] = imCubicWeight(1-t, -0.75)
					w[3] = imCubicWeight(2-t, -0.75)
				}
				for j := 0; j < taps; j++ {
					tapOff[i*taps+j] = k.pixelIndex(first+j, dims[i], lo[i], hi[i])
					if tapOff[i*taps+j] >= 0 {
						tapOff[i*taps+j] *= str[i]
					}
				}
			}
			// Combine taps over dims.
			for i := range cidx {
				cidx[i] = 0
			}
			for c := 0; c < combos; c++ {
				off, w := 0, 1.0
				for i := 0; i < nd; i++ {
					t := tapOff[i*taps+cidx[i]]
					if t < 0 {
						off = -1
						break
					}
					off += t
					w *= tapW[i*taps+cidx[i]]
				}
				offs[c], ws[c] = off, w
				for i := nd - 1; i >= 0; i-- {
					cidx[i]++
					if cidx[i] < taps {
						break
					}
					cidx[i] = 0
				}
			}
			for ch := 0; ch < C; ch++ {
				src := X[(n*C+ch)*spatial : (n*C+ch+1)*spatial]
				s := 0.0
				for c, off := range offs {
					if off >= 0 {
						s += ws[c] * src[off]
					}
				}
				Y[(n*C+ch)*points+p] = s
			}
		}
	})
	imFromFloat64(out, Y)
	return One(out), nil
}

// pixelIndex maps a tap index along a dim of length d to a valid index, or
// -1 when the tap reads the zero padding.
func (k *imGridSample) pixelIndex(i, d int, lo, hi float64) int {
	switch k.pad {
	case imPadBorder:
		return imClampInt(i, 0, d-1)
	case imPadReflection:
		return imClampInt(int(imReflect(float64(i), lo, hi)), 0, d-1)
	}
	if i < 0 || i >= d {
		return -1
	}
	return i
}

func imRoundHalfAway(v float64) float64 {
	if v >= 0 {
		return math.Floor(v + 0.5)
	}
	return math.Ceil(v - 0.5)
}

// imReflect reflects x at the borders lo and hi until it lies within them.
func imReflect(x, lo, hi float64) float64 {
	rng := hi - lo
	if rng <= 0 {
		return lo
	}
	switch {
	case x < lo:
		dx := lo - x
		n := math.Trunc(dx / rng)
		r := dx - n*rng
		if math.Mod(n, 2) == 0 {
			return lo + r
		}
		return hi - r
	case x > hi:
		dx := x - hi
		n := math.Trunc(dx / rng)
		r := dx - n*rng
		if math.Mod(n, 2) == 0 {
			return hi - r
		}
		return lo + r
	}
	return x
}

// ---- RoiAlign ----

type imRoiAlign struct {
	max          bool
	outH, outW   int
	sampling     int
	spatialScale float64
	halfPixel    bool
}

func imNewRoiAlign(n *ir.Node, opset int) (Kernel, error) {
	k := &imRoiAlign{
		outH:         int(n.AttrInt("output_height", 1)),
		outW:         int(n.AttrInt("output_width", 1)),
		sampling:     int(n.AttrInt("sampling_ratio", 0)),
		spatialScale: float64(n.AttrFloat("spatial_scale", 1)),
	}
	switch m := n.AttrString("mode", "avg"); m {
	case "avg":
	case "max":
		k.max = true
	default:
		return nil, NodeErrf(n, "mode %q: %w", m, ErrUnsupported)
	}
	def := "output_half_pixel"
	if opset >= 16 {
		def = "half_pixel"
	}
	switch c := n.AttrString("coordinate_transformation_mode", def); c {
	case "half_pixel":
		k.halfPixel = true
	case "output_half_pixel":
	default:
		return nil, NodeErrf(n, "coordinate_transformation_mode %q: %w", c, ErrUnsupported)
	}
	if k.outH < 1 || k.outW < 1 || k.sampling < 0 || k.outH > 1<<20 || k.outW > 1<<20 {
		return nil, NodeErrf(n, "output %dx%d, sampling_ratio %d: %w", k.outH, k.outW, k.sampling, ir.ErrInvalidModel)
	}
	return k, nil
}

// Run pools each roi of X into an output_height × output_width map.
func (k *imRoiAlign) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	x, rois, bidx := in[0], in[1], in[2]
	xs, rs := x.Shape(), rois.Shape()
	if len(xs) != 4 || len(rs) != 2 || rs[1] != 4 || bidx.Rank() != 1 || bidx.Len() != rs[0] {
		return nil, ctx.Errf("X %v, rois %v, batch_indices %v do not fit: %w", xs, rs, bidx.Shape(), tensor.ErrShape)
	}
	if !x.DType().IsFloat() {
		return nil, DTypeErr(ctx, x.DType())
	}
	N, C, H, W := xs[0], xs[1], xs[2], xs[3]
	R := rs[0]
	out, err := ctx.NewTensor(x.DType(), R, C, k.outH, k.outW)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	if out.Len() == 0 {
		return One(out), nil
	}
	batch, err := bidx.AsInt64s()
	if err != nil {
		return nil, ctx.Errf("batch_indices: %w", err)
	}
	for _, b := range batch {
		if b < 0 || b >= int64(N) {
			return nil, ctx.Errf("batch index %d out of range [0,%d): %w", b, N, tensor.ErrShape)
		}
	}
	X := imToFloat64(x)
	B := imFloats(rois)
	if err := ctx.CheckAlloc(tensor.Float64, out.Len()); err != nil {
		return nil, ctx.Errf("%w", err)
	}
	Y := make([]float64, out.Len())
	offset := 0.0
	if k.halfPixel {
		offset = 0.5
	}
	plane := H * W
	// Sampling grids come from data: bound them before any work.
	if k.sampling == 0 {
		for r := 0; r < R; r++ {
			b := B[r*4 : r*4+4]
			rw := (b[2] - b[0]) * k.spatialScale
			rh := (b[3] - b[1]) * k.spatialScale
			gh := math.Ceil(math.Max(rh, 1) / float64(k.outH))
			gw := math.Ceil(math.Max(rw, 1) / float64(k.outW))
			if !(gh*gw <= 1<<20) {
				return nil, ctx.Errf("roi %d gives a %vx%v sampling grid: %w", r, gh, gw, tensor.ErrLimit)
			}
		}
	}
	ctx.Parallel(R, 1, func(lo, hi int) {
		type sample struct {
			p [4]int
			w [4]float64
		}
		var samples []sample
		for r := lo; r < hi; r++ {
			b := B[r*4 : r*4+4]
			sw := b[0]*k.spatialScale - offset
			sh := b[1]*k.spatialScale - offset
			ew := b[2]*k.spatialScale - offset
			eh := b[3]*k.spatialScale - offset
			rw, rh := ew-sw, eh-sh
			if !k.halfPixel {
				rw = math.Max(rw, 1)
				rh = math.Max(rh, 1)
			}
			binH := rh / float64(k.outH)
			binW := rw / float64(k.outW)
			gh, gw := k.sampling, k.sampling
			if gh == 0 {
				gh = int(math.Ceil(rh / float64(k.outH)))
				gw = int(math.Ceil(rw / float64(k.outW)))
			}
			if gh < 0 {
				gh = 0
			}
			if gw < 0 {
				gw = 0
			}
			count := math.Max(float64(gh*gw), 1)
			for ph := 0; ph < k.outH; ph++ {
				for pw := 0; pw < k.outW; pw++ {
					samples = samples[:0]
					for iy := 0; iy < gh; iy++ {
						y := sh + float64(ph)*binH + (float64(iy)+0.5)*binH/float64(gh)
						for ix := 0; ix < gw; ix++ {
							xx := sw + float64(pw)*binW + (float64(ix)+0.5)*binW/float64(gw)
							var s sample
							if y < -1 || y > float64(H) || xx < -1 || xx > float64(W) {
								samples = append(samples, s)
								continue
							}
							yy, xv := math.Max(y, 0), math.Max(xx, 0)
							yl, xl := int(yy), int(xv)
							var yh, xh int
							if yl >= H-1 {
								yl, yh = H-1, H-1
								yy = float64(yl)
							} else {
								yh = yl + 1
							}
							if xl >= W-1 {
								xl, xh = W-1, W-1
								xv = float64(xl)
							} else {
								xh = xl + 1
							}
							ly, lx := yy-float64(yl), xv-float64(xl)
							hy, hx := 1-ly, 1-lx
							s.p = [4]int{yl*W + xl, yl*W + xh, yh*W + xl, yh*W + xh}
							s.w = [4]float64{hy * hx, hy * lx, ly * hx, ly * lx}
							samples = append(samples, s)
						}
					}
					for c := 0; c < C; c++ {
						src := X[(int(batch[r])*C+c)*plane : (int(batch[r])*C+c+1)*plane]
						var v float64
						if k.max {
							for i, s := range samples {
								m := math.Max(math.Max(s.w[0]*src[s.p[0]], s.w[1]*src[s.p[1]]),
									math.Max(s.w[2]*src[s.p[2]], s.w[3]*src[s.p[3]]))
								if i == 0 || m > v {
									v = m
								}
							}
						} else {
							for _, s := range samples {
								v += s.w[0]*src[s.p[0]] + s.w[1]*src[s.p[1]] + s.w[2]*src[s.p[2]] + s.w[3]*src[s.p[3]]
							}
							v /= count
						}
						Y[((r*C+c)*k.outH+ph)*k.outW+pw] = v
					}
				}
			}
		}
	})
	imFromFloat64(out, Y)
	return One(out), nil
}

// ---- NonMaxSuppression ----

type imNMS struct {
	centerBox bool
}

func imNewNMS(n *ir.Node, opset int) (Kernel, error) {
	c := n.AttrInt("center_point_box", 0)
	if c != 0 && c != 1 {
		return nil, NodeErrf(n, "center_point_box %d: %w", c, ir.ErrInvalidModel)
	}
	return &imNMS{centerBox: c == 1}, nil
}

// Run selects boxes per batch and class greedily by score, dropping boxes
// whose IoU with a selected one exceeds iou_threshold.
func (k *imNMS) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	boxes, scores := in[0], in[1]
	bs, ss := boxes.Shape(), scores.Shape()
	if len(bs) != 3 || bs[2] != 4 || len(ss) != 3 || ss[0] != bs[0] || ss[2] != bs[1] {
		return nil, ctx.Errf("boxes %v and scores %v do not fit: %w", bs, ss, tensor.ErrShape)
	}
	maxOut := int64(0)
	if t := Opt(in, 2); t != nil && t.Len() > 0 {
		maxOut = t.Int64At(0)
	}
	iouTh := 0.0
	if t := Opt(in, 3); t != nil && t.Len() > 0 {
		iouTh = t.Float64At(0)
	}
	scoreTh := math.Inf(-1)
	if t := Opt(in, 4); t != nil && t.Len() > 0 {
		scoreTh = t.Float64At(0)
	}
	B, nb, nc := bs[0], bs[1], ss[1]
	bx := imFloats(boxes)
	sc := imFloats(scores)
	// Corners as (ymin, xmin, ymax, xmax).
	corners := make([]float64, len(bx))
	for i := 0; i < B*nb; i++ {
		b := bx[i*4 : i*4+4]
		c := corners[i*4 : i*4+4]
		if k.centerBox {
			xc, yc, w, h := b[0], b[1], b[2], b[3]
			c[0], c[1], c[2], c[3] = yc-h/2, xc-w/2, yc+h/2, xc+w/2
		} else {
			c[0], c[1] = math.Min(b[0], b[2]), math.Min(b[1], b[3])
			c[2], c[3] = math.Max(b[0], b[2]), math.Max(b[1], b[3])
		}
	}
	var sel []int64
	var cand, kept []int
	if maxOut > 0 {
		for b := 0; b < B; b++ {
			cb := corners[b*nb*4 : (b+1)*nb*4]
			for c := 0; c < nc; c++ {
				s := sc[(b*nc+c)*nb : (b*nc+c+1)*nb]
				cand = cand[:0]
				for i, v := range s {
					if v > scoreTh {
						cand = append(cand, i)
					}
				}
				sort.SliceStable(cand, func(i, j int) bool { return s[cand[i]] > s[cand[j]] })
				kept = kept[:0]
				for _, i := range cand {
					if int64(len(kept)) >= maxOut {
						break
					}
					ok := true
					for _, j := range kept {
						if imIOU(cb[i*4:i*4+4], cb[j*4:j*4+4]) > iouTh {
							ok = false
							break
						}
					}
					if ok {
						kept = append(kept, i)
						sel = append(sel, int64(b), int64(c), int64(i))
					}
				}
			}
		}
	}
	out, err := tensor.FromData(tensor.Int64, []int{len(sel) / 3, 3}, append([]int64{}, sel...))
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(out), nil
}

// imIOU is the intersection over union of two (ymin, xmin, ymax, xmax)
// boxes; 0 when either box is empty.
func imIOU(a, b []float64) float64 {
	ih := math.Min(a[2], b[2]) - math.Max(a[0], b[0])
	iw := math.Min(a[3], b[3]) - math.Max(a[1], b[1])
	if ih <= 0 || iw <= 0 {
		return 0
	}
	areaA := (a[2] - a[0]) * (a[3] - a[1])
	areaB := (b[2] - b[0]) * (b[3] - b[1])
	if areaA <= 0 || areaB <= 0 {
		return 0
	}
	inter := ih * iw
	union := areaA + areaB - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}
