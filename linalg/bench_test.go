package linalg

import (
	"fmt"
	"testing"
)

func BenchmarkSgemm(b *testing.B) {
	for _, s := range [][3]int{{64, 64, 64}, {256, 256, 256}, {64, 3136, 576}, {512, 512, 512}} {
		m, n, k := s[0], s[1], s[2]
		a, bb, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		for i := range a {
			a[i] = float32(i%7) * 0.1
		}
		for i := range bb {
			bb[i] = float32(i%5) * 0.1
		}
		for _, th := range []int{1, 0} {
			b.Run(fmt.Sprintf("%dx%dx%d/threads=%d", m, n, k, th), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					SgemmParallel(th, false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
				}
				b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		if m*n*k <= 256*256*256 {
			b.Run(fmt.Sprintf("%dx%dx%d/ref", m, n, k), func(b *testing.B) {
				for b.Loop() {
					sgemmRef(false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
				}
				b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkPeakFMA measures the single-core fp32 peak with register-only
// FMA loops; compare the GFLOP/s of BenchmarkSgemm/*/threads=1 with it.
func BenchmarkPeakFMA(b *testing.B) {
	if len(sgemmPeaks) == 0 {
		b.Skip("no asm FMA loop on this platform")
	}
	for _, p := range sgemmPeaks {
		b.Run(p.name, func(b *testing.B) {
			const iters = 1 << 16
			for b.Loop() {
				p.run(iters)
			}
			b.ReportMetric(float64(p.flops)*iters*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
