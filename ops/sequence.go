package ops

// ONNX tensor-sequence operators. Sequences are immutable values: every
// kernel builds a new *Sequence and shares the (never modified) tensors.

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	qsRegisterValues("SequenceConstruct", 11, qsSequenceConstruct)
	Register("", "SequenceEmpty", 11, qsNewSequenceEmpty)
	qsRegisterValues("SequenceInsert", 11, qsSequenceInsert)
	qsRegisterValues("SequenceErase", 11, qsSequenceErase)
	qsRegisterValues("SequenceAt", 11, qsSequenceAt)
	qsRegisterValues("SequenceLength", 11, qsSequenceLength)
	Register("", "SplitToSequence", 11, qsNewSplitToSequence)
	Register("", "ConcatFromSequence", 11, qsNewConcatFromSequence)
}

// qsValueKernel adapts a function over Values to Kernel and ValueKernel.
type qsValueKernel func(ctx *Context, in []Value) ([]Value, error)

// Run runs f on plain tensors; it fails if an output is not a tensor.
func (f qsValueKernel) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	vin := make([]Value, len(in))
	for i, t := range in {
		if t != nil {
			vin[i] = t
		}
	}
	out, err := f(ctx, vin)
	if err != nil {
		return nil, err
	}
	res := make([]*tensor.Tensor, len(out))
	for i, v := range out {
		t, ok := v.(*tensor.Tensor)
		if !ok && v != nil {
			return nil, ctx.Errf("output %d is a %T, not a tensor; run through RunValues: %w", i, v, ErrUnsupported)
		}
		res[i] = t
	}
	return res, nil
}

// RunValues calls f.
func (f qsValueKernel) RunValues(ctx *Context, in []Value) ([]Value, error) { return f(ctx, in) }

func qsRegisterValues(op string, since int, f func(ctx *Context, in []Value) ([]Value, error)) {
	Register("", op, since, func(*ir.Node, int) (Kernel, error) { return qsValueKernel(f), nil })
}

func qsOptV(in []Value, i int) Value {
	if i < len(in) {
		if t, ok := in[i].(*tensor.Tensor); ok && t == nil {
			return nil
		}
		return in[i]
	}
	return nil
}

func qsSeqArg(ctx *Context, in []Value, i int) (*Sequence, error) {
	s, ok := qsOptV(in, i).(*Sequence)
	if !ok || s == nil {
		return nil, ctx.Errf("input %d: want a sequence, got %T: %w", i, qsOptV(in, i), ir.ErrInvalidModel)
	}
	return s, nil
}

func qsTensorArg(ctx *Context, in []Value, i int) (*tensor.Tensor, error) {
	t, ok := qsOptV(in, i).(*tensor.Tensor)
	if !ok || t == nil {
		return nil, ctx.Errf("input %d: want a tensor, got %T: %w", i, qsOptV(in, i), ir.ErrInvalidModel)
	}
	return t, nil
}

// qsPosition reads an optional scalar position input, defaulting to def,
// and checks it lies in [-n, hi] before normalising negative values.
func qsPosition(ctx *Context, in []Value, i, def, n, hi int) (int, error) {
	pos := def
	if v := qsOptV(in, i); v != nil {
		t, ok := v.(*tensor.Tensor)
		if !ok || t.Len() != 1 || (t.DType() != tensor.Int32 && t.DType() != tensor.Int64) {
			return 0, ctx.Errf("position must be an int32/int64 scalar: %w", ir.ErrInvalidModel)
		}
		pos = int(t.Int64At(0))
	}
	if pos < -n || pos > hi {
		return 0, ctx.Errf("position %d out of range [%d, %d]: %w", pos, -n, hi, tensor.ErrShape)
	}
	if pos < 0 {
		pos += n
	}
	return pos, nil
}

func qsSequenceConstruct(ctx *Context, in []Value) ([]Value, error) {
	if len(in) == 0 {
		return nil, ctx.Errf("needs at least one input: %w", ir.ErrInvalidModel)
	}
	s := &Sequence{Items: make([]*tensor.Tensor, len(in))}
	for i := range in {
		t, err := qsTensorArg(ctx, in, i)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			s.Elem = t.DType()
		} else if t.DType() != s.Elem {
			return nil, ctx.Errf("input %d has dtype %v, input 0 has %v: %w", i, t.DType(), s.Elem, tensor.ErrDType)
		}
		s.Items[i] = t
	}
	return []Value{s}, nil
}

func qsNewSequenceEmpty(n *ir.Node, opset int) (Kernel, error) {
	dt := tensor.DType(n.AttrInt("dtype", int64(tensor.Float32)))
	if !dt.Supported() {
		return nil, NodeErrf(n, "dtype %v: %w", dt, ErrUnsupported)
	}
	return qsValueKernel(func(ctx *Context, in []Value) ([]Value, error) {
		return []Value{&Sequence{Elem: dt}}, nil
	}), nil
}

