package onnx

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Options control decoding.
type Options struct {
	// BaseDir is the directory external tensor data is read from; "" refuses
	// models with external data.
	BaseDir string
	// MaxTensorBytes caps the in-memory size of any one tensor; 0 means the
	// default of 16 GiB.
	MaxTensorBytes int64
	// MaxDepth bounds the nesting of subgraphs (and of nested types and
	// values); 0 means the default of 64.
	MaxDepth int
	// MaxSparseDenseBytes and SparseExpansion cap what a sparse tensor may
	// densify to, besides MaxTensorBytes: at most max(MaxSparseDenseBytes,
	// SparseExpansion × the bytes of its SparseTensorProto), so a tiny file
	// cannot ask for a huge dense tensor. 0 means the defaults of 64 MiB and
	// 4096; a negative value turns that part off.
	MaxSparseDenseBytes int64
	SparseExpansion     int64
}

// Default limits used when Options leaves them zero.
const (
	DefaultMaxTensorBytes = int64(16) << 30
	DefaultMaxDepth       = 64
)

type decoder struct {
	opts  Options
	depth int
}

func newDecoder(opts *Options) *decoder {
	d := &decoder{}
	if opts != nil {
		d.opts = *opts
	}
	if d.opts.MaxTensorBytes <= 0 {
		d.opts.MaxTensorBytes = DefaultMaxTensorBytes
	}
	if d.opts.MaxDepth <= 0 {
		d.opts.MaxDepth = DefaultMaxDepth
	}
	return d
}

// enter counts one level of nesting, failing past MaxDepth; call leave after.
func (d *decoder) enter(what string) error {
	d.depth++
	if d.depth > d.opts.MaxDepth {
		return fmt.Errorf("onnx: %s nested deeper than %d: %w", what, d.opts.MaxDepth, ir.ErrInvalidModel)
	}
	return nil
}

func (d *decoder) leave() { d.depth-- }

// Decode parses a serialized ModelProto. Raw tensor data may be referenced
// in place: b must not be modified while the model is in use. A nil opts
// uses the defaults (and refuses external data).
func Decode(b []byte, opts *Options) (m *ir.Model, err error) {
	return newDecoder(opts).model(b)
}

// Load reads and decodes the model file at path; external data is read
// relative to the file's directory.
func Load(path string) (*ir.Model, error) {
	return LoadWithOptions(path, Options{})
}

// LoadWithOptions is Load with explicit limits. An empty opts.BaseDir is
// replaced by the directory of path.
func LoadWithOptions(path string, opts Options) (*ir.Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if opts.BaseDir == "" {
		opts.BaseDir = filepath.Dir(path)
	}
	m, err := Decode(b, &opts)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return m, nil
}

// DecodeTensor parses a serialized TensorProto (as in the backend tests'
// input_N.pb files). Raw data may be referenced in place: b must not be
// modified while the tensor is in use. External data is refused.
func DecodeTensor(b []byte) (name string, t *tensor.Tensor, err error) {
	return newDecoder(nil).decodeTensor(b)
}

// ModelProto field numbers.
const (
	mpIRVersion       = 1
	mpProducerName    = 2
	mpProducerVersion = 3
	mpDomain          = 4
	mpModelVersion    = 5
	mpDocString       = 6
	mpGraph           = 7
	mpOpsetImport     = 8
	mpMetadataProps   = 14
	mpFunctions       = 25
)

