package linalg

import "math"

// Float32 exponential kernels for Softmax, Sigmoid and Swish: float64
// math.Exp per element made the 40×6625 output Softmax of PP-OCR rec the
// third most expensive node. rcVexp starts with the Go twins;
// rc_vexp_amd64.go upgrades them to AVX-512.

// rcVexpKern is one implementation of the kernels.
type rcVexpKern struct {
	name string
	// max returns the largest element of x (len >= 1); with NaNs the result
	// may or may not be NaN (callers see the NaN again through exp).
	max func(x []float32) float32
	// expSum sets y[i] = e^(x[i]-shift) and returns Σ y[i].
	expSum func(x, y []float32, shift float32) float32
	// scale sets y[i] *= s.
	scale func(y []float32, s float32)
	// sigmoid sets y[i] = σ(alpha·x[i]), times x[i] when swish.
	sigmoid func(x, y []float32, alpha float32, swish bool)
	// sum returns Σ x[i] in float32 over several lanes.
	sum func(x []float32) float32
}

// rcVexpGeneric is the Go twin of every SIMD implementation.
var rcVexpGeneric = rcVexpKern{"generic", rcMaxGeneric, rcExpSumGeneric, rcScaleGeneric, rcSigmoidGeneric, rcSumGeneric}

// rcVexp is the active implementation; rcVexpImpls lists every one this
// CPU can run, generic first (tests run them all).
var (
	rcVexp      = rcVexpGeneric
	rcVexpImpls = []rcVexpKern{rcVexpGeneric}
)

func rcVexpUse(k rcVexpKern) {
	rcVexpImpls = append(rcVexpImpls, k)
	rcVexp = k
}

// Softmax32 sets y = softmax(x) over the whole of x (len(y) >= len(x)):
// e^(x-max) / Σ e^(x-max) in float32. A NaN in x, or +Inf, makes the row
// NaN, as with float64 math.Exp.
func Softmax32(x, y []float32) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	mx := rcVexp.max(x)
	s := rcVexp.expSum(x, y, mx)
	rcVexp.scale(y, 1/s)
}

// ExpSum32 sets y[i] = e^(x[i]-shift) for i < len(x) and returns the sum
// of those values (float32; relative error within a few ulp per element).
func ExpSum32(x, y []float32, shift float32) float32 {
	if len(x) == 0 {
		return 0
	}
	return rcVexp.expSum(x, y[:len(x)], shift)
}

// Max32 returns the largest element of x (len(x) >= 1). With NaNs in x the
// result may be NaN or not.
func Max32(x []float32) float32 { return rcVexp.max(x) }

// Sigmoid32 sets y[i] = 1/(1+e^(-alpha·x[i])) for i < len(x) (alpha·x is
// rounded to float32 first, as a Mul node before a Sigmoid would); with
// swish it sets y[i] = x[i]·σ(alpha·x[i]) (SiLU for alpha 1). y may alias x.
func Sigmoid32(x, y []float32, alpha float32, swish bool) {
	if len(x) == 0 {
		return
	}
	rcVexp.sigmoid(x, y[:len(x)], alpha, swish)
}

// Sum32 returns the sum of x, accumulated in float32 over many lanes (the
// relative error grows with about len(x)/64 roundings, not len(x)).
func Sum32(x []float32) float32 { return rcVexp.sum(x) }

// rcExp32 is e^x in float32 with the same reduction and polynomial as the
// SIMD kernels (Cephes expf); outside the normal range it defers to
// math.Exp.
func rcExp32(x float32) float32 {
	if !(x > -87.3 && x < 88.7) { // NaN, ±Inf, overflow, subnormal results
		return float32(math.Exp(float64(x)))
	}
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	n := float32(math.RoundToEven(float64(x * log2e)))
	r := x - n*c1
	r -= n * c2
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	if n > 126 {
		return y * 2 * math.Float32frombits(uint32(int32(n)+126)<<23)
	}
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

func rcMaxGeneric(x []float32) float32 {
	m := x[0]
	for _, v := range x[1:] {
		if v > m {
			m = v
		}
	}
	return m
}

func rcExpSumGeneric(x, y []float32, shift float32) float32 {
	y = y[:len(x)]
	var s0, s1 float32
	i := 0
	for ; i+2 <= len(x); i += 2 {
		a, b := rcExp32(x[i]-shift), rcExp32(x[i+1]-shift)
		y[i], y[i+1] = a, b
		s0 += a
		s1 += b
	}
	for ; i < len(x); i++ {
		a := rcExp32(x[i] - shift)
		y[i] = a
		s0 += a
	}
	return s0 + s1
}

func rcScaleGeneric(y []float32, s float32) {
	for i := range y {
		y[i] *= s
	}
}

func rcSigmoidGeneric(x, y []float32, alpha float32, swish bool) {
	y = y[:len(x)]
	for i, v := range x {
		a := alpha * v
		e := rcExp32(-float32(math.Abs(float64(a))))
		num := e
		if a >= 0 {
			num = 1
		}
		r := num / (1 + e)
		if swish {
			r *= v
		}
		y[i] = r
	}
}

func rcSumGeneric(x []float32) float32 {
	var a [8]float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		a[0] += v[0]
		a[1] += v[1]
		a[2] += v[2]
		a[3] += v[3]
		a[4] += v[4]
		a[5] += v[5]
		a[6] += v[6]
		a[7] += v[7]
	}
	s := ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
	for _, v := range x[i:] {
		s += v
	}
	return s
}
