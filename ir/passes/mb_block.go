package passes

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// InvertedResidualOp is the operator type FuseInvertedResiduals emits
// (domain QDQDomain): MobileNetV2's inverted residual block, a
// 1x1 expansion (optional: MobileNetV2's first block and PP-LCNet's
// depthwise → pointwise chains have none), a depthwise convolution and a 1x1 projection (with the
// residual Add FuseActivations folded into it), as one node. Inputs:
//
//	x, We, Be, Wd, Bd, Wp, Bp, Z
//
// (empty names for absent ones: no expansion, no bias, no residual).
// Attributes are the three convolutions' Conv/FusedConv attributes with
// the prefixes "expand.", "dw." and "project.". The kernel runs the block
// in bands of output rows so the expanded intermediates stay in cache.
const InvertedResidualOp = "InvertedResidual"

// FuseInvertedResiduals replaces chains [E →] D → P of float convolutions
// (Conv or FusedConv) by one InvertedResidual node, where E (when D's
// input is made by a fitting convolution read only by D) is a 1x1
// convolution without residual, D a depthwise 2-D convolution without
// residual and P a 1x1 convolution, all weights float32 initializers and
// each intermediate read only by the next convolution. Run it after
// FuseActivations, whose activations and residuals the chain carries.
// Subgraphs are processed too.
func FuseInvertedResiduals(g *ir.Graph) bool {
	changed := false
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if FuseInvertedResiduals(sg) {
				changed = true
			}
		}
	}
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	// only reports that name is read by n alone (not a graph output).
	only := func(name string, n *ir.Node) bool {
		rs := readers[name]
		return len(rs) == 1 && rs[0] == n
	}
	removed := map[*ir.Node]bool{}
	replace := map[*ir.Node]*ir.Node{}
	for _, p := range g.Nodes {
		if removed[p] || replace[p] != nil || !mbIsConv(p, 4) {
			continue
		}
		wp := mbWeight(g, p)
		if wp == nil || !mbPointwise(p, wp) {
			continue
		}
		d := producer[p.Input(0)]
		if d == nil || removed[d] || replace[d] != nil || !mbIsConv(d, 3) || !only(p.Input(0), p) {
			continue
		}
		wd := mbWeight(g, d)
		if wd == nil || wd.Shape()[1] != 1 || d.AttrInt("group", 1) != int64(wd.Shape()[0]) || wp.Shape()[1] != wd.Shape()[0] {
			continue
		}
		e := producer[d.Input(0)]
		if e != nil && (removed[e] || replace[e] != nil || !mbIsConv(e, 3) || !only(d.Input(0), d)) {
			e = nil
		}
		if e != nil {
			if we := mbWeight(g, e); we == nil || !mbPointwise(e, we) || we.Shape()[0] != wd.Shape()[0] {
				e = nil
			}
		}
		f := &ir.Node{Name: p.Name + "/" + InvertedResidualOp, OpType: InvertedResidualOp, Domain: QDQDomain,
			Inputs: make([]string, 8), Outputs: []string{p.Outputs[0]}}
		if e != nil {
			f.Inputs[0], f.Inputs[1], f.Inputs[2] = e.Input(0), e.Input(1), e.Input(2)
			f.Attrs = mbPrefixed(f.Attrs, e, "expand.")
			removed[e] = true
		} else {
			f.Inputs[0] = d.Input(0)
		}
		f.Inputs[3], f.Inputs[4] = d.Input(1), d.Input(2)
		f.Inputs[5], f.Inputs[6], f.Inputs[7] = p.Input(1), p.Input(2), p.Input(3)
		for len(f.Inputs) > 1 && f.Inputs[len(f.Inputs)-1] == "" {
			f.Inputs = f.Inputs[:len(f.Inputs)-1]
		}
		f.Attrs = mbPrefixed(f.Attrs, d, "dw.")
		f.Attrs = mbPrefixed(f.Attrs, p, "project.")
		removed[d] = true
		replace[p] = f
	}
	if len(replace) == 0 {
		return changed
	}
	mbSwap(g, removed, replace)
	return true
}

// mbIsConv reports an ai.onnx Conv or a FusedConv with one output and at
// most maxIn inputs (4 admits a residual).
func mbIsConv(n *ir.Node, maxIn int) bool {
	ok := (n.Domain == "" && n.OpType == "Conv") || (n.Domain == QDQDomain && n.OpType == FusedConvOp)
	return ok && len(n.Outputs) == 1 && len(n.Inputs) >= 2 && len(n.Inputs) <= maxIn && n.Input(0) != ""
}

// mbWeight returns n's weight when it is a rank-4 float32 initializer
// (and its bias, if any, a float32 initializer too), else nil.
func mbWeight(g *ir.Graph, n *ir.Node) *tensor.Tensor {
	w := fuseConst(g, n.Input(1))
	if w == nil || w.Rank() != 4 {
		return nil
	}
	if b := n.Input(2); b != "" && fuseConst(g, b) == nil {
		return nil
	}
	return w
}

// mbPointwise reports a 1x1, group 1, stride 1, unpadded convolution.
func mbPointwise(n *ir.Node, w *tensor.Tensor) bool {
	s := w.Shape()
	if s[2] != 1 || s[3] != 1 || n.AttrInt("group", 1) != 1 {
		return false
	}
	switch n.AttrString("auto_pad", "NOTSET") {
	case "NOTSET", "VALID", "":
	default:
		return false
	}
	for _, v := range n.AttrInts("strides") {
		if v != 1 {
			return false
		}
	}
	for _, v := range n.AttrInts("pads") {
		if v != 0 {
			return false
		}
	}
	return true
}

// mbPrefixed appends n's attributes, renamed with prefix, to attrs.
func mbPrefixed(attrs []*ir.Attr, n *ir.Node, prefix string) []*ir.Attr {
	for _, a := range n.Attrs {
		c := *a
		c.Name = prefix + a.Name
		attrs = append(attrs, &c)
	}
	return attrs
}

// mbSwap rewrites g's node list: nodes in removed go, a node with an
// entry in replace gives way to it in place, the rest stay in order.
func mbSwap(g *ir.Graph, removed map[*ir.Node]bool, replace map[*ir.Node]*ir.Node) {
	nodes := g.Nodes[:0]
	for _, n := range g.Nodes {
		switch {
		case removed[n]:
		case replace[n] != nil:
			nodes = append(nodes, replace[n])
		default:
			nodes = append(nodes, n)
		}
	}
	clear(g.Nodes[len(nodes):])
	g.Nodes = nodes
}
