package passes

import "github.com/qinfer/qinfer/ir"

// fuseConvAdd folds the Add of a residual connection, and the activation
// after it, into the convolution before it: Conv → Add(·, Z) → [act]
// becomes one FusedConv with Z as its fourth input, computing
// act(Conv(X, W, B) + Z) in SGEMM's output stage. The Conv (ai.onnx Conv
// or an activation-free FusedConv) must have exactly one reader, the Add,
// and a constant weight of a non-depthwise shape; Z must not be an
// initializer. Z may broadcast: the kernel checks shapes at run time and
// falls back to Add's broadcasting. When both Add inputs come from
// fusable convs, the first one takes the other as its residual.
// The fused node takes the Add's place in the node order, where Z is
// already computed.
func fuseConvAdd(g *ir.Graph) bool {
	readers := fuseReaders(g)
	outputs := map[string]bool{}
	for _, o := range g.Outputs {
		outputs[o.Name] = true
	}
	inputs := map[string]bool{}
	for _, in := range g.Inputs {
		inputs[in.Name] = true
	}
	producer := fuseProducers(g)
	removed := map[*ir.Node]bool{}
	replace := map[*ir.Node]*ir.Node{} // Add node → fused node
	for _, add := range g.Nodes {
		if add.Domain != "" || add.OpType != "Add" || len(add.Inputs) != 2 || len(add.Outputs) != 1 || removed[add] {
			continue
		}
		for side := 0; side < 2; side++ {
			y, z := add.Inputs[side], add.Inputs[1-side]
			conv := producer[y]
			// A constant Z is a bias (fuseConvAffine's business), not a
			// residual.
			if _, constZ := g.Initializers[z]; constZ {
				continue
			}
			if conv == nil || removed[conv] || y == z || z == "" || !fuseAddableConv(g, conv) {
				continue
			}
			if rs := readers[y]; outputs[y] || len(rs) != 1 || rs[0] != add {
				continue
			}
			fused := conv.Clone()
			fused.OpType, fused.Domain = FusedConvOp, QDQDomain
			for len(fused.Inputs) < 3 {
				fused.Inputs = append(fused.Inputs, "")
			}
			fused.Inputs = append(fused.Inputs[:3], z)
			fused.Outputs = []string{add.Outputs[0]}
			attrs := fused.Attrs[:0]
			for _, a := range fused.Attrs {
				if a.Name != "activation" && a.Name != "activation_params" {
					attrs = append(attrs, a)
				}
			}
			fused.Attrs = attrs
			// An activation reading only the sum joins too.
			if rs := readers[add.Outputs[0]]; !outputs[add.Outputs[0]] && len(rs) == 1 {
				act := rs[0]
				if act.Domain == "" && len(act.Outputs) == 1 && act.Input(0) == add.Outputs[0] && len(act.Subgraphs()) == 0 {
					if params, ok := fuseActParams(g, act, inputs); ok {
						fused.Attrs = append(fused.Attrs,
							&ir.Attr{Name: "activation", Type: ir.AttrString, S: act.OpType},
							&ir.Attr{Name: "activation_params", Type: ir.AttrFloats, Floats: params})
						fused.Outputs = []string{act.Outputs[0]}
						removed[act] = true
					}
				}
			}
			removed[conv] = true
			replace[add] = fused
			break
		}
	}
	if len(replace) == 0 {
		return false
	}
	nodes := make([]*ir.Node, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		if f, ok := replace[n]; ok {
			nodes = append(nodes, f)
		} else if !removed[n] {
			nodes = append(nodes, n)
		}
	}
	g.Nodes = nodes
	return true
}

// fuseAddableConv reports a convolution fuseConvAdd can extend: a plain
// Conv, or a FusedConv without activation or residual, with an
// initializer weight that is not depthwise (the depthwise kernel has no
// residual stage).
func fuseAddableConv(g *ir.Graph, n *ir.Node) bool {
	switch {
	case n.Domain == "" && n.OpType == "Conv":
	case n.Domain == QDQDomain && n.OpType == FusedConvOp:
		if n.AttrString("activation", "") != "" || len(n.Inputs) > 3 {
			return false
		}
	default:
		return false
	}
	if len(n.Outputs) != 1 || len(n.Inputs) < 2 {
		return false
	}
	w := g.Initializers[n.Inputs[1]]
	if w == nil || w.Rank() < 3 {
		return false
	}
	group := n.AttrInt("group", 1)
	ws := w.Shape()
	return !(group > 1 && ws[1] == 1 && int64(ws[0]) == group)
}
