package linalg

import "fmt"

// ConvGemm computes one image (and group) of a 2-D convolution as
//
//	C = ep(W · Im2col(img, channels, g))
//
// without materialising the column matrix: SGEMM's B panels are packed
// straight from the image. W is m × (channels*KH*KW) row-major, img is
// channels × g.In[0] × g.In[1], C is m × (g.Out[0]*g.Out[1]) row-major
// (overwritten). g must have two spatial dims. It uses up to threads
// goroutines like SgemmParallel.
func ConvGemm(threads, m int, w, img []float32, channels int, g ConvGeom, c []float32, ep *Epilogue) {
	src := convSrc(img, channels, g) // on the stack: sgemmRun does not keep it
	k := channels * src.kh * src.kw
	n := src.oh * src.ow
	sgemmCheckMat("A", m, k, w, k)
	sgemmCheckMat("C", m, n, c, n)
	sgemmRun(threads, false, false, m, n, k, 1, w, k, nil, nil, 0, src, 0, c, n, ep)
}

// ConvGemmPacked is ConvGemm with weights packed once by PackA (m is
// pw.Rows(), and pw.Cols() must be channels*KH*KW).
func ConvGemmPacked(threads int, pw *PackedA, img []float32, channels int, g ConvGeom, c []float32, ep *Epilogue) {
	src := convSrc(img, channels, g) // on the stack: sgemmRun does not keep it
	m, k, n := pw.m, channels*src.kh*src.kw, src.oh*src.ow
	if pw.k != k {
		panic(fmt.Sprintf("linalg: ConvGemmPacked weights have %d columns, geometry needs %d", pw.k, k))
	}
	sgemmCheckMat("C", m, n, c, n)
	if wi := wgKern; wi != nil && !wgOff && wgUsable(m, g, ep) && wgWorth(m, channels, g) {
		wgCheckEp(m, n, ep)
		wgRun(wi, threads, pw, img[:channels*src.ih*src.iw], channels, g, c, ep)
		return
	}
	if !convIndOff && (convIndWorth(pw.impl, g) || pw.impl.kernelInd != nil && len(g.In) == 2 && ciUsable(ciKerns, m, ep)) {
		if ep != nil && ep.Residual != nil && len(ep.Residual) < m*n {
			panic("linalg: ConvGemmPacked residual shorter than C")
		}
		if ep != nil && ep.RowBias != nil && len(ep.RowBias) < m {
			panic("linalg: ConvGemmPacked bias shorter than C's rows")
		}
		convIndRun(threads, pw, img[:channels*src.ih*src.iw], channels, g, c, ep)
		return
	}
	sgemmRun(threads, false, false, m, n, k, 1, nil, k, pw, nil, 0, src, 0, c, n, ep)
}

// convIndOff disables the direct convolution path (tests compare both).
var convIndOff bool

// convSrc checks g and returns the implicit column matrix of img.
func convSrc(img []float32, channels int, g ConvGeom) *im2colSrc {
	s := new(im2colSrc)
	convSrcInit(s, img, channels, g)
	return s
}

// convSrcInit fills s (kept apart from convSrc so that convSrc inlines and
// its result stays on the caller's stack).
func convSrcInit(s *im2colSrc, img []float32, channels int, g ConvGeom) {
	if len(g.In) != 2 {
		panic(fmt.Sprintf("linalg: ConvGemm needs 2 spatial dims, got %d", len(g.In)))
	}
	*s = im2colSrc{
		ih: g.In[0], iw: g.In[1], oh: g.Out[0], ow: g.Out[1],
		kh: g.Kernel[0], kw: g.Kernel[1], sh: g.Stride[0], sw: g.Stride[1],
		dh: g.Dilation[0], dw: g.Dilation[1], ph: g.PadBegin[0], pw: g.PadBegin[1],
	}
	s.img = img[:channels*s.ih*s.iw]
}

// im2colSrc is the column matrix of a 2-D convolution, read on demand.
type im2colSrc struct {
	img                    []float32
	ih, iw, oh, ow, kh, kw int
	sh, sw, dh, dw, ph, pw int
	j0                     int // first column (output position) of this view
}

// shift returns the view whose column 0 is column j of s.
func (s *im2colSrc) shift(j int) *im2colSrc {
	t := *s
	t.j0 += j
	return &t
}

