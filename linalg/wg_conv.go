package linalg

import (
	"math"
	"sync"
)

// Winograd F(4x4, 3x3) convolution for 3x3, stride-1, undilated kernels
// (Lavin & Gray 2015). The output is cut into 4x4 tiles; each reads a 6x6
// input patch d, and
//
//	Y = Aᵀ [ Σ_cin (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// so the 36 positions ξ of the transformed tile are 36 independent
// products M_ξ = V_ξ · U_ξ (tiles × Cin times Cin × Cout): 36·Cin·Cout
// multiplies per 16 outputs instead of 144·Cin·Cout, at the price of the
// two transforms and a larger rounding error (the transforms' constants
// reach 5 and 8; see TestWinogradVsDirect).
//
// Layout, 16 channels per vector throughout (the assembly's unit): the
// image is transposed to zero-padded channel-blocked rows Q[cb][y][x][16]
// (wgImpl.tinPad, masked loads straight from NCHW), so every tile, ragged
// or not, reads a full 6x6 patch. Tiles go in blocks of whole 8-tile
// strips (wgGeom.block), sized for L2 and balanced over threads; for a block,
// the input transform writes V_ξ (tiles × Cin), the 36 products
// M_ξ = V_ξ·U_ξ run on an 8x32 micro-kernel whose right operand is U_ξ
// packed in 32-channel strips (made once per PackedA), and the output
// transform writes 4x4 tiles (plus bias) into a channel-blocked output
// O[cv][y][x][16]. A last pass transposes O back to NCHW C, fusing the
// residual, the activation and the affine post stage.

// wgConsts are the final pass's epilogue constants (the assembly knows
// the offsets: flags 0, lo 4, hi 8, alpha 12, ps 16, pt 20).
type wgConsts struct {
	flags                uint32
	lo, hi, alpha        float32
	postScale, postShift float32
	_                    [2]float32
}

// Flags of wgConsts.
const (
	wgBias  = 1  // add bias[o]
	wgRes   = 2  // add the residual
	wgClamp = 4  // clamp to [lo, hi], NaN kept
	wgLeaky = 8  // x < 0: alpha*x
	wgPost  = 16 // x*ps + pt
)

// wgImpl is one set of Winograd kernels; sizes are in elements.
type wgImpl struct {
	name string
	// tin transposes 16 channel rows (channel c at src[c*stride:]) of n
	// pixels (n a multiple of 16) to dst[p*16+c].
	tin func(src []float32, stride int, dst []float32, n int)
	// tinPad is tin reading one padded row of 16 whole channels straight
	// from the image: chunk k of dst (16 pixels) holds, in the lanes set
	// in masks[k], img[row+c*cstride+offs[k]+lane], else zero.
	tinPad func(img []float32, row, cstride int, dst []float32, n int, masks []uint16, offs []int)
	// in transforms one tile: value (dy, dx) of channel cb*16+c of its
	// patch is q[cb*cbS+(dy*pitch+dx)*16+c]; position ξ goes to
	// v[ξ*xiS+cb*16+c]. tmp holds 36*16.
	in func(q []float32, cbS, pitch, ncb int, v []float32, xiS int, tmp []float32)
	// gemm overwrites the 8x32 tile c (row stride ldc) with a (8 rows of
	// k, row stride lda; k a multiple of 4) times a packed B strip
	// (k×32).
	gemm func(k int, a []float32, lda int, b, c []float32, ldc int)
	// out transforms one tile: channel cv*16+c of position ξ is
	// m[ξ*xiS+cv*16+c]; output (dy, dx) plus bias[cv*16+c] (bias may
	// be nil) goes to o[cv*cvS+(dy*pitch+dx)*16+c]. tmp holds 24*16.
	out func(m []float32, xiS, nv int, o []float32, cvS, pitch int, bias []float32, tmp []float32)
	// tout writes pixels p < n of 16 channel-blocked values src[p*16+c]
	// to dst[c*hw+p] through the epilogue of cst (res[c*hw+p]).
	tout func(src []float32, n int, dst []float32, hw int, res []float32, cst *wgConsts)
}

