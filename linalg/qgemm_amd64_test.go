//go:build !purego

package linalg

import (
	"math/rand"
	"testing"
	"time"
)

// BenchmarkPeakVNNI measures the VPDPBUSD zmm throughput of one core with
// a tight loop of independent instructions (16 accumulators), and QGemm
// 512³ with the AVX-512 VNNI kernel on one thread, alternating the two and
// keeping the best sample of each (the machine may be shared), then
// reports the GEMM as % of that peak.
func BenchmarkPeakVNNI(b *testing.B) {
	if !qgemmVNNI512Impl.avail {
		b.Skip("no AVX-512 VNNI")
	}
	restore, _ := qgemmUse("avx512vnni")
	defer restore()
	r := rand.New(rand.NewSource(1))
	m, n, k := 512, 512, 512
	a := qFill[uint8](r, m*k, false)
	pb := QPackB(k, n, qFill[int8](r, k*n, false), n, []int32{1})
	c := make([]int32, m*n)
	var peak, gemm float64
	const iters = 1 << 14
	for b.Loop() {
		t0 := time.Now()
		qpeakVNNI512(iters)
		peak = max(peak, float64(iters)*16*128/time.Since(t0).Seconds()/1e9)
		t0 = time.Now()
		QGemm(1, m, n, k, a, k, []int32{7}, pb, c, n)
		gemm = max(gemm, float64(2*m*n*k)/time.Since(t0).Seconds()/1e9)
	}
	b.ReportMetric(peak, "peak_GOP/s")
	b.ReportMetric(gemm, "qgemm_GOP/s")
	b.ReportMetric(100*gemm/peak, "%peak")
}
