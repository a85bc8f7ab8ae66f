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
		for ci, cs := range []struct{ c, ih, iw, m, kh, kw, sh, sw, dh, dw, ph, pw, pb, pr int }{
			{3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
			{2, 7, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
			{5, 13, 11, 17, 3, 2, 1, 3, 2, 1, 2, 0, 1, 3},
			{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
			{16, 20, 21, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
			{7, 40, 60, 8, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},    // n > nc of small kernels
			{300, 6, 6, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    // k > kc
			{3, 30, 30, 300, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  // m > mc, split over m
			{4, 9, 10, 5, 3, 3, 1, 1, 1, 1, 0, 0, 2, 2},     // same width, pads at the end only
			{3, 6, 7, 4, 3, 3, 1, 1, 1, 1, 2, 2, 0, 0},      // same width, pads at the start only
			{40, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},     // k > kc not a multiple of kh*kw
			{2, 4, 1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},      // one-column image
			{3, 2, 3, 2, 5, 5, 1, 1, 1, 1, 3, 2, 3, 2},      // windows reach past the image
			{5, 17, 19, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},   // stride 2 (phase planes)
			{4, 23, 20, 9, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3},    // 7x7 stride 2 stem
			{3, 16, 18, 7, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},    // dilation 2
			{6, 12, 14, 20, 3, 3, 3, 2, 1, 1, 1, 0, 2, 1},   // strides 3x2, uneven pads
			{600, 4, 4, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   // k >> kc, m not a multiple of mr
			{2, 40, 40, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},    // many tiles
			{20, 8, 12, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    // 1x1 read in place, whole tiles
			{7, 10, 13, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    // 1x1 read in place, partial last tile
			{300, 16, 10, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, // 1x1, k > kc
			{40, 7, 7, 40, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    // 1x1 on a 7x7 map: rows split over threads, tail included
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
			if ci%2 == 1 { // lazy: packed on first use by whichever path runs
				pw = PackALazy(cs.m, k, w, k)
			}
			for _, th := range []int{1, 2, 3} {
				for mode := 0; mode < 3; mode++ { // unpacked, packed (direct when worth it), packed im2col
					convIndOff = mode == 2
					got := sgemmRandom(r, cs.m*n)
					if mode > 0 {
						ConvGemmPacked(th, pw, img, cs.c, g, got, ep)
					} else {
						ConvGemm(th, cs.m, w, img, cs.c, g, got, ep)
					}
					convIndOff = false
					for i := range got {
						if !sgemmClose(got[i], want[i]) {
							t.Fatalf("%s %+v threads=%d mode=%d: c[%d] = %v, want %v", kern.sgemm.name, cs, th, mode, i, got[i], want[i])
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

// TestConvIndKernels checks each indirect micro-kernel against
// convKernelIndRef on scattered, unaligned B rows, for every flag.
func TestConvIndKernels(t *testing.T) {
	for _, impl := range sgemmImpls {
		if impl.kernelInd == nil {
			continue
		}
		for _, k := range []int{1, 3, 4, 5, 17, 300} {
			for flags := 0; flags < 64; flags += 3 {
				mr, nr := impl.mr, impl.nr
				r := rand.New(rand.NewSource(int64(k*64 + flags)))
				a := sgemmRandom(r, k*mr+1)
				b := sgemmRandom(r, 4000+nr)
				offs := make([]int, k)
				for p := range offs {
					offs[p] = 4 * r.Intn(4000)
				}
				bias := sgemmRandom(r, mr)
				ldc := nr + 5
				buf := sgemmRandom(r, mr*ldc)
				want := append([]float32{}, buf...)
				cst := &sgemmConsts{lo: -0.25, hi: 2, sixth: 1.0 / 6, half: 0.5, one: 1, postScale: 0.5, postShift: -1}
				impl.kernelInd(k, &a[0], &b[0], &offs[0], &buf[0], ldc, flags, &bias[0], &cst.zero[0])
				convKernelIndRef(mr, nr, k, a, b, offs, want, ldc, flags, bias, cst)
				for i := range buf {
					if !sgemmClose(buf[i], want[i]) {
						t.Fatalf("%s k=%d flags=%d: c[%d] = %v, want %v", impl.name, k, flags, i, buf[i], want[i])
					}
				}
			}
		}
	}
}

// TestConvIndUsed pins which geometries take the direct path with the
// widest kernel, so TestConvGemm exercises it.
func TestConvIndUsed(t *testing.T) {
	impl := kern.sgemm
	if impl.kernelInd == nil {
		t.Skip("no direct-convolution kernel on this CPU")
	}
	g := ConvGeom{In: []int{56, 56}, Kernel: []int{3, 3}, Out: []int{56, 56}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	if !convIndWorth(impl, g) {
		t.Fatal("3x3 56x56 not direct")
	}
	g = ConvGeom{In: []int{20, 21}, Kernel: []int{3, 3}, Out: []int{20, 21}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	if !convIndWorth(impl, g) {
		t.Fatal("3x3 20x21 not direct")
	}
}

// BenchmarkConvIndVsIm2col times ConvGemmPacked on ResNet/PP-OCR shaped
// layers with the direct path and with packed im2col panels.
func BenchmarkConvIndVsIm2col(b *testing.B) {
	for _, cs := range []struct {
		name                 string
		c, h, w, m, k, s, pd int
	}{
		{"resnet_l1_64x56x56", 64, 56, 56, 64, 3, 1, 1},
		{"resnet_l4_512x7x7", 512, 7, 7, 512, 3, 1, 1},
		{"resnet_stem_7x7s2", 3, 224, 224, 64, 7, 2, 3},
		{"det_96to24_160x160", 96, 160, 160, 24, 3, 1, 1},
		{"s2_3x3_64x56x56", 64, 56, 56, 128, 3, 2, 1},
	} {
		oh := (cs.h+2*cs.pd-cs.k)/cs.s + 1
		ow := (cs.w+2*cs.pd-cs.k)/cs.s + 1
		g := ConvGeom{In: []int{cs.h, cs.w}, Kernel: []int{cs.k, cs.k}, Out: []int{oh, ow}, Stride: []int{cs.s, cs.s}, Dilation: []int{1, 1}, PadBegin: []int{cs.pd, cs.pd}}
		r := rand.New(rand.NewSource(1))
		kk := cs.c * cs.k * cs.k
		pw := PackA(cs.m, kk, sgemmRandom(r, cs.m*kk), kk)
		img := sgemmRandom(r, cs.c*cs.h*cs.w)
		out := make([]float32, cs.m*oh*ow)
		ep := &Epilogue{RowBias: sgemmRandom(r, cs.m), Act: ActRelu}
		flops := 2 * float64(cs.m*kk*oh*ow)
		for _, off := range []bool{false, true} {
			name := cs.name + "/direct"
			if off {
				name = cs.name + "/im2col"
			}
			b.Run(name, func(b *testing.B) {
				convIndOff = off
				defer func() { convIndOff = false }()
				for b.Loop() {
					ConvGemmPacked(1, pw, img, cs.c, g, out, ep)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
