package linalg

import (
	"math"
	"sync"
)

// Direct convolution for a first layer (few input channels, short k:
// MobileNetV2's 3->32 3x3/2 stem, k=27). The ci tiles put output channels
// in the vector lanes, so for such a layer their transposing NCHW store
// costs as much as the 27 FMAs. Here a vector is 16 output pixels of one
// row and each weight is an embedded broadcast: a tile is 4 output
// channels × one whole output row of up to 112 pixels (7 vectors, 28
// accumulators), 7 loads per 28 FMAs, stored straight into NCHW. The
// input is the usual phase planes, so each k-step reads 16 consecutive
// pixels whatever the stride.

// mb0RowW is the widest output row of a tile (7 vectors).
const mb0RowW = 112

// mb0RowKern is the tile kernel (nil: the path is off). Pixel j < 112
// of channel c < 4 is
//
//	t = bias[c] + Σ_s w[s*wstride/4+c] * x[offs[s]/4+j]
//
// clamped to [cst[0], cst[1]] (NaN kept) and stored to out[c*hw+j],
// pixels 96..111 only where mask has their bit.
var mb0RowKern func(k int, w *float32, wstride int, x *float32, offs *int, out *float32, hw int, bias, cst *float32, mask int)

// mb0Off disables the path (tests and benchmarks compare).
var mb0Off bool

// mb0RowRef defines mb0RowKern on slices; wstride is in floats.
func mb0RowRef(k int, w []float32, wstride int, x []float32, offs []int, out []float32, hw int, bias []float32, lo, hi float32, mask int) {
	for c := 0; c < 4; c++ {
		for j := 0; j < mb0RowW; j++ {
			if j >= 96 && mask>>(j-96)&1 == 0 {
				continue
			}
			var t float32
			for s := 0; s < k; s++ {
				t += w[s*wstride+c] * x[offs[s]/4+j]
			}
			t += bias[c]
			if t < lo {
				t = lo
			}
			if t > hi {
				t = hi
			}
			out[c*hw+j] = t
		}
	}
}

// mb0Usable reports whether convIndRun can hand the convolution of geo
// (m outputs, k steps from channels inputs) to mb0Run.
func mb0Usable(geo *convIndGeom, m, k, channels int, ep *Epilogue) bool {
	if mb0RowKern == nil || mb0Off || m%4 != 0 || k > 64 || channels > 4 || geo.ow <= 96 || geo.ow > mb0RowW || geo.s2 {
		return false
	}
	if ep != nil {
		if ep.ColBias != nil || ep.Post || ep.Residual != nil {
			return false
		}
		switch ep.Act {
		case ActNone, ActRelu, ActClip:
		default:
			return false
		}
	}
	return true
}

// mb0Run computes C = ep(W · Im2col(img)) (cp: W repacked by ciPack),
// output rows split over up to threads chunks. Each chunk fills the
// phase-plane rows its output rows read into a buffer of its own, so the
// fill needs no step (and fork/join) of its own and the kernels read
// rows their core just wrote.
func mb0Run(threads int, m, k int, cp *ciPacked, img []float32, channels int, geo *convIndGeom, c []float32, ep *Epilogue) {
	if work := m * geo.oh * geo.ow * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	threads = min(threads, geo.oh)
	if threads <= 1 {
		mb0Chunk(m, k, cp, img, channels, geo, c, ep, 0, geo.oh)
		return
	}
	bufs := convIndGet(0, 0)
	bufs.job = r18Job{kind: mb0RowsJob, geo: *geo, img: img, c: c, m: m, k: k, ep: ep, cp: cp, n: threads, step: channels}
	bufs.r18Parallel(threads)
	convIndPool.Put(bufs)
}

// mb0Buf is one chunk's phase-plane rows and offsets, recycled.
type mb0Buf struct {
	q    []float32
	offs []int
}

var mb0BufPool sync.Pool

