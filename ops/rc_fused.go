package ops

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// Internal operators (domain "qinfer") emitted by the transformer fusion
// pass (ir/passes/rc_fuse.go) for the SVTR mixer of PP-OCR rec and similar
// graphs exported op by op:
//
//	LayerNorm(X, Scale, B)    LayerNormalization (axis, epsilon) at any opset
//	Swish(X)                  X·σ(alpha·X)
//	MatMulBias(A, B, bias)    A·B + bias, B 2-D, bias [N]; activation "" or
//	                          "Swish" (alpha) applied to the sum

func init() {
	Register("qinfer", "LayerNorm", 1, cvNewLayerNorm)
	Register("qinfer", "Swish", 1, rcNewSwish)
	Register("qinfer", "MatMulBias", 1, rcNewMatMulBias)
	Register("", "Sigmoid", 1, rcNewSigmoid)
}

// rcActGrain is the element count a thread takes at least for the
// vectorised sigmoid (about half a nanosecond per element).
const rcActGrain = 1 << 13

// rcSigmoidInPlace32 runs linalg.Sigmoid32 over y (read from x) in chunks
// split over threads.
func rcSigmoid32(ctx *Context, x, y []float32, alpha float32, swish bool) {
	if zaSerialN(ctx, len(x), rcActGrain) {
		linalg.Sigmoid32(x, y, alpha, swish)
		return
	}
	ctx.Parallel(len(x), rcActGrain, func(lo, hi int) { linalg.Sigmoid32(x[lo:hi], y[lo:hi], alpha, swish) })
}

// rcNewSigmoid is Sigmoid: float32 through the vectorised kernel, other
// float types through the float64 definition.
func rcNewSigmoid(n *ir.Node, opset int) (Kernel, error) {
	return rcSigmoidKernel(1, false), nil
}

// rcNewSwish is qinfer.Swish: X·σ(alpha·X).
func rcNewSwish(n *ir.Node, opset int) (Kernel, error) {
	return rcSigmoidKernel(n.AttrFloat("alpha", 1), true), nil
}

func rcSigmoidKernel(alpha float32, swish bool) Kernel {
	a64 := float64(alpha)
	slow := ewFloatKernel(nil, func(v float64) float64 {
		s := ewSigmoid64(float64(float32(a64 * v)))
		if swish {
			s *= v
		}
		return s
	})
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		if x.DType() != tensor.Float32 {
			return slow.Run(ctx, in)
		}
		y, err := ctx.NewTensor(tensor.Float32, x.Shape()...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		rcSigmoid32(ctx, x.Float32s(), y.Float32s(), alpha, swish)
		return ctx.One(y), nil
	})
}

// rcMatMulBias is qinfer.MatMulBias.
type rcMatMulBias struct {
	swish bool
	alpha float32
}

func rcNewMatMulBias(n *ir.Node, opset int) (Kernel, error) {
	k := &rcMatMulBias{alpha: n.AttrFloat("alpha", 1)}
	switch act := n.AttrString("activation", ""); act {
	case "":
	case "Swish":
		k.swish = true
	default:
		return nil, NodeErrf(n, "activation %q: %w", act, ErrUnsupported)
	}
	return k, nil
}

// rcMatMulBiasLocal is a step's per-session epilogue.
type rcMatMulBiasLocal struct{ ep linalg.Epilogue }

func (k *rcMatMulBias) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	a, b, bias := in[0], in[1], in[2]
	if a.DType() != tensor.Float32 || b.DType() != tensor.Float32 || bias.DType() != tensor.Float32 {
		return nil, ctx.Errf("A %v, B %v, bias %v: want float32: %w", a.DType(), b.DType(), bias.DType(), tensor.ErrDType)
	}
	bs := b.Shape()
	if len(bs) != 2 || bias.Len() != bs[1] || len(bias.Shape()) != 1 {
		return nil, ctx.Errf("B%v and bias%v: want B 2-D and bias [N]: %w", bs, bias.Shape(), tensor.ErrShape)
	}
	p, err := cvPlanMatMul(ctx, a.Shape(), bs)
	if err != nil {
		return nil, err
	}
	y, err := ctx.NewTensor(tensor.Float32, p.out...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	n, kk := p.n, p.k
	rows := 0
	if n > 0 {
		rows = y.Len() / n
	}
	yd := y.Float32s()
	if rows > 0 && n > 0 {
		// B is shared by every batch and A is contiguous: one tall product.
		loc := zaLocal[rcMatMulBiasLocal](ctx)
		loc.ep = linalg.Epilogue{ColBias: bias.Float32s()}
		if kk == 0 {
			for r := 0; r < rows; r++ {
				copy(yd[r*n:(r+1)*n], loc.ep.ColBias)
			}
		} else {
			pfSgemm(cvThreads(ctx), false, false, rows, n, kk, 1, a.Float32s(), kk, b.Float32s(), n, 0, yd, n, &loc.ep)
		}
	}
	if k.swish {
		rcSigmoid32(ctx, yd, yd, k.alpha, true)
	}
	return ctx.One(y), nil
}
