package passes_test

import (
	"math"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/tensor"
)

// TestFuseInvertedResiduals: 1x1 Conv → Clip → depthwise Conv → Clip →
// 1x1 Conv [→ Add(x)] becomes one InvertedResidual node computing the
// same values; without an expansion (or with one whose output is also read
// elsewhere) the depthwise and projection are fused; a non-depthwise
// middle conv is left alone.
func TestFuseInvertedResiduals(t *testing.T) {
	type tc struct {
		name            string
		expand, add     bool
		shared, grouped bool
		stride          int64
		fused           bool
		expandIn        bool // the fused node starts at the expansion
	}
	cases := []tc{
		{name: "block+residual", expand: true, add: true, stride: 1, fused: true, expandIn: true},
		{name: "block stride 2", expand: true, stride: 2, fused: true, expandIn: true},
		{name: "no expansion", stride: 1, fused: true},
		{name: "no expansion stride 2", stride: 2, fused: true},
		{name: "shared expansion", expand: true, shared: true, stride: 1, fused: true},
		{name: "grouped middle", expand: true, grouped: true, stride: 1},
	}
	const c, e, h, w = 4, 8, 9, 7
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(3))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, c, h, w)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("lo", tensor.Scalar(float32(0)))
			g.AddInitializer("hi", tensor.Scalar(float32(6)))
			g.AddInitializer("we", randT(r, e, c, 1, 1))
			g.AddInitializer("be", randT(r, e))
			dwIn, group := "x", int64(c)
			if tt.expand {
				dwIn, group = "ea", e
				g.Nodes = append(g.Nodes,
					&ir.Node{Name: "e", OpType: "Conv", Inputs: []string{"x", "we", "be"}, Outputs: []string{"ec"}},
					&ir.Node{Name: "ea", OpType: "Clip", Inputs: []string{"ec", "lo", "hi"}, Outputs: []string{"ea"}})
			}
			if tt.grouped {
				group /= 2
			}
			wd := randT(r, int(group), 1, 3, 3)
			if tt.grouped {
				wd = randT(r, e, 2, 3, 3)
			}
			g.AddInitializer("wd", wd)
			g.AddInitializer("bd", randT(r, wd.Shape()[0]))
			m := 5
			if tt.add {
				m = c
			}
			g.AddInitializer("wp", randT(r, m, wd.Shape()[0], 1, 1))
			g.Nodes = append(g.Nodes,
				&ir.Node{Name: "d", OpType: "Conv", Inputs: []string{dwIn, "wd", "bd"}, Outputs: []string{"dc"},
					Attrs: []*ir.Attr{{Name: "group", Type: ir.AttrInt, I: group},
						{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}},
						{Name: "strides", Type: ir.AttrInts, Ints: []int64{tt.stride, tt.stride}}}},
				&ir.Node{Name: "da", OpType: "Clip", Inputs: []string{"dc", "lo", "hi"}, Outputs: []string{"da"}},
				&ir.Node{Name: "p", OpType: "Conv", Inputs: []string{"da", "wp"}, Outputs: []string{"y"}})
			if tt.add {
				g.Nodes[len(g.Nodes)-1].Outputs = []string{"pc"}
				g.Nodes = append(g.Nodes, &ir.Node{Name: "add", OpType: "Add", Inputs: []string{"pc", "x"}, Outputs: []string{"y"}})
			}
			if tt.shared {
				g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "ea"})
			}
			model := &ir.Model{Opsets: map[string]int64{"": 14, passes.QDQDomain: 1}, Graph: g}
			r2 := rand.New(rand.NewSource(4))
			x := randT(r2, 1, c, h, w)
			ref := runModel(t, model, x)
			fused := model.Clone()
			passes.FuseActivations(fused.Graph)
			if got := passes.FuseInvertedResiduals(fused.Graph); got != tt.fused {
				t.Fatalf("FuseInvertedResiduals = %v, want %v", got, tt.fused)
			}
			var f *ir.Node
			for _, n := range fused.Graph.Nodes {
				if n.OpType == passes.InvertedResidualOp {
					f = n
				}
			}
			if (f != nil) != tt.fused {
				t.Fatalf("fused node %v, want %v", f != nil, tt.fused)
			}
			if f != nil {
				if (f.Input(1) != "") != tt.expandIn || (f.Input(0) == "x") != (tt.expandIn || !tt.expand) {
					t.Fatalf("inputs %q", f.Inputs)
				}
				if tt.add && f.Input(7) != "x" {
					t.Fatalf("residual input %q", f.Input(7))
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