func qsSequenceInsert(ctx *Context, in []Value) ([]Value, error) {
	s, err := qsSeqArg(ctx, in, 0)
	if err != nil {
		return nil, err
	}
	t, err := qsTensorArg(ctx, in, 1)
	if err != nil {
		return nil, err
	}
	if s.Elem != tensor.Undefined && t.DType() != s.Elem {
		return nil, ctx.Errf("tensor dtype %v differs from sequence dtype %v: %w", t.DType(), s.Elem, tensor.ErrDType)
	}
	n := len(s.Items)
	pos, err := qsPosition(ctx, in, 2, n, n, n)
	if err != nil {
		return nil, err
	}
	items := make([]*tensor.Tensor, 0, n+1)
	items = append(items, s.Items[:pos]...)
	items = append(items, t)
	items = append(items, s.Items[pos:]...)
	return []Value{&Sequence{Elem: t.DType(), Items: items}}, nil
}

func qsSequenceErase(ctx *Context, in []Value) ([]Value, error) {
	s, err := qsSeqArg(ctx, in, 0)
	if err != nil {
		return nil, err
	}
	n := len(s.Items)
	if n == 0 {
		return nil, ctx.Errf("cannot erase from an empty sequence: %w", tensor.ErrShape)
	}
	pos, err := qsPosition(ctx, in, 1, n-1, n, n-1)
	if err != nil {
		return nil, err
	}
	items := make([]*tensor.Tensor, 0, n-1)
	items = append(items, s.Items[:pos]...)
	items = append(items, s.Items[pos+1:]...)
	return []Value{&Sequence{Elem: s.Elem, Items: items}}, nil
}

func qsSequenceAt(ctx *Context, in []Value) ([]Value, error) {
	s, err := qsSeqArg(ctx, in, 0)
	if err != nil {
		return nil, err
	}
	if qsOptV(in, 1) == nil {
		return nil, ctx.Errf("position input is missing: %w", ir.ErrInvalidModel)
	}
	n := len(s.Items)
	pos, err := qsPosition(ctx, in, 1, 0, n, n-1)
	if err != nil {
		return nil, err
	}
	return []Value{s.Items[pos]}, nil
}

func qsSequenceLength(ctx *Context, in []Value) ([]Value, error) {
	s, err := qsSeqArg(ctx, in, 0)
	if err != nil {
		return nil, err
	}
	return []Value{tensor.Scalar(int64(len(s.Items)))}, nil
}

// qsCopy copies n elements from src[sOff:] to dst[dOff:]; both tensors hold
// the same storage type.
func qsCopy(dst, src *tensor.Tensor, dOff, sOff, n int) {
	switch d := dst.Data().(type) {
	case []float32:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []float64:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []uint16:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []int8:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []uint8:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []int16:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []int32:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []int64:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []uint32:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []uint64:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []bool:
		qsCp(d, src.Data(), dOff, sOff, n)
	case []string:
		qsCp(d, src.Data(), dOff, sOff, n)
	}
}

func qsCp[T any](d []T, s any, dOff, sOff, n int) {
	copy(d[dOff:dOff+n], s.([]T)[sOff:sOff+n])
}

// ---- SplitToSequence ----

