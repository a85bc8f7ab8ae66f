package linalg

import (
	"math/rand"
	"testing"
)

// BenchmarkMb0RowKern times the row kernel alone on L1-resident data
// (k=27, the stem's), for the FMA rate its stores allow.
func BenchmarkMb0RowKern(b *testing.B) {
	if mb0RowKern == nil {
		b.Skip("no row kernel")
	}
	const k, hw = 27, 128
	r := rand.New(rand.NewSource(1))
	w := sgemmRandom(r, k*32)
	x := sgemmRandom(r, 4096)
	offs := make([]int, k)
	for s := range offs {
		offs[s] = 4 * (s%3 + s/3%3*240 + s/9*960)
	}
	out := make([]float32, 4*hw)
	bias := make([]float32, 4)
	cst := [2]float32{0, 6}
	for b.Loop() {
		mb0RowKern(k, &w[0], 128, &x[0], &offs[0], &out[0], hw, &bias[0], &cst[0], 0xffff)
	}
	b.ReportMetric(float64(2*k*4*112)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
