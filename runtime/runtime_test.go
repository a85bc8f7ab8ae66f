package runtime_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// b is a tiny graph builder for tests.
type b struct{ g *ir.Graph }

func newB() *b { return &b{g: &ir.Graph{Name: "g"}} }

func (x *b) in(name string, dt tensor.DType, dims ...int64) *b {
	x.g.Inputs = append(x.g.Inputs, &ir.ValueInfo{Name: name, Type: ir.TensorType(dt, dims...)})
	return x
}

func (x *b) symIn(name string, dt tensor.DType, dims ...ir.Dim) *b {
	x.g.Inputs = append(x.g.Inputs, &ir.ValueInfo{Name: name, Type: &ir.Type{Kind: ir.KindTensor, Elem: dt, HasShape: true, Shape: dims}})
	return x
}

func (x *b) out(names ...string) *b {
	for _, n := range names {
		x.g.Outputs = append(x.g.Outputs, &ir.ValueInfo{Name: n})
	}
	return x
}

func (x *b) init(name string, t *tensor.Tensor) *b {
	x.g.AddInitializer(name, t)
	return x
}

func (x *b) node(op string, in, out []string, attrs ...*ir.Attr) *b {
	x.g.Nodes = append(x.g.Nodes, &ir.Node{Name: op + "_" + out[0], OpType: op, Inputs: in, Outputs: out, Attrs: attrs})
	return x
}

func (x *b) model(opset int64) *ir.Model {
	return &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": opset}, Graph: x.g}
}

func graphAttr(name string, g *ir.Graph) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrGraph, G: g}
}
func intAttr(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }
func intsAttr(name string, v ...int64) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v}
}

func run(t *testing.T, m *ir.Model, in map[string]*tensor.Tensor) map[string]*tensor.Tensor {
	t.Helper()
	p, err := runtime.Compile(m, runtime.Options{Threads: 2})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	out, err := p.NewSession().Run(in)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out
}

func wantF32(t *testing.T, got *tensor.Tensor, shape []int, want []float32) {
	t.Helper()
	if got == nil {
		t.Fatal("missing output")
	}
	if !tensor.SameShape(got.Shape(), shape) {
		t.Fatalf("shape %v, want %v", got.Shape(), shape)
	}
	g := tensor.ToFloat32(got)
	for i := range want {
		if math.Abs(float64(g[i]-want[i])) > 1e-5 {
			t.Fatalf("element %d: %v, want %v (all %v)", i, g[i], want[i], g)
		}
	}
}

func TestIfReadsOuterScope(t *testing.T) {
	then := &ir.Graph{Name: "then", Outputs: []*ir.ValueInfo{{Name: "t"}},
		Nodes: []*ir.Node{{Name: "add", OpType: "Add", Inputs: []string{"x", "w"}, Outputs: []string{"t"}}}}
	els := &ir.Graph{Name: "else", Outputs: []*ir.ValueInfo{{Name: "e"}},
		Nodes: []*ir.Node{{Name: "mul", OpType: "Mul", Inputs: []string{"x", "x"}, Outputs: []string{"e"}}}}
	m := newB().in("c", tensor.Bool).in("x", tensor.Float32, 3).out("y").
		init("w", tensor.From([]int{3}, []float32{10, 20, 30})).
		node("If", []string{"c"}, []string{"y"}, graphAttr("then_branch", then), graphAttr("else_branch", els)).model(13)
	x := tensor.From([]int{3}, []float32{1, 2, 3})
	wantF32(t, run(t, m, map[string]*tensor.Tensor{"c": tensor.Scalar(true), "x": x})["y"], []int{3}, []float32{11, 22, 33})
	wantF32(t, run(t, m, map[string]*tensor.Tensor{"c": tensor.Scalar(false), "x": x})["y"], []int{3}, []float32{1, 4, 9})
}

