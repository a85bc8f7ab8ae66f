package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQDSigmoid32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edges := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, 20, -20, 87.2, -87.2, 87.3, -87.3, 88, -88, 100, -100, -104, -150,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-30, -1e-30, 0.34657359, -0.34657359, 1e-45}
	for _, n := range []int{0, 1, 3, 7, 16, 17, 63, 65, 257, 40000} {
		for _, withEdges := range []bool{false, true} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 12)
				if withEdges && i < len(edges) {
					x[i] = edges[i]
				}
			}
			want := make([]float32, n)
			qdSigmoidGeneric(want, x)
			for i, v := range x {
				exact := 1 / (1 + math.Exp(-float64(v)))
				if d := math.Abs(float64(want[i]) - exact); !(d <= 4e-7*exact+1e-45) && !math.IsNaN(float64(v)) {
					t.Fatalf("generic sigmoid(%g) = %g, exact %g", v, want[i], exact)
				}
			}
			for _, impl := range qdSigmoidImpls {
				got := make([]float32, n+1)
				got[n] = 42
				copy(got, x)
				Sigmoid32(got[:n], got[:n]) // in place, dispatching
				if impl.name != Sigmoid32Kernel() {
					if !impl.fn(got[:n], x) {
						for i, v := range x {
							if !(-qdAbs32(v) > qdLow) {
								qdSigmoidGeneric(got[i:i+1], x[i:i+1])
							}
						}
					}
				}
				for i := 0; i < n; i++ {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
						t.Fatalf("%s n=%d: sigmoid(%g) = %g, want %g", impl.name, n, x[i], got[i], want[i])
					}
				}
				if got[n] != 42 {
					t.Fatalf("%s: wrote past the end", impl.name)
				}
			}
		}
	}
	// Every representable value in [-90, 90] in steps, and halves at
	// rounding boundaries of t·log2e.
	var xs []float32
	for v := float32(-90); v < 90; v += 0.0013 {
		xs = append(xs, v)
	}
	for k := -130; k <= 130; k++ {
		b := float32((float64(k) + 0.5) / qdLog2e)
		xs = append(xs, b, math.Nextafter32(b, 0), math.Nextafter32(b, 1000), math.Nextafter32(b, -1000))
	}
	want := make([]float32, len(xs))
	qdSigmoidGeneric(want, xs)
	got := make([]float32, len(xs))
	Sigmoid32(got, xs)
	for i := range xs {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: sigmoid(%g) = %g, want %g", Sigmoid32Kernel(), xs[i], got[i], want[i])
		}
	}
	t.Logf("kernel: %s", Sigmoid32Kernel())
}

func BenchmarkQDSigmoid32(b *testing.B) {
	x := make([]float32, 1<<16)
	for i := range x {
		x[i] = float32(i%2000)*0.01 - 10
	}
	d := make([]float32, len(x))
	for _, impl := range qdSigmoidImpls {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(x)) * 4)
			for b.Loop() {
				impl.fn(d, x)
			}
		})
	}
}
