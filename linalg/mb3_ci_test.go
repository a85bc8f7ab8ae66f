package linalg

import (
	"math/rand/v2"
	"testing"
)

// TestMb3Ci checks SgemmPackedDirect's channel-vector-tile path (compact
// C, m a multiple of 16, small n) against SgemmPackedEpilogue, and that
// the path is taken.
func TestMb3Ci(t *testing.T) {
	if ciKerns == nil {
		t.Skip("no channel-vector tile kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	eps := []struct {
		name string
		make func(m, n int) *Epilogue
	}{
		{"none", func(m, n int) *Epilogue { return nil }},
		{"bias+clip", func(m, n int) *Epilogue { return &Epilogue{RowBias: fill(m), Act: ActClip, Min: -0.5, Max: 0.5} }},
		{"residual+relu", func(m, n int) *Epilogue { return &Epilogue{RowBias: fill(m), Residual: fill(m * n), Act: ActRelu} }},
		{"residual", func(m, n int) *Epilogue { return &Epilogue{Residual: fill(m * n)} }},
		{"sigmoid", func(m, n int) *Epilogue { return &Epilogue{RowBias: fill(m), Act: ActSigmoid} }}, // not the ci path
	}
	for _, m := range []int{32, 48, 64, 96, 160, 320} {
		for _, n := range []int{1, 3, 5, 7, 17, 49, 63, 65, 196, 255} {
			for _, k := range []int{1, 3, 17, 63, 145, 300, 960} {
				ldb := n
				if k%2 == 1 {
					ldb = n + 5
				}
				a, b := fill(m*k), fill((k-1)*ldb+n)
				if k == 17 { // edge values
					b[0], b[len(b)-1] = 1e30, -1e30
					a[0] = 0
				}
				pa := PackA(m, k, a, k)
				for _, e := range eps {
					for _, th := range []int{1, 2, 3} {
						ep := e.make(m, n)
						want := fill(m * n)
						got := append([]float32(nil), want...)
						SgemmPackedEpilogue(1, pa, n, b, ldb, want, n, ep)
						if used := mb3Ci(th, pa, n, b, ldb, got, n, ep); used != (e.name != "sigmoid" && n%pa.impl.nr != 0) {
							t.Fatalf("m=%d n=%d k=%d %s: ci path used=%v", m, n, k, e.name, used)
						}
						SgemmPackedDirect(th, pa, n, b, ldb, got, n, ep)
						for i := range want {
							if !sgemmClose(got[i], want[i]) {
								t.Fatalf("m=%d n=%d k=%d %s threads=%d: c[%d] = %v, want %v", m, n, k, e.name, th, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
