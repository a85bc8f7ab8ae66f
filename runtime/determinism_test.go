package runtime_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// detRand fills a tensor of dt with reproducible values in [-1, 1) (ints
// in [-8, 8)).
func detRand(r *rand.Rand, dt tensor.DType, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(dt, shape...)
	for i := 0; i < t.Len(); i++ {
		if dt.IsFloat() {
			t.SetFloat64(i, r.Float64()*2-1)
		} else {
			t.SetInt64(i, int64(r.IntN(16)-8))
		}
	}
	return t
}

type detCase struct {
	name  string
	model *ir.Model
	in    map[string]*tensor.Tensor
	exact bool // integer model: bit-identical across thread counts too
}

func detCases() []detCase {
	r := rand.New(rand.NewPCG(1, 2))
	var cs []detCase

	conv := newB().in("x", tensor.Float32, 2, 8, 24, 24).
		init("w1", detRand(r, tensor.Float32, 16, 8, 3, 3)).
		init("b1", detRand(r, tensor.Float32, 16)).
		init("w2", detRand(r, tensor.Float32, 16, 4, 3, 3)).
		init("fc", detRand(r, tensor.Float32, 16*6*6, 10)).
		init("shape", tensor.From([]int{2}, []int64{2, -1})).
		node("Conv", []string{"x", "w1", "b1"}, []string{"c1"}, intsAttr("pads", 1, 1, 1, 1)).
		node("Relu", []string{"c1"}, []string{"r1"}).
		node("Conv", []string{"r1", "w2"}, []string{"c2"}, intsAttr("pads", 1, 1, 1, 1), intAttr("group", 4)).
		node("MaxPool", []string{"c2"}, []string{"p"}, intsAttr("kernel_shape", 4, 4), intsAttr("strides", 4, 4)).
		node("Reshape", []string{"p", "shape"}, []string{"f"}).
		node("MatMul", []string{"f", "fc"}, []string{"y"}).
		out("y").model(17)
	cs = append(cs, detCase{name: "conv", model: conv, in: map[string]*tensor.Tensor{"x": detRand(r, tensor.Float32, 2, 8, 24, 24)}})

	mm := newB().in("a", tensor.Float32, 67, 129).in("b", tensor.Float32, 129, 95).
		node("MatMul", []string{"a", "b"}, []string{"y"}).
		node("Gemm", []string{"y", "c"}, []string{"z"}, &ir.Attr{Name: "transB", Type: ir.AttrInt, I: 1}).
		init("c", detRand(r, tensor.Float32, 33, 95)).
		out("y", "z").model(17)
	cs = append(cs, detCase{name: "matmul", model: mm, in: map[string]*tensor.Tensor{
		"a": detRand(r, tensor.Float32, 67, 129), "b": detRand(r, tensor.Float32, 129, 95)}})

	red := newB().in("x", tensor.Float32, 7, 300, 5).
		init("ax", tensor.From([]int{1}, []int64{1})).
		node("ReduceSum", []string{"x", "ax"}, []string{"s"}).
		node("ReduceMean", []string{"x"}, []string{"m"}, intsAttr("axes", 0, 2)).
		node("ReduceL2", []string{"x"}, []string{"l2"}, intsAttr("axes", -1)).
		node("ReduceLogSumExp", []string{"x"}, []string{"lse"}, intsAttr("axes", 1)).
		out("s", "m", "l2", "lse").model(17)
	cs = append(cs, detCase{name: "reductions", model: red, in: map[string]*tensor.Tensor{"x": detRand(r, tensor.Float32, 7, 300, 5)}})

	sm := newB().in("x", tensor.Float32, 64, 1000).
		node("Softmax", []string{"x"}, []string{"y"}, intAttr("axis", -1)).
		node("LogSoftmax", []string{"x"}, []string{"z"}, intAttr("axis", 0)).
		out("y", "z").model(13)
	cs = append(cs, detCase{name: "softmax", model: sm, in: map[string]*tensor.Tensor{"x": detRand(r, tensor.Float32, 64, 1000)}})

	const H, I = 16, 12
	lstm := newB().in("x", tensor.Float32, 9, 3, I).
		init("W", detRand(r, tensor.Float32, 2, 4*H, I)).
		init("R", detRand(r, tensor.Float32, 2, 4*H, H)).
		init("B", detRand(r, tensor.Float32, 2, 8*H)).
		node("LSTM", []string{"x", "W", "R", "B"}, []string{"y", "yh", "yc"},
			intAttr("hidden_size", H), &ir.Attr{Name: "direction", Type: ir.AttrString, S: "bidirectional"}).
		out("y", "yh", "yc").model(14)
	cs = append(cs, detCase{name: "lstm", model: lstm, in: map[string]*tensor.Tensor{"x": detRand(r, tensor.Float32, 9, 3, I)}})

	ints := newB().in("a", tensor.Uint8, 45, 70).in("b", tensor.Int8, 70, 33).
		init("za", tensor.Scalar(uint8(3))).
		node("MatMulInteger", []string{"a", "b", "za"}, []string{"y"}).
		node("ReduceSum", []string{"y"}, []string{"s"}, intAttr("keepdims", 0)).
		node("Mul", []string{"y", "y"}, []string{"sq"}).
		out("y", "s", "sq").model(11)
	a := detRand(r, tensor.Uint8, 45, 70)
	cs = append(cs, detCase{name: "integer", exact: true, model: ints, in: map[string]*tensor.Tensor{"a": a, "b": detRand(r, tensor.Int8, 70, 33)}})
	return cs
}

