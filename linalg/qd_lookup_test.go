package linalg

import (
	"math/rand/v2"
	"testing"
)

func TestQDLookup8(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var tab [256]uint8
	for i := range tab {
		tab[i] = uint8(rng.IntN(256))
	}
	tab[0], tab[127], tab[128], tab[255] = 255, 0, 1, 128
	for _, impl := range qdLookupImpls {
		for _, n := range []int{0, 1, 3, 7, 17, 63, 64, 65, 127, 128, 129, 257, 1000, qdLookupChunk + 65} {
			src := make([]uint8, n)
			for i := range src {
				src[i] = uint8(rng.IntN(256))
			}
			// Edge bytes: both table halves and their borders.
			for i, v := range []uint8{0, 255, 127, 128, 63, 64, 191, 192} {
				if i < n {
					src[n-1-i] = v
				}
			}
			want := make([]uint8, n)
			qdLookupGeneric(want, src, &tab)
			// Guard bytes after dst catch writes past n.
			got := make([]uint8, n+70)
			for i := range got {
				got[i] = 0xA5
			}
			if impl.name == qdLookupImpls[len(qdLookupImpls)-1].name {
				Lookup8(got, src, &tab)
			} else {
				impl.fn(got[:n], src, &tab)
			}
			for i := 0; i < n; i++ {
				if got[i] != want[i] {
					t.Fatalf("%s n=%d: [%d] = %d, want %d", impl.name, n, i, got[i], want[i])
				}
			}
			for i := n; i < len(got); i++ {
				if got[i] != 0xA5 {
					t.Fatalf("%s n=%d: wrote past the end at %d", impl.name, n, i)
				}
			}
		}
	}
	t.Logf("Lookup8 kernel: %s", Lookup8Kernel())
}

func BenchmarkQDLookup8(b *testing.B) {
	var tab [256]uint8
	for i := range tab {
		tab[i] = uint8(255 - i)
	}
	src := make([]uint8, 1<<20)
	for i := range src {
		src[i] = uint8(i * 7)
	}
	dst := make([]uint8, len(src))
	for _, impl := range qdLookupImpls {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				impl.fn(dst, src, &tab)
			}
		})
	}
}
