package linalg

import (
	"math"
	"sync"
	"unsafe"
)

// A convolution followed by a max pooling (ResNet's stem: a 7x7/2
// convolution to 64 × 112 × 112, then a 3x3/2 pool) computed in bands of
// output rows: each band of convolution rows stays in L2 and is pooled at
// once, so the 3.2 MB convolution output is never written to memory and
// read back.

// MaxPoolGeom is a 2-D max pooling window (no dilation) over a
// convolution's output: Out[0] × Out[1] outputs, window Kernel, Stride,
// and the top and left padding PadBegin (the bottom and right padding are
// implied by Out: windows are clipped to the input).
type MaxPoolGeom struct {
	Kernel, Stride, PadBegin, Out [2]int
}

// r18sBandBytes bounds one band of convolution rows (all channels): the
// band plus the convolution's working set stay within L2.
var r18sBandBytes = 384 << 10

// r18sBand is one worker's band buffer and pooling rows, recycled.
type r18sBand struct {
	buf, vm []float32
}

var r18sBandPool sync.Pool

// ConvMaxPoolPacked computes, for one image,
//
//	y = MaxPool(ep(W · Im2col(img, channels, g)), p)
//
// with W packed by PackA (pw.Rows() output channels). y is
// pw.Rows() × p.Out[0] × p.Out[1] (overwritten). It reports false, having
// written nothing, when it has no fused kernel for the operands (the
// platform's tiles, the channel count or an epilogue they cannot run, a
// residual): the caller then runs the convolution and the pool apart.
func ConvMaxPoolPacked(threads int, pw *PackedA, img []float32, channels int, g ConvGeom, ep *Epilogue, p MaxPoolGeom, y []float32) bool {
	tab := ciKerns
	if convIndOff || len(g.In) != 2 || pw.impl.kernelInd == nil || !ciUsable(tab, pw.m, ep) || ep != nil && ep.Residual != nil {
		return false
	}
	for d := range 2 {
		if p.Kernel[d] < 1 || p.Stride[d] < 1 || p.PadBegin[d] < 0 || p.Out[d] < 1 || p.PadBegin[d] >= p.Kernel[d] {
			return false
		}
	}
	geo := newConvIndGeom(g)
	m, k := pw.m, pw.k
	if k != channels*geo.kh*geo.kw {
		panic("linalg: ConvMaxPoolPacked weights do not fit the geometry")
	}
	if ep != nil && ep.RowBias != nil && len(ep.RowBias) < m {
		panic("linalg: ConvMaxPoolPacked bias shorter than the output channels")
	}
	_ = img[channels*geo.ih*geo.iw-1]
	_ = y[m*p.Out[0]*p.Out[1]-1]
	if ep != nil && ep.RowBias == nil && ep.Act == ActNone && !ep.Post && ep.ColBias == nil {
		ep = nil
	}
	if m%64 == 0 && r18sCiS2 != nil && !r18sS2Off && r18sS2Layout(&geo) {
		tab = r18sCiS2
	}
	bufs := convIndGet(channels*geo.chanLen+geo.pw+16, k)
	defer convIndPool.Put(bufs)
	q := bufs.q
	if work := m * geo.oh * geo.ow * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	threads = min(threads, p.Out[0])
	bufs.r18sFill(threads, &geo, img, channels)
	cp := pw.ciPacked()
	if threads <= 1 {
		r18sRows(tab, m, k, cp, q, bufs.offs, &geo, ep, &p, y, 0, p.Out[0])
		return true
	}
	bufs.job = r18Job{kind: r18sConvPool, geo: geo, q: q, offs: bufs.offs, c: y, m: m, k: k, ep: ep, tab: tab, cp: cp, pool: p, n: threads}
	bufs.r18Parallel(threads)
	return true
}

// r18sChannelsLast enables the channels-last bands (tests and
// benchmarks compare).
var r18sChannelsLast = true

// r18sRows computes pooled rows [py0, py1) of ConvMaxPoolPacked, on
// channels-last bands when the pool is 3 wide with stride 2 (the stem's),
// else on channel-major ones.
func r18sRows(tab *ciTable, m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, ep *Epilogue, p *MaxPoolGeom, y []float32, py0, py1 int) {
	if r18sChannelsLast && p.Kernel[0] == 3 && p.Kernel[1] == 3 && p.Stride[1] == 2 && p.PadBegin[1] <= 1 && 2*p.Out[1]-p.PadBegin[1] <= geo.ow {
		r18sPoolRowsT(tab, m, k, cp, q, offs, geo, ep, p, y, py0, py1)
		return
	}
	r18sPoolRows(tab, m, k, cp, q, offs, geo, ep, p, y, py0, py1)
}

