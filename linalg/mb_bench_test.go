package linalg_test

import (
	"fmt"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/tensor"
	"syscall"
	"testing"
)

// mbLayers are MobileNetV2's 1x1 and depthwise 3x3 layers (224x224
// input): c input channels, h×w input plane, m outputs, group, stride.
var mbLayers = []struct{ c, h, m, group, stride int }{
	{32, 112, 32, 32, 1}, {32, 112, 16, 1, 1},
	{16, 112, 96, 1, 1}, {96, 112, 96, 96, 2}, {96, 56, 24, 1, 1},
	{24, 56, 144, 1, 1}, {144, 56, 144, 144, 1}, {144, 56, 24, 1, 1},
	{144, 56, 144, 144, 2}, {144, 28, 32, 1, 1},
	{32, 28, 192, 1, 1}, {192, 28, 192, 192, 1}, {192, 28, 32, 1, 1},
	{192, 28, 192, 192, 2}, {192, 14, 64, 1, 1},
	{64, 14, 384, 1, 1}, {384, 14, 384, 384, 1}, {384, 14, 64, 1, 1}, {384, 14, 96, 1, 1},
	{96, 14, 576, 1, 1}, {576, 14, 576, 576, 1}, {576, 14, 96, 1, 1},
	{576, 14, 576, 576, 2}, {576, 7, 160, 1, 1},
	{160, 7, 960, 1, 1}, {960, 7, 960, 960, 1}, {960, 7, 160, 1, 1}, {960, 7, 320, 1, 1},
	{320, 7, 1280, 1, 1},
}

// BenchmarkMBLayers times each MobileNetV2 1x1 and depthwise layer
// through ops' Conv kernel.
func BenchmarkMBLayers(b *testing.B) {
	for _, l := range mbLayers {
		k := 1
		if l.group > 1 {
			k = 3
		}
		b.Run(fmt.Sprintf("c%d_h%d_m%d_g%d_s%d", l.c, l.h, l.m, l.group, l.stride), func(b *testing.B) {
			convBenchS(b, l.c, l.h, l.h, l.m, l.group, k, k, l.stride)
		})
	}
}

// convBenchS is convBench with a stride and a fused Clip(0, 6) (as
// MobileNetV2's FusedConv nodes run) for k > 1 or m > c.
func convBenchS(b *testing.B, c, h, w, m, group, kh, kw, stride int) {
	x := tensor.Zeros(tensor.Float32, 1, c, h, w)
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(i%11) * 0.1
	}
	wt := tensor.Zeros(tensor.Float32, m, c/group, kh, kw)
	for i := range wt.Float32s() {
		wt.Float32s()[i] = float32(i%7) * 0.01
	}
	wt.Freeze()
	bias := tensor.Zeros(tensor.Float32, m)
	attrs := []*ir.Attr{
		{Name: "pads", Type: ir.AttrInts, Ints: []int64{int64(kh / 2), int64(kw / 2), int64(kh / 2), int64(kw / 2)}},
		{Name: "group", Type: ir.AttrInt, I: int64(group)},
		{Name: "strides", Type: ir.AttrInts, Ints: []int64{int64(stride), int64(stride)}},
	}
	op, dom := "Conv", ""
	if kh > 1 || m > c {
		op, dom = "FusedConv", "qinfer"
		attrs = append(attrs, &ir.Attr{Name: "activation", Type: ir.AttrString, S: "Clip"},
			&ir.Attr{Name: "activation_params", Type: ir.AttrFloats, Floats: []float32{0, 6}})
	}
	n := &ir.Node{Name: "bench", OpType: op, Domain: dom, Inputs: []string{"x", "w", "b"}, Outputs: []string{"y"}, Attrs: attrs}
	f, err := ops.Lookup(dom, op, 11)
	if err != nil {
		b.Fatal(err)
	}
	k, err := f(n, 11)
	if err != nil {
		b.Fatal(err)
	}
	oh, ow := (h-1)/stride+1, (w-1)/stride+1
	flops := float64(2 * m * (c / group) * kh * kw * oh * ow)
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", th), func(b *testing.B) {
			ctx := &ops.Context{Node: n, Opset: 11, Threads: th}
			c0 := mbCPUTime()
			for b.Loop() {
				if _, err := k.Run(ctx, []*tensor.Tensor{x, wt, bias}); err != nil {
					b.Fatal(err)
				}
			}
			cpu := mbCPUTime() - c0
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			// CPU time is steadier than wall time on a shared machine.
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// mbCPUTime returns the process's user+system CPU time in ns.
func mbCPUTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkMB2FirstConv times MobileNetV2's first convolution (3x3,
// stride 2, 3 -> 32 channels at 224x224, Clip).
func BenchmarkMB2FirstConv(b *testing.B) {
	convBenchS(b, 3, 224, 224, 32, 1, 3, 3, 2)
}
