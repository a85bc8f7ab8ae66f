package ops

import (
	"math"
	"math/rand"
	"testing"
)

// TestPfExp32 checks pfExp32 against math.Exp on a sweep and random
// points of the float32 range (≤ 2 ulp), and its special values.
func TestPfExp32(t *testing.T) {
	ulps := func(a, b float32) int64 {
		d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
		if d < 0 {
			d = -d
		}
		return d
	}
	r := rand.New(rand.NewSource(1))
	check := func(x float32) {
		want := float32(math.Exp(float64(x)))
		got := pfExp32(x)
		if ulps(got, want) > 2 {
			t.Fatalf("exp(%v) = %v, want %v", x, got, want)
		}
	}
	for x := float32(-90); x < 90; x += 0.0137 {
		check(x)
	}
	for i := 0; i < 100000; i++ {
		check(float32(r.Float64()*180 - 90))
		check(float32(r.NormFloat64() * 1e-3))
	}
	for _, x := range []float32{0, -0, 88.7, 88.72, 89, -87.3, -87.34, -100, -104, -200} {
		check(x)
	}
	if !math.IsNaN(float64(pfExp32(float32(math.NaN())))) || pfExp32(float32(math.Inf(1))) != float32(math.Inf(1)) || pfExp32(float32(math.Inf(-1))) != 0 {
		t.Fatal("special values")
	}
	for x := float32(-30); x < 30; x += 0.01 {
		want := float32(ewSigmoid64(float64(x)))
		if d := math.Abs(float64(pfSigmoid32(x) - want)); d > 2e-7*math.Max(float64(want), 1e-30)+1e-38 && ulps(pfSigmoid32(x), want) > 4 {
			t.Fatalf("sigmoid(%v) = %v, want %v", x, pfSigmoid32(x), want)
		}
	}
	if v := pfSigmoid32(float32(math.NaN())); v == v {
		t.Fatal("sigmoid(NaN) not NaN")
	}
}
