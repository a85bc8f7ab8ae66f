package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestR18sS2 checks stride-2 convolutions on padded planes (the
// r18sCiS2 tiles) and strided 1x1 ones as one long row against the
// phase-plane tiles (bit for bit: same products in the same order) and
// against SGEMM on packed panels.
func TestR18sS2(t *testing.T) {
	if r18sCiS2 == nil {
		t.Skip("no stride-2 tiles on this CPU")
	}
	for _, cs := range []struct{ c, h, w, m, k, pd int }{
		{64, 56, 56, 128, 3, 1}, {3, 31, 29, 64, 7, 3}, {5, 9, 12, 64, 3, 1}, {7, 11, 10, 192, 5, 2},
		{4, 8, 8, 64, 3, 0}, {6, 13, 7, 128, 1, 0}, {2, 1, 1, 64, 3, 1}, {3, 7, 9, 64, 2, 1},
		{16, 14, 14, 64, 1, 0}, {16, 14, 14, 48, 1, 0}, {8, 56, 56, 64, 1, 0},
	} {
		oh := (cs.h+2*cs.pd-cs.k)/2 + 1
		ow := (cs.w+2*cs.pd-cs.k)/2 + 1
		g := ConvGeom{In: []int{cs.h, cs.w}, Kernel: []int{cs.k, cs.k}, Out: []int{oh, ow}, Stride: []int{2, 2}, Dilation: []int{1, 1}, PadBegin: []int{cs.pd, cs.pd}}
		r := rand.New(rand.NewSource(int64(cs.c*31 + cs.h)))
		kk := cs.c * cs.k * cs.k
		wts := sgemmRandom(r, cs.m*kk)
		pw := PackA(cs.m, kk, wts, kk)
		img := sgemmRandom(r, cs.c*cs.h*cs.w)
		img[len(img)/2] = float32(math.NaN())
		res := sgemmRandom(r, cs.m*oh*ow)
		bias := sgemmRandom(r, cs.m)
		for ei, ep := range []*Epilogue{nil, {RowBias: bias, Act: ActRelu}, {RowBias: bias, Residual: res, Act: ActClip, Min: -1, Max: 2}} {
			for _, th := range []int{1, 2} {
				t.Run(fmt.Sprintf("c%d_%dx%d_m%d_k%d_p%d/ep%d/th%d", cs.c, cs.h, cs.w, cs.m, cs.k, cs.pd, ei, th), func(t *testing.T) {
					run := func(s2Off, indOff bool) []float32 {
						r18sS2Off, r18sDsOff, convIndOff = s2Off, s2Off, indOff
						defer func() { r18sS2Off, r18sDsOff, convIndOff = false, false, false }()
						out := make([]float32, cs.m*oh*ow)
						for i := range out {
							out[i] = 999
						}
						ConvGemmPacked(th, pw, img, cs.c, g, out, ep)
						return out
					}
					got, phase, ref := run(false, false), run(true, false), run(false, true)
					for i := range got {
						if !(got[i] == phase[i] || math.IsNaN(float64(got[i])) && math.IsNaN(float64(phase[i]))) {
							t.Fatalf("c[%d] = %v, phase planes %v", i, got[i], phase[i])
						}
						if d := math.Abs(float64(got[i] - ref[i])); d > 1e-4*(1+math.Abs(float64(ref[i]))) {
							t.Fatalf("c[%d] = %v, SGEMM %v", i, got[i], ref[i])
						}
					}
				})
			}
		}
	}
}