func TestLoopCarriedAndScanOutputs(t *testing.T) {
	// body(i, cond, acc) -> (cond, acc + step, acc + step) with "step" from the outer scope.
	body := &ir.Graph{Name: "body",
		Inputs:  []*ir.ValueInfo{{Name: "i", Type: ir.TensorType(tensor.Int64)}, {Name: "cin", Type: ir.TensorType(tensor.Bool)}, {Name: "acc"}},
		Outputs: []*ir.ValueInfo{{Name: "cout"}, {Name: "acc2"}, {Name: "scan"}},
		Nodes: []*ir.Node{
			{Name: "id", OpType: "Identity", Inputs: []string{"cin"}, Outputs: []string{"cout"}},
			{Name: "add", OpType: "Add", Inputs: []string{"acc", "step"}, Outputs: []string{"acc2"}},
			{Name: "id2", OpType: "Identity", Inputs: []string{"acc2"}, Outputs: []string{"scan"}},
		}}
	m := newB().in("step", tensor.Float32, 2).out("final", "all").
		init("M", tensor.Scalar(int64(4))).init("c0", tensor.Scalar(true)).init("a0", tensor.From([]int{2}, []float32{0, 0})).
		node("Loop", []string{"M", "c0", "a0"}, []string{"final", "all"}, graphAttr("body", body)).model(13)
	out := run(t, m, map[string]*tensor.Tensor{"step": tensor.From([]int{2}, []float32{1, 10})})
	wantF32(t, out["final"], []int{2}, []float32{4, 40})
	wantF32(t, out["all"], []int{4, 2}, []float32{1, 10, 2, 20, 3, 30, 4, 40})
}

func TestScanCumulativeSum(t *testing.T) {
	body := &ir.Graph{Name: "body",
		Inputs:  []*ir.ValueInfo{{Name: "s"}, {Name: "xi"}},
		Outputs: []*ir.ValueInfo{{Name: "s2"}, {Name: "y"}},
		Nodes: []*ir.Node{
			{Name: "add", OpType: "Add", Inputs: []string{"s", "xi"}, Outputs: []string{"s2"}},
			{Name: "id", OpType: "Identity", Inputs: []string{"s2"}, Outputs: []string{"y"}},
		}}
	m := newB().in("s0", tensor.Float32, 2).in("x", tensor.Float32, 3, 2).out("sum", "ys").
		node("Scan", []string{"s0", "x"}, []string{"sum", "ys"}, graphAttr("body", body), intAttr("num_scan_inputs", 1)).model(11)
	out := run(t, m, map[string]*tensor.Tensor{
		"s0": tensor.From([]int{2}, []float32{0, 0}),
		"x":  tensor.From([]int{3, 2}, []float32{1, 2, 3, 4, 5, 6}),
	})
	wantF32(t, out["sum"], []int{2}, []float32{9, 12})
	wantF32(t, out["ys"], []int{3, 2}, []float32{1, 2, 4, 6, 9, 12})
}

// TestDynamicReshapeChain is the Shape→Gather→Concat→Reshape pattern that
// exporters emit for a dynamic batch dim.
func TestDynamicReshapeChain(t *testing.T) {
	m := newB().symIn("x", tensor.Float32, ir.Dim{Param: "N"}, ir.Dim{Value: 4}).out("y").
		init("zero", tensor.Scalar(int64(0))).init("tail", tensor.From([]int{2}, []int64{2, 2})).
		node("Shape", []string{"x"}, []string{"s"}).
		node("Gather", []string{"s", "zero"}, []string{"n"}, intAttr("axis", 0)).
		node("Unsqueeze", []string{"n"}, []string{"n1"}, intsAttr("axes", 0)).
		node("Concat", []string{"n1", "tail"}, []string{"shape"}, intAttr("axis", 0)).
		node("Reshape", []string{"x", "shape"}, []string{"y"}).model(11)
	for _, n := range []int{1, 3} {
		data := make([]float32, n*4)
		for i := range data {
			data[i] = float32(i)
		}
		wantF32(t, run(t, m, map[string]*tensor.Tensor{"x": tensor.From([]int{n, 4}, data)})["y"], []int{n, 2, 2}, data)
	}
}