// r18sPoolRows computes pooled rows [py0, py1) of ConvMaxPoolPacked, band
// by band; rows a band shares with the next are kept, not recomputed.
func r18sPoolRows(tab *ciTable, m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, ep *Epilogue, p *MaxPoolGeom, y []float32, py0, py1 int) {
	oh, ow := geo.oh, geo.ow
	kh, sh, pt := p.Kernel[0], p.Stride[0], p.PadBegin[0]
	// Pooled rows per band: their convolution rows fit r18sBandBytes.
	rowBytes := 4 * m * ow
	bandP := max(1, (r18sBandBytes/rowBytes-kh)/sh+1)
	capRows := (bandP-1)*sh + kh
	hw := capRows * ow
	bd, _ := r18sBandPool.Get().(*r18sBand)
	if bd == nil {
		bd = &r18sBand{}
	}
	defer r18sBandPool.Put(bd)
	if cap(bd.buf) < m*hw {
		bd.buf = make([]float32, m*hw)
	}
	if cap(bd.vm) < 2*ow {
		bd.vm = make([]float32, 2*ow)
	}
	buf, vm, hm := bd.buf[:m*hw], bd.vm[:ow], bd.vm[ow:2*ow]
	s := ciGetScratch()
	defer ciScratchPool.Put(s)
	tpr := (ow + ciMaxP - 1) / ciMaxP
	rowsPer := max(1, ciChunk/tpr)
	if n := rowsPer * tpr * ciMaxP * 64; cap(s.acc) < n {
		s.acc = make([]float32, n)
	}
	fl, _ := ciFlags(ep, &s.cst)
	ohp, owp := p.Out[0], p.Out[1]
	// The band holds convolution rows [r0, r1) from buf's row 0.
	r0, r1 := 0, 0
	for a := py0; a < py1; a += bandP {
		b := min(py1, a+bandP)
		lo := min(oh, max(0, a*sh-pt))
		hi := max(lo, min(oh, (b-1)*sh-pt+kh))
		keep := 0
		if lo >= r0 && lo < r1 {
			// Rows the last band computed: move them to the front.
			keep = r1 - lo
			if lo > r0 {
				for o := 0; o < m; o++ {
					copy(buf[o*hw:o*hw+keep*ow], buf[o*hw+(lo-r0)*ow:o*hw+(r1-r0)*ow])
				}
			}
		}
		r0, r1 = lo, hi
		for oc0 := 0; oc0 < m; oc0 += 64 {
			for oy := lo + keep; oy < hi; oy += rowsPer {
				ciItem(tab, s, fl, m, k, cp, q, offs, geo, buf, hw, lo, ep, oc0, oy, min(hi, oy+rowsPer), tpr)
			}
		}
		for o := 0; o < m; o++ {
			r18sPoolBand(y[o*ohp*owp:(o+1)*ohp*owp], buf[o*hw:o*hw+(hi-lo)*ow], vm, hm, p, oh, ow, lo, a, b)
		}
	}
}

