package passes

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// FusedConvOp is the operator type FuseActivations emits (domain
// QDQDomain): a Conv followed by an element-wise activation. It carries
// the Conv's attributes plus
//
//	activation         string: Relu, Clip, LeakyRelu, HardSigmoid, HardSwish or Sigmoid
//	activation_params  floats: Clip [min, max], LeakyRelu [alpha],
//	                   HardSigmoid [alpha, beta], others []
//	activation_post    floats [s, t], optional: the output is act(·)*s + t
//
// and, from the residual fusion, an optional fourth input Z added before
// the activation.
const FusedConvOp = "FusedConv"

// FusedConvTransposeOp is ConvTranspose followed by an activation, with
// FusedConvOp's activation attributes (no residual, no post affine).
const FusedConvTransposeOp = "FusedConvTranspose"

// FuseActivations replaces an ai.onnx Conv whose output has exactly one
// reader, that reader being Relu, Clip (with constant bounds), LeakyRelu,
// HardSigmoid, HardSwish or Sigmoid, by one qinfer.FusedConv node that
// writes the activation's output. Conv outputs that are graph outputs or
// read by several nodes are left alone. Subgraphs are processed too.
//
// To expose more of these patterns it first folds BatchNormalization
// (FoldBatchNorm, again: weights held by Constant nodes only became
// initializers after constant folding) and constant Mul/Add by a scalar
// or per-channel value into the Conv before them, and rewrites the
// decomposed hard swish x * Clip(x + 3, 0, 6) / 6 as HardSwish(x).
func FuseActivations(g *ir.Graph) bool {
	changed := false
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if FuseActivations(sg) {
				changed = true
			}
		}
	}
	if FoldBatchNorm(g) {
		changed = true
	}
	if fuseConvAffine(g) {
		changed = true
	}
	if fuseHardSwish(g) {
		changed = true
	}
	if fuseConvAct(g) {
		changed = true
	}
	if fuseConvAdd(g) {
		changed = true
	}
	if fusePostAffine(g) {
		changed = true
	}
	return changed
}

// fuseProducers maps each value to the node computing it.
func fuseProducers(g *ir.Graph) map[string]*ir.Node {
	producer := map[string]*ir.Node{}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			producer[o] = n
		}
	}
	return producer
}

// fuseReaders maps each value to the nodes reading it (graph outputs
// count as a nil reader).
func fuseReaders(g *ir.Graph) map[string][]*ir.Node {
	readers := map[string][]*ir.Node{}
	for _, n := range g.Nodes {
		for _, in := range n.Uses() {
			if in != "" {
				readers[in] = append(readers[in], n)
			}
		}
	}
	for _, o := range g.Outputs {
		readers[o.Name] = append(readers[o.Name], nil)
	}
	return readers
}

// fuseConst returns the float32 initializer name (not overridable by a
// graph input), or nil.
func fuseConst(g *ir.Graph, name string) *tensor.Tensor {
	t, ok := g.Initializers[name]
	if !ok || t.DType() != tensor.Float32 {
		return nil
	}
	for _, in := range g.Inputs {
		if in.Name == name {
			return nil
		}
	}
	return t
}

// fuseDrop removes the nodes in removed from g.
func fuseDrop(g *ir.Graph, removed map[*ir.Node]bool) {
	if len(removed) == 0 {
		return
	}
	nodes := g.Nodes[:0]
	for _, n := range g.Nodes {
		if !removed[n] {
			nodes = append(nodes, n)
		}
	}
	clear(g.Nodes[len(nodes):])
	g.Nodes = nodes
}

// fuseConvAffine folds Mul and Add by a constant scalar or per-channel
// ([C,1,...] or [1,C,1,...]) float32 value into the float32 Conv whose
// only reader they are:
//
//	Mul: W'[o] = W[o]*c[o], b'[o] = b[o]*c[o]      Add: b'[o] = b[o] + c[o]
func fuseConvAffine(g *ir.Graph) bool { return fuseConvConst(g, true, false) }

// fuseConvConst is fuseConvAffine (mul: Mul folds too) and FoldBatchNorm's
// bias fold (convT: an Add after a ConvTranspose folds too, its output
// channels being W's dim 1 times group).
func fuseConvConst(g *ir.Graph, mul, convT bool) bool {
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	removed := map[*ir.Node]bool{}
	for _, op := range g.Nodes {
		if op.Domain != "" || !(op.OpType == "Add" || mul && op.OpType == "Mul") || len(op.Inputs) != 2 || len(op.Outputs) != 1 || op.Outputs[0] == "" {
			continue
		}
		for side := 0; side < 2; side++ {
			y, cname := op.Inputs[side], op.Inputs[1-side]
			conv := producer[y]
			if conv == nil || conv.Domain != "" || !(conv.OpType == "Conv" || convT && conv.OpType == "ConvTranspose") ||
				len(conv.Outputs) != 1 || len(readers[y]) != 1 || y == cname {
				continue
			}
			ct, wt := fuseConst(g, cname), fuseConst(g, conv.Input(1))
			if ct == nil || wt == nil || wt.Rank() < 3 {
				continue
			}
			outC := wt.Shape()[0]
			if conv.OpType == "ConvTranspose" {
				grp := conv.AttrInt("group", 1)
				if grp < 1 || grp > int64(1<<20) {
					continue
				}
				outC = wt.Shape()[1] * int(grp)
			}
			per, ok := fuseChannelVals(ct, wt.Rank(), outC)
			if !ok {
				continue
			}
			bias := make([]float32, outC)
			if b := conv.Input(2); b != "" {
				bt := fuseConst(g, b)
				if bt == nil || bt.Len() != outC {
					continue
				}
				copy(bias, bt.Float32s())
			}
			if op.OpType == "Mul" {
				w := wt.Float32s()
				nw := make([]float32, len(w))
				inner := len(w) / outC
				for o := 0; o < outC; o++ {
					for i := o * inner; i < (o+1)*inner; i++ {
						nw[i] = w[i] * per[o]
					}
					bias[o] *= per[o]
				}
				wName := uniqueName(g, conv.Input(1)+"_scaled")
				g.AddInitializer(wName, tensor.Must(tensor.FromData(tensor.Float32, wt.Shape(), nw)))
				conv.Inputs = append([]string{conv.Input(0), wName}, conv.Inputs[2:]...)
			} else {
				for o := range bias {
					bias[o] += per[o]
				}
			}
			bName := uniqueName(g, op.Outputs[0]+"_bias")
			g.AddInitializer(bName, tensor.Must(tensor.FromData(tensor.Float32, []int{outC}, bias)))
			conv.Inputs = []string{conv.Input(0), conv.Input(1), bName}
			conv.Outputs = []string{op.Outputs[0]}
			producer[op.Outputs[0]] = conv
			removed[op] = true
			break
		}
	}
	fuseDrop(g, removed)
	if len(removed) > 0 {
		RemoveDeadNodes(g)
	}
	return len(removed) > 0
}

