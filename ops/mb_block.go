package ops

import (
	"strings"
	"sync"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qinfer.InvertedResidual is MobileNetV2's inverted residual block as one
// node (made by passes.FuseInvertedResiduals): an optional 1x1 expansion
// E, a depthwise convolution D and a 1x1 projection P, each a FusedConv
// with its own activation, P with an optional residual:
//
//	y = P(D(E(x))) [+ z]
//
// Inputs: x, E's W and B (empty without expansion), D's W and B, P's W
// and B, z. Attributes are the three convolutions' FusedConv attributes
// prefixed "expand.", "dw." and "project.".
//
// Run in bands of output rows, the expanded and depthwise intermediates
// of a band stay in L2 instead of making a round trip through memory
// (they are 6x the block's input and output at MobileNetV2's 112x112 to
// 28x28 stages). Expanded rows shared by two bands are computed twice.

func init() {
	Register("qinfer", "InvertedResidual", 1, mbNewBlock)
}

// mbBlock is an InvertedResidual node's kernel: the three convolutions
// as FusedConv kernels, which also run the block unfused when the banded
// path does not apply.
type mbBlock struct {
	e, d, p *cvConv // e is nil without expansion
	ir      linalg.IRCache
}

// mbSubNode returns the FusedConv node of one of the block's convolutions
// (attributes with the given prefix, unprefixed).
func mbSubNode(n *ir.Node, prefix string) *ir.Node {
	s := &ir.Node{Name: n.Name + "/" + prefix, OpType: "FusedConv", Domain: "qinfer"}
	for _, a := range n.Attrs {
		if name, ok := strings.CutPrefix(a.Name, prefix+"."); ok {
			c := *a
			c.Name = name
			s.Attrs = append(s.Attrs, &c)
		}
	}
	return s
}

func mbNewBlock(n *ir.Node, opset int) (Kernel, error) {
	k := &mbBlock{}
	for _, sub := range []struct {
		prefix string
		dst    **cvConv
	}{{"expand", &k.e}, {"dw", &k.d}, {"project", &k.p}} {
		if sub.prefix == "expand" && n.Input(1) == "" {
			continue
		}
		c, err := cvNewFusedConv(mbSubNode(n, sub.prefix), opset)
		if err != nil {
			return nil, err
		}
		*sub.dst = c.(*cvConv)
	}
	return k, nil
}

func (k *mbBlock) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) < 6 || in[0] == nil || in[3] == nil || in[5] == nil {
		return nil, ctx.Errf("X and the depthwise and projection weights are required: %w", ir.ErrInvalidModel)
	}
	if k.e != nil && Opt(in, 1) == nil {
		return nil, ctx.Errf("expansion weights missing: %w", ir.ErrInvalidModel)
	}
	if !mbNoBand {
		if y, ok, err := k.banded(ctx, in); ok {
			return y, err
		}
	}
	return k.unfused(ctx, in)
}

// unfused runs the three convolutions one after the other, handing the
// intermediates back to the session's arena as soon as they are read.
func (k *mbBlock) unfused(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	var e *tensor.Tensor
	if k.e != nil {
		y, err := k.e.Run(ctx, []*tensor.Tensor{x, in[1], Opt(in, 2)})
		if err != nil {
			return nil, err
		}
		e = y[0]
		x = e
	}
	y, err := k.d.Run(ctx, []*tensor.Tensor{x, in[3], Opt(in, 4)})
	if e != nil {
		ctx.Arena.Release(e)
	}
	if err != nil {
		return nil, err
	}
	d := y[0]
	pin := []*tensor.Tensor{d, in[5], Opt(in, 6)}
	if z := Opt(in, 7); z != nil {
		pin = append(pin, z)
	}
	out, err := k.p.Run(ctx, pin)
	ctx.Arena.Release(d)
	return out, err
}

