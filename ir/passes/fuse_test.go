package passes_test

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/tensor"
)

func TestFuseActivations(t *testing.T) {
	f := func(name string, v float32) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrFloat, F: v} }
	type tc struct {
		name   string
		opset  int64
		act    *ir.Node // reads "c", writes "y"
		w      []int    // weight shape; input has 4 channels
		group  int64
		fused  bool
		shared bool // "c" is also a graph output
		twice  bool // "c" also read by a second node
		params []float32
	}
	var cases []tc
	for _, geom := range []struct {
		w     []int
		group int64
	}{{[]int{6, 4, 3, 3}, 1}, {[]int{4, 1, 3, 3}, 4}, {[]int{5, 4, 1, 1}, 1}, {[]int{6, 2, 3, 3}, 2}} {
		for _, a := range []struct {
			act    *ir.Node
			opset  int64
			params []float32
		}{
			{&ir.Node{OpType: "Relu"}, 13, []float32{}},
			{&ir.Node{OpType: "Clip", Inputs: []string{"c", "lo", "hi"}}, 13, []float32{-0.5, 0.75}},
			{&ir.Node{OpType: "Clip", Inputs: []string{"c", "", "hi"}}, 13, []float32{float32(math.Inf(-1)), 0.75}},
			{&ir.Node{OpType: "Clip", Attrs: []*ir.Attr{f("min", 0), f("max", 6)}}, 6, []float32{0, 6}},
			{&ir.Node{OpType: "LeakyRelu", Attrs: []*ir.Attr{f("alpha", 0.3)}}, 13, []float32{0.3}},
			{&ir.Node{OpType: "HardSigmoid", Attrs: []*ir.Attr{f("alpha", 0.25)}}, 13, []float32{0.25, 0.5}},
			{&ir.Node{OpType: "HardSwish"}, 14, []float32{}},
			{&ir.Node{OpType: "Sigmoid"}, 13, []float32{}},
		} {
			cases = append(cases, tc{name: a.act.OpType, opset: a.opset, act: a.act, w: geom.w, group: geom.group, fused: true, params: a.params})
		}
	}
	cases = append(cases,
		tc{name: "graph output", opset: 13, act: &ir.Node{OpType: "Relu"}, w: []int{6, 4, 3, 3}, group: 1, shared: true},
		tc{name: "two readers", opset: 13, act: &ir.Node{OpType: "Relu"}, w: []int{6, 4, 3, 3}, group: 1, twice: true},
		tc{name: "clip bound is an input", opset: 13, act: &ir.Node{OpType: "Clip", Inputs: []string{"c", "x_lo"}}, w: []int{6, 4, 3, 3}, group: 1},
		tc{name: "not an activation", opset: 13, act: &ir.Node{OpType: "Abs"}, w: []int{6, 4, 3, 3}, group: 1},
	)
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/w%v", c.name, c.w), func(t *testing.T) {
			r := rand.New(rand.NewSource(2))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 4, 7, 9)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("w", randT(r, c.w...))
			g.AddInitializer("b", randT(r, c.w[0]))
			g.AddInitializer("lo", tensor.Scalar(float32(-0.5)))
			g.AddInitializer("hi", tensor.Scalar(float32(0.75)))
			g.AddInitializer("x_lo", tensor.Scalar(float32(-0.25)))
			g.Inputs = append(g.Inputs, &ir.ValueInfo{Name: "x_lo", Type: ir.TensorType(tensor.Float32)})
			act := *c.act
			act.Name = "act"
			if len(act.Inputs) == 0 {
				act.Inputs = []string{"c"}
			}
			act.Outputs = []string{"y"}
			conv := &ir.Node{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w", "b"}, Outputs: []string{"c"},
				Attrs: []*ir.Attr{{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 0, 1, 2}}, {Name: "group", Type: ir.AttrInt, I: c.group}}}
			if c.w[2] == 1 {
				conv.Attrs = conv.Attrs[1:]
			}
			g.Nodes = []*ir.Node{conv, &act}
			if c.shared {
				g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "c"})
			}
			if c.twice {
				g.Nodes = append(g.Nodes, &ir.Node{Name: "neg", OpType: "Neg", Inputs: []string{"c"}, Outputs: []string{"z"}})
				g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "z"})
			}
			m := &ir.Model{Opsets: map[string]int64{"": c.opset}, Graph: g}
			x := randT(r, 1, 4, 7, 9)
			for i := range x.Float32s() {
				x.Float32s()[i] *= 3
			}
			ref := runModel(t, m, x)
			fused := m.Clone()
			if changed := passes.FuseActivations(fused.Graph); changed != c.fused {
				t.Fatalf("changed = %v, want %v", changed, c.fused)
			}
			if c.fused {
				if len(fused.Graph.Nodes) != 1 {
					t.Fatalf("%d nodes after fusion, want 1", len(fused.Graph.Nodes))
				}
				n := fused.Graph.Nodes[0]
				if n.OpType != passes.FusedConvOp || n.Domain != passes.QDQDomain || n.Outputs[0] != "y" {
					t.Fatalf("fused node %v -> %v", n, n.Outputs)
				}
				if a := n.AttrString("activation", ""); a != c.act.OpType {
					t.Fatalf("activation %q, want %q", a, c.act.OpType)
				}
				if p := n.AttrFloats("activation_params"); !equalF32(p, c.params) {
					t.Fatalf("activation_params %v, want %v", p, c.params)
				}
				if n.AttrInt("group", 1) != c.group {
					t.Fatal("Conv attributes lost")
				}
			} else if len(fused.Graph.Nodes) != len(m.Graph.Nodes) {
				t.Fatal("graph changed")
			}
			got := runModel(t, fused, x)
			if !tensor.SameShape(got.Shape(), ref.Shape()) {
				t.Fatalf("shape %v, want %v", got.Shape(), ref.Shape())
			}
			for i, v := range ref.Float32s() {
				if d := math.Abs(float64(v - got.Float32s()[i])); d > 1e-5*math.Max(1, math.Abs(float64(v))) {
					t.Fatalf("element %d: %v, want %v", i, got.Float32s()[i], v)
				}
			}
		})
	}
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFuseAffineHardSwish: Conv → Mul(scalar) → Add(per channel) →
// x*Clip(x+3,0,6)/6 becomes one FusedConv with HardSwish; an Add whose
// constant broadcasts along W (shape [C]) is left alone.
func TestFuseAffineHardSwish(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bshape []int
		nodes  int
	}{
		{"per-channel", []int{3, 1, 1}, 1},
		{"per-channel rank 4", []int{1, 3, 1, 1}, 1},
		{"scalar", []int{}, 1},
		{"along W", []int{3}, 3}, // Conv+Mul folded, Add stays, HardSwish stays
		{"clip attributes", []int{3, 1, 1}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(3))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 2, 5, 3)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("w", randT(r, 3, 2, 3, 3))
			g.AddInitializer("s", tensor.Scalar(float32(1.5)))
			g.AddInitializer("b", randT(r, tc.bshape...))
			g.AddInitializer("three", tensor.Scalar(float32(3)))
			g.AddInitializer("zero", tensor.Scalar(float32(0)))
			g.AddInitializer("six", tensor.Scalar(float32(6)))
			pads := &ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}
			g.Nodes = []*ir.Node{
				{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"c"}, Attrs: []*ir.Attr{pads}},
				{Name: "mul", OpType: "Mul", Inputs: []string{"s", "c"}, Outputs: []string{"cs"}},
				{Name: "add", OpType: "Add", Inputs: []string{"cs", "b"}, Outputs: []string{"h"}},
				{Name: "add3", OpType: "Add", Inputs: []string{"h", "three"}, Outputs: []string{"h3"}},
				{Name: "clip", OpType: "Clip", Inputs: []string{"h3", "zero", "six"}, Outputs: []string{"hc"}},
				{Name: "mulx", OpType: "Mul", Inputs: []string{"hc", "h"}, Outputs: []string{"hm"}},
				{Name: "div", OpType: "Div", Inputs: []string{"hm", "six"}, Outputs: []string{"y"}},
			}
			m := &ir.Model{Opsets: map[string]int64{"": 13}, Graph: g}
			if tc.name == "clip attributes" {
				m.Opsets[""] = 9
				g.Nodes[4].Inputs = g.Nodes[4].Inputs[:1]
				g.Nodes[4].Attrs = []*ir.Attr{{Name: "min", Type: ir.AttrFloat, F: 0}, {Name: "max", Type: ir.AttrFloat, F: 6}}
			}
			x := randT(r, 1, 2, 5, 3)
			for i := range x.Float32s() {
				x.Float32s()[i] *= 3
			}
			ref := runModel(t, m, x)
			fused := m.Clone()
			if !passes.FuseActivations(fused.Graph) {
				t.Fatal("nothing fused")
			}
			if len(fused.Graph.Nodes) != tc.nodes {
				for _, n := range fused.Graph.Nodes {
					t.Log(n, n.Inputs, n.Outputs)
				}
				t.Fatalf("%d nodes, want %d", len(fused.Graph.Nodes), tc.nodes)
			}
			got := runModel(t, fused, x)
			if !tensor.SameShape(got.Shape(), ref.Shape()) {
				t.Fatalf("shape %v, want %v", got.Shape(), ref.Shape())
			}
			for i, v := range ref.Float32s() {
				if d := math.Abs(float64(v - got.Float32s()[i])); d > 1e-5*math.Max(1, math.Abs(float64(v))) {
					t.Fatalf("element %d: %v, want %v", i, got.Float32s()[i], v)
				}
			}
		})
	}
}
