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
// Layout: the image is copied once into zero-padded planes (wgFill), so
// every tile, ragged or not, reads a full 6x6 patch. Tiles go in blocks
// of wgBlockTiles; for each block the input transform writes V_ξ straight
// as the SGEMM kernel's packed A strips (8 tiles × Cin), the weights U_ξ
// are the packed B strips (Cin × 32 output channels, made once per
// PackedA), the 8x32 micro-kernel writes M_ξ (tiles × Cout), and the
// output transform reads 16 channels of one tile per vector, runs the
// epilogue and scatters the 4x4 tile into NCHW C.

// wgConsts are the output transform's epilogue constants (the assembly
// knows the offsets: idx 0, flags 64, lo 68, hi 72, alpha 76, ps 80,
// pt 84).
type wgConsts struct {
	idx                  [16]int32 // lane l's element offset in C: l*hw
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

// wgImpl is one set of Winograd kernels.
type wgImpl struct {
	name string
	// in transforms channels [0, cin) of 16 tiles: tile l's patch starts
	// at q[c*plane+idx[l]] (row pitch pw); V position ξ of channel c,
	// tile l goes to v[ξ*xiS + (l/8)*strip + c*8 + l%8]. tmp holds 36*16.
	in func(q []float32, idx *[16]int32, plane, pw, cin int, v []float32, xiS, strip int, tmp []float32)
	// out transforms one tile: channel o (o < nv*16) of position ξ is
	// m[ξ*xiS+o]; output (dy, dx) of channel o, for dy < ny and dx < nx,
	// goes to out[o*hw+dy*ow+dx] after the epilogue of cst (bias[o],
	// res[o*hw+dy*ow+dx]). tmp holds 40*16.
	out func(m []float32, xiS, nv int, out []float32, hw, ow, ny, nx int, bias, res []float32, cst *wgConsts, tmp []float32)
	// gemm overwrites the 8x32 tile c (row stride ldc) with the product
	// of a packed A strip (k×8) and a packed B strip (k×32).
	gemm func(k int, a, b, c []float32, ldc int)
}

// wgGenericImpl is the plain-Go twin of the assembly kernels.
var wgGenericImpl = &wgImpl{name: "generic", in: wgInGeneric, out: wgOutGeneric, gemm: wgGemmGeneric}

// wgImpls lists the implementations this CPU can run, generic first.
var wgImpls = []*wgImpl{wgGenericImpl}

// wgKern is the implementation ConvGemmPacked routes to; nil leaves
// every convolution on the direct path (no AVX-512: the generic twin is
// far slower than the SGEMM kernels).
var wgKern *wgImpl

// wgOff disables the Winograd path; wgForce routes every convolution the
// path can compute to it, ignoring the speed heuristic (tests).
var wgOff, wgForce bool

// wgBlockBytes bounds a block's V and M (36 positions × tiles × (Cin +
// Cout) floats), so both stay in L2 next to the weights' current strip.
var wgBlockBytes = 1 << 20

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

// wgWorth is the speed heuristic (measured with BenchmarkWinograd on a
// Xeon with AVX-512; see the report in the commit): Winograd wins on
// 3x3 layers with enough channels and tiles, and loses on deep layers
// with tiny maps, where its weights (36·Cin·Cout floats, 4x the direct
// method's) are streamed for few tiles.
func wgWorth(m, channels int, g ConvGeom) bool {
	if wgForce {
		return true
	}
	if channels < 32 || m < 32 || m > 256 || channels > 256 {
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
// j*32..j*32+32 is the packed B strip u[ξ*xiS + j*cin*32:], cin × 32,
// zero padded past m.
type wgPacked struct {
	cin, m, mpad int
	u            []float32
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
	p := &wgPacked{cin: cin, m: m, mpad: mpad, u: make([]float32, 36*mpad*cin)}
	xiS := mpad * cin
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
					p.u[(i*6+j)*xiS+o/32*cin*32+c*32+o%32] = float32(u)
				}
			}
		}
	}
	return p
}

