package linalg

import "math"

// DepthwiseConv2D computes one channel plane of a 2-D depthwise
// convolution directly, without im2col:
//
//	dst[oy][ox] = bias + Σ_{ky,kx} w[ky*KW+kx] * src[oy*SH-PH+ky*DH][ox*SW-PW+kx*DW]
//
// with src (g.In[0]×g.In[1]) read as zero outside its bounds, dst
// g.Out[0]×g.Out[1] (overwritten) and w g.Kernel[0]×g.Kernel[1]. g must
// have two spatial dims. See DepthwiseConv2DClamp for how it runs.
func DepthwiseConv2D(dst, src, w []float32, bias float32, g ConvGeom) {
	inf := float32(math.Inf(1))
	DepthwiseConv2DClamp(dst, src, w, bias, g, -inf, inf)
}

// DepthwiseConv2DClamp is DepthwiseConv2D with every output clamped to
// [lo, hi] (min(max(v, lo), hi), NaN kept) while it is still in
// registers, so a fused Relu (0, +Inf) or Clip costs no extra pass.
//
// The plane is first copied into a zero-padded scratch split into
// stride phases (rows and columns by their index modulo the stride), so
// every tap of every output is a plain unit-stride read at a fixed offset:
// the kernel then runs as Σ_t w[t]·buf[off[t]+i] over one long vector of
// outputs, stride 2 included, with no edge cases.
func DepthwiseConv2DClamp(dst, src, w []float32, bias float32, g ConvGeom, lo, hi float32) {
	DepthwiseConv2DPlanes(dst, src, w, []float32{bias}, 1, g, lo, hi)
}

// DepthwiseConv2DPlanes runs DepthwiseConv2DClamp on n consecutive
// planes: plane c reads src[c·in:], writes dst[c·on:] and uses
// w[c·kk:(c+1)·kk] and bias[c] (bias nil: 0), with in, on and kk the
// sizes of g's input, output and kernel. One call per run of channels
// shares the scratch and the layout between planes.
func DepthwiseConv2DPlanes(dst, src, w, bias []float32, n int, g ConvGeom, lo, hi float32) {
	ih, iw := g.In[0], g.In[1]
	oh, ow := g.Out[0], g.Out[1]
	if n <= 0 || oh <= 0 || ow <= 0 {
		return
	}
	in, on, kk := ih*iw, oh*ow, g.Kernel[0]*g.Kernel[1]
	dst, src, w = dst[:n*on], src[:n*in], w[:n*kk]
	if bias != nil {
		bias = bias[:n]
	}
	if !dwkRegular(g) {
		for c := 0; c < n; c++ {
			var b float32
			if bias != nil {
				b = bias[c]
			}
			dwkDirect(dst[c*on:(c+1)*on], src[c*in:(c+1)*in], w[c*kk:(c+1)*kk], b, g, lo, hi)
		}
		return
	}
	s := dwkGetScratch()
	defer dwkScratchPool.Put(s)
	for c := 0; c < n; c++ {
		var bv float32
		if bias != nil {
			bv = bias[c]
		}
		p := s.plan(g, w[c*kk:(c+1)*kk])
		// The row split may read past a plane's last row, so it gets the
		// rest of src.
		sc, dc := src[c*in:], dst[c*on:(c+1)*on]
		p.stream(s, bv, lo, hi, func(a, b int) {
			p.fill(s.buf, sc, a, b)
		}, func(v []float32, oy0, oy1 int) {
			dwk.doCopyRows(dc[oy0*ow:], ow, v[oy0*p.pw2:], p.pw2, oy1-oy0, ow)
		})
	}
}

// dwAxpy adds alpha*x into y (len(y) <= len(x)); the generic kern.axpy.
func dwAxpy(alpha float32, x, y []float32) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		yy := y[i : i+4 : i+4]
		xx := x[i : i+4 : i+4]
		yy[0] += alpha * xx[0]
		yy[1] += alpha * xx[1]
		yy[2] += alpha * xx[2]
		yy[3] += alpha * xx[3]
	}
	for ; i < len(y); i++ {
		y[i] += alpha * x[i]
	}
}
