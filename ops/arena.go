package ops

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/qinfer/qinfer/tensor"
)

// Arena recycles tensor buffers between the runs of one session. The
// runtime gives every kernel's Context the session's arena; kernels that
// allocate their outputs with Context.NewTensor then get buffers freed by
// earlier nodes (after their values' last use) or earlier runs, so a
// steady-state run allocates little on the heap.
//
// Ownership is tracked by the address of a buffer's first element: the
// runtime calls Retain for every value a step produces and Release when a
// value's slot dies, and a buffer returns to the free lists only when no
// live value (a view made by Reshape, say) still refers to it. Buffers that
// escape a run (graph outputs) are forgotten by Forget and left to the GC.
type Arena struct {
	mu     sync.Mutex
	free   map[arenaKey][]any
	owned  map[unsafe.Pointer]*arenaBuf
	pooled int64
	// zaBufs and zaHdrs recycle the bookkeeping records and the tensor
	// headers of dead buffers, so a steady-state run allocates neither.
	zaBufs []*arenaBuf
	zaHdrs []*tensor.Tensor
	// zaScratch are the session's kernel scratch buffers (see
	// Context.zaScratch).
	zaScratch [3][]byte
	// MaxPooled caps the bytes kept in free lists (0: 1 GiB).
	MaxPooled int64
	// MaxTensorBytes caps one allocation (0: DefaultMaxTensorBytes). A
	// hostile model asking for more gets an error wrapping tensor.ErrLimit
	// before anything is allocated.
	MaxTensorBytes int64
}

// DefaultMaxTensorBytes is the cap on one tensor allocated through an
// arena when none is configured: 4 GiB.
const DefaultMaxTensorBytes = int64(4) << 30

// CheckAlloc reports an error wrapping tensor.ErrLimit when n elements of
// dt exceed the per-tensor cap. Kernels call it (through Context) before
// allocating large scratch buffers of their own.
func (a *Arena) CheckAlloc(dt tensor.DType, n int) error {
	limit := DefaultMaxTensorBytes
	if a != nil && a.MaxTensorBytes > 0 {
		limit = a.MaxTensorBytes
	}
	size := dt.Size()
	if size == 0 {
		size = 1
	}
	if n < 0 || int64(n) > limit/int64(size) {
		return fmt.Errorf("tensor of %d %v elements is over the %d-byte cap: %w", n, dt, limit, tensor.ErrLimit)
	}
	return nil
}

type arenaKey struct {
	dt tensor.DType // storage class: the dtype whose Go slice type holds it
	n  int
}

type arenaBuf struct {
	key     arenaKey
	data    any
	refs    int
	aliases []unsafe.Pointer // other first-element addresses of views into data
	// hdrs are the headers the arena handed out over data (by New and
	// View); they are dead once the buffer is, and get recycled with it.
	hdrs []*tensor.Tensor
	// zaSpare is the header New made for a NewSlice buffer, which NewSlice
	// dropped: zaWrap reuses it for the kernel's output.
	zaSpare *tensor.Tensor
}

// zaBuf returns a cleared bookkeeping record (a.mu held).
func (a *Arena) zaBuf(key arenaKey, data any) *arenaBuf {
	var b *arenaBuf
	if n := len(a.zaBufs); n > 0 {
		b = a.zaBufs[n-1]
		a.zaBufs = a.zaBufs[:n-1]
	} else {
		b = &arenaBuf{}
	}
	b.key, b.data, b.refs, b.zaSpare = key, data, 0, nil
	return b
}

// zaHdr returns a recycled header (a.mu held), or nil.
func (a *Arena) zaHdr() *tensor.Tensor {
	n := len(a.zaHdrs)
	if n == 0 {
		return nil
	}
	h := a.zaHdrs[n-1]
	a.zaHdrs = a.zaHdrs[:n-1]
	return h
}

// zaDrop forgets every address mapping to b and returns the record to the
// pool (a.mu held). recycleHdrs also pools the headers b handed out, which
// is only right when b's buffer is dead.
func (a *Arena) zaDrop(b *arenaBuf, recycleHdrs bool) {
	for _, q := range b.aliases {
		if a.owned[q] == b {
			delete(a.owned, q)
		}
	}
	base := bufPtr(b.data)
	if a.owned[base] == b {
		delete(a.owned, base)
	}
	if recycleHdrs {
		a.zaHdrs = append(a.zaHdrs, b.hdrs...)
	}
	clear(b.hdrs)
	b.hdrs = b.hdrs[:0]
	b.aliases = b.aliases[:0]
	b.data = nil
	a.zaBufs = append(a.zaBufs, b)
}

// NewArena returns an empty arena.
func NewArena() *Arena {
	return &Arena{free: map[arenaKey][]any{}, owned: map[unsafe.Pointer]*arenaBuf{}}
}