// wgGeom is one Winograd convolution's layout.
type wgGeom struct {
	cin, m, mpad       int
	ih, iw, oh, ow, hw int
	pt, pl             int
	ty, tx, tiles      int // tile grid
	ph, pw, plane      int // padded planes: (4ty+2) × (4tx+2)
	tb                 int // tiles per block, a multiple of 16
}

func wgNewGeom(cin, m int, g ConvGeom) wgGeom {
	w := wgGeom{cin: cin, m: m, mpad: (m + 31) / 32 * 32,
		ih: g.In[0], iw: g.In[1], oh: g.Out[0], ow: g.Out[1], pt: g.PadBegin[0], pl: g.PadBegin[1]}
	w.hw = w.oh * w.ow
	w.ty, w.tx = (w.oh+3)/4, (w.ow+3)/4
	w.tiles = w.ty * w.tx
	w.ph, w.pw = 4*w.ty+2, 4*w.tx+2
	w.plane = w.ph * w.pw
	tb := wgBlockBytes / (4 * 36 * (cin + w.mpad)) / 16 * 16
	w.tb = max(16, min(tb, (w.tiles+15)/16*16))
	return w
}

// wgFill copies channel ch of img into its zero-padded plane of q.
func (w *wgGeom) fill(q, img []float32, ch int) {
	src := img[ch*w.ih*w.iw : (ch+1)*w.ih*w.iw]
	dst := q[ch*w.plane : (ch+1)*w.plane]
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
	q   []float32
	job wgJob
	fn  func(i int)
}

// wgScratch is one worker's block buffers, recycled.
type wgScratch struct {
	v, mm, tmp []float32
	idx        [16]int32
	cst        wgConsts
}

var wgBufPool, wgScratchPool sync.Pool

// Kinds of wgJob.
const (
	wgJobFill  = iota + 1 // planes, step channels per chunk
	wgJobItems            // blocks, an even share of items per chunk
)

// wgJob is the state the chunks of one parallel step share; cleared after
// the step so the pool keeps no caller's slices.
type wgJob struct {
	kind    int
	geo     wgGeom
	impl    *wgImpl
	wp      *wgPacked
	img, q  []float32
	c       []float32
	ep      *Epilogue
	n, step int
	groups  int // output channel groups per block
	items   int
}

func (j *wgJob) run(i int) {
	switch j.kind {
	case wgJobFill:
		for ch := i * j.step; ch < min((i+1)*j.step, j.n); ch++ {
			j.geo.fill(j.q, j.img, ch)
		}
	case wgJobItems:
		wgItems(j.impl, &j.geo, j.wp, j.q, j.c, j.ep, j.groups, i*j.items/j.n, (i+1)*j.items/j.n)
	}
}

// wgRun computes C = ep(W ⊛ img) for one image by Winograd; pa is W
// (m × channels*9), C is m × (oh*ow). wgUsable must hold.
func wgRun(impl *wgImpl, threads int, pa *PackedA, img []float32, channels int, g ConvGeom, c []float32, ep *Epilogue) {
	if ep != nil && ep.RowBias == nil && ep.Residual == nil && ep.Act == ActNone && !ep.Post {
		ep = nil
	}
	geo := wgNewGeom(channels, pa.m, g)
	wp := pa.wgPacked(channels)
	b, _ := wgBufPool.Get().(*wgBufs)
	if b == nil {
		b = &wgBufs{}
		b.fn = b.job.run
	}
	defer wgBufPool.Put(b)
	qn := channels * geo.plane
	if cap(b.q) < qn {
		b.q = make([]float32, qn)
	}
	b.q = b.q[:qn]
	if threads < 1 {
		threads = 1
	}
	if threads > 1 && channels > 1 {
		step := (channels + threads - 1) / threads
		b.job = wgJob{kind: wgJobFill, geo: geo, q: b.q, img: img, n: channels, step: step}
		parallel((channels+step-1)/step, b.fn)
		b.job = wgJob{}
	} else {
		for ch := 0; ch < channels; ch++ {
			geo.fill(b.q, img, ch)
		}
	}
	blocks := (geo.tiles + geo.tb - 1) / geo.tb
	groups := 1
	if blocks < threads {
		// Few blocks (small maps): split the output channels too, so each
		// thread streams only its share of the weights.
		groups = min(geo.mpad/32, (threads+blocks-1)/blocks)
	}
	items := blocks * groups
	threads = min(threads, items)
	if threads <= 1 {
		wgItems(impl, &geo, wp, b.q, c, ep, groups, 0, items)
		return
	}
	b.job = wgJob{kind: wgJobItems, geo: geo, impl: impl, wp: wp, q: b.q, c: c, ep: ep, n: threads, groups: groups, items: items}
	parallel(threads, b.fn)
	b.job = wgJob{}
}

