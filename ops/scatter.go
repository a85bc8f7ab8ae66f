package ops

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("", "Scatter", 9, shScatterElementsFactory)
	Register("", "ScatterElements", 11, shScatterElementsFactory)
	Register("", "ScatterND", 11, shScatterNDFactory)
}

// shReduction is a Scatter reduction mode.
type shReduction int

const (
	shRedNone shReduction = iota
	shRedAdd
	shRedMul
	shRedMax
	shRedMin
)

func shParseReduction(n *ir.Node, opset int) (shReduction, error) {
	r := n.AttrString("reduction", "none")
	switch {
	case r == "none":
		return shRedNone, nil
	case r == "add" && opset >= 16:
		return shRedAdd, nil
	case r == "mul" && opset >= 16:
		return shRedMul, nil
	case r == "max" && opset >= 18:
		return shRedMax, nil
	case r == "min" && opset >= 18:
		return shRedMin, nil
	}
	return 0, NodeErrf(n, "reduction %q at opset %d: %w", r, opset, ErrUnsupported)
}

// shReduceT applies dst[idx[k]] = op(dst[idx[k]], src[k]) in order.
func shReduceT[T tensor.Number](dst, src []T, idx []int, red shReduction) {
	switch red {
	case shRedAdd:
		for k, j := range idx {
			dst[j] += src[k]
		}
	case shRedMul:
		for k, j := range idx {
			dst[j] *= src[k]
		}
	case shRedMax:
		for k, j := range idx {
			dst[j] = max(dst[j], src[k])
		}
	case shRedMin:
		for k, j := range idx {
			dst[j] = min(dst[j], src[k])
		}
	}
}

// shScatterInto returns a copy of data with updates written (or reduced)
// at flat positions idx.
func shScatterInto(ctx *Context, data, upd *tensor.Tensor, idx []int, red shReduction) (*tensor.Tensor, error) {
	if data.DType() != upd.DType() {
		return nil, ctx.Errf("updates are %v, data %v: %w", upd.DType(), data.DType(), tensor.ErrDType)
	}
	out := data.Clone()
	if red == shRedNone {
		if err := shPut(out, upd, idx); err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return out, nil
	}
	switch d := out.Data().(type) {
	case []float32:
		shReduceT(d, upd.Data().([]float32), idx, red)
	case []float64:
		shReduceT(d, upd.Data().([]float64), idx, red)
	case []int8:
		shReduceT(d, upd.Data().([]int8), idx, red)
	case []int16:
		shReduceT(d, upd.Data().([]int16), idx, red)
	case []int32:
		shReduceT(d, upd.Data().([]int32), idx, red)
	case []int64:
		shReduceT(d, upd.Data().([]int64), idx, red)
	case []uint32:
		shReduceT(d, upd.Data().([]uint32), idx, red)
	case []uint64:
		shReduceT(d, upd.Data().([]uint64), idx, red)
	case []uint8, []uint16:
		dt := out.DType()
		if dt == tensor.Uint8 {
			shReduceT(d.([]uint8), upd.Data().([]uint8), idx, red)
			break
		}
		if dt == tensor.Uint16 {
			shReduceT(d.([]uint16), upd.Data().([]uint16), idx, red)
			break
		}
		if !dt.IsFloat() {
			return nil, DTypeErr(ctx, dt)
		}
		f := append([]float32{}, tensor.ToFloat32(data)...)
		shReduceT(f, tensor.ToFloat32(upd), idx, red)
		r, err := tensor.FromFloat32(dt, data.Shape(), f)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		out = r
	default:
		return nil, DTypeErr(ctx, out.DType())
	}
	return out, nil
}

func shScatterElementsFactory(n *ir.Node, opset int) (Kernel, error) {
	red, err := shParseReduction(n, opset)
	if err != nil {
		return nil, err
	}
	axis := n.AttrInt("axis", 0)
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := shNeed(ctx, in, 3); err != nil {
			return nil, err
		}
		x, it, ut := in[0], in[1], in[2]
		s, is := x.Shape(), it.Shape()
		if len(s) != len(is) || len(s) == 0 || !tensor.SameShape(is, ut.Shape()) {
			return nil, ctx.Errf("data %v, indices %v, updates %v do not fit: %w", s, is, ut.Shape(), tensor.ErrShape)
		}
		a, err := shAxis(ctx, axis, len(s))
		if err != nil {
			return nil, err
		}
		idx, err := shIndices(ctx, it, "indices")
		if err != nil {
			return nil, err
		}
		targets, err := shElementTargets(ctx, s, is, a, idx, ctx.Node.OpType)
		if err != nil {
			return nil, err
		}
		y, err := shScatterInto(ctx, x, ut, targets, red)
		if err != nil {
			return nil, err
		}
		return One(y), nil
	}), nil
}

func shScatterNDFactory(n *ir.Node, opset int) (Kernel, error) {
	red, err := shParseReduction(n, opset)
	if err != nil {
		return nil, err
	}
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := shNeed(ctx, in, 3); err != nil {
			return nil, err
		}
		x, it, ut := in[0], in[1], in[2]
		s, is := x.Shape(), it.Shape()
		idx, err := shIndices(ctx, it, "indices")
		if err != nil {
			return nil, err
		}
		starts, inner, err := shNDTargets(ctx, s, is, idx, 0, "ScatterND")
		if err != nil {
			return nil, err
		}
		k := is[len(is)-1]
		want := append(append([]int{}, is[:len(is)-1]...), s[k:]...)
		if !tensor.SameShape(want, ut.Shape()) {
			return nil, ctx.Errf("updates shape %v, want %v: %w", ut.Shape(), want, tensor.ErrShape)
		}
		targets := make([]int, len(starts)*inner)
		for u, st := range starts {
			for j := 0; j < inner; j++ {
				targets[u*inner+j] = st + j
			}
		}
		y, err := shScatterInto(ctx, x, ut, targets, red)
		if err != nil {
			return nil, err
		}
		return One(y), nil
	}), nil
}
