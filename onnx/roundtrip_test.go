package onnx

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// testDataRoot holds the ONNX backend test data (libonnx's copy).
const testDataRoot = "/usr/share/libonnx-testdata/data"

var tensorType = reflect.TypeOf((*tensor.Tensor)(nil))

// deepEqual compares two decoded structures, treating tensors by dtype,
// shape and element bits (so NaNs compare equal) and floats by bits.
func deepEqual(a, b reflect.Value, path string) error {
	if a.Type() != b.Type() {
		return fmt.Errorf("%s: type %v vs %v", path, a.Type(), b.Type())
	}
	if a.Type() == tensorType {
		return tensorsEqual(a.Interface().(*tensor.Tensor), b.Interface().(*tensor.Tensor), path)
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Errorf("%s: nil vs non-nil", path)
			}
			return nil
		}
		return deepEqual(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if err := deepEqual(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return fmt.Errorf("%s: nil vs empty slice", path)
		}
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: len %d vs %d", path, a.Len(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if err := deepEqual(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: map len %d vs %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return fmt.Errorf("%s: key %v missing", path, k)
			}
			if err := deepEqual(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Float32, reflect.Float64:
		if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
			return fmt.Errorf("%s: %v vs %v", path, a.Float(), b.Float())
		}
		return nil
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return fmt.Errorf("%s: %v vs %v", path, a.Interface(), b.Interface())
		}
		return nil
	}
}

func tensorsEqual(a, b *tensor.Tensor, path string) error {
	if a == nil || b == nil {
		if a != b {
			return fmt.Errorf("%s: nil vs non-nil tensor", path)
		}
		return nil
	}
	if a.DType() != b.DType() || !tensor.SameShape(a.Shape(), b.Shape()) {
		return fmt.Errorf("%s: tensor %v%v vs %v%v", path, a.DType(), a.Shape(), b.DType(), b.Shape())
	}
	if a.DType() == tensor.String {
		if !reflect.DeepEqual(a.Data(), b.Data()) {
			return fmt.Errorf("%s: strings differ", path)
		}
		return nil
	}
	if !bytes.Equal(rawBytes(a), rawBytes(b)) {
		return fmt.Errorf("%s: tensor %v%v data differs: %v vs %v", path, a.DType(), a.Shape(), a, b)
	}
	return nil
}

func equalModels(a, b *ir.Model) error {
	return deepEqual(reflect.ValueOf(a), reflect.ValueOf(b), "model")
}

// testModels lists the model.onnx files of the backend test data.
func testModels(t testing.TB) []string {
	var out []string
	for _, dir := range []string{"node", "pytorch-converted", "pytorch-operator", "simple"} {
		m, _ := filepath.Glob(filepath.Join(testDataRoot, dir, "*", "model.onnx"))
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Skip("no ONNX test data under " + testDataRoot)
	}
	return out
}

// roundTrip checks decode → encode → decode equality and that encoding is
// stable.
func roundTrip(m1 *ir.Model) error {
	b1, err := Encode(m1)
	if err != nil {
		return fmt.Errorf("encode: %v", err)
	}
	m2, err := Decode(b1, nil)
	if err != nil {
		return fmt.Errorf("decode of encoding: %v", err)
	}
	if err := equalModels(m1, m2); err != nil {
		return fmt.Errorf("round trip: %v", err)
	}
	b2, err := Encode(m2)
	if err != nil {
		return fmt.Errorf("re-encode: %v", err)
	}
	if !bytes.Equal(b1, b2) {
		return fmt.Errorf("encoding not stable: %d vs %d bytes", len(b1), len(b2))
	}
	return nil
}

func TestRoundTripTestModels(t *testing.T) {
	for _, path := range testModels(t) {
		name := filepath.Base(filepath.Dir(path))
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(path)))+"/"+name, func(t *testing.T) {
			m1, err := Load(path)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if err := roundTrip(m1); err != nil {
				t.Fatal(err)
			}
			checkTestData(t, m1, filepath.Dir(path))
		})
	}
}

// checkTestData round-trips every input_N.pb / output_N.pb of a test,
// decoded as the kind the model's graph declares for it.
func checkTestData(t *testing.T, m *ir.Model, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "test_data_set_*", "*.pb"))
	ins := m.Graph.RealInputs()
	for _, f := range files {
		base := filepath.Base(f)
		var idx int
		var vis []*ir.ValueInfo
		if _, err := fmt.Sscanf(base, "input_%d.pb", &idx); err == nil {
			vis = ins
		} else if _, err := fmt.Sscanf(base, "output_%d.pb", &idx); err == nil {
			vis = m.Graph.Outputs
		} else {
			continue
		}
		kind := ir.KindTensor
		if idx < len(vis) && vis[idx].Type != nil && vis[idx].Type.Kind != ir.KindUnknown {
			kind = vis[idx].Type.Kind
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v1, err := DecodeValue(b, kind)
		if err != nil {
			t.Errorf("%s: decode as kind %d: %v", f, kind, err)
			continue
		}
		eb, err := EncodeValue(v1)
		if err != nil {
			t.Errorf("%s: encode: %v", f, err)
			continue
		}
		v2, err := DecodeValue(eb, kind)
		if err != nil {
			t.Errorf("%s: decode of encoding: %v", f, err)
			continue
		}
		if err := deepEqual(reflect.ValueOf(v1), reflect.ValueOf(v2), strings.TrimPrefix(f, testDataRoot)); err != nil {
			t.Error(err)
		}
		if kind == ir.KindTensor {
			name, tt, err := DecodeTensor(b)
			if err != nil || name != v1.Name {
				t.Errorf("%s: DecodeTensor: %q %v", f, name, err)
			}
			if err := tensorsEqual(tt, v1.Tensor, f); err != nil {
				t.Error(err)
			}
			if eb2 := EncodeTensor(name, tt); !bytes.Equal(eb, eb2) {
				t.Errorf("%s: EncodeTensor differs from EncodeValue", f)
			}
		}
	}
}
