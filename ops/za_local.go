package ops

// Per-session, per-step kernel storage. Kernels are shared by every
// session of a Plan, so scratch that survives between runs cannot live in
// a kernel; the runtime gives each session its own Context per step, and
// state kept there is reused run after run without heap allocations.

// zaLocal returns the step's per-session value of type T, made on first
// use. A step keeps values of up to two types (a fused kernel's own state
// and the shared MatMul plan it calls, say); a third type evicts the
// second and would be remade every Run. With no context (tests, constant
// folding) it returns a fresh value.
func zaLocal[T any](ctx *Context) *T {
	if ctx == nil {
		return new(T)
	}
	for _, v := range ctx.zaState {
		if p, ok := v.(*T); ok {
			return p
		}
	}
	p := new(T)
	if ctx.zaState[0] == nil {
		ctx.zaState[0] = p
	} else {
		ctx.zaState[1] = p
	}
	return p
}

// zaMaxND is the largest spatial rank whose geometry lives in zaGeomLocal
// without extra allocation.
const zaMaxND = 4

// zaGeomLocal is a step's storage for a window geometry (cvWindow.resolve)
// and its output shape.
type zaGeomLocal struct {
	g     cvGeom
	ints  [3 * zaMaxND]int
	shape [zaMaxND + 2]int
}

// zaGeom returns the step's cvGeom for nd spatial dims with zeroed pads
// and output sizes. Only one geometry per step and Run: a kernel resolving
// two windows in one Run must copy the first.
func zaGeom(ctx *Context, kernel []int, nd int) *cvGeom {
	if ctx == nil || nd > zaMaxND {
		return &cvGeom{kernel: kernel, padBegin: make([]int, nd), padEnd: make([]int, nd), out: make([]int, nd)}
	}
	l := zaLocalGeom(ctx)
	clear(l.ints[:])
	l.g = cvGeom{kernel: kernel, padBegin: l.ints[0:nd:nd], padEnd: l.ints[nd : 2*nd : 2*nd], out: l.ints[2*nd : 3*nd : 3*nd]}
	return &l.g
}

// zaShapeBuf returns an empty slice with room for a zaMaxND+2 shape, in
// the step's storage (appending past it allocates as usual).
func zaShapeBuf(ctx *Context) []int {
	if ctx == nil {
		return nil
	}
	return zaLocalGeom(ctx).shape[:0]
}

// zaLocalGeom is the geometry storage: kept in Context.zaGeom rather than
// zaState so that a kernel's own zaLocal value coexists with it.
func zaLocalGeom(ctx *Context) *zaGeomLocal {
	if ctx.zaGeom == nil {
		ctx.zaGeom = new(zaGeomLocal)
	}
	return ctx.zaGeom
}

var (
	zaOnes  = [2 * zaMaxND]int{1, 1, 1, 1, 1, 1, 1, 1}
	zaZeros [2 * zaMaxND]int
)

// zaConstInts returns a read-only slice of n copies of v (0 or 1) without
// allocating, or nil when there is none.
func zaConstInts(n, v int) []int {
	if n > len(zaOnes) {
		return nil
	}
	switch v {
	case 0:
		return zaZeros[:n:n]
	case 1:
		return zaOnes[:n:n]
	}
	return nil
}
