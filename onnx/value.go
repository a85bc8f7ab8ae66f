package onnx

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Value is a test-data value: a tensor, a sequence, an optional or a map,
// as stored in the backend tests' input_N.pb / output_N.pb files.
type Value struct {
	Name string
	Kind ir.TypeKind
	// Tensor holds a KindTensor value (and a KindSparseTensor one, densified).
	Tensor *tensor.Tensor
	// Seq holds the tensors of a KindSequence whose elements are tensors.
	Seq []*tensor.Tensor
	// SeqElem is the element type of Seq's tensors (from the first one;
	// Undefined for an empty sequence).
	SeqElem tensor.DType
	// SeqKind is the kind of a sequence's elements (KindTensor for Seq).
	SeqKind ir.TypeKind
	// Elems holds the elements of a sequence of sequences, maps or optionals.
	Elems []*Value
	// Opt is the contained value of a KindOptional; nil when OptEmpty.
	Opt *Value
	// OptEmpty reports an optional holding nothing.
	OptEmpty bool
	// OptKind is the declared element kind of an optional (even when empty).
	OptKind ir.TypeKind
	// MapKeyType is the key type of a KindMap.
	MapKeyType tensor.DType
	// MapKeys holds a map's keys as a 1-D Int64 or String tensor.
	MapKeys *tensor.Tensor
	// MapValues holds a map's values as a KindSequence value.
	MapValues *Value
}

// Element kinds of SequenceProto and OptionalProto (their elem_type enum).
var (
	protoKinds = map[int32]ir.TypeKind{1: ir.KindTensor, 2: ir.KindSparseTensor, 3: ir.KindSequence, 4: ir.KindMap, 5: ir.KindOptional}
	kindProtos = map[ir.TypeKind]int32{ir.KindTensor: 1, ir.KindSparseTensor: 2, ir.KindSequence: 3, ir.KindMap: 4, ir.KindOptional: 5}
)

// Field numbers in SequenceProto (and, shifted by one, OptionalProto) for
// each element kind.
var seqFields = map[ir.TypeKind]protowire.Number{ir.KindTensor: 3, ir.KindSparseTensor: 4, ir.KindSequence: 5, ir.KindMap: 6, ir.KindOptional: 7}

// DecodeValue parses a serialized value whose kind is known from the model:
// KindTensor expects a TensorProto, KindSparseTensor a SparseTensorProto
// (densified), KindSequence a SequenceProto, KindOptional an OptionalProto
// and KindMap a MapProto. Raw data may be referenced in place.
func DecodeValue(b []byte, kind ir.TypeKind) (*Value, error) {
	return newDecoder(nil).value(b, kind)
}

func (d *decoder) value(b []byte, kind ir.TypeKind) (*Value, error) {
	if err := d.enter("value"); err != nil {
		return nil, err
	}
	defer d.leave()
	v := &Value{Kind: kind}
	var err error
	switch kind {
	case ir.KindTensor:
		v.Name, v.Tensor, err = d.decodeTensor(b)
	case ir.KindSparseTensor:
		v.Name, v.Tensor, err = d.decodeSparse(b)
	case ir.KindSequence:
		err = d.sequence(b, v)
	case ir.KindOptional:
		err = d.optional(b, v)
	case ir.KindMap:
		err = d.mapValue(b, v)
	default:
		err = fmt.Errorf("onnx: cannot decode a value of kind %d: %w", kind, ir.ErrInvalidModel)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (d *decoder) sequence(b []byte, v *Value) error {
	const what = "SequenceProto"
	return walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case 1:
			v.Name, err = f.str(what)
		case 2:
			var k int32
			if k, err = f.int32(what); err == nil {
				v.SeqKind = protoKinds[k]
			}
		case 3, 4, 5, 6, 7:
			var mb []byte
			if mb, err = f.msg(what); err != nil {
				return err
			}
			var e *Value
			kind := protoKinds[int32(f.num)-2]
			if e, err = d.value(mb, kind); err != nil {
				return err
			}
			if kind == ir.KindTensor || kind == ir.KindSparseTensor {
				if len(v.Seq) == 0 {
					v.SeqElem = e.Tensor.DType()
				}
				v.Seq = append(v.Seq, e.Tensor)
			} else {
				v.Elems = append(v.Elems, e)
			}
		}
		return err
	})
}

func (d *decoder) optional(b []byte, v *Value) error {
	const what = "OptionalProto"
	v.OptEmpty = true
	return walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case 1:
			v.Name, err = f.str(what)
		case 2:
			var k int32
			if k, err = f.int32(what); err == nil {
				v.OptKind = protoKinds[k]
			}
		case 3, 4, 5, 6, 7:
			var mb []byte
			if mb, err = f.msg(what); err == nil {
				v.Opt, err = d.value(mb, protoKinds[int32(f.num)-2])
				v.OptEmpty = false
			}
		}
		return err
	})
}

