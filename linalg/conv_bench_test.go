package linalg_test

import (
	"fmt"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/tensor"
)

// convBench times ops' Conv kernel end to end (im2col/depthwise + SGEMM +
// bias) on x (1×c×h×w) and weights m×(c/group)×kh×kw with bias.
func convBench(b *testing.B, c, h, w, m, group, kh, kw int) {
	x := tensor.Zeros(tensor.Float32, 1, c, h, w)
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(i%11) * 0.1
	}
	wt := tensor.Zeros(tensor.Float32, m, c/group, kh, kw)
	for i := range wt.Float32s() {
		wt.Float32s()[i] = float32(i%7) * 0.01
	}
	wt.Freeze() // an initializer, as the runtime passes it
	bias := tensor.Zeros(tensor.Float32, m)
	n := &ir.Node{Name: "bench", OpType: "Conv", Inputs: []string{"x", "w", "b"}, Outputs: []string{"y"},
		Attrs: []*ir.Attr{
			{Name: "pads", Type: ir.AttrInts, Ints: []int64{int64(kh / 2), int64(kw / 2), int64(kh / 2), int64(kw / 2)}},
			{Name: "group", Type: ir.AttrInt, I: int64(group)},
		}}
	f, err := ops.Lookup("", "Conv", 11)
	if err != nil {
		b.Fatal(err)
	}
	k, err := f(n, 11)
	if err != nil {
		b.Fatal(err)
	}
	flops := float64(2 * m * (c / group) * kh * kw * h * w)
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("%s/threads=%d", linalg.SgemmKernelName(), th), func(b *testing.B) {
			ctx := &ops.Context{Node: n, Opset: 11, Threads: th}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Run(ctx, []*tensor.Tensor{x, wt, bias}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConvResNetLayer is a ResNet-18/34 stage-1 3x3 conv:
// X 1×64×56×56, W 64×64×3×3, pads 1.
func BenchmarkConvResNetLayer(b *testing.B) { convBench(b, 64, 56, 56, 64, 1, 3, 3) }

// BenchmarkConvDepthwise is a MobileNetV2-style depthwise 3x3 conv:
// X 1×144×56×56, W 144×1×3×3, group 144, pads 1.
func BenchmarkConvDepthwise(b *testing.B) { convBench(b, 144, 56, 56, 144, 144, 3, 3) }

// TestConvWeightCache runs one Conv kernel repeatedly and concurrently
// while its weight tensor's values change in place: the packed-weight
// cache must never serve stale weights.
func TestConvWeightCache(t *testing.T) {
	const c, h, w, m = 5, 9, 11, 12
	x := tensor.Zeros(tensor.Float32, 1, c, h, w)
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(i%13) * 0.25
	}
	wt := tensor.Zeros(tensor.Float32, m, c, 3, 3)
	n := &ir.Node{Name: "cache", OpType: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"y"},
		Attrs: []*ir.Attr{{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}}}
	f, err := ops.Lookup("", "Conv", 11)
	if err != nil {
		t.Fatal(err)
	}
	k, err := f(n, 11)
	if err != nil {
		t.Fatal(err)
	}
	g := linalg.ConvGeom{In: []int{h, w}, Kernel: []int{3, 3}, Out: []int{h, w}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	col := make([]float32, c*9*h*w)
	linalg.Im2col(col, x.Float32s(), c, g)
	for round := 0; round < 3; round++ {
		for i := range wt.Float32s() {
			wt.Float32s()[i] = float32((i+round)%7) - 3
		}
		want := make([]float32, m*h*w)
		linalg.Sgemm(false, false, m, h*w, c*9, 1, wt.Float32s(), c*9, col, h*w, 0, want, h*w)
		errs := make(chan error, 4)
		for gr := 0; gr < 4; gr++ {
			go func() {
				ctx := &ops.Context{Node: n, Opset: 11, Threads: 1 + gr%2}
				for rep := 0; rep < 3; rep++ {
					out, err := k.Run(ctx, []*tensor.Tensor{x, wt})
					if err != nil {
						errs <- err
						return
					}
					for i, v := range out[0].Float32s() {
						if d := v - want[i]; d > 1e-3 || d < -1e-3 {
							errs <- fmt.Errorf("round %d: y[%d] = %v, want %v", round, i, v, want[i])
							return
						}
					}
				}
				errs <- nil
			}()
		}
		for gr := 0; gr < 4; gr++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
}

// BenchmarkConvResNetLayer4 is a ResNet-18 stage-4 3x3 conv:
// X 1×512×7×7, W 512×512×3×3, pads 1.
func BenchmarkConvResNetLayer4(b *testing.B) { convBench(b, 512, 7, 7, 512, 1, 3, 3) }

// BenchmarkConvPointwiseSmallK is a MobileNetV2 1x1 expansion with a tiny
// reduction: X 1×16×112×112, W 96×16×1×1.
func BenchmarkConvPointwiseSmallK(b *testing.B) { convBench(b, 16, 112, 112, 96, 1, 1, 1) }
