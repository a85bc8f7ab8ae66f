package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// mbtRefBlock computes an IRBlock naively (the clamps of a Clip).
func mbtRefBlock(x, we, be, wd, bd, wp, bp, z []float32, c, h, w, e, m, s, pad int, lo, hi float32) []float32 {
	cl := func(v float32) float32 { return min(max(v, lo), hi) }
	ex := make([]float32, e*h*w)
	for o := 0; o < e; o++ {
		for p := 0; p < h*w; p++ {
			t := be[o]
			for i := 0; i < c; i++ {
				t += we[o*c+i] * x[i*h*w+p]
			}
			ex[o*h*w+p] = cl(t)
		}
	}
	oh, ow := (h+2*pad-3)/s+1, (w+2*pad-3)/s+1
	d := make([]float32, e*oh*ow)
	for o := 0; o < e; o++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				t := bd[o]
				for ky := 0; ky < 3; ky++ {
					for kx := 0; kx < 3; kx++ {
						iy, ix := oy*s-pad+ky, ox*s-pad+kx
						if iy >= 0 && iy < h && ix >= 0 && ix < w {
							t += wd[o*9+ky*3+kx] * ex[o*h*w+iy*w+ix]
						}
					}
				}
				d[o*oh*ow+oy*ow+ox] = cl(t)
			}
		}
	}
	y := make([]float32, m*oh*ow)
	for o := 0; o < m; o++ {
		for p := 0; p < oh*ow; p++ {
			t := bp[o]
			for i := 0; i < e; i++ {
				t += wp[o*e+i] * d[i*oh*ow+p]
			}
			if z != nil {
				t += z[o*oh*ow+p]
			}
			y[o*oh*ow+p] = t
		}
	}
	return y
}

// TestIRBlock compares IRBlock.Run, blocked and planar, with mbtRefBlock.
func TestIRBlock(t *testing.T) {
	if ciKerns == nil {
		t.Skip("no ci tiles")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct{ c, h, w, e, m, s, pad int }{
		{96, 14, 14, 576, 96, 1, 1}, {160, 7, 7, 960, 320, 1, 1}, {32, 28, 28, 192, 64, 2, 1},
		{5, 3, 5, 96, 32, 1, 1}, {17, 9, 7, 160, 96, 2, 1}, {3, 1, 1, 64, 32, 1, 1}, {7, 8, 5, 32, 64, 2, 0},
	} {
		for _, res := range []bool{false, true} {
			oh, ow := (tc.h+2*tc.pad-3)/tc.s+1, (tc.w+2*tc.pad-3)/tc.s+1
			x := mbtRand(rng, tc.c*tc.h*tc.w)
			we, be := mbtRand(rng, tc.e*tc.c), mbtRand(rng, tc.e)
			wd, bd := mbtRand(rng, tc.e*9), mbtRand(rng, tc.e)
			wp, bp := mbtRand(rng, tc.m*tc.e), mbtRand(rng, tc.m)
			var z []float32
			if res {
				z = mbtRand(rng, tc.m*oh*ow)
			}
			want := mbtRefBlock(x, we, be, wd, bd, wp, bp, z, tc.c, tc.h, tc.w, tc.e, tc.m, tc.s, tc.pad, 0, 6)
			var cache IRCache
			for _, planar := range []bool{false, true} {
				for _, th := range []int{1, 2, 3} {
					t.Run(fmt.Sprintf("%+v/res%v/planar%v/t%d", tc, res, planar, th), func(t *testing.T) {
						mbtNoBlocked = planar
						defer func() { mbtNoBlocked = false }()
						y := make([]float32, tc.m*oh*ow)
						b := IRBlock{Threads: th, E: PackALazy(tc.e, tc.c, we, tc.c), X: x, Wd: wd,
							P: PackALazy(tc.m, tc.e, wp, tc.e), Y: y, Cache: &cache,
							Geo: ConvGeom{In: []int{tc.h, tc.w}, Kernel: []int{3, 3}, Out: []int{oh, ow},
								Stride: []int{tc.s, tc.s}, Dilation: []int{1, 1}, PadBegin: []int{tc.pad, tc.pad}}}
						b.EpE = Epilogue{RowBias: be, Act: ActClip, Min: 0, Max: 6}
						b.EpD = Epilogue{RowBias: bd, Act: ActClip, Min: 0, Max: 6}
						b.EpP = Epilogue{RowBias: bp, Residual: z}
						if !b.Run() {
							t.Fatal("Run refused")
						}
						for i := range want {
							if d := math.Abs(float64(y[i] - want[i])); !(d <= 1e-3*math.Max(1, math.Abs(float64(want[i])))) {
								t.Fatalf("y[%d] = %v, want %v", i, y[i], want[i])
							}
						}
					})
				}
			}
		}
	}
}
