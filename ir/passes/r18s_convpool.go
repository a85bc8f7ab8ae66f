package passes

import "github.com/qinfer/qinfer/ir"

// ConvMaxPoolOp is the operator type FuseConvMaxPool emits (domain
// QDQDomain): a 2-D convolution (Conv or FusedConv, without residual)
// followed by a MaxPool, as one node. Inputs are the convolution's
// (x, W, B); attributes are the convolution's, plus the MaxPool's with
// the prefix "pool.". The kernel computes the convolution in bands of
// output rows and pools each band while it is in cache (ResNet's stem).
const ConvMaxPoolOp = "ConvMaxPool"

// FuseConvMaxPool replaces a group-1 convolution whose weights are a
// rank-4 float32 initializer, whose output is read only by a MaxPool
// with one output (no Indices) and no dilation, by one ConvMaxPool node.
// Run it after FuseActivations, whose activation the convolution
// carries. Subgraphs are processed too.
func FuseConvMaxPool(g *ir.Graph) bool {
	changed := false
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if FuseConvMaxPool(sg) {
				changed = true
			}
		}
	}
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	removed := map[*ir.Node]bool{}
	replace := map[*ir.Node]*ir.Node{}
	for _, p := range g.Nodes {
		if p.Domain != "" || p.OpType != "MaxPool" || len(p.Inputs) != 1 || len(p.Outputs) == 0 || p.Outputs[0] == "" {
			continue
		}
		if len(p.Outputs) > 1 && p.Outputs[1] != "" || len(p.AttrInts("kernel_shape")) != 2 {
			continue
		}
		dilated := false
		for _, d := range p.AttrInts("dilations") {
			dilated = dilated || d != 1
		}
		c := producer[p.Input(0)]
		if dilated || c == nil || removed[c] || !mbIsConv(c, 3) || c.AttrInt("group", 1) != 1 {
			continue
		}
		if rs := readers[p.Input(0)]; len(rs) != 1 || rs[0] != p {
			continue
		}
		if mbWeight(g, c) == nil {
			continue
		}
		f := &ir.Node{Name: c.Name + "/" + ConvMaxPoolOp, OpType: ConvMaxPoolOp, Domain: QDQDomain,
			Inputs: append([]string(nil), c.Inputs...), Outputs: []string{p.Outputs[0]}}
		f.Attrs = mbPrefixed(f.Attrs, c, "")
		f.Attrs = mbPrefixed(f.Attrs, p, "pool.")
		removed[c] = true
		replace[p] = f
	}
	if len(replace) == 0 {
		return changed
	}
	mbSwap(g, removed, replace)
	return true
}
