package onnx

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestStorageForms(t *testing.T) {
	f16 := tensor.F32ToF16(1.5)
	bf16 := tensor.F32ToBF16(-2)
	unpacked := pb{}.varint(tpInt64Data, 5).varint(tpInt64Data, -6)
	cases := []struct {
		name string
		tp   pb
		dt   tensor.DType
		want any
	}{
		{"float_data", pb{}.fixed32s(tpFloatData, math.Float32bits(1.5), math.Float32bits(-3)), tensor.Float32, []float32{1.5, -3}},
		{"float_data unpacked", pb(protowire.AppendFixed32(protowire.AppendTag(protowire.AppendFixed32(protowire.AppendTag(nil, tpFloatData, protowire.Fixed32Type), math.Float32bits(1)), tpFloatData, protowire.Fixed32Type), math.Float32bits(2))), tensor.Float32, []float32{1, 2}},
		{"double_data", pb{}.bytes(tpDoubleData, protowire.AppendFixed64(protowire.AppendFixed64(nil, math.Float64bits(0.25)), math.Float64bits(-1))), tensor.Float64, []float64{0.25, -1}},
		{"int32_data int32", pb{}.packed(tpInt32Data, -7, 1<<30), tensor.Int32, []int32{-7, 1 << 30}},
		{"int32_data int8", pb{}.packed(tpInt32Data, -128, 127), tensor.Int8, []int8{-128, 127}},
		{"int32_data uint8", pb{}.packed(tpInt32Data, 0, 255), tensor.Uint8, []uint8{0, 255}},
		{"int32_data int16", pb{}.packed(tpInt32Data, -32768, 5), tensor.Int16, []int16{-32768, 5}},
		{"int32_data uint16", pb{}.packed(tpInt32Data, 65535, 5), tensor.Uint16, []uint16{65535, 5}},
		{"int32_data bool", pb{}.packed(tpInt32Data, 1, 0), tensor.Bool, []bool{true, false}},
		{"int32_data float16", pb{}.packed(tpInt32Data, int64(f16), 0), tensor.Float16, []uint16{f16, 0}},
		{"int32_data bfloat16", pb{}.packed(tpInt32Data, int64(bf16), 0), tensor.BFloat16, []uint16{bf16, 0}},
		{"int32_data int4", pb{}.packed(tpInt32Data, 0x8F, 0x07), tensor.Int4, []int8{-1, -8, 7}},
		{"int32_data uint4", pb{}.packed(tpInt32Data, 0x8F, 0x07), tensor.Uint4, []uint8{15, 8, 7}},
		{"int64_data", pb{}.packed(tpInt64Data, 5, -6), tensor.Int64, []int64{5, -6}},
		{"int64_data unpacked", unpacked, tensor.Int64, []int64{5, -6}},
		{"uint64_data uint64", pb{}.bytes(tpUint64Data, protowire.AppendVarint(protowire.AppendVarint(nil, math.MaxUint64), 3)), tensor.Uint64, []uint64{math.MaxUint64, 3}},
		{"uint64_data uint32", pb{}.packed(tpUint64Data, math.MaxUint32, 3), tensor.Uint32, []uint32{math.MaxUint32, 3}},
		{"string_data", pb{}.str(tpStringData, "héllo").str(tpStringData, ""), tensor.String, []string{"héllo", ""}},
		{"raw float32", pb{}.bytes(tpRawData, []byte{0, 0, 0xc0, 0x3f, 0, 0, 0x40, 0xc0}), tensor.Float32, []float32{1.5, -3}},
		{"raw int64", pb{}.bytes(tpRawData, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), tensor.Int64, []int64{1, -1}},
		{"raw uint16", pb{}.bytes(tpRawData, []byte{0x34, 0x12, 0xff, 0xff}), tensor.Uint16, []uint16{0x1234, 0xffff}},
		{"raw bool", pb{}.bytes(tpRawData, []byte{1, 0}), tensor.Bool, []bool{true, false}},
		{"raw int8", pb{}.bytes(tpRawData, []byte{0x80, 0x7f}), tensor.Int8, []int8{-128, 127}},
		{"raw int4", pb{}.bytes(tpRawData, []byte{0x8F, 0x07}), tensor.Int4, []int8{-1, -8, 7}},
		{"raw uint4", pb{}.bytes(tpRawData, []byte{0x8F, 0x07}), tensor.Uint4, []uint8{15, 8, 7}},
		{"raw float8", pb{}.bytes(tpRawData, []byte{0x38, 0}), tensor.Float8E4M3FN, []uint8{0x38, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := int64(reflect.ValueOf(c.want).Len())
			tp := pb{}.packed(tpDims, n).varint(tpDataType, int64(c.dt)).str(tpName, "x")
			tp = append(tp, c.tp...)
			name, got, err := DecodeTensor(tp)
			if err != nil {
				t.Fatal(err)
			}
			if name != "x" || got.DType() != c.dt || !reflect.DeepEqual(got.Shape(), []int{int(n)}) {
				t.Fatalf("got %q %v%v", name, got.DType(), got.Shape())
			}
			if !reflect.DeepEqual(got.Data(), c.want) {
				t.Fatalf("got %v, want %v", got.Data(), c.want)
			}
			// Re-encode (raw_data) and decode again.
			_, again, err := DecodeTensor(EncodeTensor("x", got))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again.Data(), c.want) {
				t.Fatalf("re-encoded: got %v, want %v", again.Data(), c.want)
			}
		})
	}
}

