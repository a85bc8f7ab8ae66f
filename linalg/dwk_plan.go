package linalg

import (
	"math"
	"sync"
	"unsafe"
)

// Depthwise convolution by stride phases. A plane is copied once into a
// zero-padded scratch whose rows and columns are regrouped by their index
// modulo the stride (sh·sw phase planes, each nrr rows of pw2 columns).
// Output (oy, ox) then reads, for tap t, buf[off[t] + oy·pw2 + ox]: one
// fixed offset per tap and unit stride along the output, whatever the
// stride, dilation or padding. The kernel computes the "virtual" outputs
// i = oy·pw2 + ox for all i < oh·pw2 in one vector loop (the few columns
// ox >= ow of each row are junk and never copied out).

// dwkBlock is the number of virtual outputs every conv kernel call is
// rounded up to (four AVX-512 vectors).
const dwkBlock = 64

// dwkQMaxTaps bounds the taps of the quantized path: every product of
// centred 8-bit values is at most 255², so sums of up to 258 of them are
// integers below 2²⁴ and float32 accumulates them exactly.
const dwkQMaxTaps = 256

// dwkImpl is one set of depthwise kernels.
type dwkImpl struct {
	name string
	// conv sets v[i] = a(bias + Σ_t ws[t]·buf[offs[t]+i]) for i < len(v),
	// a multiple of dwkBlock; buf must hold max(offs)+len(v) values.
	conv func(v, buf []float32, offs []int, ws []float32, bias float32, a dwkAct)
	// even sets dst[j] = src[2j]; len(src) >= 2·len(dst)-1.
	even func(dst, src []float32)
	// loadQ sets dst[i] = float32(int32(src[i]) - zp), src int8 when
	// signed, else uint8.
	loadQ func(dst []float32, src []byte, zp int32, signed bool)
	// requant sets dst[i] to the 8-bit pattern of
	// round(clamp(float32(int32(v[i])+bias)·mult, flo, fhi)) + zp, rounding
	// half to even; v holds integers below 2²⁴.
	requant func(dst []byte, v []float32, bias int32, mult, flo, fhi float32, zp int32, signed bool)

	// Optional whole-plane forms (nil: a Go loop over rows of the row
	// forms above), saving a call per row. Row i of dst starts at i·ds,
	// row i of src at i·ss; rows are n columns wide.
	//
	// copyRows copies rows of src into dst.
	copyRows func(dst []float32, ds int, src []float32, ss, rows, n int)
	// splitRows copies the even columns of each src row into dA and the
	// odd ones into dB (ceil(n/2) and floor(n/2) values).
	splitRows func(dA, dB []float32, ds int, src []float32, ss, rows, n int)
	// requantRows is requant row by row.
	requantRows func(dst []byte, ds int, v []float32, ss, rows, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool)
}

// doCopyRows runs copyRows or its row loop.
func (im *dwkImpl) doCopyRows(dst []float32, ds int, src []float32, ss, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	if im.copyRows != nil {
		im.copyRows(dst, ds, src, ss, rows, n)
		return
	}
	for i := 0; i < rows; i++ {
		copy(dst[i*ds:i*ds+n], src[i*ss:i*ss+n])
	}
}

// doSplitRows runs splitRows or its row loop (src rows may be read past
// n, up to the end of src, by the vector even).
func (im *dwkImpl) doSplitRows(dA, dB []float32, ds int, src []float32, ss, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	if im.splitRows != nil {
		im.splitRows(dA, dB, ds, src, ss, rows, n)
		return
	}
	na, nb := (n+1)/2, n/2
	for i := 0; i < rows; i++ {
		r := src[i*ss:]
		im.even(dA[i*ds:i*ds+na], r)
		if nb > 0 {
			im.even(dB[i*ds:i*ds+nb], r[1:])
		}
	}
}

// doRequantRows runs requantRows or its row loop.
func (im *dwkImpl) doRequantRows(dst []byte, ds int, v []float32, ss, rows, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool) {
	if rows <= 0 || n <= 0 {
		return
	}
	if im.requantRows != nil {
		im.requantRows(dst, ds, v, ss, rows, n, bias, mult, flo, fhi, zp, signed)
		return
	}
	for i := 0; i < rows; i++ {
		im.requant(dst[i*ds:i*ds+n], v[i*ss:i*ss+n], bias, mult, flo, fhi, zp, signed)
	}
}

