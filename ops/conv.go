package ops

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// Convolution family: Conv, ConvTranspose, ConvInteger. Shared window
// geometry (strides, dilations, pads, auto_pad) also serves the pools.

func init() {
	Register("", "Conv", 1, cvNewConv)
	Register("", "ConvTranspose", 1, cvNewConvTranspose)
	Register("", "ConvInteger", 10, cvNewConvInteger)
	// Conv + activation, made by passes.FuseActivations.
	Register("qinfer", "FusedConv", 1, cvNewFusedConv)
	// ConvTranspose + activation, made by passes.FuseActivations.
	Register("qinfer", "FusedConvTranspose", 1, cvNewFusedConvTranspose)
}

// cvWindow holds the window attributes common to Conv, ConvTranspose and
// the pools, as read from the node. Nil slices mean "default".
type cvWindow struct {
	autoPad   string
	kernel    []int
	strides   []int
	dilations []int
	pads      []int
}

func cvReadWindow(n *ir.Node) (cvWindow, error) {
	w := cvWindow{
		autoPad:   n.AttrString("auto_pad", "NOTSET"),
		kernel:    cvInts(n.AttrInts("kernel_shape")),
		strides:   cvInts(n.AttrInts("strides")),
		dilations: cvInts(n.AttrInts("dilations")),
		pads:      cvInts(n.AttrInts("pads")),
	}
	switch w.autoPad {
	case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER":
	case "":
		w.autoPad = "NOTSET"
	default:
		return w, NodeErrf(n, "auto_pad %q: %w", w.autoPad, ir.ErrInvalidModel)
	}
	for _, v := range w.kernel {
		if v < 1 {
			return w, NodeErrf(n, "kernel_shape %v: %w", w.kernel, ir.ErrInvalidModel)
		}
	}
	for _, v := range w.strides {
		if v < 1 {
			return w, NodeErrf(n, "strides %v: %w", w.strides, ir.ErrInvalidModel)
		}
	}
	for _, v := range w.dilations {
		if v < 1 {
			return w, NodeErrf(n, "dilations %v: %w", w.dilations, ir.ErrInvalidModel)
		}
	}
	for _, v := range w.pads {
		if v < 0 {
			return w, NodeErrf(n, "pads %v: %w", w.pads, ir.ErrInvalidModel)
		}
	}
	return w, nil
}

func cvInts(a []int64) []int {
	if a == nil {
		return nil
	}
	return Ints(a)
}

// cvGeom is a resolved window geometry for one input shape.
type cvGeom struct {
	kernel, strides, dilations []int
	padBegin, padEnd           []int
	out                        []int
}

func (g *cvGeom) linalg(in []int) linalg.ConvGeom {
	return linalg.ConvGeom{In: in, Kernel: g.kernel, Out: g.out, Stride: g.strides, Dilation: g.dilations, PadBegin: g.padBegin}
}

// cvOnes returns a slice of n ones, or def when def has length n.
func cvDefault(def []int, n, v int) ([]int, bool) {
	if def == nil {
		if s := zaConstInts(n, v); s != nil {
			return s, true // read-only defaults: no allocation per run
		}
		s := make([]int, n)
		for i := range s {
			s[i] = v
		}
		return s, true
	}
	return def, len(def) == n
}

