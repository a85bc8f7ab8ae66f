package ops

// Per-tensor QuantizeLinear float32 → uint8/int8 in float32 with the
// magic-number rounding: y = saturate(roundHalfEven(x / scale) + zp), NaN
// quotients giving zp, exactly like qsQuantStore (the quotient is the same
// float32 division; clamping to the integer bounds lo−zp, hi−zp before
// rounding gives the same saturated result).

import "github.com/qinfer/qinfer/tensor"

// qpQuantizeF32 writes dst[i] = saturate(roundHalfEven(x[i]/scale) + zp).
func qpQuantizeF32[T uint8 | int8](ctx *Context, dst []T, x []float32, scale float32, zp int32) {
	lo, hi := int32(0), int32(255)
	if _, ok := any(dst).([]int8); ok {
		lo, hi = -128, 127
	}
	flo, fhi := float32(lo-zp), float32(hi-zp)
	if zaSerialN(ctx, len(x), 1<<16) {
		qpQuantizeSpan(dst, x, scale, flo, fhi, zp) // no closure: no allocation
		return
	}
	ctx.Parallel(len(x), 1<<16, func(a, b int) {
		qpQuantizeSpan(dst[a:b], x[a:b], scale, flo, fhi, zp)
	})
}

// qpQuantizeSpan is qpQuantizeF32's loop over one span.
func qpQuantizeSpan[T uint8 | int8](d []T, s []float32, scale, flo, fhi float32, zp int32) {
	for i, v := range s {
		f := v / scale
		if f != f {
			f = 0
		}
		d[i] = T(qpRound(min(max(f, flo), fhi)) + zp)
	}
}

// qpQuantizeFast runs qpQuantizeF32 when x is float32, the scale per
// tensor and the output uint8 or int8; it returns nil otherwise.
func qpQuantizeFast(ctx *Context, x *tensor.Tensor, scales []float32, zps []int32, odt tensor.DType) (*tensor.Tensor, error) {
	if x.DType() != tensor.Float32 || len(scales) != 1 || (odt != tensor.Uint8 && odt != tensor.Int8) {
		return nil, nil
	}
	out, err := ctx.NewTensor(odt, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	zp := int32(0)
	if len(zps) > 0 {
		zp = zps[0]
	}
	if odt == tensor.Uint8 {
		qpQuantizeF32(ctx, out.Data().([]uint8), x.Float32s(), scales[0], zp)
	} else {
		qpQuantizeF32(ctx, out.Data().([]int8), x.Float32s(), scales[0], zp)
	}
	return out, nil
}

// qhDequantizeFast is DequantizeLinear for 8-bit inputs and float32 output,
// per tensor or per axis: each of the 256 input values (per channel) maps
// to one float32, computed once with the reference formula
// float32((x - zp) * scale) (exact in float64, one rounding), so the run is
// a table gather split over threads. It returns nil for other cases.
func qhDequantizeFast(ctx *Context, x *tensor.Tensor, scales []float32, zps []int32, odt tensor.DType, lay *qsLayout) (*tensor.Tensor, error) {
	if odt != tensor.Float32 || (x.DType() != tensor.Uint8 && x.DType() != tensor.Int8) {
		return nil, nil
	}
	if lay.mode != qsPerTensor && (lay.mode != qsPerAxis || lay.d > 4096) {
		return nil, nil
	}
	nt := 1
	if lay.mode == qsPerAxis {
		nt = lay.d
	}
	if len(scales) < nt || len(zps) < nt {
		return nil, nil
	}
	signed := x.DType() == tensor.Int8
	tabs := make([][256]float32, nt)
	for c := range tabs {
		for b := 0; b < 256; b++ {
			v := float64(b)
			if signed {
				v = float64(int8(uint8(b)))
			}
			tabs[c][b] = float32((v - float64(zps[c])) * float64(scales[c]))
		}
	}
	out, err := ctx.NewTensor(tensor.Float32, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	var src []uint8
	if signed {
		src = qfBytes(tensor.Data[int8](x))
	} else {
		src = tensor.Data[uint8](x)
	}
	dst := out.Float32s()
	if nt == 1 {
		tab := &tabs[0]
		ctx.Parallel(len(src), 1<<14, func(lo, hi int) {
			s, d := src[lo:hi], dst[lo:hi]
			for i, v := range s {
				d[i] = tab[v]
			}
		})
		return out, nil
	}
	post := lay.post
	if post == 0 {
		return out, nil
	}
	// One block of post elements per (outer index, channel).
	ctx.Parallel(lay.pre*lay.d, max(1, (1<<14)/post), func(lo, hi int) {
		for blk := lo; blk < hi; blk++ {
			tab := &tabs[blk%lay.d]
			s, d := src[blk*post:(blk+1)*post], dst[blk*post:(blk+1)*post]
			for i, v := range s {
				d[i] = tab[v]
			}
		}
	})
	return out, nil
}