// dwkAct is the activation the conv kernel applies in registers:
// x = min(max(x, lo), hi), then, when hs is set, HardSwish
// x·min(max(x·(1/6) + 1/2, 0), 1). NaN propagates.
type dwkAct struct {
	lo, hi float32
	hs     bool
}

// dwkSixth is HardSwish's slope; multiplying by it (rather than dividing
// by 6) keeps the kernels free of divisions.
const dwkSixth = float32(1.0 / 6)

// dwkNoAct is the identity.
var dwkNoAct = dwkAct{lo: float32(math.Inf(-1)), hi: float32(math.Inf(1))}

// dwkActOf splits ep's activation into what the kernel applies and what
// is left for a pass over each output row while it is in cache (ActNone:
// nothing).
func dwkActOf(ep *Epilogue) (dwkAct, Activation) {
	a := dwkNoAct
	if ep == nil {
		return a, ActNone
	}
	switch ep.Act {
	case ActNone:
	case ActRelu:
		a.lo = 0
	case ActClip:
		a.lo, a.hi = ep.Min, ep.Max
	case ActHardSwish:
		a.hs = true
	default:
		return a, ep.Act
	}
	return a, ActNone
}

// dwkGeneric holds the plain-Go twins.
var dwkGeneric = &dwkImpl{
	name: "generic", conv: dwkConvGeneric, even: dwkEvenGeneric,
	loadQ: dwkLoadQGeneric, requant: dwkRequantGeneric,
}

// dwkImpls lists every implementation this CPU can run, generic first;
// dwk is the one in use (the last registered).
var (
	dwkImpls = []*dwkImpl{dwkGeneric}
	dwk      = dwkGeneric
)

// dwkUse registers impl and makes it the active one.
func dwkUse(impl *dwkImpl) {
	dwkImpls = append(dwkImpls, impl)
	dwk = impl
}

// dwkPlan is the phase layout of one plane geometry. The plane runs in
// bands of output rows; each band's input rows are copied into the same
// band-sized buffer (rows shared by two bands are copied twice), so the
// scratch stays in cache whatever the plane size.
type dwkPlan struct {
	ih, iw, oh, ow int
	sh, sw, pt, pl int
	needH, needW   int // padded extent actually read
	nrr, pw2       int // rows and columns of one phase plane (one band)
	plane          int // nrr·pw2
	n              int // virtual outputs of a full band, rounded up to dwkBlock
	kext           int // rows one output reads: (kh-1)·dh + 1
	cols           int // input columns read
	rowsIn         int // most input rows one band reads
	offs           []int
	ws             []float32
	steps          []dwkStep   // the bands of stream
	ops            []dwkFillOp // fill calls of all steps
	clr            [][2]int    // buf ranges [a, b) of padding rows, per step
}

// dwkStep is one band of stream: output rows [oa, ob) from input rows
// [fa, fb), copied by ops[o0:o1] after clearing the padding rows
// clr[c0:c1].
type dwkStep struct{ oa, ob, fa, fb, o0, o1, c0, c1 int }

// dwkFillOp copies nr input rows from src offset so (row stride sh·iw)
// to buf offsets da (and db, the odd columns, for stride 2), row stride
// pw2.
type dwkFillOp struct{ so, nr, da, db int }

// dwkScratch is one goroutine's buffers.
type dwkScratch struct {
	p      dwkPlan
	buf, v []float32 // phase planes of a band; its virtual outputs
	tmp    []float32 // a band's input rows as float32 (quantized path)
	wf     []float32 // quantized weights as float32
	offs   []int
	steps  []dwkStep
	ops    []dwkFillOp
	clr    [][2]int
	// key is the geometry buf was last laid out for: its column padding
	// is still zero then (fill writes only the image columns).
	key [12]int
}

// dwkFree holds idle scratches. Not a sync.Pool: a GC empties pools and
// the next run would allocate again; band-sized scratches are small, and
// there are at most as many as goroutines ever ran depthwise kernels at
// once.
var dwkFree struct {
	sync.Mutex
	s []*dwkScratch
}

