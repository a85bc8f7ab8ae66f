package ortref_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/tensor"
)

// requireORT skips (or, under QINFER_REQUIRE_TESTDATA=1, fails) without ORT.
func requireORT(t *testing.T) {
	t.Helper()
	if err := ortref.Available(); err != nil {
		if testdata.Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// loadPB decodes the subset of an ONNX TensorProto the backend tests use:
// dims (1), data_type (2), name (8), raw_data (9). Test-only: the real codec
// lives in package onnx.
func loadPB(t *testing.T, path string) (string, *tensor.Tensor) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		dims []int
		dt   tensor.DType
		name string
		raw  []byte
	)
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("%s: bad key", path)
		}
		b = b[n:]
		field, wire := key>>3, key&7
		switch wire {
		case 0:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				t.Fatalf("%s: bad varint", path)
			}
			b = b[n:]
			switch field {
			case 1:
				dims = append(dims, int(v))
			case 2:
				dt = tensor.DType(v)
			}
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				t.Fatalf("%s: bad length", path)
			}
			v := b[n : n+int(l)]
			b = b[n+int(l):]
			switch field {
			case 1: // packed dims
				for len(v) > 0 {
					d, m := binary.Uvarint(v)
					if m <= 0 {
						t.Fatalf("%s: bad packed dims", path)
					}
					dims = append(dims, int(d))
					v = v[m:]
				}
			case 8:
				name = string(v)
			case 9:
				raw = v
			}
		default:
			t.Fatalf("%s: wire type %d unsupported by this test decoder", path, wire)
		}
	}
	x, err := tensor.New(dt, dims...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := binary.Decode(raw, binary.LittleEndian, x.Data()); err != nil && x.Len() > 0 {
		t.Fatalf("%s: %v", path, err)
	}
	return name, x
}

func TestRunONNXNodeTests(t *testing.T) {
	requireORT(t)
	for _, name := range []string{"test_add", "test_matmul_2d", "test_argmax_default_axis_example",
		"test_cast_FLOAT_to_FLOAT16", "test_and2d", "test_equal"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testdata.ONNXNodeDir(), name)
			testdata.Require(t, filepath.Join(dir, "model.onnx"))
			inputs := map[string]*tensor.Tensor{}
			ins, _ := filepath.Glob(filepath.Join(dir, "test_data_set_0", "input_*.pb"))
			for _, f := range ins {
				n, x := loadPB(t, f)
				inputs[n] = x
			}
			got, err := ortref.Run(filepath.Join(dir, "model.onnx"), inputs, 2)
			if err != nil {
				t.Fatal(err)
			}
			outs, _ := filepath.Glob(filepath.Join(dir, "test_data_set_0", "output_*.pb"))
			if len(got) != len(outs) {
				t.Fatalf("got %d outputs, want %d", len(got), len(outs))
			}
			for _, f := range outs {
				n, want := loadPB(t, f)
				g := got[n]
				if g == nil {
					t.Fatalf("no output %q in %v", n, got)
				}
				if g.DType() != want.DType() || !reflect.DeepEqual(g.Shape(), want.Shape()) {
					t.Fatalf("%s: got %v%v, want %v%v", n, g.DType(), g.Shape(), want.DType(), want.Shape())
				}
				if want.DType() == tensor.Float32 {
					a, b := g.Float32s(), want.Float32s()
					for i := range a {
						if d := math.Abs(float64(a[i] - b[i])); d > 1e-5*math.Max(1, math.Abs(float64(b[i]))) {
							t.Fatalf("%s[%d] = %v, want %v", n, i, a[i], b[i])
						}
					}
				} else if !reflect.DeepEqual(g.Data(), want.Data()) {
					t.Fatalf("%s = %v, want %v", n, g, want)
				}
			}
		})
	}
}

