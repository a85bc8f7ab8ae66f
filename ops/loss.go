package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (ai.onnx 12, 13).
//
// input is [N, C, d1..dk] and target [N, d1..dk] holds class indices. Each
// element's loss is -w[t]*x[n, t, d] (x the log-softmax of the input for
// SoftmaxCrossEntropyLoss), with w the optional per-class weight (1 when
// absent) and 0 where t == ignore_index. reduction "mean" divides the sum by
// the sum of the weights actually used, as the ONNX reference does.

func init() {
	for _, v := range []int{12, 13} {
		Register("", "NegativeLogLikelihoodLoss", v, func(n *ir.Node, _ int) (Kernel, error) {
			return rnNewLoss(n, false)
		})
		Register("", "SoftmaxCrossEntropyLoss", v, func(n *ir.Node, _ int) (Kernel, error) {
			return rnNewLoss(n, true)
		})
	}
}

type rnLossReduction int

const (
	rnReduceNone rnLossReduction = iota
	rnReduceSum
	rnReduceMean
)

type rnLoss struct {
	softmax   bool
	reduction rnLossReduction
	hasIgnore bool
	ignore    int64
}

func rnNewLoss(n *ir.Node, softmax bool) (Kernel, error) {
	k := &rnLoss{softmax: softmax}
	switch r := n.AttrString("reduction", "mean"); r {
	case "none":
		k.reduction = rnReduceNone
	case "sum":
		k.reduction = rnReduceSum
	case "mean":
		k.reduction = rnReduceMean
	default:
		return nil, NodeErrf(n, "reduction %q: %w", r, ir.ErrInvalidModel)
	}
	if a := n.Attr("ignore_index"); a != nil {
		if a.Type != ir.AttrInt {
			return nil, NodeErrf(n, "ignore_index must be an int: %w", ir.ErrInvalidModel)
		}
		k.hasIgnore, k.ignore = true, a.I
	}
	return KernelFunc(k.run), nil
}

func (k *rnLoss) run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, target, weight := in[0], in[1], Opt(in, 2)
	dt := x.DType()
	if !rnIsFloat(dt) {
		return nil, DTypeErr(ctx, dt)
	}
	xs := x.Shape()
	if len(xs) < 2 {
		return nil, ctx.Errf("input must be [N, C, ...], has shape %v: %w", xs, tensor.ErrShape)
	}
	N, C := xs[0], xs[1]
	ts := target.Shape()
	want := append([]int{N}, xs[2:]...)
	if !tensor.SameShape(ts, want) {
		return nil, ctx.Errf("target shape %v, want %v for input %v: %w", ts, want, xs, tensor.ErrShape)
	}
	if target.DType() != tensor.Int32 && target.DType() != tensor.Int64 {
		return nil, ctx.Errf("target dtype %v, want int32 or int64: %w", target.DType(), tensor.ErrDType)
	}
	var w []float64
	if weight != nil {
		if weight.Rank() != 1 || weight.Dim(0) != C {
			return nil, ctx.Errf("weight shape %v, want [%d]: %w", weight.Shape(), C, tensor.ErrShape)
		}
		if !rnIsFloat(weight.DType()) {
			return nil, DTypeErr(ctx, weight.DType())
		}
		w = rnF64(weight)
	}
	tg, err := target.AsInt64s()
	if err != nil {
		return nil, ctx.Errf("target: %w", err)
	}
	D := 1
	for _, d := range xs[2:] {
		D *= d
	}
	v := rnF64(x)
	if k.softmax {
		rnLogSoftmaxAxis1(v, N, C, D)
	}

	if _, err := alCheckShape(ctx, tensor.Float64, append([]int{N}, xs[2:]...)); err != nil {
		return nil, err
	}
	losses := make([]float64, N*D)
	var sum, wsum float64
	for n := 0; n < N; n++ {
		for d := 0; d < D; d++ {
			i := n*D + d
			t := tg[i]
			if k.hasIgnore && t == k.ignore {
				continue
			}
			if t < 0 || t >= int64(C) {
				return nil, ctx.Errf("target %d at %d out of range [0, %d): %w", t, i, C, tensor.ErrShape)
			}
			wt := 1.0
			if w != nil {
				wt = w[t]
			}
			l := -v[(n*C+int(t))*D+d] * wt
			losses[i] = l
			sum += l
			wsum += wt
		}
	}

	var loss *tensor.Tensor
	switch k.reduction {
	case rnReduceNone:
		loss, err = rnFromF64(dt, ts, losses)
	case rnReduceSum:
		loss, err = rnFromF64(dt, nil, []float64{sum})
	default:
		loss, err = rnFromF64(dt, nil, []float64{sum / wsum})
	}
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	out := []*tensor.Tensor{loss}
	if k.softmax && len(ctx.Node.Outputs) > 1 {
		lp, err := rnFromF64(dt, xs, v)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		out = append(out, lp)
	}
	return out, nil
}

// rnLogSoftmaxAxis1 replaces v, laid out [N, C, D], by its log-softmax
// over C.
func rnLogSoftmaxAxis1(v []float64, N, C, D int) {
	if C == 0 {
		return
	}
	for n := 0; n < N; n++ {
		base := n * C * D
		for d := 0; d < D; d++ {
			m := math.Inf(-1)
			for c := 0; c < C; c++ {
				if x := v[base+c*D+d]; x > m {
					m = x
				}
			}
			var s float64
			for c := 0; c < C; c++ {
				s += math.Exp(v[base+c*D+d] - m)
			}
			ls := m + math.Log(s)
			for c := 0; c < C; c++ {
				v[base+c*D+d] -= ls
			}
		}
	}
}