// wgGenericImpl is the plain-Go twin of the assembly kernels.
var wgGenericImpl = &wgImpl{name: "generic", tin: wgTinGeneric, tinPad: wgTinPadGeneric,
	in: wgInGeneric, gemm: wgGemmGeneric, out: wgOutGeneric, tout: wgToutGeneric}

// wgImpls lists the implementations this CPU can run, generic first.
var wgImpls = []*wgImpl{wgGenericImpl}

// wgKern is the implementation ConvGemmPacked routes to; nil leaves
// every convolution on the direct path (no AVX-512: the generic twin is
// far slower than the SGEMM kernels).
var wgKern *wgImpl

// wgOff disables the Winograd path (benchmarks compare); wgForce routes
// every convolution the path can compute to it, ignoring the speed
// heuristic (tests).
var wgOff, wgForce bool

// wgBlockBytes bounds a block's V and M (36 positions × tiles × (Cin +
// Cout) floats), so both stay in L2 next to the weights' current strip.
var wgBlockBytes = 1 << 19

// wgOneBlock is the tile count up to which a convolution is one block.
var wgOneBlock = 64

// wgUsable reports whether the Winograd kernels can compute this
// convolution (m output channels) with epilogue ep.
func wgUsable(m int, g ConvGeom, ep *Epilogue) bool {
	if len(g.In) != 2 || g.Kernel[0] != 3 || g.Kernel[1] != 3 || g.Stride[0] != 1 || g.Stride[1] != 1 ||
		g.Dilation[0] != 1 || g.Dilation[1] != 1 || m%16 != 0 {
		return false
	}
	if ep != nil {
		if ep.ColBias != nil {
			return false
		}
		switch ep.Act {
		case ActNone, ActRelu, ActClip, ActLeakyRelu:
		default:
			return false
		}
	}
	return true
}

// wgWorth is the speed heuristic. Measured (CPU ms per conv, one thread,
// BenchmarkWinograd and resnet18's per-node profile, Xeon with AVX-512):
// 64ch 56x56 1.43 -> 0.67, 128ch 28x28 1.30 -> 0.68; 256ch 14x14 is
// faster only with its weights in cache (1.39 -> 0.99), but in the model
// the 36·Cin·Cout transformed weights (9.4 MB, 4x the direct method's)
// stream from memory and it loses (1.45-1.56 -> 2.07-2.25 ms); 512ch 7x7
// loses by 5x. F(2x2, 3x3) (16 positions, 2.3x fewer multiplies, weights
// 1.8x the direct method's) was measured there too: 1.39 -> 1.05 ms with
// warm weights, 1.57 -> 1.59 with cold ones, and no change in resnet18's
// CPU time per inference, so it was left out. With few input channels
// the transforms cost more than the products save (16ch 160x160:
// 2.4 -> 3.2), and small maps waste their ragged tiles.
func wgWorth(m, channels int, g ConvGeom) bool {
	if wgForce {
		return true
	}
	if channels < 32 || m < 32 || m > 128 || channels > 128 {
		return false
	}
	oh, ow := g.Out[0], g.Out[1]
	tiles := (oh + 3) / 4 * ((ow + 3) / 4)
	// Useful outputs per tile slot: ragged edges compute whole tiles.
	if 10*oh*ow < 7*16*tiles {
		return false
	}
	return tiles >= 16
}

// wgPacked holds the transformed weights: U_ξ for output channels
// j*32..j*32+32 is the packed B strip u[ξ*xiS + j*cinP*32:], cinP × 32,
// zero past m and cin (cinP is cin rounded up to 16).
type wgPacked struct {
	cin, cinP, m, mpad int
	u                  []float32
}

var wgPackMu sync.Mutex

// wgPacked returns pa's Winograd weights (pa is m × cin*9), made on first
// use.
func (pa *PackedA) wgPacked(cin int) *wgPacked {
	if p := pa.wg.Load(); p != nil {
		return p
	}
	wgPackMu.Lock()
	defer wgPackMu.Unlock()
	if p := pa.wg.Load(); p != nil {
		return p
	}
	p := wgPack(pa, cin)
	pa.wg.Store(p)
	return p
}

