package linalg

import "math"

// Logistic function over float32 slices, bit-identical to ops'
// pfSigmoid32 (Cephes expf: e^x = 2^n·e^r, |r| <= ln2/2, a degree-6
// polynomial, every step a separate float32 operation). Lanes outside
// the polynomial's range (|v| >= 87.3, NaN) fall back to float64 math.Exp
// like pfExp32 does.

type qdSigmoidImpl struct {
	name string
	// fn computes dst[i] = sigmoid(x[i]) and reports false when it left
	// elements out of the polynomial's range (|x| >= 87.3, NaN) unwritten
	// for the caller to compute.
	fn func(dst, x []float32) bool
}

// qdSigmoidImpls lists the implementations this CPU runs, generic first;
// the last is used.
var qdSigmoidImpls = []qdSigmoidImpl{{"generic", func(dst, x []float32) bool { qdSigmoidGeneric(dst, x); return true }}}

// Sigmoid32 sets dst[i] = 1/(1+e^-x[i]) for i < len(x) (dst may be x),
// in float32 within a few ulp of the exact value.
func Sigmoid32(dst, x []float32) {
	dst = dst[:len(x)]
	fn := qdSigmoidImpls[len(qdSigmoidImpls)-1].fn
	const chunk = 1 << 14
	for len(x) > 0 {
		n := min(len(x), chunk)
		if !fn(dst[:n], x[:n]) {
			// The skipped elements still hold their input (also when dst
			// is x); written ones hold values in [0, 1], in range.
			for i, v := range x[:n] {
				if !(-qdAbs32(v) > qdLow) {
					qdSigmoidGeneric(dst[i:i+1], x[i:i+1])
				}
			}
		}
		dst, x = dst[n:], x[n:]
	}
}

// Sigmoid32Kernel names the implementation Sigmoid32 uses.
func Sigmoid32Kernel() string { return qdSigmoidImpls[len(qdSigmoidImpls)-1].name }

const (
	qdLog2e = 1.44269504088896341
	qdC1    = 0.693359375    // ln2 high part (exact in float32)
	qdC2    = -2.12194440e-4 // ln2 - qdC1
	qdP0    = 1.9875691500e-4
	qdP1    = 1.3981999507e-3
	qdP2    = 8.3334519073e-3
	qdP3    = 4.1665795894e-2
	qdP4    = 1.6666665459e-1
	qdP5    = 5.0000001201e-1
	qdLow   = -87.3 // below: subnormal results, math.Exp
)

// qdExp32 is ops.pfExp32 for x <= 0.
func qdExp32(x float32) float32 {
	if !(x > qdLow && x < 88.7) {
		return float32(math.Exp(float64(x)))
	}
	// Explicit conversions keep every product rounded on its own (no FMA
	// contraction), as the assembly computes it.
	n := float32(math.Floor(float64(float32(x*qdLog2e)) + 0.5))
	r := x - float32(n*qdC1)
	r -= float32(n * qdC2)
	p := float32(qdP0)
	p = float32(p*r) + qdP1
	p = float32(p*r) + qdP2
	p = float32(p*r) + qdP3
	p = float32(p*r) + qdP4
	p = float32(p*r) + qdP5
	y := float32(float32(float32(p*r)*r)+r) + 1
	if n > 126 {
		return y * 2 * math.Float32frombits(uint32(int32(n)+126)<<23)
	}
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

func qdSigmoidGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		switch {
		case v >= 0:
			dst[i] = 1 / (1 + qdExp32(-v))
		case v != v:
			dst[i] = v
		default:
			e := qdExp32(v)
			dst[i] = e / (1 + e)
		}
	}
}

// qdSigmoidConsts are the kernel's float32 constants, rounded exactly as
// the Go expressions above round them.
var qdSigmoidConsts = [...]float32{
	qdLog2e, qdC1, qdC2, qdP0, qdP1, qdP2, qdP3, qdP4, qdP5, qdLow, 1, 0.5,
}

func qdAbs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
