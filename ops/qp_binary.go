package ops

// Fast loops for com.microsoft QLinearAdd / QLinearMul on uint8/int8.
//
// The meaning is msBinaryRef (ms_qlinear.go): MLAS's float32 formula with
// its exact operation order. Here the broadcast is collapsed to an outer
// odometer over merged dimensions and an inner run in which each input
// steps by 1 or 0, so the inner loops have no index arithmetic. QLinearAdd
// splits its formula into two 256-entry float32 tables (one per operand's
// byte) whose single float32 sum is the value MLAS rounds; QLinearMul
// multiplies the centred integers and scales once, as MLAS does.
// Rounding is the float32 magic-number trick (qpRound), exact for the
// clamped range; values MLAS's cvtps2dq would turn into the "integer
// indefinite" (NaN, ≥ 2³¹) saturate to the low bound as in the reference.

import (
	"math"
	"sync"
	"unsafe"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qpMagic is 1.5·2²³: adding it to a float32 of magnitude < 2²² leaves the
// value rounded half to even in the low mantissa bits.
const (
	qpMagic     = float32(12582912)
	qpMagicBits = 0x4B400000
)

// qpRound rounds f (|f| < 2²²) half to even.
func qpRound(f float32) int32 {
	return int32(math.Float32bits(f+qpMagic)) - qpMagicBits
}

// qpClampRound is msSat(msCvt(f), lo, hi) for lo, hi within ±2²²:
// NaN and f ≥ 2³¹ give lo, like cvtps2dq's integer indefinite.
func qpClampRound(f, lo, hi float32) int32 {
	if !(f >= lo) || f >= 2147483648 {
		f = lo
	} else if f > hi {
		f = hi
	}
	return qpRound(f)
}

// qpBcast is an elementwise broadcast loop collapsed to merged dimensions:
// dims[:r-1] are walked by an odometer, dims[r-1] is the inner run, in
// which A steps by as[r-1] and B by bs[r-1] (each 0 or 1).
type qpBcast struct {
	dims, as, bs []int
}

// qpNewBcast merges the broadcast of a and b to shape.
func qpNewBcast(a, b, shape []int) qpBcast {
	sa, sb := tensor.BroadcastStrides(a, shape), tensor.BroadcastStrides(b, shape)
	var l qpBcast
	for d := range shape {
		if shape[d] == 1 {
			continue
		}
		if k := len(l.dims) - 1; k >= 0 && l.as[k] == sa[d]*shape[d] && l.bs[k] == sb[d]*shape[d] {
			l.dims[k] *= shape[d]
			l.as[k], l.bs[k] = sa[d], sb[d]
			continue
		}
		l.dims = append(l.dims, shape[d])
		l.as = append(l.as, sa[d])
		l.bs = append(l.bs, sb[d])
	}
	if len(l.dims) == 0 {
		l.dims, l.as, l.bs = []int{1}, []int{0}, []int{0}
	}
	return l
}

// run calls f for every inner run of out rows [lo, hi), the rows being the
// outer odometer positions.
func (l qpBcast) rows(lo, hi int, f func(o, ia, ib int)) {
	r := len(l.dims)
	inner := l.dims[r-1]
	for row := lo; row < hi; row++ {
		rem, ia, ib := row, 0, 0
		for d := r - 2; d >= 0; d-- {
			i := rem % l.dims[d]
			rem /= l.dims[d]
			ia += i * l.as[d]
			ib += i * l.bs[d]
		}
		f(row*inner, ia, ib)
	}
}

// qpParallel runs an elementwise loop of l over out: by outer rows, or by
// chunks of the inner run when there is a single row.
func qpParallel(ctx *Context, l qpBcast, run func(o, ia, ib, n int)) {
	r := len(l.dims)
	inner := l.dims[r-1]
	outer := 1
	for _, d := range l.dims[:r-1] {
		outer *= d
	}
	const grain = 32 << 10
	if outer == 1 {
		sa, sb := l.as[r-1], l.bs[r-1]
		ctx.Parallel(inner, grain, func(lo, hi int) { run(lo, lo*sa, lo*sb, hi-lo) })
		return
	}
	ctx.Parallel(outer, max(1, grain/inner), func(lo, hi int) {
		l.rows(lo, hi, func(o, ia, ib int) { run(o, ia, ib, inner) })
	})
}

// qpAddTab holds QLinearAdd's formula as f = ta[x] + tb[y] (bytes as
// uint8 bit patterns) and the output clamp.
type qpAddTab struct {
	ta, tb [256]float32
	lo, hi float32
	// small: every |ta|+|tb| < 2²², so the sum rounds by qpRound without
	// a float clamp and the result clamps as an integer.
	small    bool
	ilo, ihi int32
	// The formula's parts for linalg.QAdd8Span: f = (fixed + x1·r1) +
	// x2·r2 with x1 = b under msScalarB, else a.
	fixed, ra, rb float32
	modeB, signed bool
}

// qpNewAddTab builds the tables for the given formula mode (msSpanBoth,
// msScalarA, msScalarB), matching msBinaryRef's float32 order.
func qpNewAddTab(signed bool, mode int, sa, sb, sc float32, za, zb, zc, lo, hi int32) *qpAddTab {
	return qpFillAddTab(new(qpAddTab), signed, mode, sa, sb, sc, za, zb, zc, lo, hi)
}

// qpFillAddTab is qpNewAddTab into t (per-session storage in a run).
func qpFillAddTab(t *qpAddTab, signed bool, mode int, sa, sb, sc float32, za, zb, zc, lo, hi int32) *qpAddTab {
	*t = qpAddTab{lo: float32(lo), hi: float32(hi), ilo: lo, ihi: hi}
	ra, rb := sa/sc, sb/sc
	fixed := float32(zc) - (float32(ra*float32(za)) + float32(rb*float32(zb)))
	if mode == msScalarA {
		fixed = float32(zc) - (float32(rb*float32(zb)) + float32(ra*float32(za)))
	}
	t.fixed, t.ra, t.rb, t.modeB, t.signed = fixed, ra, rb, mode == msScalarB, signed
	for i := 0; i < 256; i++ {
		v := float32(i)
		if signed {
			v = float32(int8(uint8(i)))
		}
		xa, yb := float32(v*ra), float32(v*rb)
		switch mode {
		case msScalarB: // fixed + y·rb first, then + x·ra
			t.ta[i], t.tb[i] = xa, float32(fixed+yb)
		default: // fixed + (span operand)·r first
			t.ta[i], t.tb[i] = float32(fixed+xa), yb
		}
	}
	var ma, mb float32
	for i := range t.ta {
		ma, mb = max(ma, abs32(t.ta[i])), max(mb, abs32(t.tb[i]))
	}
	t.small = ma+mb < 1<<22 // false for NaN or Inf
	return t
}

// qpAddRun computes n outputs of QLinearAdd from a (step sa) and b (step sb).
func qpAddRun[T uint8 | int8](dst, a []T, sa int, b []T, sb int, t *qpAddTab) {
	lo, hi := t.lo, t.hi
	switch {
	case sa == 1 && sb == 1 && t.small:
		// The tables' sums recomputed per element in SIMD: same float32
		// operations, same order.
		p := linalg.QAdd8{Fixed: t.fixed, R1: t.ra, R2: t.rb, Lo: t.ilo, Hi: t.ihi, Signed: t.signed}
		x1, x2 := qdU8(a[:len(dst)]), qdU8(b[:len(dst)])
		if t.modeB {
			p.R1, p.R2 = t.rb, t.ra
			x1, x2 = x2, x1
		}
		linalg.QAdd8Span(qdU8(dst), x1, x2, &p)
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = T(qpClampRound(t.ta[uint8(a[i])]+t.tb[uint8(b[i])], lo, hi))
		}
	case sa == 1 && sb == 0:
		if len(dst) >= 256 {
			var lut [256]T
			fb := t.tb[uint8(b[0])]
			for i := range lut {
				lut[i] = T(qpClampRound(t.ta[i]+fb, lo, hi))
			}
			qpApplyLUT(dst, a[:len(dst)], &lut)
			return
		}
		fb := t.tb[uint8(b[0])]
		a = a[:len(dst)]
		for i := range dst {
			dst[i] = T(qpClampRound(t.ta[uint8(a[i])]+fb, lo, hi))
		}
	case sa == 0 && sb == 1:
		if len(dst) >= 256 {
			var lut [256]T
			fa := t.ta[uint8(a[0])]
			for i := range lut {
				lut[i] = T(qpClampRound(fa+t.tb[i], lo, hi))
			}
			qpApplyLUT(dst, b[:len(dst)], &lut)
			return
		}
		fa := t.ta[uint8(a[0])]
		b = b[:len(dst)]
		for i := range dst {
			dst[i] = T(qpClampRound(fa+t.tb[uint8(b[i])], lo, hi))
		}
	default: // both constant over the run
		v := T(qpClampRound(t.ta[uint8(a[0])]+t.tb[uint8(b[0])], lo, hi))
		for i := range dst {
			dst[i] = v
		}
	}
}

