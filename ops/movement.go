package ops

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("", "Transpose", 1, shTransposeFactory)
	RegisterFunc("", "Concat", 1, shConcat)
	RegisterFunc("", "Split", 1, shSplit)
	RegisterFunc("", "Slice", 1, shSlice)
	RegisterFunc("", "Expand", 8, shExpand)
	RegisterFunc("", "Tile", 1, shTile)
	RegisterFunc("", "Pad", 1, shPad)
	RegisterFunc("", "DepthToSpace", 1, shDepthToSpace)
	RegisterFunc("", "SpaceToDepth", 1, shSpaceToDepth)
	RegisterFunc("", "Trilu", 14, shTrilu)
	RegisterFunc("", "ReverseSequence", 10, shReverseSequence)
	RegisterFunc("", "CenterCropPad", 18, shCenterCropPad)
}

// shPermute copies x with its axes permuted: out dim i is x dim perm[i].
func shPermute(ctx *Context, x *tensor.Tensor, perm []int) (*tensor.Tensor, error) {
	s := x.Shape()
	loc := zaLocal[zaPermLocal](ctx) // per-session scratch: no allocation per run
	st := zaZeroed(&loc.st, len(s))
	for i, acc := len(s)-1, 1; i >= 0; i-- { // tensor.Strides
		st[i] = acc
		acc *= s[i]
	}
	out := zaZeroed(&loc.out, len(perm))
	ost := zaZeroed(&loc.ost, len(perm))
	for i, p := range perm {
		out[i] = s[p]
		ost[i] = st[p]
	}
	return shStrided(ctx, x, out, ost, 0)
}

func shTransposeFactory(n *ir.Node, opset int) (Kernel, error) {
	permAttr := n.AttrInts("perm")
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := shNeed(ctx, in, 1); err != nil {
			return nil, err
		}
		r := in[0].Rank()
		loc := zaLocal[zaPermLocal](ctx)
		perm := zaZeroed(&loc.perm, r)
		if permAttr == nil {
			for i := range perm {
				perm[i] = r - 1 - i
			}
		} else {
			if len(permAttr) != r {
				return nil, ctx.Errf("perm %v does not match rank %d: %w", permAttr, r, tensor.ErrShape)
			}
			if err := zaNormPerm(ctx, perm, permAttr); err != nil {
				return nil, err
			}
		}
		y, err := shPermute(ctx, in[0], perm)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return ctx.One(y), nil
	}), nil
}

func shConcat(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	var xs []*tensor.Tensor
	for _, t := range in {
		if t != nil {
			xs = append(xs, t)
		}
	}
	if len(xs) == 0 {
		return nil, ctx.Errf("no inputs: %w", ir.ErrInvalidModel)
	}
	def := int64(0)
	if ctx.Opset < 4 {
		def = 1
	}
	r := xs[0].Rank()
	axis, err := shAxis(ctx, ctx.Node.AttrInt("axis", def), r)
	if err != nil {
		return nil, err
	}
	out := append([]int{}, xs[0].Shape()...)
	out[axis] = 0
	for _, t := range xs {
		s := t.Shape()
		if len(s) != r || t.DType() != xs[0].DType() {
			return nil, ctx.Errf("input %v%v does not match %v%v: %w", t.DType(), s, xs[0].DType(), xs[0].Shape(), tensor.ErrShape)
		}
		for i := range s {
			if i != axis && s[i] != out[i] {
				return nil, ctx.Errf("input shapes %v and %v differ off axis %d: %w", s, xs[0].Shape(), axis, tensor.ErrShape)
			}
		}
		out[axis] += s[axis]
	}
	y, err := ctx.NewTensorUninit(xs[0].DType(), out...) // the blocks cover it
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	outer := shProd(out[:axis])
	inner := shProd(out[axis+1:])
	orow := out[axis] * inner
	off := 0
	for _, t := range xs {
		cp, err := shCopier(y, t)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		blk := t.Shape()[axis] * inner
		if blk == 0 {
			continue
		}
		for o := 0; o < outer; o++ {
			cp(o*orow+off, o*blk, blk)
		}
		off += blk
	}
	return One(y), nil
}

// shSplitAxis copies x's [start, start+size) range along axis.
func shSplitAxis(ctx *Context, x *tensor.Tensor, axis, start, size int) (*tensor.Tensor, error) {
	s := x.Shape()
	out := append([]int{}, s...)
	out[axis] = size
	return shStrided(ctx, x, out, tensor.Strides(s), start*shProd(s[axis+1:]))
}