func qsNewSplitToSequence(n *ir.Node, opset int) (Kernel, error) {
	axis := int(n.AttrInt("axis", 0))
	keep := n.AttrInt("keepdims", 1) != 0
	return qsValueKernel(func(ctx *Context, in []Value) ([]Value, error) {
		x, err := qsTensorArg(ctx, in, 0)
		if err != nil {
			return nil, err
		}
		ax, err := tensor.NormAxis(axis, x.Rank())
		if err != nil || x.Rank() == 0 {
			return nil, ctx.Errf("axis %d for input of rank %d: %w", axis, x.Rank(), tensor.ErrShape)
		}
		dim := x.Shape()[ax]
		// Up to dim items, each a tensor header: an empty input does not
		// bound them.
		if _, err := alCheckDims(ctx, tensor.Float64, 16, dim); err != nil {
			return nil, err
		}
		var sizes []int
		squeeze := false
		switch sv := qsOptV(in, 1); {
		case sv == nil:
			sizes = make([]int, dim)
			for i := range sizes {
				sizes[i] = 1
			}
			squeeze = !keep
		default:
			st, ok := sv.(*tensor.Tensor)
			if !ok || st.Rank() > 1 {
				return nil, ctx.Errf("split must be a scalar or 1-D tensor: %w", ir.ErrInvalidModel)
			}
			vals, err := st.AsInt64s()
			if err != nil {
				return nil, ctx.Errf("split: %w", err)
			}
			if st.Rank() == 0 {
				c := vals[0]
				if c <= 0 {
					return nil, ctx.Errf("split size %d must be positive: %w", c, ir.ErrInvalidModel)
				}
				for rem := int64(dim); rem > 0; rem -= c {
					sizes = append(sizes, int(min(c, rem)))
				}
			} else {
				sum := int64(0)
				for _, v := range vals {
					if v < 0 {
						return nil, ctx.Errf("split %v has a negative length: %w", vals, ir.ErrInvalidModel)
					}
					sum += v
					sizes = append(sizes, int(v))
				}
				if sum != int64(dim) {
					return nil, ctx.Errf("split %v sums to %d, axis %d has %d: %w", vals, sum, ax, dim, tensor.ErrShape)
				}
			}
		}
		pre, post := tensor.Size(x.Shape()[:ax]), tensor.Size(x.Shape()[ax+1:])
		seq := &Sequence{Elem: x.DType(), Items: make([]*tensor.Tensor, len(sizes))}
		start := 0
		for i, sz := range sizes {
			shape := append([]int{}, x.Shape()...)
			shape[ax] = sz
			t, err := ctx.NewTensor(x.DType(), shape...)
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			for o := 0; o < pre; o++ {
				qsCopy(t, x, o*sz*post, (o*dim+start)*post, sz*post)
			}
			if squeeze {
				shape = append(shape[:ax], shape[ax+1:]...)
				t, _ = t.Reshape(shape...)
			}
			seq.Items[i] = t
			start += sz
		}
		return []Value{seq}, nil
	}), nil
}

// ---- ConcatFromSequence ----

func qsNewConcatFromSequence(n *ir.Node, opset int) (Kernel, error) {
	if n.Attr("axis") == nil {
		return nil, NodeErrf(n, "attribute axis is required: %w", ir.ErrInvalidModel)
	}
	axis := int(n.AttrInt("axis", 0))
	newAxis := n.AttrInt("new_axis", 0) != 0
	return qsValueKernel(func(ctx *Context, in []Value) ([]Value, error) {
		s, err := qsSeqArg(ctx, in, 0)
		if err != nil {
			return nil, err
		}
		if len(s.Items) == 0 {
			return nil, ctx.Errf("cannot concatenate an empty sequence: %w", tensor.ErrShape)
		}
		first := s.Items[0]
		r := first.Rank()
		outRank := r
		if newAxis {
			outRank = r + 1
		}
		ax, err := tensor.NormAxis(axis, outRank)
		if err != nil || outRank == 0 {
			return nil, ctx.Errf("axis %d for items of rank %d: %w", axis, r, tensor.ErrShape)
		}
		// View every item with the output rank (a unit dim inserted for
		// new_axis) and check dims agree outside the axis.
		shapes := make([][]int, len(s.Items))
		total := 0
		for i, t := range s.Items {
			if t.DType() != first.DType() {
				return nil, ctx.Errf("item %d has dtype %v, item 0 has %v: %w", i, t.DType(), first.DType(), tensor.ErrDType)
			}
			sh := t.Shape()
			if newAxis {
				sh = append(append(append([]int{}, sh[:min(ax, len(sh))]...), 1), sh[min(ax, len(sh)):]...)
			}
			if len(sh) != outRank {
				return nil, ctx.Errf("item %d has shape %v, item 0 has %v: %w", i, t.Shape(), first.Shape(), tensor.ErrShape)
			}
			for d := range sh {
				if d != ax && sh[d] != qsFirstShape(shapes, sh)[d] {
					return nil, ctx.Errf("item %d has shape %v, item 0 has %v: %w", i, t.Shape(), first.Shape(), tensor.ErrShape)
				}
			}
			shapes[i] = sh
			total += sh[ax]
		}
		oshape := append([]int{}, shapes[0]...)
		oshape[ax] = total
		out, err := ctx.NewTensor(first.DType(), oshape...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		pre, post := tensor.Size(oshape[:ax]), tensor.Size(oshape[ax+1:])
		start := 0
		for i, t := range s.Items {
			a := shapes[i][ax]
			for o := 0; o < pre; o++ {
				qsCopy(out, t, (o*total+start)*post, o*a*post, a*post)
			}
			start += a
		}
		return []Value{out}, nil
	}), nil
}

// qsFirstShape returns the first recorded shape, or sh itself for item 0.
func qsFirstShape(shapes [][]int, sh []int) []int {
	if shapes[0] != nil {
		return shapes[0]
	}
	return sh
}
