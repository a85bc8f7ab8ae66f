package linalg

import (
	"math/rand/v2"
	"testing"
)

func TestQDQBinary8(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 3))
	sizes := []int{0, 1, 3, 7, 16, 17, 63, 64, 65, 257, qdLookupChunk + 17}
	for trial := 0; trial < 12; trial++ {
		signed := trial%2 == 1
		lo, hi := int32(0), int32(255)
		if signed {
			lo, hi = -128, 127
		}
		add := QAdd8{Fixed: rng.Float32()*300 - 150, R1: rng.Float32()*2 - 0.5, R2: rng.Float32()*3 - 1, Lo: lo, Hi: hi, Signed: signed}
		mul := QMul8{Za: int32(rng.IntN(256)) + lo, Zb: int32(rng.IntN(256)) + lo, Ratio: rng.Float32() * 0.05, Zc: float32(rng.IntN(256)) + float32(lo), Lo: lo, Hi: hi, Signed: signed}
		if trial == 0 { // exact halves: rounding must be half to even
			add = QAdd8{Fixed: 0.5, R1: 1, R2: 1, Lo: lo, Hi: hi}
			mul = QMul8{Ratio: 0.5, Zc: 0.5, Lo: lo, Hi: hi}
		}
		for _, n := range sizes {
			a, b := make([]uint8, n), make([]uint8, n)
			for i := range a {
				a[i], b[i] = uint8(rng.IntN(256)), uint8(rng.IntN(256))
			}
			edge := []uint8{0, 255, 127, 128, 1, 254}
			for i := 0; i < n && i < len(edge)*len(edge); i++ {
				a[i], b[i] = edge[i%len(edge)], edge[i/len(edge)]
			}
			wantA, wantM := make([]uint8, n), make([]uint8, n)
			qdAdd8Generic(wantA, a, b, &add)
			qdMul8Generic(wantM, a, b, &mul)
			for _, impl := range qdQBinImpls {
				gotA, gotM := make([]uint8, n+1), make([]uint8, n+1)
				gotA[n], gotM[n] = 0x5A, 0x5A
				impl.add(gotA[:n], a, b, &add)
				impl.mul(gotM[:n], a, b, &mul)
				for i := 0; i < n; i++ {
					if gotA[i] != wantA[i] || gotM[i] != wantM[i] {
						t.Fatalf("%s trial %d n=%d [%d] (a=%d b=%d): add %d want %d, mul %d want %d",
							impl.name, trial, n, i, a[i], b[i], gotA[i], wantA[i], gotM[i], wantM[i])
					}
				}
				if gotA[n] != 0x5A || gotM[n] != 0x5A {
					t.Fatalf("%s n=%d: wrote past the end", impl.name, n)
				}
			}
			// The exported entry points chunk and dispatch.
			gotA := make([]uint8, n)
			QAdd8Span(gotA, a, b, &add)
			for i := range gotA {
				if gotA[i] != wantA[i] {
					t.Fatalf("QAdd8Span n=%d [%d] = %d, want %d", n, i, gotA[i], wantA[i])
				}
			}
			QMul8Span(gotA, a, b, &mul)
			for i := range gotA {
				if gotA[i] != wantM[i] {
					t.Fatalf("QMul8Span n=%d [%d] = %d, want %d", n, i, gotA[i], wantM[i])
				}
			}
		}
	}
	t.Logf("kernel: %s", QBinary8Kernel())
}

func BenchmarkQDQBinary8(b *testing.B) {
	n := 1 << 18
	x, y, d := make([]uint8, n), make([]uint8, n), make([]uint8, n)
	for i := range x {
		x[i], y[i] = uint8(i*7), uint8(i*13)
	}
	add := QAdd8{Fixed: 3, R1: 0.7, R2: 0.4, Lo: 0, Hi: 255}
	mul := QMul8{Za: 3, Zb: 100, Ratio: 0.01, Zc: 7, Lo: 0, Hi: 255}
	for _, impl := range qdQBinImpls {
		b.Run(impl.name+"/add", func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				impl.add(d, x, y, &add)
			}
		})
		b.Run(impl.name+"/mul", func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				impl.mul(d, x, y, &mul)
			}
		})
	}
}
