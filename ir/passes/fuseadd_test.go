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

// TestFuseConvAdd: Conv → Add(·, Z) → [Relu] becomes one FusedConv with
// Z as fourth input, in the Add's place, computing the same values (Z of
// the output's shape, broadcast or larger); depthwise convs, shared conv
// outputs and non-Add readers are left alone.
func TestFuseConvAdd(t *testing.T) {
	type tc struct {
		name     string
		w        []int // main conv weight; input has 4 channels
		group    int64
		z        []int // shape of Z (Identity of an initializer), nil: a second conv's output
		swap     bool  // Add(Z, conv)
		act      string
		twice    bool // conv output also a graph output
		fused    bool
		actFused bool
		nodes    int // nodes after fusion
	}
	cases := []tc{
		{name: "residual+relu", w: []int{6, 4, 3, 3}, group: 1, act: "Relu", fused: true, actFused: true, nodes: 2},
		{name: "swapped", w: []int{6, 4, 3, 3}, group: 1, swap: true, act: "Relu", fused: true, actFused: true, nodes: 2},
		{name: "no activation", w: []int{6, 4, 3, 3}, group: 1, fused: true, nodes: 2},
		{name: "abs after", w: []int{6, 4, 3, 3}, group: 1, act: "Abs", fused: true, nodes: 3},
		{name: "1x1", w: []int{6, 4, 1, 1}, group: 1, act: "Relu", fused: true, actFused: true, nodes: 2},
		{name: "grouped", w: []int{6, 2, 3, 3}, group: 2, act: "Relu", fused: true, actFused: true, nodes: 2},
		{name: "broadcast per channel", w: []int{6, 4, 3, 3}, group: 1, z: []int{6, 1, 1}, act: "Relu", fused: true, actFused: true, nodes: 2},
		{name: "broadcast larger", w: []int{6, 4, 3, 3}, group: 1, z: []int{2, 6, 7, 9}, act: "Relu", fused: true, actFused: true, nodes: 2},
		{name: "same shape", w: []int{6, 4, 3, 3}, group: 1, z: []int{1, 6, 7, 9}, act: "Sigmoid", fused: true, actFused: true, nodes: 2},
		{name: "depthwise", w: []int{4, 1, 3, 3}, group: 4, z: []int{1, 4, 7, 9}, act: "Relu", nodes: 4},
		{name: "shared output", w: []int{6, 4, 3, 3}, group: 1, z: []int{1, 6, 7, 9}, act: "Relu", twice: true, nodes: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(5))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 4, 7, 9)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("w", randT(r, c.w...))
			g.AddInitializer("b", randT(r, c.w[0]))
			g.AddInitializer("w2", randT(r, c.w[0], 4, 1, 1))
			conv := &ir.Node{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w", "b"}, Outputs: []string{"c"},
				Attrs: []*ir.Attr{{Name: "group", Type: ir.AttrInt, I: c.group}}}
			if c.w[2] == 3 {
				conv.Attrs = append(conv.Attrs, &ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}})
			}
			g.Nodes = []*ir.Node{conv}
			if c.z == nil {
				// Z is computed after the main conv, as in ResNet's
				// downsampling branch.
				g.Nodes = append(g.Nodes, &ir.Node{Name: "side", OpType: "Conv", Inputs: []string{"x", "w2"}, Outputs: []string{"z"}})
			} else {
				g.AddInitializer("z0", randT(r, c.z...))
				g.Nodes = append(g.Nodes, &ir.Node{Name: "zid", OpType: "Identity", Inputs: []string{"z0"}, Outputs: []string{"z"}})
			}
			add := &ir.Node{Name: "add", OpType: "Add", Inputs: []string{"c", "z"}, Outputs: []string{"s"}}
			if c.swap {
				add.Inputs = []string{"z", "c"}
			}
			g.Nodes = append(g.Nodes, add)
			if c.act != "" {
				g.Nodes = append(g.Nodes, &ir.Node{Name: "act", OpType: c.act, Inputs: []string{"s"}, Outputs: []string{"y"}})
			} else {
				add.Outputs = []string{"y"}
			}
			if c.twice {
				g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "c"})
			}
			m := &ir.Model{Opsets: map[string]int64{"": 14}, Graph: g}
			x := randT(r, 1, 4, 7, 9)
			ref := runModel(t, m, x)
			fused := m.Clone()
			passes.FuseActivations(fused.Graph)
			if len(fused.Graph.Nodes) != c.nodes {
				t.Fatalf("%d nodes after fusion, want %d", len(fused.Graph.Nodes), c.nodes)
			}
			var f *ir.Node
			for _, n := range fused.Graph.Nodes {
				if n.OpType == passes.FusedConvOp && len(n.Inputs) == 4 {
					f = n
				}
			}
			if (f != nil) != c.fused {
				t.Fatalf("fused = %v, want %v", f != nil, c.fused)
			}
			if f != nil {
				// With two convs feeding the Add either may take the other.
				if f.Inputs[3] != "z" && !(c.z == nil && f.Inputs[3] == "c") {
					t.Fatalf("residual input %q", f.Inputs[3])
				}
				if got := f.AttrString("activation", ""); (got != "") != c.actFused || (c.actFused && got != c.act) {
					t.Fatalf("activation %q, act %q fused %v", got, c.act, c.actFused)
				}
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

// TestFusePostAffine: FusedConv(act) → Mul(scalar) → Add(scalar) (either
// order, chains) folds into activation_post with the same values; a
// per-channel constant, a shared output or a conv without activation is
// left alone.
func TestFusePostAffine(t *testing.T) {
	type tc struct {
		name  string
		act   string
		ops   []string // Mul/Add chain after the activation
		perCh bool     // the first constant is per channel
		twice bool     // activation output is also a graph output
		post  bool
		nodes int
	}
	cases := []tc{
		{name: "mul add", act: "HardSwish", ops: []string{"Mul", "Add"}, post: true, nodes: 1},
		{name: "add mul", act: "Relu", ops: []string{"Add", "Mul"}, post: true, nodes: 1},
		{name: "mul", act: "Clip", ops: []string{"Mul"}, post: true, nodes: 1},
		{name: "three", act: "Sigmoid", ops: []string{"Mul", "Add", "Mul"}, post: true, nodes: 1},
		{name: "per channel", act: "Relu", ops: []string{"Mul"}, perCh: true, nodes: 2},
		{name: "shared", act: "Relu", ops: []string{"Mul", "Add"}, twice: true, nodes: 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(9))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 4, 7, 9)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("w", randT(r, 6, 4, 3, 3))
			g.AddInitializer("b", randT(r, 6))
			g.AddInitializer("lo", tensor.Scalar(float32(-0.5)))
			g.AddInitializer("hi", tensor.Scalar(float32(0.75)))
			conv := &ir.Node{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w", "b"}, Outputs: []string{"c"},
				Attrs: []*ir.Attr{{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}}}
			act := &ir.Node{Name: "act", OpType: c.act, Inputs: []string{"c"}, Outputs: []string{"a0"}}
			if c.act == "Clip" {
				act.Inputs = []string{"c", "lo", "hi"}
			}
			g.Nodes = []*ir.Node{conv, act}
			prev := "a0"
			for i, op := range c.ops {
				k := fmt.Sprintf("k%d", i)
				if c.perCh && i == 0 {
					g.AddInitializer(k, randT(r, 6, 1, 1))
				} else {
					g.AddInitializer(k, tensor.Scalar(float32(r.NormFloat64())))
				}
				out := fmt.Sprintf("a%d", i+1)
				if i == len(c.ops)-1 {
					out = "y"
				}
				g.Nodes = append(g.Nodes, &ir.Node{Name: out + "op", OpType: op, Inputs: []string{prev, k}, Outputs: []string{out}})
				prev = out
			}
			if c.twice {
				g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "a0"})
			}
			m := &ir.Model{Opsets: map[string]int64{"": 14}, Graph: g}
			x := randT(r, 1, 4, 7, 9)
			ref := runModel(t, m, x)
			fused := m.Clone()
			passes.FuseActivations(fused.Graph)
			if len(fused.Graph.Nodes) != c.nodes {
				t.Fatalf("%d nodes after fusion, want %d", len(fused.Graph.Nodes), c.nodes)
			}
			if got := fused.Graph.Nodes[0].Attr("activation_post") != nil; got != c.post {
				t.Fatalf("activation_post set = %v, want %v", got, c.post)
			}
			got := runModel(t, fused, x)
			for i, v := range ref.Float32s() {
				if d := math.Abs(float64(v - got.Float32s()[i])); d > 1e-5*math.Max(1, math.Abs(float64(v))) {
					t.Fatalf("element %d: %v, want %v", i, got.Float32s()[i], v)
				}
			}
		})
	}
}

