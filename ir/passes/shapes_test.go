package passes

import (
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestInferShapesSymbolic(t *testing.T) {
	x := &ir.Type{Kind: ir.KindTensor, Elem: tensor.Float32, HasShape: true,
		Shape: []ir.Dim{{Param: "N"}, {Value: 3}, {Value: 32}, {Value: 32}}}
	g := &ir.Graph{
		Inputs:  []*ir.ValueInfo{{Name: "x", Type: x}},
		Outputs: []*ir.ValueInfo{{Name: "f"}},
		Nodes: []*ir.Node{
			{Name: "c", OpType: "Conv", Inputs: []string{"x", "w"}, Outputs: []string{"y"},
				Attrs: []*ir.Attr{{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}, {Name: "strides", Type: ir.AttrInts, Ints: []int64{2, 2}}}},
			{Name: "r", OpType: "Relu", Inputs: []string{"y"}, Outputs: []string{"r"}},
			{Name: "p", OpType: "GlobalAveragePool", Inputs: []string{"r"}, Outputs: []string{"p"}},
			{Name: "fl", OpType: "Flatten", Inputs: []string{"p"}, Outputs: []string{"f"}},
		},
	}
	g.AddInitializer("w", tensor.Zeros(tensor.Float32, 8, 3, 3, 3))
	m := &ir.Model{Graph: g, Opsets: map[string]int64{"": 13}}
	types, err := InferShapes(m)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"y": "float32[N,8,16,16]",
		"r": "float32[N,8,16,16]",
		"p": "float32[N,8,1,1]",
		"f": "float32[N,8]",
	} {
		if got := types[name].String(); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}
