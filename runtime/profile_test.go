package runtime_test

import (
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

func profByName(t *testing.T, prof []runtime.NodeTime) map[string]runtime.NodeTime {
	t.Helper()
	m := map[string]runtime.NodeTime{}
	for i, nt := range prof {
		if i > 0 && nt.Total > prof[i-1].Total {
			t.Errorf("profile not sorted by total: %v after %v", nt, prof[i-1])
		}
		if _, dup := m[nt.Name]; dup {
			t.Errorf("node %q listed twice", nt.Name)
		}
		m[nt.Name] = nt
	}
	return m
}

func TestProfileCountsCalls(t *testing.T) {
	w := tensor.Zeros(tensor.Float32, 64, 64)
	m := newB().in("x", tensor.Float32, 8, 64).out("z").init("w", w).
		node("MatMul", []string{"x", "w"}, []string{"y"}).
		node("Relu", []string{"y"}, []string{"z"}).model(13)
	m.Graph.Nodes[1].Name = "" // unnamed: reported under its first output
	x := tensor.Zeros(tensor.Float32, 8, 64)

	p, err := runtime.Compile(m, runtime.Options{Threads: 1, NoOptimize: true, Profile: true})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	if got := s.Profile(); len(got) != 0 {
		t.Fatalf("profile before any run: %v", got)
	}
	for i := 0; i < 3; i++ {
		if _, err := s.Run(map[string]*tensor.Tensor{"x": x}); err != nil {
			t.Fatal(err)
		}
	}
	got := profByName(t, s.Profile())
	if len(got) != 2 {
		t.Fatalf("profile has %d nodes, want 2: %v", len(got), got)
	}
	for name, op := range map[string]string{"MatMul_y": "MatMul", "z": "Relu"} {
		nt, ok := got[name]
		if !ok {
			t.Fatalf("no entry %q in %v", name, got)
		}
		if nt.OpType != op || nt.Op() != op || nt.Calls != 3 || nt.Depth != 0 || nt.Total <= 0 {
			t.Errorf("%s: got %+v, want op %s, 3 calls, depth 0, positive time", name, nt, op)
		}
	}

	s.ResetProfile()
	if got := s.Profile(); len(got) != 0 {
		t.Fatalf("profile after reset: %v", got)
	}
	if _, err := s.Run(map[string]*tensor.Tensor{"x": x}); err != nil {
		t.Fatal(err)
	}
	if got := profByName(t, s.Profile()); got["z"].Calls != 1 || got["MatMul_y"].Calls != 1 {
		t.Errorf("after reset and one run: %v", got)
	}

	// A second session has its own totals.
	if got := p.NewSession().Profile(); len(got) != 0 {
		t.Errorf("fresh session profile: %v", got)
	}
}

func TestProfileOff(t *testing.T) {
	m := newB().in("x", tensor.Float32, 2).out("y").node("Relu", []string{"x"}, []string{"y"}).model(13)
	p, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	if _, err := s.Run(map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 2)}); err != nil {
		t.Fatal(err)
	}
	s.ResetProfile() // no-op, no panic
	if got := s.Profile(); got != nil {
		t.Errorf("Profile with profiling off = %v, want nil", got)
	}
}

func TestProfileSubgraphDepth(t *testing.T) {
	body := &ir.Graph{Name: "body",
		Inputs:  []*ir.ValueInfo{{Name: "i", Type: ir.TensorType(tensor.Int64)}, {Name: "cin", Type: ir.TensorType(tensor.Bool)}, {Name: "acc"}},
		Outputs: []*ir.ValueInfo{{Name: "cout"}, {Name: "acc2"}},
		Nodes: []*ir.Node{
			{Name: "id", OpType: "Identity", Inputs: []string{"cin"}, Outputs: []string{"cout"}},
			{Name: "add", OpType: "Add", Inputs: []string{"acc", "step"}, Outputs: []string{"acc2"}},
		}}
	m := newB().in("step", tensor.Float32, 2).out("final").
		init("M", tensor.Scalar(int64(5))).init("c0", tensor.Scalar(true)).init("a0", tensor.From([]int{2}, []float32{0, 0})).
		node("Loop", []string{"M", "c0", "a0"}, []string{"final"}, graphAttr("body", body)).model(13)
	p, err := runtime.Compile(m, runtime.Options{Threads: 1, Profile: true})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	out, err := s.Run(map[string]*tensor.Tensor{"step": tensor.From([]int{2}, []float32{1, 2})})
	if err != nil {
		t.Fatal(err)
	}
	wantF32(t, out["final"], []int{2}, []float32{5, 10})
	got := profByName(t, s.Profile())
	loop, add := got["Loop_final"], got["add"]
	if loop.Calls != 1 || loop.Depth != 0 {
		t.Errorf("Loop: %+v, want 1 call at depth 0", loop)
	}
	if add.Calls != 5 || add.Depth != 1 || add.OpType != "Add" {
		t.Errorf("body Add: %+v, want 5 calls at depth 1", add)
	}
	if loop.Total < add.Total {
		t.Errorf("Loop total %v < its body's Add total %v", loop.Total, add.Total)
	}
}

// BenchmarkRunProfile compares a run loop with profiling off and on.
func BenchmarkRunProfile(b *testing.B) {
	g := newB().in("x", tensor.Float32, 16).out("y20")
	prev := "x"
	for i := 1; i <= 20; i++ {
		name := "y" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if i == 20 {
			name = "y20"
		}
		g.node("Relu", []string{prev}, []string{name})
		prev = name
	}
	m := g.model(13)
	x := tensor.Zeros(tensor.Float32, 16)
	for _, prof := range []bool{false, true} {
		name := "off"
		if prof {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			p, err := runtime.Compile(m, runtime.Options{Threads: 1, NoOptimize: true, Profile: prof})
			if err != nil {
				b.Fatal(err)
			}
			s := p.NewSession()
			in := map[string]*tensor.Tensor{"x": x}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Run(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
