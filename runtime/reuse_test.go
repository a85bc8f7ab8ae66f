package runtime_test

import (
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// TestReusedBuffersHoldNoStaleData runs a conv net whose kernels write
// into recycled, uncleared arena buffers (3x3, 1x1, stride 2, grouped,
// depthwise, residual, transposed) on one input and then another, and
// checks the second result equals a fresh session's: no element of a
// reused buffer may survive from the previous run.
func TestReusedBuffersHoldNoStaleData(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	rt := func(shape ...int) *tensor.Tensor {
		x := tensor.Zeros(tensor.Float32, shape...)
		for i := range x.Float32s() {
			x.Float32s()[i] = float32(r.NormFloat64())
		}
		return x
	}
	m := newB().in("x", tensor.Float32, 1, 8, 13, 11).
		init("w1", rt(8, 8, 3, 3)).init("b1", rt(8)).
		init("w2", rt(16, 8, 1, 1)).
		init("w3", rt(16, 4, 3, 3)).
		init("w4", rt(16, 1, 3, 3)).
		init("w5", rt(16, 16, 3, 3)).
		init("w6", rt(16, 8, 2, 2)).
		node("Conv", []string{"x", "w1", "b1"}, []string{"c1"}, intsAttr("pads", 1, 1, 1, 1)).
		node("Relu", []string{"c1"}, []string{"r1"}).
		node("Conv", []string{"r1", "w2"}, []string{"c2"}).
		node("Conv", []string{"c2", "w3"}, []string{"c3"}, intsAttr("pads", 1, 1, 1, 1), intAttr("group", 4)).
		node("Conv", []string{"c3", "w4"}, []string{"c4"}, intsAttr("pads", 1, 1, 1, 1), intAttr("group", 16)).
		node("Conv", []string{"c4", "w5"}, []string{"c5"}, intsAttr("pads", 1, 1, 1, 1)).
		node("Add", []string{"c5", "c2"}, []string{"s5"}).
		node("Relu", []string{"s5"}, []string{"r5"}).
		node("Conv", []string{"r5", "w5"}, []string{"c6"}, intsAttr("pads", 1, 0, 1, 2), intsAttr("strides", 2, 2)).
		node("ConvTranspose", []string{"c6", "w6"}, []string{"c7"}, intsAttr("strides", 2, 2)).
		out("c7", "r5").model(13)
	for _, threads := range []int{1, 2} {
		p, err := runtime.Compile(m, runtime.Options{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		x1, x2 := rt(1, 8, 13, 11), rt(1, 8, 13, 11)
		for i := range x1.Float32s() {
			x1.Float32s()[i] *= 100 // stale values would stand out
		}
		s := p.NewSession()
		if _, err := s.Run(map[string]*tensor.Tensor{"x": x1}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Run(map[string]*tensor.Tensor{"x": x2})
		if err != nil {
			t.Fatal(err)
		}
		want, err := p.NewSession().Run(map[string]*tensor.Tensor{"x": x2})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"c7", "r5"} {
			g, w := got[name].Float32s(), want[name].Float32s()
			for i := range w {
				if g[i] != w[i] {
					t.Fatalf("threads %d: %s[%d] = %v after a previous run, %v fresh", threads, name, i, g[i], w[i])
				}
			}
		}
	}
}