// pack is sgemmPackB for the column matrix: it writes the kc×nc panel at
// (p0, j0) as ceil(nc/nr) strips of kc×nr, zero-padded.
func (s *im2colSrc) pack(nr, p0, j0, kc, nc int, dst []float32) {
	kn := s.kh * s.kw
	plane := s.ih * s.iw
	if s.sh == 1 && s.sw == 1 && s.dh == 1 && s.dw == 1 && s.ow == s.iw {
		s.packShift(nr, p0, j0, kc, nc, dst)
		return
	}
	for js := 0; js < nc; js += nr {
		cols := min(nr, nc-js)
		d := dst[js*kc : js*kc+kc*nr]
		j := s.j0 + j0 + js
		oy0, ox0 := j/s.ow, j%s.ow
		ch, kk := p0/kn, p0%kn
		ky, kx := kk/s.kw, kk%s.kw
		for p := 0; p < kc; p++ {
			im := s.img[ch*plane : (ch+1)*plane]
			o := d[p*nr : p*nr+nr]
			clear(o[cols:])
			o = o[:cols]
			oy, ox := oy0, ox0
			xoff := kx*s.dw - s.pw
			for len(o) > 0 {
				run := min(s.ow-ox, len(o))
				seg := o[:run]
				o = o[run:]
				iy := oy*s.sh - s.ph + ky*s.dh
				if iy < 0 || iy >= s.ih {
					clear(seg)
				} else {
					irow := im[iy*s.iw : (iy+1)*s.iw]
					x := ox*s.sw + xoff
					// Columns [lo, hi) of seg read inside the row; the
					// ends read padding.
					lo, hi := 0, run
					if x < 0 {
						lo = min(run, (-x+s.sw-1)/s.sw)
					}
					if last := x + (run-1)*s.sw; last >= s.iw {
						hi = max(lo, run-(last-s.iw)/s.sw-1)
					}
					clear(seg[:lo])
					clear(seg[hi:])
					if s.sw == 1 {
						copy(seg[lo:hi], irow[x+lo:x+hi])
					} else {
						xi := x + lo*s.sw
						for i := lo; i < hi; i++ {
							seg[i] = irow[xi]
							xi += s.sw
						}
					}
				}
				oy, ox = oy+1, 0
			}
			// Next row of the column matrix: (ch, ky, kx) odometer.
			if kx++; kx == s.kw {
				kx = 0
				if ky++; ky == s.kh {
					ky = 0
					ch++
				}
			}
		}
	}
}

// packShift is pack for stride-1, undilated convolutions whose output rows
// are as wide as the input rows ("same" padding along x). Row (ch, ky, kx)
// of the column matrix is then the channel's flat plane shifted by
// (ky-ph)*iw + (kx-pw): each strip row is one contiguous copy, followed by
// zeroing the output columns whose window column falls in the padding and
// the rows above or below the image.
func (s *im2colSrc) packShift(nr, p0, j0, kc, nc int, dst []float32) {
	kn := s.kh * s.kw
	ow := s.ow
	plane := s.ih * s.iw
	n := s.oh * ow
	for js := 0; js < nc; js += nr {
		cols := min(nr, nc-js)
		d := dst[js*kc : js*kc+kc*nr]
		ja := s.j0 + j0 + js // first column of the strip
		jb := ja + cols
		ch, kk := p0/kn, p0%kn
		ky, kx := kk/s.kw, kk%s.kw
		for p := 0; p < kc; p++ {
			o := d[p*nr : p*nr+nr]
			dy, dx := ky-s.ph, kx-s.pw
			off := dy*s.iw + dx
			// Columns whose input row is inside the image, and whose
			// flat source index is inside the plane.
			lo := max(ja, max(0, -dy)*ow, -off)
			hi := min(jb, min(s.oh, s.ih-dy)*ow, plane-off, n)
			if hi <= lo {
				clear(o)
			} else {
				clear(o[:lo-ja])
				im := s.img[ch*plane : (ch+1)*plane]
				copy(o[lo-ja:hi-ja], im[lo+off:hi+off])
				clear(o[hi-ja:])
				// Window columns left or right of the row read the
				// neighbouring row: zero them.
				if dx != 0 {
					xa, xb := 0, -dx // output columns reading x < 0
					if dx > 0 {
						xa, xb = ow-dx, ow
					}
					for row := lo / ow * ow; row < hi; row += ow {
						for j := max(lo, row+xa); j < min(hi, row+xb); j++ {
							o[j-ja] = 0
						}
					}
				}
			}
			// Next row of the column matrix: (ch, ky, kx) odometer.
			if kx++; kx == s.kw {
				kx = 0
				if ky++; ky == s.kh {
					ky = 0
					ch++
				}
			}
		}
	}
}
