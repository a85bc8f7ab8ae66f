package ops

import (
	"unsafe"

	"github.com/qinfer/qinfer/tensor"
)

// Per-session storage for the QLinearConv path (see zaLocal), and shared
// read-only zero-point slices.

// zaQConvLocal is a QLinearConv step's per-session scratch: geometry,
// shapes, per-channel multipliers and zero points, the run description,
// its 2-D view and the fast path's byte buffers.
type zaQConvLocal struct {
	g          qsConvGeom
	ints       [2 * zaMaxND]int
	shape, tmp [zaMaxND + 2]int
	mult       []float32
	wZc        []int32
	r          qsConvRun
	v          qwConv2D
	bufs       [3][]byte
}

// zaQConv returns the step's QLinearConv storage.
func zaQConv(ctx *Context) *zaQConvLocal { return zaLocal[zaQConvLocal](ctx) }

// zaQConvGeom returns a cleared geometry with padBegin and out of nsp dims.
func zaQConvGeom(ctx *Context, nsp int) *qsConvGeom {
	if ctx == nil || nsp > zaMaxND {
		return &qsConvGeom{padBegin: make([]int, nsp), out: make([]int, nsp)}
	}
	l := zaQConv(ctx)
	clear(l.ints[:])
	l.g = qsConvGeom{padBegin: l.ints[:nsp:nsp], out: l.ints[nsp : 2*nsp : 2*nsp]}
	return &l.g
}

// zaBuf returns *b resized to n bytes, growing it when needed (contents
// undefined).
func zaBuf(b *[]byte, n int) []byte {
	if cap(*b) < n {
		*b = make([]byte, n)
	}
	return (*b)[:n]
}

// zaGrowF32 and zaGrowI32 return *b resized to n (contents undefined).
func zaGrowF32(b *[]float32, n int) []float32 {
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	return (*b)[:n]
}

func zaGrowI32(b *[]int32, n int) []int32 {
	if cap(*b) < n {
		*b = make([]int32, n)
	}
	return (*b)[:n]
}

// zaI32Table holds -128..255: zaI32Table[v+128] == v.
var zaI32Table = func() (t [384]int32) {
	for i := range t {
		t[i] = int32(i - 128)
	}
	return t
}()

// zaI32Zeros backs read-only all-zero slices.
var zaI32Zeros [1024]int32

// zaSharedI32 returns a shared read-only slice equal to vals when there is
// one (a single 8-bit value, or all zeros), else nil. Callers must never
// write to it.
func zaSharedI32(n int, at func(i int) int64) []int32 {
	if n == 1 {
		if v := at(0); v >= -128 && v <= 255 {
			return zaI32Table[v+128 : v+129 : v+129]
		}
		return nil
	}
	if n > len(zaI32Zeros) {
		return nil
	}
	for i := 0; i < n; i++ {
		if at(i) != 0 {
			return nil
		}
	}
	return zaI32Zeros[:n:n]
}

// zaShared8 is zaSharedI32 on 8-bit values.
func zaShared8[T int8 | uint8](d []T) []int32 {
	if len(d) == 1 {
		v := int(d[0])
		return zaI32Table[v+128 : v+129 : v+129]
	}
	if len(d) > len(zaI32Zeros) {
		return nil
	}
	for _, v := range d {
		if v != 0 {
			return nil
		}
	}
	return zaI32Zeros[:len(d):len(d)]
}

// zaZeroPoints is the allocation-free case of qsZeroPoints: a shared
// read-only slice for a nil tensor (n zeros), a single value, or all
// zeros, when every value is inside want's range; else nil.
func zaZeroPoints(t *tensor.Tensor, want tensor.DType, n int) []int32 {
	if t == nil {
		if n <= len(zaI32Zeros) {
			return zaI32Zeros[:n:n]
		}
		return nil
	}
	if t.DType() != want {
		return nil
	}
	// 8-bit zero points (every QLinearConv reads its per-channel ones
	// each run) are in range by type: test for zeros on the typed data.
	switch want {
	case tensor.Int8:
		return zaShared8(tensor.Data[int8](t))
	case tensor.Uint8:
		return zaShared8(tensor.Data[uint8](t))
	}
	lo, hi := want.IntRange()
	for i := 0; i < t.Len(); i++ {
		if v := t.Int64At(i); v < lo || v > hi {
			return nil
		}
	}
	return zaSharedI32(t.Len(), t.Int64At)
}

// zaNumElements2 is tensor.NumElements([]int{a, b}) without the slice
// escaping to the heap.
func zaNumElements2(a, b int) (int, error) {
	s := [2]int{a, b}
	return zaNumElements(s[:])
}

// zaOneI32 returns []int32{v}, shared and read-only for 8-bit values.
func zaOneI32(v int32) []int32 {
	if v >= -128 && v <= 255 {
		return zaI32Table[v+128 : v+129 : v+129]
	}
	return []int32{v}
}

