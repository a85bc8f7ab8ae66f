package linalg

// DepthwiseConv2D computes one channel plane of a 2-D depthwise
// convolution directly, without im2col:
//
//	dst[oy][ox] = bias + Σ_{ky,kx} w[ky*KW+kx] * src[oy*SH-PH+ky*DH][ox*SW-PW+kx*DW]
//
// with src (g.In[0]×g.In[1]) read as zero outside its bounds, dst
// g.Out[0]×g.Out[1] (overwritten) and w g.Kernel[0]×g.Kernel[1]. g must
// have two spatial dims. The inner loop runs along an output row over the
// range of ox whose input column is inside the image, so it has no
// per-element bounds tests and (for stride 1) is a plain axpy.
func DepthwiseConv2D(dst, src, w []float32, bias float32, g ConvGeom) {
	ih, iw := g.In[0], g.In[1]
	oh, ow := g.Out[0], g.Out[1]
	kh, kw := g.Kernel[0], g.Kernel[1]
	sh, sw := g.Stride[0], g.Stride[1]
	dh, dw := g.Dilation[0], g.Dilation[1]
	ph, pw := g.PadBegin[0], g.PadBegin[1]
	dst = dst[:oh*ow]
	src = src[:ih*iw]
	w = w[:kh*kw]
	// Per kernel column: the output range [lo, hi) reading inside the row.
	var rbuf [16][2]int
	rng := rbuf[:0]
	if kw <= len(rbuf) {
		rng = rbuf[:kw]
	} else {
		rng = make([][2]int, kw)
	}
	for kx := range rng {
		off := kx*dw - pw // input column of ox is ox*sw + off
		lo := 0
		if off < 0 {
			lo = (-off + sw - 1) / sw
		}
		hi := 0
		if iw-1-off >= 0 {
			hi = (iw-1-off)/sw + 1
		}
		rng[kx] = [2]int{min(lo, ow), min(max(hi, 0), ow)}
	}
	for oy := 0; oy < oh; oy++ {
		row := dst[oy*ow : (oy+1)*ow]
		for i := range row {
			row[i] = bias
		}
		for ky := 0; ky < kh; ky++ {
			iy := oy*sh - ph + ky*dh
			if iy < 0 || iy >= ih {
				continue
			}
			srow := src[iy*iw : (iy+1)*iw]
			for kx := 0; kx < kw; kx++ {
				lo, hi := rng[kx][0], rng[kx][1]
				if lo >= hi {
					continue
				}
				wv := w[ky*kw+kx]
				off := kx*dw - pw
				if sw == 1 {
					kern.axpy(wv, srow[lo+off:hi+off], row[lo:hi])
					continue
				}
				x := lo*sw + off
				for ox := lo; ox < hi; ox++ {
					row[ox] += wv * srow[x]
					x += sw
				}
			}
		}
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