// qpApplyLUT sets dst[i] = lut[uint8(src[i])].
func qpApplyLUT[T uint8 | int8](dst, src []T, lut *[256]T) {
	linalg.Lookup8(qdU8(dst), qdU8(src[:len(dst)]), (*[256]uint8)(unsafe.Pointer(lut)))
}

// qdIota holds every byte value at its own index.
var qdIota = func() (t [256]uint8) {
	for i := range t {
		t[i] = uint8(i)
	}
	return t
}()

// qdMulLUT fills lut[i] with QLinearMul of byte i and the fixed byte c
// (c is A's byte when cIsA) in SIMD, reporting false (lut untouched) when
// the values may leave the range where that is exact.
func qdMulLUT[T uint8 | int8](lut *[256]T, p *qpMulParams, c uint8, cIsA bool) bool {
	if !(abs32(p.ratio)*65536+abs32(p.zc) < 1<<22) {
		return false
	}
	var cs [256]uint8
	for i := range cs {
		cs[i] = c
	}
	q := linalg.QMul8{Za: p.za, Zb: p.zb, Ratio: p.ratio, Zc: p.zc, Lo: int32(p.lo), Hi: int32(p.hi), Signed: p.signed}
	a, b := qdIota[:], cs[:]
	if cIsA {
		a, b = b, a
	}
	linalg.QMul8Span(qdU8(lut[:]), a, b, &q)
	return true
}

