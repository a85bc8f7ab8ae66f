package ir

import (
	"fmt"
	"sort"
)

// OuterNames returns the names a graph reads but does not define itself
// (neither as input, initializer nor node output), including those read by
// its nested subgraphs. For a top-level graph these are undefined values;
// for a subgraph they are outer-scope references.
func (g *Graph) OuterNames() []string {
	defined := map[string]bool{"": true}
	for _, in := range g.Inputs {
		defined[in.Name] = true
	}
	for name := range g.Initializers {
		defined[name] = true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			defined[o] = true
		}
	}
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if !defined[name] && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			add(in)
		}
		for _, sg := range n.Subgraphs() {
			for _, name := range sg.OuterNames() {
				add(name)
			}
		}
	}
	for _, o := range g.Outputs {
		add(o.Name)
	}
	return out
}

// Subgraphs returns the graph-valued attributes of a node.
func (n *Node) Subgraphs() []*Graph {
	var out []*Graph
	for _, a := range n.Attrs {
		switch a.Type {
		case AttrGraph:
			if a.G != nil {
				out = append(out, a.G)
			}
		case AttrGraphs:
			out = append(out, a.Graphs...)
		}
	}
	return out
}

// Uses returns the value names a node reads, including outer-scope names
// read by its subgraphs.
func (n *Node) Uses() []string {
	out := append([]string{}, n.Inputs...)
	for _, sg := range n.Subgraphs() {
		out = append(out, sg.OuterNames()...)
	}
	return out
}

// Validate checks the graph's structure: node outputs defined once, no
// node output shadowing an input or initializer, every input and output
// defined (names in outer are available from an enclosing scope), and no
// cycles. Subgraphs are checked with this graph's names in scope. Errors
// wrap ErrInvalidModel and name the node and value.
func (g *Graph) Validate(outer map[string]bool) error {
	return g.validate(outer, 0)
}

// MaxGraphDepth bounds the nesting of subgraphs.
const MaxGraphDepth = 64

func (g *Graph) validate(outer map[string]bool, depth int) error {
	if depth > MaxGraphDepth {
		return fmt.Errorf("ir: graph %q: subgraphs nested deeper than %d: %w", g.Name, MaxGraphDepth, ErrInvalidModel)
	}
	defined := map[string]bool{}
	for _, in := range g.Inputs {
		if in.Name == "" {
			return fmt.Errorf("ir: graph %q: input with empty name: %w", g.Name, ErrInvalidModel)
		}
		defined[in.Name] = true
	}
	for name := range g.Initializers {
		defined[name] = true
	}
	producer := map[string]*Node{}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o == "" {
				continue
			}
			if p, dup := producer[o]; dup {
				return fmt.Errorf("ir: value %q is produced by both %v and %v: %w", o, p, n, ErrInvalidModel)
			}
			if defined[o] {
				return fmt.Errorf("ir: %v: output %q redefines a graph input or initializer: %w", n, o, ErrInvalidModel)
			}
			producer[o] = n
		}
	}
	scope := func(name string) bool {
		return name == "" || defined[name] || producer[name] != nil || outer[name]
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			if !scope(in) {
				return fmt.Errorf("ir: %v: input %q is not defined: %w", n, in, ErrInvalidModel)
			}
		}
	}
	for _, o := range g.Outputs {
		if !scope(o.Name) {
			return fmt.Errorf("ir: graph %q: output %q is not defined: %w", g.Name, o.Name, ErrInvalidModel)
		}
	}
	if _, err := g.TopoSort(); err != nil {
		return err
	}
	// Subgraphs see everything defined here plus the outer scope.
	var inner map[string]bool
	for _, n := range g.Nodes {
		sgs := n.Subgraphs()
		if len(sgs) == 0 {
			continue
		}
		if inner == nil {
			inner = map[string]bool{}
			for k := range outer {
				inner[k] = true
			}
			for k := range defined {
				inner[k] = true
			}
			for k := range producer {
				inner[k] = true
			}
		}
		for _, sg := range sgs {
			if err := sg.validate(inner, depth+1); err != nil {
				return fmt.Errorf("ir: in subgraph of %v: %w", n, err)
			}
		}
	}
	return nil
}

// TopoSort returns the nodes in an order where every node comes after the
// producers of its inputs (including values its subgraphs read). Among
// ready nodes, file order is kept. A cycle is an error naming a node on it.
func (g *Graph) TopoSort() ([]*Node, error) {
	producer := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o != "" {
				producer[o] = i
			}
		}
	}
	indeg := make([]int, len(g.Nodes))
	users := make([][]int, len(g.Nodes))
	for i, n := range g.Nodes {
		seen := map[int]bool{}
		for _, in := range n.Uses() {
			p, ok := producer[in]
			if !ok || seen[p] {
				continue
			}
			seen[p] = true
			indeg[i]++
			users[p] = append(users[p], i)
		}
	}
	// Min-heap by index keeps file order among ready nodes.
	var ready []int
	for i := range g.Nodes {
		if indeg[i] == 0 {
			ready = append(ready, i)
		}
	}
	out := make([]*Node, 0, len(g.Nodes))
	for len(ready) > 0 {
		sort.Ints(ready)
		i := ready[0]
		ready = ready[1:]
		out = append(out, g.Nodes[i])
		for _, u := range users[i] {
			indeg[u]--
			if indeg[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(out) != len(g.Nodes) {
		for i, d := range indeg {
			if d > 0 {
				return nil, fmt.Errorf("ir: %v is on a cycle: %w", g.Nodes[i], ErrInvalidModel)
			}
		}
	}
	return out, nil
}
