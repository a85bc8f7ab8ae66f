package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// dwkGeoms lists plane geometries on odd sizes: widths 1..257, strides 1
// and 2, pads 0..2, kernels 3 and 5, some dilated or asymmetric.
func dwkGeoms() []ConvGeom {
	var gs []ConvGeom
	add := func(ih, iw, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr int) {
		oh := (ih+pt+pb-(kh-1)*dh-1)/sh + 1
		ow := (iw+pl+pr-(kw-1)*dw-1)/sw + 1
		if oh <= 0 || ow <= 0 {
			return
		}
		gs = append(gs, ConvGeom{In: []int{ih, iw}, Kernel: []int{kh, kw}, Out: []int{oh, ow},
			Stride: []int{sh, sw}, Dilation: []int{dh, dw}, PadBegin: []int{pt, pl}})
	}
	for _, w := range []int{1, 3, 7, 17, 63, 65, 257} {
		for _, k := range []int{3, 5} {
			for _, s := range []int{1, 2} {
				for pad := 0; pad <= 2; pad++ {
					add(5, w, k, k, s, s, 1, 1, pad, pad, pad, pad)
				}
			}
		}
	}
	add(9, 17, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)
	add(8, 31, 3, 5, 2, 3, 1, 2, 0, 1, 2, 0)
	add(3, 3, 3, 3, 1, 1, 1, 1, 4, 4, 4, 4)
	add(20, 21, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0)
	// Several bands: rows shared between bands, padding rows at both ends.
	add(70, 90, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)
	add(61, 130, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)
	add(40, 150, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)
	add(57, 101, 5, 5, 2, 2, 1, 1, 2, 1, 3, 2)
	add(45, 300, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1)
	add(300, 9, 3, 3, 1, 2, 1, 1, 1, 0, 1, 0)
	return gs
}

func TestDepthwiseClamp(t *testing.T) {
	dwkEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(3))
		inf := float32(math.Inf(1))
		for _, g := range dwkGeoms() {
			for _, c := range [][2]float32{{-inf, inf}, {0, inf}, {0, 6}, {-0.5, 0.25}} {
				src := sgemmRandom(r, g.In[0]*g.In[1])
				w := sgemmRandom(r, g.Kernel[0]*g.Kernel[1])
				on := g.Out[0] * g.Out[1]
				got := sgemmRandom(r, on+5)
				want := append([]float32{}, got...)
				DepthwiseConv2DClamp(got, src, w, 0.75, g, c[0], c[1])
				dwconvRef(want, src, w, 0.75, g)
				for i := range want[:on] {
					want[i] = min(max(want[i], c[0]), c[1])
				}
				for i := range got {
					if !sgemmClose(got[i], want[i]) {
						t.Fatalf("%+v clamp %v: dst[%d] = %v, want %v", g, c, i, got[i], want[i])
					}
				}
			}
		}
	})
}

// NaN and infinities in the input propagate like the definition's sum
// (zero padding adds nothing, so finite weights keep padding harmless).
func TestDepthwiseSpecial(t *testing.T) {
	dwkEachImpl(t, func(t *testing.T) {
		g := ConvGeom{In: []int{4, 19}, Kernel: []int{3, 3}, Out: []int{4, 19}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
		src := make([]float32, 4*19)
		src[5] = float32(math.NaN())
		src[30] = float32(math.Inf(1))
		src[60] = float32(math.Inf(-1))
		w := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
		got := make([]float32, 4*19)
		want := make([]float32, 4*19)
		DepthwiseConv2DClamp(got, src, w, 0, g, 0, float32(math.Inf(1)))
		dwconvRef(want, src, w, 0, g)
		for i := range want {
			want[i] = float32(math.Max(float64(want[i]), 0))
			if math.IsNaN(float64(src[5])) && i == 5 { // keep NaN: max(NaN, 0) is NaN in Go
				want[i] = float32(math.NaN())
			}
		}
		for i := range got {
			if !sgemmClose(got[i], want[i]) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
				t.Fatalf("dst[%d] = %v, want %v", i, got[i], want[i])
			}
		}
	})
}