// storageClass maps a dtype to a representative of its Go slice type, so
// float16 and uint16 buffers (both []uint16) can be shared.
func storageClass(dt tensor.DType) tensor.DType {
	switch dt {
	case tensor.Float16, tensor.BFloat16:
		return tensor.Uint16
	case tensor.Int4:
		return tensor.Int8
	case tensor.Uint4, tensor.Float8E4M3FN, tensor.Float8E4M3FNUZ, tensor.Float8E5M2, tensor.Float8E5M2FNUZ:
		return tensor.Uint8
	}
	return dt
}

// dataPtr returns the address of a tensor's first element, or nil.
func dataPtr(t *tensor.Tensor) unsafe.Pointer {
	if t == nil || t.Len() == 0 {
		return nil
	}
	return bufPtr(t.Data()) // nil for strings, which are not pooled
}

// New returns a zeroed tensor, reusing a free buffer of the same storage
// class and length when there is one. Errors as tensor.New.
func (a *Arena) New(dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	return a.newTensor(true, dt, shape)
}

// NewUninit is New for a caller that overwrites every element: a reused
// buffer keeps its old contents instead of being cleared (a fresh one is
// still zero).
func (a *Arena) NewUninit(dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	return a.newTensor(false, dt, shape)
}

func (a *Arena) newTensor(zero bool, dt tensor.DType, shape []int) (*tensor.Tensor, error) {
	n, err := zaNumElements(shape)
	if err != nil {
		return nil, err
	}
	if err := a.CheckAlloc(dt, n); err != nil {
		return nil, err
	}
	if a == nil || n == 0 || dt == tensor.String {
		// A copy: shape must not escape, so callers' variadic shapes stay
		// on their stacks.
		return tensor.New(dt, slices.Clone(shape)...)
	}
	key := arenaKey{storageClass(dt), n}
	a.mu.Lock()
	var data any
	if l := a.free[key]; len(l) > 0 {
		data = l[len(l)-1]
		l[len(l)-1] = nil
		a.free[key] = l[:len(l)-1]
		a.pooled -= int64(n) * int64(dt.Size())
	}
	var t *tensor.Tensor
	if data != nil {
		t = a.zaHdr()
	}
	a.mu.Unlock()
	// Nothing below may panic with the lock held: a kernel's panic is
	// recovered by the runtime, and a leaked lock would hang the session.
	if data == nil {
		if data = zaMakeData(key.dt, n); data == nil {
			fresh, err := tensor.New(key.dt, n)
			if err != nil {
				return nil, err
			}
			data = fresh.Data()
		}
	} else if zero {
		clearSlice(data)
	}
	if t == nil {
		t = new(tensor.Tensor)
	}
	if err := t.Reinit(dt, shape, data); err != nil {
		return nil, err
	}
	a.mu.Lock()
	b := a.zaBuf(key, data)
	b.hdrs = append(b.hdrs, t)
	a.owned[dataPtr(t)] = b
	a.mu.Unlock()
	return t, nil
}

// zaNumElements is tensor.NumElements without letting shape escape (its
// error formats a copy).
func zaNumElements(shape []int) (int, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || d > 0 && n != 0 && int64(d) > tensor.MaxElements/n {
			return tensor.NumElements(slices.Clone(shape))
		}
		if d == 0 {
			n = 0
			continue
		}
		n *= int64(d)
	}
	return int(n), nil
}

// zaMakeData allocates n zeroed elements of storage class dt (only the
// slice: no tensor header), or returns nil for a class it does not know.
func zaMakeData(dt tensor.DType, n int) any {
	switch dt {
	case tensor.Float32:
		return make([]float32, n)
	case tensor.Float64:
		return make([]float64, n)
	case tensor.Uint16:
		return make([]uint16, n)
	case tensor.Int8:
		return make([]int8, n)
	case tensor.Uint8:
		return make([]uint8, n)
	case tensor.Int16:
		return make([]int16, n)
	case tensor.Int32:
		return make([]int32, n)
	case tensor.Int64:
		return make([]int64, n)
	case tensor.Uint32:
		return make([]uint32, n)
	case tensor.Uint64:
		return make([]uint64, n)
	case tensor.Bool:
		return make([]bool, n)
	}
	return nil
}

func clearSlice(data any) {
	switch d := data.(type) {
	case []float32:
		clear(d)
	case []float64:
		clear(d)
	case []uint16:
		clear(d)
	case []int8:
		clear(d)
	case []uint8:
		clear(d)
	case []int16:
		clear(d)
	case []int32:
		clear(d)
	case []int64:
		clear(d)
	case []uint32:
		clear(d)
	case []uint64:
		clear(d)
	case []bool:
		clear(d)
	}
}

