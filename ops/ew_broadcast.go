package ops

import (
	"github.com/qinfer/qinfer/tensor"
)

// ewFloat is the set of Go float element types kernels compute on directly.
type ewFloat interface{ ~float32 | ~float64 }

// ewInt is the set of Go integer element types.
type ewInt interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// ewGrain is the number of elements below which a loop is not split over
// threads.
const ewGrain = 1 << 15

// ewPlan maps k broadcast operands onto an output shape. Dims of size 1 are
// dropped and dims contiguous in every operand are merged, so the walk visits
// as few and as long innermost runs as possible.
type ewPlan struct {
	dims    []int   // merged output dims (at least one)
	strides [][]int // strides[k][d]: element stride of operand k along dims[d]
	total   int     // number of output elements
	// zaFull, zaIdx and zaOffs are scratch reused by a per-session plan.
	zaFull        [][]int
	zaIdx, zaOffs []int
}

// ewMakePlan builds a plan. Every input shape must broadcast to out.
func ewMakePlan(out []int, ins ...[]int) *ewPlan {
	p := new(ewPlan)
	p.zaBuild(out, ins...)
	return p
}

// inner returns the innermost run length and operand k's stride along it
// (0 or 1).
func (p *ewPlan) inner(k int) int { return p.strides[k][len(p.dims)-1] }

// run calls f once per innermost run: o is the output offset, offs[k] the
// offset of operand k, n the run length. Runs are spread over ctx's
// threads; offs is reused between calls (one slice per thread).
func (p *ewPlan) run(ctx *Context, f func(o int, offs []int, n int)) {
	if p.total == 0 {
		return
	}
	r := len(p.dims)
	n := p.dims[r-1]
	outer := p.total / n
	k := len(p.strides)
	if outer == 1 {
		// One long run: split it.
		ctx.Parallel(n, ewGrain, func(lo, hi int) {
			offs := make([]int, k)
			for j := range offs {
				offs[j] = lo * p.strides[j][r-1]
			}
			f(lo, offs, hi-lo)
		})
		return
	}
	grain := (ewGrain + n - 1) / n
	ctx.Parallel(outer, grain, func(lo, hi int) {
		idx := make([]int, r-1)
		offs := make([]int, k)
		// Decompose lo into a multi-index over dims[:r-1].
		rem := lo
		for d := r - 2; d >= 0; d-- {
			idx[d] = rem % p.dims[d]
			rem /= p.dims[d]
		}
		for j := range offs {
			for d := 0; d < r-1; d++ {
				offs[j] += idx[d] * p.strides[j][d]
			}
		}
		for it := lo; it < hi; it++ {
			f(it*n, offs, n)
			// Odometer step.
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
	})
}

// ewSpan computes one innermost run: dst[i] = op(a[i*sa], b[i*sb]) with
// sa, sb in {0, 1}.
type ewSpan[A, B, O any] func(dst []O, a []A, sa int, b []B, sb int)

// ewSpanOf turns an element function into a span.
func ewSpanOf[A, B, O any](f func(A, B) O) ewSpan[A, B, O] {
	return func(dst []O, a []A, sa int, b []B, sb int) {
		n := len(dst)
		switch {
		case sa == 1 && sb == 1:
			a, b = a[:n], b[:n]
			for i := range dst {
				dst[i] = f(a[i], b[i])
			}
		case sa == 1:
			a = a[:n]
			y := b[0]
			for i := range dst {
				dst[i] = f(a[i], y)
			}
		case sb == 1:
			b = b[:n]
			x := a[0]
			for i := range dst {
				dst[i] = f(x, b[i])
			}
		default:
			v := f(a[0], b[0])
			for i := range dst {
				dst[i] = v
			}
		}
	}
}

// ewBroadcastShape returns the broadcast of shapes, checked for size.
func ewBroadcastShape(ctx *Context, shapes ...[]int) ([]int, error) {
	// Usually one operand's shape is the result (bias, residual, scalar):
	// return it rather than a new slice. Callers only read the result.
	for _, c := range shapes {
		covers := true
		for _, s := range shapes {
			if !zaCovers(c, s) {
				covers = false
				break
			}
		}
		if covers {
			return c, nil
		}
	}
	// A copy of the list: shapes must not escape (callers' variadic
	// lists stay on their stacks).
	out, err := tensor.Broadcast(append([][]int(nil), shapes...)...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	if _, err := tensor.NumElements(out); err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return out, nil
}

// ewOutShape is ewBroadcastShape that also refuses an output of dt over
// the session's per-tensor cap (float16/bfloat16 outputs count as float32,
// the dtype they are computed in).
func ewOutShape(ctx *Context, dt tensor.DType, shapes ...[]int) ([]int, error) {
	out, err := ewBroadcastShape(ctx, shapes...)
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float16 || dt == tensor.BFloat16 {
		dt = tensor.Float32
	}
	if err := ctx.CheckAlloc(dt, tensor.Size(out)); err != nil {
		return nil, ctx.Errf("output %v: %w", out, err)
	}
	return out, nil
}

// ewBin applies span over the broadcast of a and b into a fresh slice of the
// (already checked) output shape.
func ewBin[A, B, O any](ctx *Context, a []A, ash []int, b []B, bsh []int, osh []int, span ewSpan[A, B, O]) []O {
	dst := rcUninitSlice[O](ctx, tensor.Size(osh)) // every element is written
	p := zaPlan(ctx, osh, ash, bsh)
	sa, sb := p.inner(0), p.inner(1)
	if p.zaSerial(ctx) {
		// Same walk, but the callback does not escape: no allocation.
		p.zaRunSerial(func(o int, offs []int, n int) {
			span(dst[o:o+n], a[offs[0]:], sa, b[offs[1]:], sb)
		})
		return dst
	}
	p.run(ctx, func(o int, offs []int, n int) {
		span(dst[o:o+n], a[offs[0]:], sa, b[offs[1]:], sb)
	})
	return dst
}
