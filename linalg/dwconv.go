package linalg

// DepthwiseConv2D computes one channel plane of a 2-D depthwise
// convolution directly, without im2col:
//
//	dst[oy][ox] = bias + Σ_{ky,kx} w[ky*KW+kx] * src[oy*SH-PH+ky*DH][ox*SW-PW+kx*DW]
//
// with src (g.In[0]×g.In[1]) read as zero outside its bounds, dst
// g.Out[0]×g.Out[1] (overwritten) and w g.Kernel[0]×g.Kernel[1]. g must
// have two spatial dims. See DepthwiseConv2DPlanes for how it runs.
func DepthwiseConv2D(dst, src, w []float32, bias float32, g ConvGeom) {
	DepthwiseConv2DPlanes(dst, src, w, 1, g, &Epilogue{RowBias: []float32{bias}})
}

// DepthwiseConv2DClamp is DepthwiseConv2D with every output clamped to
// [lo, hi] (min(max(v, lo), hi), NaN kept).
func DepthwiseConv2DClamp(dst, src, w []float32, bias float32, g ConvGeom, lo, hi float32) {
	DepthwiseConv2DPlanes(dst, src, w, 1, g, &Epilogue{RowBias: []float32{bias}, Act: ActClip, Min: lo, Max: hi})
}

// DepthwiseConv2DPlanes runs DepthwiseConv2D on n consecutive planes:
// plane c reads src[c·in:], writes dst[c·on:] and uses w[c·kk:(c+1)·kk],
// with in, on and kk the sizes of g's input, output and kernel. ep (nil:
// none) supplies the bias of plane c as ep.RowBias[c] (nil: 0; ColBias
// is not used), a residual shaped like dst (ep.Residual, added before
// the activation), the activation and its Post affine map. Without a
// residual, Relu, Clip and HardSwish are applied while the outputs are
// in registers (HardSwish multiplies by 1/6 where the SGEMM epilogue
// divides by 6, a last-bit difference at most); everything else runs row
// by row while the rows are in cache.
//
// A plane is copied band by band into a zero-padded scratch split into
// stride phases (rows and columns by their index modulo the stride), so
// every tap of every output is a unit-stride read at a fixed offset: the
// kernel then runs Σ_t w[t]·buf[off[t]+i] over one long vector of
// outputs, stride 2 included, with no edge cases. One call for a run of
// channels shares the scratch and the layout between planes.
func DepthwiseConv2DPlanes(dst, src, w []float32, n int, g ConvGeom, ep *Epilogue) {
	ih, iw := g.In[0], g.In[1]
	oh, ow := g.Out[0], g.Out[1]
	if n <= 0 || oh <= 0 || ow <= 0 {
		return
	}
	in, on, kk := ih*iw, oh*ow, g.Kernel[0]*g.Kernel[1]
	dst, src, w = dst[:n*on], src[:n*in], w[:n*kk]
	var bias, res []float32
	if ep != nil && ep.RowBias != nil {
		bias = ep.RowBias[:n]
	}
	if ep != nil && ep.Residual != nil {
		res = ep.Residual[:n*on]
	}
	a, post := dwkActOf(ep)
	if res != nil {
		// The residual goes in before the activation.
		a, post = dwkNoAct, ep.Act
	}
	var pe Epilogue   // what is left after the kernel, row by row
	var pep *Epilogue // &pe when there is any (stays on the stack)
	if post != ActNone || (ep != nil && ep.Post) {
		pe = Epilogue{Act: post, Min: ep.Min, Max: ep.Max, Alpha: ep.Alpha,
			Post: ep.Post, PostScale: ep.PostScale, PostShift: ep.PostShift}
		pep = &pe
	}
	if !dwkRegular(g) {
		for c := 0; c < n; c++ {
			var bv float32
			if bias != nil {
				bv = bias[c]
			}
			dc := dst[c*on : (c+1)*on]
			dwkDirect(dc, src[c*in:(c+1)*in], w[c*kk:(c+1)*kk], bv, g, a)
			if res != nil {
				dwkAdd(dc, res[c*on:(c+1)*on])
			}
			if pep != nil {
				pep.apply(dc, ow, 0, 0, oh, ow)
			}
		}
		return
	}
	s := dwkGetScratch()
	defer dwkPutScratch(s)
	p := s.plan(g, w)
	for c := 0; c < n; c++ {
		var bv float32
		if bias != nil {
			bv = bias[c]
		}
		p.ws = w[c*kk : (c+1)*kk]
		// The row split may read past a plane's last row, so it gets the
		// rest of src.
		sc, dc := src[c*in:], dst[c*on:(c+1)*on]
		p.stream(s, bv, a, func(_, _ int, ops []dwkFillOp) {
			p.fill(s.buf, sc, ops, 0)
		}, func(v []float32, oa, ob int) {
			d := dc[oa*ow:]
			dwk.doCopyRows(d, ow, v, p.pw2, ob-oa, ow)
			if res != nil {
				dwkAdd(d[:(ob-oa)*ow], res[c*on+oa*ow:])
			}
			if pep != nil {
				pep.apply(d, ow, 0, 0, ob-oa, ow)
			}
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

// dwkAdd adds z into y.
func dwkAdd(y, z []float32) {
	z = z[:len(y)]
	for i := range y {
		y[i] += z[i]
	}
}