// dwkQRef is DepthwiseConv2DQ's definition in int32 with the reference
// requantization.
func dwkQRef[TX, TY QInt](dst []TY, src []TX, xZ int32, w []int32, bias int32, mult float32, yZ int32, g ConvGeom) {
	lo, hi := QRange[TY]()
	for oy := 0; oy < g.Out[0]; oy++ {
		for ox := 0; ox < g.Out[1]; ox++ {
			s := bias
			for ky := 0; ky < g.Kernel[0]; ky++ {
				for kx := 0; kx < g.Kernel[1]; kx++ {
					iy := oy*g.Stride[0] - g.PadBegin[0] + ky*g.Dilation[0]
					ix := ox*g.Stride[1] - g.PadBegin[1] + kx*g.Dilation[1]
					if iy >= 0 && iy < g.In[0] && ix >= 0 && ix < g.In[1] {
						s += w[ky*g.Kernel[1]+kx] * (int32(src[iy*g.In[1]+ix]) - xZ)
					}
				}
			}
			f := float32(s) * mult
			v := int32(math.RoundToEven(float64(f))) + yZ
			dst[oy*g.Out[1]+ox] = TY(min(max(v, lo), hi))
		}
	}
}

func TestDepthwiseQ(t *testing.T) {
	dwkEachImpl(t, func(t *testing.T) {
		t.Run("u8u8", dwkTestQ[uint8, uint8])
		t.Run("u8i8", dwkTestQ[uint8, int8])
		t.Run("i8u8", dwkTestQ[int8, uint8])
		t.Run("i8i8", dwkTestQ[int8, int8])
	})
}

func dwkTestQ[TX, TY QInt](t *testing.T) {
	r := rand.New(rand.NewSource(5))
	xlo, xhi := QRange[TX]()
	for gi, g := range dwkGeoms() {
		kk := g.Kernel[0] * g.Kernel[1]
		src := make([]TX, g.In[0]*g.In[1])
		edge := gi%3 == 0 // extreme values: largest sums
		for i := range src {
			if edge {
				src[i] = TX(xhi)
				if i%2 == 1 {
					src[i] = TX(xlo)
				}
			} else {
				src[i] = TX(xlo + r.Int31n(xhi-xlo+1))
			}
		}
		w := make([]int32, kk)
		for i := range w {
			w[i] = r.Int31n(511) - 255
			if edge {
				w[i] = 255 * (1 - 2*int32(i%2))
			}
		}
		xZ := xlo + r.Int31n(xhi-xlo+1)
		if edge {
			xZ = xlo
		}
		ylo, yhi := QRange[TY]()
		yZ := ylo + r.Int31n(yhi-ylo+1)
		bias := r.Int31n(20001) - 10000
		for _, mult := range []float32{0, 1.0 / 4096, 0.0123, 0.5, 3} {
			on := g.Out[0] * g.Out[1]
			got := make([]TY, on+3)
			want := make([]TY, on+3)
			for i := range got {
				got[i], want[i] = TY(i), TY(i)
			}
			if !DepthwiseConv2DQ(got, src, xZ, w, bias, mult, yZ, g) {
				t.Fatalf("%+v: refused", g)
			}
			dwkQRef(want, src, xZ, w, bias, mult, yZ, g)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%+v mult %v xZ %d yZ %d: dst[%d] = %v, want %v", g, mult, xZ, yZ, i, got[i], want[i])
				}
			}
		}
	}
	g := ConvGeom{In: []int{20, 20}, Kernel: []int{17, 17}, Out: []int{4, 4}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{0, 0}}
	if DepthwiseConv2DQ(make([]TY, 16), make([]TX, 400), 0, make([]int32, 289), 0, 1, 0, g) {
		t.Fatal("289 taps accepted")
	}
	if DepthwiseConv2DQ(make([]TY, 16), make([]TX, 400), 0, make([]int32, 289), 0, float32(math.NaN()), 0, g) {
		t.Fatal("NaN multiplier accepted")
	}
}