// resolve computes output sizes and pads for spatial input dims in and the
// given kernel (from kernel_shape or the weights). ceil selects the pools'
// ceil_mode rounding.
func (w *cvWindow) resolve(ctx *Context, in, kernel []int, ceil bool) (*cvGeom, error) {
	nd := len(in)
	if len(kernel) != nd {
		return nil, ctx.Errf("kernel has %d dims, input has %d spatial dims: %w", len(kernel), nd, tensor.ErrShape)
	}
	g := zaGeom(ctx, kernel, nd) // per-session storage: no allocation per run
	var ok bool
	if g.strides, ok = cvDefault(w.strides, nd, 1); !ok {
		return nil, ctx.Errf("strides %v for %d spatial dims: %w", w.strides, nd, ir.ErrInvalidModel)
	}
	if g.dilations, ok = cvDefault(w.dilations, nd, 1); !ok {
		return nil, ctx.Errf("dilations %v for %d spatial dims: %w", w.dilations, nd, ir.ErrInvalidModel)
	}
	pads, ok := cvDefault(w.pads, 2*nd, 0)
	if !ok {
		return nil, ctx.Errf("pads %v for %d spatial dims: %w", w.pads, nd, ir.ErrInvalidModel)
	}
	for i := 0; i < nd; i++ {
		s := g.strides[i]
		dk := (kernel[i]-1)*g.dilations[i] + 1
		switch w.autoPad {
		case "SAME_UPPER", "SAME_LOWER":
			o := (in[i] + s - 1) / s
			total := max(0, (o-1)*s+dk-in[i])
			if w.autoPad == "SAME_UPPER" {
				g.padBegin[i] = total / 2
			} else {
				g.padBegin[i] = total - total/2
			}
			g.padEnd[i] = total - g.padBegin[i]
			g.out[i] = o
			continue
		case "VALID":
		default:
			g.padBegin[i], g.padEnd[i] = pads[i], pads[i+nd]
		}
		span := in[i] + g.padBegin[i] + g.padEnd[i] - dk
		if span < 0 {
			return nil, ctx.Errf("window %d (dilated) exceeds padded input %d in dim %d: %w", dk, in[i]+g.padBegin[i]+g.padEnd[i], i, tensor.ErrShape)
		}
		if ceil {
			o := (span+s-1)/s + 1
			// The last window must start inside the input or left padding.
			if (o-1)*s >= in[i]+g.padBegin[i] {
				o--
			}
			g.out[i] = o
		} else {
			g.out[i] = span/s + 1
		}
	}
	return g, nil
}

// cvColPool recycles im2col buffers between calls.
var cvColPool = sync.Pool{New: func() any { return new([]float32) }}

func cvGetCol(n int) *[]float32 {
	p := cvColPool.Get().(*[]float32)
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}

// cvConv is a Conv node's kernel.
type cvConv struct {
	win   cvWindow
	group int
	act   *pfAct // fused activation (qinfer.FusedConv), nil for Conv
	// packed caches the weights packed for SGEMM (per group), shared by
	// concurrent sessions running this kernel.
	packed atomic.Pointer[cvPacked]
}

// cvPacked is one weight tensor packed once. The weights are normally a
// frozen initializer, passed as the same tensor on every Run; weights that
// are not frozen could change in a reused buffer, so their packing is only
// used while the values still equal the copy it was made from.
type cvPacked struct {
	w     *tensor.Tensor
	vals  []float32
	mg    int
	kk    int
	once  sync.Once
	byGrp []*linalg.PackedA
}

// cvPackedWeights returns the weights w (values wf) packed per group for
// linalg.ConvGemmPacked, packing on first use.
func (k *cvConv) cvPackedWeights(w *tensor.Tensor, wf []float32, group, mg, kk int) []*linalg.PackedA {
	p := k.packed.Load()
	// A frozen tensor (an initializer) never changes: identity is enough,
	// and its values need no private copy.
	same := p != nil && p.w == w && p.mg == mg && p.kk == kk && (w.Frozen() || slices.Equal(p.vals, wf))
	if !same {
		vals := wf
		if !w.Frozen() {
			vals = slices.Clone(wf)
		}
		np := &cvPacked{w: w, vals: vals, mg: mg, kk: kk}
		if !k.packed.CompareAndSwap(p, np) {
			return nil // another session is repacking: run unpacked this time
		}
		p = np
	}
	p.once.Do(func() {
		p.byGrp = make([]*linalg.PackedA, group)
		for gi := range p.byGrp {
			p.byGrp[gi] = linalg.PackALazy(mg, kk, p.vals[gi*mg*kk:(gi+1)*mg*kk], kk)
		}
	})
	return p.byGrp
}

func cvNewConv(n *ir.Node, opset int) (Kernel, error) {
	w, err := cvReadWindow(n)
	if err != nil {
		return nil, err
	}
	g := int(n.AttrInt("group", 1))
	if g < 1 {
		return nil, NodeErrf(n, "group %d: %w", g, ir.ErrInvalidModel)
	}
	return &cvConv{win: w, group: g}, nil
}

// cvNewFusedConv builds qinfer.FusedConv: Conv with its activation
// computed in the output stage.
func cvNewFusedConv(n *ir.Node, opset int) (Kernel, error) {
	k, err := cvNewConv(n, opset)
	if err != nil {
		return nil, err
	}
	act, err := pfNewAct(n)
	if err != nil {
		return nil, err
	}
	k.(*cvConv).act = act
	return k, nil
}