func (d *decoder) model(b []byte) (*ir.Model, error) {
	const what = "ModelProto"
	m := &ir.Model{Opsets: map[string]int64{}}
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case mpIRVersion:
			m.IRVersion, err = f.int64(what)
		case mpProducerName:
			m.ProducerName, err = f.str(what)
		case mpProducerVersion:
			m.ProducerVersion, err = f.str(what)
		case mpDomain:
			m.Domain, err = f.str(what)
		case mpModelVersion:
			m.ModelVersion, err = f.int64(what)
		case mpDocString:
			m.DocString, err = f.str(what)
		case mpGraph:
			var gb []byte
			if gb, err = f.msg(what); err == nil {
				m.Graph, err = d.graph(gb)
			}
		case mpOpsetImport:
			var ob []byte
			if ob, err = f.msg(what); err == nil {
				var dom string
				var ver int64
				if dom, ver, err = parseOpset(ob); err == nil {
					m.Opsets[ir.NormDomain(dom)] = ver
				}
			}
		case mpMetadataProps:
			var kb []byte
			if kb, err = f.msg(what); err == nil {
				var kv ir.KV
				kv, err = parseKV(kb)
				m.Metadata = append(m.Metadata, kv)
			}
		case mpFunctions:
			var fb []byte
			if fb, err = f.msg(what); err == nil {
				var fn *ir.Function
				fn, err = d.function(fb)
				m.Functions = append(m.Functions, fn)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if m.Graph == nil {
		return nil, fmt.Errorf("onnx: model has no graph: %w", ir.ErrInvalidModel)
	}
	return m, nil
}

func parseOpset(b []byte) (string, int64, error) {
	const what = "OperatorSetIdProto"
	var dom string
	var ver int64
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case 1:
			dom, err = f.str(what)
		case 2:
			ver, err = f.int64(what)
		}
		return err
	})
	return dom, ver, err
}

func parseKV(b []byte) (ir.KV, error) {
	const what = "StringStringEntryProto"
	var kv ir.KV
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case 1:
			kv.Key, err = f.str(what)
		case 2:
			kv.Value, err = f.str(what)
		}
		return err
	})
	return kv, err
}

// GraphProto field numbers.
const (
	gpNode              = 1
	gpName              = 2
	gpInitializer       = 5
	gpDocString         = 10
	gpInput             = 11
	gpOutput            = 12
	gpValueInfo         = 13
	gpSparseInitializer = 15
)

func (d *decoder) graph(b []byte) (*ir.Graph, error) {
	if err := d.enter("graph"); err != nil {
		return nil, err
	}
	defer d.leave()
	const what = "GraphProto"
	g := &ir.Graph{}
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case gpName:
			g.Name, err = f.str(what)
			return err
		case gpDocString:
			g.DocString, err = f.str(what)
			return err
		case gpNode, gpInitializer, gpInput, gpOutput, gpValueInfo, gpSparseInitializer:
		default:
			return nil
		}
		mb, err := f.msg(what)
		if err != nil {
			return err
		}
		switch f.num {
		case gpNode:
			var n *ir.Node
			if n, err = d.node(mb); err == nil {
				g.Nodes = append(g.Nodes, n)
			}
		case gpInitializer, gpSparseInitializer:
			var name string
			var t *tensor.Tensor
			if f.num == gpInitializer {
				name, t, err = d.decodeTensor(mb)
			} else {
				name, t, err = d.decodeSparse(mb)
			}
			if err == nil {
				g.AddInitializer(name, t)
			}
		case gpInput, gpOutput, gpValueInfo:
			var vi *ir.ValueInfo
			if vi, err = d.valueInfo(mb); err == nil {
				switch f.num {
				case gpInput:
					g.Inputs = append(g.Inputs, vi)
				case gpOutput:
					g.Outputs = append(g.Outputs, vi)
				default:
					g.ValueInfo = append(g.ValueInfo, vi)
				}
			}
		}
		return err
	})
	if err != nil {
		if g.Name != "" {
			return nil, fmt.Errorf("%w (in graph %q)", err, g.Name)
		}
		return nil, err
	}
	return g, nil
}

// NodeProto field numbers.
const (
	npInput     = 1
	npOutput    = 2
	npName      = 3
	npOpType    = 4
	npAttribute = 5
	npDocString = 6
	npDomain    = 7
	npOverload  = 8
)

