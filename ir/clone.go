package ir

import "github.com/qinfer/qinfer/tensor"

// Clone returns a copy of the model whose graphs, nodes and attributes can
// be changed without affecting m. Tensors are shared (treat them as
// immutable).
func (m *Model) Clone() *Model {
	c := *m
	c.Opsets = make(map[string]int64, len(m.Opsets))
	for k, v := range m.Opsets {
		c.Opsets[k] = v
	}
	c.Metadata = append([]KV(nil), m.Metadata...)
	if m.Graph != nil {
		c.Graph = m.Graph.Clone()
	}
	c.Functions = make([]*Function, len(m.Functions))
	for i, f := range m.Functions {
		fc := *f
		fc.Nodes = cloneNodes(f.Nodes)
		c.Functions[i] = &fc
	}
	return &c
}

// Clone copies the graph's structure (nodes, attributes, subgraphs, value
// infos, initializer map); tensors are shared.
func (g *Graph) Clone() *Graph {
	c := *g
	c.Nodes = cloneNodes(g.Nodes)
	c.Inputs = cloneVIs(g.Inputs)
	c.Outputs = cloneVIs(g.Outputs)
	c.ValueInfo = cloneVIs(g.ValueInfo)
	c.Initializers = nil
	if g.Initializers != nil {
		c.Initializers = make(map[string]*tensor.Tensor, len(g.Initializers))
		for k, v := range g.Initializers {
			c.Initializers[k] = v
		}
	}
	c.InitOrder = append([]string(nil), g.InitOrder...)
	return &c
}

func cloneVIs(vs []*ValueInfo) []*ValueInfo {
	if vs == nil {
		return nil
	}
	out := make([]*ValueInfo, len(vs))
	for i, v := range vs {
		c := *v
		out[i] = &c
	}
	return out
}

func cloneNodes(ns []*Node) []*Node {
	out := make([]*Node, len(ns))
	for i, n := range ns {
		out[i] = n.Clone()
	}
	return out
}

// Clone copies a node with its attributes; graph attributes are cloned too.
func (n *Node) Clone() *Node {
	c := *n
	c.Inputs = append([]string(nil), n.Inputs...)
	c.Outputs = append([]string(nil), n.Outputs...)
	c.Attrs = make([]*Attr, len(n.Attrs))
	for i, a := range n.Attrs {
		ac := *a
		if a.G != nil {
			ac.G = a.G.Clone()
		}
		if a.Graphs != nil {
			ac.Graphs = make([]*Graph, len(a.Graphs))
			for j, g := range a.Graphs {
				ac.Graphs[j] = g.Clone()
			}
		}
		c.Attrs[i] = &ac
	}
	return &c
}