// cvConvShapes validates Conv input shapes and returns the geometry.
func cvConvShapes(ctx *Context, win *cvWindow, group int, xs, ws []int) (*cvGeom, error) {
	if len(xs) < 2 || len(ws) != len(xs) {
		return nil, ctx.Errf("X%v and W%v must have equal rank >= 2: %w", xs, ws, tensor.ErrShape)
	}
	c, m := xs[1], ws[0]
	if ws[1]*group != c || m%group != 0 {
		return nil, ctx.Errf("X%v, W%v do not fit group %d: %w", xs, ws, group, tensor.ErrShape)
	}
	kernel := ws[2:]
	if win.kernel != nil && !tensor.SameShape(win.kernel, kernel) {
		return nil, ctx.Errf("kernel_shape %v disagrees with W%v: %w", win.kernel, ws, tensor.ErrShape)
	}
	return win.resolve(ctx, xs[2:], kernel, false)
}

func (k *cvConv) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, w, b := in[0], in[1], Opt(in, 2)
	dt := x.DType()
	if w.DType() != dt || (b != nil && b.DType() != dt) {
		return nil, ctx.Errf("X, W, B dtypes %v, %v differ: %w", dt, w.DType(), tensor.ErrDType)
	}
	xs, ws := x.Shape(), w.Shape()
	g, err := cvConvShapes(ctx, &k.win, k.group, xs, ws)
	if err != nil {
		return nil, err
	}
	if b != nil && (b.Rank() != 1 || b.Len() != ws[0]) {
		return nil, ctx.Errf("B%v for %d output channels: %w", b.Shape(), ws[0], tensor.ErrShape)
	}
	oshape := append(append(zaShapeBuf(ctx), xs[0], ws[0]), g.out...)
	var res []float32 // qinfer.FusedConv's residual Z, added before the activation
	if z := Opt(in, 3); z != nil {
		if dt != tensor.Float32 || z.DType() != dt || !tensor.SameShape(z.Shape(), oshape) {
			return k.cvBroadcastResidual(ctx, in[:3], z)
		}
		res = z.Float32s()
	}
	switch dt {
	case tensor.Float32, tensor.Float16, tensor.BFloat16:
		alloc := alHeap(ctx)
		if dt == tensor.Float32 {
			alloc = ctx.NewTensor // recycled by the session's arena
			if !(len(g.kernel) == 2 && ws[1] == 1 && ws[0] == k.group) {
				// The SGEMM paths (beta 0) and the direct path write
				// every output element: skip clearing a reused buffer.
				alloc = ctx.NewTensorUninit
			}
		}
		// The unfolded columns (im2col) of one group can be larger than the
		// output: check both against the per-tensor cap before allocating.
		if err := ctx.CheckAlloc(tensor.Float32, tensor.Size(oshape)); err != nil {
			return nil, ctx.Errf("output %v: %w", oshape, err)
		}
		if err := ctx.CheckAlloc(tensor.Float32, tensor.Size(ws[1:])*tensor.Size(g.out)); err != nil {
			return nil, ctx.Errf("im2col for output %v: %w", oshape, err)
		}
		y, err := alloc(tensor.Float32, oshape...)
		if err != nil {
			return nil, ctx.Errf("output %v: %w", oshape, err)
		}
		var bias []float32
		if b != nil {
			bias = tensor.ToFloat32(b)
		}
		wf := tensor.ToFloat32(w)
		var pws []*linalg.PackedA
		if dt == tensor.Float32 && len(g.kernel) == 2 && !(ws[1] == 1 && ws[0] == k.group) {
			pws = k.cvPackedWeights(w, wf, k.group, ws[0]/k.group, tensor.Size(ws[1:]))
		}
		cvConvF32(ctx, tensor.ToFloat32(x), xs, wf, ws, bias, k.group, g, y.Float32s(), pws, k.act, res)
		if dt != tensor.Float32 {
			if y, err = tensor.Cast(y, dt); err != nil {
				return nil, ctx.Errf("%w", err)
			}
		}
		return ctx.One(y), nil
	case tensor.Float64:
		y, err := ctx.NewTensor(dt, oshape...)
		if err != nil {
			return nil, ctx.Errf("output %v: %w", oshape, err)
		}
		var bias []float64
		if b != nil {
			bias = tensor.Data[float64](b)
		}
		if _, err := alCheckShape(ctx, alIndex, append(append([]int{}, g.out...), g.kernel...)); err != nil {
			return nil, err
		}
		cvConvDirect(tensor.Data[float64](x), xs, tensor.Data[float64](w), ws, bias, k.group, g, tensor.Data[float64](y))
		k.act.apply64(tensor.Data[float64](y))
		return One(y), nil
	}
	return nil, DTypeErr(ctx, dt)
}