func dwkGetScratch() *dwkScratch {
	dwkFree.Lock()
	defer dwkFree.Unlock()
	if n := len(dwkFree.s); n > 0 {
		s := dwkFree.s[n-1]
		dwkFree.s = dwkFree.s[:n-1]
		return s
	}
	return &dwkScratch{}
}

func dwkPutScratch(s *dwkScratch) {
	dwkFree.Lock()
	dwkFree.s = append(dwkFree.s, s)
	dwkFree.Unlock()
}

// dwkGrow returns s resliced to n elements, reallocated if too short.
func dwkGrow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// dwkBand is about the number of padded input values one band reads
// (sh·sw per virtual output): with the band's source rows and outputs
// that is ~30 KiB, in L1 (measured on MobileNetV2 and PP-OCR planes:
// 2048-4096 are alike, whole planes are up to 1.6x slower on stride 2).
// A large plane also stays preemptible between bands.
const dwkBand = 48 * dwkBlock

// plan lays out geometry g with weights w in s and sizes the buffers;
// the caller then runs stream.
func (s *dwkScratch) plan(g ConvGeom, w []float32) *dwkPlan {
	p := &s.p
	kh, kw := g.Kernel[0], g.Kernel[1]
	dh, dw := g.Dilation[0], g.Dilation[1]
	key := [12]int{g.In[0], g.In[1], g.Out[0], g.Out[1], kh, kw, g.Stride[0], g.Stride[1], dh, dw, g.PadBegin[0], g.PadBegin[1]}
	if key == s.key {
		// Same layout as the previous plane: offsets and schedule hold,
		// and the column padding in buf is still zero.
		p.ws = w[:kh*kw]
		return p
	}
	*p = dwkPlan{ih: g.In[0], iw: g.In[1], oh: g.Out[0], ow: g.Out[1],
		sh: g.Stride[0], sw: g.Stride[1], pt: g.PadBegin[0], pl: g.PadBegin[1]}
	p.needH = (p.oh-1)*p.sh + (kh-1)*dh + 1
	p.needW = (p.ow-1)*p.sw + (kw-1)*dw + 1
	p.kext = (kh-1)*dh + 1
	p.pw2 = (p.needW + p.sw - 1) / p.sw
	// Output rows per band, and the padded rows they read.
	rows := min(p.oh, max(1, dwkBand/(p.pw2*p.sh*p.sw)))
	p.rowsIn = (rows-1)*p.sh + p.kext
	p.nrr = (p.rowsIn + p.sh - 1) / p.sh
	p.plane = p.nrr * p.pw2
	p.n = (rows*p.pw2 + dwkBlock - 1) / dwkBlock * dwkBlock
	// off = rowOff(ky·dh) + colOff(kx·dw): divisions per kernel row and
	// column, not per tap.
	s.offs = dwkGrow(s.offs, kh*kw)
	maxCol := 0
	for kx := 0; kx < kw; kx++ {
		cx := kx * dw
		s.offs[kx] = (cx%p.sw)*p.plane + cx/p.sw
		maxCol = max(maxCol, s.offs[kx])
	}
	maxOff := 0
	for ky := kh - 1; ky >= 0; ky-- {
		ry := ky * dh
		ro := (ry%p.sh)*p.sw*p.plane + (ry/p.sh)*p.pw2
		for kx := 0; kx < kw; kx++ {
			s.offs[ky*kw+kx] = ro + s.offs[kx]
		}
		maxOff = max(maxOff, ro+maxCol)
	}
	p.offs = s.offs
	p.ws = w[:kh*kw]
	p.cols = min(p.iw, p.needW-p.pl)
	s.steps, s.ops, s.clr = p.schedule(rows, s.steps[:0], s.ops[:0], s.clr[:0])
	p.steps, p.ops, p.clr = s.steps, s.ops, s.clr
	s.v = dwkGrow(s.v, p.n)
	s.buf = dwkGrow(s.buf, max(p.sh*p.sw*p.plane, maxOff+p.n))
	clear(s.buf)
	s.key = key
	return p
}

