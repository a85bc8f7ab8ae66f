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

func BenchmarkQPMaxPool(b *testing.B) {
	g := qpPoolGeom{h: 112, w: 112, oh: 56, ow: 56, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pl: 1}
	x, y := make([]uint8, 64*112*112), make([]uint8, 64*56*56)
	for i := range x {
		x[i] = uint8(i * 7)
	}
	for b.Loop() {
		qpMaxPlanes(x, y, 0, 64, &g, false)
	}
}