// qdU8 views an 8-bit slice as bytes (same size and layout).
func qdU8[T uint8 | int8](s []T) []uint8 {
	return unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// qpMulParams is QLinearMul's formula: sat(cvt(float32((x−za)(y−zb))·ratio + zc)).
type qpMulParams struct {
	za, zb    int32
	ratio, zc float32
	lo, hi    float32
	signed    bool
}

// qpMulRun computes n outputs of QLinearMul from a (step sa) and b (step sb).
func qpMulRun[T uint8 | int8](dst, a []T, sa int, b []T, sb int, p *qpMulParams) {
	ratio, zc, lo, hi := p.ratio, p.zc, p.lo, p.hi
	za, zb := p.za, p.zb
	one := func(x, y int32) T {
		f := float32(float32((x-za)*(y-zb)) * ratio)
		return T(qpClampRound(f+zc, lo, hi))
	}
	switch {
	case sa == 1 && sb == 1 && abs32(ratio)*65536+abs32(zc) < 1<<22:
		// Every value before rounding is below 2²² (false for NaN, Inf).
		q := linalg.QMul8{Za: za, Zb: zb, Ratio: ratio, Zc: zc, Lo: int32(lo), Hi: int32(hi), Signed: p.signed}
		linalg.QMul8Span(qdU8(dst), qdU8(a[:len(dst)]), qdU8(b[:len(dst)]), &q)
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			f := float32(float32((int32(a[i])-za)*(int32(b[i])-zb)) * ratio)
			dst[i] = T(qpClampRound(f+zc, lo, hi))
		}
	case sa == 1 && sb == 0:
		y := int32(b[0])
		if len(dst) >= 256 {
			var lut [256]T
			if !qdMulLUT(&lut, p, uint8(b[0]), false) {
				for i := range lut {
					x := int32(i)
					if p.signed {
						x = int32(int8(uint8(i)))
					}
					lut[i] = one(x, y)
				}
			}
			qpApplyLUT(dst, a[:len(dst)], &lut)
			return
		}
		for i := range dst {
			dst[i] = one(int32(a[i]), y)
		}
	case sa == 0 && sb == 1:
		x := int32(a[0])
		if len(dst) >= 256 {
			var lut [256]T
			if !qdMulLUT(&lut, p, uint8(a[0]), true) {
				for i := range lut {
					y := int32(i)
					if p.signed {
						y = int32(int8(uint8(i)))
					}
					lut[i] = one(x, y)
				}
			}
			qpApplyLUT(dst, b[:len(dst)], &lut)
			return
		}
		for i := range dst {
			dst[i] = one(x, int32(b[i]))
		}
	default:
		v := one(int32(a[0]), int32(b[0]))
		for i := range dst {
			dst[i] = v
		}
	}
}

