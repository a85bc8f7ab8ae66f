package ops

import (
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qdQuantizeFast is QuantizeLinear of float32 per tensor to uint8/int8
// through linalg.QuantizeF32To8 (SIMD, same formula as qpQuantizeF32:
// float32 quotient, NaN to the zero point, half-to-even rounding,
// saturation), into an uninitialised arena buffer since every byte is
// written. It returns nil for other cases.
func qdQuantizeFast(ctx *Context, x *tensor.Tensor, scales []float32, zps []int32, odt tensor.DType) (*tensor.Tensor, error) {
	if x.DType() != tensor.Float32 || len(scales) != 1 || len(zps) > 1 || (odt != tensor.Uint8 && odt != tensor.Int8) {
		return nil, nil
	}
	zp := int32(0)
	if len(zps) == 1 {
		zp = zps[0]
	}
	out, err := ctx.NewTensorUninit(odt, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	dst := qfByteData(out)
	xs, sc, signed := x.Float32s(), scales[0], odt == tensor.Int8
	if zaSerialN(ctx, len(xs), 1<<16) {
		linalg.QuantizeF32To8(dst, xs, sc, zp, signed)
		return out, nil
	}
	ctx.Parallel(len(xs), 1<<16, func(lo, hi int) {
		linalg.QuantizeF32To8(dst[lo:hi], xs[lo:hi], sc, zp, signed)
	})
	return out, nil
}