func TestScalarAndEmpty(t *testing.T) {
	for _, tt := range []*tensor.Tensor{
		tensor.Scalar(float32(2.5)),
		tensor.From([]int{0, 3}, []float32{}),
		tensor.From([]int{2, 0}, []string{}),
		tensor.Must(tensor.FromData(tensor.Int4, []int{0}, []int8{})),
		tensor.Scalar("s"),
	} {
		_, got, err := DecodeTensor(EncodeTensor("t", tt))
		if err != nil {
			t.Fatalf("%v: %v", tt, err)
		}
		if err := tensorsEqual(tt, got, tt.String()); err != nil {
			t.Fatal(err)
		}
		if got.Data() == nil || reflect.ValueOf(got.Data()).IsNil() {
			t.Fatalf("%v: nil data", tt)
		}
	}
}

func TestRawDataReferenced(t *testing.T) {
	if !littleEndian {
		t.Skip("big-endian host copies")
	}
	src := tensor.From([]int{3}, []float32{1, 2, 3})
	b := EncodeTensor("x", src)
	// Find an alignment of the buffer at which raw_data starts 4-aligned.
	for shift := 0; shift < 4; shift++ {
		buf := make([]byte, len(b)+8)
		copy(buf[shift:], b)
		in := buf[shift : shift+len(b)]
		_, got, err := DecodeTensor(in)
		if err != nil {
			t.Fatal(err)
		}
		data := tensor.Data[float32](got)
		p := uintptr(unsafe.Pointer(&data[0]))
		lo, hi := uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&buf[len(buf)-1]))
		inside := p >= lo && p <= hi
		raw := uintptr(unsafe.Pointer(&in[len(in)-12]))
		if aligned := raw%4 == 0; aligned != inside {
			t.Fatalf("shift %d: raw aligned %v but referenced %v", shift, aligned, inside)
		}
		if !equalF32(data, []float32{1, 2, 3}) {
			t.Fatalf("shift %d: %v", shift, data)
		}
	}
}