func (d *decoder) mapValue(b []byte, v *Value) error {
	const what = "MapProto"
	var keys []int64
	var skeys []string
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case 1:
			v.Name, err = f.str(what)
		case 2:
			var k int32
			if k, err = f.int32(what); err == nil {
				v.MapKeyType, err = elemType(k)
			}
		case 3:
			keys, err = appendVarints(keys, f, what, func(v uint64) int64 { return int64(v) })
		case 4:
			var s string
			s, err = f.str(what)
			skeys = append(skeys, s)
		case 5:
			var mb []byte
			if mb, err = f.msg(what); err == nil {
				v.MapValues, err = d.value(mb, ir.KindSequence)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if v.MapKeyType == tensor.String {
		if skeys == nil {
			skeys = []string{}
		}
		v.MapKeys = tensor.From([]int{len(skeys)}, skeys)
	} else {
		if keys == nil {
			keys = []int64{}
		}
		v.MapKeys = tensor.From([]int{len(keys)}, keys)
	}
	return nil
}

// EncodeValue serializes v as the proto its Kind calls for (see
// DecodeValue).
func EncodeValue(v *Value) ([]byte, error) {
	return appendValue(nil, v, 0)
}

func appendValue(b []byte, v *Value, depth int) ([]byte, error) {
	if v == nil {
		return b, fmt.Errorf("onnx: nil value: %w", ir.ErrInvalidModel)
	}
	if depth > DefaultMaxDepth {
		return b, fmt.Errorf("onnx: value nested deeper than %d: %w", DefaultMaxDepth, ir.ErrInvalidModel)
	}
	var err error
	switch v.Kind {
	case ir.KindTensor:
		return appendTensorProto(b, v.Name, v.Tensor, nil)
	case ir.KindSparseTensor:
		return appendSparseProto(b, v.Name, v.Tensor)
	case ir.KindSequence:
		b = appendStr(b, 1, v.Name)
		kind := v.SeqKind
		if kind == ir.KindUnknown {
			kind = ir.KindTensor
			if len(v.Elems) > 0 {
				kind = v.Elems[0].Kind
			}
		}
		b = appendIntAlways(b, 2, int64(kindProtos[kind]))
		for _, t := range v.Seq {
			sub := &Value{Kind: ir.KindTensor, Tensor: t}
			if kind == ir.KindSparseTensor {
				sub.Kind = kind
			}
			if b, err = appendMsg(b, seqFields[sub.Kind], func(b []byte) ([]byte, error) { return appendValue(b, sub, depth+1) }); err != nil {
				return b, err
			}
		}
		for _, e := range v.Elems {
			num, ok := seqFields[e.Kind]
			if !ok {
				return b, fmt.Errorf("onnx: sequence element of kind %d: %w", e.Kind, ir.ErrInvalidModel)
			}
			if b, err = appendMsg(b, num, func(b []byte) ([]byte, error) { return appendValue(b, e, depth+1) }); err != nil {
				return b, err
			}
		}
		return b, nil
	case ir.KindOptional:
		b = appendStr(b, 1, v.Name)
		kind := v.OptKind
		if kind == ir.KindUnknown && v.Opt != nil {
			kind = v.Opt.Kind
		}
		b = appendInt(b, 2, int64(kindProtos[kind]))
		if v.OptEmpty || v.Opt == nil {
			return b, nil
		}
		num, ok := seqFields[v.Opt.Kind]
		if !ok {
			return b, fmt.Errorf("onnx: optional element of kind %d: %w", v.Opt.Kind, ir.ErrInvalidModel)
		}
		return appendMsg(b, num, func(b []byte) ([]byte, error) { return appendValue(b, v.Opt, depth+1) })
	case ir.KindMap:
		b = appendStr(b, 1, v.Name)
		b = appendIntAlways(b, 2, int64(v.MapKeyType))
		if v.MapKeys != nil {
			if v.MapKeys.DType() == tensor.String {
				for _, s := range tensor.Data[string](v.MapKeys) {
					b = appendStrAlways(b, 4, s)
				}
			} else {
				keys, err := v.MapKeys.AsInt64s()
				if err != nil {
					return b, fmt.Errorf("onnx: map keys: %w", err)
				}
				b = appendPackedInts(b, 3, keys)
			}
		}
		if v.MapValues != nil {
			return appendMsg(b, 5, func(b []byte) ([]byte, error) { return appendValue(b, v.MapValues, depth+1) })
		}
		return b, nil
	}
	return b, fmt.Errorf("onnx: cannot encode a value of kind %d: %w", v.Kind, ir.ErrInvalidModel)
}
