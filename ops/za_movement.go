package ops

import "github.com/qinfer/qinfer/tensor"

// zaPermLocal is a Transpose step's per-session scratch.
type zaPermLocal struct {
	perm, st, out, ost []int
}

// zaNormPerm writes the normalised perm attribute into perm (len(attr)),
// rejecting out-of-range and repeated axes like shNormAxes.
func zaNormPerm(ctx *Context, perm []int, attr []int64) error {
	r := len(perm)
	for i, a := range attr {
		if a < int64(-r) || a >= int64(r) {
			return ctx.Errf("axis %d out of range for rank %d: %w", a, r, tensor.ErrShape)
		}
		ax := int(a)
		if ax < 0 {
			ax += r
		}
		for _, p := range perm[:i] {
			if p == ax {
				return ctx.Errf("duplicate axis %d: %w", a, tensor.ErrShape)
			}
		}
		perm[i] = ax
	}
	return nil
}

// zaTiledAll is shStrided's tiled copy of planes [lo, hi) on the calling
// goroutine.
func zaTiledAll(d, s shRaw, shape, st []int, off, j, lo, hi int) {
	switch s.size {
	case 1:
		shTiledT(d.b, s.b, shape, st, off, j, lo, hi)
	case 2:
		shTiledT(d.h, s.h, shape, st, off, j, lo, hi)
	case 4:
		shTiledT(d.w, s.w, shape, st, off, j, lo, hi)
	case 8:
		shTiledT(d.d, s.d, shape, st, off, j, lo, hi)
	case 0:
		shTiledT(d.s, s.s, shape, st, off, j, lo, hi)
	}
}

// zaStridedAll is shStrided's row copy of rows [lo, hi) on the calling
// goroutine.
func zaStridedAll(d, s shRaw, shape, st []int, off, lo, hi int) {
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

// zaGatherLocal is a Gather step's per-session scratch.
type zaGatherLocal struct{ out, pos []int }

// zaShapeN returns a zeroed shape of n dims in the step's storage when it
// fits (else a new slice). Only for shapes that are copied before the
// next use of the step's geometry storage (see zaShapeBuf).
func zaShapeN(ctx *Context, n int) []int {
	if b := zaShapeBuf(ctx); cap(b) >= n {
		b = b[:n]
		clear(b)
		return b
	}
	return make([]int, n)
}

// zaCopyRaw copies n elements from s[so:] to d[do:] (shCopier without the
// closure).
func zaCopyRaw(d, s shRaw, do, so, n int) {
	switch s.size {
	case 1:
		copy(d.b[do:do+n], s.b[so:so+n])
	case 2:
		copy(d.h[do:do+n], s.h[so:so+n])
	case 4:
		copy(d.w[do:do+n], s.w[so:so+n])
	case 8:
		copy(d.d[do:do+n], s.d[so:so+n])
	case 0:
		copy(d.s[do:do+n], s.s[so:so+n])
	}
}