func TestSparse(t *testing.T) {
	vals := pb{}.packed(tpDims, 3).varint(tpDataType, 1).str(tpName, "sp").
		fixed32s(tpFloatData, math.Float32bits(1), math.Float32bits(2), math.Float32bits(3))
	linear := pb{}.packed(tpDims, 3).varint(tpDataType, 7).packed(tpInt64Data, 1, 4, 5)
	coords := pb{}.packed(tpDims, 3, 2).varint(tpDataType, 7).packed(tpInt64Data, 0, 1, 1, 1, 1, 2)
	want := []float32{0, 1, 0, 0, 2, 3}
	for _, idx := range []pb{linear, coords} {
		sp := pb{}.bytes(spValues, vals).bytes(spIndices, idx).packed(spDims, 2, 3)
		g := pb{}.bytes(gpSparseInitializer, sp)
		m, err := Decode(pb{}.bytes(mpGraph, g), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Graph.Initializers["sp"]
		if !reflect.DeepEqual(got.Shape(), []int{2, 3}) || !equalF32(tensor.Data[float32](got), want) {
			t.Fatalf("got %v", got)
		}
		// As an attribute: round-trips through the sparse encoder.
		n := pb{}.str(npOpType, "Constant").bytes(npAttribute, pb{}.str(apName, "sparse_value").varint(apType, int64(ir.AttrSparseTensor)).bytes(apSparseTensor, sp))
		m, err = Decode(pb{}.bytes(mpGraph, pb{}.bytes(gpNode, n)), nil)
		if err != nil {
			t.Fatal(err)
		}
		a := m.Graph.Nodes[0].Attr("sparse_value")
		if a.Type != ir.AttrSparseTensor || !equalF32(tensor.Data[float32](a.T), want) {
			t.Fatalf("attr: %+v", a)
		}
		if err := roundTrip(m); err != nil {
			t.Fatal(err)
		}
	}
	bad := []pb{
		pb{}.bytes(spValues, vals).bytes(spIndices, pb{}.packed(tpDims, 3).varint(tpDataType, 7).packed(tpInt64Data, 1, 4, 6)).packed(spDims, 2, 3),
		pb{}.bytes(spValues, vals).bytes(spIndices, pb{}.packed(tpDims, 3, 2).varint(tpDataType, 7).packed(tpInt64Data, 0, 1, 1, 3, 1, 2)).packed(spDims, 2, 3),
		pb{}.bytes(spValues, vals).bytes(spIndices, pb{}.packed(tpDims, 2).varint(tpDataType, 7).packed(tpInt64Data, 0, 1)).packed(spDims, 2, 3),
		pb{}.bytes(spValues, vals).packed(spDims, 2, 3),
		pb{}.bytes(spValues, vals).bytes(spIndices, linear).packed(spDims, 1<<20, 1<<20),
		pb{}.bytes(spIndices, linear).packed(spDims, 6),
	}
	for i, sp := range bad {
		_, err := Decode(pb{}.bytes(mpGraph, pb{}.bytes(gpSparseInitializer, sp)), nil)
		if !errors.Is(err, ir.ErrInvalidModel) && !errors.Is(err, tensor.ErrLimit) {
			t.Errorf("bad sparse %d: got %v", i, err)
		}
	}
}

func TestModelFields(t *testing.T) {
	n := pb{}.str(npInput, "x").str(npInput, "").str(npOutput, "y").str(npName, "n0").str(npOpType, "Foo").str(npDomain, "ai.onnx").
		str(npDocString, "doc").str(npOverload, "ov").
		bytes(npAttribute, pb{}.str(apName, "empty_ints").varint(apType, int64(ir.AttrInts))).
		bytes(npAttribute, pb{}.str(apName, "empty_floats").varint(apType, int64(ir.AttrFloats))).
		bytes(npAttribute, pb{}.str(apName, "old_int").varint(apI, 3)).
		bytes(npAttribute, pb{}.str(apName, "ref").str(apRefAttrName, "alpha").varint(apType, int64(ir.AttrFloat))).
		bytes(npAttribute, pb{}.str(apName, "ty").varint(apType, int64(ir.AttrTypeProto)).bytes(apTP, pb{}.bytes(tyMap, pb{}.varint(1, 8).bytes(2, pb{}.bytes(tyTensor, pb{}.varint(1, 1))))))
	shape := pb{}.bytes(1, pb{}.varint(1, 3)).bytes(1, pb{}.str(2, "N").str(3, "BATCH")).bytes(1, pb{})
	in := pb{}.str(1, "x").bytes(2, pb{}.bytes(tyTensor, pb{}.varint(1, 1).bytes(2, shape)).str(tyDenotation, "IMAGE")).str(3, "input doc")
	scalar := pb{}.str(1, "s").bytes(2, pb{}.bytes(tyTensor, pb{}.varint(1, 7).bytes(2, nil)))
	unranked := pb{}.str(1, "u").bytes(2, pb{}.bytes(tyOptional, pb{}.bytes(1, pb{}.bytes(tySequence, pb{}.bytes(1, pb{}.bytes(tySparse, pb{}.varint(1, 1))))))).
		bytes(99, []byte("unknown field"))
	g := pb{}.bytes(gpNode, n).str(gpName, "main").bytes(gpInput, in).bytes(gpInput, scalar).bytes(gpOutput, pb{}.str(1, "y")).bytes(gpValueInfo, unranked).str(gpDocString, "gdoc")
	fn := pb{}.str(fpName, "F").str(fpDomain, "local").str(fpInput, "a").str(fpOutput, "b").str(fpAttribute, "alpha").
		bytes(fpNode, pb{}.str(npOpType, "Relu").str(npInput, "a").str(npOutput, "b")).
		bytes(fpOpsetImport, pb{}.str(1, "").varint(2, 18)).
		bytes(fpAttributeProto, pb{}.str(apName, "beta").varint(apType, int64(ir.AttrFloat)).fixed32s(apF)).
		bytes(fpValueInfo, pb{}.str(1, "a"))
	m := pb{}.varint(mpIRVersion, 9).str(mpProducerName, "p").str(mpProducerVersion, "1").str(mpDomain, "d").varint(mpModelVersion, 4).
		str(mpDocString, "mdoc").bytes(mpOpsetImport, pb{}.str(1, "ai.onnx").varint(2, 18)).bytes(mpOpsetImport, pb{}.str(1, "local").varint(2, 1)).
		bytes(mpMetadataProps, pb{}.str(1, "k").str(2, "v")).bytes(mpGraph, g).bytes(mpFunctions, fn)
	// fixed32s with no values gives an empty packed field: fine for f.
	got, err := Decode(m, nil)
	if err == nil {
		t.Fatalf("f as packed bytes accepted")
	}
	fn = pb{}.str(fpName, "F").str(fpDomain, "local").bytes(fpAttributeProto, pb{}.str(apName, "beta").varint(apType, int64(ir.AttrFloat)))
	m = pb{}.varint(mpIRVersion, 9).str(mpProducerName, "p").str(mpProducerVersion, "1").str(mpDomain, "d").varint(mpModelVersion, 4).
		str(mpDocString, "mdoc").bytes(mpOpsetImport, pb{}.str(1, "ai.onnx").varint(2, 18)).bytes(mpOpsetImport, pb{}.str(1, "local").varint(2, 1)).
		bytes(mpMetadataProps, pb{}.str(1, "k").str(2, "v")).bytes(mpGraph, g).bytes(mpFunctions, fn)
	if got, err = Decode(m, nil); err != nil {
		t.Fatal(err)
	}
	if got.Opset("") != 18 || got.Opset("ai.onnx") != 18 || got.Opsets["local"] != 1 || len(got.Opsets) != 2 {
		t.Errorf("opsets %v", got.Opsets)
	}
	node := got.Graph.Nodes[0]
	if node.Domain != "" || node.Overload != "ov" || node.DocString != "doc" || !reflect.DeepEqual(node.Inputs, []string{"x", ""}) {
		t.Errorf("node %+v", node)
	}
	if a := node.Attr("empty_ints"); a.Ints == nil || len(a.Ints) != 0 || node.AttrInts("empty_ints") == nil {
		t.Errorf("empty ints %+v", a)
	}
	if a := node.Attr("empty_floats"); a.Floats == nil {
		t.Errorf("empty floats %+v", a)
	}
	if node.AttrInt("old_int", 0) != 3 {
		t.Errorf("type inferred from field: %+v", node.Attr("old_int"))
	}
	if a := node.Attr("ref"); a.RefAttr != "alpha" || a.Type != ir.AttrFloat {
		t.Errorf("ref attr %+v", a)
	}
	if a := node.Attr("ty"); a.TP.String() != "map(string,float32[?])" {
		t.Errorf("type proto %v", a.TP)
	}
	x := got.Graph.Inputs[0]
	if x.Type.String() != "float32[3,N,?]" || x.Type.Denotation != "IMAGE" || x.Type.Shape[1].Denotation != "BATCH" || x.DocString != "input doc" {
		t.Errorf("input %+v %v", x, x.Type)
	}
	if s := got.Graph.Inputs[1].Type; !s.HasShape || s.Shape == nil || len(s.Shape) != 0 {
		t.Errorf("scalar type %+v", s)
	}
	if y := got.Graph.Outputs[0]; y.Type != nil {
		t.Errorf("untyped output %+v", y)
	}
	if u := got.Graph.ValueInfo[0].Type; u.String() != "optional(seq(float32[?]))" || u.Inner.Inner.Kind != ir.KindSparseTensor {
		t.Errorf("nested type %v", u)
	}
	if len(got.Functions) != 1 || got.Functions[0].AttrProtos[0].Name != "beta" {
		t.Errorf("functions %+v", got.Functions)
	}
	if got.Metadata[0] != (ir.KV{Key: "k", Value: "v"}) || got.DocString != "mdoc" || got.ModelVersion != 4 {
		t.Errorf("model %+v", got)
	}
	if err := roundTrip(got); err != nil {
		t.Fatal(err)
	}
}

func TestValues(t *testing.T) {
	t1 := tensor.From([]int{2}, []float32{1, 2})
	t2 := tensor.From([]int{1}, []float32{3})
	cases := []*Value{
		{Name: "seq", Kind: ir.KindSequence, SeqKind: ir.KindTensor, Seq: []*tensor.Tensor{t1, t2}, SeqElem: tensor.Float32},
		{Name: "empty", Kind: ir.KindSequence, SeqKind: ir.KindTensor},
		{Name: "opt", Kind: ir.KindOptional, OptKind: ir.KindTensor, Opt: &Value{Kind: ir.KindTensor, Tensor: t1}},
		{Name: "none", Kind: ir.KindOptional, OptKind: ir.KindSequence, OptEmpty: true},
		{Name: "optseq", Kind: ir.KindOptional, OptKind: ir.KindSequence, Opt: &Value{Kind: ir.KindSequence, SeqKind: ir.KindTensor, Seq: []*tensor.Tensor{t2}, SeqElem: tensor.Float32}},
		{Name: "map", Kind: ir.KindMap, MapKeyType: tensor.Int64, MapKeys: tensor.From([]int{2}, []int64{4, 5}),
			MapValues: &Value{Kind: ir.KindSequence, SeqKind: ir.KindTensor, Seq: []*tensor.Tensor{t1, t2}, SeqElem: tensor.Float32}},
		{Name: "smap", Kind: ir.KindMap, MapKeyType: tensor.String, MapKeys: tensor.From([]int{1}, []string{"a"})},
		{Name: "seqmap", Kind: ir.KindSequence, SeqKind: ir.KindMap, Elems: []*Value{{Kind: ir.KindMap, MapKeyType: tensor.Int64, MapKeys: tensor.From([]int{0}, []int64{})}}},
	}
	for _, v := range cases {
		b, err := EncodeValue(v)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		got, err := DecodeValue(b, v.Kind)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if err := deepEqual(reflect.ValueOf(v), reflect.ValueOf(got), v.Name); err != nil {
			t.Error(err)
		}
	}
	if _, err := DecodeValue(nil, ir.KindUnknown); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("unknown kind: %v", err)
	}
}