// wgG is G of F(4x4, 3x3).
var wgG = [6][3]float64{
	{1.0 / 4, 0, 0},
	{-1.0 / 6, -1.0 / 6, -1.0 / 6},
	{-1.0 / 6, 1.0 / 6, -1.0 / 6},
	{1.0 / 24, 1.0 / 12, 1.0 / 6},
	{1.0 / 24, -1.0 / 12, 1.0 / 6},
	{0, 0, 1},
}

// wgPack transforms pa's weights (U = G g Gᵀ in float64), reading its
// source when lazy, else its SGEMM packing.
func wgPack(pa *PackedA, cin int) *wgPacked {
	m, k := pa.m, pa.k
	mpad := (m + 31) / 32 * 32
	cinP := (cin + 15) / 16 * 16
	p := &wgPacked{cin: cin, cinP: cinP, m: m, mpad: mpad, u: make([]float32, 36*mpad*cinP)}
	xiS := mpad * cinP
	mr, kcI := pa.impl.mr, pa.impl.kc
	weight := func(o, col int) float32 {
		if pa.src != nil {
			return pa.src[o*pa.lda+col]
		}
		pc := col / kcI * kcI
		kc := min(kcI, k-pc)
		return pa.data[pc*pa.mpad+o/mr*kc*mr+(col-pc)*mr+o%mr]
	}
	var g [3][3]float64
	var t [6][3]float64
	for o := 0; o < m; o++ {
		for c := 0; c < cin; c++ {
			for ky := range 3 {
				for kx := range 3 {
					g[ky][kx] = float64(weight(o, c*9+ky*3+kx))
				}
			}
			for i := range 6 {
				for x := range 3 {
					t[i][x] = wgG[i][0]*g[0][x] + wgG[i][1]*g[1][x] + wgG[i][2]*g[2][x]
				}
			}
			for i := range 6 {
				for j := range 6 {
					u := t[i][0]*wgG[j][0] + t[i][1]*wgG[j][1] + t[i][2]*wgG[j][2]
					p.u[(i*6+j)*xiS+o/32*cinP*32+c*32+o%32] = float32(u)
				}
			}
		}
	}
	return p
}

// wgGeom is one Winograd convolution's layout.
type wgGeom struct {
	cin, cinP, m, mpad int
	ih, iw, oh, ow, hw int
	pt, pl             int
	ty, tx, tiles      int // tile grid
	ph, pw, plane      int // padded input planes: (4ty+2) × pw, pw >= 4tx+2 a multiple of 16
	opw, cvS           int // output blocks: 4ty × opw pixels of 16 channels, opw >= 4tx a multiple of 16
	nb, tb             int // blocks (wgGeom.block), most tiles in one
}

// block returns the tiles [t0, t1) of block b.
func (w *wgGeom) block(b int) (t0, t1 int) {
	strips := (w.tiles + 7) / 8
	return 8 * (b * strips / w.nb), min(w.tiles, 8*((b+1)*strips/w.nb))
}

func wgNewGeom(cin, m, threads int, g ConvGeom) wgGeom {
	w := wgGeom{cin: cin, cinP: (cin + 15) / 16 * 16, m: m, mpad: (m + 31) / 32 * 32,
		ih: g.In[0], iw: g.In[1], oh: g.Out[0], ow: g.Out[1], pt: g.PadBegin[0], pl: g.PadBegin[1]}
	w.hw = w.oh * w.ow
	w.ty, w.tx = (w.oh+3)/4, (w.ow+3)/4
	w.tiles = w.ty * w.tx
	w.ph, w.pw = 4*w.ty+2, (4*w.tx+2+15)/16*16
	w.plane = w.ph * w.pw
	w.opw = (4*w.tx + 15) / 16 * 16
	w.cvS = 4 * w.ty * w.opw * 16
	// Blocks of whole 8-tile strips, as even as the strips allow, their
	// V and M within wgBlockBytes (one block when there are few tiles:
	// the weights are then read once), a multiple of threads when there
	// are enough strips.
	strips := (w.tiles + 7) / 8
	nb := 1
	if w.tiles > wgOneBlock {
		nb = max(1, (36*4*(w.cinP+w.mpad)*8*strips+wgBlockBytes-1)/wgBlockBytes)
		if threads > 1 && nb%threads != 0 && (nb/threads+1)*threads <= strips {
			nb = (nb/threads + 1) * threads
		}
	}
	w.nb = min(nb, strips)
	w.tb = 8 * ((strips + w.nb - 1) / w.nb)
	return w
}