// Retain records one more live value referring to t's buffer (no-op for
// buffers the arena does not own).
func (a *Arena) Retain(t *tensor.Tensor) {
	p := dataPtr(t)
	if a == nil || p == nil {
		return
	}
	a.mu.Lock()
	if b, ok := a.owned[p]; ok {
		b.refs++
	}
	a.mu.Unlock()
}

// Release drops one live reference to t's buffer; at zero the buffer goes
// back to the free lists.
func (a *Arena) Release(t *tensor.Tensor) {
	p := dataPtr(t)
	if a == nil || p == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	b, ok := a.owned[p]
	if !ok {
		return
	}
	b.refs--
	if b.refs > 0 {
		return
	}
	delete(a.owned, p)
	key, data := b.key, b.data
	a.zaDrop(b, true)
	size := int64(key.n) * int64(key.dt.Size())
	limit := a.MaxPooled
	if limit <= 0 {
		limit = 1 << 30
	}
	if a.pooled+size > limit {
		return
	}
	a.pooled += size
	a.free[key] = append(a.free[key], data)
}

// RetainView records that view (a tensor a kernel returned without
// allocating it) may share memory with of. When of's buffer belongs to the
// arena and view's elements lie inside it, the buffer gains a reference
// held by view; views with the same first element as of are plain Retains.
func (a *Arena) RetainView(view, of *tensor.Tensor) bool {
	vp, op := dataPtr(view), dataPtr(of)
	if a == nil || vp == nil || op == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	b, ok := a.owned[op]
	if !ok {
		return false
	}
	base := uintptr(bufPtr(b.data))
	end := base + uintptr(b.key.n*b.key.dt.Size())
	v := uintptr(vp)
	if v < base || v >= end {
		return false
	}
	if cur, ok := a.owned[vp]; ok && cur != b {
		return false
	}
	if _, ok := a.owned[vp]; !ok {
		a.owned[vp] = b
		b.aliases = append(b.aliases, vp)
	}
	b.refs++
	return true
}

// Owns reports whether t's first element is tracked by the arena.
func (a *Arena) Owns(t *tensor.Tensor) bool {
	p := dataPtr(t)
	if a == nil || p == nil {
		return false
	}
	a.mu.Lock()
	_, ok := a.owned[p]
	a.mu.Unlock()
	return ok
}

func bufPtr(data any) unsafe.Pointer {
	switch d := data.(type) {
	case []float32:
		return unsafe.Pointer(&d[0])
	case []float64:
		return unsafe.Pointer(&d[0])
	case []uint16:
		return unsafe.Pointer(&d[0])
	case []int8:
		return unsafe.Pointer(&d[0])
	case []uint8:
		return unsafe.Pointer(&d[0])
	case []int16:
		return unsafe.Pointer(&d[0])
	case []int32:
		return unsafe.Pointer(&d[0])
	case []int64:
		return unsafe.Pointer(&d[0])
	case []uint32:
		return unsafe.Pointer(&d[0])
	case []uint64:
		return unsafe.Pointer(&d[0])
	case []bool:
		return unsafe.Pointer(&d[0])
	}
	return nil
}

// Forget stops tracking t's buffer (it escapes to the caller).
func (a *Arena) Forget(t *tensor.Tensor) {
	p := dataPtr(t)
	if a == nil || p == nil {
		return
	}
	a.mu.Lock()
	if b, ok := a.owned[p]; ok {
		// Every address of the buffer goes: a later Release through another
		// view must not recycle memory the caller now holds.
		delete(a.owned, p)
		a.zaDrop(b, false)
	}
	a.mu.Unlock()
}

// EndRun forgets every buffer still tracked (values that escaped the run in
// ways the runtime did not release); the free lists are kept.
func (a *Arena) EndRun() {
	if a == nil {
		return
	}
	a.mu.Lock()
	clear(a.owned)
	a.mu.Unlock()
}

// NewTensor allocates a zeroed output tensor for a kernel: from the
// session's arena when the runtime provides one, else on the heap. Sizes
// over the session's per-tensor cap fail with tensor.ErrLimit.
func (ctx *Context) NewTensor(dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	if ctx == nil {
		return (*Arena)(nil).New(dt, shape...)
	}
	return ctx.Arena.New(dt, shape...)
}

// NewTensorUninit is NewTensor for kernels that write every element of
// the output: a recycled buffer is not cleared first, saving a pass over
// memory. Reading an element before writing it sees stale data.
func (ctx *Context) NewTensorUninit(dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	if ctx == nil {
		return (*Arena)(nil).NewUninit(dt, shape...)
	}
	return ctx.Arena.NewUninit(dt, shape...)
}

