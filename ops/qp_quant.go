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
