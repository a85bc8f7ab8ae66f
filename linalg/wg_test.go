package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// wgRefConv is a float64 3x3 stride-1 convolution of img (c × ih × iw)
// with pads (pt, pl), output oh × ow, m channels, with the epilogue ep.
// scale[i] is Σ|w·x| + |bias| + |res| of output i, the magnitude the
// rounding error of any summation order is proportional to.
func wgRefConv(img, w []float32, c, ih, iw, m, oh, ow, pt, pl int, ep *Epilogue) (want, scale []float64) {
	hw := oh * ow
	want = make([]float64, m*hw)
	scale = make([]float64, m*hw)
	for o := 0; o < m; o++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				var s, a float64
				for ch := 0; ch < c; ch++ {
					for ky := range 3 {
						iy := y + ky - pt
						if iy < 0 || iy >= ih {
							continue
						}
						for kx := range 3 {
							ix := x + kx - pl
							if ix < 0 || ix >= iw {
								continue
							}
							p := float64(w[o*c*9+ch*9+ky*3+kx]) * float64(img[ch*ih*iw+iy*iw+ix])
							s += p
							a += math.Abs(p)
						}
					}
				}
				at := o*hw + y*ow + x
				if ep != nil && ep.RowBias != nil {
					s += float64(ep.RowBias[o])
					a += math.Abs(float64(ep.RowBias[o]))
				}
				if ep != nil && ep.Residual != nil {
					s += float64(ep.Residual[at])
					a += math.Abs(float64(ep.Residual[at]))
				}
				if ep != nil {
					switch ep.Act {
					case ActRelu:
						s = max(s, 0)
					case ActClip:
						s = min(max(s, float64(ep.Min)), float64(ep.Max))
					case ActLeakyRelu:
						if s < 0 {
							s *= float64(ep.Alpha)
						}
					}
					if ep.Post {
						s = s*float64(ep.PostScale) + float64(ep.PostShift)
						a *= math.Abs(float64(ep.PostScale))
					}
				}
				want[at], scale[at] = s, a
			}
		}
	}
	return want, scale
}

func wgRandom(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = r.Float32()*2 - 1
	}
	return x
}

// wgTol bounds |Winograd - exact| / Σ|w·x|. Direct float32 summation
// stays within about K·ε of it (K = 9·Cin) and in practice near √K·ε.
// F(4x4, 3x3) adds the growth of its transforms: their 1-D row sums
// reach 10 (Bᵀ), 19 (Aᵀ) and 1/2 (G, whose 1/6, 1/12 and 1/24 are
// inexact in binary), applied along both axes, so intermediate values
// (and their rounding errors) can exceed the result by two to three
// orders of magnitude when the 36 products cancel. The measured worst
// case over the shapes below is ~9e-6 (about 150ε, at Cin = 1 where
// nothing averages out); the bound leaves a factor ~4.
const wgTol = 4e-5

