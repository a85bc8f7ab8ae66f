package passes_test

import (
	"math"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/tensor"
)

// rcMixer builds x[1,T,C] → LayerNorm (op by op) → MatMul+bias → Swish
// (Mul α / Sigmoid / Mul) → MatMul+bias → y, the SVTR mixer's MLP half.
func rcMixer(r *rand.Rand, tokens, c, hidden int, opset int64, axesInput bool) *ir.Model {
	g := &ir.Graph{
		Initializers: map[string]*tensor.Tensor{},
		Inputs:       []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, int64(tokens), int64(c))}},
		Outputs:      []*ir.ValueInfo{{Name: "y"}},
	}
	g.AddInitializer("two", tensor.Scalar[float32](2))
	g.AddInitializer("eps", tensor.Scalar[float32](1e-6))
	g.AddInitializer("gamma", randT(r, c))
	g.AddInitializer("beta", randT(r, c))
	g.AddInitializer("w1", randT(r, c, hidden))
	g.AddInitializer("b1", randT(r, hidden))
	g.AddInitializer("alpha", tensor.Scalar[float32](1.5))
	g.AddInitializer("w2", randT(r, hidden, c))
	g.AddInitializer("b2", randT(r, c))
	mean := func(name, in, out string) *ir.Node {
		n := &ir.Node{Name: name, OpType: "ReduceMean", Inputs: []string{in}, Outputs: []string{out}}
		if axesInput {
			g.AddInitializer("axes", tensor.From([]int{1}, []int64{-1}))
			n.Inputs = append(n.Inputs, "axes")
		} else {
			n.Attrs = []*ir.Attr{{Name: "axes", Type: ir.AttrInts, Ints: []int64{-1}}}
		}
		return n
	}
	bin := func(op, a, b, out string) *ir.Node {
		return &ir.Node{Name: out, OpType: op, Inputs: []string{a, b}, Outputs: []string{out}}
	}
	g.Nodes = []*ir.Node{
		mean("m1", "x", "mu"),
		bin("Sub", "x", "mu", "d"),
		bin("Pow", "d", "two", "d2"),
		mean("m2", "d2", "var"),
		bin("Add", "var", "eps", "ve"),
		{Name: "sqrt", OpType: "Sqrt", Inputs: []string{"ve"}, Outputs: []string{"sd"}},
		bin("Div", "d", "sd", "nrm"),
		bin("Mul", "nrm", "gamma", "sc"),
		bin("Add", "beta", "sc", "ln"),
		bin("MatMul", "ln", "w1", "h0"),
		bin("Add", "h0", "b1", "h1"),
		bin("Mul", "h1", "alpha", "ha"),
		{Name: "sig", OpType: "Sigmoid", Inputs: []string{"ha"}, Outputs: []string{"hs"}},
		bin("Mul", "hs", "h1", "h2"),
		bin("MatMul", "h2", "w2", "o0"),
		bin("Add", "o0", "b2", "y"),
	}
	return &ir.Model{Opsets: map[string]int64{"": opset}, Graph: g}
}

func TestRcFuseTransformerOps(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opset      int64
		axesInput  bool
		output     string // an intermediate also made a graph output: no fusion across it
		wantFused  map[string]int
		wantRemain int
	}{
		{"all", 13, false, "", map[string]int{passes.LayerNormOp: 1, passes.MatMulBiasOp: 2}, 0},
		{"axes input", 18, true, "", map[string]int{passes.LayerNormOp: 1, passes.MatMulBiasOp: 2}, 0},
		{"d2 shared", 13, false, "d2", map[string]int{passes.MatMulBiasOp: 2}, 9},
		{"h1 shared", 13, false, "h1", map[string]int{passes.LayerNormOp: 1, passes.SwishOp: 1, passes.MatMulBiasOp: 2}, 0},
		{"hs shared", 13, false, "hs", map[string]int{passes.LayerNormOp: 1, passes.MatMulBiasOp: 2}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(1))
			m := rcMixer(r, 7, 17, 33, tc.opset, tc.axesInput)
			if tc.output != "" {
				m.Graph.Outputs = append(m.Graph.Outputs, &ir.ValueInfo{Name: tc.output})
			}
			x := randT(r, 1, 7, 17)
			for i := range x.Float32s() {
				x.Float32s()[i] = x.Float32s()[i]*3 + 1 // a mean far from 0
			}
			ref := runModel(t, m, x)
			fused := m.Clone()
			if !passes.FuseTransformerOps(fused) {
				t.Fatal("nothing fused")
			}
			if fused.Opsets[passes.QDQDomain] != 1 {
				t.Fatal("qinfer domain not declared")
			}
			got := map[string]int{}
			plain := 0
			for _, n := range fused.Graph.Nodes {
				if n.Domain == passes.QDQDomain {
					got[n.OpType]++
				} else {
					plain++
				}
			}
			for op, k := range tc.wantFused {
				if got[op] != k {
					t.Errorf("%d %s nodes, want %d (%v)", got[op], op, k, got)
				}
			}
			if plain != tc.wantRemain {
				t.Errorf("%d ai.onnx nodes left, want %d", plain, tc.wantRemain)
			}
			if err := fused.Graph.Validate(nil); err != nil {
				t.Fatal(err)
			}
			out := runModel(t, fused, x)
			for i, v := range ref.Float32s() {
				if d := math.Abs(float64(v - out.Float32s()[i])); d > 1e-4*math.Max(1, math.Abs(float64(v))) {
					t.Fatalf("element %d: %v vs %v", i, out.Float32s()[i], v)
				}
			}
			if len(m.Graph.Nodes) != 16 {
				t.Fatal("original model changed")
			}
		})
	}
}

