package runtime_test

import (
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// r18sConvPoolModel is ResNet's stem in small: Conv 7x7/2 (+ Relu when
// relu) then MaxPool, which the runtime fuses into qinfer.ConvMaxPool.
func r18sConvPoolModel(relu bool, pool ...*ir.Attr) zaCase {
	b := newB().in("x", tensor.Float32, 2, 3, 30, 27)
	b.init("w", zaRandF32(40, 64, 3, 7, 7)).init("bias", zaRandF32(41, 64)).
		node("Conv", []string{"x", "w", "bias"}, []string{"c"}, intsAttr("pads", 3, 3, 3, 3), intsAttr("strides", 2, 2))
	r := "c"
	if relu {
		b.node("Relu", []string{"c"}, []string{"r"})
		r = "r"
	}
	b.node("MaxPool", []string{r}, []string{"y"}, pool...).out("y")
	return zaCase{"convpool", b.model(13), map[string]*tensor.Tensor{"x": zaRandF32(42, 2, 3, 30, 27)}}
}

// TestR18sConvMaxPool checks the fused convolution + pool against the
// unoptimized graph at 1 and 2 threads, that the fusion happened, and
// that a steady-state run allocates only its output.
func TestR18sConvMaxPool(t *testing.T) {
	cases := map[string]zaCase{
		"stem":      r18sConvPoolModel(true, intsAttr("kernel_shape", 3, 3), intsAttr("strides", 2, 2), intsAttr("pads", 1, 1, 1, 1)),
		"ceil2x2":   r18sConvPoolModel(false, intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2), intAttr("ceil_mode", 1)),
		"same3x3s1": r18sConvPoolModel(true, intsAttr("kernel_shape", 3, 3), &ir.Attr{Name: "auto_pad", Type: ir.AttrString, S: "SAME_UPPER"}),
	}
	for name, c := range cases {
		ref, err := runtime.Compile(c.m, runtime.Options{Threads: 1, NoOptimize: true})
		if err != nil {
			t.Fatal(err)
		}
		want, err := ref.NewSession().Run(c.feed)
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range []int{1, 2} {
			p, err := runtime.Compile(c.m, runtime.Options{Threads: th})
			if err != nil {
				t.Fatal(err)
			}
			if ns := p.Nodes(); len(ns) != 1 || ns[0].OpType != "ConvMaxPool" || ns[0].Kind != runtime.KindFloat {
				t.Fatalf("%s: plan %v, want one float ConvMaxPool", name, ns)
			}
			s := p.NewSession()
			got, err := s.Run(c.feed)
			if err != nil {
				t.Fatalf("%s/%d threads: %v", name, th, err)
			}
			w, g := want["y"].Float32s(), got["y"].Float32s()
			if !tensor.SameShape(want["y"].Shape(), got["y"].Shape()) {
				t.Fatalf("%s/%d threads: shape %v, want %v", name, th, got["y"].Shape(), want["y"].Shape())
			}
			for i := range w {
				if math.Abs(float64(w[i]-g[i])) > 1e-5*(1+math.Abs(float64(w[i]))) {
					t.Fatalf("%s/%d threads: y[%d] = %v, want %v", name, th, i, g[i], w[i])
				}
			}
			if testing.Short() {
				continue
			}
			got2 := zaThreadedAllocs(func() {
				if _, err := s.Run(c.feed); err != nil {
					t.Fatal(err)
				}
			})
			if limit := zaOutputAllocs(len(p.Outputs)); got2 > limit {
				t.Errorf("%s/%d threads: steady-state Run: %v allocations, want at most %v", name, th, got2, limit)
			}
		}
	}
}