// mb0Chunk fills the phase-plane rows that output rows [oy0, oy1) read
// and computes those rows.
func mb0Chunk(m, k int, cp *ciPacked, img []float32, channels int, geo *convIndGeom, c []float32, ep *Epilogue, oy0, oy1 int) {
	b, _ := mb0BufPool.Get().(*mb0Buf)
	if b == nil {
		b = &mb0Buf{}
	}
	defer mb0BufPool.Put(b)
	// The chunk's planes: plane rows oy0.. of the whole ones, as many as
	// its last output row reads.
	g := *geo
	g.ph = min(geo.ph-oy0, oy1-oy0+((g.kh-1)*g.dh)/g.sh)
	g.plane = g.ph * g.pw
	g.chanLen = g.sh * g.sw * g.plane
	qn := channels*g.chanLen + g.pw + 64 // the last row's vectors read past it
	if cap(b.q) < qn {
		b.q = make([]float32, qn)
	}
	if cap(b.offs) < k {
		b.offs = make([]int, k)
	}
	q, offs := b.q[:qn], b.offs[:k]
	clear(q[channels*g.chanLen:])
	for ch := 0; ch < channels; ch++ {
		for py := 0; py < g.sh; py++ {
			for px := 0; px < g.sw; px++ {
				g.mb0FillRows(q, img, ch, py, px, oy0)
			}
		}
	}
	g.offsets(offs, channels)
	mb0Rows(m, k, cp, q, offs, &g, c, ep, oy0, oy1)
}

// mb0FillRows writes phase plane (py, px) of channel ch of img into q,
// whose planes hold rows y0.. of the whole planes (c.ph of them).
func (c *convIndGeom) mb0FillRows(q, img []float32, ch, py, px, y0 int) {
	if !c.phaseUsed(py, px) {
		return
	}
	src := img[ch*c.ih*c.iw : (ch+1)*c.ih*c.iw]
	pl := q[ch*c.chanLen+(py*c.sw+px)*c.plane : ch*c.chanLen+(py*c.sw+px+1)*c.plane]
	// Plane columns x' with input column x'*sw+px-pl in [0, iw).
	x0 := max(0, (c.pl-px+c.sw-1)/c.sw)
	x1 := max(x0, min(c.pw, (c.iw+c.pl-px+c.sw-1)/c.sw))
	// Local plane rows whose image row (y0+y)*sh+py-pt is inside.
	yA := min(c.ph, max(0, (c.pt-py+c.sh-1)/c.sh-y0))
	yB := max(yA, min(c.ph, (c.ih+c.pt-py+c.sh-1)/c.sh-y0))
	clear(pl[:yA*c.pw])
	clear(pl[yB*c.pw:])
	if f := r18FillRows2; f != nil && c.sw == 2 && x1 > x0 && x0 <= 16 && c.pw-x1 <= 16 {
		if yB > yA {
			iy := (y0+yA)*c.sh + py - c.pt
			f(pl[yA*c.pw:yB*c.pw], src[iy*c.iw+x0*2+px-c.pl:], yB-yA, x1-x0, c.pw, x0, c.sh*c.iw)
		}
		return
	}
	for y := yA; y < yB; y++ {
		row := pl[y*c.pw : (y+1)*c.pw]
		irow := src[((y0+y)*c.sh+py-c.pt)*c.iw:][:c.iw]
		clear(row[:x0])
		clear(row[x1:])
		ix := x0*c.sw + px - c.pl
		for x := x0; x < x1; x++ {
			row[x] = irow[ix]
			ix += c.sw
		}
	}
}

// mb0Rows computes output rows [oy0, oy1) of mb0Run from the phase
// planes q, whose first row is output row oy0's.
func mb0Rows(m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, c []float32, ep *Epilogue, oy0, oy1 int) {
	var zero [4]float32
	cst := [2]float32{float32(math.Inf(-1)), float32(math.Inf(1))}
	var rb []float32
	if ep != nil {
		rb = ep.RowBias
		switch ep.Act {
		case ActRelu:
			cst[0] = 0
		case ActClip:
			cst[0], cst[1] = ep.Min, ep.Max
		}
	}
	hw := geo.oh * geo.ow
	mask := 1<<(geo.ow-96) - 1
	for oy := oy0; oy < oy1; oy++ {
		x := &q[(oy-oy0)*geo.pw]
		for oc0 := 0; oc0 < m; oc0 += 4 {
			i0 := oc0 / 64 * 64
			nw := min(64, m-i0)
			bias := &zero[0]
			if rb != nil {
				bias = &rb[oc0]
			}
			mb0RowKern(k, &cp.data[i0*k+oc0-i0], 4*nw, x, &offs[0], &c[oc0*hw+oy*geo.ow], hw, bias, &cst[0], mask)
		}
	}
}
