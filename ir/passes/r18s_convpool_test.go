package passes

import (
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// TestR18sFuseConvMaxPool checks which Conv → MaxPool pairs fuse.
func TestR18sFuseConvMaxPool(t *testing.T) {
	ints := func(name string, v ...int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v} }
	build := func(poolOuts []string, extraReader bool, group int64, poolAttrs ...*ir.Attr) *ir.Graph {
		g := &ir.Graph{Name: "g"}
		g.AddInitializer("w", tensor.Zeros(tensor.Float32, 64, 3, 7, 7))
		g.Nodes = append(g.Nodes,
			&ir.Node{Name: "conv", OpType: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"c"}, Attrs: []*ir.Attr{ints("strides", 2, 2), {Name: "group", Type: ir.AttrInt, I: group}}},
			&ir.Node{Name: "pool", OpType: "MaxPool", Inputs: []string{"c"}, Outputs: poolOuts, Attrs: append([]*ir.Attr{ints("kernel_shape", 3, 3)}, poolAttrs...)})
		g.Outputs = []*ir.ValueInfo{{Name: "y"}}
		if extraReader {
			g.Nodes = append(g.Nodes, &ir.Node{Name: "id", OpType: "Identity", Inputs: []string{"c"}, Outputs: []string{"z"}})
			g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "z"})
		}
		return g
	}
	for _, c := range []struct {
		name string
		g    *ir.Graph
		want bool
	}{
		{"fuses", build([]string{"y"}, false, 1, ints("strides", 2, 2)), true},
		{"indices", build([]string{"y", "i"}, false, 1), false},
		{"shared", build([]string{"y"}, true, 1), false},
		{"grouped", build([]string{"y"}, false, 3), false},
		{"dilated", build([]string{"y"}, false, 1, ints("dilations", 2, 2)), false},
	} {
		got := FuseConvMaxPool(c.g)
		if got != c.want {
			t.Errorf("%s: changed = %v, want %v", c.name, got, c.want)
			continue
		}
		if !c.want {
			continue
		}
		if len(c.g.Nodes) != 1 || c.g.Nodes[0].OpType != ConvMaxPoolOp || c.g.Nodes[0].Domain != QDQDomain {
			t.Fatalf("%s: nodes %v", c.name, c.g.Nodes)
		}
		f := c.g.Nodes[0]
		if f.Outputs[0] != "y" || len(f.Inputs) != 2 || f.Input(1) != "w" {
			t.Errorf("%s: fused node %v", c.name, f)
		}
		if len(f.AttrInts("pool.kernel_shape")) != 2 || len(f.AttrInts("strides")) != 2 || len(f.AttrInts("pool.strides")) != 2 {
			t.Errorf("%s: attributes %v", c.name, f.Attrs)
		}
	}
}
