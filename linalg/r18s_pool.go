package linalg

// The fused stem pool on channels-last rows: the convolution tiles store
// their accumulators pixel-major (p pixels × nw channels, what they hold
// in registers), so no tile pays the transpose into NCHW; the pool, a
// quarter of the pixels, transposes instead.

// r18sPoolT is the active channels-last pool kernel (r18sPoolTGeneric's
// SIMD twin when there is one).
var r18sPoolT = r18sPoolTGeneric

// r18sPoolTGeneric sets, for pooled pixel j < n and channel o < nw (a
// multiple of 16),
//
//	y[o*ystride+j] = clamp(max_{r, c} r[(2j+c)*cs+o] + bias[o], lo, hi)
//
// over rows r of r0, r1, r2 and c < 3 (NaN if any value is NaN; the clamp
// keeps NaN).
func r18sPoolTGeneric(y []float32, ystride int, r0, r1, r2 []float32, cs, n, nw int, bias []float32, lo, hi float32) {
	for j := range n {
		for o := range nw {
			v := r0[2*j*cs+o]
			for _, r := range [3][]float32{r0, r1, r2} {
				for c := range 3 {
					v = max(v, r[(2*j+c)*cs+o])
				}
			}
			v += bias[o]
			if v < lo {
				v = lo
			}
			if v > hi {
				v = hi
			}
			y[o*ystride+j] = v
		}
	}
}
