package linalg

// ConvGeom describes the spatial geometry of an N-D convolution over one
// image: In, Kernel, Out, Stride, Dilation and PadBegin all have one entry
// per spatial dim. Out must be consistent with the others (ops computes it
// from pads and auto_pad); positions that fall into padding read as zero.
type ConvGeom struct {
	In, Kernel, Out, Stride, Dilation, PadBegin []int
}

func prodInts(x []int) int {
	p := 1
	for _, v := range x {
		p *= v
	}
	return p
}

// Im2col unfolds channels×prod(g.In) values of src into the column matrix
// dst of shape (channels*prod(g.Kernel)) × prod(g.Out), row-major: row
// c*prod(Kernel)+kidx holds, for each output position, the input value under
// kernel element kidx of channel c (zero in padding). A convolution is then
// W (Cout × channels*prod(Kernel)) times dst.
func Im2col(dst, src []float32, channels int, g ConvGeom) {
	im2colWalk(dst, src, channels, g, false)
}

// Col2im is the adjoint of Im2col: it adds each element of the column
// matrix src (layout as Im2col's dst) into the image dst (channels ×
// prod(g.In)) at the position it was read from; padding positions are
// dropped. dst is accumulated into, not overwritten.
func Col2im(dst, src []float32, channels int, g ConvGeom) {
	im2colWalk(src, dst, channels, g, true)
}

// im2colWalk visits every (row, output position) pair of the column matrix
// col and either gathers img into col (add == false) or scatters col into
// img with addition (add == true).
func im2colWalk(col, img []float32, channels int, g ConvGeom, add bool) {
	nd := len(g.In)
	kn := prodInts(g.Kernel)
	on := prodInts(g.Out)
	in := prodInts(g.In)
	if nd == 0 {
		// Zero spatial dims: one position, a plain copy.
		for c := 0; c < channels; c++ {
			if add {
				img[c] += col[c]
			} else {
				col[c] = img[c]
			}
		}
		return
	}
	if kn == 0 || on == 0 || channels == 0 {
		return
	}
	var kbuf, obuf [16]int
	kidx := kbuf[:0]
	oidx := obuf[:0]
	if nd <= len(kbuf) {
		kidx, oidx = kbuf[:nd], obuf[:nd]
	} else {
		kidx, oidx = make([]int, nd), make([]int, nd)
	}
	last := nd - 1
	olast := g.Out[last]
	ilast := g.In[last]
	sl, dl, pl := g.Stride[last], g.Dilation[last], g.PadBegin[last]
	for c := 0; c < channels; c++ {
		im := img[c*in : (c+1)*in]
		clear(kidx)
		for k := 0; k < kn; k++ {
			row := col[(c*kn+k)*on : (c*kn+k+1)*on]
			clear(oidx)
			off := kidx[last]*dl - pl
			for o := 0; o < on; o += olast {
				seg := row[o : o+olast]
				// Offset of the input row for the leading dims, or -1.
				base, inside := 0, true
				for d := 0; d < last; d++ {
					x := oidx[d]*g.Stride[d] - g.PadBegin[d] + kidx[d]*g.Dilation[d]
					if x < 0 || x >= g.In[d] {
						inside = false
						break
					}
					base = base*g.In[d] + x
				}
				if !inside {
					if !add {
						clear(seg)
					}
				} else {
					irow := im[base*ilast : (base+1)*ilast]
					x := off
					if add {
						for j := range seg {
							if uint(x) < uint(ilast) {
								irow[x] += seg[j]
							}
							x += sl
						}
					} else if sl == 1 && x >= 0 && x+olast <= ilast {
						copy(seg, irow[x:x+olast])
					} else {
						for j := range seg {
							if uint(x) < uint(ilast) {
								seg[j] = irow[x]
							} else {
								seg[j] = 0
							}
							x += sl
						}
					}
				}
				// Advance the output odometer over the leading dims.
				for d := last - 1; d >= 0; d-- {
					oidx[d]++
					if oidx[d] < g.Out[d] {
						break
					}
					oidx[d] = 0
				}
			}
			for d := last; d >= 0; d-- {
				kidx[d]++
				if kidx[d] < g.Kernel[d] {
					break
				}
				kidx[d] = 0
			}
		}
	}
}
