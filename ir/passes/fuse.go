package passes

import (
	"math"

	"github.com/qinfer/qinfer/ir"
)

// FusedConvOp is the operator type FuseActivations emits (domain
// QDQDomain): a Conv followed by an element-wise activation. It carries
// the Conv's attributes plus
//
//	activation         string: Relu, Clip, LeakyRelu, HardSigmoid, HardSwish or Sigmoid
//	activation_params  floats: Clip [min, max], LeakyRelu [alpha],
//	                   HardSigmoid [alpha, beta], others []
const FusedConvOp = "FusedConv"

// FuseActivations replaces an ai.onnx Conv whose output has exactly one
// reader, that reader being Relu, Clip (with constant bounds), LeakyRelu,
// HardSigmoid, HardSwish or Sigmoid, by one qinfer.FusedConv node that
// writes the activation's output. Conv outputs that are graph outputs or
// read by several nodes are left alone. Subgraphs are processed too.
func FuseActivations(g *ir.Graph) bool {
	changed := false
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if FuseActivations(sg) {
				changed = true
			}
		}
	}
	readers := map[string][]*ir.Node{}
	for _, n := range g.Nodes {
		for _, in := range n.Uses() {
			if in != "" {
				readers[in] = append(readers[in], n)
			}
		}
	}
	outputs := map[string]bool{}
	for _, o := range g.Outputs {
		outputs[o.Name] = true
	}
	inputs := map[string]bool{}
	for _, in := range g.Inputs {
		inputs[in.Name] = true
	}
	removed := map[*ir.Node]bool{}
	for _, conv := range g.Nodes {
		if conv.Domain != "" || conv.OpType != "Conv" || len(conv.Outputs) != 1 || removed[conv] {
			continue
		}
		y := conv.Outputs[0]
		rs := readers[y]
		if y == "" || outputs[y] || len(rs) != 1 {
			continue
		}
		act := rs[0]
		if act.Domain != "" || len(act.Outputs) != 1 || act.Input(0) != y || len(act.Subgraphs()) > 0 {
			continue
		}
		params, ok := fuseActParams(g, act, inputs)
		if !ok {
			continue
		}
		attrs := make([]*ir.Attr, 0, len(conv.Attrs)+2)
		for _, a := range conv.Attrs {
			if a.Name != "activation" && a.Name != "activation_params" {
				attrs = append(attrs, a)
			}
		}
		attrs = append(attrs,
			&ir.Attr{Name: "activation", Type: ir.AttrString, S: act.OpType},
			&ir.Attr{Name: "activation_params", Type: ir.AttrFloats, Floats: params})
		conv.OpType, conv.Domain = FusedConvOp, QDQDomain
		conv.Attrs = attrs
		conv.Outputs = []string{act.Outputs[0]}
		removed[act] = true
		changed = true
	}
	if len(removed) > 0 {
		nodes := g.Nodes[:0]
		for _, n := range g.Nodes {
			if !removed[n] {
				nodes = append(nodes, n)
			}
		}
		clear(g.Nodes[len(nodes):])
		g.Nodes = nodes
	}
	return changed
}

// fuseActParams returns the activation_params of act, or false when act
// is not a fusable activation (or its Clip bounds are not constants).
func fuseActParams(g *ir.Graph, act *ir.Node, inputs map[string]bool) ([]float32, bool) {
	switch act.OpType {
	case "Relu", "HardSwish", "Sigmoid":
		return []float32{}, len(act.Inputs) == 1
	case "LeakyRelu":
		return []float32{act.AttrFloat("alpha", 0.01)}, len(act.Inputs) == 1
	case "HardSigmoid":
		return []float32{act.AttrFloat("alpha", 0.2), act.AttrFloat("beta", 0.5)}, len(act.Inputs) == 1
	case "Clip":
		lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
		if len(act.Inputs) <= 1 {
			// Before opset 11 the bounds are attributes.
			lo, hi = act.AttrFloat("min", lo), act.AttrFloat("max", hi)
			return []float32{lo, hi}, true
		}
		for i, dst := range []*float32{&lo, &hi} {
			name := act.Input(i + 1)
			if name == "" {
				continue
			}
			t, ok := g.Initializers[name]
			if !ok || inputs[name] || t.Len() != 1 || !t.DType().IsFloat() {
				return nil, false
			}
			v := t.Float64At(0)
			if float64(float32(v)) != v && !math.IsNaN(v) {
				return nil, false // float64 bound not exact in float32
			}
			*dst = float32(v)
		}
		return []float32{lo, hi}, len(act.Inputs) <= 3
	}
	return nil, false
}
