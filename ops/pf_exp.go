package ops

import "math"

// Fast float32 exponential and logistic for fused activations (the DB
// head's Sigmoid over a 640×640 map, squeeze-excite gates): float64
// math.Exp costs several times more than the rest of the output stage.

// pfExp32 is e^x in float32, within 2 ulp of math.Exp rounded to float32
// for x in the normal range (Cephes expf: x = n·ln2 + r, |r| <= ln2/2,
// degree-6 polynomial for e^r, scaled by 2^n). Below about -87.3, where
// the result is subnormal, and for NaN and ±Inf it defers to math.Exp.
func pfExp32(x float32) float32 {
	if !(x > -87.3 && x < 88.7) { // NaN, Inf, overflow, subnormal range
		return float32(math.Exp(float64(x)))
	}
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375    // ln2 high part (exact in float32)
		c2    = -2.12194440e-4 // ln2 - c1
	)
	n := float32(math.Floor(float64(x*log2e) + 0.5))
	r := x - n*c1
	r -= n * c2
	// e^r - 1 - r ≈ r²·P(r)
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	if n > 126 { // 2^n itself would overflow although the result does not
		return y * 2 * math.Float32frombits(uint32(int32(n)+126)<<23)
	}
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// pfSigmoid32 is the logistic function 1/(1+e^-v) in float32, evaluated
// so that it neither overflows nor loses small values for negative v.
func pfSigmoid32(v float32) float32 {
	if v >= 0 {
		return 1 / (1 + pfExp32(-v))
	}
	if v != v {
		return v
	}
	e := pfExp32(v)
	return e / (1 + e)
}