// cvConvF32 computes a float32 convolution per image and group: 2-D
// depthwise groups (one input and one output channel) directly, other
// 2-D groups by SGEMM packing its panels straight from the image
// (linalg.ConvGemm), other ranks as Im2col + SGEMM; 1x1 stride-1 unpadded
// kernels use X itself as the column matrix. The bias is fused into
// SGEMM's output stage. y is overwritten. pws, when not nil, holds w packed
// per group for the 2-D path. act, when not nil, is applied to y: in
// SGEMM's epilogue when it has the function, else right after each block.
func cvConvF32(ctx *Context, x []float32, xs []int, w []float32, ws []int, bias []float32, group int, g *cvGeom, y []float32, pws []*linalg.PackedA, act *pfAct, res []float32) {
	n, c, m := xs[0], xs[1], ws[0]
	cg, mg := c/group, m/group
	in := tensor.Size(xs[2:])
	on := tensor.Size(g.out)
	kn := tensor.Size(g.kernel)
	kk := cg * kn // reduction length
	threads := 1
	if ctx != nil && ctx.Threads > 1 {
		threads = ctx.Threads
	}
	// The job lives in the session's per-step storage, so the sequential
	// path allocates nothing per run (closures over locals would escape
	// into ParallelFor and be heap-allocated every call).
	jb := zaLocal[cvConvJob](ctx)
	*jb = cvConvJob{x: x, y: y, w: w, bias: bias, res: res, act: act, pws: pws, lg: g.linalg(xs[2:]),
		c: c, cg: cg, m: m, mg: mg, in: in, on: on, kk: kk, kn: kn, group: group}
	defer func() { *jb = cvConvJob{} }()
	jobs := n * group
	if cg == 1 && mg == 1 && len(g.kernel) == 2 {
		// Depthwise: one plane per job, no im2col, no GEMM.
		if threads == 1 {
			jb.depthwise(0, jobs)
			return
		}
		ParallelFor(threads, jobs, 1, jb.depthwise)
		return
	}
	direct := cvIsDirect(g)
	// 2-D kernels pack SGEMM panels straight from the image (no im2col
	// buffer); other ranks unfold with Im2col first.
	implicit := !direct && len(g.kernel) == 2
	jb.direct, jb.implicit = direct, implicit
	if threads > 1 && jobs >= threads {
		// Many small products (batches, groups): one per goroutine.
		ctx.Parallel(jobs, 1, func(lo, hi int) {
			var colp *[]float32
			if !direct && !implicit {
				colp = cvGetCol(kk * on)
				defer cvColPool.Put(colp)
			}
			for j := lo; j < hi; j++ {
				jb.one(j/group, j%group, 1, colp, &linalg.Epilogue{})
			}
		})
		return
	}
	var colp *[]float32
	if !direct && !implicit {
		colp = cvGetCol(kk * on)
		defer cvColPool.Put(colp)
	}
	for j := 0; j < jobs; j++ {
		jb.ep = linalg.Epilogue{}
		jb.one(j/group, j%group, threads, colp, &jb.ep)
	}
}

// cvConvJob holds one cvConvF32 call's operands for its per-job workers.
type cvConvJob struct {
	x, y, w, bias, res                  []float32
	act                                 *pfAct
	pws                                 []*linalg.PackedA
	lg                                  linalg.ConvGeom
	c, cg, m, mg, in, on, kk, kn, group int
	direct, implicit                    bool
	ep                                  linalg.Epilogue // the sequential path's epilogue
}

// depthwise convolves planes [lo,hi) of a depthwise convolution.
func (jb *cvConvJob) depthwise(lo, hi int) {
	qdwPlanesF32(jb.x, jb.w, jb.bias, jb.y, jb.res, lo, hi, jb.group, jb.in, jb.on, jb.kn, &jb.lg, jb.act)
}

