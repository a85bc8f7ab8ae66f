package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQDDequantize8(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, signed := range []bool{false, true} {
		for _, zp := range []int32{0, 128, 255, -128, 127, 3} {
			for _, scale := range []float32{1, 0.0213, 3e-39, 1e30, 0.1} {
				for _, n := range []int{0, 1, 3, 7, 16, 17, 63, 65, 257, qdLookupChunk + 3} {
					x := make([]uint8, n)
					for i := range x {
						x[i] = uint8(rng.IntN(256))
						if i < 4 {
							x[i] = []uint8{0, 255, 127, 128}[i]
						}
					}
					for _, impl := range qdDequantImpls {
						got := make([]float32, n+1)
						got[n] = 7
						impl.fn(got[:n], x, scale, zp, signed)
						for i, v := range x {
							iv := int64(v)
							if signed {
								iv = int64(int8(v))
							}
							want := float32((float64(iv) - float64(zp)) * float64(scale)) // the reference formula
							if math.Float32bits(got[i]) != math.Float32bits(want) {
								t.Fatalf("%s signed=%v zp=%d scale=%g: x=%d -> %g, want %g", impl.name, signed, zp, scale, v, got[i], want)
							}
						}
						if got[n] != 7 {
							t.Fatalf("%s: wrote past the end", impl.name)
						}
					}
					got := make([]float32, n)
					Dequantize8(got, x, scale, zp, signed)
					for i := range got {
						if want := qdInt(x[i], signed) - zp; float32(want)*scale != got[i] {
							t.Fatalf("Dequantize8 [%d]", i)
						}
					}
				}
			}
		}
	}
}
