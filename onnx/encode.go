package onnx

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Encode serializes m as a ModelProto with all tensor data inline.
func Encode(m *ir.Model) ([]byte, error) {
	e := &encoder{}
	return e.model(nil, m)
}

// EncodeTensor serializes t as a TensorProto named name (raw_data for
// numeric types, string_data for strings). A nil or unsupported tensor
// encodes as a TensorProto holding only the name.
func EncodeTensor(name string, t *tensor.Tensor) []byte {
	b, err := appendTensorProto(nil, name, t, nil)
	if err != nil {
		return appendStr(nil, tpName, name)
	}
	return b
}

// Save writes m to path with all tensor data inline.
func Save(m *ir.Model, path string) error {
	b, err := Encode(m)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// SaveExternal writes m to path, storing each tensor of at least threshold
// bytes (initializers and attribute tensors) in dataFile, a file name
// relative to path's directory, referenced with location/offset/length.
func SaveExternal(m *ir.Model, path, dataFile string, threshold int64) error {
	if err := checkLocation(dataFile); err != nil {
		return fmt.Errorf("onnx: external data file: %v", err)
	}
	w, err := os.Create(filepath.Join(filepath.Dir(path), filepath.FromSlash(dataFile)))
	if err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	e := &encoder{ext: &extFile{w: w, location: dataFile, threshold: threshold}}
	b, err := e.model(nil, m)
	if cerr := w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("onnx: %w", cerr)
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

type encoder struct {
	ext extSink
}

func (e *encoder) model(b []byte, m *ir.Model) ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("onnx: nil model: %w", ir.ErrInvalidModel)
	}
	b = appendInt(b, mpIRVersion, m.IRVersion)
	b = appendStr(b, mpProducerName, m.ProducerName)
	b = appendStr(b, mpProducerVersion, m.ProducerVersion)
	b = appendStr(b, mpDomain, m.Domain)
	b = appendInt(b, mpModelVersion, m.ModelVersion)
	b = appendStr(b, mpDocString, m.DocString)
	var err error
	if m.Graph != nil {
		if b, err = appendMsg(b, mpGraph, func(b []byte) ([]byte, error) { return e.graph(b, m.Graph) }); err != nil {
			return nil, err
		}
	}
	b = appendOpsets(b, mpOpsetImport, m.Opsets)
	for _, kv := range m.Metadata {
		b, _ = appendMsg(b, mpMetadataProps, func(b []byte) ([]byte, error) { return appendKV(b, kv), nil })
	}
	for _, fn := range m.Functions {
		if b, err = appendMsg(b, mpFunctions, func(b []byte) ([]byte, error) { return e.function(b, fn) }); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendOpsets writes opset imports sorted by domain, "" first.
func appendOpsets(b []byte, num protowire.Number, opsets map[string]int64) []byte {
	doms := make([]string, 0, len(opsets))
	for d := range opsets {
		doms = append(doms, d)
	}
	sort.Strings(doms)
	for _, d := range doms {
		b, _ = appendMsg(b, num, func(b []byte) ([]byte, error) {
			b = appendStr(b, 1, d)
			return appendIntAlways(b, 2, opsets[d]), nil
		})
	}
	return b
}

func appendKV(b []byte, kv ir.KV) []byte {
	b = appendStr(b, 1, kv.Key)
	return appendStr(b, 2, kv.Value)
}

func (e *encoder) graph(b []byte, g *ir.Graph) ([]byte, error) {
	if g == nil {
		return b, nil
	}
	var err error
	for _, n := range g.Nodes {
		if b, err = appendMsg(b, gpNode, func(b []byte) ([]byte, error) { return e.node(b, n) }); err != nil {
			return b, err
		}
	}
	b = appendStr(b, gpName, g.Name)
	for _, name := range initOrder(g) {
		t := g.Initializers[name]
		if b, err = appendMsg(b, gpInitializer, func(b []byte) ([]byte, error) { return appendTensorProto(b, name, t, e.ext) }); err != nil {
			return b, err
		}
	}
	b = appendStr(b, gpDocString, g.DocString)
	for _, list := range []struct {
		num protowire.Number
		vis []*ir.ValueInfo
	}{{gpInput, g.Inputs}, {gpOutput, g.Outputs}, {gpValueInfo, g.ValueInfo}} {
		for _, vi := range list.vis {
			if b, err = appendMsg(b, list.num, func(b []byte) ([]byte, error) { return appendValueInfo(b, vi) }); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// initOrder returns the initializer names in InitOrder, then any others
// (sorted) that were added to the map directly.
func initOrder(g *ir.Graph) []string {
	seen := make(map[string]bool, len(g.Initializers))
	var names []string
	for _, n := range g.InitOrder {
		if _, ok := g.Initializers[n]; ok && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	var rest []string
	for n := range g.Initializers {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(names, rest...)
}

func (e *encoder) node(b []byte, n *ir.Node) ([]byte, error) {
	if n == nil {
		return b, fmt.Errorf("onnx: nil node: %w", ir.ErrInvalidModel)
	}
	for _, s := range n.Inputs {
		b = appendStrAlways(b, npInput, s)
	}
	for _, s := range n.Outputs {
		b = appendStrAlways(b, npOutput, s)
	}
	b = appendStr(b, npName, n.Name)
	b = appendStr(b, npOpType, n.OpType)
	var err error
	for _, a := range n.Attrs {
		if b, err = appendMsg(b, npAttribute, func(b []byte) ([]byte, error) { return e.attr(b, a) }); err != nil {
			return b, fmt.Errorf("%w (in node %s)", err, n)
		}
	}
	b = appendStr(b, npDocString, n.DocString)
	b = appendStr(b, npDomain, n.Domain)
	b = appendStr(b, npOverload, n.Overload)
	return b, nil
}

func (e *encoder) attr(b []byte, a *ir.Attr) ([]byte, error) {
	if a == nil {
		return b, fmt.Errorf("onnx: nil attribute: %w", ir.ErrInvalidModel)
	}
	b = appendStr(b, apName, a.Name)
	b = appendStr(b, apDocString, a.DocString)
	b = appendStr(b, apRefAttrName, a.RefAttr)
	if a.Type != ir.AttrUndefined {
		b = appendIntAlways(b, apType, int64(a.Type))
	}
	if a.RefAttr != "" {
		return b, nil
	}
	var err error
	switch a.Type {
	case ir.AttrFloat:
		b = protowire.AppendTag(b, apF, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case ir.AttrInt:
		b = appendIntAlways(b, apI, a.I)
	case ir.AttrString:
		b = appendStrAlways(b, apS, a.S)
	case ir.AttrTensor:
		b, err = appendMsg(b, apT, func(b []byte) ([]byte, error) { return appendTensorProto(b, "", a.T, e.ext) })
	case ir.AttrSparseTensor:
		b, err = appendMsg(b, apSparseTensor, func(b []byte) ([]byte, error) { return appendSparseProto(b, "", a.T) })
	case ir.AttrGraph:
		b, err = appendMsg(b, apG, func(b []byte) ([]byte, error) { return e.graph(b, a.G) })
	case ir.AttrTypeProto:
		b, err = appendMsg(b, apTP, func(b []byte) ([]byte, error) { return appendType(b, a.TP) })
	case ir.AttrFloats:
		b = appendPackedFloats(b, apFloats, a.Floats)
	case ir.AttrInts:
		b = appendPackedInts(b, apInts, a.Ints)
	case ir.AttrStrings:
		for _, s := range a.Strings {
			b = appendStrAlways(b, apStrings, s)
		}
	case ir.AttrTensors:
		for _, t := range a.Tensors {
			if b, err = appendMsg(b, apTensors, func(b []byte) ([]byte, error) { return appendTensorProto(b, "", t, e.ext) }); err != nil {
				break
			}
		}
	case ir.AttrSparseTensors:
		for _, t := range a.Tensors {
			if b, err = appendMsg(b, apSparseTensors, func(b []byte) ([]byte, error) { return appendSparseProto(b, "", t) }); err != nil {
				break
			}
		}
	case ir.AttrGraphs:
		for _, g := range a.Graphs {
			if b, err = appendMsg(b, apGraphs, func(b []byte) ([]byte, error) { return e.graph(b, g) }); err != nil {
				break
			}
		}
	case ir.AttrTypeProtos:
		for _, t := range a.TypeProtos {
			if b, err = appendMsg(b, apTypeProtos, func(b []byte) ([]byte, error) { return appendType(b, t) }); err != nil {
				break
			}
		}
	}
	if err != nil {
		return b, fmt.Errorf("%w (in attribute %q)", err, a.Name)
	}
	return b, nil
}

func appendValueInfo(b []byte, vi *ir.ValueInfo) ([]byte, error) {
	if vi == nil {
		return b, fmt.Errorf("onnx: nil value info: %w", ir.ErrInvalidModel)
	}
	b = appendStr(b, 1, vi.Name)
	var err error
	if vi.Type != nil {
		if b, err = appendMsg(b, 2, func(b []byte) ([]byte, error) { return appendType(b, vi.Type) }); err != nil {
			return b, err
		}
	}
	return appendStr(b, 3, vi.DocString), nil
}

func appendType(b []byte, t *ir.Type) ([]byte, error) {
	if t == nil {
		return b, nil
	}
	var err error
	inner := func(b []byte) ([]byte, error) {
		if t.Inner == nil {
			return b, nil
		}
		return appendMsg(b, 1, func(b []byte) ([]byte, error) { return appendType(b, t.Inner) })
	}
	switch t.Kind {
	case ir.KindTensor, ir.KindSparseTensor:
		num := protowire.Number(tyTensor)
		if t.Kind == ir.KindSparseTensor {
			num = tySparse
		}
		b, err = appendMsg(b, num, func(b []byte) ([]byte, error) {
			b = appendIntAlways(b, 1, int64(t.Elem))
			if t.HasShape || t.Shape != nil {
				b, _ = appendMsg(b, 2, func(b []byte) ([]byte, error) { return appendShape(b, t.Shape), nil })
			}
			return b, nil
		})
	case ir.KindSequence:
		b, err = appendMsg(b, tySequence, inner)
	case ir.KindOptional:
		b, err = appendMsg(b, tyOptional, inner)
	case ir.KindMap:
		b, err = appendMsg(b, tyMap, func(b []byte) ([]byte, error) {
			b = appendIntAlways(b, 1, int64(t.KeyType))
			if t.Inner == nil {
				return b, nil
			}
			return appendMsg(b, 2, func(b []byte) ([]byte, error) { return appendType(b, t.Inner) })
		})
	}
	if err != nil {
		return b, err
	}
	return appendStr(b, tyDenotation, t.Denotation), nil
}

func appendShape(b []byte, dims []ir.Dim) []byte {
	for _, d := range dims {
		b, _ = appendMsg(b, 1, func(b []byte) ([]byte, error) {
			switch {
			case d.Param != "":
				b = appendStr(b, 2, d.Param)
			case d.Value >= 0:
				b = appendIntAlways(b, 1, d.Value)
			}
			return appendStr(b, 3, d.Denotation), nil
		})
	}
	return b
}

func (e *encoder) function(b []byte, fn *ir.Function) ([]byte, error) {
	if fn == nil {
		return b, fmt.Errorf("onnx: nil function: %w", ir.ErrInvalidModel)
	}
	b = appendStr(b, fpName, fn.Name)
	for _, s := range fn.Inputs {
		b = appendStrAlways(b, fpInput, s)
	}
	for _, s := range fn.Outputs {
		b = appendStrAlways(b, fpOutput, s)
	}
	for _, s := range fn.Attributes {
		b = appendStrAlways(b, fpAttribute, s)
	}
	var err error
	for _, n := range fn.Nodes {
		if b, err = appendMsg(b, fpNode, func(b []byte) ([]byte, error) { return e.node(b, n) }); err != nil {
			return b, err
		}
	}
	b = appendStr(b, fpDocString, fn.DocString)
	b = appendOpsets(b, fpOpsetImport, fn.Opsets)
	b = appendStr(b, fpDomain, fn.Domain)
	for _, a := range fn.AttrProtos {
		if b, err = appendMsg(b, fpAttributeProto, func(b []byte) ([]byte, error) { return e.attr(b, a) }); err != nil {
			return b, err
		}
	}
	for _, vi := range fn.ValueInfo {
		if b, err = appendMsg(b, fpValueInfo, func(b []byte) ([]byte, error) { return appendValueInfo(b, vi) }); err != nil {
			return b, err
		}
	}
	b = appendStr(b, fpOverload, fn.Overload)
	return b, nil
}
