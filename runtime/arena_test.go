package runtime_test

import (
	"testing"

	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// TestArenaReuseKeepsViewsAlive runs a chain where Transpose outputs come
// from the session arena and Reshape returns views of them: buffers must be
// recycled only after every view is dead, across repeated runs.
func TestArenaReuseKeepsViewsAlive(t *testing.T) {
	m := newB().in("x", tensor.Float32, 2, 3).out("y", "z").
		init("s6", tensor.From([]int{1}, []int64{6})).
		init("s23", tensor.From([]int{2}, []int64{3, 2})).
		node("Transpose", []string{"x"}, []string{"t1"}).                        // 3x2, arena
		node("Reshape", []string{"t1", "s6"}, []string{"v1"}).                   // view of t1
		node("Transpose", []string{"t1"}, []string{"t2"}).                       // 2x3, t1 dies here but v1 lives
		node("Concat", []string{"t2", "t2"}, []string{"c"}, intAttr("axis", 0)). // 4x3, arena; t2 dies
		node("Transpose", []string{"c"}, []string{"t3"}).                        // may reuse a dead buffer
		node("Reshape", []string{"v1", "s23"}, []string{"y"}).                   // still reads v1
		node("Identity", []string{"t3"}, []string{"z"}).model(13)
	p, err := runtime.Compile(m, runtime.Options{Threads: 1, NoOptimize: true})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	for run := 0; run < 4; run++ {
		x := tensor.From([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
		out, err := s.Run(map[string]*tensor.Tensor{"x": x})
		if err != nil {
			t.Fatal(err)
		}
		wantF32(t, out["y"], []int{3, 2}, []float32{1, 4, 2, 5, 3, 6})
		wantF32(t, out["z"], []int{3, 4}, []float32{1, 4, 1, 4, 2, 5, 2, 5, 3, 6, 3, 6})
		// Outputs belong to the caller: scribbling on them must not leak
		// into the next run.
		for i := range out["y"].Float32s() {
			out["y"].Float32s()[i] = -1
		}
		for i := range out["z"].Float32s() {
			out["z"].Float32s()[i] = -1
		}
	}
}
