package linalg

// mbtKernels are IRBlock's channel-blocked kernels (nil: the CPU has
// none; IRBlock then runs its planar path).
type mbtKernels struct {
	// dw is mbtDwRef (strides in floats).
	dw func(in []float32, irs, ips, sx, sy int, w, bias, lohi, out []float32, ops, oh, ow int)
	// biasClip is mbtBiasClipRef over len(p)/16 vectors.
	biasClip func(p []float32, bias, lohi []float32)
	// pk holds the projection tiles, [nb/2-1][p-1]: mbtPKernRef.
	pk [2][ciMaxP]ciKernFn
}

var mbtK *mbtKernels

// mbtDwRef defines the channel-blocked depthwise kernel: for output
// pixel (oy, ox) and lane l < 16,
//
//	out[(oy·ow+ox)·ops+l] = clamp(bias[l] + Σ_{ky,kx<3} w[(3ky+kx)·16+l] ·
//	    in[(oy·sy+ky)·irs + (ox·sx+kx)·ips + l], lohi[0], lohi[1])
//
// (NaN kept): in is zero padded, so every tap is in bounds.
func mbtDwRef(in []float32, irs, ips, sx, sy int, w, bias, lohi, out []float32, ops, oh, ow int) {
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			for l := 0; l < 16; l++ {
				r0 := bias[l]
				var r1, r2 float32
				base := oy*sy*irs + ox*sx*ips + l
				for kx := 0; kx < 3; kx++ {
					r0 += w[kx*16+l] * in[base+kx*ips]
					r1 += w[(3+kx)*16+l] * in[base+irs+kx*ips]
					r2 += w[(6+kx)*16+l] * in[base+2*irs+kx*ips]
				}
				out[(oy*ow+ox)*ops+l] = mbtClamp(r0+(r1+r2), lohi[0], lohi[1])
			}
		}
	}
}

// mbtClamp is min(max(v, lo), hi) with NaN kept.
func mbtClamp(v, lo, hi float32) float32 {
	if v < lo {
		v = lo
	}
	if v > hi {
		v = hi
	}
	return v
}

// mbtBiasClipRef defines the bias-and-clamp pass over an expansion's
// channel-blocked rows: p[i] = clamp(p[i] + bias[i%64], lohi[0],
// lohi[1]) for i < len(p)/16·16.
func mbtBiasClipRef(p []float32, bias, lohi []float32) {
	for i := range len(p) / 16 * 16 {
		p[i] = mbtClamp(p[i]+bias[i%64], lohi[0], lohi[1])
	}
}

// mbtPKernRef defines the projection tiles: ciKernelRef with pixel j of
// x at x[64j+offs[s]/4] instead of x[j+offs[s]/4].
func mbtPKernRef(p, nb, k int, w, x []float32, offs []int, acc []float32, flags int, c []float32, hw int, bias, res []float32, cst *ciConsts) {
	ciKernelStrideRef(64, p, nb, k, w, x, offs, acc, flags, c, hw, bias, res, cst)
}