// TestFuseConvTransposeAct: ConvTranspose → Relu/Clip/HardSwish becomes
// one FusedConvTranspose with the same values.
func TestFuseConvTransposeAct(t *testing.T) {
	for _, act := range []string{"Relu", "HardSwish", "Sigmoid"} {
		for _, stride := range []int64{1, 2} {
			t.Run(fmt.Sprintf("%s/s%d", act, stride), func(t *testing.T) {
				r := rand.New(rand.NewSource(11))
				g := &ir.Graph{
					Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 4, 5, 6)}},
					Outputs: []*ir.ValueInfo{{Name: "y"}},
				}
				g.AddInitializer("w", randT(r, 4, 3, 2, 2))
				g.AddInitializer("b", randT(r, 3))
				g.Nodes = []*ir.Node{
					{Name: "ct", OpType: "ConvTranspose", Inputs: []string{"x", "w", "b"}, Outputs: []string{"c"},
						Attrs: []*ir.Attr{{Name: "strides", Type: ir.AttrInts, Ints: []int64{stride, stride}}}},
					{Name: "act", OpType: act, Inputs: []string{"c"}, Outputs: []string{"y"}},
				}
				m := &ir.Model{Opsets: map[string]int64{"": 14}, Graph: g}
				x := randT(r, 1, 4, 5, 6)
				ref := runModel(t, m, x)
				fused := m.Clone()
				passes.FuseActivations(fused.Graph)
				if len(fused.Graph.Nodes) != 1 || fused.Graph.Nodes[0].OpType != passes.FusedConvTransposeOp {
					t.Fatalf("nodes after fusion: %v", fused.Graph.Nodes)
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
}
