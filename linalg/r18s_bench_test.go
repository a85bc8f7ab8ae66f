//go:build linux && !purego

package linalg

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"
)

// BenchmarkR18sStem times ResNet-18's stem convolution with its pool,
// fused (ConvMaxPoolPacked) and apart, at several k-block sizes.
func BenchmarkR18sStem(b *testing.B) {
	const c, h, m = 3, 224, 64
	g := ConvGeom{In: []int{h, h}, Kernel: []int{7, 7}, Out: []int{112, 112}, Stride: []int{2, 2}, Dilation: []int{1, 1}, PadBegin: []int{3, 3}}
	p := MaxPoolGeom{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, PadBegin: [2]int{1, 1}, Out: [2]int{56, 56}}
	r := rand.New(rand.NewSource(1))
	kk := c * 49
	pw := PackA(m, kk, sgemmRandom(r, m*kk), kk)
	img := sgemmRandom(r, c*h*h)
	conv := make([]float32, m*112*112)
	y := make([]float32, m*56*56)
	ep := &Epilogue{RowBias: sgemmRandom(r, m), Act: ActRelu}
	flops := 2 * float64(m*kk*112*112)
	for _, kc := range []int{1, 0} {
		for _, fused := range []bool{true, false} {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("cl=%d/fused=%v/threads=%d", kc, fused, th), func(b *testing.B) {
					old := r18sChannelsLast
					r18sChannelsLast = kc == 1
					defer func() { r18sChannelsLast = old }()
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					t0 := ciThreadCPU()
					for b.Loop() {
						if fused {
							ConvMaxPoolPacked(th, pw, img, c, g, ep, p, y)
						} else {
							ConvGemmPacked(th, pw, img, c, g, conv, ep)
						}
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					if th == 1 {
						b.ReportMetric(flops*float64(b.N)/(ciThreadCPU()-t0)/1e9, "cpuGFLOP/s")
					}
				})
			}
		}
	}
}

// BenchmarkR18sS2 times ResNet-18's stride-2 convolutions on padded
// planes and its downsampling as one long row (s2), and both on phase
// planes.
func BenchmarkR18sS2(b *testing.B) {
	for _, cs := range []struct {
		name           string
		c, h, m, k, pd int
	}{
		{"l2_3x3", 64, 56, 128, 3, 1}, {"l3_3x3", 128, 28, 256, 3, 1}, {"l4_3x3", 256, 14, 512, 3, 1},
		{"l2_1x1", 64, 56, 128, 1, 0}, {"l3_1x1", 128, 28, 256, 1, 0}, {"l4_1x1", 256, 14, 512, 1, 0},
	} {
		oh := (cs.h+2*cs.pd-cs.k)/2 + 1
		g := ConvGeom{In: []int{cs.h, cs.h}, Kernel: []int{cs.k, cs.k}, Out: []int{oh, oh}, Stride: []int{2, 2}, Dilation: []int{1, 1}, PadBegin: []int{cs.pd, cs.pd}}
		r := rand.New(rand.NewSource(1))
		kk := cs.c * cs.k * cs.k
		pw := PackA(cs.m, kk, sgemmRandom(r, cs.m*kk), kk)
		img := sgemmRandom(r, cs.c*cs.h*cs.h)
		out := make([]float32, cs.m*oh*oh)
		ep := &Epilogue{RowBias: sgemmRandom(r, cs.m), Act: ActRelu}
		flops := 2 * float64(cs.m*kk*oh*oh)
		for _, off := range []bool{false, true} {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/s2=%v/threads=%d", cs.name, !off, th), func(b *testing.B) {
					r18sS2Off, r18sDsOff = off, off
					defer func() { r18sS2Off, r18sDsOff = false, false }()
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					t0 := ciThreadCPU()
					for b.Loop() {
						ConvGemmPacked(th, pw, img, cs.c, g, out, ep)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					if th == 1 {
						b.ReportMetric(flops*float64(b.N)/(ciThreadCPU()-t0)/1e9, "cpuGFLOP/s")
					}
				})
			}
		}
	}
}
