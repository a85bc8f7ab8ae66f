package ir

import (
	"errors"
	"fmt"

	"github.com/qinfer/qinfer/tensor"
)

// ErrInvalidModel reports a model that breaks the ONNX rules: corrupt
// bytes, undefined values, cycles, missing fields.
var ErrInvalidModel = errors.New("invalid model")

// DefaultDomain is the ai.onnx operator domain; both "" and "ai.onnx" mean it.
const DefaultDomain = ""

// MSDomain is ONNX Runtime's contrib operator domain.
const MSDomain = "com.microsoft"

// NormDomain maps "ai.onnx" to "" so domains compare equal.
func NormDomain(d string) string {
	if d == "ai.onnx" {
		return ""
	}
	return d
}

// Model is a whole ONNX model.
type Model struct {
	IRVersion       int64
	Opsets          map[string]int64 // normalised domain → version
	ProducerName    string
	ProducerVersion string
	Domain          string
	ModelVersion    int64
	DocString       string
	Metadata        []KV
	Graph           *Graph
	Functions       []*Function
}

// KV is one metadata entry.
type KV struct{ Key, Value string }

// Opset returns the imported version of a domain ("" for ai.onnx), or 0.
func (m *Model) Opset(domain string) int64 { return m.Opsets[NormDomain(domain)] }

// Graph is a computation graph: nodes in file order (not necessarily
// topological), its inputs and outputs, initializers and intermediate
// value annotations.
type Graph struct {
	Name         string
	DocString    string
	Nodes        []*Node
	Inputs       []*ValueInfo
	Outputs      []*ValueInfo
	ValueInfo    []*ValueInfo
	Initializers map[string]*tensor.Tensor
	// InitOrder keeps the order initializers appeared in, for stable output.
	InitOrder []string
}

// AddInitializer adds or replaces an initializer.
func (g *Graph) AddInitializer(name string, t *tensor.Tensor) {
	if g.Initializers == nil {
		g.Initializers = map[string]*tensor.Tensor{}
	}
	if _, ok := g.Initializers[name]; !ok {
		g.InitOrder = append(g.InitOrder, name)
	}
	g.Initializers[name] = t
}

// RemoveInitializer deletes an initializer if present.
func (g *Graph) RemoveInitializer(name string) {
	if _, ok := g.Initializers[name]; !ok {
		return
	}
	delete(g.Initializers, name)
	for i, n := range g.InitOrder {
		if n == name {
			g.InitOrder = append(g.InitOrder[:i:i], g.InitOrder[i+1:]...)
			break
		}
	}
}

// RealInputs returns graph inputs that are not also initializers (the
// inputs a caller must feed).
func (g *Graph) RealInputs() []*ValueInfo {
	var out []*ValueInfo
	for _, in := range g.Inputs {
		if _, ok := g.Initializers[in.Name]; !ok {
			out = append(out, in)
		}
	}
	return out
}

// Node is one operator application. An empty input name is a missing
// optional input; an empty output name is an unused optional output.
type Node struct {
	Name      string
	OpType    string
	Domain    string // normalised: "" is ai.onnx
	Inputs    []string
	Outputs   []string
	Attrs     []*Attr
	DocString string
	Overload  string
}

// String names the node for messages: `Conv "conv1"`.
func (n *Node) String() string {
	if n.Domain != "" {
		return fmt.Sprintf("%s.%s %q", n.Domain, n.OpType, n.Name)
	}
	return fmt.Sprintf("%s %q", n.OpType, n.Name)
}

// Input returns input i or "" when absent.
func (n *Node) Input(i int) string {
	if i < len(n.Inputs) {
		return n.Inputs[i]
	}
	return ""
}

