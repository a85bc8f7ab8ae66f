package tensor

import (
	"math"

	"github.com/x448/float16"
)

// F16ToF32 decodes IEEE half-precision bits.
func F16ToF32(b uint16) float32 { return float16.Frombits(b).Float32() }

// F32ToF16 encodes to IEEE half precision, rounding to nearest even.
func F32ToF16(f float32) uint16 { return float16.Fromfloat32(f).Bits() }

// BF16ToF32 decodes bfloat16 bits.
func BF16ToF32(b uint16) float32 { return math.Float32frombits(uint32(b) << 16) }

// F32ToBF16 encodes to bfloat16, rounding to nearest even (NaN stays NaN).
func F32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if f != f {
		return uint16(u>>16) | 0x40
	}
	u += 0x7fff + (u>>16)&1
	return uint16(u >> 16)
}

// Float8ToF32 decodes one of the four float8 formats.
func Float8ToF32(dt DType, b uint8) float32 {
	switch dt {
	case Float8E4M3FN:
		if b&0x7f == 0x7f {
			return float32(math.NaN())
		}
		return f8decode(b, 4, 3, 7, false)
	case Float8E4M3FNUZ:
		if b == 0x80 {
			return float32(math.NaN())
		}
		return f8decode(b, 4, 3, 8, true)
	case Float8E5M2:
		e := (b >> 2) & 0x1f
		if e == 0x1f {
			if b&3 != 0 {
				return float32(math.NaN())
			}
			if b&0x80 != 0 {
				return float32(math.Inf(-1))
			}
			return float32(math.Inf(1))
		}
		return f8decode(b, 5, 2, 15, false)
	case Float8E5M2FNUZ:
		if b == 0x80 {
			return float32(math.NaN())
		}
		return f8decode(b, 5, 2, 16, true)
	}
	return float32(math.NaN())
}

func f8decode(b uint8, ebits, mbits uint, bias int, _ bool) float32 {
	sign := b >> 7
	e := int(b>>mbits) & (1<<ebits - 1)
	m := int(b) & (1<<mbits - 1)
	var v float64
	if e == 0 {
		v = math.Ldexp(float64(m), 1-bias-int(mbits))
	} else {
		v = math.Ldexp(float64(m|1<<mbits), e-bias-int(mbits))
	}
	if sign != 0 {
		v = -v
	}
	return float32(v)
}

// F32ToFloat8 encodes f to a float8 format, rounding to nearest even. With
// saturate, values beyond the largest finite number clamp to it (infinities
// included, as the ONNX spec requires for the FN/FNUZ kinds).
func F32ToFloat8(dt DType, f float32, saturate bool) uint8 {
	// Exhaustive search over 256 codes is exact and simple; the float8 paths
	// are not hot.
	if f != f {
		switch dt {
		case Float8E4M3FN:
			return 0x7f
		case Float8E5M2:
			return 0x7f
		default:
			return 0x80
		}
	}
	if math.IsInf(float64(f), 0) {
		neg := f < 0
		switch dt {
		case Float8E5M2:
			if !saturate {
				if neg {
					return 0xfc
				}
				return 0x7c
			}
		case Float8E4M3FNUZ, Float8E5M2FNUZ:
			if !saturate {
				return 0x80
			}
		case Float8E4M3FN:
			if !saturate {
				if neg {
					return 0xff
				}
				return 0x7f
			}
		}
	}
	best, bestd := uint8(0), math.Inf(1)
	var maxFinite float64
	for c := 0; c < 256; c++ {
		v := float64(Float8ToF32(dt, uint8(c)))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if v > maxFinite {
			maxFinite = v
		}
	}
	x := float64(f)
	if math.Abs(x) > maxFinite {
		if saturate || math.IsInf(x, 0) {
			x = math.Copysign(maxFinite, x)
		} else {
			// Beyond the range: infinity where the format has one, NaN otherwise.
			switch dt {
			case Float8E5M2:
				// round: values past max+half ulp become inf
				if math.Abs(x) >= 61440 {
					if x < 0 {
						return 0xfc
					}
					return 0x7c
				}
				x = math.Copysign(maxFinite, x)
			case Float8E4M3FN:
				if math.Abs(x) >= 464 {
					if x < 0 {
						return 0xff
					}
					return 0x7f
				}
				x = math.Copysign(maxFinite, x)
			default:
				lim := 256.0
				if dt == Float8E5M2FNUZ {
					lim = 61440
				}
				if math.Abs(x) >= lim {
					return 0x80
				}
				x = math.Copysign(maxFinite, x)
			}
		}
	}
	for c := 0; c < 256; c++ {
		v := float64(Float8ToF32(dt, uint8(c)))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if (v < 0) != (x < 0) && v != 0 {
			continue
		}
		d := math.Abs(v - x)
		if d < bestd || (d == bestd && c&1 == 0 && best&1 == 1) {
			best, bestd = uint8(c), d
		}
	}
	if best == 0x80 && (dt == Float8E4M3FNUZ || dt == Float8E5M2FNUZ) {
		best = 0
	}
	if x < 0 && best == 0 && (dt == Float8E4M3FN || dt == Float8E5M2) {
		best = 0x80
	}
	return best
}
