package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQDQuantizeF32To8(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	edges := []float32{0, -0, 0.5, 1.5, 2.5, -0.5, -1.5, 127.5, 128.5, -128.5, 255.5, 254.5, 1e30, -1e30, inf, -inf, nan, 1e-40, -3.5, 3.5}
	for _, signed := range []bool{false, true} {
		for _, zp := range []int32{0, 3, 128, 255, -128, 127, -5} {
			if !signed && zp < 0 || signed && zp > 127 || !signed && zp > 255 {
				continue
			}
			for _, scale := range []float32{1, 0.5, 0.0173, 3e-39, 7} {
				for _, n := range []int{0, 1, 3, 7, 16, 17, 63, 64, 65, 257, qdLookupChunk/4 + 33} {
					x := make([]float32, n)
					for i := range x {
						x[i] = (rng.Float32()*600 - 300) * scale
						if i < len(edges) && rng.IntN(2) == 0 {
							x[i] = edges[i] * scale
						} else if i < len(edges) {
							x[i] = edges[i]
						}
					}
					want := make([]uint8, n)
					qdQuantGeneric(want, x, scale, zp, signed)
					for _, impl := range qdQuantImpls {
						got := make([]uint8, n+1)
						got[n] = 0x77
						impl.fn(got[:n], x, scale, zp, signed)
						for i := 0; i < n; i++ {
							if got[i] != want[i] {
								t.Fatalf("%s signed=%v zp=%d scale=%g n=%d: x[%d]=%g -> %d, want %d", impl.name, signed, zp, scale, n, i, x[i], got[i], want[i])
							}
						}
						if got[n] != 0x77 {
							t.Fatalf("%s: wrote past the end", impl.name)
						}
					}
					got := make([]uint8, n)
					QuantizeF32To8(got, x, scale, zp, signed)
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("QuantizeF32To8 n=%d [%d]", n, i)
						}
					}
				}
			}
		}
	}
	// Hand-checked values: half to even, saturation, NaN -> zp.
	x := []float32{0.5, 1.5, 2.5, -0.5, 300, -300, nan, inf, -inf}
	got := make([]uint8, len(x))
	QuantizeF32To8(got, x, 1, 10, false)
	want := []uint8{10, 12, 12, 10, 255, 0, 10, 255, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("x=%g: %d, want %d", x[i], got[i], want[i])
		}
	}
	t.Logf("kernel: %s", QuantizeF32To8Kernel())
}

func BenchmarkQDQuantizeF32To8(b *testing.B) {
	x := make([]float32, 1<<18)
	for i := range x {
		x[i] = float32(i%1000) * 0.37
	}
	d := make([]uint8, len(x))
	for _, impl := range qdQuantImpls {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(x)) * 4)
			for b.Loop() {
				impl.fn(d, x, 0.31, 7, false)
			}
		})
	}
}
