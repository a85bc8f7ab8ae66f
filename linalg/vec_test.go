package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// dotEachImpl runs f once per dot implementation this CPU offers, with
// that implementation active.
func dotEachImpl(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := vecKern.dot
	defer func() { vecKern.dot = saved }()
	for _, impl := range dotImpls {
		vecKern.dot = impl.fn
		t.Run(impl.name, f)
	}
}

func TestDot(t *testing.T) {
	sizes := []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 1280}
	dotEachImpl(t, func(t *testing.T) {
		for _, n := range sizes {
			for _, off := range []int{0, 1, 3} {
				r := rand.New(rand.NewSource(int64(n*7 + off)))
				x := sgemmRandom(r, n+off)[off:]
				y := sgemmRandom(r, n+5)
				var want float64
				for i := range x {
					want += float64(x[i]) * float64(y[i])
				}
				got := vecKern.dot(x, y)
				if !sgemmClose(got, float32(want)) {
					t.Fatalf("n=%d off=%d: dot = %v, want %v", n, off, got, want)
				}
			}
		}
	})
}

func TestDotSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	dotEachImpl(t, func(t *testing.T) {
		for _, n := range []int{1, 9, 40, 70} {
			for _, tc := range []struct {
				v    float32
				want float32
			}{{nan, nan}, {inf, inf}} {
				t.Run(fmt.Sprintf("n=%d/%v", n, tc.v), func(t *testing.T) {
					x := make([]float32, n)
					y := make([]float32, n)
					for i := range x {
						x[i], y[i] = 1, 1
					}
					x[n-1] = tc.v
					if got := vecKern.dot(x, y); !sgemmClose(got, tc.want) {
						t.Fatalf("dot = %v, want %v", got, tc.want)
					}
				})
			}
		}
	})
}

func BenchmarkDot(b *testing.B) {
	for _, n := range []int{64, 1280, 100000} {
		x := make([]float32, n)
		y := make([]float32, n)
		for _, impl := range dotImpls {
			b.Run(fmt.Sprintf("%s/n=%d", impl.name, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(8 * n))
				for b.Loop() {
					impl.fn(x, y)
				}
			})
		}
	}
}

// TestDot4 checks the four-row dot (generic twin and the active kernel)
// on odd lengths and row strides, against float64 sums, and that a NaN or
// Inf in one row stays in that row's result.
func TestDot4(t *testing.T) {
	impls := []struct {
		name string
		fn   func(x, y []float32, ldy int) [4]float32
	}{{"generic", sdot4Generic}, {"active", vecKern.dot4}}
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			for _, n := range []int{1, 3, 7, 16, 17, 32, 63, 64, 65, 129, 257, 1280} {
				for _, extra := range []int{0, 1, 13} {
					ldy := n + extra
					r := rand.New(rand.NewSource(int64(n*31 + extra)))
					x := sgemmRandom(r, n)
					y := sgemmRandom(r, 3*ldy+n)
					got := impl.fn(x, y, ldy)
					for q := 0; q < 4; q++ {
						var want float64
						for i := range x {
							want += float64(x[i]) * float64(y[q*ldy+i])
						}
						if !sgemmClose(got[q], float32(want)) {
							t.Fatalf("n=%d ldy=%d row %d: %v, want %v", n, ldy, q, got[q], want)
						}
					}
					y[2*ldy+n-1] = float32(math.NaN())
					y[ldy] = float32(math.Inf(1))
					x[0] = 1
					got = impl.fn(x, y, ldy)
					if !math.IsNaN(float64(got[2])) || !math.IsInf(float64(got[1]), 1) || math.IsNaN(float64(got[0])) || math.IsNaN(float64(got[3])) {
						t.Fatalf("n=%d ldy=%d: NaN/Inf rows: %v", n, ldy, got)
					}
				}
			}
		})
	}
}