// fill copies channel ch of img (zero when ch >= cin) into the
// zero-padded plane dst.
func (w *wgGeom) fill(dst, img []float32, ch int) {
	dst = dst[:w.plane]
	if ch >= w.cin {
		clear(dst)
		return
	}
	src := img[ch*w.ih*w.iw : (ch+1)*w.ih*w.iw]
	// Plane row y is image row y-pt; plane column x is image column x-pl.
	x0 := max(0, w.pl)
	x1 := min(w.pw, w.iw+w.pl)
	sx := x0 - w.pl
	for y := 0; y < w.ph; y++ {
		row := dst[y*w.pw : (y+1)*w.pw]
		iy := y - w.pt
		if iy < 0 || iy >= w.ih || x1 <= x0 {
			clear(row)
			continue
		}
		clear(row[:x0])
		copy(row[x0:x1], src[iy*w.iw+sx:(iy+1)*w.iw])
		clear(row[x1:])
	}
}

// wgBufs are one call's shared buffers and its parallel job, recycled.
type wgBufs struct {
	q, o  []float32 // channel-blocked input planes and output blocks
	v     []float32 // a block's V, when channel groups share it
	cst   wgConsts
	masks []uint16 // per 16-pixel chunk of a padded row: the lanes inside the image
	offs  []int    // per chunk: image column of lane 0
	job   wgJob
	fn    func(i int)
}

// wgScratch is one worker's buffers, recycled.
type wgScratch struct {
	planes, v, mm, tmp []float32
}

var wgBufPool, wgScratchPool sync.Pool

func wgGetScratch() *wgScratch {
	s, _ := wgScratchPool.Get().(*wgScratch)
	if s == nil {
		s = &wgScratch{}
	}
	return s
}

// wgGrow returns b with length n, reallocated only when too small.
func wgGrow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// Kinds of wgJob.
const (
	wgJobIn     = iota + 1 // channel blocks [lo, hi) of the input
	wgJobItems             // work items [lo, hi) of wgItems
	wgJobBlkIn             // input transform of tiles [lo, hi) of block blk into the shared v
	wgJobBlkMul            // products and output transform of block blk, channel groups [lo, hi)
	wgJobOut               // output rows (16 channels × one row) [lo, hi)
)

// wgJob is the state the chunks of one parallel step share; cleared after
// the step so the pool keeps no caller's slices.
type wgJob struct {
	kind      int
	geo       wgGeom
	masks     []uint16
	offs      []int
	impl      *wgImpl
	wp        *wgPacked
	img, q, o []float32
	c         []float32
	ep        *Epilogue
	cst       *wgConsts
	n, total  int // chunks, units of work
	groups    int // output channel groups per block
	blk       int
	v         []float32 // a block's V shared by the channel groups
}

func (j *wgJob) run(i int) {
	lo, hi := i*j.total/j.n, (i+1)*j.total/j.n
	switch j.kind {
	case wgJobIn:
		wgInput(j.impl, &j.geo, j.img, j.q, j.masks, j.offs, lo, hi)
	case wgJobItems:
		wgItems(j.impl, &j.geo, j.wp, j.q, j.o, j.ep, j.groups, lo, hi)
	case wgJobBlkIn:
		s := wgGetScratch()
		s.tmp = wgGrow(s.tmp, 36*16)
		t0, t1 := j.geo.block(j.blk)
		wgBlockIn(j.impl, &j.geo, j.q, j.v, t0, t1, t0+lo, t0+hi, s.tmp)
		wgScratchPool.Put(s)
	case wgJobBlkMul:
		wgGroups(j.impl, &j.geo, j.wp, j.v, j.o, j.ep, j.groups, j.blk, lo, hi)
	case wgJobOut:
		wgOutput(j.impl, &j.geo, j.o, j.c, j.ep, j.cst, lo, hi)
	}
}

