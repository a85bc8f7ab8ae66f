package ops

import (
	"slices"
	"unsafe"

	"github.com/qinfer/qinfer/tensor"
)

// Allocation-free helpers for the elementwise kernels: per-session plan
// storage, broadcasting without new shape slices, and a serial walk whose
// callback stays on the stack.

// zaStridesInto is tensor.BroadcastStrides writing into dst's storage.
func zaStridesInto(dst, in, out []int) []int {
	if cap(dst) < len(out) {
		dst = make([]int, len(out))
	}
	dst = dst[:len(out)]
	clear(dst)
	off := len(out) - len(in)
	acc := 1
	for i := len(in) - 1; i >= 0; i-- {
		if in[i] != 1 {
			dst[off+i] = acc
		}
		acc *= in[i]
	}
	return dst
}

// zaCovers reports whether a is the broadcast of a and b (b fits inside
// a), so a can serve as the output shape without a new slice.
func zaCovers(a, b []int) bool {
	if len(b) > len(a) {
		return false
	}
	off := len(a) - len(b)
	for i, d := range b {
		if d != 1 && d != a[off+i] {
			return false
		}
	}
	return true
}

// zaPlan returns a plan for out and ins in the step's per-session storage
// (a fresh one without a context). Only one plan per step is live at a
// time: build, run, then build the next.
func zaPlan(ctx *Context, out []int, ins ...[]int) *ewPlan {
	if ctx == nil {
		return ewMakePlan(out, ins...)
	}
	if ctx.zaPlan == nil {
		ctx.zaPlan = new(ewPlan)
	}
	p := ctx.zaPlan
	p.zaBuild(out, ins...)
	return p
}

// zaBuild is ewMakePlan into p, reusing p's slices.
func (p *ewPlan) zaBuild(out []int, ins ...[]int) {
	p.total = tensor.Size(out)
	p.dims = p.dims[:0]
	for len(p.strides) < len(ins) {
		p.strides = append(p.strides, nil)
		p.zaFull = append(p.zaFull, nil)
	}
	p.strides = p.strides[:len(ins)]
	p.zaFull = p.zaFull[:len(ins)]
	for k, s := range ins {
		p.strides[k] = p.strides[k][:0]
		p.zaFull[k] = zaStridesInto(p.zaFull[k], s, out)
	}
	full := p.zaFull
	for d, n := range out {
		if n == 1 {
			continue
		}
		last := len(p.dims) - 1
		merge := last >= 0
		if merge {
			for k := range ins {
				if p.strides[k][last] != full[k][d]*n {
					merge = false
					break
				}
			}
		}
		if merge {
			p.dims[last] *= n
			for k := range ins {
				p.strides[k][last] = full[k][d]
			}
			continue
		}
		p.dims = append(p.dims, n)
		for k := range ins {
			p.strides[k] = append(p.strides[k], full[k][d])
		}
	}
	if len(p.dims) == 0 {
		p.dims = append(p.dims, 1)
		for k := range ins {
			p.strides[k] = append(p.strides[k], 0)
		}
	}
}

// zaSerial reports whether run would do all its work in one call on the
// calling goroutine; zaRunSerial then does the same without closures.
func (p *ewPlan) zaSerial(ctx *Context) bool {
	if ctx == nil || ctx.Threads <= 1 {
		return true
	}
	n := p.dims[len(p.dims)-1]
	if p.total == 0 || p.total/n == 1 {
		return n/ewGrain <= 1
	}
	outer := p.total / n
	grain := (ewGrain + n - 1) / n
	return outer/grain <= 1
}

// zaRunSerial is run on the calling goroutine; f does not escape, and the
// index scratch lives in p.
func (p *ewPlan) zaRunSerial(f func(o int, offs []int, n int)) {
	if p.total == 0 {
		return
	}
	r := len(p.dims)
	n := p.dims[r-1]
	outer := p.total / n
	k := len(p.strides)
	idx := zaZeroed(&p.zaIdx, r-1)
	offs := zaZeroed(&p.zaOffs, k)
	for it := 0; it < outer; it++ {
		f(it*n, offs, n)
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			for j := range offs {
				offs[j] += p.strides[j][d]
			}
			if idx[d] < p.dims[d] {
				break
			}
			for j := range offs {
				offs[j] -= idx[d] * p.strides[j][d]
			}
			idx[d] = 0
		}
	}
}

