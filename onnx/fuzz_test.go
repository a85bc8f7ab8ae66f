package onnx

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// fuzzOptions keeps fuzzed sparse tensors from allocating much.
var fuzzOptions = &Options{MaxTensorBytes: 1 << 20}

// fuzzSeedTests are small node tests whose files seed the fuzzers.
var fuzzSeedTests = []string{
	"node/test_abs", "node/test_conv_with_strides_padding", "node/test_if_seq", "node/test_loop11",
	"node/test_constant", "node/test_cast_FLOAT_to_FLOAT16", "node/test_optional_get_element_sequence",
	"node/test_sequence_insert_at_back", "node/test_strnormalizer_export_monday_casesensintive_lower",
}

func addSeeds(f *testing.F, pattern string) {
	for _, t := range fuzzSeedTests {
		files, _ := filepath.Glob(filepath.Join(testDataRoot, t, pattern))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<16 {
				f.Add(b)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	addSeeds(f, "model.onnx")
	f.Add(hugeModel())
	f.Add(nestedIf(3))
	f.Add(extModel("location", "w.bin", "offset", "8", "length", "16"))
	f.Fuzz(func(t *testing.T, b []byte) {
		orig := append([]byte{}, b...)
		m, err := Decode(b, fuzzOptions)
		if err != nil {
			return
		}
		// What decodes must encode and decode back to the same model.
		enc, err := Encode(m)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		m2, err := Decode(enc, fuzzOptions)
		if err != nil {
			t.Fatalf("decode of encoding: %v", err)
		}
		if err := equalModels(m, m2); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if !bytes.Equal(orig, b) {
			t.Fatal("Decode modified its input")
		}
	})
}

func FuzzDecodeTensor(f *testing.F) {
	addSeeds(f, "test_data_set_0/*.pb")
	f.Add([]byte(EncodeTensor("i4", tensor.Must(tensor.FromData(tensor.Int4, []int{3}, []int8{-8, 7, 1})))))
	f.Add([]byte(pb{}.packed(tpDims, 2).varint(tpDataType, 9).packed(tpInt32Data, 1, 0)))
	f.Fuzz(func(t *testing.T, b []byte) {
		name, tt, err := DecodeTensor(b)
		for _, k := range []ir.TypeKind{ir.KindSequence, ir.KindOptional, ir.KindMap, ir.KindSparseTensor} {
			d := newDecoder(fuzzOptions)
			if v, err := d.value(b, k); err == nil {
				if _, err := EncodeValue(v); err != nil {
					t.Fatalf("encode value kind %d: %v", k, err)
				}
			}
		}
		if err != nil {
			return
		}
		name2, tt2, err := DecodeTensor(EncodeTensor(name, tt))
		if err != nil {
			t.Fatalf("decode of encoding: %v", err)
		}
		if name2 != name {
			t.Fatalf("name %q vs %q", name, name2)
		}
		if err := tensorsEqual(tt, tt2, name); err != nil {
			t.Fatal(err)
		}
	})
}