// fuseChannelVals expands c to one value per output channel when it
// broadcasts against a Conv output of the given rank as a scalar or
// along the channel axis only, without changing the output's shape.
func fuseChannelVals(c *tensor.Tensor, rank, outC int) ([]float32, bool) {
	cs := c.Shape()
	if len(cs) > rank {
		return nil, false
	}
	v := c.Float32s()
	per := make([]float32, outC)
	if len(v) == 1 {
		for i := range per {
			per[i] = v[0]
		}
		return per, true
	}
	// Right-align: the channel axis is rank-1-1 from the end.
	for i, d := range cs {
		axis := rank - len(cs) + i
		if (axis == 1 && d != outC) || (axis != 1 && d != 1) {
			return nil, false
		}
	}
	if len(v) != outC {
		return nil, false
	}
	copy(per, v)
	return per, true
}

// fuseScalar reports whether name is a float32 constant with the single
// value v.
func fuseScalar(g *ir.Graph, name string, v float32) bool {
	t := fuseConst(g, name)
	return t != nil && t.Len() == 1 && t.Float32s()[0] == v
}

// FuseHardSwish rewrites the decomposed hard swish x * Clip(x + 3, 0, 6) / 6
// as HardSwish(x) (ai.onnx since opset 14) and reports whether it changed g.
// The quantizer uses it so that the activation becomes one lookup table.
func FuseHardSwish(g *ir.Graph) bool { return fuseHardSwish(g) }

// fuseHardSwish rewrites Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6), with
// intermediate values read only inside the pattern, as HardSwish(x).
func fuseHardSwish(g *ir.Graph) bool {
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	only := func(name string, kind string) *ir.Node {
		n := producer[name]
		if n == nil || n.Domain != "" || n.OpType != kind || len(n.Outputs) != 1 || len(readers[name]) != 1 {
			return nil
		}
		return n
	}
	removed := map[*ir.Node]bool{}
	for _, div := range g.Nodes {
		if div.Domain != "" || div.OpType != "Div" || len(div.Inputs) != 2 || !fuseScalar(g, div.Inputs[1], 6) {
			continue
		}
		mul := only(div.Inputs[0], "Mul")
		if mul == nil || len(mul.Inputs) != 2 {
			continue
		}
		for side := 0; side < 2; side++ {
			x := mul.Inputs[side]
			clip := only(mul.Inputs[1-side], "Clip")
			if clip == nil {
				continue
			}
			switch len(clip.Inputs) {
			case 1: // before opset 11: bounds are attributes
				if clip.Attr("min") == nil || clip.Attr("max") == nil || clip.AttrFloat("min", -1) != 0 || clip.AttrFloat("max", 0) != 6 {
					continue
				}
			case 3:
				if !fuseScalar(g, clip.Inputs[1], 0) || !fuseScalar(g, clip.Inputs[2], 6) {
					continue
				}
			default:
				continue
			}
			add := only(clip.Inputs[0], "Add")
			if add == nil || len(add.Inputs) != 2 {
				continue
			}
			if !(add.Inputs[0] == x && fuseScalar(g, add.Inputs[1], 3)) && !(add.Inputs[1] == x && fuseScalar(g, add.Inputs[0], 3)) {
				continue
			}
			if removed[mul] || removed[clip] || removed[add] {
				continue
			}
			// The Div node becomes HardSwish (ai.onnx since opset 14; the
			// runtime's lookup serves it at older opsets too).
			div.OpType, div.Inputs, div.Attrs = "HardSwish", []string{x}, nil
			removed[mul], removed[clip], removed[add] = true, true, true
			break
		}
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}

// fuseConvAct is FuseActivations' last step: Conv + activation.
func fuseConvAct(g *ir.Graph) bool {
	changed := false
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
		if conv.Domain != "" || (conv.OpType != "Conv" && conv.OpType != "ConvTranspose") || len(conv.Outputs) != 1 || removed[conv] {
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
		if conv.OpType == "ConvTranspose" {
			conv.OpType = FusedConvTransposeOp
		} else {
			conv.OpType = FusedConvOp
		}
		conv.Domain = QDQDomain
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
