package ops

import (
	"fmt"
	"unsafe"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Data movement is dtype-agnostic: every tensor's storage is viewed as a
// slice of 1-, 2-, 4- or 8-byte words (or strings, which hold pointers and
// must stay typed for the garbage collector), and the movement primitives
// below are written once over those word types.

// shWord is the set of storage word types movement primitives work on.
type shWord interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64 | ~string
}

// shRaw views a tensor's storage as words. Exactly one slice is set,
// selected by size (1, 2, 4, 8; 0 for strings).
type shRaw struct {
	size int
	b    []uint8
	h    []uint16
	w    []uint32
	d    []uint64
	s    []string
}

func shView[S any, W any](s []S) []W {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*W)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// shRawOf returns the word view of t's storage (sharing memory with t).
func shRawOf(t *tensor.Tensor) shRaw {
	switch d := t.Data().(type) {
	case []float32:
		return shRaw{size: 4, w: shView[float32, uint32](d)}
	case []float64:
		return shRaw{size: 8, d: shView[float64, uint64](d)}
	case []uint16:
		return shRaw{size: 2, h: d}
	case []int8:
		return shRaw{size: 1, b: shView[int8, uint8](d)}
	case []uint8:
		return shRaw{size: 1, b: d}
	case []int16:
		return shRaw{size: 2, h: shView[int16, uint16](d)}
	case []int32:
		return shRaw{size: 4, w: shView[int32, uint32](d)}
	case []int64:
		return shRaw{size: 8, d: shView[int64, uint64](d)}
	case []uint32:
		return shRaw{size: 4, w: d}
	case []uint64:
		return shRaw{size: 8, d: d}
	case []bool:
		return shRaw{size: 1, b: shView[bool, uint8](d)}
	case []string:
		return shRaw{size: 0, s: d}
	}
	return shRaw{size: -1}
}

// shStridedT fills rows [lo, hi) of dst (row-major over shape; a row is
// the last dim) with src[off + Σ i_k*st_k].
func shStridedT[E shWord](dst, src []E, shape, st []int, off, lo, hi int) {
	r := len(shape)
	if r == 0 {
		if lo < hi {
			dst[0] = src[off]
		}
		return
	}
	inner, ist := shape[r-1], st[r-1]
	idx := make([]int, r)
	base := off
	rem := lo
	for k := r - 2; k >= 0; k-- {
		idx[k] = rem % shape[k]
		rem /= shape[k]
		base += idx[k] * st[k]
	}
	for o := lo * inner; o < hi*inner; o += inner {
		row := dst[o : o+inner]
		switch ist {
		case 1:
			copy(row, src[base:base+inner])
		case 0:
			v := src[base]
			for j := range row {
				row[j] = v
			}
		default:
			p := base
			for j := range row {
				row[j] = src[p]
				p += ist
			}
		}
		// advance the odometer over dims [0, r-1)
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			base += st[k]
			if idx[k] < shape[k] {
				break
			}
			base -= st[k] * idx[k]
			idx[k] = 0
		}
	}
}

// shTiledT copies planes [plo, phi) of a strided view whose source is
// contiguous along output dim j (st[j] == 1, j < r-1) but strided along the
// last output dim: a cache-blocked 2-D transpose per plane. A plane is one
// choice of coordinates for all dims other than j and r-1.
func shTiledT[E shWord](dst, src []E, shape, st []int, off, j, plo, phi int) {
	const tile = 32
	r := len(shape)
	dstSt := tensor.Strides(shape)
	A, B := shape[j], shape[r-1]
	dsA, ssB := dstSt[j], st[r-1]
	for p := plo; p < phi; p++ {
		sb, db := off, 0
		rem := p
		for k := r - 2; k >= 0; k-- {
			if k == j {
				continue
			}
			c := rem % shape[k]
			rem /= shape[k]
			sb += c * st[k]
			db += c * dstSt[k]
		}
		for a0 := 0; a0 < A; a0 += tile {
			a1 := min(a0+tile, A)
			for b0 := 0; b0 < B; b0 += tile {
				b1 := min(b0+tile, B)
				for a := a0; a < a1; a++ {
					row := dst[db+a*dsA+b0 : db+a*dsA+b1]
					q := sb + a + b0*ssB
					for i := range row {
						row[i] = src[q]
						q += ssB
					}
				}
			}
		}
	}
}

// shTiledAxis returns the output dim along which the source is contiguous
// when a blocked transpose pays off, or -1.
func shTiledAxis(shape, st []int) int {
	r := len(shape)
	if r < 2 || shape[r-1] < 8 || st[r-1] == 1 || st[r-1] == 0 {
		return -1
	}
	for k := 0; k < r-1; k++ {
		if st[k] == 1 && shape[k] >= 8 {
			return k
		}
	}
	return -1
}

// shGrain is the number of elements below which copies stay on one thread.
const shGrain = 1 << 15

