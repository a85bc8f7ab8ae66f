package linalg

import (
	"math"
	"sync"
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

// r18sBand is one worker's band buffer and pooling row, recycled.
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
	bufs := convIndGet(channels*geo.chanLen+geo.pw+16, k)
	defer convIndPool.Put(bufs)
	q := bufs.q
	clear(q[channels*geo.chanLen:])
	if work := m * geo.oh * geo.ow * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	threads = min(threads, p.Out[0])
	if threads > 1 && channels > 1 {
		step := (channels + threads - 1) / threads
		bufs.job = r18Job{kind: r18Fill, geo: geo, q: q, img: img, n: channels, step: step}
		bufs.r18Parallel((channels + step - 1) / step)
	} else {
		for ch := 0; ch < channels; ch++ {
			geo.fill(q, img, ch)
		}
	}
	geo.offsets(bufs.offs, channels)
	cp := pw.ciPacked()
	if threads <= 1 {
		r18sPoolRows(tab, m, k, cp, q, bufs.offs, &geo, ep, &p, y, 0, p.Out[0])
		return true
	}
	bufs.job = r18Job{kind: r18sConvPool, geo: geo, q: q, offs: bufs.offs, c: y, m: m, k: k, ep: ep, tab: tab, cp: cp, pool: p, n: threads}
	bufs.r18Parallel(threads)
	return true
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
	if cap(bd.vm) < ow {
		bd.vm = make([]float32, ow)
	}
	buf, vm := bd.buf[:m*hw], bd.vm[:ow]
	s, _ := ciScratchPool.Get().(*ciScratch)
	if s == nil {
		s = &ciScratch{}
	}
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
			r18sPoolBand(y[o*ohp*owp:(o+1)*ohp*owp], buf[o*hw:o*hw+(hi-lo)*ow], vm, p, oh, ow, lo, a, b)
		}
	}
}

// r18sPoolBand writes pooled rows [a, b) of one channel (owp values each,
// from y[py*owp]) from that channel's convolution rows [lo, lo+len/ow) in
// band (ow values each), which hold every row those windows read; vm is a
// row of scratch.
func r18sPoolBand(y, band, vm []float32, p *MaxPoolGeom, oh, ow, lo, a, b int) {
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
		for ox := range yr {
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
