package passes

import "github.com/qinfer/qinfer/ir"

// RemoveDeadNodes deletes nodes none of whose outputs reach a graph output
// (directly or through outer-scope reads of subgraphs), and initializers no
// node reads. Subgraphs are cleaned too.
func RemoveDeadNodes(g *ir.Graph) bool {
	changed := false
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			if RemoveDeadNodes(sg) {
				changed = true
			}
		}
	}
	live := map[string]bool{}
	for _, o := range g.Outputs {
		live[o.Name] = true
	}
	order, err := g.TopoSort()
	if err != nil {
		return changed
	}
	keep := map[*ir.Node]bool{}
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		used := false
		for _, o := range n.Outputs {
			if o != "" && live[o] {
				used = true
				break
			}
		}
		if !used {
			continue
		}
		keep[n] = true
		for _, in := range n.Uses() {
			live[in] = true
		}
	}
	if len(keep) != len(g.Nodes) {
		var nodes []*ir.Node
		for _, n := range g.Nodes {
			if keep[n] {
				nodes = append(nodes, n)
			}
		}
		g.Nodes = nodes
		changed = true
	}
	isInput := map[string]bool{}
	for _, in := range g.Inputs {
		isInput[in.Name] = true
	}
	for _, name := range append([]string{}, g.InitOrder...) {
		if !live[name] && !isInput[name] {
			g.RemoveInitializer(name)
			changed = true
		}
	}
	return changed
}