// wgRun computes C = ep(W ⊛ img) for one image by Winograd; pa is W
// (m × channels*9), C is m × (oh*ow). wgUsable must hold.
func wgRun(impl *wgImpl, threads int, pa *PackedA, img []float32, channels int, g ConvGeom, c []float32, ep *Epilogue) {
	if ep != nil && ep.RowBias == nil && ep.Residual == nil && ep.Act == ActNone && !ep.Post {
		ep = nil
	}
	threads = max(threads, 1)
	geo := wgNewGeom(channels, pa.m, threads, g)
	wp := pa.wgPacked(channels)
	b, _ := wgBufPool.Get().(*wgBufs)
	if b == nil {
		b = &wgBufs{}
		b.fn = b.job.run
	}
	defer wgBufPool.Put(b)
	b.q = wgGrow(b.q, geo.cinP*geo.plane)
	b.o = wgGrow(b.o, geo.m/16*geo.cvS)
	cst := &b.cst
	wgSetConsts(cst, ep)
	nch := geo.pw / 16
	if cap(b.masks) < nch {
		b.masks, b.offs = make([]uint16, nch), make([]int, nch)
	}
	b.masks, b.offs = b.masks[:nch], b.offs[:nch]
	for k := range nch {
		b.offs[k] = 16*k - geo.pl
		var mk uint16
		for l := range 16 {
			if ix := 16*k + l - geo.pl; ix >= 0 && ix < geo.iw {
				mk |= 1 << l
			}
		}
		b.masks[k] = mk
	}
	blocks := geo.nb
	groups := 1
	if blocks < threads {
		// Few blocks (small maps): split the output channels too, so each
		// thread streams only its share of the weights.
		groups = min(geo.mpad/32, (threads+blocks-1)/blocks)
	}
	ncb, items, rows := geo.cinP/16, blocks*groups, geo.m/16*geo.oh
	if threads == 1 {
		// No closure and no job on the serial path.
		wgInput(impl, &geo, img, b.q, b.masks, b.offs, 0, ncb)
		wgItems(impl, &geo, wp, b.q, b.o, ep, groups, 0, items)
		wgOutput(impl, &geo, b.o, c, ep, cst, 0, rows)
		return
	}
	b.job = wgJob{kind: wgJobIn, geo: geo, masks: b.masks, offs: b.offs, impl: impl, wp: wp, img: img, q: b.q, o: b.o, c: c, ep: ep, cst: cst, groups: groups}
	b.step(wgJobIn, ncb, threads)
	if groups == 1 {
		b.step(wgJobItems, items, threads)
	} else {
		// The channel groups of a block share its V: transform the
		// tiles once, split over the threads, then split the products.
		b.v = wgGrow(b.v, 36*geo.tb*geo.cinP)
		b.job.v = b.v
		for blk := 0; blk < blocks; blk++ {
			t0, t1 := geo.block(blk)
			b.job.blk = blk
			b.step(wgJobBlkIn, t1-t0, threads)
			b.step(wgJobBlkMul, groups, threads)
		}
	}
	b.step(wgJobOut, rows, threads)
	b.job = wgJob{}
}

// step runs the job's units [0, total) of kind on up to threads chunks.
func (b *wgBufs) step(kind, total, threads int) {
	b.job.kind, b.job.total, b.job.n = kind, total, min(threads, total)
	parallel(b.job.n, b.fn)
}

// wgGroups runs channel groups [g0, g1) of block blk from its shared V.
func wgGroups(impl *wgImpl, geo *wgGeom, wp *wgPacked, v, o []float32, ep *Epilogue, groups, blk, g0, g1 int) {
	s := wgGetScratch()
	defer wgScratchPool.Put(s)
	s.mm = wgGrow(s.mm, 36*geo.tb*geo.mpad)
	s.tmp = wgGrow(s.tmp, 36*16)
	var bias []float32
	if ep != nil {
		bias = ep.RowBias
	}
	strips := geo.mpad / 32
	t0, t1 := geo.block(blk)
	for gr := g0; gr < g1; gr++ {
		wgBlock(impl, s, geo, wp, nil, v, o, bias, t0, t1, gr*strips/groups, (gr+1)*strips/groups)
	}
}