// TestWinogradVsDirect runs every Winograd implementation on odd shapes
// (ragged tiles, tiny and odd channel counts, both pads, every fused
// epilogue) against a float64 convolution, and checks the fast path's
// error stays within wgTol of the exact result.
func TestWinogradVsDirect(t *testing.T) {
	savedK, savedF := wgKern, wgForce
	defer func() { wgKern, wgForce = savedK, savedF }()
	wgForce = true
	r := rand.New(rand.NewSource(7))
	eps := []func(m, n int) *Epilogue{
		func(m, n int) *Epilogue { return nil },
		func(m, n int) *Epilogue { return &Epilogue{RowBias: wgRandom(r, m)} },
		func(m, n int) *Epilogue {
			return &Epilogue{RowBias: wgRandom(r, m), Residual: wgRandom(r, m*n), Act: ActRelu}
		},
		func(m, n int) *Epilogue {
			return &Epilogue{Residual: wgRandom(r, m*n), Act: ActClip, Min: -0.5, Max: 0.7}
		},
		func(m, n int) *Epilogue {
			return &Epilogue{RowBias: wgRandom(r, m), Act: ActLeakyRelu, Alpha: 0.1, Post: true, PostScale: 1.5, PostShift: -0.25}
		},
	}
	var worst float64
	for _, impl := range wgImpls {
		wgKern = impl
		ci := 0
		for _, c := range []int{1, 3, 17, 64} {
			for _, hw := range [][2]int{{7, 7}, {13, 17}, {17, 13}, {57, 9}, {4, 4}, {1, 5}, {57, 57}, {29, 61}} {
				if testing.Short() && hw[0]*hw[1] > 1000 {
					continue // several tile blocks: the full run only
				}
				for _, pad := range []int{0, 1} {
					ih, iw := hw[0], hw[1]
					oh, ow := ih+2*pad-2, iw+2*pad-2
					if oh < 1 || ow < 1 {
						continue
					}
					m := []int{16, 32, 48, 80}[ci%4]
					ci++
					n := oh * ow
					img := wgRandom(r, c*ih*iw)
					w := wgRandom(r, m*c*9)
					ep := eps[ci%len(eps)](m, n)
					want, scale := wgRefConv(img, w, c, ih, iw, m, oh, ow, pad, pad, ep)
					g := ConvGeom{In: []int{ih, iw}, Kernel: []int{3, 3}, Out: []int{oh, ow},
						Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{pad, pad}}
					for _, th := range []int{1, 2, 3} {
						pa := PackA(m, c*9, w, c*9)
						if th == 2 {
							pa = PackALazy(m, c*9, w, c*9)
						}
						got := wgRandom(r, m*n)
						ConvGemmPacked(th, pa, img, c, g, got, ep)
						for i, v := range got {
							e := math.Abs(float64(v)-want[i]) / max(scale[i], 1e-30)
							worst = max(worst, e)
							if e > wgTol || math.IsNaN(float64(v)) {
								t.Fatalf("%s c=%d %dx%d pad=%d m=%d threads=%d ep=%d: y[%d] = %v, want %v (scale %v)",
									impl.name, c, ih, iw, pad, m, th, ci%len(eps), i, v, want[i], scale[i])
							}
						}
					}
				}
			}
		}
	}
	t.Logf("worst |err|/Σ|w·x| = %.3g", worst)
}

// TestWinogradKernels compares each implementation's kernels with the
// generic twins on odd sizes and edge values.
func TestWinogradKernels(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	check := func(what string, got, want []float32) {
		t.Helper()
		for i := range want {
			if !wgSame(got[i], want[i]) {
				t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
			}
		}
	}
	for _, impl := range wgImpls[1:] {
		for _, n := range []int{16, 48, 272} {
			src := wgRandom(r, 15*(n+5)+n)
			want, got := wgRandom(r, 16*n+7), wgRandom(r, 16*n+7)
			copy(got[16*n:], want[16*n:])
			wgTinGeneric(src, n+5, want, n)
			impl.tin(src, n+5, got, n)
			check(fmt.Sprintf("%s tin n=%d", impl.name, n), got, want)
		}
		for _, sz := range [][2]int{{1, 1}, {5, 3}, {30, 17}, {40, 0}} { // padded width in chunks, image width
			n, iw := (sz[0]+15)/16, sz[1]
			const cstride = 200
			img := wgRandom(r, 16*cstride)
			masks, offs := make([]uint16, n), make([]int, n)
			for k := range n {
				offs[k] = 16*k - 1
				for l := range 16 {
					if ix := 16*k + l - 1; ix >= 0 && ix < iw {
						masks[k] |= 1 << l
					}
				}
			}
			want, got := wgRandom(r, 256*n), wgRandom(r, 256*n)
			wgTinPadGeneric(img, 7, cstride, want, n, masks, offs)
			impl.tinPad(img, 7, cstride, got, n, masks, offs)
			check(fmt.Sprintf("%s tinPad %v", impl.name, sz), got, want)
		}
		for _, ncb := range []int{1, 2, 5} {
			const pitch = 23
			cbS := 7*pitch*16 + 9
			q := wgRandom(r, ncb*cbS)
			q[5] = float32(math.NaN())
			q[len(q)-30] = float32(math.Inf(1))
			xiS := ncb*16 + 5
			want, got := wgRandom(r, 36*xiS), wgRandom(r, 36*xiS)
			copy(got, want)
			tmp := make([]float32, 40*16)
			wgInGeneric(q, cbS, pitch, ncb, want, xiS, tmp)
			impl.in(q, cbS, pitch, ncb, got, xiS, tmp)
			check(fmt.Sprintf("%s in ncb=%d", impl.name, ncb), got, want)
		}
		for _, k := range []int{0, 4, 16, 20, 64, 260} {
			lda := k + 3
			a, b := wgRandom(r, 8*lda), wgRandom(r, 32*k+1)
			want, got := wgRandom(r, 8*40), wgRandom(r, 8*40)
			copy(got, want)
			wgGemmGeneric(k, a, lda, b, want, 40)
			impl.gemm(k, a, lda, b, got, 40)
			for i := range want {
				if !sgemmClose(got[i], want[i]) {
					t.Fatalf("%s gemm k=%d: c[%d] = %v, want %v", impl.name, k, i, got[i], want[i])
				}
			}
		}
		for _, nv := range []int{1, 3, 4} {
			for _, withBias := range []bool{false, true} {
				xiS := nv*16 + 3
				m := wgRandom(r, 36*xiS)
				m[7] = float32(math.NaN())
				const pitch = 9
				cvS := 4*pitch*16 + 5
				var bias []float32
				if withBias {
					bias = wgRandom(r, nv*16)
				}
				want, got := wgRandom(r, nv*cvS), wgRandom(r, nv*cvS)
				copy(got, want)
				tmp := make([]float32, 40*16)
				wgOutGeneric(m, xiS, nv, want, cvS, pitch, bias, tmp)
				impl.out(m, xiS, nv, got, cvS, pitch, bias, tmp)
				check(fmt.Sprintf("%s out nv=%d bias=%v", impl.name, nv, withBias), got, want)
			}
		}
		for _, n := range []int{1, 7, 16, 17, 63} {
			for flags := 0; flags < 32; flags++ {
				const hw = 70
				src := wgRandom(r, (n+15)/16*256)
				src[3] = float32(math.NaN())
				res := wgRandom(r, 16*hw)
				ep := &Epilogue{Act: []Activation{ActNone, ActRelu, ActClip, ActLeakyRelu}[flags%4], Min: -0.3, Max: 0.4, Alpha: 0.2,
					Post: flags&16 != 0, PostScale: 0.5, PostShift: 0.125}
				if flags&4 != 0 {
					ep.Residual = res
				}
				var cst wgConsts
				wgSetConsts(&cst, ep)
				want := wgRandom(r, 16*hw)
				got := append([]float32(nil), want...)
				wgToutGeneric(src, n, want, hw, res, &cst)
				impl.tout(src, n, got, hw, res, &cst)
				check(fmt.Sprintf("%s tout n=%d flags=%d", impl.name, n, flags), got, want)
			}
		}
	}
}

