package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	RegisterFunc("", "Reshape", 1, shReshape)
	RegisterFunc("", "Shape", 1, shShape)
	RegisterFunc("", "Size", 1, shSize)
	Register("", "Flatten", 1, shFlattenFactory)
	RegisterFunc("", "Squeeze", 1, shSqueeze)
	RegisterFunc("", "Unsqueeze", 1, shUnsqueeze)
	Register("", "Constant", 1, shConstantFactory)
	Register("", "ConstantOfShape", 9, shConstantOfShapeFactory)
	RegisterFunc("", "Range", 11, shRange)
	Register("", "EyeLike", 9, shEyeLikeFactory)
}

// shReshape: Reshape (shape attr before opset 5, input after; allowzero 14).
func shReshape(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	var spec []int64
	if t := Opt(in, 1); t != nil {
		v, err := shIndices(ctx, t, "shape")
		if err != nil {
			return nil, err
		}
		spec = v
	} else if a := ctx.Node.Attr("shape"); a != nil {
		spec = a.Ints
	} else {
		return nil, ctx.Errf("missing shape: %w", ir.ErrInvalidModel)
	}
	allowZero := ctx.Node.AttrInt("allowzero", 0) != 0
	out, err := shReshapeDims(ctx, x.Shape(), spec, allowZero)
	if err != nil {
		return nil, err
	}
	y, err := ctx.View(x, out) // a recycled header when x is in the arena
	if err != nil {
		return nil, ctx.Errf("reshape %v to %v: %w", x.Shape(), spec, err)
	}
	return ctx.One(y), nil
}

// shReshapeDims resolves 0 (copy) and -1 (infer) entries of a Reshape spec.
func shReshapeDims(ctx *Context, in []int, spec []int64, allowZero bool) ([]int, error) {
	out := zaShapeN(ctx, len(spec)) // step storage; callers copy it into a header
	infer := -1
	known := int64(1)
	for i, d := range spec {
		switch {
		case d == -1:
			if infer >= 0 {
				return nil, ctx.Errf("shape %v has more than one -1: %w", spec, tensor.ErrShape)
			}
			infer = i
			continue
		case d == 0 && !allowZero:
			if i >= len(in) {
				return nil, ctx.Errf("shape %v: 0 at %d beyond input rank %d: %w", spec, i, len(in), tensor.ErrShape)
			}
			out[i] = in[i]
		case d < 0 || d > tensor.MaxElements:
			return nil, ctx.Errf("bad dim %d in shape %v: %w", d, spec, tensor.ErrShape)
		default:
			out[i] = int(d)
		}
		if out[i] != 0 && known > tensor.MaxElements/int64(out[i]) {
			return nil, ctx.Errf("shape %v too large: %w", spec, tensor.ErrLimit)
		}
		known *= int64(out[i])
	}
	total := int64(shProd(in))
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, ctx.Errf("cannot reshape %v to %v: %w", in, spec, tensor.ErrShape)
		}
		out[infer] = int(total / known)
	} else if known != total {
		return nil, ctx.Errf("cannot reshape %v to %v: %w", in, spec, tensor.ErrShape)
	}
	return out, nil
}

func shShape(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape()
	r := int64(len(s))
	start, end := int64(0), r
	if ctx.Opset >= 15 {
		start = ctx.Node.AttrInt("start", 0)
		end = ctx.Node.AttrInt("end", r)
	}
	clamp := func(v int64) int64 {
		if v < 0 {
			v += r
		}
		return max(0, min(v, r))
	}
	start, end = clamp(start), clamp(end)
	if end < start {
		end = start
	}
	out := make([]int64, end-start)
	for i := range out {
		out[i] = int64(s[int(start)+i])
	}
	return One(shInt64([]int{len(out)}, out)), nil
}

func shSize(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	return One(shInt64(nil, []int64{int64(in[0].Len())})), nil
}

