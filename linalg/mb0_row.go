package linalg

import "math"

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

// mb0Run computes C = ep(W · Im2col) from the phase planes in bufs (cp:
// W repacked by ciPack), output rows split over up to threads chunks.
func mb0Run(threads int, m, k int, cp *ciPacked, bufs *convIndBufs, geo *convIndGeom, c []float32, ep *Epilogue) {
	if work := m * geo.oh * geo.ow * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	threads = min(threads, geo.oh)
	if threads <= 1 {
		mb0Rows(m, k, cp, bufs.q, bufs.offs, geo, c, ep, 0, geo.oh)
		return
	}
	bufs.job = r18Job{kind: mb0RowsJob, geo: *geo, q: bufs.q, offs: bufs.offs, c: c, m: m, k: k, ep: ep, cp: cp, n: threads}
	bufs.r18Parallel(threads)
}

// mb0Rows computes output rows [oy0, oy1) of mb0Run.
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
		x := &q[oy*geo.pw]
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
