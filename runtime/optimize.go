package runtime

import (
	"fmt"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/tensor"
)

// optimize runs the graph passes to a fixpoint: constant folding with the
// ops kernels as evaluator, dead-node removal, then QDQ → integer operator
// fusion (which evaluates its lookup tables with the same kernels).
func optimize(m *ir.Model, opts Options) error {
	foldArena := ops.NewArena()
	if opts.MaxMemory > 0 {
		foldArena.MaxTensorBytes = opts.MaxMemory
	}
	eval := func(n *ir.Node, in []*tensor.Tensor) (_ []*tensor.Tensor, ok bool) {
		// A panicking kernel is left unfolded; running it reports the bug.
		defer func() {
			if r := recover(); r != nil {
				ok = false
			}
		}()
		opset := int(m.Opset(n.Domain))
		f, err := ops.Lookup(n.Domain, n.OpType, opset)
		if err != nil {
			return nil, false
		}
		k, err := f(n, opset)
		if err != nil {
			return nil, false
		}
		if _, isValue := k.(ops.ValueKernel); isValue {
			return nil, false
		}
		// Folding honours the per-tensor cap (MaxMemory) like a run does; a
		// refused node stays unfolded and fails at run time with ErrLimit.
		ctx := &ops.Context{Node: n, Opset: opset, Threads: opts.Threads, Arena: foldArena}
		out, err := k.Run(ctx, in)
		if err != nil {
			return nil, false
		}
		return out, true
	}
	passes.FoldBatchNorm(m.Graph)
	// Phase 1 keeps DequantizeLinear nodes of constant weights unfolded, so
	// FuseQDQ still sees the DQ → Conv → Q patterns (Constant nodes holding
	// scales do get folded into initializers it can read).
	keepDQ := func(n *ir.Node, in []*tensor.Tensor) ([]*tensor.Tensor, bool) {
		if n.Domain == "" && n.OpType == "DequantizeLinear" {
			return nil, false
		}
		return eval(n, in)
	}
	for i := 0; i < 8; i++ {
		a := passes.FoldConstants(m.Graph, keepDQ)
		b := passes.RemoveDeadNodes(m.Graph)
		c := passes.FuseQDQ(m.Graph, eval)
		if c {
			// Fused nodes use ONNX Runtime's contrib ops and qinfer's own.
			for _, d := range []string{ir.MSDomain, passes.QDQDomain} {
				if m.Opsets[d] == 0 {
					m.Opsets[d] = 1
				}
			}
		}
		if !a && !b && !c {
			break
		}
	}
	// Phase 2 folds what fusion left, e.g. DQ of weights of float ops.
	for i := 0; i < 8; i++ {
		a := passes.FoldConstants(m.Graph, eval)
		b := passes.RemoveDeadNodes(m.Graph)
		if !a && !b {
			break
		}
	}
	passes.FuseTransformerOps(m)
	fa := passes.FuseActivations(m.Graph)
	fi := passes.FuseInvertedResiduals(m.Graph)
	if fc := passes.FuseConvMaxPool(m.Graph); (fa || fi || fc) && m.Opsets[passes.QDQDomain] == 0 {
		m.Opsets[passes.QDQDomain] = 1
	}
	return nil
}

// inlineFunctions expands calls to model-local functions into their bodies,
// repeating for nested calls (bounded depth).
func inlineFunctions(m *ir.Model) error {
	if len(m.Functions) == 0 {
		return nil
	}
	funcs := map[string]*ir.Function{}
	for _, f := range m.Functions {
		funcs[ir.NormDomain(f.Domain)+"\x00"+f.Name] = f
		for d, v := range f.Opsets {
			if _, ok := m.Opsets[d]; !ok {
				m.Opsets[d] = v
			}
		}
	}
	counter := 0
	var expandGraph func(g *ir.Graph, depth int) error
	expandGraph = func(g *ir.Graph, depth int) error {
		if depth > ir.MaxGraphDepth {
			return fmt.Errorf("runtime: functions nested deeper than %d: %w", ir.MaxGraphDepth, ir.ErrInvalidModel)
		}
		for round := 0; ; round++ {
			if round > ir.MaxGraphDepth {
				return fmt.Errorf("runtime: recursive function calls: %w", ir.ErrInvalidModel)
			}
			var out []*ir.Node
			changed := false
			for _, n := range g.Nodes {
				for _, sg := range n.Subgraphs() {
					if err := expandGraph(sg, depth+1); err != nil {
						return err
					}
				}
				f, ok := funcs[n.Domain+"\x00"+n.OpType]
				if !ok {
					out = append(out, n)
					continue
				}
				counter++
				body, err := instantiate(f, n, counter)
				if err != nil {
					return err
				}
				out = append(out, body...)
				changed = true
			}
			g.Nodes = out
			if !changed {
				return nil
			}
		}
	}
	return expandGraph(m.Graph, 0)
}

func instantiate(f *ir.Function, call *ir.Node, id int) ([]*ir.Node, error) {
	prefix := fmt.Sprintf("%s__%d__", f.Name, id)
	rename := map[string]string{"": ""}
	for i, formal := range f.Inputs {
		rename[formal] = call.Input(i)
	}
	for i, formal := range f.Outputs {
		if i < len(call.Outputs) {
			rename[formal] = call.Outputs[i]
		} else {
			rename[formal] = prefix + formal
		}
	}
	name := func(v string) string {
		if r, ok := rename[v]; ok {
			return r
		}
		return prefix + v
	}
	attrs := map[string]*ir.Attr{}
	for _, a := range f.AttrProtos {
		attrs[a.Name] = a
	}
	for _, a := range call.Attrs {
		attrs[a.Name] = a
	}
	var out []*ir.Node
	for _, bn := range f.Nodes {
		n := bn.Clone()
		n.Name = prefix + bn.Name
		for i, v := range n.Inputs {
			n.Inputs[i] = name(v)
		}
		for i, v := range n.Outputs {
			n.Outputs[i] = name(v)
		}
		var kept []*ir.Attr
		for _, a := range n.Attrs {
			if a.RefAttr != "" {
				src, ok := attrs[a.RefAttr]
				if !ok {
					continue // unset optional attribute
				}
				c := *src
				c.Name = a.Name
				kept = append(kept, &c)
				continue
			}
			kept = append(kept, a)
		}
		n.Attrs = kept
		// Subgraphs of body nodes may read function-local names.
		for _, sg := range n.Subgraphs() {
			renameOuter(sg, name)
		}
		out = append(out, n)
	}
	return out, nil
}

// renameOuter renames the outer-scope reads of a subgraph.
func renameOuter(g *ir.Graph, name func(string) string) {
	for _, outer := range g.OuterNames() {
		nn := name(outer)
		for _, n := range g.Nodes {
			for i, v := range n.Inputs {
				if v == outer {
					n.Inputs[i] = nn
				}
			}
			for _, sg := range n.Subgraphs() {
				renameOuter(sg, func(s string) string {
					if s == outer {
						return nn
					}
					return s
				})
			}
		}
		for _, o := range g.Outputs {
			if o.Name == outer {
				o.Name = nn
			}
		}
	}
}