// Patterns that must not fuse: another exponent, another axis, a
// non-constant epsilon, a 3-D weight.
func TestRcFuseTransformerOpsNegative(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, mut := range []func(m *ir.Model){
		func(m *ir.Model) { m.Graph.AddInitializer("two", tensor.Scalar[float32](3)) },
		func(m *ir.Model) { m.Graph.Nodes[0].Attrs[0].Ints = []int64{1} },
		func(m *ir.Model) {
			m.Graph.Nodes[0].Attrs = append(m.Graph.Nodes[0].Attrs, &ir.Attr{Name: "keepdims", Type: ir.AttrInt, I: 0})
		},
		func(m *ir.Model) {
			m.Graph.Inputs = append(m.Graph.Inputs, &ir.ValueInfo{Name: "eps", Type: ir.TensorType(tensor.Float32)})
		},
	} {
		m := rcMixer(r, 3, 5, 4, 13, false)
		mut(m)
		passes.FuseTransformerOps(m)
		for _, n := range m.Graph.Nodes {
			if n.OpType == passes.LayerNormOp {
				t.Fatal("fused a pattern that is not a layer norm")
			}
		}
	}
	m := rcMixer(r, 3, 5, 4, 13, false)
	m.Graph.AddInitializer("w1", randT(r, 1, 5, 4))
	passes.FuseTransformerOps(m)
	n := 0
	for _, nd := range m.Graph.Nodes {
		if nd.OpType == passes.MatMulBiasOp {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d MatMulBias nodes, want 1 (w1 is 3-D)", n)
	}
}

// The top-down path of PP-OCR det's neck: x + x·g + up2(b), then a
// Concat with up4(c).
func TestRcFuseNeck(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mode      string
		float     bool // false: a QuantizeLinear/DequantizeLinear pair in the graph
		wantNodes int
	}{
		{"fused", "nearest", true, 2},
		{"linear", "linear", true, 5},
		{"quantized graph", "nearest", false, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(3))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 2, 8, 8)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("g", randT(r, 1, 2, 1, 1))
			g.AddInitializer("b", randT(r, 1, 2, 4, 4))
			g.AddInitializer("c", randT(r, 1, 3, 2, 2))
			g.AddInitializer("s2", tensor.From([]int{4}, []float32{1, 1, 2, 2}))
			g.AddInitializer("s4", tensor.From([]int{4}, []float32{1, 1, 4, 4}))
			g.AddInitializer("roi", tensor.From([]int{0}, []float32{}))
			resize := func(in, sc, out string) *ir.Node {
				return &ir.Node{Name: out, OpType: "Resize", Inputs: []string{in, "roi", sc}, Outputs: []string{out}, Attrs: []*ir.Attr{
					{Name: "mode", Type: ir.AttrString, S: tc.mode},
					{Name: "coordinate_transformation_mode", Type: ir.AttrString, S: "asymmetric"},
					{Name: "nearest_mode", Type: ir.AttrString, S: "floor"},
				}}
			}
			g.Nodes = []*ir.Node{
				{Name: "m", OpType: "Mul", Inputs: []string{"x", "g"}, Outputs: []string{"m"}},
				{Name: "s", OpType: "Add", Inputs: []string{"m", "x"}, Outputs: []string{"s"}},
				resize("b", "s2", "ub"),
				{Name: "a", OpType: "Add", Inputs: []string{"s", "ub"}, Outputs: []string{"a"}},
				resize("c", "s4", "uc"),
				{Name: "y", OpType: "Concat", Inputs: []string{"uc", "a"}, Outputs: []string{"y"}, Attrs: []*ir.Attr{{Name: "axis", Type: ir.AttrInt, I: 1}}},
			}
			if !tc.float {
				// x → Q → DQ → (the neck): a quantized graph keeps its
				// Resize and Concat for the byte paths of the QDQ fusion.
				g.AddInitializer("qs", tensor.Scalar[float32](0.05))
				g.AddInitializer("qz", tensor.Scalar[uint8](128))
				g.Nodes = append([]*ir.Node{
					{Name: "q", OpType: "QuantizeLinear", Inputs: []string{"x", "qs", "qz"}, Outputs: []string{"xq"}},
					{Name: "dq", OpType: "DequantizeLinear", Inputs: []string{"xq", "qs", "qz"}, Outputs: []string{"xd"}},
				}, g.Nodes...)
				for _, n := range g.Nodes[2:] {
					for i, v := range n.Inputs {
						if v == "x" {
							n.Inputs[i] = "xd"
						}
					}
				}
			}
			m := &ir.Model{Opsets: map[string]int64{"": 13}, Graph: g}
			x := randT(r, 1, 2, 8, 8)
			ref := runModel(t, m, x)
			fused := m.Clone()
			passes.FuseTransformerOps(fused)
			if len(fused.Graph.Nodes) != tc.wantNodes {
				for _, n := range fused.Graph.Nodes {
					t.Log(n.Domain, n.OpType, n.Inputs)
				}
				t.Fatalf("%d nodes, want %d", len(fused.Graph.Nodes), tc.wantNodes)
			}
			if err := fused.Graph.Validate(nil); err != nil {
				t.Fatal(err)
			}
			got := runModel(t, fused, x)
			for i, v := range ref.Float32s() {
				if got.Float32s()[i] != v {
					t.Fatalf("element %d: %v vs %v", i, got.Float32s()[i], v)
				}
			}
		})
	}
}