// r18sPoolBand writes pooled rows [a, b) of one channel (owp values each,
// from y[py*owp]) from that channel's convolution rows [lo, lo+len/ow) in
// band (ow values each), which hold every row those windows read; vm and
// hm are rows of scratch.
func r18sPoolBand(y, band, vm, hm []float32, p *MaxPoolGeom, oh, ow, lo, a, b int) {
	kh, kw := p.Kernel[0], p.Kernel[1]
	sh, sw := p.Stride[0], p.Stride[1]
	pt, pl := p.PadBegin[0], p.PadBegin[1]
	owp := p.Out[1]
	// Columns [ox0, ox1) have their whole window inside the row.
	ox0 := min(owp, (pl+sw-1)/sw)
	ox1 := ox0
	if ow-kw+pl >= 0 {
		ox1 = max(ox0, min(owp, (ow-kw+pl)/sw+1))
	}
	for py := a; py < b; py++ {
		yr := y[py*owp : (py+1)*owp]
		iy0, iy1 := max(0, py*sh-pt), min(oh, py*sh-pt+kh)
		if iy0 >= iy1 { // window entirely in padding
			for i := range yr {
				yr[i] = float32(math.Inf(-1))
			}
			continue
		}
		row := func(iy int) []float32 { return band[(iy-lo)*ow : (iy-lo+1)*ow] }
		if kh == 3 && kw == 3 && sw == 2 {
			// ResNet's stem pool: one fused pass over three rows (a
			// clipped window repeats a row, which leaves the maximum).
			r0, r1, r2 := row(iy0), row(min(iy0+1, iy1-1)), row(iy1-1)
			if ox1 > ox0 {
				c0 := ox0*2 - pl
				MaxPoolRow3S2(yr[ox0:ox1], r0[c0:], r1[c0:], r2[c0:])
			}
			r18sEdges3(yr, r0, r1, r2, 0, ox0, pl)
			r18sEdges3(yr, r0, r1, r2, ox1, owp, pl)
			continue
		}
		copy(vm, row(iy0))
		for iy := iy0 + 1; iy < iy1; iy++ {
			MaxFloat32s(vm, vm, row(iy))
		}
		lo, hi := owp, owp // columns left to the scalar loop: [0, lo), [hi, owp)
		if kw > 1 && ox1-ox0 > 8 {
			// Window maxima at every column with SIMD, then every
			// sw-th one.
			c0, n := ox0*sw-pl, (ox1-1-ox0)*sw+1
			h := hm[:n]
			MaxFloat32s(h, vm[c0:], vm[c0+1:])
			for k := 2; k < kw; k++ {
				MaxFloat32s(h, h, vm[c0+k:])
			}
			for ox := ox0; ox < ox1; ox++ {
				yr[ox] = h[(ox-ox0)*sw]
			}
			lo, hi = ox0, ox1
		}
		for ox := 0; ox < owp; ox++ {
			if ox == lo {
				if ox = hi; ox >= owp {
					break
				}
			}
			c0, c1 := max(0, ox*sw-pl), min(ow, ox*sw-pl+kw)
			v := float32(math.Inf(-1))
			for _, x := range vm[c0:max(c0, c1)] {
				v = max(v, x)
			}
			yr[ox] = v
		}
	}
}

// r18sEdges3 sets output columns [lo, hi) of a 3-wide, stride-2 pool row
// from its three input rows, clipping each window to the row.
func r18sEdges3(yr, r0, r1, r2 []float32, lo, hi, pl int) {
	iw := len(r0)
	r1, r2 = r1[:iw], r2[:iw]
	for ox := lo; ox < hi; ox++ {
		a, b := max(0, ox*2-pl), min(iw, ox*2-pl+3)
		v := float32(math.Inf(-1))
		for c := a; c < b; c++ {
			v = max(v, r0[c], r1[c], r2[c])
		}
		yr[ox] = v
	}
}

// r18sZeros is the bias of an epilogue without one.
var r18sZeros [64]float32