func (d *decoder) node(b []byte) (*ir.Node, error) {
	const what = "NodeProto"
	n := &ir.Node{}
	err := walk(b, what, func(f *field) error {
		var err error
		var s string
		switch f.num {
		case npInput:
			s, err = f.str(what)
			n.Inputs = append(n.Inputs, s)
		case npOutput:
			s, err = f.str(what)
			n.Outputs = append(n.Outputs, s)
		case npName:
			n.Name, err = f.str(what)
		case npOpType:
			n.OpType, err = f.str(what)
		case npDomain:
			s, err = f.str(what)
			n.Domain = ir.NormDomain(s)
		case npOverload:
			n.Overload, err = f.str(what)
		case npDocString:
			n.DocString, err = f.str(what)
		case npAttribute:
			var ab []byte
			if ab, err = f.msg(what); err == nil {
				var a *ir.Attr
				a, err = d.attr(ab)
				n.Attrs = append(n.Attrs, a)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w (in node %s)", err, n)
	}
	return n, nil
}

// AttributeProto field numbers.
const (
	apName          = 1
	apF             = 2
	apI             = 3
	apS             = 4
	apT             = 5
	apG             = 6
	apFloats        = 7
	apInts          = 8
	apStrings       = 9
	apTensors       = 10
	apGraphs        = 11
	apDocString     = 13
	apTP            = 14
	apTypeProtos    = 15
	apType          = 20
	apRefAttrName   = 21
	apSparseTensor  = 22
	apSparseTensors = 23
)

func (d *decoder) attr(b []byte) (*ir.Attr, error) {
	const what = "AttributeProto"
	a := &ir.Attr{}
	var seen ir.AttrType // first value field seen, for IR v1 files without type
	see := func(t ir.AttrType) {
		if seen == ir.AttrUndefined {
			seen = t
		}
	}
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case apName:
			a.Name, err = f.str(what)
		case apRefAttrName:
			a.RefAttr, err = f.str(what)
		case apDocString:
			a.DocString, err = f.str(what)
		case apType:
			var t int32
			t, err = f.int32(what)
			a.Type = ir.AttrType(t)
		case apF:
			a.F, err = f.float32(what)
			see(ir.AttrFloat)
		case apI:
			a.I, err = f.int64(what)
			see(ir.AttrInt)
		case apS:
			a.S, err = f.str(what)
			see(ir.AttrString)
		case apT, apSparseTensor:
			var tb []byte
			if tb, err = f.msg(what); err == nil {
				if f.num == apT {
					_, a.T, err = d.decodeTensor(tb)
					see(ir.AttrTensor)
				} else {
					_, a.T, err = d.decodeSparse(tb)
					see(ir.AttrSparseTensor)
				}
			}
		case apG:
			var gb []byte
			if gb, err = f.msg(what); err == nil {
				a.G, err = d.graph(gb)
				see(ir.AttrGraph)
			}
		case apTP:
			var tb []byte
			if tb, err = f.msg(what); err == nil {
				a.TP, err = d.typeProto(tb)
				see(ir.AttrTypeProto)
			}
		case apFloats:
			var u []uint32
			if u, err = appendFixed32s(nil, f, what); err == nil {
				for _, v := range u {
					a.Floats = append(a.Floats, math.Float32frombits(v))
				}
			}
			see(ir.AttrFloats)
		case apInts:
			a.Ints, err = appendVarints(a.Ints, f, what, func(v uint64) int64 { return int64(v) })
			see(ir.AttrInts)
		case apStrings:
			var s string
			s, err = f.str(what)
			a.Strings = append(a.Strings, s)
			see(ir.AttrStrings)
		case apTensors, apSparseTensors:
			var tb []byte
			if tb, err = f.msg(what); err == nil {
				var t *tensor.Tensor
				if f.num == apTensors {
					_, t, err = d.decodeTensor(tb)
					see(ir.AttrTensors)
				} else {
					_, t, err = d.decodeSparse(tb)
					see(ir.AttrSparseTensors)
				}
				a.Tensors = append(a.Tensors, t)
			}
		case apGraphs:
			var gb []byte
			if gb, err = f.msg(what); err == nil {
				var g *ir.Graph
				g, err = d.graph(gb)
				a.Graphs = append(a.Graphs, g)
				see(ir.AttrGraphs)
			}
		case apTypeProtos:
			var tb []byte
			if tb, err = f.msg(what); err == nil {
				var t *ir.Type
				t, err = d.typeProto(tb)
				a.TypeProtos = append(a.TypeProtos, t)
				see(ir.AttrTypeProtos)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w (in attribute %q)", err, a.Name)
	}
	if a.Type == ir.AttrUndefined && a.RefAttr == "" {
		a.Type = seen
	}
	// Keep only the value the type names; lists present by type but empty
	// decode as empty, not nil, slices.
	c := &ir.Attr{Name: a.Name, Type: a.Type, DocString: a.DocString, RefAttr: a.RefAttr}
	if a.RefAttr != "" {
		return c, nil
	}
	switch a.Type {
	case ir.AttrFloat:
		c.F = a.F
	case ir.AttrInt:
		c.I = a.I
	case ir.AttrString:
		c.S = a.S
	case ir.AttrTensor, ir.AttrSparseTensor:
		c.T = a.T
	case ir.AttrGraph:
		c.G = a.G
	case ir.AttrTypeProto:
		c.TP = a.TP
	case ir.AttrFloats:
		c.Floats = a.Floats
	case ir.AttrInts:
		c.Ints = a.Ints
	case ir.AttrStrings:
		c.Strings = a.Strings
	case ir.AttrTensors, ir.AttrSparseTensors:
		c.Tensors = a.Tensors
	case ir.AttrGraphs:
		c.Graphs = a.Graphs
	case ir.AttrTypeProtos:
		c.TypeProtos = a.TypeProtos
	}
	if (c.Type == ir.AttrTensor || c.Type == ir.AttrSparseTensor) && c.T == nil ||
		c.Type == ir.AttrGraph && c.G == nil || c.Type == ir.AttrTypeProto && c.TP == nil {
		return nil, fmt.Errorf("onnx: attribute %q of type %d has no value: %w", a.Name, a.Type, ir.ErrInvalidModel)
	}
	a = c
	switch a.Type {
	case ir.AttrFloats:
		if a.Floats == nil {
			a.Floats = []float32{}
		}
	case ir.AttrInts:
		if a.Ints == nil {
			a.Ints = []int64{}
		}
	case ir.AttrStrings:
		if a.Strings == nil {
			a.Strings = []string{}
		}
	case ir.AttrTensors, ir.AttrSparseTensors:
		if a.Tensors == nil {
			a.Tensors = []*tensor.Tensor{}
		}
	case ir.AttrGraphs:
		if a.Graphs == nil {
			a.Graphs = []*ir.Graph{}
		}
	case ir.AttrTypeProtos:
		if a.TypeProtos == nil {
			a.TypeProtos = []*ir.Type{}
		}
	}
	return a, nil
}

func (d *decoder) valueInfo(b []byte) (*ir.ValueInfo, error) {
	const what = "ValueInfoProto"
	vi := &ir.ValueInfo{}
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case 1:
			vi.Name, err = f.str(what)
		case 2:
			var tb []byte
			if tb, err = f.msg(what); err == nil {
				vi.Type, err = d.typeProto(tb)
			}
		case 3:
			vi.DocString, err = f.str(what)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w (in value %q)", err, vi.Name)
	}
	return vi, nil
}

// TypeProto field numbers.
const (
	tyTensor     = 1
	tySequence   = 4
	tyMap        = 5
	tyDenotation = 6
	tySparse     = 8
	tyOptional   = 9
)

func elemType(v int32) (tensor.DType, error) {
	if v < 0 || v > 255 {
		return 0, fmt.Errorf("onnx: bad element type %d: %w", v, ir.ErrInvalidModel)
	}
	return tensor.DType(v), nil
}

func (d *decoder) typeProto(b []byte) (*ir.Type, error) {
	if err := d.enter("type"); err != nil {
		return nil, err
	}
	defer d.leave()
	const what = "TypeProto"
	t := &ir.Type{}
	err := walk(b, what, func(f *field) error {
		var err error
		if f.num == tyDenotation {
			t.Denotation, err = f.str(what)
			return err
		}
		var mb []byte
		switch f.num {
		case tyTensor, tySparse, tySequence, tyOptional, tyMap:
			if mb, err = f.msg(what); err != nil {
				return err
			}
		default:
			return nil
		}
		// A later member of the oneof replaces an earlier one.
		*t = ir.Type{Denotation: t.Denotation}
		switch f.num {
		case tyTensor, tySparse:
			t.Kind = ir.KindTensor
			if f.num == tySparse {
				t.Kind = ir.KindSparseTensor
			}
			err = walk(mb, what, func(f *field) error {
				var err error
				switch f.num {
				case 1:
					var v int32
					if v, err = f.int32(what); err == nil {
						t.Elem, err = elemType(v)
					}
				case 2:
					var sb []byte
					if sb, err = f.msg(what); err == nil {
						t.Shape, err = parseShape(sb)
						t.HasShape = true
					}
				}
				return err
			})
		case tySequence, tyOptional:
			t.Kind = ir.KindSequence
			if f.num == tyOptional {
				t.Kind = ir.KindOptional
			}
			err = walk(mb, what, func(f *field) error {
				if f.num != 1 {
					return nil
				}
				eb, err := f.msg(what)
				if err == nil {
					t.Inner, err = d.typeProto(eb)
				}
				return err
			})
		case tyMap:
			t.Kind = ir.KindMap
			err = walk(mb, what, func(f *field) error {
				var err error
				switch f.num {
				case 1:
					var v int32
					if v, err = f.int32(what); err == nil {
						t.KeyType, err = elemType(v)
					}
				case 2:
					var eb []byte
					if eb, err = f.msg(what); err == nil {
						t.Inner, err = d.typeProto(eb)
					}
				}
				return err
			})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func parseShape(b []byte) ([]ir.Dim, error) {
	const what = "TensorShapeProto"
	dims := []ir.Dim{}
	err := walk(b, what, func(f *field) error {
		if f.num != 1 {
			return nil
		}
		db, err := f.msg(what)
		if err != nil {
			return err
		}
		dim := ir.Dim{Value: -1}
		err = walk(db, what, func(f *field) error {
			var err error
			switch f.num {
			case 1:
				dim.Value, err = f.int64(what)
				dim.Param = ""
				if dim.Value < 0 {
					dim.Value = -1
				}
			case 2:
				dim.Param, err = f.str(what)
				dim.Value = -1
			case 3:
				dim.Denotation, err = f.str(what)
			}
			return err
		})
		dims = append(dims, dim)
		return err
	})
	return dims, err
}

// FunctionProto field numbers.
const (
	fpName           = 1
	fpInput          = 4
	fpOutput         = 5
	fpAttribute      = 6
	fpNode           = 7
	fpDocString      = 8
	fpOpsetImport    = 9
	fpDomain         = 10
	fpAttributeProto = 11
	fpValueInfo      = 12
	fpOverload       = 13
)

func (d *decoder) function(b []byte) (*ir.Function, error) {
	if err := d.enter("function"); err != nil {
		return nil, err
	}
	defer d.leave()
	const what = "FunctionProto"
	fn := &ir.Function{Opsets: map[string]int64{}}
	err := walk(b, what, func(f *field) error {
		var err error
		var s string
		var mb []byte
		switch f.num {
		case fpName:
			fn.Name, err = f.str(what)
		case fpDomain:
			fn.Domain, err = f.str(what)
		case fpOverload:
			fn.Overload, err = f.str(what)
		case fpDocString:
			fn.DocString, err = f.str(what)
		case fpInput:
			s, err = f.str(what)
			fn.Inputs = append(fn.Inputs, s)
		case fpOutput:
			s, err = f.str(what)
			fn.Outputs = append(fn.Outputs, s)
		case fpAttribute:
			s, err = f.str(what)
			fn.Attributes = append(fn.Attributes, s)
		case fpAttributeProto:
			if mb, err = f.msg(what); err == nil {
				var a *ir.Attr
				a, err = d.attr(mb)
				fn.AttrProtos = append(fn.AttrProtos, a)
			}
		case fpNode:
			if mb, err = f.msg(what); err == nil {
				var n *ir.Node
				n, err = d.node(mb)
				fn.Nodes = append(fn.Nodes, n)
			}
		case fpOpsetImport:
			if mb, err = f.msg(what); err == nil {
				var dom string
				var ver int64
				if dom, ver, err = parseOpset(mb); err == nil {
					fn.Opsets[ir.NormDomain(dom)] = ver
				}
			}
		case fpValueInfo:
			if mb, err = f.msg(what); err == nil {
				var vi *ir.ValueInfo
				vi, err = d.valueInfo(mb)
				fn.ValueInfo = append(fn.ValueInfo, vi)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w (in function %q)", err, fn.Name)
	}
	return fn, nil
}