// one computes output channels of group gi in image b with nt threads;
// ep is the (zeroed) epilogue it may fill.
func (jb *cvConvJob) one(b, gi, nt int, colp *[]float32, ep *linalg.Epilogue) {
	x, y, w, bias, res, act, lg := jb.x, jb.y, jb.w, jb.bias, jb.res, jb.act, &jb.lg
	c, cg, m, mg, in, on, kk, kn := jb.c, jb.cg, jb.m, jb.mg, jb.in, jb.on, jb.kk, jb.kn
	pws := jb.pws
	xg := x[(b*c+gi*cg)*in : (b*c+(gi+1)*cg)*in]
	yg := y[(b*m+gi*mg)*on : (b*m+(gi+1)*mg)*on]
	wg := w[gi*mg*kk : (gi+1)*mg*kk]
	if bias != nil {
		ep.RowBias = bias[gi*mg : (gi+1)*mg]
	}
	if res != nil {
		ep.Residual = res[(b*m+gi*mg)*on : (b*m+(gi+1)*mg)*on]
	}
	post := act != nil && !act.epilogue(ep)
	if post {
		defer act.apply32(yg)
	}
	if jb.implicit {
		if pws != nil {
			linalg.ConvGemmPacked(nt, pws[gi], xg, cg, *lg, yg, ep)
		} else {
			linalg.ConvGemm(nt, mg, wg, xg, cg, *lg, yg, ep)
		}
		return
	}
	if jb.direct && pws != nil {
		if (mg < kk || on <= 256) && len(lg.In) == 2 { // (small maps: row-exact channel-vector tiles, linalg/mb3_ci.go)
			// Fewer outputs than inputs (MobileNet's projections): read
			// X in place rather than packing it, each packed value
			// would serve only mg products.
			linalg.ConvGemmPacked(nt, pws[gi], xg, cg, *lg, yg, ep)
		} else {
			linalg.SgemmPackedEpilogue(nt, pws[gi], on, xg, on, yg, on, ep)
		}
		return
	}
	col := xg
	if !jb.direct {
		cb := *colp
		if nt > 1 && cg > 1 {
			// Channels unfold into disjoint row blocks of col.
			ParallelFor(nt, cg, 1, func(lo, hi int) {
				linalg.Im2col(cb[lo*kn*on:hi*kn*on], xg[lo*in:hi*in], hi-lo, *lg)
			})
		} else {
			linalg.Im2col(cb, xg, cg, *lg)
		}
		col = cb
	}
	linalg.SgemmEpilogue(nt, false, false, mg, on, kk, 1, wg, kk, col, on, 0, yg, on, ep)
}

// cvAddResidual adds z into y.
func cvAddResidual(y, z []float32) {
	z = z[:len(y)]
	for i := range y {
		y[i] += z[i]
	}
}

// cvBroadcastResidual runs a FusedConv whose residual Z is not a float32
// tensor of the output's shape: the plain convolution, then ai.onnx Add's
// broadcasting, then the activation.
func (k *cvConv) cvBroadcastResidual(ctx *Context, in []*tensor.Tensor, z *tensor.Tensor) ([]*tensor.Tensor, error) {
	plain := &cvConv{win: k.win, group: k.group}
	y, err := plain.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	f, err := Lookup("", "Add", 14)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	add, err := f(ctx.Node, 14)
	if err != nil {
		return nil, err
	}
	sum, err := add.Run(ctx, []*tensor.Tensor{y[0], z})
	if err != nil {
		return nil, err
	}
	s := sum[0]
	if k.act == nil {
		return sum, nil
	}
	switch s.DType() {
	case tensor.Float32:
		k.act.apply32(s.Float32s())
	case tensor.Float64:
		k.act.apply64(tensor.Data[float64](s))
	default:
		f := tensor.ToFloat32(s)
		k.act.apply32(f)
		if s, err = tensor.Cast(tensor.From(s.Shape(), f), s.DType()); err != nil {
			return nil, ctx.Errf("%w", err)
		}
	}
	return One(s), nil
}

// cvIsDirect reports a 1x1, stride-1, unpadded kernel: X itself is then
// the column matrix.
func cvIsDirect(g *cvGeom) bool {
	for i := range g.kernel {
		if g.kernel[i] != 1 || g.strides[i] != 1 || g.padBegin[i] != 0 || g.padEnd[i] != 0 {
			return false
		}
	}
	return true
}

