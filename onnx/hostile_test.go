package onnx

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// pb builds protobuf messages by hand for tests.
type pb []byte

func (b pb) varint(num protowire.Number, v int64) pb {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func (b pb) bytes(num protowire.Number, v []byte) pb {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func (b pb) str(num protowire.Number, s string) pb { return b.bytes(num, []byte(s)) }

func (b pb) packed(num protowire.Number, vs ...int64) pb {
	var p []byte
	for _, v := range vs {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return b.bytes(num, p)
}

func (b pb) fixed32s(num protowire.Number, vs ...uint32) pb {
	var p []byte
	for _, v := range vs {
		p = protowire.AppendFixed32(p, v)
	}
	return b.bytes(num, p)
}

// modelWith wraps initializer TensorProtos into a minimal ModelProto.
func modelWith(inits ...pb) []byte {
	var g pb
	g = g.str(gpName, "g")
	for _, t := range inits {
		g = g.bytes(gpInitializer, t)
	}
	var m pb
	m = m.varint(mpIRVersion, 8)
	m = m.bytes(mpOpsetImport, pb{}.str(1, "ai.onnx").varint(2, 17))
	return m.bytes(mpGraph, g)
}

// smallModel is a real node test model, or a hand-built one.
func smallModel(t testing.TB) []byte {
	if b, err := os.ReadFile(filepath.Join(testDataRoot, "node", "test_conv_with_strides_padding", "model.onnx")); err == nil {
		return b
	}
	n := pb{}.str(npInput, "x").str(npInput, "w").str(npOutput, "y").str(npOpType, "Conv").
		bytes(npAttribute, pb{}.str(apName, "pads").varint(apType, int64(ir.AttrInts)).packed(apInts, 1, 1, 1, 1))
	w := pb{}.packed(tpDims, 1, 1, 3, 3).varint(tpDataType, 1).str(tpName, "w").bytes(tpRawData, make([]byte, 36))
	return pb(modelWith(w)).bytes(mpGraph, pb{}.bytes(gpNode, n))
}

// topBoundaries returns the offsets at which top-level fields of b end.
func topBoundaries(b []byte) map[int]bool {
	out := map[int]bool{0: true}
	off := 0
	for off < len(b) {
		_, typ, n := protowire.ConsumeTag(b[off:])
		m := protowire.ConsumeFieldValue(0, typ, b[off+n:])
		if n < 0 || m < 0 {
			break
		}
		off += n + m
		out[off] = true
	}
	return out
}

func TestTruncatedModel(t *testing.T) {
	b := smallModel(t)
	ok := topBoundaries(b)
	for i := 0; i < len(b); i++ {
		m, err := Decode(b[:i], nil)
		if err == nil && !ok[i] {
			t.Errorf("prefix of %d/%d bytes decoded without error", i, len(b))
		}
		if err != nil && !errors.Is(err, ir.ErrInvalidModel) {
			t.Errorf("prefix %d: error %v does not wrap ErrInvalidModel", i, err)
		}
		if err == nil && m.Graph == nil {
			t.Errorf("prefix %d: model without graph", i)
		}
	}
	if _, err := Decode(b, nil); err != nil {
		t.Fatalf("full model: %v", err)
	}
}

// hugeModel is a ~1 KB model declaring a 10^12-element float initializer.
func hugeModel() []byte {
	w := pb{}.packed(tpDims, 1000000, 1000000).varint(tpDataType, 1).str(tpName, "huge").bytes(tpRawData, make([]byte, 1000))
	return modelWith(w)
}

func TestHugeInitializer(t *testing.T) {
	b := hugeModel()
	if len(b) > 1100 {
		t.Fatalf("model is %d bytes", len(b))
	}
	for _, opts := range []*Options{nil, {MaxTensorBytes: math.MaxInt64}} {
		start := time.Now()
		_, err := Decode(b, opts)
		if err == nil || !(errors.Is(err, tensor.ErrLimit) || errors.Is(err, ir.ErrInvalidModel)) {
			t.Fatalf("opts %+v: got %v, want ErrLimit or ErrInvalidModel", opts, err)
		}
		if !strings.Contains(err.Error(), `"huge"`) {
			t.Errorf("error does not name the tensor: %v", err)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Errorf("took %v", d)
		}
	}
	// More than 2^40 elements fails in NumElements.
	w := pb{}.packed(tpDims, 1<<21, 1<<21).varint(tpDataType, 1).str(tpName, "x")
	if _, _, err := DecodeTensor(w); !errors.Is(err, tensor.ErrLimit) {
		t.Errorf("2^42 elements: got %v, want ErrLimit", err)
	}
	// Overflowing dims.
	w = pb{}.packed(tpDims, math.MaxInt64, math.MaxInt64).varint(tpDataType, 1)
	if _, _, err := DecodeTensor(w); !errors.Is(err, tensor.ErrLimit) {
		t.Errorf("overflow: got %v, want ErrLimit", err)
	}
	// Negative dim.
	w = pb{}.packed(tpDims, -1).varint(tpDataType, 1)
	if _, _, err := DecodeTensor(w); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("negative dim: got %v, want ErrInvalidModel", err)
	}
}

func TestDimsDataMismatch(t *testing.T) {
	cases := []struct {
		name string
		tp   pb
	}{
		{"raw short", pb{}.packed(tpDims, 2, 3).varint(tpDataType, 1).bytes(tpRawData, make([]byte, 20))},
		{"raw long", pb{}.packed(tpDims, 2, 3).varint(tpDataType, 1).bytes(tpRawData, make([]byte, 28))},
		{"float_data", pb{}.packed(tpDims, 2, 3).varint(tpDataType, 1).fixed32s(tpFloatData, 1, 2, 3, 4, 5)},
		{"int32_data", pb{}.packed(tpDims, 2).varint(tpDataType, int64(tensor.Int8)).packed(tpInt32Data, 1, 2, 3)},
		{"int64_data", pb{}.packed(tpDims, 4).varint(tpDataType, int64(tensor.Int64)).packed(tpInt64Data, 1)},
		{"no data", pb{}.packed(tpDims, 4).varint(tpDataType, int64(tensor.Int64))},
		{"strings", pb{}.packed(tpDims, 2).varint(tpDataType, int64(tensor.String)).str(tpStringData, "a")},
		{"int4", pb{}.packed(tpDims, 5).varint(tpDataType, int64(tensor.Int4)).bytes(tpRawData, []byte{1, 2})},
		{"packed fixed32 odd", pb{}.packed(tpDims, 1).varint(tpDataType, 1).bytes(tpFloatData, []byte{1, 2, 3})},
		{"bad varint", pb{}.packed(tpDims, 1).varint(tpDataType, 7).bytes(tpInt64Data, []byte{0x80})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp := c.tp.str(tpName, "w")
			_, _, err := DecodeTensor(tp)
			if !errors.Is(err, ir.ErrInvalidModel) {
				t.Fatalf("got %v, want ErrInvalidModel", err)
			}
			if _, err := Decode(modelWith(tp), nil); !errors.Is(err, ir.ErrInvalidModel) || !strings.Contains(err.Error(), `"w"`) {
				t.Fatalf("model: got %v", err)
			}
		})
	}
	_, _, err := DecodeTensor(pb{}.packed(tpDims, 2, 3).varint(tpDataType, 1).str(tpName, "w").bytes(tpRawData, make([]byte, 20)))
	if !strings.Contains(err.Error(), "[2 3]") {
		t.Errorf("error does not name dims: %v", err)
	}
	if _, _, err := DecodeTensor(pb{}.packed(tpDims, 1).varint(tpDataType, int64(tensor.Complex64)).fixed32s(tpFloatData, 1, 2)); !errors.Is(err, tensor.ErrDType) {
		t.Errorf("complex64: got %v, want ErrDType", err)
	}
}

// extModel returns a model whose initializer "w" (float32[4]) lives in
// external data described by kvs.
func extModel(kvs ...string) []byte {
	tp := pb{}.packed(tpDims, 4).varint(tpDataType, 1).str(tpName, "w").varint(tpDataLocation, 1)
	for i := 0; i+1 < len(kvs); i += 2 {
		tp = tp.bytes(tpExternalData, pb{}.str(1, kvs[i]).str(2, kvs[i+1]))
	}
	return modelWith(tp)
}

func TestExternalData(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "model")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{dir, outside, filepath.Join(dir, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := make([]byte, 8+16)
	for i, v := range []float32{1.5, -2, 3, 4} {
		*(*uint32)(unsafe.Pointer(&data[8+4*i])) = math.Float32bits(v)
	}
	if !littleEndian {
		t.Skip("test writes host-endian floats")
	}
	for _, p := range []string{filepath.Join(dir, "w.bin"), filepath.Join(dir, "sub", "w.bin"), filepath.Join(outside, "w.bin")} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(outside, "w.bin"), filepath.Join(dir, "escape.bin")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "escdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub/w.bin", filepath.Join(dir, "inside.bin")); err != nil {
		t.Fatal(err)
	}
	good := []struct {
		name string
		kvs  []string
	}{
		{"plain", []string{"location", "w.bin", "offset", "8", "length", "16"}},
		{"no length", []string{"location", "w.bin", "offset", "8"}},
		{"subdir", []string{"location", "sub/w.bin", "offset", "8", "length", "16", "checksum", "xyz"}},
		{"symlink inside", []string{"location", "inside.bin", "offset", "8", "length", "16"}},
	}
	for _, c := range good {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode(extModel(c.kvs...), &Options{BaseDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			got := tensor.Data[float32](m.Graph.Initializers["w"])
			if want := []float32{1.5, -2, 3, 4}; !equalF32(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	bad := []struct {
		name string
		kvs  []string
		base string
	}{
		{"dotdot", []string{"location", "../outside/w.bin", "offset", "8", "length", "16"}, dir},
		{"dotdot inner", []string{"location", "sub/../../outside/w.bin", "offset", "8", "length", "16"}, dir},
		{"dotdot backslash", []string{"location", `sub\..\..\outside\w.bin`, "offset", "8", "length", "16"}, dir},
		{"absolute", []string{"location", filepath.Join(outside, "w.bin"), "offset", "8", "length", "16"}, dir},
		{"symlink escape", []string{"location", "escape.bin", "offset", "8", "length", "16"}, dir},
		{"symlink dir escape", []string{"location", "escdir/w.bin", "offset", "8", "length", "16"}, dir},
		{"no base dir", []string{"location", "w.bin", "offset", "8", "length", "16"}, ""},
		{"missing file", []string{"location", "nope.bin"}, dir},
		{"no location", []string{"offset", "8", "length", "16"}, dir},
		{"past end", []string{"location", "w.bin", "offset", "16", "length", "16"}, dir},
		{"offset past end", []string{"location", "w.bin", "offset", "100"}, dir},
		{"huge length", []string{"location", "w.bin", "offset", "8", "length", "9223372036854775807"}, dir},
		{"wrong length", []string{"location", "w.bin", "offset", "0", "length", "20"}, dir},
		{"negative offset", []string{"location", "w.bin", "offset", "-8", "length", "16"}, dir},
		{"bad offset", []string{"location", "w.bin", "offset", "x"}, dir},
		{"directory", []string{"location", "sub", "length", "16"}, dir},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(extModel(c.kvs...), &Options{BaseDir: c.base})
			if !errors.Is(err, ir.ErrInvalidModel) {
				t.Fatalf("got %v, want ErrInvalidModel", err)
			}
		})
	}
	// Load uses the model's directory.
	path := filepath.Join(dir, "m.onnx")
	if err := os.WriteFile(path, extModel("location", "w.bin", "offset", "8", "length", "16"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(extModel("location", "w.bin", "offset", "8", "length", "16"), nil); err == nil {
		t.Fatal("nil options accepted external data")
	}
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestSaveExternal(t *testing.T) {
	dir := t.TempDir()
	m := &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: &ir.Graph{Name: "g"}}
	big := make([]float32, 1000)
	for i := range big {
		big[i] = float32(i) * 0.5
	}
	m.Graph.AddInitializer("big", tensor.From([]int{10, 100}, big))
	m.Graph.AddInitializer("small", tensor.From([]int{2}, []int64{7, 8}))
	m.Graph.AddInitializer("i4", tensor.Must(tensor.FromData(tensor.Int4, []int{3}, []int8{-8, 7, -1})))
	m.Graph.AddInitializer("big2", tensor.From([]int{300}, make([]int64, 300)))
	path := filepath.Join(dir, "m.onnx")
	if err := SaveExternal(m, path, "m.data", 1024); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() > 1000 {
		t.Fatalf("model file: %v %v", st.Size(), err)
	}
	m2, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := equalModels(m, m2); err != nil {
		t.Fatal(err)
	}
	if err := SaveExternal(m, path, "../m.data", 0); err == nil {
		t.Fatal("SaveExternal accepted ../")
	}
	if err := Save(m, path); err != nil {
		t.Fatal(err)
	}
	m3, err := LoadWithOptions(path, Options{MaxTensorBytes: 100})
	if !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("MaxTensorBytes: got %v, %v", m3, err)
	}
}

// nestedIf builds a graph nested depth levels deep through If attributes.
func nestedIf(depth int) []byte {
	g := pb{}.str(gpName, "leaf")
	for i := 0; i < depth; i++ {
		n := pb{}.str(npOpType, "If").bytes(npAttribute, pb{}.str(apName, "then_branch").varint(apType, int64(ir.AttrGraph)).bytes(apG, g))
		g = pb{}.bytes(gpNode, n)
	}
	return pb{}.varint(mpIRVersion, 8).bytes(mpGraph, g)
}

func TestDepthLimit(t *testing.T) {
	if _, err := Decode(nestedIf(10), nil); err != nil {
		t.Fatalf("depth 10: %v", err)
	}
	if _, err := Decode(nestedIf(200), nil); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("depth 200: got %v", err)
	}
	if _, err := Decode(nestedIf(10), &Options{MaxDepth: 5}); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("MaxDepth 5: got %v", err)
	}
	// Deeply nested types.
	ty := pb{}.bytes(tyTensor, pb{}.varint(1, 1))
	for i := 0; i < 100; i++ {
		ty = pb{}.bytes(tySequence, pb{}.bytes(1, ty))
	}
	g := pb{}.bytes(gpInput, pb{}.str(1, "x").bytes(2, ty))
	if _, err := Decode(pb{}.bytes(mpGraph, g), nil); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("nested types: got %v", err)
	}
}

func TestNoGraph(t *testing.T) {
	if _, err := Decode(pb{}.varint(mpIRVersion, 8), nil); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("got %v", err)
	}
	if _, err := Decode(nil, nil); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("empty: got %v", err)
	}
	// Wrong wire type for a known field.
	if _, err := Decode(pb{}.varint(mpGraph, 3), nil); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("wire type: got %v", err)
	}
}

func BenchmarkDecodeHugeInitializer(b *testing.B) {
	m := hugeModel()
	b.ReportAllocs()
	b.SetBytes(int64(len(m)))
	for b.Loop() {
		if _, err := Decode(m, nil); err == nil {
			b.Fatal("no error")
		}
	}
}

// bigModel has 16 float32 initializers of 1M elements (64 MiB).
func bigModel() *ir.Model {
	m := &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: &ir.Graph{Name: "g"}}
	for i := 0; i < 16; i++ {
		m.Graph.AddInitializer(string(rune('a'+i)), tensor.Zeros(tensor.Float32, 1024, 1024))
	}
	return m
}

func BenchmarkEncode64MiB(b *testing.B) {
	m := bigModel()
	b.SetBytes(64 << 20)
	for b.Loop() {
		if _, err := Encode(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode64MiB(b *testing.B) {
	enc, err := Encode(bigModel())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(enc, nil); err != nil {
			b.Fatal(err)
		}
	}
}
