package passes_test

import (
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/tensor"
)

// qdqEval runs ops kernels, as the runtime's optimizer does.
func qdqEval(n *ir.Node, in []*tensor.Tensor) ([]*tensor.Tensor, bool) {
	f, err := ops.Lookup(n.Domain, n.OpType, 13)
	if err != nil {
		return nil, false
	}
	k, err := f(n, 13)
	if err != nil {
		return nil, false
	}
	out, err := k.Run(&ops.Context{Node: n, Opset: 13, Threads: 1}, in)
	return out, err == nil
}

func qdqNode(op string, in []string, out string) *ir.Node {
	return &ir.Node{Name: out, OpType: op, Inputs: in, Outputs: []string{out}}
}

// qdqGraph: x(uint8 input) → DQ → op → Q → y, weights w (int8) for MatMul.
func qdqGraph(op string, scaleIsInput bool) *ir.Graph {
	g := &ir.Graph{Inputs: []*ir.ValueInfo{{Name: "xq", Type: ir.TensorType(tensor.Uint8, 2, 3)}}, Outputs: []*ir.ValueInfo{{Name: "y"}}}
	g.AddInitializer("s", tensor.Scalar(float32(0.1)))
	g.AddInitializer("z", tensor.Scalar(uint8(128)))
	g.AddInitializer("ys", tensor.Scalar(float32(0.2)))
	g.AddInitializer("yz", tensor.Scalar(uint8(100)))
	g.AddInitializer("w", tensor.Zeros(tensor.Int8, 3, 4))
	g.AddInitializer("wz", tensor.Scalar(int8(0)))
	if scaleIsInput {
		g.Inputs = append(g.Inputs, &ir.ValueInfo{Name: "s", Type: ir.TensorType(tensor.Float32)})
	}
	g.Nodes = []*ir.Node{qdqNode("DequantizeLinear", []string{"xq", "s", "z"}, "x")}
	switch op {
	case "MatMul":
		g.Nodes = append(g.Nodes, qdqNode("DequantizeLinear", []string{"w", "ys", "wz"}, "wf"), qdqNode("MatMul", []string{"x", "wf"}, "f"))
	default:
		g.Nodes = append(g.Nodes, qdqNode(op, []string{"x"}, "f"))
	}
	g.Nodes = append(g.Nodes, qdqNode("QuantizeLinear", []string{"f", "ys", "yz"}, "y"))
	return g
}

func qdqOps(g *ir.Graph) []string {
	var out []string
	for _, n := range g.Nodes {
		if n.Domain != "" {
			out = append(out, n.Domain+"."+n.OpType)
		} else {
			out = append(out, n.OpType)
		}
	}
	return out
}

func TestFuseQDQPatterns(t *testing.T) {
	for _, tc := range []struct {
		name    string
		g       func() *ir.Graph
		changed bool
		want    []string // ops after fusion and dead-node removal
	}{
		{"matmul", func() *ir.Graph { return qdqGraph("MatMul", false) }, true, []string{"QLinearMatMul"}},
		{"sigmoid table", func() *ir.Graph { return qdqGraph("Sigmoid", false) }, true, []string{"qinfer.QLookup"}},
		{"reshape-free transpose", func() *ir.Graph { return qdqGraph("Transpose", false) }, true, []string{"Transpose", "qinfer.QLookup"}},
		{"overridable scale", func() *ir.Graph { return qdqGraph("MatMul", true) }, false, []string{"DequantizeLinear", "DequantizeLinear", "MatMul", "QuantizeLinear"}},
		{"float consumer keeps DQ and op", func() *ir.Graph {
			g := qdqGraph("Sigmoid", false)
			g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "f"})
			return g
		}, false, []string{"DequantizeLinear", "Sigmoid", "QuantizeLinear"}},
		{"second reader of DQ keeps DQ", func() *ir.Graph {
			g := qdqGraph("Sigmoid", false)
			g.Nodes = append(g.Nodes, qdqNode("Tanh", []string{"x"}, "t"))
			g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "t"})
			return g
		}, true, []string{"DequantizeLinear", "qinfer.QLookup", "Tanh"}},
		{"unsupported op", func() *ir.Graph { return qdqGraph("Softmax", false) }, false, []string{"DequantizeLinear", "Softmax", "QuantizeLinear"}},
	} {
		g := tc.g()
		changed := passes.FuseQDQ(g, qdqEval)
		passes.RemoveDeadNodes(g)
		if changed != tc.changed {
			t.Errorf("%s: changed = %v, want %v", tc.name, changed, tc.changed)
		}
		got := qdqOps(g)
		if len(got) != len(tc.want) {
			t.Errorf("%s: ops %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: ops %v, want %v", tc.name, got, tc.want)
				break
			}
		}
		if err := g.Validate(nil); err != nil {
			t.Errorf("%s: fused graph invalid: %v", tc.name, err)
		}
	}
}

// TestFuseQDQNoEval: without an evaluator nothing needing a table is fused.
func TestFuseQDQNoEval(t *testing.T) {
	g := qdqGraph("Sigmoid", false)
	if passes.FuseQDQ(g, nil) {
		t.Fatalf("fused without an evaluator: %v", qdqOps(g))
	}
}
