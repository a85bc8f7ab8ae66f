package passes

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Evaluator computes one node's outputs from constant inputs. It returns
// ok=false to leave the node alone (e.g. unsupported, or not worth folding).
type Evaluator func(n *ir.Node, in []*tensor.Tensor) (out []*tensor.Tensor, ok bool)

// NoFold lists ops that are never folded: random generators, control flow,
// sequences and optionals.
var NoFold = map[string]bool{
	"RandomNormal": true, "RandomUniform": true, "RandomNormalLike": true, "RandomUniformLike": true,
	"Bernoulli": true, "Multinomial": true, "If": true, "Loop": true, "Scan": true, "SequenceMap": true,
	"SequenceConstruct": true, "SequenceEmpty": true, "SequenceInsert": true, "SequenceErase": true,
	"SequenceAt": true, "SequenceLength": true, "SplitToSequence": true, "ConcatFromSequence": true,
	"Optional": true, "OptionalHasElement": true, "OptionalGetElement": true, "Dropout": true,
}

// MaxFoldBytes bounds the size of a folded tensor, so folding never blows up
// a model (ConstantOfShape of a large shape stays a node).
const MaxFoldBytes = 64 << 20

// FoldConstants evaluates ai.onnx nodes whose inputs are all initializers
// (Constant nodes included) and replaces them with initializers. Graph
// inputs that have an initializer default are not constants (the caller may
// override them). Subgraphs are not folded.
func FoldConstants(g *ir.Graph, eval Evaluator) bool {
	overridable := map[string]bool{}
	for _, in := range g.Inputs {
		overridable[in.Name] = true
	}
	isOutput := map[string]bool{}
	for _, o := range g.Outputs {
		isOutput[o.Name] = true
	}
	order, err := g.TopoSort()
	if err != nil {
		return false
	}
	changed := false
	removed := map[*ir.Node]bool{}
	for _, n := range order {
		if n.Domain != "" || NoFold[n.OpType] || len(n.Subgraphs()) > 0 {
			continue
		}
		in := make([]*tensor.Tensor, len(n.Inputs))
		ok := true
		for i, name := range n.Inputs {
			if name == "" {
				continue
			}
			t, isConst := g.Initializers[name]
			if !isConst || overridable[name] {
				ok = false
				break
			}
			in[i] = t
		}
		if !ok {
			continue
		}
		out, ok := eval(n, in)
		if !ok || len(out) < len(n.Outputs) {
			continue
		}
		big := false
		for i, o := range n.Outputs {
			if o != "" && (out[i] == nil || out[i].Bytes() > MaxFoldBytes) {
				big = true
			}
		}
		if big {
			continue
		}
		for i, o := range n.Outputs {
			if o != "" {
				g.AddInitializer(o, out[i])
			}
		}
		removed[n] = true
		changed = true
	}
	if changed {
		var nodes []*ir.Node
		for _, n := range g.Nodes {
			if !removed[n] {
				nodes = append(nodes, n)
			}
		}
		g.Nodes = nodes
	}
	return changed
}
