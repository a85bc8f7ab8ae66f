package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
)

// TestSgemmPackedDirect compares the in-place-B product with
// SgemmPackedEpilogue (which packs B) on odd sizes, strided B and C,
// k beyond one k block, and every kind of epilogue, fused or not.
func TestSgemmPackedDirect(t *testing.T) {
	saved := kern.sgemm
	defer func() { kern.sgemm = saved }()
	for _, impl := range sgemmImpls {
		kern.sgemm = impl
		t.Run(impl.name, mbTestDirect)
	}
}

func mbTestDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	eps := []struct {
		name string
		make func(m, n, ldc int) *Epilogue
	}{
		{"none", func(m, n, ldc int) *Epilogue { return nil }},
		{"bias+clip", func(m, n, ldc int) *Epilogue {
			return &Epilogue{RowBias: fill(m), Act: ActClip, Min: -0.5, Max: 0.5}
		}},
		{"residual+relu", func(m, n, ldc int) *Epilogue {
			return &Epilogue{RowBias: fill(m), Residual: fill((m-1)*ldc + n), Act: ActRelu}
		}},
		{"hardswish+post", func(m, n, ldc int) *Epilogue {
			return &Epilogue{Act: ActHardSwish, Post: true, PostScale: 2, PostShift: -1}
		}},
		{"sigmoid+residual", func(m, n, ldc int) *Epilogue { // not fused
			return &Epilogue{RowBias: fill(m), Residual: fill((m-1)*ldc + n), Act: ActSigmoid}
		}},
		{"colbias", func(m, n, ldc int) *Epilogue { return &Epilogue{ColBias: fill(n)} }},
	}
	sizes := []int{1, 3, 7, 17, 63, 65, 257}
	for _, m := range []int{1, 3, 8, 17, 65} {
		for _, n := range sizes {
			for _, k := range []int{1, 3, 17, 63, 300} {
				a, ldb, ldc := fill(m*k), n+5, n+3
				b := fill((k-1)*ldb + n)
				if k == 17 { // edge values
					b[0], b[len(b)-1] = 1e30, -1e30
					a[0] = 0
				}
				pa := PackA(m, k, a, k)
				for _, e := range eps {
					for _, th := range []int{1, 2, 3} {
						ep := e.make(m, n, ldc)
						want := fill((m-1)*ldc + n)
						got := append([]float32(nil), want...)
						SgemmPackedEpilogue(1, pa, n, b, ldb, want, ldc, ep)
						SgemmPackedDirect(th, pa, n, b, ldb, got, ldc, ep)
						for i := 0; i < m; i++ {
							for j := 0; j < n; j++ {
								g, w := got[i*ldc+j], want[i*ldc+j]
								if d := math.Abs(float64(g - w)); !(d <= 1e-4*math.Max(1, math.Abs(float64(w)))) && !(math.IsNaN(float64(w)) && math.IsNaN(float64(g))) {
									t.Fatalf("%s m=%d n=%d k=%d threads=%d: C[%d][%d] = %v, want %v", e.name, m, n, k, th, i, j, g, w)
								}
							}
							// Padding between rows is untouched.
							for j := n; j < ldc && i < m-1; j++ {
								if got[i*ldc+j] != want[i*ldc+j] {
									t.Fatalf("%s m=%d n=%d k=%d: C[%d][%d] (padding) written", e.name, m, n, k, i, j)
								}
							}
						}
					}
				}
			}
		}
	}
}

// BenchmarkSgemmPackedDirect compares the in-place and packed B products
// on MobileNetV2 projections of a band (B = 14 rows of 56 columns).
func BenchmarkSgemmPackedDirect(b *testing.B) {
	for _, s := range []struct{ m, k, n int }{{24, 144, 784}, {144, 24, 896}, {32, 192, 784}, {160, 960, 49}, {960, 160, 49}} {
		a := make([]float32, s.m*s.k)
		x := make([]float32, s.k*s.n)
		c := make([]float32, s.m*s.n)
		pa := PackA(s.m, s.k, a, s.k)
		ep := &Epilogue{RowBias: make([]float32, s.m), Act: ActClip, Max: 6}
		for _, direct := range []bool{false, true} {
			b.Run(fmt.Sprintf("m%d_k%d_n%d/direct=%v", s.m, s.k, s.n, direct), func(b *testing.B) {
				c0 := mbCPUNow()
				for b.Loop() {
					if direct {
						SgemmPackedDirect(1, pa, s.n, x, s.n, c, s.n, ep)
					} else {
						SgemmPackedEpilogue(1, pa, s.n, x, s.n, c, s.n, ep)
					}
				}
				b.ReportMetric(float64(mbCPUNow()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// mbCPUNow returns the process's user+system CPU time in ns (steadier
// than wall time on a shared machine).
func mbCPUNow() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
