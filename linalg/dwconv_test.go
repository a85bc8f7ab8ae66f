package linalg

import (
	"fmt"
	"math/rand"
	"testing"
)

// dwconvRef is DepthwiseConv2D's definition with a bounds test per tap.
func dwconvRef(dst, src, w []float32, bias float32, g ConvGeom) {
	for oy := 0; oy < g.Out[0]; oy++ {
		for ox := 0; ox < g.Out[1]; ox++ {
			s := float64(bias)
			for ky := 0; ky < g.Kernel[0]; ky++ {
				for kx := 0; kx < g.Kernel[1]; kx++ {
					iy := oy*g.Stride[0] - g.PadBegin[0] + ky*g.Dilation[0]
					ix := ox*g.Stride[1] - g.PadBegin[1] + kx*g.Dilation[1]
					if iy >= 0 && iy < g.In[0] && ix >= 0 && ix < g.In[1] {
						s += float64(w[ky*g.Kernel[1]+kx]) * float64(src[iy*g.In[1]+ix])
					}
				}
			}
			dst[oy*g.Out[1]+ox] = float32(s)
		}
	}
}

func TestAxpy(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, impl := range axpyImpls {
		for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 56, 100} {
			x := sgemmRandom(r, n+1)
			y := sgemmRandom(r, n+2)
			want := append([]float32{}, y...)
			impl.fn(1.5, x, y[:n])
			for i := 0; i < n; i++ {
				want[i] += 1.5 * x[i]
			}
			for i := range y {
				if !sgemmClose(y[i], want[i]) {
					t.Fatalf("%s n=%d: y[%d] = %v, want %v", impl.name, n, i, y[i], want[i])
				}
			}
		}
	}
}

func TestDepthwiseConv2D(t *testing.T) {
	dwkEachImpl(t, dwTestConv)
}

// dwkEachImpl runs f once per depthwise implementation this CPU offers,
// with that implementation active.
func dwkEachImpl(t *testing.T, f func(t *testing.T)) {
	saved := dwk
	defer func() { dwk = saved }()
	for _, impl := range dwkImpls {
		dwk = impl
		t.Run(impl.name, f)
	}
}

func dwTestConv(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, c := range []struct{ ih, iw, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr int }{
		{5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
		{1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{6, 17, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},
		{8, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},
		{8, 11, 3, 2, 1, 3, 1, 1, 0, 4, 1, 0},
		{4, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
		{3, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0},
		{2, 3, 3, 3, 1, 1, 1, 1, 5, 5, 5, 5}, // padding wider than the image
		{56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{112, 112, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1}, // MobileNetV2's stride-2 layers
		{9, 10, 3, 3, 3, 2, 1, 1, 1, 1, 1, 1},
		{7, 9, 3, 3, 3, 3, 2, 1, 2, 1, 0, 2},
		{33, 200, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3},
		{1, 300, 1, 5, 1, 1, 1, 1, 0, 2, 0, 2},
	} {
		oh := (c.ih+c.pt+c.pb-(c.kh-1)*c.dh-1)/c.sh + 1
		ow := (c.iw+c.pl+c.pr-(c.kw-1)*c.dw-1)/c.sw + 1
		g := ConvGeom{In: []int{c.ih, c.iw}, Kernel: []int{c.kh, c.kw}, Out: []int{oh, ow},
			Stride: []int{c.sh, c.sw}, Dilation: []int{c.dh, c.dw}, PadBegin: []int{c.pt, c.pl}}
		src := sgemmRandom(r, c.ih*c.iw)
		w := sgemmRandom(r, c.kh*c.kw)
		got := sgemmRandom(r, oh*ow+3)
		want := append([]float32{}, got...)
		DepthwiseConv2D(got, src, w, 0.5, g)
		dwconvRef(want, src, w, 0.5, g)
		for i := range got {
			if !sgemmClose(got[i], want[i]) {
				t.Fatalf("%+v: dst[%d] = %v, want %v", c, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkDepthwiseConv2D(b *testing.B) {
	g := ConvGeom{In: []int{56, 56}, Kernel: []int{3, 3}, Out: []int{56, 56}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	src, w, dst := make([]float32, 56*56), make([]float32, 9), make([]float32, 56*56)
	b.Run(fmt.Sprint("56x56_3x3"), func(b *testing.B) {
		for b.Loop() {
			DepthwiseConv2D(dst, src, w, 0, g)
		}
		b.ReportMetric(float64(2*9*56*56)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
