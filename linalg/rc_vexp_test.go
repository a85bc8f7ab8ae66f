package linalg

import (
	"math"
	"math/rand"
	"testing"
)

var rcSizes = []int{1, 3, 7, 15, 16, 17, 31, 32, 33, 63, 65, 257}

// rcClose reports whether got is within rel of want, or within abs for
// results that are (nearly) subnormal; NaNs must match.
func rcClose(got, want float64, rel float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= rel*math.Abs(want)+1e-44
}

// rcEdge are inputs for the exponential: zeros, subnormals, the ends of the
// normal range, overflow, infinities and NaN.
var rcEdge = []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, 1, -1, 0.5, -0.34657359,
	88.7, 88.72, 88.73, 89, 100, -87.3, -87.4, -88, -95, -103, -103.9, -104, -120, -1e30, 1e30,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}

func rcRand(n int, seed int64, scale float32) []float32 {
	r := rand.New(rand.NewSource(seed))
	x := make([]float32, n)
	for i := range x {
		x[i] = (r.Float32()*2 - 1) * scale
	}
	return x
}

func TestRcExpSum(t *testing.T) {
	for _, k := range rcVexpImpls {
		for _, n := range rcSizes {
			for _, shift := range []float32{0, 3, -2} {
				x := rcRand(n, int64(n), 20)
				y := make([]float32, n+1)
				y[n] = 42 // must not be written
				s := k.expSum(x, y[:n], shift)
				var want float64
				for i, v := range x {
					e := float64(float32(math.Exp(float64(v - shift))))
					want += e
					if !rcClose(float64(y[i]), e, 4e-7) {
						t.Fatalf("%s n=%d: exp(%v-%v) = %v, want %v", k.name, n, v, shift, y[i], e)
					}
				}
				if !rcClose(float64(s), want, 1e-5) || y[n] != 42 {
					t.Fatalf("%s n=%d: sum %v, want %v (guard %v)", k.name, n, s, want, y[n])
				}
			}
		}
		// Edge values in every lane position, including the masked tail.
		for _, n := range []int{len(rcEdge), 16, 17} {
			x := make([]float32, n)
			for off := 0; off < len(rcEdge); off++ {
				for i := range x {
					x[i] = rcEdge[(i+off)%len(rcEdge)]
				}
				y := make([]float32, n)
				k.expSum(x, y, 0)
				for i, v := range x {
					if e := float64(float32(math.Exp(float64(v)))); !rcClose(float64(y[i]), e, 4e-7) {
						t.Fatalf("%s: exp(%v) = %v, want %v", k.name, v, y[i], e)
					}
				}
			}
		}
	}
}

func TestRcMaxScale(t *testing.T) {
	for _, k := range rcVexpImpls {
		for _, n := range rcSizes {
			x := rcRand(n, int64(n)+7, 100)
			for _, at := range []int{0, n / 2, n - 1} {
				x[at] = 1000 + float32(at)
				want := rcMaxGeneric(x)
				if got := k.max(x); got != want {
					t.Fatalf("%s n=%d: max %v, want %v", k.name, n, got, want)
				}
				x[at] = -1000
			}
			if got := k.max([]float32{float32(math.Inf(-1))}); !math.IsInf(float64(got), -1) {
				t.Fatalf("%s: max(-Inf) = %v", k.name, got)
			}
			y := append([]float32(nil), x...)
			g := append(y[:0:0], x...)
			k.scale(y, 0.37)
			rcScaleGeneric(g, 0.37)
			for i := range y {
				if y[i] != g[i] {
					t.Fatalf("%s n=%d: scale[%d] %v, want %v", k.name, n, i, y[i], g[i])
				}
			}
		}
	}
}

