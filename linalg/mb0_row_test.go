package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestMb0RowKern checks the row kernel against mb0RowRef on odd k,
// partial last vectors and NaN inputs.
func TestMb0RowKern(t *testing.T) {
	if mb0RowKern == nil {
		t.Skip("no row kernel on this CPU")
	}
	r := rand.New(rand.NewSource(3))
	for _, k := range []int{0, 1, 3, 7, 17, 27, 63, 65} {
		for _, lanes := range []int{1, 7, 15, 16} {
			const hw, wst = 300, 9
			w := sgemmRandom(r, k*wst+4)
			x := sgemmRandom(r, 4000)
			x[1234] = float32(math.NaN())
			offs := make([]int, k)
			for s := range offs {
				offs[s] = 4 * r.Intn(3800)
			}
			bias := sgemmRandom(r, 4)
			cst := [2]float32{-0.5, 0.75}
			mask := 1<<lanes - 1
			got, want := make([]float32, 4*hw), make([]float32, 4*hw)
			for i := range got {
				got[i], want[i] = 7, 7
			}
			var xp *float32
			var op *int
			if k > 0 {
				op = &offs[0]
			}
			xp = &x[0]
			mb0RowKern(k, &w[0], 4*wst, xp, op, &got[0], hw, &bias[0], &cst[0], mask)
			mb0RowRef(k, w, wst, x, offs, want, hw, bias, cst[0], cst[1], mask)
			for i := range got {
				if !(math.Abs(float64(got[i]-want[i])) <= 1e-5*(1+math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
					t.Fatalf("k%d lanes%d: c[%d] = %v, want %v", k, lanes, i, got[i], want[i])
				}
			}
		}
	}
}

// TestMb0Conv checks first-layer convolutions on the row tiles against
// the path without them.
func TestMb0Conv(t *testing.T) {
	if mb0RowKern == nil {
		t.Skip("no row kernel on this CPU")
	}
	for _, cs := range []struct{ c, h, w, m, k, s, pd int }{
		{3, 224, 224, 32, 3, 2, 1}, {3, 9, 223, 16, 3, 2, 1}, {1, 5, 97, 4, 3, 1, 1}, {4, 7, 110, 12, 2, 1, 0},
		{2, 6, 200, 8, 5, 2, 2}, {3, 3, 112, 20, 1, 1, 0}, {3, 5, 100, 8, 3, 1, 0},
	} {
		oh := (cs.h+2*cs.pd-cs.k)/cs.s + 1
		ow := (cs.w+2*cs.pd-cs.k)/cs.s + 1
		g := ConvGeom{In: []int{cs.h, cs.w}, Kernel: []int{cs.k, cs.k}, Out: []int{oh, ow}, Stride: []int{cs.s, cs.s}, Dilation: []int{1, 1}, PadBegin: []int{cs.pd, cs.pd}}
		r := rand.New(rand.NewSource(int64(cs.c*31 + cs.w)))
		kk := cs.c * cs.k * cs.k
		wts := sgemmRandom(r, cs.m*kk)
		pw := PackA(cs.m, kk, wts, kk)
		img := sgemmRandom(r, cs.c*cs.h*cs.w)
		img[len(img)/2] = float32(math.NaN())
		bias := sgemmRandom(r, cs.m)
		for ei, ep := range []*Epilogue{nil, {RowBias: bias, Act: ActRelu}, {RowBias: bias, Act: ActClip, Min: 0, Max: 6}, {Act: ActClip, Min: -1, Max: 0.5}} {
			for _, th := range []int{1, 2} {
				t.Run(fmt.Sprintf("c%d_%dx%d_m%d_k%d_s%d/ep%d/th%d", cs.c, cs.h, cs.w, cs.m, cs.k, cs.s, ei, th), func(t *testing.T) {
					run := func(off bool) []float32 {
						mb0Off = off
						defer func() { mb0Off = false }()
						out := make([]float32, cs.m*oh*ow)
						for i := range out {
							out[i] = 999
						}
						ConvGemmPacked(th, pw, img, cs.c, g, out, ep)
						return out
					}
					got, ref := run(false), run(true)
					if th == 2 && ep != nil {
						// Chunks of rows, each filling its own planes.
						geo := newConvIndGeom(g)
						ch := make([]float32, cs.m*oh*ow)
						for i := 0; i < 3; i++ {
							mb0Chunk(cs.m, kk, pw.ciPacked(), img, cs.c, &geo, ch, ep, i*oh/3, (i+1)*oh/3)
						}
						for i := range ch {
							if !(ch[i] == got[i] || math.IsNaN(float64(ch[i])) && math.IsNaN(float64(got[i]))) {
								t.Fatalf("chunked c[%d] = %v, whole %v", i, ch[i], got[i])
							}
						}
					}
					for i := range got {
						if !(math.Abs(float64(got[i]-ref[i])) <= 1e-4*(1+math.Abs(float64(ref[i]))) || math.IsNaN(float64(got[i])) && math.IsNaN(float64(ref[i]))) {
							t.Fatalf("c[%d] = %v, want %v", i, got[i], ref[i])
						}
					}
				})
			}
		}
	}
}

// BenchmarkMb0Stem times MobileNetV2's first convolution on the row
// tiles and without them.
func BenchmarkMb0Stem(b *testing.B) {
	const c, h, m = 3, 224, 32
	g := ConvGeom{In: []int{h, h}, Kernel: []int{3, 3}, Out: []int{112, 112}, Stride: []int{2, 2}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	r := rand.New(rand.NewSource(1))
	kk := c * 9
	pw := PackA(m, kk, sgemmRandom(r, m*kk), kk)
	img := sgemmRandom(r, c*h*h)
	out := make([]float32, m*112*112)
	ep := &Epilogue{RowBias: sgemmRandom(r, m), Act: ActClip, Min: 0, Max: 6}
	for _, off := range []bool{false, true} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("mb0=%v/threads=%d", !off, th), func(b *testing.B) {
				mb0Off = off
				defer func() { mb0Off = false }()
				for b.Loop() {
					ConvGemmPacked(th, pw, img, c, g, out, ep)
				}
			})
		}
	}
}
