package linalg

import (
	"fmt"
	"math/rand"
	"testing"
)

// BenchmarkQGemm reports GOP/s (2·m·n·k per call) for each GEMM
// implementation at 512³ on one thread, and the best one on all threads.
func BenchmarkQGemm(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, s := range [][3]int{{512, 512, 512}, {64, 3136, 576}, {512, 64, 4608}, {96, 12544, 16}, {1, 4096, 4096}} {
		m, n, k := s[0], s[1], s[2]
		a := qFill[uint8](r, m*k, false)
		bm := qFill[int8](r, k*n, false)
		c := make([]int32, m*n)
		for _, im := range qgemmImpls {
			for _, th := range []int{1, 0} {
				b.Run(fmt.Sprintf("%dx%dx%d/%s/threads=%d", m, n, k, im.name, th), func(b *testing.B) {
					restore, ok := qgemmUse(im.name)
					defer restore()
					if !ok {
						b.Skip("not available")
					}
					pb := QPackB(k, n, bm, n, []int32{3})
					b.ReportAllocs()
					for b.Loop() {
						QGemm(th, m, n, k, a, k, []int32{7}, pb, c, n)
					}
					b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
				})
			}
		}
	}
}

// BenchmarkQGemmRequant: 512³ with the fused uint8 requantization.
func BenchmarkQGemmRequant(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	m, n, k := 512, 512, 512
	a := qFill[uint8](r, m*k, false)
	bm := qFill[int8](r, k*n, false)
	y := make([]uint8, m*n)
	pb := QPackB(k, n, bm, n, nil)
	mult := make([]float32, n)
	for j := range mult {
		mult[j] = 1e-4
	}
	b.ReportAllocs()
	for b.Loop() {
		QGemmRequant(1, m, n, k, a, k, []int32{7}, pb, nil, mult, 128, y, n)
	}
	b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
}