// shStrided returns a new tensor of the given shape whose element at
// multi-index i is src's flat element off + Σ i_k*st_k. Strides may be zero
// (broadcast) or negative (reversal). Large copies are split over ctx's
// threads (ctx may be nil).
func shStrided(ctx *Context, src *tensor.Tensor, shape, st []int, off int) (*tensor.Tensor, error) {
	dst, err := ctx.NewTensor(src.DType(), shape...)
	if err != nil {
		return nil, err
	}
	n := dst.Len()
	if n == 0 {
		return dst, nil
	}
	rows, inner := 1, 1
	if len(shape) > 0 {
		inner = shape[len(shape)-1]
		rows = n / inner
	}
	d, s := shRawOf(dst), shRawOf(src)
	if s.size < 0 {
		return nil, fmt.Errorf("tensor dtype %v: %w", src.DType(), tensor.ErrDType)
	}
	if j := shTiledAxis(shape, st); j >= 0 {
		planes := n / (shape[j] * shape[len(shape)-1])
		if grain := max(1, shGrain/(n/planes)); zaSerialN(ctx, planes, grain) {
			zaTiledAll(d, s, shape, st, off, j, 0, planes) // no closure: no allocation
			return dst, nil
		}
		tiled := func(lo, hi int) { zaTiledAll(d, s, shape, st, off, j, lo, hi) }
		ctx.Parallel(planes, max(1, shGrain/(n/planes)), tiled)
		return dst, nil
	}
	if zaSerialN(ctx, rows, max(1, shGrain/inner)) {
		zaStridedAll(d, s, shape, st, off, 0, rows) // no closure: no allocation
		return dst, nil
	}
	run := func(lo, hi int) {
		switch s.size {
		case 1:
			shStridedT(d.b, s.b, shape, st, off, lo, hi)
		case 2:
			shStridedT(d.h, s.h, shape, st, off, lo, hi)
		case 4:
			shStridedT(d.w, s.w, shape, st, off, lo, hi)
		case 8:
			shStridedT(d.d, s.d, shape, st, off, lo, hi)
		case 0:
			shStridedT(d.s, s.s, shape, st, off, lo, hi)
		}
	}
	ctx.Parallel(rows, max(1, shGrain/inner), run)
	return dst, nil
}

// shTakeT sets dst[i] = src[idx[i]], or fill when idx[i] < 0.
func shTakeT[E shWord](dst, src []E, idx []int, fill E) {
	for i, j := range idx {
		if j < 0 {
			dst[i] = fill
		} else {
			dst[i] = src[j]
		}
	}
}

// shTake returns a tensor of the given shape with out[i] = src[idx[i]];
// negative indices take fill's first element (or zero when fill is nil).
// fill must have src's dtype.
func shTake(src *tensor.Tensor, shape []int, idx []int, fill *tensor.Tensor) (*tensor.Tensor, error) {
	dst, err := tensor.New(src.DType(), shape...)
	if err != nil {
		return nil, err
	}
	if dst.Len() != len(idx) {
		return nil, fmt.Errorf("internal: take of %d indices into shape %v: %w", len(idx), shape, tensor.ErrShape)
	}
	if len(idx) == 0 {
		return dst, nil
	}
	var f shRaw
	if fill != nil && fill.Len() > 0 {
		f = shRawOf(fill)
	}
	d, s := shRawOf(dst), shRawOf(src)
	switch s.size {
	case 1:
		shTakeT(d.b, s.b, idx, shFirst(f.b))
	case 2:
		shTakeT(d.h, s.h, idx, shFirst(f.h))
	case 4:
		shTakeT(d.w, s.w, idx, shFirst(f.w))
	case 8:
		shTakeT(d.d, s.d, idx, shFirst(f.d))
	case 0:
		shTakeT(d.s, s.s, idx, shFirst(f.s))
	default:
		return nil, fmt.Errorf("tensor dtype %v: %w", src.DType(), tensor.ErrDType)
	}
	return dst, nil
}

func shFirst[E shWord](s []E) E {
	var z E
	if len(s) > 0 {
		return s[0]
	}
	return z
}

// shPutT sets dst[idx[k]] = src[k].
func shPutT[E shWord](dst, src []E, idx []int) {
	for k, j := range idx {
		dst[j] = src[k]
	}
}

// shPut writes src's elements into dst (same dtype) at flat positions idx.
func shPut(dst, src *tensor.Tensor, idx []int) error {
	d, s := shRawOf(dst), shRawOf(src)
	switch s.size {
	case 1:
		shPutT(d.b, s.b, idx)
	case 2:
		shPutT(d.h, s.h, idx)
	case 4:
		shPutT(d.w, s.w, idx)
	case 8:
		shPutT(d.d, s.d, idx)
	case 0:
		shPutT(d.s, s.s, idx)
	default:
		return fmt.Errorf("tensor dtype %v: %w", src.DType(), tensor.ErrDType)
	}
	return nil
}

