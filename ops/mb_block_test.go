package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// mbCase is one inverted residual block geometry.
type mbCase struct {
	n, c, h, w, e, m int
	k, stride, dil   int
	sw               int // column stride when not stride
	pads             []int64
	expand, residual bool
	act              string // of the expansion and the depthwise conv
}

// mbMake returns a block node and its inputs.
func mbMake(tc mbCase, seed uint64) (*ir.Node, []*tensor.Tensor) {
	rng := rand.New(rand.NewPCG(seed, 9))
	rnd := func(shape ...int) *tensor.Tensor {
		t := tensor.Zeros(tensor.Float32, shape...)
		for i := range t.Float32s() {
			t.Float32s()[i] = rng.Float32()*2 - 1
		}
		t.Freeze()
		return t
	}
	act := func(prefix string) []*ir.Attr {
		switch tc.act {
		case "Clip":
			return []*ir.Attr{{Name: prefix + "activation", Type: ir.AttrString, S: "Clip"},
				{Name: prefix + "activation_params", Type: ir.AttrFloats, Floats: []float32{0, 6}}}
		case "":
			return nil
		case "LeakyRelu":
			return []*ir.Attr{{Name: prefix + "activation", Type: ir.AttrString, S: "LeakyRelu"},
				{Name: prefix + "activation_params", Type: ir.AttrFloats, Floats: []float32{0.1}}}
		}
		return []*ir.Attr{{Name: prefix + "activation", Type: ir.AttrString, S: tc.act}, {Name: prefix + "activation_params", Type: ir.AttrFloats}}
	}
	sw := tc.stride
	if tc.sw != 0 {
		sw = tc.sw
	}
	pads := tc.pads
	if pads == nil {
		p := int64((tc.k - 1) * tc.dil / 2)
		pads = []int64{p, p, p, p}
	}
	n := &ir.Node{Name: "block", OpType: "InvertedResidual", Domain: "qinfer", Outputs: []string{"y"}}
	n.Attrs = append(n.Attrs,
		&ir.Attr{Name: "dw.group", Type: ir.AttrInt, I: int64(tc.e)},
		&ir.Attr{Name: "dw.pads", Type: ir.AttrInts, Ints: pads},
		&ir.Attr{Name: "dw.strides", Type: ir.AttrInts, Ints: []int64{int64(tc.stride), int64(sw)}},
		&ir.Attr{Name: "dw.dilations", Type: ir.AttrInts, Ints: []int64{int64(tc.dil), int64(tc.dil)}},
		&ir.Attr{Name: "dw.kernel_shape", Type: ir.AttrInts, Ints: []int64{int64(tc.k), int64(tc.k)}})
	n.Attrs = append(n.Attrs, act("dw.")...)
	in := make([]*tensor.Tensor, 7)
	in[0] = rnd(tc.n, tc.c, tc.h, tc.w)
	n.Inputs = []string{"x", "", "", "wd", "bd", "wp", "bp"}
	if tc.expand {
		n.Inputs[1], n.Inputs[2] = "we", "be"
		in[1], in[2] = rnd(tc.e, tc.c, 1, 1), rnd(tc.e)
		n.Attrs = append(n.Attrs, act("expand.")...)
	}
	in[3], in[4] = rnd(tc.e, 1, tc.k, tc.k), rnd(tc.e)
	in[5], in[6] = rnd(tc.m, tc.e, 1, 1), rnd(tc.m)
	if tc.residual {
		oh := (tc.h+int(pads[0]+pads[2])-(tc.k-1)*tc.dil-1)/tc.stride + 1
		ow := (tc.w+int(pads[1]+pads[3])-(tc.k-1)*tc.dil-1)/sw + 1
		n.Inputs = append(n.Inputs, "z")
		in = append(in, rnd(tc.n, tc.m, oh, ow))
	}
	return n, in
}