// rowBase is the offset in buf of column phase 0 of band row r.
func (p *dwkPlan) rowBase(r int) int {
	return (r%p.sh)*p.sw*p.plane + (r/p.sh)*p.pw2
}

// schedule appends the bands of stream (rows output rows each) with their
// fill calls and padding rows: all the index arithmetic, divisions
// included, is done once per layout.
func (p *dwkPlan) schedule(rows int, steps []dwkStep, ops []dwkFillOp, clr [][2]int) ([]dwkStep, []dwkFillOp, [][2]int) {
	for oa := 0; oa < p.oh; oa += rows {
		st := dwkStep{oa: oa, ob: min(oa+rows, p.oh)}
		// Padded rows [ra, rb) of the band land at band rows r-ra (ra is
		// a multiple of sh, so phases are kept).
		ra := oa * p.sh
		rb := min(p.needH, (st.ob-1)*p.sh+p.kext)
		st.fa = min(max(ra-p.pt, 0), p.ih)
		st.fb = max(st.fa, min(rb-p.pt, p.ih))
		st.c0 = len(clr)
		for r := ra; r < rb; r++ {
			if iy := r - p.pt; iy < 0 || iy >= p.ih {
				o := p.rowBase(r - ra)
				for ph := 0; ph < p.sw; ph++ {
					clr = append(clr, [2]int{o + ph*p.plane, o + ph*p.plane + p.pw2})
				}
			}
		}
		st.c1 = len(clr)
		st.o0 = len(ops)
		if p.cols > 0 {
			ops = p.fillOps(ops, st.fa, st.fb, ra)
		}
		st.o1 = len(ops)
		steps = append(steps, st)
	}
	if len(steps) == 1 {
		// One band: nothing but padding is ever written to the padding
		// rows, and plan cleared buf.
		steps[0].c0, steps[0].c1 = 0, 0
		clr = clr[:0]
	}
	return steps, ops, clr
}

// fillOps appends the calls that copy input rows [a, b) into a band
// starting at padded row ra: rows with the same (iy+pt) mod sh land pw2
// apart in one phase plane, so one call per row phase.
func (p *dwkPlan) fillOps(ops []dwkFillOp, a, b, ra int) []dwkFillOp {
	for iy0 := a; iy0 < min(a+p.sh, b); iy0++ {
		op := dwkFillOp{so: iy0 * p.iw, nr: (b - iy0 + p.sh - 1) / p.sh}
		o := p.rowBase(iy0 + p.pt - ra)
		switch p.sw {
		case 1:
			op.da = o + p.pl
		case 2:
			// Input column x lands at padded column x+pl: phase
			// (x+pl)%2, index (x+pl)/2.
			op.da = o + (p.pl%2)*p.plane + p.pl/2
			op.db = o + ((p.pl+1)%2)*p.plane + (p.pl+1)/2
		default:
			op.da = o
		}
		ops = append(ops, op)
	}
	return ops
}

// fill runs fill calls on src, which holds the input rows from element
// sbase on (row-major, iw wide; rows may be read a vector past their end,
// up to the end of src).
func (p *dwkPlan) fill(buf, src []float32, ops []dwkFillOp, sbase int) {
	ss := p.sh * p.iw
	for _, op := range ops {
		sr := src[op.so-sbase:]
		switch p.sw {
		case 1:
			dwk.doCopyRows(buf[op.da:], p.pw2, sr, ss, op.nr, p.cols)
		case 2:
			dwk.doSplitRows(buf[op.da:], buf[op.db:], p.pw2, sr, ss, op.nr, p.cols)
		default:
			for i := 0; i < op.nr; i++ {
				for x, e := range sr[i*ss : i*ss+p.cols] {
					c := x + p.pl
					buf[op.da+i*p.pw2+(c%p.sw)*p.plane+c/p.sw] = e
				}
			}
		}
	}
}

