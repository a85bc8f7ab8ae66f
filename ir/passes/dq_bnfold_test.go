package passes_test

import (
	"math"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/tensor"
)

// PP-OCR det's head writes ConvTranspose → Add(bias [1,C,1,1]) →
// BatchNormalization: the Add folds into the bias, then the BN. A [C]
// constant broadcasts along the last axis, not the channels: no fold.
func TestFoldBatchNormThroughAdd(t *testing.T) {
	for _, tc := range []struct {
		name   string
		op     string
		w      []int
		c      []int
		folded bool
	}{
		{"convtranspose add [1,C,1,1]", "ConvTranspose", []int{3, 4, 2, 2}, []int{1, 4, 1, 1}, true},
		{"conv add scalar", "Conv", []int{4, 3, 3, 3}, []int{1}, true},
		{"conv add [C] (last axis)", "Conv", []int{4, 3, 1, 1}, []int{4}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(2))
			g := &ir.Graph{
				Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1, 3, 4, 4)}},
				Outputs: []*ir.ValueInfo{{Name: "y"}},
			}
			g.AddInitializer("w", randT(r, tc.w...))
			g.AddInitializer("c", randT(r, tc.c...))
			g.AddInitializer("gamma", randT(r, 4))
			g.AddInitializer("beta", randT(r, 4))
			g.AddInitializer("mean", randT(r, 4))
			g.AddInitializer("var", posT(r, 4))
			g.Nodes = []*ir.Node{
				{Name: "conv", OpType: tc.op, Inputs: []string{"x", "w"}, Outputs: []string{"cv"}},
				{Name: "add", OpType: "Add", Inputs: []string{"c", "cv"}, Outputs: []string{"a"}},
				{Name: "bn", OpType: "BatchNormalization", Inputs: []string{"a", "gamma", "beta", "mean", "var"}, Outputs: []string{"y"}},
			}
			m := &ir.Model{Opsets: map[string]int64{"": 13}, Graph: g}
			x := randT(r, 1, 3, 4, 4)
			ref := runModel(t, m, x)
			f := m.Clone()
			passes.FoldBatchNorm(f.Graph)
			if got := len(f.Graph.Nodes) == 1; got != tc.folded {
				t.Fatalf("folded to %d nodes, want folded = %v", len(f.Graph.Nodes), tc.folded)
			}
			got := runModel(t, f, x)
			for i, v := range ref.Float32s() {
				if d := math.Abs(float64(v - got.Float32s()[i])); d > 1e-4*math.Max(1, math.Abs(float64(v))) {
					t.Fatalf("element %d: %v vs %v", i, got.Float32s()[i], v)
				}
			}
		})
	}
}