// cvConvDirect is the plain definition of an N-D grouped convolution,
// used for float64 and integer convolutions. Values under padding are zero.
func cvConvDirect[T int32 | float64](x []T, xs []int, w []T, ws []int, bias []T, group int, g *cvGeom, y []T) {
	n, c, m := xs[0], xs[1], ws[0]
	cg, mg := c/group, m/group
	inShape := xs[2:]
	in := tensor.Size(inShape)
	on := tensor.Size(g.out)
	kn := tensor.Size(g.kernel)
	nd := len(inShape)
	// Precompute, per (output position, kernel element), the input offset
	// or -1 when it falls into padding.
	offs := make([]int, on*kn)
	oi := make([]int, nd)
	ki := make([]int, nd)
	for o := 0; o < on; o++ {
		r := o
		for d := nd - 1; d >= 0; d-- {
			oi[d], r = r%g.out[d], r/g.out[d]
		}
		for kx := 0; kx < kn; kx++ {
			r := kx
			for d := nd - 1; d >= 0; d-- {
				ki[d], r = r%g.kernel[d], r/g.kernel[d]
			}
			off := 0
			for d := 0; d < nd; d++ {
				p := oi[d]*g.strides[d] - g.padBegin[d] + ki[d]*g.dilations[d]
				if p < 0 || p >= inShape[d] {
					off = -1
					break
				}
				off = off*inShape[d] + p
			}
			offs[o*kn+kx] = off
		}
	}
	for b := 0; b < n; b++ {
		for oc := 0; oc < m; oc++ {
			gi := oc / mg
			yrow := y[(b*m+oc)*on : (b*m+oc+1)*on]
			var bv T
			if bias != nil {
				bv = bias[oc]
			}
			for o := range yrow {
				s := bv
				po := offs[o*kn : (o+1)*kn]
				for ci := 0; ci < cg; ci++ {
					xc := x[(b*c+gi*cg+ci)*in : (b*c+gi*cg+ci+1)*in]
					wc := w[(oc*cg+ci)*kn : (oc*cg+ci+1)*kn]
					for kx, off := range po {
						if off >= 0 {
							s += xc[off] * wc[kx]
						}
					}
				}
				yrow[o] = s
			}
		}
	}
}

// cvConvTranspose is a ConvTranspose node's kernel.
type cvConvTranspose struct {
	win      cvWindow
	group    int
	outPad   []int
	outShape []int
	act      *pfAct // fused activation (qinfer.FusedConvTranspose), nil for ConvTranspose
}

// cvNewFusedConvTranspose builds qinfer.FusedConvTranspose: ConvTranspose
// with its activation applied in the same pass as the bias.
func cvNewFusedConvTranspose(n *ir.Node, opset int) (Kernel, error) {
	k, err := cvNewConvTranspose(n, opset)
	if err != nil {
		return nil, err
	}
	act, err := pfNewAct(n)
	if err != nil {
		return nil, err
	}
	k.(*cvConvTranspose).act = act
	return k, nil
}

func cvNewConvTranspose(n *ir.Node, opset int) (Kernel, error) {
	w, err := cvReadWindow(n)
	if err != nil {
		return nil, err
	}
	g := int(n.AttrInt("group", 1))
	if g < 1 {
		return nil, NodeErrf(n, "group %d: %w", g, ir.ErrInvalidModel)
	}
	k := &cvConvTranspose{win: w, group: g, outPad: cvInts(n.AttrInts("output_padding")), outShape: cvInts(n.AttrInts("output_shape"))}
	for _, v := range k.outPad {
		if v < 0 {
			return nil, NodeErrf(n, "output_padding %v: %w", k.outPad, ir.ErrInvalidModel)
		}
	}
	return k, nil
}

// geometry resolves ConvTranspose output sizes and pads (the pads apply to
// the output, as in the equivalent forward convolution).
func (k *cvConvTranspose) geometry(ctx *Context, in, kernel []int) (*cvGeom, error) {
	nd := len(in)
	w := &k.win
	g := &cvGeom{kernel: kernel}
	var ok bool
	if g.strides, ok = cvDefault(w.strides, nd, 1); !ok {
		return nil, ctx.Errf("strides %v for %d spatial dims: %w", w.strides, nd, ir.ErrInvalidModel)
	}
	if g.dilations, ok = cvDefault(w.dilations, nd, 1); !ok {
		return nil, ctx.Errf("dilations %v for %d spatial dims: %w", w.dilations, nd, ir.ErrInvalidModel)
	}
	opad, ok := cvDefault(k.outPad, nd, 0)
	if !ok {
		return nil, ctx.Errf("output_padding %v for %d spatial dims: %w", k.outPad, nd, ir.ErrInvalidModel)
	}
	pads, ok := cvDefault(w.pads, 2*nd, 0)
	if !ok {
		return nil, ctx.Errf("pads %v for %d spatial dims: %w", w.pads, nd, ir.ErrInvalidModel)
	}
	outShape := k.outShape
	if len(outShape) > nd { // output_shape may include N and C
		outShape = outShape[len(outShape)-nd:]
	}
	if outShape != nil && len(outShape) != nd {
		return nil, ctx.Errf("output_shape %v for %d spatial dims: %w", k.outShape, nd, ir.ErrInvalidModel)
	}
	g.padBegin, g.padEnd, g.out = make([]int, nd), make([]int, nd), make([]int, nd)
	for i := 0; i < nd; i++ {
		s := g.strides[i]
		dk := (kernel[i]-1)*g.dilations[i] + 1
		full := s*(in[i]-1) + opad[i] + dk
		switch {
		case outShape != nil || w.autoPad == "SAME_UPPER" || w.autoPad == "SAME_LOWER":
			o := in[i] * s
			if outShape != nil {
				o = outShape[i]
			}
			if o < 0 {
				return nil, ctx.Errf("output_shape %v: %w", k.outShape, ir.ErrInvalidModel)
			}
			// A negative total (output_shape beyond the full output) pads
			// the end with zeros; halves round down as in the reference.
			total := full - o
			half := total >> 1 // floor(total/2), also for negatives
			if w.autoPad == "SAME_UPPER" {
				g.padBegin[i] = half
			} else {
				g.padBegin[i] = total - half
			}
			g.padEnd[i] = total - g.padBegin[i]
			g.out[i] = o
		case w.autoPad == "VALID":
			g.out[i] = full
		default:
			g.padBegin[i], g.padEnd[i] = pads[i], pads[i+nd]
			g.out[i] = full - pads[i] - pads[i+nd]
			if g.out[i] < 0 {
				return nil, ctx.Errf("pads %v exceed output size: %w", pads, tensor.ErrShape)
			}
		}
	}
	return g, nil
}

