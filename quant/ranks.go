package quant

import (
	"fmt"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// AnnotateRanks returns a copy of m whose graph declares the dtype and rank
// (every dim unknown) of each node output that lacks a value_info, as
// observed by running m once on feed. Exporters such as paddle2onnx write
// no value_info, and without ranks the quantizer cannot prove that an
// opset-9 Softmax over the last axis keeps its meaning at opset 13; it then
// stays at an opset without per-channel QuantizeLinear and quantizes
// weights per tensor.
func AnnotateRanks(m *ir.Model, feed map[string]*tensor.Tensor, threads int) (*ir.Model, error) {
	out := m.Clone()
	g := out.Graph
	known := map[string]bool{}
	for _, vi := range g.ValueInfo {
		if vi.Type != nil && vi.Type.HasShape {
			known[vi.Name] = true
		}
	}
	for _, vi := range g.Inputs {
		known[vi.Name] = true
	}
	for _, vi := range g.Outputs {
		if vi.Type != nil && vi.Type.HasShape {
			known[vi.Name] = true
		}
	}
	probe := m.Clone()
	var names []string
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o != "" && !known[o] && g.Initializers[o] == nil {
				known[o] = true
				names = append(names, o)
				probe.Graph.Outputs = append(probe.Graph.Outputs, &ir.ValueInfo{Name: o})
			}
		}
	}
	if len(names) == 0 {
		return out, nil
	}
	plan, err := runtime.Compile(probe, runtime.Options{Threads: threads})
	if err != nil {
		return nil, fmt.Errorf("annotate ranks: %w", err)
	}
	res, err := plan.NewSession().Run(feed)
	if err != nil {
		return nil, fmt.Errorf("annotate ranks: %w", err)
	}
	for _, name := range names {
		t := res[name]
		if t == nil {
			continue
		}
		dims := make([]int64, t.Rank())
		for i := range dims {
			dims[i] = -1
		}
		g.ValueInfo = append(g.ValueInfo, &ir.ValueInfo{Name: name, Type: ir.TensorType(t.DType(), dims...)})
	}
	return out, nil
}