// mbNoBand forces the unfused path, mbAlwaysBand the banded one where it
// applies (tests and benchmarks compare both).
var mbNoBand, mbAlwaysBand bool

// mbMinBanded is the smallest expanded plane (floats per image) run in
// bands with a kernel taller than 3: 1 MiB. Smaller ones (PP-OCRv4 rec's
// 5x5 blocks) measured slower banded than unfused.
const mbMinBanded = 1 << 18

// mbGeom is a resolved block geometry.
type mbGeom struct {
	n, c, e, m, h, w, oh, ow int
	kh, kw, sh, sw, dh, dw   int
	pt, pl                   int
	kext                     int // input rows one output row reads
	rows, bands              int // output rows per band, bands
	bandPar                  bool
}

// mbPointwise reports whether win is a plain 1x1 window on an h×w input
// (stride 1, no padding).
func mbPointwise(ctx *Context, j *mbJob, win *cvWindow, h, w int) bool {
	j.hw, j.khw = [2]int{h, w}, [2]int{1, 1} // in the job: no allocation
	g, err := win.resolve(ctx, j.hw[:], j.khw[:], false)
	return err == nil && g.out[0] == h && g.out[1] == w && g.padBegin[0] == 0 && g.padBegin[1] == 0 &&
		g.strides[0] == 1 && g.strides[1] == 1
}

// mbF32 returns t's values when t is a float32 tensor of the given shape.
func mbF32(t *tensor.Tensor, shape ...int) ([]float32, bool) {
	if t == nil || t.DType() != tensor.Float32 || !tensor.SameShape(t.Shape(), shape) {
		return nil, false
	}
	return t.Float32s(), true
}

// mbBudget is about how many floats a band's expanded and depthwise rows
// may take: half of L2.
const mbBudget = 1 << 18

// mbNoExpBudget is mbBudget without an expansion: only the depthwise
// output is band-sized, and bands of a quarter of L2 let the projection
// read it from nearer cache (MobileNetV2's 32-channel 112x112 depthwise
// and projection: 0.38 ms unfused, 0.32 ms at mbBudget, 0.30 ms here).
const mbNoExpBudget = mbBudget / 4

// mbJob is one banded run's operands.
type mbJob struct {
	g          mbGeom
	x, y, z    []float32
	wd         []float32
	be, bd, bp []float32
	pe, pp     *linalg.PackedA
	ae, ad, ap *pfAct
	hw, khw    [2]int // window.resolve's operands, here so they do not escape
	ir         mbtIR
	img        int              // the image bandFn works on
	bandFn     func(lo, hi int) // bands [lo, hi) of image img, one thread each
}

// mbScratch is one worker's band buffers.
type mbScratch struct {
	eb, db []float32
	// A band's depthwise geometry and epilogues: kept here so building
	// them allocates nothing (the kernels take pointers and slices).
	geo                    linalg.ConvGeom
	in, k, out, st, dl, pb [2]int
	epE, epP               linalg.Epilogue
}

var mbScratchPool = sync.Pool{New: func() any { return new(mbScratch) }}

