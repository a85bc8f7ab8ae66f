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
	ih, iw := g.In[0], g.In[1]
	oh, ow := g.Out[0], g.Out[1]
	if oh <= 0 || ow <= 0 {
		return
	}
	dst = dst[:oh*ow]
	src = src[:ih*iw]
	s := dwkGetScratch()
	defer dwkScratchPool.Put(s)
	p := s.plan(g, w)
	p.fill(s.buf, src)
	v := p.run(s, bias, lo, hi)
	dwk.doCopyRows(dst, ow, v, p.pw2, oh, ow)
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