// Every kernel against its generic twin on odd lengths.
func TestDepthwiseKernels(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	inf := float32(math.Inf(1))
	for _, impl := range dwkImpls[1:] {
		for _, n := range []int{1, 3, 7, 17, 63, 65, 257} {
			// even
			src := sgemmRandom(r, 2*n+1)
			for _, ln := range []int{2*n - 1, 2 * n, 2*n + 1} {
				got, want := make([]float32, n), make([]float32, n)
				impl.even(got, src[:ln])
				dwkEvenGeneric(want, src[:ln])
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%s even n=%d len=%d: [%d] = %v, want %v", impl.name, n, ln, i, got[i], want[i])
					}
				}
			}
			// loadQ
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.Intn(256))
			}
			b[0], b[n-1] = 0x80, 0x7f
			for _, signed := range []bool{false, true} {
				for _, zp := range []int32{0, -128, 127, 255} {
					got, want := make([]float32, n), make([]float32, n)
					impl.loadQ(got, b, zp, signed)
					dwkLoadQGeneric(want, b, zp, signed)
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("%s loadQ n=%d signed=%v zp=%d: [%d] = %v, want %v", impl.name, n, signed, zp, i, got[i], want[i])
						}
					}
				}
			}
			// requant: sums up to ±2²⁴, ties, saturation both ways.
			v := make([]float32, n)
			for i := range v {
				v[i] = float32(r.Int31n(1<<25) - 1<<24)
				if i%3 == 0 {
					v[i] = float32(r.Int31n(41) - 20)
				}
			}
			for _, signed := range []bool{false, true} {
				lo, hi := int32(0), int32(255)
				if signed {
					lo, hi = -128, 127
				}
				for _, c := range []struct {
					bias int32
					mult float32
					zp   int32
				}{{0, 0.5, 3}, {-1 << 30, 1e-9, 0}, {7, 1.0 / 65536, 100}, {0, 0, 0}, {1 << 20, 3.5e-5, -5}} {
					zp := min(max(c.zp, lo), hi)
					got, want := make([]byte, n), make([]byte, n)
					impl.requant(got, v, c.bias, c.mult, float32(lo-zp), float32(hi-zp), zp, signed)
					dwkRequantGeneric(want, v, c.bias, c.mult, float32(lo-zp), float32(hi-zp), zp, signed)
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("%s requant n=%d %+v signed=%v: [%d] = %d, want %d (v %v)", impl.name, n, c, signed, i, got[i], want[i], v[i])
						}
					}
				}
			}
			// conv: len(v) a multiple of dwkBlock, several taps.
			nv := (n + dwkBlock - 1) / dwkBlock * dwkBlock
			offs := []int{0, 1, 5, 17, n}
			ws := sgemmRandom(r, len(offs))
			buf := sgemmRandom(r, nv+17+n)
			for _, a := range []dwkAct{{lo: -1, hi: 1.5}, {lo: -inf, hi: inf, hs: true}, {lo: 0, hi: 2, hs: true}} {
				got, want := make([]float32, nv), make([]float32, nv)
				impl.conv(got, buf, offs, ws, 0.25, a)
				dwkConvGeneric(want, buf, offs, ws, 0.25, a)
				for i := range got {
					if !sgemmClose(got[i], want[i]) {
						t.Fatalf("%s conv n=%d %+v: [%d] = %v, want %v", impl.name, n, a, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// The whole-plane row forms against the generic row loops.
func TestDepthwiseRows(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	for _, impl := range dwkImpls[1:] {
		for _, n := range []int{1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 65, 257} {
			for _, rows := range []int{1, 3} {
				ss, ds := n+5, n/2+3
				src := sgemmRandom(r, (rows-1)*ss+n)
				// copy
				got := sgemmRandom(r, (rows-1)*(n+2)+n+4)
				want := append([]float32{}, got...)
				impl.doCopyRows(got, n+2, src, ss, rows, n)
				dwkGeneric.doCopyRows(want, n+2, src, ss, rows, n)
				dwkSameF(t, impl.name+" copyRows", n, got, want)
				// split
				gA, gB := sgemmRandom(r, rows*ds+4), sgemmRandom(r, rows*ds+4)
				wA, wB := append([]float32{}, gA...), append([]float32{}, gB...)
				impl.doSplitRows(gA, gB, ds, src, ss, rows, n)
				dwkGeneric.doSplitRows(wA, wB, ds, src, ss, rows, n)
				dwkSameF(t, impl.name+" splitRows A", n, gA, wA)
				dwkSameF(t, impl.name+" splitRows B", n, gB, wB)
				// requant
				v := make([]float32, (rows-1)*ss+n)
				for i := range v {
					v[i] = float32(r.Int31n(2001) - 1000)
				}
				for _, signed := range []bool{false, true} {
					lo, hi, zp := int32(0), int32(255), int32(17)
					if signed {
						lo, hi, zp = -128, 127, -3
					}
					gq := make([]byte, (rows-1)*(n+1)+n+3)
					wq := append([]byte{}, gq...)
					impl.doRequantRows(gq, n+1, v, ss, rows, n, 9, 0.37, float32(lo-zp), float32(hi-zp), zp, signed)
					dwkGeneric.doRequantRows(wq, n+1, v, ss, rows, n, 9, 0.37, float32(lo-zp), float32(hi-zp), zp, signed)
					for i := range gq {
						if gq[i] != wq[i] {
							t.Fatalf("%s requantRows n=%d signed=%v: [%d] = %d, want %d", impl.name, n, signed, i, gq[i], wq[i])
						}
					}
				}
			}
		}
	}
}

func dwkSameF(t *testing.T, what string, n int, got, want []float32) {
	t.Helper()
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s n=%d: [%d] = %v, want %v", what, n, i, got[i], want[i])
		}
	}
}

func BenchmarkDepthwise(b *testing.B) {
	for _, c := range []struct{ in, k, s, p int }{{112, 3, 2, 1}, {56, 3, 1, 1}, {28, 3, 1, 1}, {14, 3, 1, 1}, {7, 3, 1, 1}, {80, 5, 1, 2}, {40, 5, 2, 2}} {
		out := (c.in+2*c.p-c.k)/c.s + 1
		g := ConvGeom{In: []int{c.in, c.in}, Kernel: []int{c.k, c.k}, Out: []int{out, out}, Stride: []int{c.s, c.s}, Dilation: []int{1, 1}, PadBegin: []int{c.p, c.p}}
		src, w, dst := make([]float32, c.in*c.in), make([]float32, c.k*c.k), make([]float32, out*out)
		flops := float64(2 * c.k * c.k * out * out)
		for _, impl := range dwkImpls {
			saved := dwk
			dwk = impl
			b.Run(fmt.Sprintf("f32_%dx%d_k%d_s%d_%s", c.in, c.in, c.k, c.s, impl.name), func(b *testing.B) {
				for b.Loop() {
					DepthwiseConv2DClamp(dst, src, w, 0, g, 0, 6)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			qs, qw, qd := make([]uint8, c.in*c.in), make([]int32, c.k*c.k), make([]uint8, out*out)
			b.Run(fmt.Sprintf("u8_%dx%d_k%d_s%d_%s", c.in, c.in, c.k, c.s, impl.name), func(b *testing.B) {
				for b.Loop() {
					DepthwiseConv2DQ(qd, qs, 3, qw, 5, 0.01, 7, g)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
			})
			dwk = saved
		}
	}
}

// dwkLegacy is the previous DepthwiseConv2D (axpy per tap along output
// rows), kept to measure against in the same time window.
func dwkLegacy(dst, src, w []float32, bias float32, g ConvGeom) {
	ih, iw := g.In[0], g.In[1]
	oh, ow := g.Out[0], g.Out[1]
	kh, kw := g.Kernel[0], g.Kernel[1]
	sh, sw := g.Stride[0], g.Stride[1]
	dh, dw := g.Dilation[0], g.Dilation[1]
	ph, pw := g.PadBegin[0], g.PadBegin[1]
	rng := make([][2]int, kw)
	for kx := range rng {
		off := kx*dw - pw
		lo := 0
		if off < 0 {
			lo = (-off + sw - 1) / sw
		}
		hi := 0
		if iw-1-off >= 0 {
			hi = (iw-1-off)/sw + 1
		}
		rng[kx] = [2]int{min(lo, ow), min(max(hi, 0), ow)}
	}
	for oy := 0; oy < oh; oy++ {
		row := dst[oy*ow : (oy+1)*ow]
		for i := range row {
			row[i] = bias
		}
		for ky := 0; ky < kh; ky++ {
			iy := oy*sh - ph + ky*dh
			if iy < 0 || iy >= ih {
				continue
			}
			srow := src[iy*iw : (iy+1)*iw]
			for kx := 0; kx < kw; kx++ {
				lo, hi := rng[kx][0], rng[kx][1]
				if lo >= hi {
					continue
				}
				wv := w[ky*kw+kx]
				off := kx*dw - pw
				if sw == 1 {
					kern.axpy(wv, srow[lo+off:hi+off], row[lo:hi])
					continue
				}
				x := lo*sw + off
				for ox := lo; ox < hi; ox++ {
					row[ox] += wv * srow[x]
					x += sw
				}
			}
		}
	}
}

// MobileNetV2's depthwise layers (all channels, one thread), new kernel
// against dwkLegacy.
func BenchmarkDepthwiseMobileNet(b *testing.B) {
	for _, c := range []struct{ ch, in, s int }{{32, 112, 1}, {96, 112, 2}, {8, 112, 2}, {16, 320, 1}, {32, 320, 2}, {144, 56, 1}, {144, 56, 2}, {192, 28, 1}, {384, 14, 1}, {576, 14, 2}, {960, 7, 1}} {
		out := (c.in+2-3)/c.s + 1
		g := ConvGeom{In: []int{c.in, c.in}, Kernel: []int{3, 3}, Out: []int{out, out}, Stride: []int{c.s, c.s}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
		r := rand.New(rand.NewSource(1))
		in, on := c.in*c.in, out*out
		src, w, dst := sgemmRandom(r, c.ch*in), sgemmRandom(r, 9*c.ch), make([]float32, c.ch*on)
		flops := float64(2 * 9 * on * c.ch)
		for _, name := range []string{"legacy", "new"} {
			b.Run(fmt.Sprintf("%dx%dx%d_s%d_%s", c.ch, c.in, c.in, c.s, name), func(b *testing.B) {
				for b.Loop() {
					if name == "new" {
						DepthwiseConv2DPlanes(dst, src, w, c.ch, g, &Epilogue{Act: ActClip, Max: 6})
						continue
					}
					for j := 0; j < c.ch; j++ {
						dwkLegacy(dst[j*on:(j+1)*on], src[j*in:(j+1)*in], w[j*9:], 0, g)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// Planes runs every plane with its own weights, bias and multiplier.
func TestDepthwisePlanes(t *testing.T) {
	dwkEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(11))
		gs := dwkGeoms()
		for gi := 0; gi < len(gs); gi += 5 {
			g := gs[gi]
			const n = 3
			in, on, kk := g.In[0]*g.In[1], g.Out[0]*g.Out[1], g.Kernel[0]*g.Kernel[1]
			src, w, bias := sgemmRandom(r, n*in), sgemmRandom(r, n*kk), sgemmRandom(r, n)
			for _, b := range [][]float32{bias, nil} {
				got, want := make([]float32, n*on), make([]float32, n*on)
				DepthwiseConv2DPlanes(got, src, w, n, g, &Epilogue{RowBias: b, Act: ActClip, Min: -1, Max: 2})
				for c := 0; c < n; c++ {
					var bv float32
					if b != nil {
						bv = b[c]
					}
					DepthwiseConv2DClamp(want[c*on:], src[c*in:(c+1)*in], w[c*kk:], bv, g, -1, 2)
				}
				dwkSameF(t, fmt.Sprintf("planes %+v", g), n, got, want)
			}
			qs := make([]uint8, n*in)
			for i := range qs {
				qs[i] = uint8(r.Intn(256))
			}
			qw, qb := make([]int32, n*kk), []int32{5, -7, 100000}
			for i := range qw {
				qw[i] = r.Int31n(511) - 255
			}
			mult := []float32{0.001, 0.02, 0.0003}
			got, want := make([]int8, n*on), make([]int8, n*on)
			if !DepthwiseConv2DQPlanes(got, qs, 9, qw, qb, mult, -3, n, g) {
				t.Fatal("refused")
			}
			for c := 0; c < n; c++ {
				dwkQRef(want[c*on:], qs[c*in:(c+1)*in], 9, qw[c*kk:], qb[c], mult[c], -3, g)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("qplanes %+v: [%d] = %d, want %d", g, i, got[i], want[i])
				}
			}
		}
	})
}

// The conv kernel alone on a 56×56 3×3 layout (in L1).
func BenchmarkDepthwiseKernelConv(b *testing.B) {
	offs := []int{0, 1, 2, 58, 59, 60, 116, 117, 118}
	ws := make([]float32, 9)
	v := make([]float32, 56*58/64*64+64)
	buf := make([]float32, len(v)+200)
	for _, impl := range dwkImpls {
		b.Run(impl.name, func(b *testing.B) {
			for b.Loop() {
				impl.conv(v, buf, offs, ws, 0, dwkAct{lo: 0, hi: 6})
			}
			b.ReportMetric(float64(18*len(v))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// Every activation of DepthwiseConv2DPlanes against the reference plus
// the SGEMM epilogue (HardSwish: within rounding of x/6 vs x·(1/6)).
func TestDepthwiseActivations(t *testing.T) {
	dwkEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(13))
		gs := dwkGeoms()
		for _, act := range []Activation{ActNone, ActRelu, ActClip, ActLeakyRelu, ActHardSwish, ActSigmoid} {
			for gi := act % 3; int(gi) < len(gs); gi += 3 {
				g := gs[gi]
				const n = 2
				in, on, kk := g.In[0]*g.In[1], g.Out[0]*g.Out[1], g.Kernel[0]*g.Kernel[1]
				src, w := sgemmRandom(r, n*in), sgemmRandom(r, n*kk)
				for variant := 0; variant < 3; variant++ {
					// 0: plain, 1: with Post, 2: with a residual and Post.
					ep := &Epilogue{RowBias: []float32{0.5, -1.25}, Act: act, Min: -0.75, Max: 1.5, Alpha: 0.1}
					if variant > 0 {
						ep.Post, ep.PostScale, ep.PostShift = true, 1.5, -0.25
					}
					if variant > 1 {
						ep.Residual = sgemmRandom(r, n*on)
					}
					got, want := make([]float32, n*on), make([]float32, n*on)
					DepthwiseConv2DPlanes(got, src, w, n, g, ep)
					for c := 0; c < n; c++ {
						dwconvRef(want[c*on:], src[c*in:(c+1)*in], w[c*kk:(c+1)*kk], ep.RowBias[c], g)
					}
					if ep.Residual != nil {
						dwkAdd(want, ep.Residual)
					}
					(&Epilogue{Act: act, Min: ep.Min, Max: ep.Max, Alpha: ep.Alpha, Post: ep.Post, PostScale: ep.PostScale, PostShift: ep.PostShift}).apply(want, on, 0, 0, n, on)
					for i := range got {
						if !sgemmClose(got[i], want[i]) {
							t.Fatalf("act %d variant %d %+v: [%d] = %v, want %v", act, variant, g, i, got[i], want[i])
						}
					}
				}
			}
		}
	})
}