// r18sPoolRowsT is r18sPoolRows for a 3-wide, stride-2 pool on
// channels-last bands: per 64-channel block, each band row is ow+2 pixel
// slots of nw channels, slot 0 and ow+1 -Inf (the pool's padding), slot
// 1+x convolution column x. The tiles store their accumulators straight
// into the slots (no transpose, no epilogue); the pool adds the bias and
// clamps after the maximum, which commutes with them (both monotone).
func r18sPoolRowsT(tab *ciTable, m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, ep *Epilogue, p *MaxPoolGeom, y []float32, py0, py1 int) {
	oh, ow := geo.oh, geo.ow
	kh, sh, pt, pl := p.Kernel[0], p.Stride[0], p.PadBegin[0], p.PadBegin[1]
	slots := ow + 2
	rowBytes := 4 * m * slots
	bandP := max(1, (r18sBandBytes/rowBytes-kh)/sh+1)
	capRows := (bandP-1)*sh + kh
	blk := capRows * slots * 64 // one 64-channel block's band
	obs := (m + 63) / 64
	bd, _ := r18sBandPool.Get().(*r18sBand)
	if bd == nil {
		bd = &r18sBand{}
	}
	defer r18sBandPool.Put(bd)
	if cap(bd.buf) < obs*blk {
		bd.buf = make([]float32, obs*blk)
	}
	buf := bd.buf[:obs*blk]
	s := ciGetScratch()
	defer ciScratchPool.Put(s)
	tpr := (ow + ciMaxP - 1) / ciMaxP
	rowsPer := max(1, ciChunk/tpr)
	ciFlags(ep, &s.cst)
	lo, hi := math.Float32frombits(uint32(s.cst.v[16])), math.Float32frombits(uint32(s.cst.v[17]))
	var bias []float32
	if ep != nil && ep.RowBias != nil {
		bias = ep.RowBias[:m]
	}
	ohp, owp := p.Out[0], p.Out[1]
	ninf := float32(math.Inf(-1))
	r0, r1 := 0, 0
	for a := py0; a < py1; a += bandP {
		b := min(py1, a+bandP)
		lo0 := min(oh, max(0, a*sh-pt))
		hi0 := max(lo0, min(oh, (b-1)*sh-pt+kh))
		keep := 0
		if lo0 >= r0 && lo0 < r1 {
			keep = r1 - lo0
		}
		for ob := range obs {
			nw := min(64, m-ob*64)
			bb := buf[ob*blk : ob*blk+capRows*slots*nw]
			rl := slots * nw
			if keep > 0 && lo0 > r0 {
				copy(bb[:keep*rl], bb[(lo0-r0)*rl:(r1-r0)*rl])
			}
			for r := keep; r < hi0-lo0; r++ {
				row := bb[r*rl : (r+1)*rl]
				for i := range nw {
					row[i], row[(ow+1)*nw+i] = ninf, ninf
				}
			}
			for oy := lo0 + keep; oy < hi0; oy += rowsPer {
				r18sItemT(tab, s, m, k, cp, q, offs, geo, bb, lo0, ob*64, oy, min(hi0, oy+rowsPer), tpr)
			}
			bv := r18sZeros[:nw]
			if bias != nil {
				bv = bias[ob*64 : ob*64+nw]
			}
			for py := a; py < b; py++ {
				iy0, iy1 := max(0, py*sh-pt), min(oh, py*sh-pt+kh)
				yo := y[ob*64*ohp*owp+py*owp:]
				if iy0 >= iy1 { // window entirely in padding
					for o := range nw {
						for i := range owp {
							yo[o*ohp*owp+i] = ninf
						}
					}
					continue
				}
				row := func(iy int) []float32 { return bb[(iy-lo0)*rl+(1-pl)*nw : (iy-lo0+1)*rl] }
				r18sPoolT(yo, ohp*owp, row(iy0), row(min(iy0+1, iy1-1)), row(iy1-1), nw, owp, nw, bv, lo, hi)
			}
		}
		r0, r1 = lo0, hi0
	}
}

// r18sItemT is ciItem storing into a channels-last band (r18sPoolRowsT)
// whose row 0 is output row row0: output channels oc0..oc0+64 (fewer at
// the end), output rows oy0..oy1, no epilogue.
func r18sItemT(tab *ciTable, s *ciScratch, m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, band []float32, row0, oc0, oy0, oy1, tpr int) {
	nw := min(64, m-oc0)
	nb := nw / 16
	slots := geo.ow + 2
	s.tiles = s.tiles[:0]
	base, extra := geo.ow/tpr, geo.ow%tpr
	for oy := oy0; oy < oy1; oy++ {
		ox := 0
		for t := 0; t < tpr; t++ {
			p := base
			if t < extra {
				p++
			}
			s.tiles = append(s.tiles, ciTile{qoff: geo.ciQoff(oy, ox), dst: ((oy-row0)*slots + 1 + ox) * nw, p: p})
			ox += p
		}
	}
	cst := &s.cst.v[0]
	w := cp.data[oc0*k : oc0*k+k*nw]
	kb := (k + ciKC - 1) / ciKC
	if k <= ciKC+ciKC/8 {
		kb = 1
	}
	kcb := (k + kb - 1) / kb
	_ = band[(oy1-row0)*slots*nw-1]
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		flags := 0
		if pc > 0 {
			flags = kfLoad
		}
		pfAt := min(len(cp.data)-1, oc0*k+(pc+ciAhead*kcb)*nw)
		pfBase := uintptr(unsafe.Pointer(&cp.data[pfAt]))
		pfLen := uintptr(4 * kcb * nw)
		pfShare := uintptr(kcb * 32)
		wb := &w[pc*nw]
		for ti, t := range s.tiles {
			pf := pfBase + uintptr(ti)*pfShare%pfLen
			tab[nb-1][t.p-1](kc, wb, &q[t.qoff], &offs[pc], &band[t.dst], flags, &band[0], 0, nil, nil, cst, pf)
		}
	}
}