// mbRun runs the block kernel with threads, banded unless unfused.
func mbRun(t testing.TB, n *ir.Node, in []*tensor.Tensor, threads int, unfused bool) *tensor.Tensor {
	t.Helper()
	k, err := mbNewBlock(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	mbNoBand, mbAlwaysBand = unfused, !unfused
	defer func() { mbNoBand, mbAlwaysBand = false, false }()
	out, err := k.Run(&Context{Node: n, Opset: 1, Threads: threads}, in)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

var mbCases = []mbCase{
	{n: 1, c: 16, h: 112, w: 112, e: 96, m: 24, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
	{n: 1, c: 24, h: 56, w: 56, e: 144, m: 24, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
	{n: 1, c: 32, h: 112, w: 112, e: 32, m: 16, k: 3, stride: 1, dil: 1, act: "Clip"},
	{n: 1, c: 160, h: 7, w: 7, e: 960, m: 160, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
	{n: 2, c: 3, h: 17, w: 13, e: 7, m: 5, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "HardSwish"},
	{n: 1, c: 5, h: 65, w: 63, e: 17, m: 3, k: 5, stride: 2, dil: 1, expand: true, act: "Relu"},
	{n: 1, c: 7, h: 257, w: 7, e: 65, m: 9, k: 3, stride: 1, dil: 2, expand: true, act: "Sigmoid"},
	{n: 1, c: 1, h: 1, w: 1, e: 3, m: 1, k: 3, stride: 1, dil: 1, expand: true, act: ""},
	{n: 1, c: 3, h: 9, w: 11, e: 3, m: 7, k: 3, stride: 2, dil: 1, pads: []int64{0, 2, 2, 0}, act: "LeakyRelu"},
	{n: 1, c: 4, h: 8, w: 8, e: 6, m: 2, k: 3, stride: 3, dil: 1, pads: []int64{2, 2, 4, 4}, expand: true, act: "Clip"},
	{n: 1, c: 2, h: 5, w: 5, e: 4, m: 3, k: 1, stride: 1, dil: 1, expand: true, act: "Clip"},
	{n: 1, c: 9, h: 12, w: 33, e: 9, m: 11, k: 5, stride: 2, sw: 1, dil: 1, residual: true, act: "HardSwish"},
	{n: 1, c: 6, h: 7, w: 40, e: 10, m: 6, k: 3, stride: 1, sw: 2, dil: 1, expand: true, act: "HardSwish"},
	// Small maps, split over expansion channels (mbtRun).
	{n: 2, c: 96, h: 14, w: 14, e: 576, m: 160, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
	{n: 1, c: 32, h: 28, w: 28, e: 192, m: 32, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
	{n: 1, c: 5, h: 3, w: 5, e: 96, m: 32, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Relu"},
	{n: 1, c: 17, h: 9, w: 7, e: 160, m: 96, k: 5, stride: 1, dil: 1, expand: true, residual: true, act: ""},
	{n: 1, c: 8, h: 1, w: 1, e: 64, m: 32, k: 3, stride: 1, dil: 1, expand: true, act: "Clip"},
}

// TestMBBlock compares the banded block with the three convolutions run
// one by one.
func TestMBBlock(t *testing.T) {
	for i, tc := range mbCases {
		n, in := mbMake(tc, uint64(i))
		want := mbRun(t, n, in, 1, true)
		k, err := mbNewBlock(n, 1)
		if err != nil {
			t.Fatal(err)
		}
		mbAlwaysBand = true
		_, ok, err := k.(*mbBlock).banded(&Context{Node: n, Opset: 1, Threads: 1}, in)
		mbAlwaysBand = false
		if !ok || err != nil {
			t.Errorf("case %d: banded path not taken (%v)", i, err)
		}
		for _, th := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%d/%+v/t%d", i, tc, th), func(t *testing.T) {
				got := mbRun(t, n, in, th, false)
				if !tensor.SameShape(got.Shape(), want.Shape()) {
					t.Fatalf("shape %v, want %v", got.Shape(), want.Shape())
				}
				g, w := got.Float32s(), want.Float32s()
				for j := range w {
					if d := math.Abs(float64(g[j] - w[j])); !(d <= 1e-4*math.Max(1, math.Abs(float64(w[j])))) {
						t.Fatalf("y[%d] = %v, want %v", j, g[j], w[j])
					}
				}
			})
		}
	}
}

// TestMBBlockErrors checks that bad operands are errors, not panics.
func TestMBBlockErrors(t *testing.T) {
	n, in := mbMake(mbCases[4], 1)
	k, err := mbNewBlock(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &Context{Node: n, Opset: 1, Threads: 1}
	if _, err := k.Run(ctx, in[:5]); err == nil {
		t.Error("5 inputs: no error")
	}
	bad := append([]*tensor.Tensor{}, in...)
	bad[5] = tensor.Zeros(tensor.Float32, 5, 6, 1, 1) // wrong channel count
	if _, err := k.Run(ctx, bad); err == nil {
		t.Error("projection weights of the wrong shape: no error")
	}
	bad = append([]*tensor.Tensor{}, in...)
	bad[0] = tensor.Zeros(tensor.Float32, 2, 3, 17)
	if _, err := k.Run(ctx, bad); err == nil {
		t.Error("rank-3 X: no error")
	}
}

// BenchmarkMBBlock times MobileNetV2's blocks banded and unfused.
func BenchmarkMBBlock(b *testing.B) {
	blocks := []mbCase{
		{n: 1, c: 32, h: 112, w: 112, e: 32, m: 16, k: 3, stride: 1, dil: 1, act: "Clip"},
		{n: 1, c: 16, h: 112, w: 112, e: 96, m: 24, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 24, h: 56, w: 56, e: 144, m: 24, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 24, h: 56, w: 56, e: 144, m: 32, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 32, h: 28, w: 28, e: 192, m: 32, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 32, h: 28, w: 28, e: 192, m: 64, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 64, h: 14, w: 14, e: 384, m: 64, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 96, h: 14, w: 14, e: 576, m: 96, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 96, h: 14, w: 14, e: 576, m: 160, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 160, h: 7, w: 7, e: 960, m: 160, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 160, h: 7, w: 7, e: 960, m: 320, k: 3, stride: 1, dil: 1, expand: true, act: "Clip"},
		// PP-OCRv4 rec (48x320 input): depthwise → pointwise, HardSwish.
		{n: 1, c: 32, h: 24, w: 160, e: 32, m: 64, k: 3, stride: 1, dil: 1, act: "HardSwish"},
		{n: 1, c: 128, h: 12, w: 160, e: 128, m: 240, k: 3, stride: 1, sw: 2, dil: 1, act: "HardSwish"},
		{n: 1, c: 240, h: 12, w: 80, e: 240, m: 240, k: 5, stride: 1, dil: 1, act: "HardSwish"},
		{n: 1, c: 480, h: 6, w: 80, e: 480, m: 480, k: 5, stride: 2, sw: 1, dil: 1, act: "HardSwish"},
	}
	for _, tc := range blocks {
		n, in := mbMake(tc, 1)
		for _, th := range []int{1, 2} {
			for _, unfused := range []bool{true, false} {
				name := fmt.Sprintf("c%d_h%dw%d_e%d_m%d_k%d_s%d%d/t%d/banded", tc.c, tc.h, tc.w, tc.e, tc.m, tc.k, tc.stride, tc.sw, th)
				if unfused {
					name = name[:len(name)-len("banded")] + "unfused"
				}
				b.Run(name, func(b *testing.B) {
					k, err := mbNewBlock(n, 1)
					if err != nil {
						b.Fatal(err)
					}
					ctx := &Context{Node: n, Opset: 1, Threads: th, Arena: NewArena()}
					mbNoBand, mbAlwaysBand = unfused, !unfused
					defer func() { mbNoBand, mbAlwaysBand = false, false }()
					c0 := mbCPUTime()
					for b.Loop() {
						if _, err := k.Run(ctx, in); err != nil {
							b.Fatal(err)
						}
					}
					// CPU time is steadier than wall time on a shared machine.
					b.ReportMetric(float64(mbCPUTime()-c0)/float64(b.N), "cpu-ns/op")
				})
			}
		}
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