func shFlattenFactory(n *ir.Node, opset int) (Kernel, error) {
	axis := n.AttrInt("axis", 1)
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := shNeed(ctx, in, 1); err != nil {
			return nil, err
		}
		s := in[0].Shape()
		r := int64(len(s))
		a := axis
		if a < 0 {
			a += r
		}
		if a < 0 || a > r {
			return nil, ctx.Errf("axis %d out of range for rank %d: %w", axis, r, tensor.ErrShape)
		}
		y, err := ctx.View(in[0], append(zaShapeBuf(ctx), shProd(s[:a]), shProd(s[a:])))
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return ctx.One(y), nil
	}), nil
}

func shSqueeze(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape()
	axes, given, err := shAxesArg(ctx, in, 1, 13)
	if err != nil {
		return nil, err
	}
	drop := make([]bool, len(s))
	if given {
		ax, err := shNormAxes(ctx, axes, len(s))
		if err != nil {
			return nil, err
		}
		for _, a := range ax {
			if s[a] != 1 {
				return nil, ctx.Errf("cannot squeeze axis %d of shape %v: %w", a, s, tensor.ErrShape)
			}
			drop[a] = true
		}
	} else {
		for i, d := range s {
			drop[i] = d == 1
		}
	}
	out := []int{}
	for i, d := range s {
		if !drop[i] {
			out = append(out, d)
		}
	}
	y, err := shCopyAs(in[0], out)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shUnsqueeze(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	s := in[0].Shape()
	axes, given, err := shAxesArg(ctx, in, 1, 13)
	if err != nil {
		return nil, err
	}
	if !given {
		return nil, ctx.Errf("missing axes: %w", ir.ErrInvalidModel)
	}
	r := len(s) + len(axes)
	ax, err := shNormAxes(ctx, axes, r)
	if err != nil {
		return nil, err
	}
	ins := make([]bool, r)
	for _, a := range ax {
		ins[a] = true
	}
	out := make([]int, r)
	j := 0
	for i := range out {
		if ins[i] {
			out[i] = 1
		} else {
			out[i] = s[j]
			j++
		}
	}
	y, err := shCopyAs(in[0], out)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

// shConstantFactory builds Constant from whichever value attribute is set.
func shConstantFactory(n *ir.Node, opset int) (Kernel, error) {
	var t *tensor.Tensor
	count := 0
	for _, a := range n.Attrs {
		var v *tensor.Tensor
		switch a.Name {
		case "value", "sparse_value":
			v = a.T
			if v == nil && len(a.Tensors) == 1 {
				v = a.Tensors[0]
			}
		case "value_float":
			v = tensor.Scalar(a.F)
		case "value_floats":
			v = tensor.From([]int{len(a.Floats)}, append([]float32{}, a.Floats...))
		case "value_int":
			v = tensor.Scalar(a.I)
		case "value_ints":
			v = tensor.From([]int{len(a.Ints)}, append([]int64{}, a.Ints...))
		case "value_string":
			v = tensor.Scalar(a.S)
		case "value_strings":
			v = tensor.From([]int{len(a.Strings)}, append([]string{}, a.Strings...))
		default:
			continue
		}
		if v == nil {
			return nil, NodeErrf(n, "attribute %s holds no tensor: %w", a.Name, ir.ErrInvalidModel)
		}
		t = v
		count++
	}
	if count != 1 {
		return nil, NodeErrf(n, "needs exactly one value attribute, has %d: %w", count, ir.ErrInvalidModel)
	}
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		return One(t.Clone()), nil
	}), nil
}

func shConstantOfShapeFactory(n *ir.Node, opset int) (Kernel, error) {
	val := n.AttrTensor("value")
	if val == nil {
		val = tensor.From([]int{1}, []float32{0})
	}
	if val.Len() != 1 {
		return nil, NodeErrf(n, "value must have one element, has %d: %w", val.Len(), ir.ErrInvalidModel)
	}
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := shNeed(ctx, in, 1); err != nil {
			return nil, err
		}
		v, err := shIndices(ctx, in[0], "shape")
		if err != nil {
			return nil, err
		}
		dims, err := shDims(ctx, v, "shape")
		if err != nil {
			return nil, err
		}
		total, err := alCheckShape(ctx, alIndex, dims)
		if err != nil {
			return nil, err
		}
		idx := make([]int, total)
		y, err := shTake(val, dims, idx, nil)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(y), nil
	}), nil
}