func (k *cvConvTranspose) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, w, b := in[0], in[1], Opt(in, 2)
	dt := x.DType()
	if !dt.IsFloat() || w.DType() != dt || (b != nil && b.DType() != dt) {
		return nil, DTypeErr(ctx, dt)
	}
	xs, ws := x.Shape(), w.Shape()
	if len(xs) < 2 || len(ws) != len(xs) {
		return nil, ctx.Errf("X%v and W%v must have equal rank >= 2: %w", xs, ws, tensor.ErrShape)
	}
	n, c := xs[0], xs[1]
	if ws[0] != c || c%k.group != 0 {
		return nil, ctx.Errf("X%v, W%v do not fit group %d: %w", xs, ws, k.group, tensor.ErrShape)
	}
	kernel := ws[2:]
	if k.win.kernel != nil && !tensor.SameShape(k.win.kernel, kernel) {
		return nil, ctx.Errf("kernel_shape %v disagrees with W%v: %w", k.win.kernel, ws, tensor.ErrShape)
	}
	g, err := k.geometry(ctx, xs[2:], kernel)
	if err != nil {
		return nil, err
	}
	mg := ws[1]
	m := mg * k.group
	if b != nil && (b.Rank() != 1 || b.Len() != m) {
		return nil, ctx.Errf("B%v for %d output channels: %w", b.Shape(), m, tensor.ErrShape)
	}
	oshape := append([]int{n, m}, g.out...)
	if err := ctx.CheckAlloc(tensor.Float32, tensor.Size(oshape)); err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	if err := ctx.CheckAlloc(tensor.Float32, (ws[1]*tensor.Size(kernel))*tensor.Size(xs[2:])); err != nil {
		return nil, ctx.Errf("columns for output %v: %w", oshape, err)
	}
	y, err := ctx.NewTensor(tensor.Float32, oshape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	xf, wf := tensor.ToFloat32(x), tensor.ToFloat32(w)
	yf := y.Float32s()
	cg := c / k.group
	in0 := tensor.Size(xs[2:])
	on := tensor.Size(g.out)
	kn := tensor.Size(kernel)
	rows := mg * kn
	colp := cvGetCol(rows * in0)
	defer cvColPool.Put(colp)
	col := *colp
	// Col2im scatters columns (one per input position) into the output
	// image, i.e. the forward geometry with input and output swapped.
	lg := linalg.ConvGeom{In: g.out, Kernel: kernel, Out: xs[2:], Stride: g.strides, Dilation: g.dilations, PadBegin: g.padBegin}
	threads := 1
	if ctx != nil && ctx.Threads > 1 {
		threads = ctx.Threads
	}
	for bi := 0; bi < n; bi++ {
		for gi := 0; gi < k.group; gi++ {
			xg := xf[(bi*c+gi*cg)*in0 : (bi*c+(gi+1)*cg)*in0]
			wg := wf[gi*cg*rows : (gi+1)*cg*rows]
			// col (mg*kn × in0) = Wgᵀ (rows × cg) · Xg (cg × in0)
			linalg.SgemmParallel(threads, true, false, rows, in0, cg, 1, wg, rows, xg, in0, 0, col, in0)
			yg := yf[(bi*m+gi*mg)*on : (bi*m+(gi+1)*mg)*on]
			// Output channels scatter independently: split them.
			ParallelFor(threads, mg, max(1, 1<<15/max(1, kn*in0)), func(lo, hi int) {
				linalg.Col2im(yg[lo*on:hi*on], col[lo*kn*in0:hi*kn*in0], hi-lo, lg)
			})
		}
		// Bias and activation in one pass, channels over threads.
		var bias []float32
		if b != nil {
			bias = tensor.ToFloat32(b)
		}
		if bias != nil || k.act != nil {
			// Split over elements, not channels: the DB head's last
			// ConvTranspose has one channel and a Sigmoid.
			yb := yf[bi*m*on : (bi+1)*m*on]
			ParallelFor(threads, m*on, 1<<14, func(lo, hi int) {
				for i := lo; i < hi; {
					oc := i / on
					end := min(hi, (oc+1)*on)
					seg := yb[i:end]
					if bias != nil {
						bv := bias[oc]
						for j := range seg {
							seg[j] += bv
						}
					}
					k.act.apply32(seg)
					i = end
				}
			})
		}
	}
	if dt != tensor.Float32 {
		if y, err = tensor.Cast(y, dt); err != nil {
			return nil, ctx.Errf("%w", err)
		}
	}
	return One(y), nil
}

