package ops

import (
	"math/rand"
	"testing"
)

func BenchmarkQPAddRun(b *testing.B) {
	const n = 56 * 56 * 64
	rng := rand.New(rand.NewSource(1))
	x, y, d := make([]uint8, n), make([]uint8, n), make([]uint8, n)
	for i := range x {
		x[i], y[i] = uint8(rng.Intn(256)), uint8(rng.Intn(256))
	}
	t := qpNewAddTab(false, msSpanBoth, 0.02, 0.03, 0.04, 128, 120, 3, 0, 255)
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		qpAddRun(d, x, 1, y, 1, t)
	}
}