// banded runs the block band by band; ok is false (nothing done) when the
// operands do not fit that path.
func (k *mbBlock) banded(ctx *Context, in []*tensor.Tensor) (out []*tensor.Tensor, ok bool, err error) {
	x := in[0]
	xs := x.Shape()
	if x.DType() != tensor.Float32 || len(xs) != 4 || k.d.group < 1 {
		return nil, false, nil
	}
	var g mbGeom
	g.n, g.c, g.h, g.w = xs[0], xs[1], xs[2], xs[3]
	wd := in[3]
	ds := wd.Shape()
	if len(ds) != 4 || ds[1] != 1 {
		return nil, false, nil
	}
	g.e, g.kh, g.kw = ds[0], ds[2], ds[3]
	if g.e*g.h*g.w < mbMinBanded && ((g.kh-1)*g.dh+1 > 3 || k.e == nil) && !mbAlwaysBand {
		// A large kernel's band edges recompute many expanded rows,
		// and the expanded plane fits in L2 beside the rest: the
		// layers one after the other are as fast. Without an
		// expansion a small plane saves nothing either (PP-OCRv4
		// rec's depthwise → pointwise chains measured up to 10 %
		// slower banded).
		return nil, false, nil
	}
	j := zaLocal[mbJob](ctx)
	fn := j.bandFn // kept across runs: made once, it allocates nothing after
	*j = mbJob{ae: k.e.mbAct(), ad: k.d.act, ap: k.p.act, bandFn: fn}
	defer func() { *j = mbJob{bandFn: fn} }()
	if fn == nil {
		fn = func(lo, hi int) {
			s := mbScratchPool.Get().(*mbScratch)
			for i := lo; i < hi; i++ {
				j.band(s, j.img, i, 1)
			}
			mbScratchPool.Put(s)
		}
		j.bandFn = fn
	}
	var okW bool
	if k.e != nil {
		we := in[1]
		if k.e.group != 1 || !we.Frozen() || !mbPointwise(ctx, j, &k.e.win, g.h, g.w) {
			return nil, false, nil
		}
		if _, okW = mbF32(we, g.e, g.c, 1, 1); !okW {
			return nil, false, nil
		}
		if b := Opt(in, 2); b != nil {
			if j.be, okW = mbF32(b, g.e); !okW {
				return nil, false, nil
			}
		}
		pws := k.e.cvPackedWeights(we, we.Float32s(), 1, g.e, g.c)
		if pws == nil {
			return nil, false, nil
		}
		j.pe = pws[0]
	} else if g.e != g.c {
		return nil, false, nil
	}
	if k.d.group != g.e {
		return nil, false, nil
	}
	if j.wd, okW = mbF32(wd, g.e, 1, g.kh, g.kw); !okW {
		return nil, false, nil
	}
	if b := Opt(in, 4); b != nil {
		if j.bd, okW = mbF32(b, g.e); !okW {
			return nil, false, nil
		}
	}
	j.hw, j.khw = [2]int{g.h, g.w}, [2]int{g.kh, g.kw}
	dg, err := k.d.win.resolve(ctx, j.hw[:], j.khw[:], false)
	if err != nil {
		return nil, false, nil
	}
	g.oh, g.ow = dg.out[0], dg.out[1]
	g.sh, g.sw, g.dh, g.dw = dg.strides[0], dg.strides[1], dg.dilations[0], dg.dilations[1]
	g.pt, g.pl = dg.padBegin[0], dg.padBegin[1]
	g.kext = (g.kh-1)*g.dh + 1
	if g.oh < 1 || g.ow < 1 || g.pt >= g.kext || g.pl >= (g.kw-1)*g.dw+1 {
		return nil, false, nil
	}
	wp := in[5]
	ps := wp.Shape()
	if len(ps) != 4 || k.p.group != 1 || !wp.Frozen() || !mbPointwise(ctx, j, &k.p.win, g.oh, g.ow) {
		return nil, false, nil
	}
	g.m = ps[0]
	if _, okW = mbF32(wp, g.m, g.e, 1, 1); !okW {
		return nil, false, nil
	}
	if b := Opt(in, 6); b != nil {
		if j.bp, okW = mbF32(b, g.m); !okW {
			return nil, false, nil
		}
	}
	if z := Opt(in, 7); z != nil {
		if j.z, okW = mbF32(z, g.n, g.m, g.oh, g.ow); !okW {
			return nil, false, nil
		}
	}
	if err := ctx.CheckAlloc(tensor.Float32, g.n*g.m*g.oh*g.ow); err != nil {
		return nil, true, ctx.Errf("output: %w", err)
	}
	pws := k.p.cvPackedWeights(wp, wp.Float32s(), 1, g.m, g.e)
	if pws == nil {
		return nil, false, nil
	}
	j.pp = pws[0]
	threads := max(1, ctx.Threads)
	mbPlanBands(&g, threads, j.pe != nil)
	if (g.bands-1)*g.rows*g.sh-g.pt >= g.h {
		// The last band would read only padding rows (bottom padding
		// past the kernel): not a band geometry.
		return nil, false, nil
	}
	y, err := ctx.NewTensorUninit(tensor.Float32, g.n, g.m, g.oh, g.ow)
	if err != nil {
		return nil, true, ctx.Errf("output: %w", err)
	}
	j.g, j.x, j.y = g, x.Float32s(), y.Float32s()
	if j.mbtRun(threads, &k.ir) {
		return ctx.One(y), true, nil
	}
	for b := 0; b < g.n; b++ {
		if g.bandPar {
			j.img = b
			ParallelFor(threads, g.bands, 1, j.bandFn)
			continue
		}
		s := mbScratchPool.Get().(*mbScratch)
		for i := 0; i < g.bands; i++ {
			j.band(s, b, i, threads)
		}
		mbScratchPool.Put(s)
	}
	return ctx.One(y), true, nil
}