// CheckAlloc reports an error wrapping tensor.ErrLimit when a scratch
// buffer of n elements of dt would exceed the session's per-tensor cap.
func (ctx *Context) CheckAlloc(dt tensor.DType, n int) error {
	if ctx == nil {
		return (*Arena)(nil).CheckAlloc(dt, n)
	}
	return ctx.Arena.CheckAlloc(dt, n)
}

// MakeSlice returns a zeroed []T of length n for a kernel's output, from
// the session's arena when there is one (wrap it with tensor.FromData and
// the runtime recycles it after its last use). T must be a tensor storage
// type ([]float32, []int64, ...); other types come from make. Use it only
// for n bounded by an existing input's length (over the per-tensor cap it
// falls back to make); sizes derived from attributes, input values or
// broadcasting go through NewSlice, which checks the cap.
func MakeSlice[T any](ctx *Context, n int) []T {
	s, err := NewSlice[T](ctx, n)
	if err != nil {
		return make([]T, n)
	}
	return s
}

// NewSlice is MakeSlice returning an error wrapping tensor.ErrLimit,
// before anything is allocated, when n elements are over the session's
// per-tensor cap (or n is negative).
func NewSlice[T any](ctx *Context, n int) ([]T, error) {
	dt := tensor.DTypeOf(any([]T(nil)))
	if dt == tensor.Undefined || dt == tensor.String {
		var a *Arena
		if ctx != nil {
			a = ctx.Arena
		}
		var z T
		size := int(unsafe.Sizeof(z))
		if size == 0 {
			size = 1
		}
		if n < 0 || n > 0 && a.CheckAlloc(tensor.Uint8, n) != nil || n > 0 && a.CheckAlloc(tensor.Uint8, n*size) != nil {
			return nil, fmt.Errorf("slice of %d elements is over the per-tensor cap: %w", n, tensor.ErrLimit)
		}
		return make([]T, n), nil
	}
	if ctx == nil || ctx.Arena == nil || n <= 0 {
		if err := ctx.CheckAlloc(dt, n); err != nil {
			return nil, err
		}
		return make([]T, n), nil
	}
	t, err := ctx.Arena.New(dt, n)
	if err != nil {
		return nil, err
	}
	a := ctx.Arena
	a.mu.Lock()
	if b, ok := a.owned[dataPtr(t)]; ok {
		b.zaSpare = t
	}
	a.mu.Unlock()
	return t.Data().([]T), nil
}

// One is the package function One without the allocation: the returned
// slice lives in the context (each session's step has its own), so it is
// only valid until the kernel runs again. A kernel returns it directly;
// the runtime copies the outputs out at once.
func (ctx *Context) One(t *tensor.Tensor) []*tensor.Tensor {
	if ctx == nil {
		return []*tensor.Tensor{t}
	}
	ctx.zaOne[0] = t
	return ctx.zaOne[:]
}

// View returns t with a new shape of the same element count, sharing its
// data, as t.Reshape does. When t's buffer belongs to the session's arena
// the header is a recycled one, handed back when the buffer dies, so
// Reshape-like kernels allocate nothing in a steady-state run.
func (ctx *Context) View(t *tensor.Tensor, shape []int) (*tensor.Tensor, error) {
	p := dataPtr(t)
	if ctx == nil || ctx.Arena == nil || p == nil {
		return t.Reshape(shape...)
	}
	a := ctx.Arena
	a.mu.Lock()
	b, ok := a.owned[p]
	if !ok {
		a.mu.Unlock()
		return t.Reshape(shape...)
	}
	h := a.zaHdr()
	if h == nil {
		h = new(tensor.Tensor)
	}
	if err := h.Reinit(t.DType(), shape, t.Data()); err != nil {
		a.zaHdrs = append(a.zaHdrs, h)
		a.mu.Unlock()
		return nil, fmt.Errorf("tensor: cannot reshape %v to %v: %w", t.Shape(), slices.Clone(shape), tensor.ErrShape)
	}
	b.hdrs = append(b.hdrs, h)
	a.mu.Unlock()
	return h, nil
}

// zaKeyOf is qwKeyOf for a kernel's run: values computed during the run
// live in the session's arena, whose recycled headers would let a stale
// packing match, so they get a key no cache entry can equal (the cache then
// treats the weight as changing and packs per call).
func (ctx *Context) zaKeyOf(ts ...*tensor.Tensor) qwKey {
	if ctx != nil && ctx.Arena != nil {
		for _, t := range ts {
			if t != nil && ctx.Arena.Owns(t) {
				return qwKeyOf(new(tensor.Tensor))
			}
		}
	}
	return qwKeyOf(ts...)
}

// zaOneValue is One for value kernels.
func (ctx *Context) zaOneValue(v Value) []Value {
	if ctx == nil {
		return []Value{v}
	}
	ctx.zaOneV[0] = v
	return ctx.zaOneV[:]
}