// stream computes the plane band by band (the schedule of plan). For each
// band it clears its padding rows, calls fill(a, b, ops) to bring input
// rows [a, b) into buf (p.fill does it from a float32 plane), runs the
// kernel and calls out(v, oa, ob) with output rows [oa, ob) in v (row oy
// at (oy-oa)·pw2). Junk lanes (columns ow..pw2 and the rounding to whole
// blocks) may read stale rows; they are never handed out.
func (p *dwkPlan) stream(s *dwkScratch, bias float32, a dwkAct, fill func(a, b int, ops []dwkFillOp), out func(v []float32, oa, ob int)) {
	for i := range p.steps {
		st := &p.steps[i]
		for _, c := range p.clr[st.c0:st.c1] {
			clear(s.buf[c[0]:c[1]])
		}
		if st.fb > st.fa {
			fill(st.fa, st.fb, p.ops[st.o0:st.o1])
		}
		nv := ((st.ob-st.oa)*p.pw2 + dwkBlock - 1) / dwkBlock * dwkBlock
		v := s.v[:nv]
		dwk.conv(v, s.buf, p.offs, p.ws, bias, a)
		out(v, st.oa, st.ob)
	}
}

// DepthwiseConv2DQ computes one channel plane of a quantized depthwise
// convolution (QLinearConv with group == channels), bit-identical to
// int32 accumulation followed by per-tensor float32 requantization:
//
//	acc[oy][ox] = bias + Σ_{ky,kx} w[ky*KW+kx]·(src[iy][ix] - xZ)
//	dst[oy][ox] = saturate(roundHalfEven(float32(acc)·mult) + yZ)
//
// with w already centred on its zero point and taps outside the image
// adding nothing. The taps accumulate in float32, which is exact for
// 8-bit operands and at most 256 taps; it returns false, writing
// nothing, when that does not hold or mult is not a finite value >= 0,
// so the caller can use an integer path instead.
func DepthwiseConv2DQ[TX, TY QInt](dst []TY, src []TX, xZ int32, w []int32, bias int32, mult float32, yZ int32, g ConvGeom) bool {
	return DepthwiseConv2DQPlanes(dst, src, xZ, w, []int32{bias}, []float32{mult}, yZ, 1, g)
}

// DepthwiseConv2DQPlanes runs DepthwiseConv2DQ on n consecutive planes
// (as DepthwiseConv2DPlanes), plane c with weights w[c·kk:(c+1)·kk],
// bias[c] (bias nil: 0) and multiplier mult[c]. It returns false, writing
// nothing, when any plane cannot be exact.
func DepthwiseConv2DQPlanes[TX, TY QInt](dst []TY, src []TX, xZ int32, w []int32, bias []int32, mult []float32, yZ int32, n int, g ConvGeom) bool {
	kk := g.Kernel[0] * g.Kernel[1]
	if kk > dwkQMaxTaps || !dwkRegular(g) {
		return false
	}
	if n <= 0 {
		return true
	}
	for _, m := range mult[:n] {
		if !(m >= 0 && m <= math.MaxFloat32) {
			return false
		}
	}
	ih, iw := g.In[0], g.In[1]
	oh, ow := g.Out[0], g.Out[1]
	if oh <= 0 || ow <= 0 {
		return true
	}
	in, on := ih*iw, oh*ow
	dst, src, w = dst[:n*on], src[:n*in], w[:n*kk]
	if bias != nil {
		bias = bias[:n]
	}
	xlo, _ := QRange[TX]()
	ylo, yhi := QRange[TY]()
	flo, fhi := float32(ylo-yZ), float32(yhi-yZ)
	s := dwkGetScratch()
	defer dwkPutScratch(s)
	s.wf = dwkGrow(s.wf, kk)
	// A band's input rows become centred float32 in tmp, with spare
	// values so the stride-2 row split may read a vector past the last
	// row.
	p := s.plan(g, s.wf) // p.ws is s.wf, refilled per plane
	s.tmp = dwkGrow(s.tmp, p.rowsIn*iw+32)
	for c := 0; c < n; c++ {
		for i, e := range w[c*kk : (c+1)*kk] {
			s.wf[i] = float32(e)
		}
		var bv int32
		if bias != nil {
			bv = bias[c]
		}
		m := mult[c]
		sb := dwkBytes(src[c*in : (c+1)*in])
		db := dwkBytes(dst[c*on : (c+1)*on])
		p.stream(s, 0, dwkNoAct, func(a, b int, ops []dwkFillOp) {
			dwk.loadQ(s.tmp[:(b-a)*iw], sb[a*iw:b*iw], xZ, xlo < 0)
			p.fill(s.buf, s.tmp, ops, a*iw)
		}, func(v []float32, oa, ob int) {
			dwk.doRequantRows(db[oa*ow:], ow, v, p.pw2, ob-oa, ow, bv, m, flo, fhi, yZ, ylo < 0)
		})
	}
	return true
}