// cvConvInteger is a ConvInteger node's kernel.
type cvConvInteger struct {
	win   cvWindow
	group int
}

func cvNewConvInteger(n *ir.Node, opset int) (Kernel, error) {
	w, err := cvReadWindow(n)
	if err != nil {
		return nil, err
	}
	g := int(n.AttrInt("group", 1))
	if g < 1 {
		return nil, NodeErrf(n, "group %d: %w", g, ir.ErrInvalidModel)
	}
	return &cvConvInteger{win: w, group: g}, nil
}

// cvInt8s widens a uint8 or int8 tensor to int32 minus a zero point per
// block of `block` consecutive elements (zp has 1 entry or one per block).
func cvInt8s(ctx *Context, t, zp *tensor.Tensor, blocks int, what string) ([]int32, error) {
	var zps []int32
	if zp != nil {
		if zp.DType() != t.DType() {
			return nil, ctx.Errf("%s zero point dtype %v, want %v: %w", what, zp.DType(), t.DType(), tensor.ErrDType)
		}
		if zp.Len() != 1 && zp.Len() != blocks {
			return nil, ctx.Errf("%s zero point has %d values, want 1 or %d: %w", what, zp.Len(), blocks, tensor.ErrShape)
		}
		zps = make([]int32, zp.Len())
		for i := range zps {
			zps[i] = int32(zp.Int64At(i))
		}
	}
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
	default:
		return nil, ctx.Errf("%s dtype %v: %w", what, t.DType(), ErrUnsupported)
	}
	if len(zps) == 1 {
		z := zps[0]
		for i := range out {
			out[i] -= z
		}
	} else if len(zps) > 1 && len(out) > 0 {
		per := len(out) / blocks
		for i := range out {
			out[i] -= zps[i/per]
		}
	}
	return out, nil
}

func (k *cvConvInteger) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	xs, ws := x.Shape(), w.Shape()
	g, err := cvConvShapes(ctx, &k.win, k.group, xs, ws)
	if err != nil {
		return nil, err
	}
	if xzp := Opt(in, 2); xzp != nil && xzp.Len() != 1 {
		return nil, ctx.Errf("x_zero_point must be a scalar: %w", ErrUnsupported)
	}
	xi, err := cvInt8s(ctx, x, Opt(in, 2), 1, "x")
	if err != nil {
		return nil, err
	}
	wi, err := cvInt8s(ctx, w, Opt(in, 3), ws[0], "w")
	if err != nil {
		return nil, err
	}
	oshape := append([]int{xs[0], ws[0]}, g.out...)
	y, err := ctx.NewTensor(tensor.Int32, oshape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	// cvConvDirect tabulates one input offset per (output position,
	// kernel element).
	if _, err := alCheckShape(ctx, alIndex, append(append([]int{}, g.out...), g.kernel...)); err != nil {
		return nil, err
	}
	cvConvDirect(xi, xs, wi, ws, nil, k.group, g, tensor.Data[int32](y))
	return One(y), nil
}