// Attr returns the named attribute or nil.
func (n *Node) Attr(name string) *Attr {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// SetAttr adds or replaces an attribute.
func (n *Node) SetAttr(a *Attr) {
	for i, b := range n.Attrs {
		if b.Name == a.Name {
			n.Attrs[i] = a
			return
		}
	}
	n.Attrs = append(n.Attrs, a)
}

// AttrInt returns an int attribute or def.
func (n *Node) AttrInt(name string, def int64) int64 {
	if a := n.Attr(name); a != nil && a.Type == AttrInt {
		return a.I
	}
	return def
}

// AttrFloat returns a float attribute or def.
func (n *Node) AttrFloat(name string, def float32) float32 {
	if a := n.Attr(name); a != nil && a.Type == AttrFloat {
		return a.F
	}
	return def
}

// AttrString returns a string attribute or def.
func (n *Node) AttrString(name, def string) string {
	if a := n.Attr(name); a != nil && a.Type == AttrString {
		return a.S
	}
	return def
}

// AttrInts returns an ints attribute, or nil when absent.
func (n *Node) AttrInts(name string) []int64 {
	if a := n.Attr(name); a != nil && a.Type == AttrInts {
		return a.Ints
	}
	return nil
}

// AttrFloats returns a floats attribute, or nil when absent.
func (n *Node) AttrFloats(name string) []float32 {
	if a := n.Attr(name); a != nil && a.Type == AttrFloats {
		return a.Floats
	}
	return nil
}

// AttrStrings returns a strings attribute, or nil when absent.
func (n *Node) AttrStrings(name string) []string {
	if a := n.Attr(name); a != nil && a.Type == AttrStrings {
		return a.Strings
	}
	return nil
}

// AttrTensor returns a tensor attribute, or nil.
func (n *Node) AttrTensor(name string) *tensor.Tensor {
	if a := n.Attr(name); a != nil && a.Type == AttrTensor {
		return a.T
	}
	return nil
}

// AttrGraph returns a graph attribute, or nil.
func (n *Node) AttrGraph(name string) *Graph {
	if a := n.Attr(name); a != nil && a.Type == AttrGraph {
		return a.G
	}
	return nil
}

// AttrType enumerates attribute kinds, numbered as in ONNX.
type AttrType int32

// Attribute kinds.
const (
	AttrUndefined     AttrType = 0
	AttrFloat         AttrType = 1
	AttrInt           AttrType = 2
	AttrString        AttrType = 3
	AttrTensor        AttrType = 4
	AttrGraph         AttrType = 5
	AttrSparseTensor  AttrType = 11
	AttrTypeProto     AttrType = 13
	AttrFloats        AttrType = 6
	AttrInts          AttrType = 7
	AttrStrings       AttrType = 8
	AttrTensors       AttrType = 9
	AttrGraphs        AttrType = 10
	AttrSparseTensors AttrType = 12
	AttrTypeProtos    AttrType = 14
)

// Attr is a node attribute; the field matching Type holds its value. A
// sparse tensor attribute is held densified in T (or Tensors).
type Attr struct {
	Name       string
	Type       AttrType
	DocString  string
	RefAttr    string // ref_attr_name inside function bodies
	F          float32
	I          int64
	S          string
	T          *tensor.Tensor
	G          *Graph
	TP         *Type
	Floats     []float32
	Ints       []int64
	Strings    []string
	Tensors    []*tensor.Tensor
	Graphs     []*Graph
	TypeProtos []*Type
}

// TypeKind says what a value is: tensor, sequence, map, optional, sparse.
type TypeKind int

// Kinds of value types.
const (
	KindUnknown TypeKind = iota
	KindTensor
	KindSequence
	KindMap
	KindOptional
	KindSparseTensor
)

// Type is a value's type. For tensors, Shape == nil means unknown rank.
type Type struct {
	Kind       TypeKind
	Elem       tensor.DType // tensor element type, or map value... see ValueType
	Shape      []Dim        // nil: rank unknown
	HasShape   bool         // true when a shape (maybe rank 0) was given
	Inner      *Type        // element type of sequence/optional, value type of map
	KeyType    tensor.DType // map key type
	Denotation string
}

// TensorType returns a tensor type with known dims.
func TensorType(dt tensor.DType, dims ...int64) *Type {
	t := &Type{Kind: KindTensor, Elem: dt, HasShape: true, Shape: make([]Dim, len(dims))}
	for i, d := range dims {
		if d < 0 {
			t.Shape[i] = Dim{Value: -1}
		} else {
			t.Shape[i] = Dim{Value: d}
		}
	}
	return t
}

// String renders a type as "float32[N,3,224,224]".
func (t *Type) String() string {
	if t == nil {
		return "?"
	}
	switch t.Kind {
	case KindTensor, KindSparseTensor:
		s := t.Elem.String()
		if !t.HasShape {
			return s + "[?]"
		}
		s += "["
		for i, d := range t.Shape {
			if i > 0 {
				s += ","
			}
			s += d.String()
		}
		return s + "]"
	case KindSequence:
		return "seq(" + t.Inner.String() + ")"
	case KindOptional:
		return "optional(" + t.Inner.String() + ")"
	case KindMap:
		return "map(" + t.KeyType.String() + "," + t.Inner.String() + ")"
	}
	return "?"
}

// Dim is one dimension: a known size (Value >= 0), a named symbol (Param),
// or unknown (Value < 0, Param empty).
type Dim struct {
	Value      int64
	Param      string
	Denotation string
}

// Known reports whether the dim has a fixed size.
func (d Dim) Known() bool { return d.Param == "" && d.Value >= 0 }

// String gives the size, the symbol, or "?".
func (d Dim) String() string {
	switch {
	case d.Param != "":
		return d.Param
	case d.Value >= 0:
		return fmt.Sprint(d.Value)
	}
	return "?"
}

// ValueInfo names a value and gives its type.
type ValueInfo struct {
	Name      string
	Type      *Type
	DocString string
}

// Function is a model-local function (FunctionProto).
type Function struct {
	Name       string
	Domain     string
	Overload   string
	Inputs     []string
	Outputs    []string
	Attributes []string // attribute names without defaults
	AttrProtos []*Attr  // attributes with defaults
	Nodes      []*Node
	Opsets     map[string]int64
	DocString  string
	ValueInfo  []*ValueInfo
}
