package linalg

import (
	"math/rand/v2"
	"testing"
)

func TestQDGather8(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	pattern := func(name string, n int, f func(j int) int) {
		offs := make([]int, n)
		for j := range offs {
			offs[j] = f(j)
		}
		p := NewGather8Plan(offs)
		src := make([]uint8, p.Span())
		for i := range src {
			src[i] = uint8(rng.IntN(256))
		}
		dst := make([]uint8, n+3)
		for i := range dst {
			dst[i] = 0xEE
		}
		p.Run(dst, src)
		for j, o := range offs {
			if dst[j] != src[o] {
				t.Fatalf("%s n=%d (simd %v): dst[%d] = %d, want src[%d] = %d", name, n, len(p.chunks) > 0, j, dst[j], o, src[o])
			}
		}
		for j := n; j < len(dst); j++ {
			if dst[j] != 0xEE {
				t.Fatalf("%s n=%d: wrote past the end", name, n)
			}
		}
	}
	for _, n := range []int{0, 1, 3, 7, 17, 63, 64, 65, 257, 640} {
		for _, k := range []int{1, 2, 3, 4, 8} {
			pattern("upsample", n, func(j int) int { return j / k })
		}
		pattern("downsample2", n, func(j int) int { return 2 * j })             // windows of 128: generic
		pattern("reverse", n, func(j int) int { return n - 1 - j })             // within windows
		pattern("random-local", n, func(j int) int { return j + rng.IntN(30) }) // overlapping windows
		pattern("offset", n, func(j int) int { return 5 + j/3 })
	}
	t.Logf("simd gather: %v", qdGatherSIMD)
}
