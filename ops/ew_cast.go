package ops

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ewCastTo converts x to dt with ONNX Cast semantics; saturate applies to
// float8 targets (opset 19).
func ewCastTo(ctx *Context, x *tensor.Tensor, dt tensor.DType, saturate bool) ([]*tensor.Tensor, error) {
	if !dt.Supported() {
		return nil, DTypeErr(ctx, dt)
	}
	if x.DType() == dt {
		return One(x), nil
	}
	t, err := tensor.CastSat(x, dt, saturate)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(t), nil
}

func ewCastFactory(n *ir.Node, opset int) (Kernel, error) {
	a := n.Attr("to")
	if a == nil {
		return nil, NodeErrf(n, "attribute 'to' missing: %w", ir.ErrInvalidModel)
	}
	dt := tensor.DType(a.I)
	if a.Type == ir.AttrString {
		return nil, NodeErrf(n, "string 'to' attribute: %w", ErrUnsupported)
	}
	if !dt.Supported() {
		return nil, NodeErrf(n, "cast to %v: %w", dt, ErrUnsupported)
	}
	saturate := n.AttrInt("saturate", 1) != 0
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		return ewCastTo(ctx, in[0], dt, saturate)
	}), nil
}

func ewCastLikeFactory(n *ir.Node, opset int) (Kernel, error) {
	saturate := n.AttrInt("saturate", 1) != 0
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 2); err != nil {
			return nil, err
		}
		return ewCastTo(ctx, in[0], in[1].DType(), saturate)
	}), nil
}

func init() {
	Register("", "Cast", 1, ewCastFactory)
	Register("", "CastLike", 15, ewCastLikeFactory)
}