func TestRcSigmoid(t *testing.T) {
	ref := func(v, alpha float32, swish bool) float64 {
		a := float64(alpha * v)
		s := 1 / (1 + math.Exp(-a))
		if swish {
			s = float64(float32(s)) * float64(v) // σ is rounded first, as a Mul node after Sigmoid
		}
		return s
	}
	for _, k := range rcVexpImpls {
		for _, swish := range []bool{false, true} {
			for _, alpha := range []float32{1, 1.702} {
				for _, n := range append(rcSizes, len(rcEdge)) {
					x := rcRand(n, int64(n)+3, 30)
					if n == len(rcEdge) {
						copy(x, rcEdge)
					}
					y := make([]float32, n+1)
					y[n] = 42
					k.sigmoid(x, y[:n], alpha, swish)
					for i, v := range x {
						want := ref(v, alpha, swish)
						if math.IsInf(float64(v), 0) && swish {
							continue // Inf·σ: the reference gives NaN for -Inf·0
						}
						if !rcClose(float64(y[i]), want, 1e-6) {
							t.Fatalf("%s swish=%v alpha=%v n=%d: σ(%v) = %v, want %v", k.name, swish, alpha, n, v, y[i], want)
						}
					}
					if y[n] != 42 {
						t.Fatalf("%s: wrote past the end", k.name)
					}
				}
			}
		}
		// In place.
		x := rcRand(33, 1, 5)
		want := make([]float32, len(x))
		rcSigmoidGeneric(x, want, 1, true)
		k.sigmoid(x, x, 1, true)
		for i := range x {
			if !rcClose(float64(x[i]), float64(want[i]), 1e-6) {
				t.Fatalf("%s in place [%d]: %v, want %v", k.name, i, x[i], want[i])
			}
		}
	}
}

func TestRcSoftmax(t *testing.T) {
	for _, k := range rcVexpImpls {
		saved := rcVexp
		rcVexp = k
		for _, n := range append(rcSizes, 6625) {
			x := rcRand(n, int64(n), 30)
			y := make([]float32, n)
			Softmax32(x, y)
			mx := math.Inf(-1)
			for _, v := range x {
				mx = math.Max(mx, float64(v))
			}
			var s float64
			for _, v := range x {
				s += math.Exp(float64(v) - mx)
			}
			for i, v := range x {
				want := math.Exp(float64(v)-mx) / s
				if math.Abs(float64(y[i])-want) > 1e-5*want+1e-9 {
					t.Fatalf("%s n=%d: softmax[%d] %v, want %v", k.name, n, i, y[i], want)
				}
			}
		}
		x := []float32{1, float32(math.NaN()), 2}
		y := make([]float32, 3)
		Softmax32(x, y)
		for i := range y {
			if y[i] == y[i] {
				t.Fatalf("%s: softmax with NaN gives %v", k.name, y)
			}
		}
		rcVexp = saved
	}
}

func BenchmarkRcSoftmax6625(b *testing.B) {
	x := rcRand(6625, 1, 20)
	y := make([]float32, len(x))
	for _, k := range rcVexpImpls {
		b.Run(k.name, func(b *testing.B) {
			saved := rcVexp
			rcVexp = k
			for i := 0; i < b.N; i++ {
				Softmax32(x, y)
			}
			rcVexp = saved
		})
	}
}

func TestRcSum(t *testing.T) {
	for _, k := range rcVexpImpls {
		for _, n := range append(rcSizes, 0, 64, 127, 128, 25600) {
			x := rcRand(n, int64(n)+11, 4)
			var want float64
			for _, v := range x {
				want += float64(v)
			}
			if got := k.sum(x); math.Abs(float64(got)-want) > 1e-6*float64(n)+1e-6 {
				t.Fatalf("%s n=%d: sum %v, want %v", k.name, n, got, want)
			}
		}
		inf := float32(math.Inf(1))
		for _, c := range []struct {
			x    []float32
			want float64
		}{
			{[]float32{1, inf, 2}, math.Inf(1)},
			{[]float32{1, float32(math.NaN()), 2}, math.NaN()},
			{[]float32{inf, -inf}, math.NaN()},
			{[]float32{1e-40, 1e-40, 1e-40}, float64(float32(3e-40))},
		} {
			got := float64(k.sum(c.x))
			if !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want) || math.Abs(got-c.want) < 1e-44) {
				t.Fatalf("%s: sum %v = %v, want %v", k.name, c.x, got, c.want)
			}
		}
	}
}