// qpBinary computes QLinearAdd (mul false) or QLinearMul of 8-bit a, b
// into out with the formula mode chosen by msBinary.
func qpBinary[T uint8 | int8](ctx *Context, a, b, out *tensor.Tensor, mul bool, mode int,
	sa, sb, sc float32, za, zb, zc, lo, hi int32) {
	av, bv, ov := tensor.Data[T](a), tensor.Data[T](b), tensor.Data[T](out)
	if zaQBinarySerial(ctx, av, bv, ov, mul, mode, sa, sb, sc, za, zb, zc, lo, hi) {
		return // one thread, no broadcast beyond scalars: no allocation
	}
	if !mul && len(av) == len(ov) && len(bv) == len(ov) {
		q8tAddSpans(ctx, qdU8(av), qdU8(bv), qdU8(ov), a.DType() == tensor.Int8, mode, sa, sb, sc, za, zb, zc, lo, hi)
		return // same shapes: no broadcast plan, no closure
	}
	l := qpNewBcast(a.Shape(), b.Shape(), out.Shape())
	r := len(l.dims)
	stepA, stepB := l.as[r-1], l.bs[r-1]
	signed := a.DType() == tensor.Int8
	if mul {
		p := &qpMulParams{za: za, zb: zb, ratio: sa * sb / sc, zc: float32(zc), lo: float32(lo), hi: float32(hi), signed: signed}
		qpParallel(ctx, l, func(o, ia, ib, n int) {
			qpMulRun(ov[o:o+n], av[ia:], stepA, bv[ib:], stepB, p)
		})
		return
	}
	t := qpNewAddTab(signed, mode, sa, sb, sc, za, zb, zc, lo, hi)
	qpParallel(ctx, l, func(o, ia, ib, n int) {
		qpAddRun(ov[o:o+n], av[ia:], stepA, bv[ib:], stepB, t)
	})
}

// abs32 is |v| (NaN stays NaN).
func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// q8tAddJob is a parallel QLinearAdd of same-shape operands (bytes, with
// their signedness): its table and method value live in a recycled job,
// so a run allocates nothing.
type q8tAddJob struct {
	a, b, o []uint8
	signed  bool
	t       qpAddTab
	run     func(lo, hi int)
}

var q8tAddJobs = sync.Pool{New: func() any {
	j := new(q8tAddJob)
	j.run = j.span
	return j
}}

// q8tAddSpans computes o = QLinearAdd(a, b) elementwise, split over the
// pool in chunks of at least 32K elements.
func q8tAddSpans(ctx *Context, a, b, o []uint8, signed bool, mode int, sa, sb, sc float32, za, zb, zc, lo, hi int32) {
	j := q8tAddJobs.Get().(*q8tAddJob)
	defer q8tAddJobs.Put(j)
	qpFillAddTab(&j.t, signed, mode, sa, sb, sc, za, zb, zc, lo, hi)
	j.a, j.b, j.o, j.signed = a, b, o, signed
	ctx.Parallel(len(o), 32<<10, j.run)
	j.a, j.b, j.o = nil, nil, nil
}

// span computes elements [lo, hi).
func (j *q8tAddJob) span(lo, hi int) {
	if j.signed {
		qpAddRun(q8tI8(j.o[lo:hi]), q8tI8(j.a[lo:hi]), 1, q8tI8(j.b[lo:hi]), 1, &j.t)
		return
	}
	qpAddRun(j.o[lo:hi], j.a[lo:hi], 1, j.b[lo:hi], 1, &j.t)
}
