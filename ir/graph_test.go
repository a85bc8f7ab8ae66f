package ir

import (
	"errors"
	"strings"
	"testing"
)

func node(op string, in []string, out []string) *Node {
	return &Node{Name: op + "_" + strings.Join(out, "_"), OpType: op, Inputs: in, Outputs: out}
}

func TestValidate(t *testing.T) {
	vi := func(n string) *ValueInfo { return &ValueInfo{Name: n} }
	cases := []struct {
		name    string
		g       *Graph
		wantErr string
	}{
		{"ok", &Graph{Inputs: []*ValueInfo{vi("x")}, Outputs: []*ValueInfo{vi("z")},
			Nodes: []*Node{node("Relu", []string{"y"}, []string{"z"}), node("Neg", []string{"x"}, []string{"y"})}}, ""},
		{"undefined input", &Graph{Inputs: []*ValueInfo{vi("x")}, Outputs: []*ValueInfo{vi("y")},
			Nodes: []*Node{node("Add", []string{"x", "nope"}, []string{"y"})}}, `input "nope" is not defined`},
		{"undefined output", &Graph{Inputs: []*ValueInfo{vi("x")}, Outputs: []*ValueInfo{vi("q")},
			Nodes: []*Node{node("Neg", []string{"x"}, []string{"y"})}}, `output "q" is not defined`},
		{"duplicate", &Graph{Inputs: []*ValueInfo{vi("x")}, Outputs: []*ValueInfo{vi("y")},
			Nodes: []*Node{node("Neg", []string{"x"}, []string{"y"}), node("Abs", []string{"x"}, []string{"y"})}}, "produced by both"},
		{"cycle", &Graph{Inputs: []*ValueInfo{vi("x")}, Outputs: []*ValueInfo{vi("b")},
			Nodes: []*Node{node("Add", []string{"x", "b"}, []string{"a"}), node("Neg", []string{"a"}, []string{"b"})}}, "cycle"},
		{"shadow input", &Graph{Inputs: []*ValueInfo{vi("x")}, Outputs: []*ValueInfo{vi("x")},
			Nodes: []*Node{node("Neg", []string{"x"}, []string{"x"})}}, "redefines"},
		{"subgraph outer ok", &Graph{Inputs: []*ValueInfo{vi("c"), vi("x")}, Outputs: []*ValueInfo{vi("y")},
			Nodes: []*Node{{Name: "if", OpType: "If", Inputs: []string{"c"}, Outputs: []string{"y"}, Attrs: []*Attr{
				{Name: "then_branch", Type: AttrGraph, G: &Graph{Outputs: []*ValueInfo{vi("t")}, Nodes: []*Node{node("Neg", []string{"x"}, []string{"t"})}}},
				{Name: "else_branch", Type: AttrGraph, G: &Graph{Outputs: []*ValueInfo{vi("x")}}},
			}}}}, ""},
		{"subgraph undefined", &Graph{Inputs: []*ValueInfo{vi("c")}, Outputs: []*ValueInfo{vi("y")},
			Nodes: []*Node{{Name: "if", OpType: "If", Inputs: []string{"c"}, Outputs: []string{"y"}, Attrs: []*Attr{
				{Name: "then_branch", Type: AttrGraph, G: &Graph{Outputs: []*ValueInfo{vi("t")}, Nodes: []*Node{node("Neg", []string{"zz"}, []string{"t"})}}},
			}}}}, `"zz" is not defined`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.g.Validate(nil)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want containing %q", err, c.wantErr)
			}
			if !errors.Is(err, ErrInvalidModel) {
				t.Fatalf("error %v does not wrap ErrInvalidModel", err)
			}
		})
	}
}

func TestTopoSortKeepsFileOrderAmongReady(t *testing.T) {
	g := &Graph{Inputs: []*ValueInfo{{Name: "x"}}, Nodes: []*Node{
		node("A", []string{"x"}, []string{"a"}),
		node("C", []string{"b"}, []string{"c"}),
		node("B", []string{"x"}, []string{"b"}),
	}}
	order, err := g.TopoSort()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range order {
		got = append(got, n.OpType)
	}
	if strings.Join(got, "") != "ABC" {
		t.Fatalf("order %v, want A B C", got)
	}
}
