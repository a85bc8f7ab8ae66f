package ops

// ONNX optional operators: Optional, OptionalHasElement, OptionalGetElement.

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("", "Optional", 15, qsNewOptional)
	qsRegisterValues("OptionalHasElement", 15, qsOptionalHasElement)
	qsRegisterValues("OptionalGetElement", 15, qsOptionalGetElement)
}

func qsNewOptional(n *ir.Node, opset int) (Kernel, error) {
	var elem tensor.DType
	isSeq := false
	if a := n.Attr("type"); a != nil {
		tp := a.TP
		if a.Type != ir.AttrTypeProto || tp == nil {
			return nil, NodeErrf(n, "attribute type must be a type proto: %w", ir.ErrInvalidModel)
		}
		switch tp.Kind {
		case ir.KindTensor:
			elem = tp.Elem
		case ir.KindSequence:
			isSeq = true
			if tp.Inner != nil {
				elem = tp.Inner.Elem
			}
		default:
			return nil, NodeErrf(n, "optional of %v: %w", tp, ErrUnsupported)
		}
	}
	return qsValueKernel(func(ctx *Context, in []Value) ([]Value, error) {
		switch v := qsOptV(in, 0).(type) {
		case nil:
			if n.Attr("type") == nil {
				return nil, ctx.Errf("an empty Optional needs the type attribute: %w", ir.ErrInvalidModel)
			}
			return []Value{&Optional{Elem: elem, IsSeq: isSeq}}, nil
		case *tensor.Tensor:
			return []Value{&Optional{Value: v, Elem: v.DType()}}, nil
		case *Sequence:
			return []Value{&Optional{Value: v, Elem: v.Elem, IsSeq: true}}, nil
		default:
			return nil, ctx.Errf("input is a %T, want a tensor or sequence: %w", v, ErrUnsupported)
		}
	}), nil
}

func qsOptionalHasElement(ctx *Context, in []Value) ([]Value, error) {
	has := false
	switch v := qsOptV(in, 0).(type) {
	case nil:
	case *Optional:
		has = v != nil && v.Value != nil
	case *tensor.Tensor, *Sequence:
		has = true
	default:
		return nil, ctx.Errf("input is a %T: %w", v, ErrUnsupported)
	}
	return []Value{tensor.Scalar(has)}, nil
}

func qsOptionalGetElement(ctx *Context, in []Value) ([]Value, error) {
	switch v := qsOptV(in, 0).(type) {
	case *Optional:
		if v == nil || v.Value == nil {
			return nil, ctx.Errf("optional input is empty: %w", ir.ErrInvalidModel)
		}
		return []Value{v.Value}, nil
	case *tensor.Tensor, *Sequence:
		return []Value{v}, nil
	case nil:
		return nil, ctx.Errf("input is missing: %w", ir.ErrInvalidModel)
	default:
		return nil, ctx.Errf("input is a %T: %w", v, ErrUnsupported)
	}
}
