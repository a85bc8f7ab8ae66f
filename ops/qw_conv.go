package ops

// Fast QLinearConv: the input is transposed to channels-last once per
// image, an integer im2col builds A = [output pixel, (kh, kw, c)] (padding
// holds the input zero point, so it adds nothing), and linalg.QGemmRequant
// multiplies it by the group's weights packed once as B = Wᵀ with
// per-output-channel multipliers. 1×1 stride-1 unpadded convolutions use
// the channels-last input as A directly. Depthwise convolutions
// (group == C == output channels) run a direct int32 kernel. Every path
// computes the same int32 sums and the same float32 requantization as
// qsConvCompute, so outputs are bit-identical.

import (
	"math"
	"sync"
	"unsafe"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qwConv2D is the 2-D view of a convolution (a 1-D one gets H = 1).
type qwConv2D struct {
	h, w, kh, kw, oh, ow   int
	sh, sw, ph, pw, dh, dw int
}

// qwConvView returns the 2-D view of g, or false for 3-D and higher.
func qwConvView(g *qsConvGeom) (qwConv2D, bool) {
	switch len(g.in) {
	case 1:
		return qwConv2D{h: 1, w: g.in[0], kh: 1, kw: g.kern[0], oh: 1, ow: g.out[0],
			sh: 1, sw: g.strides[0], pw: g.padBegin[0], dh: 1, dw: g.dils[0]}, true
	case 2:
		return qwConv2D{h: g.in[0], w: g.in[1], kh: g.kern[0], kw: g.kern[1], oh: g.out[0], ow: g.out[1],
			sh: g.strides[0], sw: g.strides[1], ph: g.padBegin[0], pw: g.padBegin[1], dh: g.dils[0], dw: g.dils[1]}, true
	}
	return qwConv2D{}, false
}

// qwIsDepthwise reports a convolution with one input and one output channel
// per group.
func qwIsDepthwise(g *qsConvGeom) bool {
	return g.group > 1 && g.group == g.cin && g.group == g.cout
}

// qwNHWC selects the channels-last im2col path over q8ConvFast (tests).
var qwNHWC = false

// qwConvFast runs the fast QLinearConv on x, w into out. It returns false
// (and does nothing) when the shape needs the reference path.
func (c *qsConv) qwConvFast(ctx *Context, x, w, wZP, out *tensor.Tensor, r *qsConvRun) (bool, error) {
	g := r.g
	v := &zaQConv(ctx).v // per-session storage: a local's address would escape
	var ok bool
	*v, ok = qwConvView(g)
	if !ok || g.cin == 0 {
		return false, nil
	}
	if g.batch == 0 || g.cout == 0 || g.outSize == 0 {
		return true, nil
	}
	if qwIsDepthwise(g) {
		c.qdwConv(ctx, x, w, wZP, out, r, v)
		return true, nil
	}
	if !qwNHWC && v.sh*v.sw <= 16 {
		return true, c.q8ConvFast(ctx, x, w, wZP, out, r, v)
	}
	packs, err := c.qwPack.get(ctx.zaKeyOf(w, wZP), func() ([]*linalg.QPackedB, error) {
		if w.DType() == tensor.Uint8 {
			return qwConvPack(tensor.Data[uint8](w), r), nil
		}
		return qwConvPack(tensor.Data[int8](w), r), nil
	})
	if err != nil {
		return false, err
	}
	switch {
	case x.DType() == tensor.Uint8 && out.DType() == tensor.Uint8:
		qwConvGemm(ctx, tensor.Data[uint8](x), tensor.Data[uint8](out), r, v, packs)
	case x.DType() == tensor.Uint8:
		qwConvGemm(ctx, tensor.Data[uint8](x), tensor.Data[int8](out), r, v, packs)
	case out.DType() == tensor.Uint8:
		qwConvGemm(ctx, tensor.Data[int8](x), tensor.Data[uint8](out), r, v, packs)
	default:
		qwConvGemm(ctx, tensor.Data[int8](x), tensor.Data[int8](out), r, v, packs)
	}
	return true, nil
}

// qwConvPack packs each group's weights as B (k = (kh, kw, c) in the
// im2col order, n = the group's output channels) with their zero points.
func qwConvPack[TW linalg.QInt](w []TW, r *qsConvRun) []*linalg.QPackedB {
	g := r.g
	cg, mg := g.cin/g.group, g.cout/g.group
	ks := g.kSize
	kk := cg * ks
	perm := make([]TW, mg*kk)
	packs := make([]*linalg.QPackedB, g.group)
	for gr := range packs {
		m0 := gr * mg
		for m := 0; m < mg; m++ {
			src := w[(m0+m)*kk : (m0+m+1)*kk]
			dst := perm[m*kk : (m+1)*kk]
			for ch := 0; ch < cg; ch++ {
				for kp := 0; kp < ks; kp++ {
					dst[kp*cg+ch] = src[ch*ks+kp]
				}
			}
		}
		packs[gr] = linalg.QPackBTrans(kk, mg, perm, kk, r.wZ[m0:m0+mg])
	}
	return packs
}

// qwConvGemm runs the im2col + QGemmRequant path for every image.
func qwConvGemm[TX, TY linalg.QInt](ctx *Context, x []TX, y []TY, r *qsConvRun, v *qwConv2D, packs []*linalg.QPackedB) {
	g := r.g
	cin, cout := g.cin, g.cout
	cg, mg := cin/g.group, cout/g.group
	hw, P := v.h*v.w, g.outSize
	kk := cg * v.kh * v.kw
	direct := v.kh == 1 && v.kw == 1 && v.sh == 1 && v.sw == 1 && v.ph == 0 && v.pw == 0 &&
		v.oh == v.h && v.ow == v.w
	// Session scratch (the runtime runs one step at a time), not a
	// sync.Pool: a GC empties pools, and the next run would allocate.
	xt, yt := qwAs[TX](ctx.zaScratch(0, hw*cin)), qwAs[TY](ctx.zaScratch(1, P*cout))
	var cols []TX
	if !direct {
		cols = qwAs[TX](ctx.zaScratch(2, P*kk))
	}
	xZ := zaOneI32(r.xZ)
	threads := max(ctx.Threads, 1)
	for b := 0; b < g.batch; b++ {
		qwTranspose(ctx, xt, x[b*cin*hw:(b+1)*cin*hw], cin, hw)
		for gr := 0; gr < g.group; gr++ {
			m0 := gr * mg
			a, lda := xt[gr*cg:], cin
			if !direct {
				qwIm2col(ctx, cols, xt, cin, gr*cg, cg, TX(r.xZ), v)
				a, lda = cols, kk
			}
			var bias []int32
			if r.bias != nil {
				bias = r.bias[m0 : m0+mg]
			}
			linalg.QGemmRequant(threads, P, mg, kk, a, lda, xZ, packs[gr], bias, r.mult[m0:m0+mg], r.yZ, yt[m0:], cout)
		}
		qwTranspose(ctx, y[b*cout*P:(b+1)*cout*P], yt, P, cout)
	}
}

// qwTranspose writes dst (c×r) = srcᵀ for src r×c (qpTransposeBytes),
// split over threads by bands of 8·k source rows.
func qwTranspose[T linalg.QInt](ctx *Context, dst, src []T, r, c int) {
	d, s := qwBytes(dst), qwBytes(src)
	bands := (r + 7) / 8
	if grain := max(1, (1<<15)/(8*max(c, 1))); zaSerialN(ctx, bands, grain) {
		qpTransposeBytes(d, s, r, c, 0, r) // no closure: no allocation
		return
	}
	ctx.Parallel(bands, max(1, (1<<15)/(8*max(c, 1))), func(lo, hi int) {
		qpTransposeBytes(d, s, r, c, lo*8, min(hi*8, r))
	})
}

// qwBytes views 8-bit values as bytes.
func qwBytes[T linalg.QInt](s []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// qwIm2col fills cols (P × kh·kw·cg, row-major) from the channels-last
// input xt (h·w × cin): row (oh, ow), column (kh, kw, c) holds input
// channel c0+c at the tap's pixel, or zp outside the image. When the
// group spans all channels and dw == 1, the kw taps of one kernel row
// inside the image are one contiguous copy of kw·cin bytes.
func qwIm2col[T linalg.QInt](ctx *Context, cols, xt []T, cin, c0, cg int, zp T, v *qwConv2D) {
	kk := v.kh * v.kw * cg
	grain := max(1, 8192/max(v.ow*kk, 1))
	if zaSerialN(ctx, v.oh, grain) {
		qwIm2colRows(cols, xt, cin, c0, cg, zp, v, 0, v.oh) // no closure: no allocation
		return
	}
	ctx.Parallel(v.oh, grain, func(lo, hi int) { qwIm2colRows(cols, xt, cin, c0, cg, zp, v, lo, hi) })
}

// qwIm2colRows fills the rows of output rows [lo, hi) for qwIm2col.
func qwIm2colRows[T linalg.QInt](cols, xt []T, cin, c0, cg int, zp T, v *qwConv2D, lo, hi int) {
	kk := v.kh * v.kw * cg
	runs := cg == cin && v.dw == 1
	krow := v.kw * cg
	{
		for oh := lo; oh < hi; oh++ {
			for ow := 0; ow < v.ow; ow++ {
				row := cols[(oh*v.ow+ow)*kk : (oh*v.ow+ow+1)*kk]
				iw0 := ow*v.sw - v.pw
				inside := iw0 >= 0 && iw0+(v.kw-1)*v.dw < v.w
				for kh := 0; kh < v.kh; kh++ {
					ih := oh*v.sh - v.ph + kh*v.dh
					dst := row[kh*krow : (kh+1)*krow]
					if ih < 0 || ih >= v.h {
						qwFill(dst, zp)
						continue
					}
					if runs && inside {
						off := (ih*v.w + iw0) * cin
						copy(dst, xt[off:off+krow])
						continue
					}
					for kw := 0; kw < v.kw; kw++ {
						iw := iw0 + kw*v.dw
						d := dst[kw*cg : (kw+1)*cg]
						if iw < 0 || iw >= v.w {
							qwFill(d, zp)
							continue
						}
						off := (ih*v.w+iw)*cin + c0
						copy(d, xt[off:off+cg])
					}
				}
			}
		}
	}
}

// qwFill sets every element of d to v.
func qwFill[T linalg.QInt](d []T, v T) {
	for i := range d {
		d[i] = v
	}
}

func qwConvDWY[TX, TW linalg.QInt](ctx *Context, x, w, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) {
	if out.DType() == tensor.Uint8 {
		qwConvDW(ctx, tensor.Data[TX](x), tensor.Data[TW](w), tensor.Data[uint8](out), r, v)
	} else {
		qwConvDW(ctx, tensor.Data[TX](x), tensor.Data[TW](w), tensor.Data[int8](out), r, v)
	}
}

// qwConvDW is the depthwise kernel: per (image, channel) plane, int32 sums
// of (x - xZ)·(w - wZ[c]) over the taps inside the image (padding taps
// hold xZ and add 0), plus bias, then qwRequant per output row.
func qwConvDW[TX, TW, TY linalg.QInt](ctx *Context, x []TX, w []TW, y []TY, r *qsConvRun, v *qwConv2D) {
	g := r.g
	C, hw := g.cin, v.h*v.w
	ks := v.kh * v.kw
	fast3 := v.kh == 3 && v.kw == 3 && v.dh == 1 && v.dw == 1 && (v.sw == 1 || v.sw == 2)
	if zaSerialN(ctx, g.batch*C, 1) {
		// Session scratch, no closure: no allocation per run.
		qwConvDWJobs(x, w, y, r, v, fast3, 0, g.batch*C, zaI32s(ctx, 0, ks), zaI32s(ctx, 1, hw), zaI32s(ctx, 2, v.ow))
		return
	}
	ctx.Parallel(g.batch*C, 1, func(lo, hi int) {
		qwConvDWJobs(x, w, y, r, v, fast3, lo, hi, make([]int32, ks), make([]int32, hw), make([]int32, v.ow))
	})
}

// qwConvDWJobs runs planes [lo, hi) of qwConvDW with scratch wc (ks), xs
// (h·w) and acc (ow).
func qwConvDWJobs[TX, TW, TY linalg.QInt](x []TX, w []TW, y []TY, r *qsConvRun, v *qwConv2D, fast3 bool, lo, hi int, wc, xs, acc []int32) {
	g := r.g
	C, hw, P := g.cin, v.h*v.w, g.outSize
	ks := v.kh * v.kw
	for job := lo; job < hi; job++ {
		ch := job % C
		for i := range wc {
			wc[i] = int32(w[ch*ks+i]) - r.wZ[ch]
		}
		for i, e := range x[job*hw : (job+1)*hw] {
			xs[i] = int32(e) - r.xZ
		}
		var bias int32
		if r.bias != nil {
			bias = r.bias[ch]
		}
		mult := r.mult[ch]
		if fast3 {
			var w9 [9]int32
			copy(w9[:], wc)
			var rows [3][]int32
			for oh := 0; oh < v.oh; oh++ {
				for kh := range rows {
					rows[kh] = nil
					if ih := oh*v.sh - v.ph + kh; ih >= 0 && ih < v.h {
						rows[kh] = xs[ih*v.w : (ih+1)*v.w]
					}
				}
				qpDW3x3Row(acc, &rows, &w9, bias, v.sw, v.pw, v.w)
				yo := job*P + oh*v.ow
				qwRequant(y[yo:yo+v.ow], acc, mult, r.yZ)
			}
			continue
		}
		for oh := 0; oh < v.oh; oh++ {
			for ow := range acc {
				acc[ow] = bias
			}
			for kh := 0; kh < v.kh; kh++ {
				ih := oh*v.sh - v.ph + kh*v.dh
				if ih < 0 || ih >= v.h {
					continue
				}
				xrow := xs[ih*v.w : (ih+1)*v.w]
				if v.kw == 3 && v.sw == 1 {
					// Three taps per pass over the row: off = kw*dw - pw.
					qwDWRow3(acc, xrow, wc[kh*3:kh*3+3], v.dw, -v.pw)
					continue
				}
				for kw := 0; kw < v.kw; kw++ {
					wv := wc[kh*v.kw+kw]
					off := kw*v.dw - v.pw
					// Output columns whose tap lies inside the row:
					// 0 <= ow*sw + off < w.
					o0 := 0
					if off < 0 {
						o0 = (-off + v.sw - 1) / v.sw
					}
					o1 := v.ow
					if last := v.w - 1 - off; last < 0 {
						o1 = 0
					} else {
						o1 = min(o1, last/v.sw+1)
					}
					if v.sw == 1 {
						if o0 < o1 {
							src := xrow[o0+off : o1+off]
							dst := acc[o0:o1]
							for i, xv := range src {
								dst[i] += xv * wv
							}
						}
						continue
					}
					for ow := o0; ow < o1; ow++ {
						acc[ow] += xrow[ow*v.sw+off] * wv
					}
				}
			}
			yo := job*P + oh*v.ow
			qwRequant(y[yo:yo+v.ow], acc, mult, r.yZ)
		}
	}
}

// qwRequant is linalg.RequantRef with one multiplier and zero point:
// dst[j] = saturate(roundHalfEven(float32(acc[j])·mult) + zp), NaN giving
// 0 clamped into range. Clamping before rounding to the integer bounds
// lo-zp, hi-zp gives the same result with one float compare pair.
func qwRequant[T linalg.QInt](dst []T, acc []int32, mult float32, zp int32) {
	lo, hi := linalg.QRange[T]()
	flo, fhi := float32(lo-zp), float32(hi-zp)
	nan := T(min(max(0, lo), hi))
	dst = dst[:len(acc)]
	if mult >= 0 && mult <= math.MaxFloat32 {
		// f is finite: clamp branch-free (MINSS/MAXSS), round by the magic
		// number.
		for j, v := range acc {
			f := min(max(float32(v)*mult, flo), fhi)
			dst[j] = T(qpRound(f) + zp)
		}
		return
	}
	for j, v := range acc {
		f := float32(v) * mult
		if f != f {
			dst[j] = nan
			continue
		}
		if f < flo {
			f = flo
		} else if f > fhi {
			f = fhi
		}
		// Adding 1.5·2^23 rounds |f| <= 2^22 to an integer, ties to even,
		// in float32: the same as math.RoundToEven here (|f| <= 510).
		f = (f + qwRoundMagic) - qwRoundMagic
		dst[j] = T(int32(f) + zp)
	}
}

const qwRoundMagic = 12582912 // 1.5·2^23

// qwDWRow3 adds the three taps w[0..2] of one kernel row to acc for a
// stride-1 row: acc[ow] += Σ_t xrow[ow+off+t·dw]·w[t] over taps inside
// the row. The interior, where all three are inside, runs unrolled.
func qwDWRow3(acc, xrow, w []int32, dw, off int) {
	n := len(xrow)
	w0, w1, w2 := w[0], w[1], w[2]
	// Interior: 0 <= ow+off and ow+off+2dw < n.
	lo := max(0, -off)
	hi := min(len(acc), n-off-2*dw)
	for ow := 0; ow < len(acc); ow++ {
		if ow == lo && lo < hi {
			a := acc[lo:hi]
			x0 := xrow[lo+off : hi+off]
			x1 := xrow[lo+off+dw : hi+off+dw]
			x2 := xrow[lo+off+2*dw : hi+off+2*dw]
			for i := range a {
				a[i] += x0[i]*w0 + x1[i]*w1 + x2[i]*w2
			}
			ow = hi - 1
			continue
		}
		for t := 0; t < 3; t++ {
			if p := ow + off + t*dw; p >= 0 && p < n {
				acc[ow] += xrow[p] * w[t]
			}
		}
	}
}

// qwBufPool recycles the conv scratch buffers (channels-last input,
// im2col matrix, channels-last output) between runs.
var qwBufPool sync.Pool

// qwGetBuf returns a scratch buffer of n bytes (contents undefined).
func qwGetBuf(n int) *[]byte {
	if b, ok := qwBufPool.Get().(*[]byte); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]byte, n)
	return &b
}

func qwPutBuf(b *[]byte) { qwBufPool.Put(b) }

// qwAs views a byte buffer as 8-bit values of type T.
func qwAs[T linalg.QInt](b []byte) []T {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b))
}