// wgInput fills channel blocks [cb0, cb1) of q: the padded image,
// transposed to channel-blocked rows. Whole blocks are read straight
// from the image; a last partial one goes through padded planes.
func wgInput(impl *wgImpl, geo *wgGeom, img, q []float32, masks []uint16, offs []int, cb0, cb1 int) {
	var s *wgScratch
	chw := geo.ih * geo.iw
	for cb := cb0; cb < cb1; cb++ {
		qb := q[cb*16*geo.plane : (cb+1)*16*geo.plane]
		if cb*16+16 <= geo.cin {
			for y := 0; y < geo.ph; y++ {
				dst := qb[y*geo.pw*16 : (y+1)*geo.pw*16]
				if iy := y - geo.pt; iy >= 0 && iy < geo.ih {
					impl.tinPad(img, cb*16*chw+iy*geo.iw, chw, dst, geo.pw/16, masks, offs)
				} else {
					clear(dst)
				}
			}
			continue
		}
		if s == nil {
			s = wgGetScratch()
			defer wgScratchPool.Put(s)
			s.planes = wgGrow(s.planes, 16*geo.plane)
		}
		for c := range 16 {
			geo.fill(s.planes[c*geo.plane:], img, cb*16+c)
		}
		impl.tin(s.planes, geo.plane, qb, geo.plane)
	}
}

// wgOutput writes output rows [r0, r1) (row r: channels r/oh*16.. of
// image row r%oh) from the blocks o to C through the epilogue.
func wgOutput(impl *wgImpl, geo *wgGeom, o, c []float32, ep *Epilogue, cst *wgConsts, r0, r1 int) {
	var res []float32
	if ep != nil {
		res = ep.Residual
	}
	for r := r0; r < r1; r++ {
		cv, y := r/geo.oh, r%geo.oh
		off := cv*16*geo.hw + y*geo.ow
		var rs []float32
		if res != nil {
			rs = res[off:]
		}
		impl.tout(o[cv*geo.cvS+y*geo.opw*16:], geo.ow, c[off:], geo.hw, rs, cst)
	}
}

// wgItems runs work items [i0, i1): item it is tile block it/groups,
// output channel group it%groups.
func wgItems(impl *wgImpl, geo *wgGeom, wp *wgPacked, q, o []float32, ep *Epilogue, groups, i0, i1 int) {
	s := wgGetScratch()
	defer wgScratchPool.Put(s)
	s.v = wgGrow(s.v, 36*geo.tb*geo.cinP)
	s.mm = wgGrow(s.mm, 36*geo.tb*geo.mpad)
	s.tmp = wgGrow(s.tmp, 36*16)
	var bias []float32
	if ep != nil {
		bias = ep.RowBias
	}
	strips := geo.mpad / 32
	for it := i0; it < i1; it++ {
		blk, gr := it/groups, it%groups
		j0, j1 := gr*strips/groups, (gr+1)*strips/groups
		t0, t1 := geo.block(blk)
		wgBlock(impl, s, geo, wp, q, nil, o, bias, t0, t1, j0, j1)
	}
}

// wgSetConsts fills cst for ep.
func wgSetConsts(cst *wgConsts, ep *Epilogue) {
	// The assembly applies the clamp and the leaky slope always: make
	// them identities (max(x, -Inf) and min(x, +Inf) keep NaN).
	*cst = wgConsts{lo: float32(math.Inf(-1)), hi: float32(math.Inf(1)), alpha: 1, postScale: 1}
	if ep == nil {
		return
	}
	if ep.RowBias != nil {
		cst.flags |= wgBias
	}
	if ep.Residual != nil {
		cst.flags |= wgRes
	}
	switch ep.Act {
	case ActRelu:
		cst.flags |= wgClamp
		cst.lo = 0
	case ActClip:
		cst.flags |= wgClamp
		cst.lo, cst.hi = ep.Min, ep.Max
	case ActLeakyRelu:
		cst.flags |= wgLeaky
		cst.alpha = ep.Alpha
	}
	if ep.Post {
		cst.flags |= wgPost
		cst.postScale, cst.postShift = ep.PostScale, ep.PostShift
	}
}

