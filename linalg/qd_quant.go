package linalg

import "math"

// QuantizeLinear float32 → 8-bit per tensor, as ONNX Runtime: y =
// saturate(roundHalfEven(x / scale) + zp) with the quotient a float32
// division and NaN quotients counting as 0 (y = zp).

type qdQuantImpl struct {
	name string
	fn   func(dst []uint8, x []float32, scale float32, zp int32, signed bool)
}

// qdQuantImpls lists the implementations this CPU runs, generic first; the
// last is used.
var qdQuantImpls = []qdQuantImpl{{"generic", qdQuantGeneric}}

// QuantizeF32To8 sets dst[i] = saturate(roundHalfEven(x[i]/scale) + zp)
// for i < len(x), saturating to [0, 255] and storing bytes, or to
// [-128, 127] and storing int8 bit patterns when signed. zp must lie in
// that range.
func QuantizeF32To8(dst []uint8, x []float32, scale float32, zp int32, signed bool) {
	dst = dst[:len(x)]
	fn := qdQuantImpls[len(qdQuantImpls)-1].fn
	for len(x) > 0 {
		n := min(len(x), qdLookupChunk/4)
		fn(dst[:n], x[:n], scale, zp, signed)
		dst, x = dst[n:], x[n:]
	}
}

// QuantizeF32To8Kernel names the implementation QuantizeF32To8 uses.
func QuantizeF32To8Kernel() string { return qdQuantImpls[len(qdQuantImpls)-1].name }

// qdQuantBounds returns the clamp bounds of the quotient: the integer
// range minus the zero point, so rounding never leaves the type.
func qdQuantBounds(zp int32, signed bool) (float32, float32) {
	lo, hi := int32(0), int32(255)
	if signed {
		lo, hi = -128, 127
	}
	return float32(lo - zp), float32(hi - zp)
}

func qdQuantGeneric(dst []uint8, x []float32, scale float32, zp int32, signed bool) {
	flo, fhi := qdQuantBounds(zp, signed)
	dst = dst[:len(x)]
	for i, v := range x {
		f := v / scale
		if f != f {
			f = 0
		}
		f = min(max(f, flo), fhi)
		r := int32(math.Float32bits(f+12582912)) - 0x4B400000
		dst[i] = uint8(r + zp)
	}
}
