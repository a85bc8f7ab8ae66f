package passes_test

import (
	"math"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

func randT(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(tensor.Float32, shape...)
	for i := range t.Float32s() {
		t.Float32s()[i] = float32(r.NormFloat64())
	}
	return t
}

func posT(r *rand.Rand, n int) *tensor.Tensor {
	t := tensor.Zeros(tensor.Float32, n)
	for i := range t.Float32s() {
		t.Float32s()[i] = 0.5 + r.Float32()
	}
	return t
}

func TestFoldBatchNorm(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      string
		bias    bool
		w       []int
		outC    int
		shareBN bool
	}{
		{"conv+bias", "Conv", true, []int{4, 3, 3, 3}, 4, false},
		{"conv", "Conv", false, []int{5, 3, 1, 1}, 5, false},
		{"convtranspose", "ConvTranspose", true, []int{3, 4, 2, 2}, 4, false},
		{"conv output read twice", "Conv", true, []int{4, 3, 3, 3}, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(1))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 3, 6, 6)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("w", randT(r, tc.w...))
			convIn := []string{"x", "w"}
			if tc.bias {
				g.AddInitializer("b", randT(r, tc.outC))
				convIn = append(convIn, "b")
			}
			g.AddInitializer("gamma", randT(r, tc.outC))
			g.AddInitializer("beta", randT(r, tc.outC))
			g.AddInitializer("mean", randT(r, tc.outC))
			g.AddInitializer("var", posT(r, tc.outC))
			g.Nodes = []*ir.Node{
				{Name: "conv", OpType: tc.op, Inputs: convIn, Outputs: []string{"c"}},
				{Name: "bn", OpType: "BatchNormalization", Inputs: []string{"c", "gamma", "beta", "mean", "var"}, Outputs: []string{"y"},
					Attrs: []*ir.Attr{{Name: "epsilon", Type: ir.AttrFloat, F: 1e-3}}},
			}
			if tc.shareBN {
				g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: "c"})
			}
			m := &ir.Model{Opsets: map[string]int64{"": 13}, Graph: g}
			x := randT(r, 1, 3, 6, 6)
			ref := runModel(t, m, x)
			folded := m.Clone()
			changed := passes.FoldBatchNorm(folded.Graph)
			if changed == tc.shareBN {
				t.Fatalf("changed = %v", changed)
			}
			for _, n := range folded.Graph.Nodes {
				if n.OpType == "BatchNormalization" && !tc.shareBN {
					t.Fatal("BatchNormalization still present")
				}
			}
			got := runModel(t, folded, x)
			for i, v := range ref.Float32s() {
				if d := math.Abs(float64(v - got.Float32s()[i])); d > 1e-4*math.Max(1, math.Abs(float64(v))) {
					t.Fatalf("element %d: %v vs %v", i, got.Float32s()[i], v)
				}
			}
			if _, ok := m.Graph.Initializers["w"]; !ok {
				t.Fatal("original model changed")
			}
		})
	}
}

func runModel(t *testing.T, m *ir.Model, x *tensor.Tensor) *tensor.Tensor {
	t.Helper()
	p, err := runtime.Compile(m, runtime.Options{Threads: 1, NoOptimize: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.NewSession().Run(map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	return out["y"]
}