// wgSame compares a kernel with its twin: the same operations in a
// possibly fused order (FMA), so within a few ulps of the magnitude.
func wgSame(got, want float32) bool {
	if math.IsNaN(float64(want)) || math.IsNaN(float64(got)) {
		return math.IsNaN(float64(want)) == math.IsNaN(float64(got))
	}
	if math.IsInf(float64(want), 0) || math.IsInf(float64(got), 0) {
		return got == want
	}
	return math.Abs(float64(got-want)) <= 1e-5*(1+math.Abs(float64(want)))
}

// BenchmarkWinograd compares the Winograd and direct paths on the 3x3
// layers of ResNet-18 and PP-OCR.
func BenchmarkWinograd(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, cs := range []struct{ c, h, w, m int }{
		{64, 56, 56, 64}, {128, 28, 28, 128}, {256, 14, 14, 256}, {512, 7, 7, 512},
		{32, 80, 80, 32}, {48, 40, 40, 48}, {96, 20, 20, 96}, {64, 160, 160, 64}, {16, 160, 160, 16},
	} {
		img := wgRandom(r, cs.c*cs.h*cs.w)
		w := wgRandom(r, cs.m*cs.c*9)
		pa := PackALazy(cs.m, cs.c*9, w, cs.c*9)
		g := ConvGeom{In: []int{cs.h, cs.w}, Kernel: []int{3, 3}, Out: []int{cs.h, cs.w},
			Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
		out := make([]float32, cs.m*cs.h*cs.w)
		ep := &Epilogue{RowBias: wgRandom(r, cs.m), Act: ActRelu}
		flops := float64(2 * cs.m * cs.c * 9 * cs.h * cs.w)
		for _, th := range []int{1, 2} {
			for _, mode := range []string{"direct", "winograd"} {
				b.Run(fmt.Sprintf("%dx%dx%d->%d/%s/t%d", cs.c, cs.h, cs.w, cs.m, mode, th), func(b *testing.B) {
					wgOff, wgForce = mode == "direct", mode == "winograd"
					defer func() { wgOff, wgForce = false, false }()
					if mode == "winograd" && (wgKern == nil || !wgUsable(cs.m, g, ep)) {
						b.Skip("no Winograd kernels")
					}
					b.ReportAllocs()
					for b.Loop() {
						ConvGemmPacked(th, pa, img, cs.c, g, out, ep)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