func TestBench(t *testing.T) {
	requireORT(t)
	dir := filepath.Join(testdata.ONNXNodeDir(), "test_matmul_2d")
	testdata.Require(t, dir)
	a := tensor.Zeros(tensor.Float32, 3, 4)
	b := tensor.Zeros(tensor.Float32, 4, 3)
	r, err := ortref.Bench(filepath.Join(dir, "model.onnx"), map[string]*tensor.Tensor{"a": a, "b": b}, 1, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if r.Runs != 5 || r.Warmup != 2 || len(r.TimesMs) != 5 || r.MinMs <= 0 || r.MinMs > r.MedianMs || r.MedianMs > 1000 {
		t.Errorf("implausible timing %+v", r)
	}
	if _, err := ortref.Bench(filepath.Join(dir, "model.onnx"), nil, 1, 0, 0); err == nil {
		t.Error("Bench with 0 runs: want an error")
	}
}

func TestRunErrors(t *testing.T) {
	requireORT(t)
	dir := filepath.Join(testdata.ONNXNodeDir(), "test_add")
	testdata.Require(t, dir)
	x := tensor.Zeros(tensor.Float32, 3, 4, 5)
	if _, err := ortref.Run(filepath.Join(dir, "model.onnx"), map[string]*tensor.Tensor{"x": x}, 1); err == nil {
		t.Error("missing input y: want an error")
	}
	if _, err := ortref.Run(filepath.Join(t.TempDir(), "none.onnx"), nil, 1); err == nil {
		t.Error("missing model: want an error")
	}
	bad := map[string]*tensor.Tensor{"x": tensor.Scalar("s"), "y": x}
	if _, err := ortref.Run(filepath.Join(dir, "model.onnx"), bad, 1); !errors.Is(err, tensor.ErrDType) {
		t.Errorf("string input: %v, want ErrDType", err)
	}
}

// TestJSNpy round-trips every dtype through run.js's .npy reader and writer
// and checks its file-name sanitizer.
func TestJSNpy(t *testing.T) {
	requireORT(t)
	dir := t.TempDir()
	cases := map[string]*tensor.Tensor{
		"f4":     tensor.From([]int{2, 3}, []float32{1, -2, 3.5, float32(math.Inf(-1)), 0, 1e-30}),
		"f8":     tensor.From([]int{2}, []float64{math.Pi, -1e300}),
		"f2":     tensor.Must(tensor.FromData(tensor.Float16, []int{2}, []uint16{tensor.F32ToF16(0.5), tensor.F32ToF16(-3)})),
		"i1":     tensor.From([]int{3}, []int8{-128, 0, 127}),
		"i2":     tensor.From([]int{1}, []int16{-300}),
		"i4":     tensor.From([]int{1, 1}, []int32{math.MinInt32}),
		"i8":     tensor.From([]int{2}, []int64{math.MinInt64, math.MaxInt64}),
		"u1":     tensor.From([]int{2}, []uint8{0, 255}),
		"u2":     tensor.From([]int{1}, []uint16{65535}),
		"u4":     tensor.From([]int{1}, []uint32{math.MaxUint32}),
		"u8":     tensor.From([]int{1}, []uint64{math.MaxUint64}),
		"b1":     tensor.From([]int{3}, []bool{true, false, true}),
		"scalar": tensor.Scalar(float32(2.5)),
		"empty":  tensor.Zeros(tensor.Int64, 0, 2),
	}
	var js strings.Builder
	js.WriteString("const r = require(process.argv[1]); const fs = require('fs');\n")
	js.WriteString("const types = {f4:'float32',f8:'float64',f2:'float16',i1:'int8',i2:'int16',i4:'int32',i8:'int64',u1:'uint8',u2:'uint16',u4:'uint32',u8:'uint64',b1:'bool',scalar:'float32',empty:'int64'};\n")
	for name, x := range cases {
		if err := tensor.SaveNpy(filepath.Join(dir, name+".npy"), x); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&js, "{ const t = r.readNpy(fs.readFileSync(%q)); if (t.type !== types[%q]) throw new Error(%q + ' type ' + t.type);\n"+
			"  fs.writeFileSync(%q, r.writeNpy(t.type, t.dims, t.data)); }\n",
			filepath.Join(dir, name+".npy"), name, name, filepath.Join(dir, name+".out.npy"))
	}
	js.WriteString("if (r.sanitize('a/b:c d.0-x_y') !== 'a_b_c_d.0-x_y') throw new Error('sanitize');\n")
	script := filepath.Join(ortref.RepoRoot(), "scripts", "ort", "run.js")
	if out, err := exec.Command("node", "-e", js.String(), script).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	for name, want := range cases {
		got, err := tensor.LoadNpy(filepath.Join(dir, name+".out.npy"))
		if err != nil {
			t.Fatal(err)
		}
		if got.DType() != want.DType() || fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape()) || !reflect.DeepEqual(got.Data(), want.Data()) {
			t.Errorf("%s: JS round trip gave %v, want %v", name, got, want)
		}
	}
}

func TestCacheDir(t *testing.T) {
	if got, want := ortref.CacheDir(), testdata.CacheDir(); got != want {
		t.Errorf("CacheDir = %q, testdata says %q", got, want)
	}
}
