package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// r18sPoolRef is a plain max pooling of planes × ih × iw x, windows
// clipped to the input (-Inf when empty).
func r18sPoolRef(x []float32, planes, ih, iw int, p MaxPoolGeom) []float32 {
	oh, ow := p.Out[0], p.Out[1]
	y := make([]float32, planes*oh*ow)
	for pl := range planes {
		for oy := range oh {
			for ox := range ow {
				v := float32(math.Inf(-1))
				for ky := range p.Kernel[0] {
					iy := oy*p.Stride[0] - p.PadBegin[0] + ky
					for kx := range p.Kernel[1] {
						ix := ox*p.Stride[1] - p.PadBegin[1] + kx
						if iy >= 0 && iy < ih && ix >= 0 && ix < iw {
							v = max(v, x[(pl*ih+iy)*iw+ix])
						}
					}
				}
				y[(pl*oh+oy)*ow+ox] = v
			}
		}
	}
	return y
}

// TestR18sConvMaxPool checks the banded convolution + pool against the
// convolution then a plain pool, over geometries, epilogues, thread
// counts and band sizes (small bands exercise the kept rows).
func TestR18sConvMaxPool(t *testing.T) {
	if ciKerns == nil {
		old := ciKerns
		ciKerns = ciRefTable()
		defer func() { ciKerns = old }()
	}
	type pcase struct{ k, s, pad, ceil int }
	cases := []struct {
		c, h, w, m, k, s, pd int
		pools                []pcase
	}{
		{3, 40, 37, 64, 7, 2, 3, []pcase{{3, 2, 1, 0}, {3, 2, 1, 1}, {2, 2, 0, 0}, {3, 1, 1, 0}, {3, 3, 0, 1}}},
		{5, 17, 23, 128, 3, 1, 1, []pcase{{3, 2, 1, 0}, {5, 2, 2, 1}, {1, 1, 0, 0}}},
		{4, 9, 11, 48, 3, 2, 1, []pcase{{3, 2, 1, 0}, {2, 1, 0, 0}}},
		{2, 1, 5, 32, 1, 1, 0, []pcase{{3, 2, 1, 0}, {1, 2, 0, 1}}},
	}
	for _, cs := range cases {
		oh := (cs.h+2*cs.pd-cs.k)/cs.s + 1
		ow := (cs.w+2*cs.pd-cs.k)/cs.s + 1
		g := ConvGeom{In: []int{cs.h, cs.w}, Kernel: []int{cs.k, cs.k}, Out: []int{oh, ow}, Stride: []int{cs.s, cs.s}, Dilation: []int{1, 1}, PadBegin: []int{cs.pd, cs.pd}}
		r := rand.New(rand.NewSource(int64(cs.c*100 + cs.m)))
		kk := cs.c * cs.k * cs.k
		pw := PackA(cs.m, kk, sgemmRandom(r, cs.m*kk), kk)
		if pw.impl.kernelInd == nil {
			t.Skip("no direct-convolution kernels (the fused path declines)")
		}
		img := sgemmRandom(r, cs.c*cs.h*cs.w)
		img[7] = float32(math.NaN())
		bias := sgemmRandom(r, cs.m)
		for ei, ep := range []*Epilogue{nil, {RowBias: bias, Act: ActRelu}, {RowBias: bias, Act: ActClip, Min: -0.5, Max: 0.75}, {Act: ActRelu}} {
			conv := make([]float32, cs.m*oh*ow)
			ConvGemmPacked(1, pw, img, cs.c, g, conv, ep)
			for _, pc := range cs.pools {
				var p MaxPoolGeom
				for d, in := range []int{oh, ow} {
					span := in + 2*pc.pad - pc.k
					if span < 0 {
						continue
					}
					o := span/pc.s + 1
					if pc.ceil != 0 {
						o = (span+pc.s-1)/pc.s + 1
						if (o-1)*pc.s >= in+pc.pad {
							o--
						}
					}
					p.Kernel[d], p.Stride[d], p.PadBegin[d], p.Out[d] = pc.k, pc.s, pc.pad, o
				}
				if p.Out[0] == 0 || p.Out[1] == 0 {
					continue
				}
				want := r18sPoolRef(conv, cs.m, oh, ow, p)
				for _, band := range []int{1, 5000, 384 << 10} {
					for _, th := range []int{1, 2, 3} {
						for _, cl := range []bool{true, false} {
							name := fmt.Sprintf("c%d_%dx%d_m%d_k%ds%d/ep%d/pool%v/band%d/th%d/cl%v", cs.c, cs.h, cs.w, cs.m, cs.k, cs.s, ei, pc, band, th, cl)
							t.Run(name, func(t *testing.T) {
								old, oldCl := r18sBandBytes, r18sChannelsLast
								r18sBandBytes, r18sChannelsLast = band, cl
								defer func() { r18sBandBytes, r18sChannelsLast = old, oldCl }()
								y := make([]float32, len(want))
								for i := range y {
									y[i] = 12345
								}
								if !ConvMaxPoolPacked(th, pw, img, cs.c, g, ep, p, y) {
									t.Fatal("ConvMaxPoolPacked declined")
								}
								for i := range y {
									if !(y[i] == want[i] || math.IsNaN(float64(y[i])) && math.IsNaN(float64(want[i]))) {
										t.Fatalf("y[%d] = %v, want %v", i, y[i], want[i])
									}
								}
							})
						}
					}
				}
			}
		}
	}
}

// TestR18sConvMaxPoolDeclines checks the cases the fused path leaves to
// the caller: a residual, an epilogue the tiles cannot run, 16 channels.
func TestR18sConvMaxPoolDeclines(t *testing.T) {
	g := ConvGeom{In: []int{8, 8}, Kernel: []int{3, 3}, Out: []int{8, 8}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	p := MaxPoolGeom{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}, Out: [2]int{4, 4}}
	r := rand.New(rand.NewSource(1))
	img := sgemmRandom(r, 2*64)
	for _, cs := range []struct {
		m  int
		ep *Epilogue
	}{
		{64, &Epilogue{Residual: make([]float32, 64*64)}},
		{64, &Epilogue{Act: ActSigmoid}},
		{16, nil},
	} {
		pw := PackA(cs.m, 18, sgemmRandom(r, cs.m*18), 18)
		y := make([]float32, cs.m*16)
		if ConvMaxPoolPacked(1, pw, img, 2, g, cs.ep, p, y) {
			t.Errorf("m=%d ep=%+v: fused path taken", cs.m, cs.ep)
		}
	}
}