func shSplit(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	axis, err := shAxis(ctx, ctx.Node.AttrInt("axis", 0), x.Rank())
	if err != nil {
		return nil, err
	}
	d := x.Shape()[axis]
	nout := len(ctx.Node.Outputs)
	var split []int64
	if ctx.Opset >= 13 || (ctx.Opset < 2 && Opt(in, 1) != nil) {
		if t := Opt(in, 1); t != nil {
			if split, err = shIndices(ctx, t, "split"); err != nil {
				return nil, err
			}
		}
	} else {
		split = ctx.Node.AttrInts("split")
	}
	if split == nil {
		if ctx.Opset >= 18 {
			if a := ctx.Node.Attr("num_outputs"); a != nil {
				nout = int(a.I)
			}
		}
		if nout <= 0 || nout > len(ctx.Node.Outputs) {
			return nil, ctx.Errf("%d outputs for a node with %d: %w", nout, len(ctx.Node.Outputs), ir.ErrInvalidModel)
		}
		chunk := (d + nout - 1) / nout
		if ctx.Opset < 18 && d%nout != 0 {
			return nil, ctx.Errf("dim %d not divisible into %d outputs: %w", d, nout, tensor.ErrShape)
		}
		split = make([]int64, nout)
		left := int64(d)
		for i := range split {
			split[i] = min(int64(chunk), left)
			left -= split[i]
		}
	}
	sum := int64(0)
	for _, v := range split {
		if v < 0 || v > int64(d) {
			return nil, ctx.Errf("split %v out of range for dim %d: %w", split, d, tensor.ErrShape)
		}
		sum += v
	}
	if sum != int64(d) {
		return nil, ctx.Errf("split %v does not sum to dim %d: %w", split, d, tensor.ErrShape)
	}
	outs := make([]*tensor.Tensor, len(split))
	start := 0
	for i, v := range split {
		y, err := shSplitAxis(ctx, x, axis, start, int(v))
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		outs[i] = y
		start += int(v)
	}
	return outs, nil
}

// shSliceRange resolves one axis of Slice: start index and count.
func shSliceRange(start, end, step int64, d int) (int, int) {
	dd := int64(d)
	step = max(-tensor.MaxElements, min(step, tensor.MaxElements)) // n is the same, no overflow
	if start < 0 {
		start += dd
	}
	if end < 0 {
		end += dd
	}
	var n int64
	if step > 0 {
		start = max(0, min(start, dd))
		end = max(0, min(end, dd))
		if end > start {
			n = (end-start-1)/step + 1
		}
	} else {
		start = max(0, min(start, dd-1))
		end = max(-1, min(end, dd-1))
		if d > 0 && start > end {
			n = (start-end-1)/(-step) + 1
		}
	}
	return int(start), int(n)
}

