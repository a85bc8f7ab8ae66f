package linalg

import (
	"fmt"
	"testing"
	"time"
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

// BenchmarkSgemmVsPeak alternates the register-only FMA loop of the
// widest ISA this CPU has with a 512³ SGEMM on one thread, keeps the
// best sample of each (the machine may be shared) and reports the SGEMM
// as % of that peak: the "≥ 70 % of peak" check, measured in one
// run. packed=true times SgemmPacked with A packed once, as inference
// runs a layer with constant weights.
func BenchmarkSgemmVsPeak(b *testing.B) {
	if len(sgemmPeaks) == 0 {
		b.Skip("no asm FMA loop on this platform")
	}
	p := sgemmPeaks[len(sgemmPeaks)-1]
	const m, n, k = 512, 512, 512
	a, bb, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%7) * 0.1
	}
	for i := range bb {
		bb[i] = float32(i%5) * 0.1
	}
	pa := PackA(m, k, a, k)
	for _, packed := range []bool{false, true} {
		b.Run(fmt.Sprintf("%s/packed=%v", p.name, packed), func(b *testing.B) {
			var peak, gemm float64
			const iters = 1 << 14
			for b.Loop() {
				t0 := time.Now()
				p.run(iters)
				peak = max(peak, float64(p.flops)*iters/time.Since(t0).Seconds()/1e9)
				t0 = time.Now()
				if packed {
					SgemmPackedEpilogue(1, pa, n, bb, n, c, n, nil)
				} else {
					SgemmParallel(1, false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
				}
				gemm = max(gemm, float64(2*m*n*k)/time.Since(t0).Seconds()/1e9)
			}
			b.ReportMetric(peak, "peak_GFLOP/s")
			b.ReportMetric(gemm, "sgemm_GFLOP/s")
			b.ReportMetric(100*gemm/peak, "%peak")
		})
	}
}