// wgBlockIn transforms tiles [ta, tb) of the block of tiles [t0, t1)
// into its V.
func wgBlockIn(impl *wgImpl, geo *wgGeom, q, v []float32, t0, t1, ta, tb int, tmp []float32) {
	cinP := geo.cinP
	vXi := (t1 - t0 + 7) / 8 * 8 * cinP
	cbS := 16 * geo.plane
	for t := ta; t < tb; t++ {
		ty, tx := t/geo.tx, t%geo.tx
		impl.in(q[(4*ty*geo.pw+4*tx)*16:], cbS, geo.pw, cinP/16, v[(t-t0)*cinP:], vXi, tmp)
	}
}

// wgBlock computes tiles [t0, t1) for output channel strips [j0, j1)
// into the output blocks o: from V transformed here into s.v, or from
// the shared v when it is not nil.
func wgBlock(impl *wgImpl, s *wgScratch, geo *wgGeom, wp *wgPacked, q, v, o, bias []float32, t0, t1, j0, j1 int) {
	cinP := geo.cinP
	nt := t1 - t0
	ntp := (nt + 7) / 8 * 8
	vXi := ntp * cinP // V_ξ: ntp × cinP
	ldm := (j1 - j0) * 32
	mXi := ntp * ldm // M_ξ: ntp × ldm
	if v == nil {
		v = s.v
		wgBlockIn(impl, geo, q, v, t0, t1, t0, t1, s.tmp)
	}
	v = v[:36*vXi]
	mm := s.mm[:36*mXi]
	// The 36 products, each U strip (cinP × 32) reused across the tiles.
	// Rows past nt of the last strip hold stale values; their results
	// are never read.
	uXi := wp.mpad * cinP
	for xi := range 36 {
		vx := v[xi*vXi:]
		mx := mm[xi*mXi:]
		for j := j0; j < j1; j++ {
			u := wp.u[xi*uXi+j*cinP*32:]
			for st := 0; st < ntp; st += 8 {
				impl.gemm(cinP, vx[st*cinP:], cinP, u, mx[st*ldm+(j-j0)*32:], ldm)
			}
		}
	}
	// Output transform, one tile (all its channels) at a time.
	o0, o1 := j0*32, min(geo.m, j1*32)
	nv := (o1 - o0) / 16
	var b []float32
	if bias != nil {
		b = bias[o0:o1]
	}
	for t := t0; t < t1; t++ {
		ty, tx := t/geo.tx, t%geo.tx
		impl.out(mm[(t-t0)*ldm:], mXi, nv, o[o0/16*geo.cvS+(4*ty*geo.opw+4*tx)*16:], geo.cvS, geo.opw, b, s.tmp)
	}
}

// wgCheckEp panics on an epilogue shorter than the m × n output.
func wgCheckEp(m, n int, ep *Epilogue) {
	if ep == nil {
		return
	}
	if ep.Residual != nil && len(ep.Residual) < m*n {
		panic("linalg: ConvGemmPacked residual shorter than C")
	}
	if ep.RowBias != nil && len(ep.RowBias) < m {
		panic("linalg: ConvGemmPacked bias shorter than C's rows")
	}
}

// wgIn1 is the 1-D input transform Bᵀd.
func wgIn1(d0, d1, d2, d3, d4, d5 float32) (t0, t1, t2, t3, t4, t5 float32) {
	t0 = 4*d0 - 5*d2 + d4
	t1 = -4*(d1+d2) + (d3 + d4)
	t2 = 4*(d1-d2) + (d4 - d3)
	t3 = -2*(d1-d3) + (d4 - d2)
	t4 = 2*(d1-d3) + (d4 - d2)
	t5 = 4*d1 - 5*d3 + d5
	return
}

// wgOut1 is the 1-D output transform Aᵀm.
func wgOut1(m0, m1, m2, m3, m4, m5 float32) (y0, y1, y2, y3 float32) {
	a, b := m1+m2, m1-m2
	c, d := m3+m4, m3-m4
	return m0 + a + c, b + 2*d, a + 4*c, b + 8*d + m5
}