// zaScratch returns scratch buffer i (0..len-1 of the arena's set) of n
// bytes, contents undefined, owned by the session: kernels run one at a
// time per session, so one set serves every step. Without an arena it
// allocates.
func (ctx *Context) zaScratch(i, n int) []byte {
	if ctx == nil || ctx.Arena == nil {
		return make([]byte, n)
	}
	return zaBuf(&ctx.Arena.zaScratch[i], n)
}

// zaDequantize8 is zaDequantizeFast's loop over the 8-bit data d of x.
func zaDequantize8[T uint8 | int8](ctx *Context, x *tensor.Tensor, d []T, zp, sc float64) (*tensor.Tensor, error) {
	out, err := ctx.NewTensor(tensor.Float32, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y := out.Float32s()
	for i, v := range d {
		y[i] = float32((float64(v) - zp) * sc)
	}
	return out, nil
}

// zaDequantizeFast is DequantizeLinear for per-tensor uint8/int8 input and
// float32 output, straight into an arena tensor: the same float64 product
// rounded once to float32 as the general path, without its float32 and
// float64 copies of x. It returns nil for other cases.
func zaDequantizeFast(ctx *Context, x *tensor.Tensor, scales []float32, zps []int32, odt tensor.DType) (*tensor.Tensor, error) {
	if len(scales) != 1 || odt != tensor.Float32 || len(zps) > 1 {
		return nil, nil
	}
	zp := 0.0
	if len(zps) == 1 {
		zp = float64(zps[0])
	}
	sc := float64(scales[0])
	switch d := x.Data().(type) {
	case []uint8:
		if x.DType() != tensor.Uint8 {
			return nil, nil // uint4 and float8 share []uint8 storage: general path
		}
		return zaDequantize8(ctx, x, d, zp, sc)
	case []int8:
		if x.DType() != tensor.Int8 {
			return nil, nil // int4 shares []int8 storage: general path
		}
		return zaDequantize8(ctx, x, d, zp, sc)
	}
	return nil, nil
}

// zaI32s is zaScratch viewed as n int32 values (contents undefined).
func zaI32s(ctx *Context, i, n int) []int32 {
	if n == 0 {
		return nil
	}
	b := ctx.zaScratch(i, 4*n)
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), n)
}

// zaBroadcastShape is tensor.Broadcast(a, b) returning a or b itself when
// it covers the other (callers only read the result).
func zaBroadcastShape(a, b []int) ([]int, error) {
	switch {
	case zaCovers(a, b):
		return a, nil
	case zaCovers(b, a):
		return b, nil
	}
	return tensor.Broadcast(append([]int(nil), a...), append([]int(nil), b...))
}

// zaQBinarySerial runs qpBinary on the calling goroutine when each operand
// is either the output's size or a scalar (so no broadcast walk is
// needed), with the add tables in the step's storage; it reports false,
// doing nothing, otherwise.
func zaQBinarySerial[T uint8 | int8](ctx *Context, av, bv, ov []T, mul bool, mode int, sa, sb, sc float32, za, zb, zc, lo, hi int32) bool {
	n := len(ov)
	if ctx == nil || n == 0 || (len(av) != n && len(av) != 1) || (len(bv) != n && len(bv) != 1) || !zaSerialN(ctx, n, 32<<10) {
		return false
	}
	stepA, stepB := 0, 0
	if len(av) == n && n > 1 {
		stepA = 1
	}
	if len(bv) == n && n > 1 {
		stepB = 1
	}
	signed := false
	if _, ok := any(av).([]int8); ok {
		signed = true
	}
	if mul {
		p := qpMulParams{za: za, zb: zb, ratio: sa * sb / sc, zc: float32(zc), lo: float32(lo), hi: float32(hi), signed: signed}
		qpMulRun(ov, av, stepA, bv, stepB, &p)
		return true
	}
	t := qpFillAddTab(zaLocal[qpAddTab](ctx), signed, mode, sa, sb, sc, za, zb, zc, lo, hi)
	qpAddRun(ov, av, stepA, bv, stepB, t)
	return true
}

// zaQGemmLocal is a QGemm step's per-session scratch.
type zaQGemmLocal struct {
	shape  [2]int
	acc    []int32
	scales []float32
}

// zaDQByValue calls qhDequantizeFast with its own copy of lay, so the
// caller's layout does not escape (and is not heap-allocated on the paths
// that never get here).
func zaDQByValue(ctx *Context, x *tensor.Tensor, scales []float32, zps []int32, odt tensor.DType, lay qsLayout) (*tensor.Tensor, error) {
	return qhDequantizeFast(ctx, x, scales, zps, odt, &lay)
}