// zaZeroed returns *buf resized to n zeros, growing it when needed.
func zaZeroed(buf *[]int, n int) []int {
	if cap(*buf) < n {
		*buf = make([]int, n)
	}
	s := (*buf)[:n]
	clear(s)
	return s
}

// zaWrap is tensor.FromData for a kernel's output slice: when data is a
// whole buffer of the session's arena (MakeSlice, NewSlice) the header is a
// recycled one and the boxed slice the arena's own, so the steady state
// allocates nothing. shape is copied, never retained.
func zaWrap[T any](ctx *Context, dt tensor.DType, shape []int, data []T) (*tensor.Tensor, error) {
	if ctx != nil && ctx.Arena != nil && len(data) > 0 {
		p := unsafe.Pointer(unsafe.SliceData(data))
		a := ctx.Arena
		a.mu.Lock()
		if b, ok := a.owned[p]; ok && b.key.n == len(data) && bufPtr(b.data) == p {
			if h := b.zaSpare; h != nil {
				// The header NewSlice dropped: already in b.hdrs.
				if err := h.Reinit(dt, shape, b.data); err == nil {
					b.zaSpare = nil
					a.mu.Unlock()
					return h, nil
				}
			}
			h := a.zaHdr()
			if h == nil {
				h = new(tensor.Tensor)
			}
			if err := h.Reinit(dt, shape, b.data); err == nil {
				b.hdrs = append(b.hdrs, h)
				a.mu.Unlock()
				return h, nil
			}
			a.zaHdrs = append(a.zaHdrs, h)
		}
		a.mu.Unlock()
	}
	return tensor.FromData(dt, slices.Clone(shape), data)
}

// zaF32Spans caches ewFloatSpan[float32] per op: a generic function's value
// is a closure over its dictionary, made anew (on the heap) at every
// evaluation.
var zaF32Spans = func() (t [ewOpShr + 1]ewSpan[float32, float32, float32]) {
	for op := range t {
		t[op] = ewFloatSpan[float32](ewOp(op))
	}
	return t
}()

// zaF32Span is ewFloatSpan[float32] without the allocation.
func zaF32Span(op ewOp) ewSpan[float32, float32, float32] {
	if op < 0 || int(op) >= len(zaF32Spans) {
		return nil
	}
	return zaF32Spans[op]
}

// zaSerialN reports whether ctx.Parallel(n, grain, f) would call f once on
// the calling goroutine, so a kernel can loop directly instead of making a
// closure (which escapes into the worker pool and is heap-allocated).
func zaSerialN(ctx *Context, n, grain int) bool {
	if grain < 1 {
		grain = 1
	}
	return ctx == nil || ctx.Threads <= 1 || n/grain <= 1
}

// zaBroadcast2 appends the broadcast of shapes x and y to dst, reporting
// false when they do not broadcast.
func zaBroadcast2(dst, x, y []int) ([]int, bool) {
	r := max(len(x), len(y))
	for i := 0; i < r; i++ {
		dx, dy := 1, 1
		if j := i - (r - len(x)); j >= 0 {
			dx = x[j]
		}
		if j := i - (r - len(y)); j >= 0 {
			dy = y[j]
		}
		switch {
		case dx == dy || dy == 1:
			dst = append(dst, dx)
		case dx == 1:
			dst = append(dst, dy)
		default:
			return dst, false
		}
	}
	return dst, true
}

// rcUninitSlice is MakeSlice for outputs the kernel writes in full: a
// recycled arena buffer is not cleared first (the clearing was a whole
// extra pass over memory for every elementwise node).
func rcUninitSlice[T any](ctx *Context, n int) []T {
	dt := tensor.DTypeOf(any([]T(nil)))
	if dt == tensor.Undefined || dt == tensor.String || ctx == nil || ctx.Arena == nil || n <= 0 {
		return MakeSlice[T](ctx, n)
	}
	t, err := ctx.Arena.NewUninit(dt, n)
	if err != nil {
		return make([]T, n) // over the cap: as MakeSlice
	}
	a := ctx.Arena
	a.mu.Lock()
	if b, ok := a.owned[dataPtr(t)]; ok {
		b.zaSpare = t
	}
	a.mu.Unlock()
	return t.Data().([]T)
}