// mbAct is k's activation, nil for a nil k.
func (k *cvConv) mbAct() *pfAct {
	if k == nil {
		return nil
	}
	return k.act
}

// mbPlanBands sizes the bands: as many output rows as keep a band's
// buffers (the expanded rows, when expand, and the depthwise output)
// within mbBudget; with several threads, a multiple of threads
// bands when the rows recomputed at band edges stay a small share.
// Bands to threads make one fork/join per band instead of one per
// product, which pays for up to a third more expanded rows: MobileNetV2's
// 14x14 576-channel blocks at 2 threads, 2 bands of 7 rows (9 expanded
// each): 0.33 -> 0.27 ms; at 7x7 (2 bands of 4 and 3 rows, 9 rows
// expanded for 7) they measured 35 % slower.
func mbPlanBands(g *mbGeom, threads int, expand bool) {
	halo := max(0, g.kext-g.sh) // input rows two adjacent bands share
	per := g.e * (g.sh*g.w + g.ow)
	if !expand {
		// Only the depthwise output is band-sized, and nothing is
		// recomputed at band edges.
		halo, per = 0, g.e*g.ow
	}
	budget := mbBudget
	if !expand {
		budget = mbNoExpBudget
	}
	rows := max(1, (budget-g.e*g.w*halo)/max(per, 1))
	// Bands of at least 4 halos: the expanded rows computed twice stay
	// under a quarter (5x5 kernels on PP-OCR's short planes would
	// otherwise expand most rows twice).
	rows = min(max(rows, (4*halo+g.sh-1)/g.sh), g.oh)
	bands := (g.oh + rows - 1) / rows
	g.bandPar = false
	if threads > 1 {
		pb := (bands + threads - 1) / threads * threads
		pr := (g.oh + pb - 1) / pb
		if pb <= g.oh && 3*halo <= pr*g.sh {
			bands, g.bandPar = pb, true
		}
	}
	g.rows = (g.oh + bands - 1) / bands
	g.bands = (g.oh + g.rows - 1) / g.rows
}

