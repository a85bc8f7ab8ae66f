package ops

import (
	"cmp"
	"slices"

	"github.com/qinfer/qinfer/tensor"
)

func init() {
	RegisterFunc("", "Gather", 1, shGather)
	RegisterFunc("", "GatherElements", 11, shGatherElements)
	RegisterFunc("", "GatherND", 11, shGatherND)
	RegisterFunc("", "NonZero", 9, shNonZero)
	RegisterFunc("", "Compress", 9, shCompress)
	RegisterFunc("", "OneHot", 9, shOneHot)
	RegisterFunc("", "TopK", 1, shTopK)
	RegisterFunc("", "Unique", 11, shUnique)
	RegisterFunc("", "CumSum", 11, shCumSum)
}

func shGather(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x, it := in[0], in[1]
	s := x.Shape()
	if len(s) == 0 {
		return nil, ctx.Errf("data must have rank >= 1: %w", tensor.ErrShape)
	}
	axis, err := shAxis(ctx, ctx.Node.AttrInt("axis", 0), len(s))
	if err != nil {
		return nil, err
	}
	idx, err := shIndices(ctx, it, "indices")
	if err != nil {
		return nil, err
	}
	d := s[axis]
	outer, inner := shProd(s[:axis]), shProd(s[axis+1:])
	loc := zaLocal[zaGatherLocal](ctx) // per-session scratch: no allocation per run
	out := append(append(append(loc.out[:0], s[:axis]...), it.Shape()...), s[axis+1:]...)
	loc.out = out
	if _, err := alCheckShape(ctx, alIndex, out); err != nil {
		return nil, err
	}
	pos := zaZeroed(&loc.pos, len(idx))
	for i, v := range idx {
		if pos[i], err = shWrapIndex(ctx, v, d, "Gather"); err != nil {
			return nil, err
		}
	}
	n := len(idx)
	if inner == 1 {
		m := make([]int, outer*n)
		for o := 0; o < outer; o++ {
			for i, p := range pos {
				m[o*n+i] = o*d + p
			}
		}
		y, err := shTake(x, out, m, nil)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(y), nil
	}
	y, err := ctx.NewTensor(x.DType(), out...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	if y.Len() == 0 {
		return ctx.One(y), nil
	}
	dr, sr := shRawOf(y), shRawOf(x)
	if sr.size < 0 {
		return nil, ctx.Errf("tensor dtype %v: %w", x.DType(), tensor.ErrDType)
	}
	for o := 0; o < outer; o++ {
		for i, p := range pos {
			zaCopyRaw(dr, sr, (o*n+i)*inner, (o*d+p)*inner, inner) // no closure: no allocation
		}
	}
	return ctx.One(y), nil
}

func shGatherElements(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x, it := in[0], in[1]
	s, is := x.Shape(), it.Shape()
	if len(s) != len(is) || len(s) == 0 {
		return nil, ctx.Errf("indices shape %v and data shape %v differ in rank: %w", is, s, tensor.ErrShape)
	}
	axis, err := shAxis(ctx, ctx.Node.AttrInt("axis", 0), len(s))
	if err != nil {
		return nil, err
	}
	idx, err := shIndices(ctx, it, "indices")
	if err != nil {
		return nil, err
	}
	targets, err := shElementTargets(ctx, s, is, axis, idx, "GatherElements")
	if err != nil {
		return nil, err
	}
	y, err := shTake(x, is, targets, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

// shElementTargets maps each position of an indices tensor (shape is) to the
// flat position in data (shape s) obtained by replacing the axis coordinate
// with the index value. Used by GatherElements and ScatterElements.
func shElementTargets(ctx *Context, s, is []int, axis int, idx []int64, what string) ([]int, error) {
	r := len(s)
	for i := range s {
		if i != axis && is[i] > s[i] {
			return nil, ctx.Errf("indices shape %v exceeds data shape %v: %w", is, s, tensor.ErrShape)
		}
	}
	st := tensor.Strides(s)
	targets := make([]int, len(idx))
	pos := make([]int, r)
	base := 0 // Σ pos[k]*st[k] over k != axis
	d := s[axis]
	for k, v := range idx {
		p, err := shWrapIndex(ctx, v, d, what)
		if err != nil {
			return nil, err
		}
		targets[k] = base + p*st[axis]
		for a := r - 1; a >= 0; a-- {
			pos[a]++
			if a != axis {
				base += st[a]
			}
			if pos[a] < is[a] {
				break
			}
			if a != axis {
				base -= st[a] * pos[a]
			}
			pos[a] = 0
		}
	}
	return targets, nil
}

// shNDTargets resolves GatherND/ScatterND index tuples: for each tuple it
// returns the flat start in data of a block of `inner` elements.
func shNDTargets(ctx *Context, s, is []int, idx []int64, b int, what string) (starts []int, inner int, err error) {
	q := len(is)
	if q < 1 || b < 0 || b >= q || b > len(s) {
		return nil, 0, ctx.Errf("batch_dims %d with indices shape %v and data shape %v: %w", b, is, s, tensor.ErrShape)
	}
	k := is[q-1]
	if b+k > len(s) {
		return nil, 0, ctx.Errf("index tuples of length %d too long for data shape %v: %w", k, s, tensor.ErrShape)
	}
	for i := 0; i < b; i++ {
		if is[i] != s[i] {
			return nil, 0, ctx.Errf("batch dims of indices %v and data %v differ: %w", is, s, tensor.ErrShape)
		}
	}
	st := tensor.Strides(s)
	inner = shProd(s[b+k:])
	batchSize := shProd(s[b:])
	nb := shProd(is[:b])
	per := 0
	if nb > 0 {
		per = shProd(is[b : q-1])
	}
	if _, err := alCheckDims(ctx, alIndex, nb, per); err != nil {
		return nil, 0, err
	}
	starts = make([]int, nb*per)
	for bi := 0; bi < nb; bi++ {
		for t := 0; t < per; t++ {
			u := bi*per + t
			off := bi * batchSize
			for j := 0; j < k; j++ {
				p, err := shWrapIndex(ctx, idx[u*k+j], s[b+j], what)
				if err != nil {
					return nil, 0, err
				}
				off += p * st[b+j]
			}
			starts[u] = off
		}
	}
	return starts, inner, nil
}

func shGatherND(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x, it := in[0], in[1]
	s, is := x.Shape(), it.Shape()
	b := int(ctx.Node.AttrInt("batch_dims", 0))
	idx, err := shIndices(ctx, it, "indices")
	if err != nil {
		return nil, err
	}
	starts, inner, err := shNDTargets(ctx, s, is, idx, b, "GatherND")
	if err != nil {
		return nil, err
	}
	k := is[len(is)-1]
	out := append(append([]int{}, is[:len(is)-1]...), s[b+k:]...)
	if _, err := alCheckShape(ctx, alIndex, out); err != nil {
		return nil, err
	}
	m := make([]int, len(starts)*inner)
	for u, st := range starts {
		for j := 0; j < inner; j++ {
			m[u*inner+j] = st + j
		}
	}
	y, err := shTake(x, out, m, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

// shNonZeroMask reports for each element whether it is non-zero (NaN is
// non-zero, -0.0 is zero, "" is zero).
func shNonZeroMask(t *tensor.Tensor) []bool {
	m := make([]bool, t.Len())
	r := shRawOf(t)
	dt := t.DType()
	switch r.size {
	case 1:
		mask := uint8(0xff)
		if dt == tensor.Float8E4M3FN || dt == tensor.Float8E5M2 {
			mask = 0x7f
		}
		for i, v := range r.b {
			m[i] = v&mask != 0
		}
	case 2:
		mask := uint16(0xffff)
		if dt == tensor.Float16 || dt == tensor.BFloat16 {
			mask = 0x7fff
		}
		for i, v := range r.h {
			m[i] = v&mask != 0
		}
	case 4:
		mask := uint32(0xffffffff)
		if dt == tensor.Float32 {
			mask = 0x7fffffff
		}
		for i, v := range r.w {
			m[i] = v&mask != 0
		}
	case 8:
		mask := ^uint64(0)
		if dt == tensor.Float64 {
			mask >>= 1
		}
		for i, v := range r.d {
			m[i] = v&mask != 0
		}
	case 0:
		for i, v := range r.s {
			m[i] = v != ""
		}
	}
	return m
}

func shNonZero(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	mask := shNonZeroMask(x)
	nz := 0
	for _, v := range mask {
		if v {
			nz++
		}
	}
	s := x.Shape()
	r := len(s)
	if r == 0 {
		// numpy treats a 0-d array as 1-d here.
		s, r = []int{1}, 1
	}
	out := make([]int64, r*nz)
	pos := make([]int, r)
	c := 0
	for _, v := range mask {
		if v {
			for a := 0; a < r; a++ {
				out[a*nz+c] = int64(pos[a])
			}
			c++
		}
		for a := r - 1; a >= 0; a-- {
			pos[a]++
			if pos[a] < s[a] {
				break
			}
			pos[a] = 0
		}
	}
	return One(shInt64([]int{r, nz}, out)), nil
}

func shCompress(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x, ct := in[0], in[1]
	if ct.Rank() != 1 {
		return nil, ctx.Errf("condition must be 1-D, has shape %v: %w", ct.Shape(), tensor.ErrShape)
	}
	cond := shNonZeroMask(ct)
	s := x.Shape()
	axis := -1
	if a := ctx.Node.Attr("axis"); a != nil {
		ax, err := shAxis(ctx, a.I, len(s))
		if err != nil {
			return nil, err
		}
		axis = ax
	}
	outer, d, inner := 1, x.Len(), 1
	if axis >= 0 {
		outer, d, inner = shProd(s[:axis]), s[axis], shProd(s[axis+1:])
	}
	if len(cond) > d {
		for _, c := range cond[d:] {
			if c {
				return nil, ctx.Errf("condition longer than dim %d selects beyond it: %w", d, tensor.ErrShape)
			}
		}
		cond = cond[:d]
	}
	var sel []int
	for i, c := range cond {
		if c {
			sel = append(sel, i)
		}
	}
	var out []int
	if axis < 0 {
		out = []int{len(sel)}
	} else {
		out = append([]int{}, s...)
		out[axis] = len(sel)
	}
	if _, err := alCheckShape(ctx, alIndex, out); err != nil {
		return nil, err
	}
	m := make([]int, 0, outer*len(sel)*inner)
	for o := 0; o < outer; o++ {
		for _, i := range sel {
			for j := 0; j < inner; j++ {
				m = append(m, (o*d+i)*inner+j)
			}
		}
	}
	y, err := shTake(x, out, m, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func shOneHot(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 3); err != nil {
		return nil, err
	}
	it, dt, vt := in[0], in[1], in[2]
	if vt.Len() != 2 {
		return nil, ctx.Errf("values must have 2 elements, has %d: %w", vt.Len(), tensor.ErrShape)
	}
	if dt.Len() != 1 || dt.DType() == tensor.String || dt.DType() == tensor.Bool {
		return nil, ctx.Errf("depth must be a numeric scalar: %w", tensor.ErrShape)
	}
	df := dt.Float64At(0)
	if !(df >= 1) || df > float64(tensor.MaxElements) {
		return nil, ctx.Errf("depth %v: %w", df, tensor.ErrShape)
	}
	depth := int(df)
	if it.DType() == tensor.String || it.DType() == tensor.Bool {
		return nil, DTypeErr(ctx, it.DType())
	}
	ic, err := tensor.Cast(it, tensor.Int64)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	idx := ic.Int64s()
	s := it.Shape()
	r := len(s) + 1
	axis, err := shAxis(ctx, ctx.Node.AttrInt("axis", -1), r)
	if err != nil {
		return nil, err
	}
	out := append(append(append([]int{}, s[:axis]...), depth), s[axis:]...)
	total, err := alCheckShape(ctx, alIndex, out)
	if err != nil {
		return nil, err
	}
	outer, inner := shProd(s[:axis]), shProd(s[axis:])
	m := make([]int, total) // 0 = off value
	for o := 0; o < outer; o++ {
		for j := 0; j < inner; j++ {
			v := idx[o*inner+j]
			if v < 0 {
				v += int64(depth)
			}
			if v >= 0 && v < int64(depth) {
				m[(o*depth+int(v))*inner+j] = 1
			}
		}
	}
	flat, _ := vt.Reshape(2)
	y, err := shTake(flat, out, m, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

// shLanes describes iterating a tensor along one axis: outer × d × inner.
type shLanes struct{ outer, d, inner int }

func shLanesOf(s []int, axis int) shLanes {
	return shLanes{shProd(s[:axis]), s[axis], shProd(s[axis+1:])}
}

// shFloatCmp orders floats with NaN greater than everything.
func shFloatCmp[T float32 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	case a != a && b != b:
		return 0
	case a != a:
		return 1
	}
	return -1
}

// shTopKT selects, per lane, the k extreme elements; ties go to the smaller
// index. It returns flat source positions and axis indices.
func shTopKT[T any](data []T, c func(a, b T) int, l shLanes, k int, largest bool) ([]int, []int64) {
	n := l.outer * k * l.inner
	src := make([]int, n)
	ids := make([]int64, n)
	order := make([]int, l.d)
	vals := make([]T, l.d)
	for o := 0; o < l.outer; o++ {
		for j := 0; j < l.inner; j++ {
			base := o*l.d*l.inner + j
			for i := range order {
				order[i] = i
				vals[i] = data[base+i*l.inner]
			}
			slices.SortStableFunc(order, func(a, b int) int {
				r := c(vals[a], vals[b])
				if largest {
					r = -r
				}
				return r
			})
			for t := 0; t < k; t++ {
				p := (o*k+t)*l.inner + j
				src[p] = base + order[t]*l.inner
				ids[p] = int64(order[t])
			}
		}
	}
	return src, ids
}

func shTopK(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	s := x.Shape()
	if len(s) == 0 {
		return nil, ctx.Errf("input must have rank >= 1: %w", tensor.ErrShape)
	}
	axis, err := shAxis(ctx, ctx.Node.AttrInt("axis", -1), len(s))
	if err != nil {
		return nil, err
	}
	var k int64
	if ctx.Opset < 10 {
		k = ctx.Node.AttrInt("k", -1)
	} else {
		if err := shNeed(ctx, in, 2); err != nil {
			return nil, err
		}
		v, err := shIndices(ctx, in[1], "K")
		if err != nil {
			return nil, err
		}
		if len(v) != 1 {
			return nil, ctx.Errf("K must have one element: %w", tensor.ErrShape)
		}
		k = v[0]
	}
	if k < 0 || k > int64(s[axis]) {
		return nil, ctx.Errf("k %d out of range for dim %d: %w", k, s[axis], tensor.ErrShape)
	}
	largest := ctx.Node.AttrInt("largest", 1) != 0
	l := shLanesOf(s, axis)
	// Per-lane scratch is sized by the axis dim, which an empty tensor
	// does not bound.
	if _, err := alCheckDims(ctx, alIndex, 2, l.d); err != nil {
		return nil, err
	}
	var src []int
	var ids []int64
	switch d := x.Data().(type) {
	case []float32:
		src, ids = shTopKT(d, shFloatCmp[float32], l, int(k), largest)
	case []float64:
		src, ids = shTopKT(d, shFloatCmp[float64], l, int(k), largest)
	case []int8:
		src, ids = shTopKT(d, cmp.Compare[int8], l, int(k), largest)
	case []int16:
		src, ids = shTopKT(d, cmp.Compare[int16], l, int(k), largest)
	case []int32:
		src, ids = shTopKT(d, cmp.Compare[int32], l, int(k), largest)
	case []int64:
		src, ids = shTopKT(d, cmp.Compare[int64], l, int(k), largest)
	case []uint32:
		src, ids = shTopKT(d, cmp.Compare[uint32], l, int(k), largest)
	case []uint64:
		src, ids = shTopKT(d, cmp.Compare[uint64], l, int(k), largest)
	case []uint8, []uint16:
		if x.DType().IsFloat() {
			src, ids = shTopKT(tensor.ToFloat32(x), shFloatCmp[float32], l, int(k), largest)
		} else if u, ok := d.([]uint8); ok {
			src, ids = shTopKT(u, cmp.Compare[uint8], l, int(k), largest)
		} else {
			src, ids = shTopKT(d.([]uint16), cmp.Compare[uint16], l, int(k), largest)
		}
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	out := append([]int{}, s...)
	out[axis] = int(k)
	vals, err := shTake(x, out, src, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return []*tensor.Tensor{vals, shInt64(out, ids)}, nil
}

// shUniqueT groups the d items of lanes l (item i = all elements with axis
// coordinate i) into equal classes. It returns, per unique item, its first
// occurrence, plus each item's class and each class's count.
func shUniqueT[T any](data []T, c func(a, b T) int, l shLanes, sorted bool) (first []int, inverse, counts []int64) {
	itemCmp := func(a, b int) int {
		for o := 0; o < l.outer; o++ {
			pa, pb := (o*l.d+a)*l.inner, (o*l.d+b)*l.inner
			for j := 0; j < l.inner; j++ {
				if r := c(data[pa+j], data[pb+j]); r != 0 {
					return r
				}
			}
		}
		return 0
	}
	order := make([]int, l.d)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, itemCmp)
	class := make([]int, l.d)
	var groupFirst []int
	var groupCount []int64
	for i, it := range order {
		if i == 0 || itemCmp(order[i-1], it) != 0 {
			groupFirst = append(groupFirst, it)
			groupCount = append(groupCount, 0)
		}
		g := len(groupFirst) - 1
		class[it] = g
		groupCount[g]++
	}
	rank := make([]int, len(groupFirst)) // group -> output position
	for g := range rank {
		rank[g] = g
	}
	if !sorted {
		byFirst := make([]int, len(groupFirst))
		for g := range byFirst {
			byFirst[g] = g
		}
		slices.SortFunc(byFirst, func(a, b int) int { return groupFirst[a] - groupFirst[b] })
		for pos, g := range byFirst {
			rank[g] = pos
		}
	}
	first = make([]int, len(groupFirst))
	counts = make([]int64, len(groupFirst))
	for g, f := range groupFirst {
		first[rank[g]] = f
		counts[rank[g]] = groupCount[g]
	}
	inverse = make([]int64, l.d)
	for i, g := range class {
		inverse[i] = int64(rank[g])
	}
	return first, inverse, counts
}

func shUnique(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	sorted := ctx.Node.AttrInt("sorted", 1) != 0
	s := x.Shape()
	var l shLanes
	axis := -1
	if a := ctx.Node.Attr("axis"); a != nil {
		if len(s) == 0 {
			return nil, ctx.Errf("axis given for a scalar: %w", tensor.ErrShape)
		}
		ax, err := shAxis(ctx, a.I, len(s))
		if err != nil {
			return nil, err
		}
		axis = ax
		l = shLanesOf(s, axis)
	} else {
		l = shLanes{1, x.Len(), 1}
	}
	// Per-item tables are sized by the axis dim, which an empty tensor
	// does not bound.
	if _, err := alCheckDims(ctx, alIndex, 4, l.d); err != nil {
		return nil, err
	}
	var first []int
	var inverse, counts []int64
	switch d := x.Data().(type) {
	case []float32:
		first, inverse, counts = shUniqueT(d, shFloatCmp[float32], l, sorted)
	case []float64:
		first, inverse, counts = shUniqueT(d, shFloatCmp[float64], l, sorted)
	case []int8:
		first, inverse, counts = shUniqueT(d, cmp.Compare[int8], l, sorted)
	case []int16:
		first, inverse, counts = shUniqueT(d, cmp.Compare[int16], l, sorted)
	case []int32:
		first, inverse, counts = shUniqueT(d, cmp.Compare[int32], l, sorted)
	case []int64:
		first, inverse, counts = shUniqueT(d, cmp.Compare[int64], l, sorted)
	case []uint32:
		first, inverse, counts = shUniqueT(d, cmp.Compare[uint32], l, sorted)
	case []uint64:
		first, inverse, counts = shUniqueT(d, cmp.Compare[uint64], l, sorted)
	case []string:
		first, inverse, counts = shUniqueT(d, cmp.Compare[string], l, sorted)
	case []bool:
		first, inverse, counts = shUniqueT(shRawOf(x).b, cmp.Compare[uint8], l, sorted)
	case []uint8, []uint16:
		if x.DType().IsFloat() {
			first, inverse, counts = shUniqueT(tensor.ToFloat32(x), shFloatCmp[float32], l, sorted)
		} else if u, ok := d.([]uint8); ok {
			first, inverse, counts = shUniqueT(u, cmp.Compare[uint8], l, sorted)
		} else {
			first, inverse, counts = shUniqueT(d.([]uint16), cmp.Compare[uint16], l, sorted)
		}
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	nu := len(first)
	var out []int
	if axis < 0 {
		out = []int{nu}
	} else {
		out = append([]int{}, s...)
		out[axis] = nu
	}
	m := make([]int, 0, l.outer*nu*l.inner)
	for o := 0; o < l.outer; o++ {
		for _, f := range first {
			for j := 0; j < l.inner; j++ {
				m = append(m, (o*l.d+f)*l.inner+j)
			}
		}
	}
	y, err := shTake(x, out, m, nil)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	fi := make([]int64, nu)
	for i, f := range first {
		fi[i] = int64(f)
	}
	return []*tensor.Tensor{y, shInt64([]int{nu}, fi), shInt64([]int{len(inverse)}, inverse), shInt64([]int{nu}, counts)}, nil
}

// shCumSumT computes the cumulative sum along lanes l.
func shCumSumT[T tensor.Number](dst, src []T, l shLanes, exclusive, reverse bool) {
	for o := 0; o < l.outer; o++ {
		for j := 0; j < l.inner; j++ {
			base := o*l.d*l.inner + j
			var acc T
			for t := 0; t < l.d; t++ {
				i := t
				if reverse {
					i = l.d - 1 - t
				}
				p := base + i*l.inner
				if exclusive {
					dst[p] = acc
					acc += src[p]
				} else {
					acc += src[p]
					dst[p] = acc
				}
			}
		}
	}
}

func shCumSum(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := shNeed(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	av, err := shIndices(ctx, in[1], "axis")
	if err != nil {
		return nil, err
	}
	if len(av) != 1 {
		return nil, ctx.Errf("axis must be a scalar: %w", tensor.ErrShape)
	}
	s := x.Shape()
	if len(s) == 0 {
		return nil, ctx.Errf("input must have rank >= 1: %w", tensor.ErrShape)
	}
	axis, err := shAxis(ctx, av[0], len(s))
	if err != nil {
		return nil, err
	}
	l := shLanesOf(s, axis)
	ex := ctx.Node.AttrInt("exclusive", 0) != 0
	rev := ctx.Node.AttrInt("reverse", 0) != 0
	y, err := ctx.NewTensor(x.DType(), s...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	switch d := y.Data().(type) {
	case []float32:
		shCumSumT(d, x.Data().([]float32), l, ex, rev)
	case []float64:
		shCumSumT(d, x.Data().([]float64), l, ex, rev)
	case []int8:
		shCumSumT(d, x.Data().([]int8), l, ex, rev)
	case []int16:
		shCumSumT(d, x.Data().([]int16), l, ex, rev)
	case []int32:
		shCumSumT(d, x.Data().([]int32), l, ex, rev)
	case []int64:
		shCumSumT(d, x.Data().([]int64), l, ex, rev)
	case []uint32:
		shCumSumT(d, x.Data().([]uint32), l, ex, rev)
	case []uint64:
		shCumSumT(d, x.Data().([]uint64), l, ex, rev)
	case []uint8:
		if x.DType() != tensor.Uint8 {
			return nil, DTypeErr(ctx, x.DType())
		}
		shCumSumT(d, x.Data().([]uint8), l, ex, rev)
	case []uint16:
		if x.DType() == tensor.Uint16 {
			shCumSumT(d, x.Data().([]uint16), l, ex, rev)
			break
		}
		f := make([]float32, x.Len())
		shCumSumT(f, tensor.ToFloat32(x), l, ex, rev)
		if y, err = tensor.FromFloat32(x.DType(), s, f); err != nil {
			return nil, ctx.Errf("%w", err)
		}
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	return One(y), nil
}
