package linalg

import (
	"math/rand"
	"testing"
)

// TestConvGemm checks the implicit-im2col path against Im2col + Sgemm on
// every kernel, with strides, dilations, pads and sizes around tile edges.
func TestConvGemm(t *testing.T) {
	sgemmEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(3))
		for _, cs := range []struct{ c, ih, iw, m, kh, kw, sh, sw, dh, dw, ph, pw, pb, pr int }{
			{3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
			{2, 7, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
			{5, 13, 11, 17, 3, 2, 1, 3, 2, 1, 2, 0, 1, 3},
			{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
			{16, 20, 21, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
			{7, 40, 60, 8, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},   // n > nc of small kernels
			{300, 6, 6, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},   // k > kc
			{3, 30, 30, 300, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, // m > mc, split over m
			{4, 9, 10, 5, 3, 3, 1, 1, 1, 1, 0, 0, 2, 2},    // same width, pads at the end only
			{3, 6, 7, 4, 3, 3, 1, 1, 1, 1, 2, 2, 0, 0},     // same width, pads at the start only
			{40, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},    // k > kc not a multiple of kh*kw
			{2, 4, 1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},     // one-column image
			{3, 2, 3, 2, 5, 5, 1, 1, 1, 1, 3, 2, 3, 2},     // windows reach past the image
		} {
			oh := (cs.ih+cs.ph+cs.pb-(cs.kh-1)*cs.dh-1)/cs.sh + 1
			ow := (cs.iw+cs.pw+cs.pr-(cs.kw-1)*cs.dw-1)/cs.sw + 1
			g := ConvGeom{In: []int{cs.ih, cs.iw}, Kernel: []int{cs.kh, cs.kw}, Out: []int{oh, ow},
				Stride: []int{cs.sh, cs.sw}, Dilation: []int{cs.dh, cs.dw}, PadBegin: []int{cs.ph, cs.pw}}
			k, n := cs.c*cs.kh*cs.kw, oh*ow
			img := sgemmRandom(r, cs.c*cs.ih*cs.iw)
			w := sgemmRandom(r, cs.m*k)
			bias := sgemmRandom(r, cs.m)
			col := make([]float32, k*n)
			Im2col(col, img, cs.c, g)
			want := make([]float32, cs.m*n)
			sgemmRef(false, false, cs.m, n, k, 1, w, k, col, n, 0, want, n)
			ep := &Epilogue{RowBias: bias, Act: ActRelu, Residual: sgemmRandom(r, cs.m*n)}
			epilogueRef(ep, cs.m, n, want, n)
			pw := PackA(cs.m, k, w, k)
			for _, th := range []int{1, 2, 3} {
				for _, packed := range []bool{false, true} {
					got := sgemmRandom(r, cs.m*n)
					if packed {
						ConvGemmPacked(th, pw, img, cs.c, g, got, ep)
					} else {
						ConvGemm(th, cs.m, w, img, cs.c, g, got, ep)
					}
					for i := range got {
						if !sgemmClose(got[i], want[i]) {
							t.Fatalf("%s %+v threads=%d packed=%v: c[%d] = %v, want %v", kern.sgemm.name, cs, th, packed, i, got[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestPackedABlocking checks what PackedA.block relies on: every kernel's
// mc is a multiple of its mr.
func TestPackedABlocking(t *testing.T) {
	for _, impl := range sgemmImpls {
		if impl.mc%impl.mr != 0 {
			t.Errorf("%s: mc %d is not a multiple of mr %d", impl.name, impl.mc, impl.mr)
		}
	}
}
