package linalg

import (
	"math"
	"sync"
)

// Elementwise QLinearAdd / QLinearMul on 8-bit tensors with ONNX Runtime
// MLAS's float32 formulas, evaluated per element in the same order and
// precision, so every implementation gives the same bytes as the
// table-driven loops in ops.

// QAdd8 is QLinearAdd's formula for two spans x1, x2 (bit patterns of
// uint8, or int8 when Signed): dst = clamp(roundHalfEven((Fixed +
// x1·R1) + x2·R2), Lo, Hi), every product and sum rounded to float32. The
// caller guarantees |(Fixed + x1·R1) + x2·R2| < 2²² for all byte values,
// where rounding by conversion is exact.
type QAdd8 struct {
	Fixed, R1, R2 float32
	Lo, Hi        int32
	Signed        bool
}

// QMul8 is QLinearMul's formula: dst = clamp(roundHalfEven(float32(
// float32((a−Za)·(b−Zb))·Ratio) + Zc), Lo, Hi). The caller guarantees the
// value before rounding stays below 2²² in magnitude.
type QMul8 struct {
	Za, Zb    int32
	Ratio, Zc float32
	Lo, Hi    int32
	Signed    bool
}

// qdQArgs is the layout the assembly kernels read (QAdd8 or QMul8 fields
// as 32-bit values).
type qdQArgs struct {
	f0, f1, f2 float32 // add: Fixed, R1, R2; mul: Ratio, Zc, unused
	lo, hi     int32
	za, zb     int32
}

type qdQBinImpl struct {
	name string
	add  func(dst, x1, x2 []uint8, p *QAdd8)
	mul  func(dst, a, b []uint8, p *QMul8)
}

// qdQBinImpls lists the implementations this CPU runs, generic first; the
// last is used.
var qdQBinImpls = []qdQBinImpl{{"generic", qdAdd8Generic, qdMul8Generic}}

// QAdd8Span computes len(dst) outputs of p from x1 and x2 (at least as
// long as dst).
func QAdd8Span(dst, x1, x2 []uint8, p *QAdd8) {
	fn := qdQBinImpls[len(qdQBinImpls)-1].add
	// fn is a function variable, so the compiler assumes it keeps its
	// pointer: it gets a pooled copy and the caller's p stays on its stack.
	q := qdAddPool.Get().(*QAdd8)
	defer qdAddPool.Put(q)
	*q = *p
	x1, x2 = x1[:len(dst)], x2[:len(dst)]
	for len(dst) > 0 {
		n := min(len(dst), qdLookupChunk)
		fn(dst[:n], x1[:n], x2[:n], q)
		dst, x1, x2 = dst[n:], x1[n:], x2[n:]
	}
}

// QMul8Span computes len(dst) outputs of p from a and b (at least as long
// as dst).
func QMul8Span(dst, a, b []uint8, p *QMul8) {
	fn := qdQBinImpls[len(qdQBinImpls)-1].mul
	q := qdMulPool.Get().(*QMul8) // as in QAdd8Span
	defer qdMulPool.Put(q)
	*q = *p
	a, b = a[:len(dst)], b[:len(dst)]
	for len(dst) > 0 {
		n := min(len(dst), qdLookupChunk)
		fn(dst[:n], a[:n], b[:n], q)
		dst, a, b = dst[n:], a[n:], b[n:]
	}
}

var (
	qdAddPool = sync.Pool{New: func() any { return new(QAdd8) }}
	qdMulPool = sync.Pool{New: func() any { return new(QMul8) }}
)

// QBinary8Kernel names the implementation QAdd8Span and QMul8Span use.
func QBinary8Kernel() string { return qdQBinImpls[len(qdQBinImpls)-1].name }

func qdByte(v uint8, signed bool) float32 {
	if signed {
		return float32(int8(v))
	}
	return float32(v)
}

func qdInt(v uint8, signed bool) int32 {
	if signed {
		return int32(int8(v))
	}
	return int32(v)
}

// qdRoundClamp rounds f (|f| < 2²²) half to even and clamps it.
func qdRoundClamp(f float32, lo, hi int32) uint8 {
	r := int32(math.Float32bits(f+12582912)) - 0x4B400000
	return uint8(min(max(r, lo), hi))
}

func qdAdd8Generic(dst, x1, x2 []uint8, p *QAdd8) {
	x1, x2 = x1[:len(dst)], x2[:len(dst)]
	for i := range dst {
		u := float32(p.Fixed + float32(qdByte(x1[i], p.Signed)*p.R1))
		v := float32(qdByte(x2[i], p.Signed) * p.R2)
		dst[i] = qdRoundClamp(float32(u+v), p.Lo, p.Hi)
	}
}

func qdMul8Generic(dst, a, b []uint8, p *QMul8) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		prod := (qdInt(a[i], p.Signed) - p.Za) * (qdInt(b[i], p.Signed) - p.Zb)
		f := float32(float32(prod) * p.Ratio)
		dst[i] = qdRoundClamp(float32(f+p.Zc), p.Lo, p.Hi)
	}
}