func shSlice(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	var starts, ends, axes, steps []int64
	var err error
	if ctx.Opset < 10 {
		starts, ends, axes = ctx.Node.AttrInts("starts"), ctx.Node.AttrInts("ends"), ctx.Node.AttrInts("axes")
	} else {
		if err := shNeed(ctx, in, 3); err != nil {
			return nil, err
		}
		if starts, err = shIndices(ctx, in[1], "starts"); err != nil {
			return nil, err
		}
		if ends, err = shIndices(ctx, in[2], "ends"); err != nil {
			return nil, err
		}
		if t := Opt(in, 3); t != nil {
			if axes, err = shIndices(ctx, t, "axes"); err != nil {
				return nil, err
			}
		}
		if t := Opt(in, 4); t != nil {
			if steps, err = shIndices(ctx, t, "steps"); err != nil {
				return nil, err
			}
		}
	}
	if len(starts) != len(ends) {
		return nil, ctx.Errf("starts %v and ends %v differ in length: %w", starts, ends, tensor.ErrShape)
	}
	r := x.Rank()
	if axes == nil {
		axes = make([]int64, len(starts))
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	if len(axes) != len(starts) || (steps != nil && len(steps) != len(starts)) {
		return nil, ctx.Errf("starts/ends/axes/steps lengths differ: %w", tensor.ErrShape)
	}
	ax, err := shNormAxes(ctx, axes, r)
	if err != nil {
		return nil, err
	}
	s := x.Shape()
	st := tensor.Strides(s)
	out := append([]int{}, s...)
	ost := append([]int{}, st...)
	off := 0
	for i, a := range ax {
		step := int64(1)
		if steps != nil {
			step = steps[i]
		}
		if step == 0 {
			return nil, ctx.Errf("step is zero: %w", tensor.ErrShape)
		}
		b, n := shSliceRange(starts[i], ends[i], step, s[a])
		out[a] = n
		if n > 0 {
			off += b * st[a]
		}
		if n <= 1 {
			step = 0 // huge steps take at most one element; avoid overflow
		}
		ost[a] = st[a] * int(step)
	}
	y, err := shStrided(ctx, x, out, ost, off)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shExpand(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	v, err := shIndices(ctx, in[1], "shape")
	if err != nil {
		return nil, err
	}
	dims, err := shDims(ctx, v, "shape")
	if err != nil {
		return nil, err
	}
	out, err := tensor.Broadcast(x.Shape(), dims)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	if _, err := tensor.NumElements(out); err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y, err := shStrided(ctx, x, out, tensor.BroadcastStrides(x.Shape(), out), 0)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shTile(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	s := x.Shape()
	r := len(s)
	reps, err := shIndices(ctx, in[1], "repeats")
	if err != nil {
		return nil, err
	}
	if t := Opt(in, 2); t != nil && ctx.Opset < 6 {
		// Tile-1: tiles (scalar) repeats along axis (scalar).
		axv, err := shIndices(ctx, t, "axis")
		if err != nil || len(axv) != 1 || len(reps) != 1 {
			return nil, ctx.Errf("tiles and axis must be scalars: %w", tensor.ErrShape)
		}
		a, err := shAxis(ctx, axv[0], r)
		if err != nil {
			return nil, err
		}
		full := make([]int64, r)
		for i := range full {
			full[i] = 1
		}
		full[a] = reps[0]
		reps = full
	}
	if len(reps) != r {
		return nil, ctx.Errf("repeats %v do not match rank %d: %w", reps, r, tensor.ErrShape)
	}
	rd, err := shDims(ctx, reps, "repeats")
	if err != nil {
		return nil, err
	}
	st := tensor.Strides(s)
	ext := make([]int, 2*r)
	est := make([]int, 2*r)
	final := make([]int, r)
	for i := 0; i < r; i++ {
		ext[2*i], ext[2*i+1] = rd[i], s[i]
		est[2*i], est[2*i+1] = 0, st[i]
		final[i] = rd[i] * s[i]
	}
	if _, err := tensor.NumElements(ext); err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y, err := shStrided(ctx, x, ext, est, 0)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y, err = y.Reshape(final...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

// shPadIndex maps an output coordinate to a source coordinate along a dim of
// size d for the given mode, or -1 for the constant fill.
func shPadIndex(i, d int, mode string) int {
	if i >= 0 && i < d {
		return i
	}
	if d == 0 {
		return -1
	}
	switch mode {
	case "edge":
		if i < 0 {
			return 0
		}
		return d - 1
	case "reflect":
		if d == 1 {
			return 0
		}
		p := 2 * (d - 1)
		i %= p
		if i < 0 {
			i += p
		}
		if i >= d {
			i = p - i
		}
		return i
	case "wrap":
		i %= d
		if i < 0 {
			i += d
		}
		return i
	}
	return -1
}

// shPadGeneric pads x by begin/end counts per axis (negative values crop)
// using mode, with fill (same dtype, may be nil) for "constant".
func shPadGeneric(ctx *Context, x *tensor.Tensor, begin, end []int64, mode string, fill *tensor.Tensor) (*tensor.Tensor, error) {
	s := x.Shape()
	r := len(s)
	out := make([]int, r)
	for i := 0; i < r; i++ {
		v := int64(s[i]) + begin[i] + end[i]
		if v < 0 {
			return nil, ctx.Errf("pads %v/%v give negative dim on shape %v: %w", begin, end, s, tensor.ErrShape)
		}
		if v > tensor.MaxElements {
			return nil, ctx.Errf("pads %v/%v give too large a dim on shape %v: %w", begin, end, s, tensor.ErrLimit)
		}
		out[i] = int(v)
	}
	total, err := alCheckShape(ctx, alIndex, out)
	if err != nil {
		return nil, err
	}
	if mode != "constant" && x.Len() == 0 && total > 0 {
		return nil, ctx.Errf("%s padding of an empty tensor: %w", mode, tensor.ErrShape)
	}
	if total == 0 {
		y, err := ctx.NewTensor(x.DType(), out...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return y, nil
	}
	// Per-axis maps from output coordinate to source coordinate (or -1).
	maps := make([][]int, r)
	for a := 0; a < r; a++ {
		m := make([]int, out[a])
		for o := range m {
			m[o] = shPadIndex(o-int(begin[a]), s[a], mode)
		}
		maps[a] = m
	}
	st := tensor.Strides(s)
	idx := make([]int, total)
	{
		pos := make([]int, r)
		for k := range idx {
			src := 0
			for a := 0; a < r; a++ {
				j := maps[a][pos[a]]
				if j < 0 {
					src = -1
					break
				}
				src += j * st[a]
			}
			idx[k] = src
			for a := r - 1; a >= 0; a-- {
				pos[a]++
				if pos[a] < out[a] {
					break
				}
				pos[a] = 0
			}
		}
	}
	y, err := shTake(x, out, idx, fill)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return y, nil
}

func shPad(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	r := x.Rank()
	mode := ctx.Node.AttrString("mode", "constant")
	switch mode {
	case "constant", "reflect", "edge":
	case "wrap":
		if ctx.Opset < 19 {
			return nil, ctx.Errf("mode wrap needs opset 19: %w", ErrUnsupported)
		}
	default:
		return nil, ctx.Errf("mode %q: %w", mode, ErrUnsupported)
	}
	var pads []int64
	var fill *tensor.Tensor
	var axes []int64
	var err error
	if ctx.Opset < 11 {
		pads = ctx.Node.AttrInts("pads")
		if pads == nil {
			pads = ctx.Node.AttrInts("paddings")
		}
		if v := ctx.Node.AttrFloat("value", 0); v != 0 {
			fill, err = tensor.FromFloat32(x.DType(), []int{1}, []float32{v})
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
		}
	} else {
		if err := shNeed(ctx, in, 2); err != nil {
			return nil, err
		}
		if pads, err = shIndices(ctx, in[1], "pads"); err != nil {
			return nil, err
		}
		if t := Opt(in, 2); t != nil && t.Len() > 0 {
			if t.DType() != x.DType() {
				return nil, ctx.Errf("constant_value is %v, data %v: %w", t.DType(), x.DType(), tensor.ErrDType)
			}
			fill = t
		}
		if t := Opt(in, 3); t != nil && ctx.Opset >= 18 {
			if axes, err = shIndices(ctx, t, "axes"); err != nil {
				return nil, err
			}
		}
	}
	var ax []int
	if axes == nil {
		ax = make([]int, r)
		for i := range ax {
			ax[i] = i
		}
	} else if ax, err = shNormAxes(ctx, axes, r); err != nil {
		return nil, err
	}
	if len(pads) != 2*len(ax) {
		return nil, ctx.Errf("pads %v need %d values: %w", pads, 2*len(ax), tensor.ErrShape)
	}
	begin, end := make([]int64, r), make([]int64, r)
	for i, a := range ax {
		begin[a], end[a] = pads[i], pads[i+len(ax)]
		if begin[a] > tensor.MaxElements || end[a] > tensor.MaxElements || begin[a] < -tensor.MaxElements || end[a] < -tensor.MaxElements {
			return nil, ctx.Errf("pads %v too large: %w", pads, tensor.ErrLimit)
		}
	}
	y, err := shPadGeneric(ctx, x, begin, end, mode, fill)
	if err != nil {
		return nil, err
	}
	return One(y), nil
}

func shBlocksize(ctx *Context, x *tensor.Tensor) (int, error) {
	b := ctx.Node.AttrInt("blocksize", 0)
	if b <= 0 || b > 1<<20 {
		return 0, ctx.Errf("blocksize %d: %w", b, ir.ErrInvalidModel)
	}
	if x.Rank() != 4 {
		return 0, ctx.Errf("input must be 4-D, has shape %v: %w", x.Shape(), tensor.ErrShape)
	}
	return int(b), nil
}

func shDepthToSpace(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	b, err := shBlocksize(ctx, x)
	if err != nil {
		return nil, err
	}
	s := x.Shape()
	n, c, h, w := s[0], s[1], s[2], s[3]
	if c%(b*b) != 0 {
		return nil, ctx.Errf("channels %d not divisible by blocksize² %d: %w", c, b*b, tensor.ErrShape)
	}
	cc := c / (b * b)
	mode := ctx.Node.AttrString("mode", "DCR")
	var t *tensor.Tensor
	switch mode {
	case "DCR":
		v, _ := x.Reshape(n, b, b, cc, h, w)
		t, err = shPermute(ctx, v, []int{0, 3, 4, 1, 5, 2})
	case "CRD":
		v, _ := x.Reshape(n, cc, b, b, h, w)
		t, err = shPermute(ctx, v, []int{0, 1, 4, 2, 5, 3})
	default:
		return nil, ctx.Errf("mode %q: %w", mode, ErrUnsupported)
	}
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y, err := t.Reshape(n, cc, h*b, w*b)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shSpaceToDepth(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	b, err := shBlocksize(ctx, x)
	if err != nil {
		return nil, err
	}
	s := x.Shape()
	n, c, h, w := s[0], s[1], s[2], s[3]
	if h%b != 0 || w%b != 0 {
		return nil, ctx.Errf("spatial dims %dx%d not divisible by blocksize %d: %w", h, w, b, tensor.ErrShape)
	}
	v, _ := x.Reshape(n, c, h/b, b, w/b, b)
	t, err := shPermute(ctx, v, []int{0, 3, 5, 1, 2, 4})
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y, err := t.Reshape(n, c*b*b, h/b, w/b)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shTrilu(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	if x.Rank() < 2 {
		return nil, ctx.Errf("input must have rank >= 2, has shape %v: %w", x.Shape(), tensor.ErrShape)
	}
	k := int64(0)
	if t := Opt(in, 1); t != nil {
		v, err := shIndices(ctx, t, "k")
		if err != nil {
			return nil, err
		}
		if len(v) != 1 {
			return nil, ctx.Errf("k must be a scalar: %w", tensor.ErrShape)
		}
		k = v[0]
	}
	upper := ctx.Node.AttrInt("upper", 1) != 0
	s := x.Shape()
	rows, cols := s[len(s)-2], s[len(s)-1]
	idx := make([]int, x.Len())
	for i := range idx {
		c := int64(i % cols)
		rw := int64((i / cols) % rows)
		keep := c-rw >= k
		if !upper {
			keep = c-rw <= k
		}
		if keep {
			idx[i] = i
		} else {
			idx[i] = -1
		}
	}
	y, err := shTake(x, s, idx, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shReverseSequence(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	if x.Rank() < 2 {
		return nil, ctx.Errf("input must have rank >= 2: %w", tensor.ErrShape)
	}
	ba := ctx.Node.AttrInt("batch_axis", 1)
	ta := ctx.Node.AttrInt("time_axis", 0)
	if !((ba == 0 && ta == 1) || (ba == 1 && ta == 0)) {
		return nil, ctx.Errf("batch_axis %d / time_axis %d: %w", ba, ta, ir.ErrInvalidModel)
	}
	lens, err := shIndices(ctx, in[1], "sequence_lens")
	if err != nil {
		return nil, err
	}
	s := x.Shape()
	nb, nt := s[ba], s[ta]
	if len(lens) != nb {
		return nil, ctx.Errf("sequence_lens has %d entries for batch %d: %w", len(lens), nb, tensor.ErrShape)
	}
	st := tensor.Strides(s)
	inner := shProd(s[2:])
	y := x.Clone()
	cp, err := shCopier(y, x)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	for b := 0; b < nb; b++ {
		l := lens[b]
		if l < 0 || l > int64(nt) {
			return nil, ctx.Errf("sequence length %d out of range [0,%d]: %w", l, nt, tensor.ErrShape)
		}
		for t := 0; t < int(l); t++ {
			src := b*st[ba] + t*st[ta]
			dst := b*st[ba] + (int(l)-1-t)*st[ta]
			cp(dst, src, inner)
		}
	}
	return One(y), nil
}

func shCenterCropPad(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	r := x.Rank()
	shape, err := shIndices(ctx, in[1], "shape")
	if err != nil {
		return nil, err
	}
	axes := ctx.Node.AttrInts("axes")
	var ax []int
	if axes == nil {
		ax = make([]int, r)
		for i := range ax {
			ax[i] = i
		}
	} else if ax, err = shNormAxes(ctx, axes, r); err != nil {
		return nil, err
	}
	if len(shape) != len(ax) {
		return nil, ctx.Errf("shape %v does not match %d axes: %w", shape, len(ax), tensor.ErrShape)
	}
	s := x.Shape()
	begin, end := make([]int64, r), make([]int64, r)
	for i, a := range ax {
		if shape[i] < 0 || shape[i] > tensor.MaxElements {
			return nil, ctx.Errf("bad target dim %d: %w", shape[i], tensor.ErrShape)
		}
		diff := shape[i] - int64(s[a])
		if diff >= 0 {
			begin[a] = diff / 2
		} else {
			begin[a] = -((-diff) / 2)
		}
		end[a] = diff - begin[a]
	}
	y, err := shPadGeneric(ctx, x, begin, end, "constant", nil)
	if err != nil {
		return nil, err
	}
	return One(y), nil
}
