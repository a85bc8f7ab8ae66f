package ops

import (
	"math"

	"github.com/qinfer/qinfer/tensor"
)

// zaLayerNormF32 is LayerNormalization for float32 X, Scale and B whose
// shapes are exactly the normalised dims, with only the Y output: the
// same float64 arithmetic as the general path (mean, population
// variance, (x-mean)/sqrt(var+eps), times scale, plus bias, rounded once
// to float32), element by element into an arena tensor, with no float64
// copies. ok is false when the general path must run.
func zaLayerNormF32(ctx *Context, eps float64, axis int, in []*tensor.Tensor) (y *tensor.Tensor, ok bool, err error) {
	x, sc, b := in[0], in[1], Opt(in, 2)
	if ctx == nil || len(ctx.Node.Outputs) > 1 || x.DType() != tensor.Float32 || sc.DType() != tensor.Float32 {
		return nil, false, nil
	}
	norm := x.Shape()[axis:]
	if !tensor.SameShape(sc.Shape(), norm) || b != nil && (b.DType() != tensor.Float32 || !tensor.SameShape(b.Shape(), norm)) {
		return nil, false, nil
	}
	inner := tensor.Size(norm)
	if inner == 0 {
		return nil, false, nil
	}
	y, err = ctx.NewTensor(tensor.Float32, x.Shape()...)
	if err != nil {
		return nil, true, ctx.Errf("%w", err)
	}
	xd, yd, s := x.Float32s(), y.Float32s(), sc.Float32s()
	var bias []float32
	if b != nil {
		bias = b.Float32s()
	}
	n := float64(inner)
	for g := 0; g+inner <= len(xd); g += inner {
		seg, out := xd[g:g+inner], yd[g:g+inner]
		var mean, variance float64
		for _, v := range seg {
			mean += float64(v)
		}
		mean /= n
		for _, v := range seg {
			d := float64(v) - mean
			variance += d * d
		}
		is := 1 / math.Sqrt(variance/n+eps)
		for j, v := range seg {
			r := (float64(v) - mean) * is
			r *= float64(s[j])
			if bias != nil {
				r += float64(bias[j])
			}
			out[j] = float32(r)
		}
	}
	return y, true, nil
}