// shCopier returns a function copying n elements from src[so:] to dst[do:].
// The type switch happens once; each call is one built-in copy.
func shCopier(dst, src *tensor.Tensor) (func(do, so, n int), error) {
	d, s := shRawOf(dst), shRawOf(src)
	switch s.size {
	case 1:
		return func(do, so, n int) { copy(d.b[do:do+n], s.b[so:so+n]) }, nil
	case 2:
		return func(do, so, n int) { copy(d.h[do:do+n], s.h[so:so+n]) }, nil
	case 4:
		return func(do, so, n int) { copy(d.w[do:do+n], s.w[so:so+n]) }, nil
	case 8:
		return func(do, so, n int) { copy(d.d[do:do+n], s.d[so:so+n]) }, nil
	case 0:
		return func(do, so, n int) { copy(d.s[do:do+n], s.s[so:so+n]) }, nil
	}
	return nil, fmt.Errorf("tensor dtype %v: %w", src.DType(), tensor.ErrDType)
}

// shCopyAs returns t with another shape of equal size. Like Identity it
// shares t's data (kernels never write to inputs or outputs after Run, so a
// Reshape/Squeeze/Unsqueeze/Flatten chain costs no copies).
func shCopyAs(t *tensor.Tensor, shape []int) (*tensor.Tensor, error) {
	return t.Reshape(shape...)
}

// shIndices reads an integer index tensor as []int64 (any int dtype).
func shIndices(ctx *Context, t *tensor.Tensor, what string) ([]int64, error) {
	if !t.DType().IsInt() {
		return nil, ctx.Errf("%s must be an integer tensor, got %v: %w", what, t.DType(), tensor.ErrDType)
	}
	return t.AsInt64s()
}

// shWrapIndex maps an index in [-d, d) to [0, d), or reports an error.
func shWrapIndex(ctx *Context, v int64, d int, what string) (int, error) {
	if v < 0 {
		v += int64(d)
	}
	if v < 0 || v >= int64(d) {
		return 0, ctx.Errf("%s index %d out of range for dim %d: %w", what, v, d, tensor.ErrShape)
	}
	return int(v), nil
}

// shNormAxes normalises axes for a given rank, rejecting duplicates.
func shNormAxes(ctx *Context, axes []int64, rank int) ([]int, error) {
	out := make([]int, len(axes))
	seen := make([]bool, rank)
	for i, a := range axes {
		if a < int64(-rank) || a >= int64(rank) {
			return nil, ctx.Errf("axis %d out of range for rank %d: %w", a, rank, tensor.ErrShape)
		}
		ax := int(a)
		if ax < 0 {
			ax += rank
		}
		if seen[ax] {
			return nil, ctx.Errf("duplicate axis %d: %w", a, tensor.ErrShape)
		}
		seen[ax] = true
		out[i] = ax
	}
	return out, nil
}

// shAxis normalises a single axis for rank.
func shAxis(ctx *Context, axis int64, rank int) (int, error) {
	if axis < int64(-rank) || axis >= int64(rank) {
		return 0, ctx.Errf("axis %d out of range for rank %d: %w", axis, rank, tensor.ErrShape)
	}
	if axis < 0 {
		axis += int64(rank)
	}
	return int(axis), nil
}

// shDims converts int64 dims from data to ints, checking the element count.
func shDims(ctx *Context, v []int64, what string) ([]int, error) {
	out := make([]int, len(v))
	for i, d := range v {
		if d < 0 || d > tensor.MaxElements {
			return nil, ctx.Errf("%s: bad dim %d in %v: %w", what, d, v, tensor.ErrShape)
		}
		out[i] = int(d)
	}
	if _, err := tensor.NumElements(out); err != nil {
		return nil, ctx.Errf("%s: %w", what, err)
	}
	return out, nil
}

// shProd is the product of dims (from an existing tensor's shape).
func shProd(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// shInt64 wraps []int64 as an Int64 tensor of the given shape.
func shInt64(shape []int, v []int64) *tensor.Tensor {
	t, _ := tensor.FromData(tensor.Int64, shape, v)
	return t
}

// shAxesArg reads axes from an attribute (opset < since) or input i.
func shAxesArg(ctx *Context, in []*tensor.Tensor, i int, attrSince int) ([]int64, bool, error) {
	if ctx.Opset < attrSince {
		if a := ctx.Node.Attr("axes"); a != nil {
			return a.Ints, true, nil
		}
		return nil, false, nil
	}
	t := Opt(in, i)
	if t == nil {
		return nil, false, nil
	}
	v, err := shIndices(ctx, t, "axes")
	return v, true, err
}

// shNeed is NeedInputs with a node-naming error.
func shNeed(ctx *Context, in []*tensor.Tensor, n int) error { return NeedInputs(ctx, in, n) }

var _ = ir.ErrInvalidModel