func detRun(t *testing.T, s *runtime.Session, in map[string]*tensor.Tensor) map[string]*tensor.Tensor {
	t.Helper()
	out, err := s.Run(in)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out
}

func detSame(t *testing.T, what string, a, b map[string]*tensor.Tensor) {
	t.Helper()
	for k, x := range a {
		y := b[k]
		if x.DType() != y.DType() || !tensor.SameShape(x.Shape(), y.Shape()) || !reflect.DeepEqual(detBits(x), detBits(y)) {
			t.Errorf("%s: output %q differs", what, k)
		}
	}
}

// detBits returns t's data with floats as their bit patterns, so NaNs
// compare equal to themselves.
func detBits(t *tensor.Tensor) any {
	switch d := t.Data().(type) {
	case []float32:
		u := make([]uint32, len(d))
		for i, v := range d {
			u[i] = math.Float32bits(v)
		}
		return u
	case []float64:
		u := make([]uint64, len(d))
		for i, v := range d {
			u[i] = math.Float64bits(v)
		}
		return u
	}
	return t.Data()
}

// TestDeterminism: the same input gives bit-identical outputs across runs
// and sessions; across thread counts integer models stay bit-identical and
// float models agree within 1e-5 relative.
func TestDeterminism(t *testing.T) {
	for _, c := range detCases() {
		t.Run(c.name, func(t *testing.T) {
			var ref map[string]*tensor.Tensor
			for _, threads := range []int{1, 2, 4} {
				p, err := runtime.Compile(c.model, runtime.Options{Threads: threads})
				if err != nil {
					t.Fatalf("compile: %v", err)
				}
				s := p.NewSession()
				first := detRun(t, s, c.in)
				for i := 0; i < 2; i++ {
					detSame(t, "repeat run", first, detRun(t, s, c.in))
				}
				detSame(t, "second session", first, detRun(t, p.NewSession(), c.in))
				if ref == nil {
					ref = first
					continue
				}
				if c.exact {
					detSame(t, "threads", ref, first)
					continue
				}
				for k, x := range ref {
					a, b := tensor.ToFloat32(x), tensor.ToFloat32(first[k])
					for i := range a {
						if d := math.Abs(float64(a[i] - b[i])); d > 1e-5*math.Max(1, math.Abs(float64(a[i]))) {
							t.Fatalf("threads %d: output %q[%d] = %v, with 1 thread %v", threads, k, i, b[i], a[i])
						}
					}
				}
			}
		})
	}
}

// TestOutputsDoNotAliasPlan: outputs that are views of an initializer (or
// of an input) are copies, so a caller writing into them cannot corrupt the
// shared Plan or later runs.
func TestOutputsDoNotAliasPlan(t *testing.T) {
	w := tensor.From([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	then := &ir.Graph{Name: "then", Outputs: []*ir.ValueInfo{{Name: "tw"}}}
	then.AddInitializer("tw", tensor.From([]int{2}, []float32{7, 8}))
	els := &ir.Graph{Name: "else", Outputs: []*ir.ValueInfo{{Name: "ew"}}}
	els.AddInitializer("ew", tensor.From([]int{2}, []float32{9, 10}))
	m := newB().in("x", tensor.Float32, 2).in("c", tensor.Bool).
		init("w", w).
		init("shape", tensor.From([]int{1}, []int64{6})).
		node("Identity", []string{"w"}, []string{"id"}).
		node("Reshape", []string{"w", "shape"}, []string{"flat"}).
		node("Identity", []string{"x"}, []string{"xid"}).
		node("If", []string{"c"}, []string{"br"}, graphAttr("then_branch", then), graphAttr("else_branch", els)).
		out("id", "flat", "xid", "br", "w").model(17)
	for _, noOpt := range []bool{false, true} {
		p, err := runtime.Compile(m, runtime.Options{NoOptimize: noOpt})
		if err != nil {
			t.Fatal(err)
		}
		x := tensor.From([]int{2}, []float32{-1, -2})
		in := map[string]*tensor.Tensor{"x": x, "c": tensor.Scalar(true)}
		out := detRun(t, p.NewSession(), in)
		for k, o := range out {
			d := tensor.Data[float32](o)
			for i := range d {
				d[i] = 999
			}
			_ = k
		}
		if got := tensor.Data[float32](x); got[0] != -1 || got[1] != -2 {
			t.Errorf("noOpt=%v: writing an output changed the input: %v", noOpt, got)
		}
		again := detRun(t, p.NewSession(), in)
		wantF32(t, again["id"], []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
		wantF32(t, again["w"], []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
		wantF32(t, again["flat"], []int{6}, []float32{1, 2, 3, 4, 5, 6})
		wantF32(t, again["br"], []int{2}, []float32{7, 8})
		if got := tensor.Data[float32](w); got[0] != 1 {
			t.Errorf("noOpt=%v: the model's initializer changed: %v", noOpt, got)
		}
	}
}

// TestMaxMemoryInitializers: Compile refuses a model whose initializers
// alone exceed MaxMemory.
func TestMaxMemoryInitializers(t *testing.T) {
	m := newB().in("x", tensor.Float32, 1024).
		init("w", tensor.Zeros(tensor.Float32, 1024)).
		node("Add", []string{"x", "w"}, []string{"y"}).out("y").model(17)
	_, err := runtime.Compile(m, runtime.Options{MaxMemory: 1000})
	if !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
	if _, err := runtime.Compile(m, runtime.Options{MaxMemory: 1 << 20}); err != nil {
		t.Fatalf("under the cap: %v", err)
	}
}
