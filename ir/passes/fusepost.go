package passes

import (
	"github.com/qinfer/qinfer/ir"
)

// fusePostAffine folds scalar Mul/Add nodes that follow a FusedConv's
// activation into it, as the attribute
//
//	activation_post  floats [s, t]: y = act(conv) * s + t
//
// PP-OCRv4's backbone (PPLCNetV3) puts such a learnable affine block
// after every activation, which would otherwise cost two passes over the
// activation map each. The FusedConv's output must have exactly one
// reader, the Mul or Add, whose other input is a one-element float32
// initializer; chains of them compose.
func fusePostAffine(g *ir.Graph) bool {
	changed := false
	for {
		readers := fuseReaders(g)
		removed := map[*ir.Node]bool{}
		for _, conv := range g.Nodes {
			if conv.Domain != QDQDomain || conv.OpType != FusedConvOp || len(conv.Outputs) != 1 || removed[conv] {
				continue
			}
			if conv.AttrString("activation", "") == "" {
				continue // without activation the affine folds into W and B
			}
			y := conv.Outputs[0]
			rs := readers[y]
			if len(rs) != 1 || rs[0] == nil {
				continue
			}
			op := rs[0]
			if op.Domain != "" || (op.OpType != "Mul" && op.OpType != "Add") || len(op.Inputs) != 2 || len(op.Outputs) != 1 {
				continue
			}
			other := op.Inputs[0]
			if other == y {
				other = op.Inputs[1]
			}
			ct := fuseConst(g, other)
			if other == y || ct == nil || ct.Len() != 1 {
				continue
			}
			k := ct.Float32s()[0]
			s, t := float32(1), float32(0)
			var kept []*ir.Attr
			for _, a := range conv.Attrs {
				if a.Name == "activation_post" && len(a.Floats) == 2 {
					s, t = a.Floats[0], a.Floats[1]
					continue
				}
				kept = append(kept, a)
			}
			if op.OpType == "Mul" {
				s, t = s*k, t*k
			} else {
				t += k
			}
			conv.Attrs = append(kept, &ir.Attr{Name: "activation_post", Type: ir.AttrFloats, Floats: []float32{s, t}})
			conv.Outputs = []string{op.Outputs[0]}
			removed[op] = true
		}
		if len(removed) == 0 {
			return changed
		}
		fuseDrop(g, removed)
		changed = true
	}
}