// wgItems runs work items [i0, i1): item it is tile block it/groups,
// output channel group it%groups.
func wgItems(impl *wgImpl, geo *wgGeom, wp *wgPacked, q, c []float32, ep *Epilogue, groups, i0, i1 int) {
	s, _ := wgScratchPool.Get().(*wgScratch)
	if s == nil {
		s = &wgScratch{}
	}
	defer wgScratchPool.Put(s)
	if n := 36 * geo.tb * geo.cin; cap(s.v) < n {
		s.v = make([]float32, n)
	}
	if n := 36 * geo.tb * geo.mpad; cap(s.mm) < n {
		s.mm = make([]float32, n)
	}
	if cap(s.tmp) < 40*16 {
		s.tmp = make([]float32, 40*16)
	}
	wgSetConsts(&s.cst, ep, geo.hw)
	strips := geo.mpad / 32
	for it := i0; it < i1; it++ {
		blk, gr := it/groups, it%groups
		j0, j1 := gr*strips/groups, (gr+1)*strips/groups
		wgBlock(impl, s, geo, wp, q, c, ep, blk*geo.tb, min(geo.tiles, (blk+1)*geo.tb), j0, j1)
	}
}

// wgSetConsts fills cst for ep.
func wgSetConsts(cst *wgConsts, ep *Epilogue, hw int) {
	// The assembly applies the clamp and the leaky slope always: make
	// them identities (max(x, -Inf) and min(x, +Inf) keep NaN).
	*cst = wgConsts{lo: float32(math.Inf(-1)), hi: float32(math.Inf(1)), alpha: 1}
	for l := range cst.idx {
		cst.idx[l] = int32(l * hw)
	}
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
		cst.lo, cst.hi = 0, float32(math.Inf(1))
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

// wgBlock computes tiles [t0, t1) for output channel strips [j0, j1).
func wgBlock(impl *wgImpl, s *wgScratch, geo *wgGeom, wp *wgPacked, q, c []float32, ep *Epilogue, t0, t1, j0, j1 int) {
	cin := geo.cin
	nt := t1 - t0
	ntp := (nt + 15) / 16 * 16
	vXi := ntp * cin // V_ξ: ntp/8 strips of cin × 8
	ldm := (j1 - j0) * 32
	mXi := ntp * ldm // M_ξ: ntp × ldm
	v := s.v[:36*vXi]
	mm := s.mm[:36*mXi]
	// Input transform, 16 tiles at a time.
	for g := 0; g < nt; g += 16 {
		for l := range 16 {
			t := t0 + g + l
			if t >= t1 {
				s.idx[l] = 0 // a valid patch whose results are ignored
				continue
			}
			ty, tx := t/geo.tx, t%geo.tx
			s.idx[l] = int32(4*ty*geo.pw + 4*tx)
		}
		impl.in(q, &s.idx, geo.plane, geo.pw, cin, v[g*cin:], vXi, 8*cin, s.tmp)
	}
	// The 36 products, each U strip (cin × 32) reused across the tiles.
	strips := (nt + 7) / 8
	uXi := wp.mpad * cin
	for xi := range 36 {
		vx := v[xi*vXi:]
		mx := mm[xi*mXi:]
		for j := j0; j < j1; j++ {
			u := wp.u[xi*uXi+j*cin*32:]
			for st := 0; st < strips; st++ {
				impl.gemm(cin, vx[st*8*cin:], u, mx[st*8*ldm+(j-j0)*32:], ldm)
			}
		}
	}
	// Output transform and epilogue, one tile (all its channels) at a time.
	o0, o1 := j0*32, min(geo.m, j1*32)
	nv := (o1 - o0) / 16
	var bias, res []float32
	if ep != nil {
		if ep.RowBias != nil {
			bias = ep.RowBias[o0:o1]
		}
		res = ep.Residual
	}
	for t := t0; t < t1; t++ {
		ty, tx := t/geo.tx, t%geo.tx
		off := o0*geo.hw + 4*ty*geo.ow + 4*tx
		var r []float32
		if res != nil {
			r = res[off:]
		}
		impl.out(mm[(t-t0)*ldm:], mXi, nv, c[off:], geo.hw, geo.ow, min(4, geo.oh-4*ty), min(4, geo.ow-4*tx), bias, r, &s.cst, s.tmp)
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

// wgInGeneric is wgImpl.in in Go.
func wgInGeneric(q []float32, idx *[16]int32, plane, pw, cin int, v []float32, xiS, strip int, _ []float32) {
	var d, r [6][6]float32
	for c := 0; c < cin; c++ {
		for l := range 16 {
			p := q[c*plane+int(idx[l]):]
			for y := range 6 {
				row := p[y*pw : y*pw+6]
				r[y][0], r[y][1], r[y][2], r[y][3], r[y][4], r[y][5] = wgIn1(row[0], row[1], row[2], row[3], row[4], row[5])
			}
			for x := range 6 {
				d[0][x], d[1][x], d[2][x], d[3][x], d[4][x], d[5][x] = wgIn1(r[0][x], r[1][x], r[2][x], r[3][x], r[4][x], r[5][x])
			}
			o := (l/8)*strip + c*8 + l%8
			for xi := range 36 {
				v[xi*xiS+o] = d[xi/6][xi%6]
			}
		}
	}
}

// wgOutGeneric is wgImpl.out in Go.
func wgOutGeneric(m []float32, xiS, nv int, out []float32, hw, ow, ny, nx int, bias, res []float32, cst *wgConsts, _ []float32) {
	var r [6][4]float32
	var y [4][4]float32
	for o := 0; o < nv*16; o++ {
		for i := range 6 {
			b := m[i*6*xiS+o:]
			r[i][0], r[i][1], r[i][2], r[i][3] = wgOut1(b[0], b[xiS], b[2*xiS], b[3*xiS], b[4*xiS], b[5*xiS])
		}
		for x := range 4 {
			y[0][x], y[1][x], y[2][x], y[3][x] = wgOut1(r[0][x], r[1][x], r[2][x], r[3][x], r[4][x], r[5][x])
		}
		for dy := 0; dy < ny; dy++ {
			for dx := 0; dx < nx; dx++ {
				at := o*hw + dy*ow + dx
				t := y[dy][dx]
				if cst.flags&wgBias != 0 {
					t += bias[o]
				}
				if cst.flags&wgRes != 0 {
					t += res[at]
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
				out[at] = t
			}
		}
	}
}

// wgGemmGeneric is wgImpl.gemm in Go.
func wgGemmGeneric(k int, a, b, c []float32, ldc int) {
	var acc [8][32]float32
	for p := 0; p < k; p++ {
		ap := a[p*8 : p*8+8]
		bp := b[p*32 : p*32+32]
		for i, av := range ap {
			row := &acc[i]
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
	for i := range 8 {
		copy(c[i*ldc:i*ldc+32], acc[i][:])
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