// wgTinGeneric is wgImpl.tin in Go.
func wgTinGeneric(src []float32, stride int, dst []float32, n int) {
	for c := range 16 {
		row := src[c*stride : c*stride+n]
		for p, v := range row {
			dst[p*16+c] = v
		}
	}
}

// wgTinPadGeneric is wgImpl.tinPad in Go.
func wgTinPadGeneric(img []float32, row, cstride int, dst []float32, n int, masks []uint16, offs []int) {
	for k := 0; k < n; k++ {
		d := dst[k*256 : (k+1)*256]
		for l := range 16 {
			for c := range 16 {
				var v float32
				if masks[k]>>l&1 != 0 {
					v = img[row+c*cstride+offs[k]+l]
				}
				d[l*16+c] = v
			}
		}
	}
}

// wgInGeneric is wgImpl.in in Go.
func wgInGeneric(q []float32, cbS, pitch, ncb int, v []float32, xiS int, _ []float32) {
	var d, r [6][6]float32
	for cb := 0; cb < ncb; cb++ {
		for c := range 16 {
			p := q[cb*cbS+c:]
			for y := range 6 {
				e := func(x int) float32 { return p[(y*pitch+x)*16] }
				r[y][0], r[y][1], r[y][2], r[y][3], r[y][4], r[y][5] = wgIn1(e(0), e(1), e(2), e(3), e(4), e(5))
			}
			for x := range 6 {
				d[0][x], d[1][x], d[2][x], d[3][x], d[4][x], d[5][x] = wgIn1(r[0][x], r[1][x], r[2][x], r[3][x], r[4][x], r[5][x])
			}
			for xi := range 36 {
				v[xi*xiS+cb*16+c] = d[xi/6][xi%6]
			}
		}
	}
}

// wgGemmGeneric is wgImpl.gemm in Go.
func wgGemmGeneric(k int, a []float32, lda int, b, c []float32, ldc int) {
	var acc [8][32]float32
	for i := range 8 {
		ar := a[i*lda : i*lda+k]
		row := &acc[i]
		for p, av := range ar {
			bp := b[p*32 : p*32+32]
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
	for i := range 8 {
		copy(c[i*ldc:i*ldc+32], acc[i][:])
	}
}

// wgOutGeneric is wgImpl.out in Go.
func wgOutGeneric(m []float32, xiS, nv int, o []float32, cvS, pitch int, bias []float32, _ []float32) {
	var r [6][4]float32
	var y [4][4]float32
	for cv := 0; cv < nv; cv++ {
		for c := range 16 {
			ch := cv*16 + c
			for i := range 6 {
				b := m[i*6*xiS+ch:]
				r[i][0], r[i][1], r[i][2], r[i][3] = wgOut1(b[0], b[xiS], b[2*xiS], b[3*xiS], b[4*xiS], b[5*xiS])
			}
			for x := range 4 {
				y[0][x], y[1][x], y[2][x], y[3][x] = wgOut1(r[0][x], r[1][x], r[2][x], r[3][x], r[4][x], r[5][x])
			}
			var bv float32
			if bias != nil {
				bv = bias[ch]
			}
			for dy := range 4 {
				for dx := range 4 {
					o[cv*cvS+(dy*pitch+dx)*16+c] = y[dy][dx] + bv
				}
			}
		}
	}
}

// wgToutGeneric is wgImpl.tout in Go.
func wgToutGeneric(src []float32, n int, dst []float32, hw int, res []float32, cst *wgConsts) {
	for c := range 16 {
		for p := 0; p < n; p++ {
			t := src[p*16+c]
			if cst.flags&wgRes != 0 {
				t += res[c*hw+p]
			}
			if cst.flags&wgClamp != 0 {
				if t < cst.lo {
					t = cst.lo
				}
				if t > cst.hi {
					t = cst.hi
				}
			}
			if cst.flags&wgLeaky != 0 && t < 0 {
				t *= cst.alpha
			}
			if cst.flags&wgPost != 0 {
				t = t*cst.postScale + cst.postShift
			}
			dst[c*hw+p] = t
		}
	}
}