// dwkRegular reports a geometry the phase layout covers: padding >= 0,
// strides and dilations >= 1 (what ONNX allows; anything else takes the
// direct loop).
func dwkRegular(g ConvGeom) bool {
	for d := 0; d < 2; d++ {
		if g.PadBegin[d] < 0 || g.Stride[d] < 1 || g.Dilation[d] < 1 || g.Kernel[d] < 1 {
			return false
		}
	}
	return true
}

// dwkDirect is the definition of DepthwiseConv2DPlanes on one plane with
// a bounds test per tap, for geometries dwkRegular rejects.
func dwkDirect(dst, src, w []float32, bias float32, g ConvGeom, a dwkAct) {
	for oy := 0; oy < g.Out[0]; oy++ {
		for ox := 0; ox < g.Out[1]; ox++ {
			s := bias
			for ky := 0; ky < g.Kernel[0]; ky++ {
				iy := oy*g.Stride[0] - g.PadBegin[0] + ky*g.Dilation[0]
				if iy < 0 || iy >= g.In[0] {
					continue
				}
				for kx := 0; kx < g.Kernel[1]; kx++ {
					if ix := ox*g.Stride[1] - g.PadBegin[1] + kx*g.Dilation[1]; ix >= 0 && ix < g.In[1] {
						s += w[ky*g.Kernel[1]+kx] * src[iy*g.In[1]+ix]
					}
				}
			}
			dst[oy*g.Out[1]+ox] = a.apply(s)
		}
	}
}

// dwkBytes views 8-bit values as bytes.
func dwkBytes[T QInt](s []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// apply is a on one value.
func (a dwkAct) apply(x float32) float32 {
	x = min(max(x, a.lo), a.hi)
	if a.hs {
		x *= min(max(x*dwkSixth+0.5, 0), 1)
	}
	return x
}

func dwkConvGeneric(v, buf []float32, offs []int, ws []float32, bias float32, a dwkAct) {
	ws = ws[:len(offs)]
	for i0 := 0; i0+dwkBlock <= len(v); i0 += dwkBlock {
		blk := v[i0 : i0+dwkBlock : i0+dwkBlock]
		for i := range blk {
			blk[i] = bias
		}
		for t, off := range offs {
			x := buf[i0+off : i0+off+dwkBlock : i0+off+dwkBlock]
			wt := ws[t]
			for i := range blk {
				blk[i] += wt * x[i]
			}
		}
		for i, e := range blk {
			blk[i] = a.apply(e)
		}
	}
}

func dwkEvenGeneric(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	src = src[:2*len(dst)-1]
	for j := range dst {
		dst[j] = src[2*j]
	}
}

func dwkLoadQGeneric(dst []float32, src []byte, zp int32, signed bool) {
	src = src[:len(dst)]
	if signed {
		for i, e := range src {
			dst[i] = float32(int32(int8(e)) - zp)
		}
		return
	}
	for i, e := range src {
		dst[i] = float32(int32(e) - zp)
	}
}

func dwkRequantGeneric(dst []byte, v []float32, bias int32, mult, flo, fhi float32, zp int32, signed bool) {
	dst = dst[:len(v)]
	for i, e := range v {
		f := min(max(float32(int32(e)+bias)*mult, flo), fhi)
		dst[i] = byte(dwkRound(f) + zp)
	}
}

// dwkRound rounds |f| <= 2²² to the nearest integer, ties to even, like
// cvtps2dq: adding 1.5·2²³ leaves the integer in the low mantissa bits.
func dwkRound(f float32) int32 {
	const magic = 12582912 // 1.5·2²³
	return int32(math.Float32bits(f+magic)) - int32(math.Float32bits(magic))
}
