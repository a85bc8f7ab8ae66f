package linalg

import (
	"math/rand"
	"testing"
)

// im2colRef is the direct definition of Im2col, one element at a time.
func im2colRef(src []float32, channels int, g ConvGeom) []float32 {
	nd := len(g.In)
	kn, on, in := prodInts(g.Kernel), prodInts(g.Out), prodInts(g.In)
	dst := make([]float32, channels*kn*on)
	for c := 0; c < channels; c++ {
		for k := 0; k < kn; k++ {
			for o := 0; o < on; o++ {
				kr, or := k, o
				off, ok := 0, true
				kk, oo := make([]int, nd), make([]int, nd)
				for d := nd - 1; d >= 0; d-- {
					kk[d], kr = kr%g.Kernel[d], kr/g.Kernel[d]
					oo[d], or = or%g.Out[d], or/g.Out[d]
				}
				for d := 0; d < nd; d++ {
					x := oo[d]*g.Stride[d] - g.PadBegin[d] + kk[d]*g.Dilation[d]
					if x < 0 || x >= g.In[d] {
						ok = false
					}
					off = off*g.In[d] + x
				}
				if ok {
					dst[(c*kn+k)*on+o] = src[c*in+off]
				}
			}
		}
	}
	return dst
}

func TestIm2col(t *testing.T) {
	cases := []ConvGeom{
		{In: []int{5}, Kernel: []int{3}, Out: []int{5}, Stride: []int{1}, Dilation: []int{1}, PadBegin: []int{1}},
		{In: []int{5, 6}, Kernel: []int{3, 2}, Out: []int{3, 4}, Stride: []int{2, 2}, Dilation: []int{1, 2}, PadBegin: []int{1, 1}},
		{In: []int{4, 4}, Kernel: []int{3, 3}, Out: []int{4, 4}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}},
		{In: []int{3, 4, 5}, Kernel: []int{2, 2, 3}, Out: []int{2, 4, 3}, Stride: []int{1, 1, 2}, Dilation: []int{2, 1, 1}, PadBegin: []int{0, 1, 1}},
		{In: []int{7}, Kernel: []int{1}, Out: []int{9}, Stride: []int{1}, Dilation: []int{1}, PadBegin: []int{1}},
	}
	r := rand.New(rand.NewSource(1))
	for i, g := range cases {
		for _, ch := range []int{1, 3} {
			src := sgemmRandom(r, ch*prodInts(g.In))
			want := im2colRef(src, ch, g)
			got := make([]float32, len(want))
			for j := range got {
				got[j] = 99 // must all be overwritten
			}
			Im2col(got, src, ch, g)
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("case %d ch=%d: col[%d]=%v want %v", i, ch, j, got[j], want[j])
				}
			}
			// Col2im is the adjoint: <Im2col(x), y> == <x, Col2im(y)>.
			y := sgemmRandom(r, len(want))
			back := make([]float32, len(src))
			Col2im(back, y, ch, g)
			var l, rr float64
			for j := range want {
				l += float64(want[j]) * float64(y[j])
			}
			for j := range src {
				rr += float64(src[j]) * float64(back[j])
			}
			if d := l - rr; d > 1e-3 || d < -1e-3 {
				t.Fatalf("case %d: adjoint mismatch %v vs %v", i, l, rr)
			}
		}
	}
}