func shRange(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 3); err != nil {
		return nil, err
	}
	for i := 0; i < 3; i++ {
		if in[i].Len() != 1 {
			return nil, ctx.Errf("input %d must be a scalar, has shape %v: %w", i, in[i].Shape(), tensor.ErrShape)
		}
		if in[i].DType() != in[0].DType() {
			return nil, ctx.Errf("inputs differ in dtype: %w", tensor.ErrDType)
		}
	}
	dt := in[0].DType()
	var n float64
	if dt.IsInt() {
		s, l, d := in[0].Int64At(0), in[1].Int64At(0), in[2].Int64At(0)
		if d == 0 {
			return nil, ctx.Errf("delta is zero: %w", tensor.ErrShape)
		}
		// ceil((l-s)/d) in exact integer arithmetic via float is fine for
		// realistic ranges; sizes are checked below.
		n = math.Ceil((float64(l) - float64(s)) / float64(d))
	} else {
		s, l, d := in[0].Float64At(0), in[1].Float64At(0), in[2].Float64At(0)
		n = math.Ceil((l - s) / d)
	}
	if n != n || n < 0 {
		n = 0
	}
	if n > float64(tensor.MaxElements) {
		return nil, ctx.Errf("range of %g elements: %w", n, tensor.ErrLimit)
	}
	y, err := ctx.NewTensor(dt, int(n))
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	switch d := y.Data().(type) {
	case []float32:
		shRangeT(d, in[0].Data().([]float32)[0], in[2].Data().([]float32)[0])
	case []float64:
		shRangeT(d, in[0].Data().([]float64)[0], in[2].Data().([]float64)[0])
	case []int16:
		shRangeT(d, in[0].Data().([]int16)[0], in[2].Data().([]int16)[0])
	case []int32:
		shRangeT(d, in[0].Data().([]int32)[0], in[2].Data().([]int32)[0])
	case []int64:
		shRangeT(d, in[0].Data().([]int64)[0], in[2].Data().([]int64)[0])
	case []int8:
		shRangeT(d, in[0].Data().([]int8)[0], in[2].Data().([]int8)[0])
	case []uint8:
		if dt != tensor.Uint8 {
			return nil, DTypeErr(ctx, dt)
		}
		shRangeT(d, in[0].Data().([]uint8)[0], in[2].Data().([]uint8)[0])
	case []uint16:
		if dt != tensor.Uint16 {
			return nil, DTypeErr(ctx, dt)
		}
		shRangeT(d, in[0].Data().([]uint16)[0], in[2].Data().([]uint16)[0])
	case []uint32:
		shRangeT(d, in[0].Data().([]uint32)[0], in[2].Data().([]uint32)[0])
	case []uint64:
		shRangeT(d, in[0].Data().([]uint64)[0], in[2].Data().([]uint64)[0])
	default:
		return nil, DTypeErr(ctx, dt)
	}
	return One(y), nil
}

// shRangeT fills out with start + i*delta.
func shRangeT[T tensor.Number](out []T, start, delta T) {
	for i := range out {
		out[i] = start + T(i)*delta
	}
}

func shEyeLikeFactory(n *ir.Node, opset int) (Kernel, error) {
	k := n.AttrInt("k", 0)
	dtAttr := n.Attr("dtype")
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := shNeed(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		if x.Rank() != 2 {
			return nil, ctx.Errf("input must be 2-D, has shape %v: %w", x.Shape(), tensor.ErrShape)
		}
		dt := x.DType()
		if dtAttr != nil {
			dt = tensor.DType(dtAttr.I)
		}
		if dt == tensor.String || !dt.Supported() {
			return nil, DTypeErr(ctx, dt)
		}
		rows, cols := x.Shape()[0], x.Shape()[1]
		y, err := ctx.NewTensor(dt, rows, cols)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		for i := 0; i < rows; i++ {
			j := int64(i) + k
			if j >= 0 && j < int64(cols) {
				y.SetInt64(i*cols+int(j), 1)
			}
		}
		return One(y), nil
	}), nil
}