func TestSharedInitializerThroughIdentity(t *testing.T) {
	m := newB().in("x", tensor.Float32, 1, 2).out("a", "b").
		init("w", tensor.From([]int{2, 2}, []float32{1, 2, 3, 4})).
		node("Identity", []string{"w"}, []string{"w2"}).
		node("MatMul", []string{"x", "w"}, []string{"a"}).
		node("MatMul", []string{"x", "w2"}, []string{"b"}).model(13)
	out := run(t, m, map[string]*tensor.Tensor{"x": tensor.From([]int{1, 2}, []float32{1, 1})})
	wantF32(t, out["a"], []int{1, 2}, []float32{4, 6})
	wantF32(t, out["b"], []int{1, 2}, []float32{4, 6})
}

func TestInputErrors(t *testing.T) {
	m := newB().in("x", tensor.Float32, 2, 3).out("y").node("Relu", []string{"x"}, []string{"y"}).model(13)
	p, err := runtime.Compile(m, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]map[string]*tensor.Tensor{
		"missing":     {},
		"extra":       {"x": tensor.Zeros(tensor.Float32, 2, 3), "z": tensor.Zeros(tensor.Float32, 1)},
		"wrong dtype": {"x": tensor.Zeros(tensor.Int32, 2, 3)},
		"wrong shape": {"x": tensor.Zeros(tensor.Float32, 3, 2)},
		"wrong rank":  {"x": tensor.Zeros(tensor.Float32, 6)},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := p.NewSession().Run(in)
			if !errors.Is(err, runtime.ErrShapeMismatch) {
				t.Fatalf("error %v, want ErrShapeMismatch", err)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	unknown := newB().in("x", tensor.Float32, 2).out("y").node("NoSuchOp", []string{"x"}, []string{"y"}).model(13)
	if _, err := runtime.Compile(unknown, runtime.Options{}); err == nil {
		t.Fatal("unknown op compiled")
	}
	undefined := newB().in("x", tensor.Float32, 2).out("y").node("Relu", []string{"q"}, []string{"y"}).model(13)
	if _, err := runtime.Compile(undefined, runtime.Options{}); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("undefined input: %v", err)
	}
}

func TestSharedPlanConcurrentSessions(t *testing.T) {
	m := newB().in("x", tensor.Float32, 4, 4).out("y").
		init("w", tensor.From([]int{4, 4}, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})).
		node("MatMul", []string{"x", "w"}, []string{"h"}).
		node("Relu", []string{"h"}, []string{"y"}).model(13)
	p, err := runtime.Compile(m, runtime.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.From([]int{4, 4}, []float32{1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8})
	ref, err := p.NewSession().Run(map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	want := ref["y"].Float32s()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := p.NewSession()
			for i := 0; i < 50; i++ {
				out, err := s.Run(map[string]*tensor.Tensor{"x": x})
				if err != nil {
					errs <- err
					return
				}
				for j, v := range out["y"].Float32s() {
					if v != want[j] {
						errs <- errors.New("outputs differ between sessions")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestRunCancelled(t *testing.T) {
	m := newB().in("x", tensor.Float32, 2).out("y").node("Relu", []string{"x"}, []string{"y"}).model(13)
	p, err := runtime.Compile(m, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.NewSession().RunContext(ctx, map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 2)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestMaxMemory(t *testing.T) {
	m := newB().in("x", tensor.Float32, 1024).out("y").
		node("Relu", []string{"x"}, []string{"a"}).node("Neg", []string{"a"}, []string{"y"}).model(13)
	p, err := runtime.Compile(m, runtime.Options{MaxMemory: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.NewSession().Run(map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 1024)})
	if !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("error %v, want ErrLimit", err)
	}
}