// band computes output rows of band i of image b with nt threads. Every
// band reads at least one input row: the first because pt < kext, the
// last as banded checks.
func (j *mbJob) band(s *mbScratch, b, i, nt int) {
	g := &j.g
	oa := i * g.rows
	ob := min(oa+g.rows, g.oh)
	ra := oa*g.sh - g.pt              // first padded input row read
	rb := (ob-1)*g.sh - g.pt + g.kext // past the last
	r0, r1 := max(0, ra), min(g.h, rb)
	rin := r1 - r0
	hw, ohw := g.h*g.w, g.oh*g.ow
	ne, nd := g.e*rin*g.w, g.e*(ob-oa)*g.ow
	if cap(s.eb) < ne && j.pe != nil {
		s.eb = make([]float32, ne)
	}
	if cap(s.db) < nd {
		s.db = make([]float32, nd)
	}
	eb, db := s.eb, s.db[:nd]
	xb := j.x[b*g.c*hw : (b+1)*g.c*hw]
	ptb := r0 - ra
	if j.pe != nil {
		eb = eb[:ne]
		ep := &s.epE
		*ep = linalg.Epilogue{RowBias: j.be}
		post := j.ae != nil && !j.ae.epilogue(ep)
		linalg.SgemmPackedDirect(nt, j.pe, rin*g.w, xb[r0*g.w:], hw, eb, rin*g.w, ep)
		if post {
			j.ae.apply32(eb)
		}
	}
	s.in, s.k, s.out = [2]int{rin, g.w}, [2]int{g.kh, g.kw}, [2]int{ob - oa, g.ow}
	s.st, s.dl, s.pb = [2]int{g.sh, g.sw}, [2]int{g.dh, g.dw}, [2]int{ptb, g.pl}
	s.geo = linalg.ConvGeom{In: s.in[:], Kernel: s.k[:], Out: s.out[:], Stride: s.st[:], Dilation: s.dl[:], PadBegin: s.pb[:]}
	if j.pe != nil {
		j.depthwise(db, eb, rin*g.w, &s.geo, nt)
	} else {
		// The band's rows of X, read in place.
		j.depthwise(db, xb[r0*g.w:], hw, &s.geo, nt)
	}
	ep := &s.epP
	*ep = linalg.Epilogue{RowBias: j.bp}
	yb := j.y[b*g.m*ohw:]
	if j.z != nil {
		ep.Residual = j.z[b*g.m*ohw+oa*g.ow:]
	}
	post := j.ap != nil && !j.ap.epilogue(ep)
	n := (ob - oa) * g.ow
	linalg.SgemmPackedDirect(nt, j.pp, n, db, n, yb[oa*g.ow:], ohw, ep)
	if post {
		for r := 0; r < g.m; r++ {
			j.ap.apply32(yb[r*ohw+oa*g.ow : r*ohw+ob*g.ow])
		}
	}
}

// depthwise runs the depthwise convolution of a band with nt threads
// over channels: src holds e planes of geo.In at a stride of ps values
// (the band's rows of each plane), dst e planes of geo.Out.
func (j *mbJob) depthwise(dst, src []float32, ps int, geo *linalg.ConvGeom, nt int) {
	g := &j.g
	if nt <= 1 {
		j.depthwiseRange(dst, src, ps, geo, 0, g.e) // no closure: nothing escapes
		return
	}
	ParallelFor(nt, g.e, 16, func(lo, hi int) { j.depthwiseRange(dst, src, ps, geo, lo, hi) })
}

// depthwiseRange is depthwise for channels [lo, hi).
func (j *mbJob) depthwiseRange(dst, src []float32, ps int, geo *linalg.ConvGeom, lo, hi int) {
	g := &j.g
	in, on, kk := geo.In[0]*geo.In[1], geo.Out[0]*geo.Out[1], g.kh*g.kw
	var ep linalg.Epilogue
	post := j.ad != nil && !j.ad.epilogue(&ep)
	if ps == in {
		if j.bd != nil {
			ep.RowBias = j.bd[lo:hi]
		}
		linalg.DepthwiseConv2DPlanes(dst[lo*on:hi*on], src[lo*in:hi*in], j.wd[lo*kk:hi*kk], hi-lo, *geo, &ep)
	} else {
		for c := lo; c < hi; c++ {
			if j.bd != nil {
				ep.RowBias = j.bd[c : c+1]
			}
			linalg.DepthwiseConv2DPlanes(dst[c*on:(c+1)*on], src[c*ps:c*ps+in], j.wd[c*kk:(c+1)*kk], 1, *geo, &ep)
		}
	}
	if post {
		j.ad.apply32(dst[lo*on : hi*on])
	}
}
