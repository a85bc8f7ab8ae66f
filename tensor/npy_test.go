package tensor_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/tensor"
)

// npyFile builds a .npy file by hand: magic, version, header length, dict
// (padded to 64 bytes with '\n'), data.
func npyFile(major byte, dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	pre := 10
	if major != 1 {
		pre = 12
	}
	h := dict
	for (pre+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	}
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func le[T any](v ...T) []byte {
	b, err := binary.Append(nil, binary.LittleEndian, v)
	if err != nil {
		panic(err)
	}
	return b
}

func be[T any](v ...T) []byte {
	b, err := binary.Append(nil, binary.BigEndian, v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestNpyRoundTrip(t *testing.T) {
	cases := []*tensor.Tensor{
		tensor.From([]int{2, 3}, []float32{1, -2, 3.5, float32(math.Inf(1)), 0, float32(math.NaN())}),
		tensor.From([]int{3}, []float64{1e300, -1e-300, 0.25}),
		tensor.Must(tensor.FromData(tensor.Float16, []int{2}, []uint16{tensor.F32ToF16(1.5), tensor.F32ToF16(-65504)})),
		tensor.From([]int{2, 2}, []int8{-128, 127, 0, -1}),
		tensor.From([]int{1, 3}, []int16{-32768, 32767, 5}),
		tensor.From([]int{3, 1}, []int32{math.MinInt32, math.MaxInt32, 7}),
		tensor.From([]int{2}, []int64{math.MinInt64, math.MaxInt64}),
		tensor.From([]int{4}, []uint8{0, 1, 254, 255}),
		tensor.From([]int{1}, []uint16{65535}),
		tensor.From([]int{2}, []uint32{0, math.MaxUint32}),
		tensor.From([]int{2}, []uint64{0, math.MaxUint64}),
		tensor.From([]int{1, 1, 3}, []bool{true, false, true}),
		tensor.Scalar(float32(42)),
		tensor.Scalar(int64(-7)),
		tensor.Zeros(tensor.Float32, 0, 3),
		tensor.Zeros(tensor.Int64, 0),
		tensor.Zeros(tensor.Float64, 2, 1, 3, 1, 2),
	}
	for _, want := range cases {
		t.Run(fmt.Sprintf("%v%v", want.DType(), want.Shape()), func(t *testing.T) {
			var buf bytes.Buffer
			if err := tensor.WriteNpy(&buf, want); err != nil {
				t.Fatal(err)
			}
			raw := buf.Bytes()
			hlen := int(binary.LittleEndian.Uint16(raw[8:10]))
			if (10+hlen)%64 != 0 || raw[10+hlen-1] != '\n' {
				t.Errorf("header of %d bytes not padded to 64 with a final newline", hlen)
			}
			if got := int64(len(raw) - 10 - hlen); got != want.Bytes() {
				t.Errorf("data is %d bytes, want %d", got, want.Bytes())
			}
			got, err := tensor.ReadNpy(&buf)
			if err != nil {
				t.Fatal(err)
			}
			npyCheckSame(t, got, want)
		})
	}
}

// npyCheckSame compares dtype, shape and the bits of the data.
func npyCheckSame(t *testing.T, got, want *tensor.Tensor) {
	t.Helper()
	if got.DType() != want.DType() {
		t.Fatalf("dtype %v, want %v", got.DType(), want.DType())
	}
	if !reflect.DeepEqual(append([]int{}, got.Shape()...), append([]int{}, want.Shape()...)) {
		t.Fatalf("shape %v, want %v", got.Shape(), want.Shape())
	}
	gb, _ := binary.Append(nil, binary.LittleEndian, got.Data())
	wb, _ := binary.Append(nil, binary.LittleEndian, want.Data())
	if !bytes.Equal(gb, wb) {
		t.Fatalf("data %v, want %v", got, want)
	}
}

func TestReadNpyVariants(t *testing.T) {
	f16 := []uint16{tensor.F32ToF16(0.5), tensor.F32ToF16(-2)}
	cases := []struct {
		name string
		file []byte
		want *tensor.Tensor
	}{
		{"big-endian f4", npyFile(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be(float32(1.5), float32(-3))),
			tensor.From([]int{2}, []float32{1.5, -3})},
		{"big-endian i2", npyFile(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }", be(int16(-2), int16(300), int16(1))),
			tensor.From([]int{3}, []int16{-2, 300, 1})},
		{"big-endian u8", npyFile(1, "{'descr': '>u8', 'fortran_order': False, 'shape': (1,), }", be(uint64(1)<<40)),
			tensor.From([]int{1}, []uint64{1 << 40})},
		{"big-endian f8", npyFile(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (), }", be(math.Pi)),
			tensor.Scalar(math.Pi)},
		{"big-endian f2", npyFile(1, "{'descr': '>f2', 'fortran_order': False, 'shape': (2,), }", be(f16...)),
			tensor.Must(tensor.FromData(tensor.Float16, []int{2}, f16))},
		{"native byte order", npyFile(1, "{'descr': '=i4', 'fortran_order': False, 'shape': (1,), }", func() []byte {
			b, _ := binary.Append(nil, binary.NativeEndian, []int32{-5})
			return b
		}()), tensor.From([]int{1}, []int32{-5})},
		{"fortran 2x3", npyFile(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", le[int32](0, 3, 1, 4, 2, 5)),
			tensor.From([]int{2, 3}, []int32{0, 1, 2, 3, 4, 5})},
		{"fortran 2x3x2", npyFile(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }",
			// element (i,j,k) = 100i+10j+k stored at i + 2j + 6k
			le[float64](0, 100, 10, 110, 20, 120, 1, 101, 11, 111, 21, 121)),
			tensor.From([]int{2, 3, 2}, []float64{0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121})},
		{"fortran 1-d", npyFile(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (3,), }", []byte{7, 8, 9}),
			tensor.From([]int{3}, []uint8{7, 8, 9})},
		{"version 2", npyFile(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", le[int64](-1, 1)),
			tensor.From([]int{2}, []int64{-1, 1})},
		{"version 3", npyFile(3, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", le[uint16](513)),
			tensor.From([]int{1}, []uint16{513})},
		{"keys reordered, double quotes", npyFile(1, `{"shape": (1, 2), "fortran_order": False, "descr": "<f4"}`, le[float32](1, 2)),
			tensor.From([]int{1, 2}, []float32{1, 2})},
		{"python2 long dims", npyFile(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2L, 1L), }", []byte{0xff, 1}),
			tensor.From([]int{2, 1}, []int8{-1, 1})},
		{"bool ?", npyFile(1, "{'descr': '|?', 'fortran_order': False, 'shape': (3,), }", []byte{1, 0, 2}),
			tensor.From([]int{3}, []bool{true, false, true})},
		{"empty 0x5", npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (0, 5), }", nil),
			tensor.Zeros(tensor.Float32, 0, 5)},
		{"zero dim beats huge dim", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 999999999999999999), }", nil),
			tensor.Zeros(tensor.Float64, 0, 999999999999999999)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tensor.ReadNpy(bytes.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			npyCheckSame(t, got, c.want)
		})
	}
}

func TestReadNpyStream(t *testing.T) {
	var buf bytes.Buffer
	a := tensor.From([]int{2}, []int32{1, 2})
	b := tensor.From([]int{1, 1}, []float64{3})
	if err := tensor.WriteNpy(&buf, a); err != nil {
		t.Fatal(err)
	}
	if err := tensor.WriteNpy(&buf, b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []*tensor.Tensor{a, b} {
		got, err := tensor.ReadNpy(&buf)
		if err != nil {
			t.Fatal(err)
		}
		npyCheckSame(t, got, want)
	}
	if _, err := tensor.ReadNpy(&buf); !errors.Is(err, tensor.ErrNpyFormat) || !errors.Is(err, io.EOF) {
		t.Errorf("read past the end: %v, want ErrNpyFormat wrapping EOF", err)
	}
}

func TestReadNpyErrors(t *testing.T) {
	hdr := func(d string) []byte { return npyFile(1, d, nil) }
	f4 := func(shape string) string {
		return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }"
	}
	v2huge := []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{")
	cases := []struct {
		name string
		file []byte
		want error
	}{
		{"empty", nil, tensor.ErrNpyFormat},
		{"bad magic", []byte("\x93NUMPZ\x01\x00\x00\x00"), tensor.ErrNpyFormat},
		{"bad version", []byte("\x93NUMPY\x04\x00\x00\x00"), tensor.ErrNpyFormat},
		{"truncated length", []byte("\x93NUMPY\x01\x00\x10"), tensor.ErrNpyFormat},
		{"truncated header", []byte("\x93NUMPY\x01\x00\x40\x00{'descr'"), tensor.ErrNpyFormat},
		{"huge v2 header", v2huge, tensor.ErrLimit},
		{"not a dict", hdr("[1, 2]"), tensor.ErrNpyFormat},
		{"no newline, garbage", []byte("\x93NUMPY\x01\x00\x04\x00abcd"), tensor.ErrNpyFormat},
		{"missing shape", hdr("{'descr': '<f4', 'fortran_order': False}"), tensor.ErrNpyFormat},
		{"missing descr", hdr("{'fortran_order': False, 'shape': (1,)}"), tensor.ErrNpyFormat},
		{"duplicate key", hdr("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}"), tensor.ErrNpyFormat},
		{"unknown key", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}"), tensor.ErrNpyFormat},
		{"unterminated string", hdr("{'descr: '<f4'}"), tensor.ErrNpyFormat},
		{"bad fortran_order", hdr("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}"), tensor.ErrNpyFormat},
		{"negative dim", hdr(f4("(-1,)")), tensor.ErrNpyFormat},
		{"float dim", hdr(f4("(1.5,)")), tensor.ErrNpyFormat},
		{"one-tuple without comma", hdr(f4("(3)")), tensor.ErrNpyFormat},
		{"unclosed tuple", hdr(f4("(3,")), tensor.ErrNpyFormat},
		{"dim too long", hdr(f4("(12345678901234567890,)")), tensor.ErrNpyFormat},
		{"trailing bytes", hdr(f4("(1,)") + "x"), tensor.ErrNpyFormat},
		{"structured dtype", hdr("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}"), tensor.ErrNpyFormat},
		{"complex dtype", hdr("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}"), tensor.ErrDType},
		{"unicode dtype", hdr("{'descr': '<U3', 'fortran_order': False, 'shape': (1,)}"), tensor.ErrDType},
		{"object dtype", hdr("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}"), tensor.ErrDType},
		{"f4 without byte order", hdr("{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}"), tensor.ErrNpyFormat},
		{"too many elements", hdr(f4("(1048576, 1048576, 2)")), tensor.ErrLimit},
		{"overflowing elements", hdr(f4("(999999999999999999, 999999999999999999)")), tensor.ErrLimit},
		{"rank 65", hdr(f4("(" + strings.Repeat("1, ", 65) + ")")), tensor.ErrLimit},
		{"huge shape, no data", hdr(f4("(1099511627776,)")), tensor.ErrShape},
		{"data one byte short", npyFile(1, f4("(2, 2)"), make([]byte, 15)), tensor.ErrShape},
		{"scalar without data", hdr(f4("()")), tensor.ErrShape},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tensor.ReadNpy(bytes.NewReader(c.file))
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, %v; want error wrapping %v", got, err, c.want)
			}
		})
	}
}

func TestWriteNpyErrors(t *testing.T) {
	for _, x := range []*tensor.Tensor{
		tensor.Scalar("s"),
		tensor.Zeros(tensor.BFloat16, 2),
		tensor.Zeros(tensor.Int4, 2),
		tensor.Zeros(tensor.Float8E4M3FN, 1),
	} {
		if err := tensor.WriteNpy(io.Discard, x); !errors.Is(err, tensor.ErrDType) {
			t.Errorf("%v: got %v, want ErrDType", x.DType(), err)
		}
	}
}

func TestSaveLoadNpy(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.npy")
	want := tensor.From([]int{2, 2}, []float32{1, 2, 3, 4})
	if err := tensor.SaveNpy(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := tensor.LoadNpy(p)
	if err != nil {
		t.Fatal(err)
	}
	npyCheckSame(t, got, want)
	if _, err := tensor.LoadNpy(filepath.Join(t.TempDir(), "missing.npy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := os.WriteFile(p, []byte("\x93NUMPY"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tensor.LoadNpy(p); !errors.Is(err, tensor.ErrNpyFormat) || !strings.Contains(err.Error(), p) {
		t.Errorf("truncated file: %v, want ErrNpyFormat naming the path", err)
	}
}

// npyPython writes arrays with numpy and checks arrays written by WriteNpy.
const npyPython = `
import sys, numpy as np
d = sys.argv[1]
np.save(d + '/f4.npy', np.arange(6, dtype='<f4').reshape(2, 3) / 4)
np.save(d + '/f8be.npy', np.array([[1.5, -2.25], [1e300, -0.0]], dtype='>f8'))
np.save(d + '/f2.npy', np.array([0.5, -1.0, 65504.0], dtype='<f2'))
np.save(d + '/i1.npy', np.array([-128, 0, 127], dtype='i1'))
np.save(d + '/i2be.npy', np.array([-300, 300], dtype='>i2'))
np.save(d + '/i8.npy', np.array([[-(2**63)], [2**63 - 1]], dtype='<i8'))
np.save(d + '/u1.npy', np.array([0, 255], dtype='u1'))
np.save(d + '/u4be.npy', np.array([2**32 - 1, 1], dtype='>u4'))
np.save(d + '/u8.npy', np.array([2**64 - 1], dtype='<u8'))
np.save(d + '/b1.npy', np.array([[True, False], [False, True]]))
np.save(d + '/fortran.npy', np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)))
np.save(d + '/scalar.npy', np.float32(3.25))
np.save(d + '/empty.npy', np.zeros((0, 4), dtype='<u2'))
got = np.load(d + '/go.npy')
assert got.dtype == np.dtype('<i2') and got.shape == (2, 3), (got.dtype, got.shape)
assert (got == np.array([[1, -2, 3], [-4, 5, -6]])).all(), got
got = np.load(d + '/goscalar.npy')
assert got.shape == () and got.dtype == np.float64 and got == 0.125, got
got = np.load(d + '/gof2.npy')
assert got.dtype == np.float16 and list(got) == [1.0, -0.5], got
got = np.load(d + '/gob1.npy')
assert got.dtype == np.bool_ and got.tolist() == [[True], [False]], got
`

func TestNpyNumpyCrossCheck(t *testing.T) {
	const py = "/usr/bin/python3"
	testdata.Require(t, py)
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("QINFER_REQUIRE_TESTDATA") == "1" {
			t.Fatalf("%s has no numpy: %v", py, err)
		}
		t.Skipf("%s has no numpy: %v", py, err)
	}
	dir := t.TempDir()
	writes := map[string]*tensor.Tensor{
		"go.npy":       tensor.From([]int{2, 3}, []int16{1, -2, 3, -4, 5, -6}),
		"goscalar.npy": tensor.Scalar(0.125),
		"gof2.npy":     tensor.Must(tensor.FromData(tensor.Float16, []int{2}, []uint16{tensor.F32ToF16(1), tensor.F32ToF16(-0.5)})),
		"gob1.npy":     tensor.From([]int{2, 1}, []bool{true, false}),
	}
	for name, x := range writes {
		if err := tensor.SaveNpy(filepath.Join(dir, name), x); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(py, "-c", npyPython, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	f16 := func(v ...float32) *tensor.Tensor {
		b := make([]uint16, len(v))
		for i, x := range v {
			b[i] = tensor.F32ToF16(x)
		}
		return tensor.Must(tensor.FromData(tensor.Float16, []int{len(v)}, b))
	}
	fortran := make([]int32, 24)
	for i := range fortran {
		fortran[i] = int32(i)
	}
	want := map[string]*tensor.Tensor{
		"f4.npy":      tensor.From([]int{2, 3}, []float32{0, 0.25, 0.5, 0.75, 1, 1.25}),
		"f8be.npy":    tensor.From([]int{2, 2}, []float64{1.5, -2.25, 1e300, math.Copysign(0, -1)}),
		"f2.npy":      f16(0.5, -1, 65504),
		"i1.npy":      tensor.From([]int{3}, []int8{-128, 0, 127}),
		"i2be.npy":    tensor.From([]int{2}, []int16{-300, 300}),
		"i8.npy":      tensor.From([]int{2, 1}, []int64{math.MinInt64, math.MaxInt64}),
		"u1.npy":      tensor.From([]int{2}, []uint8{0, 255}),
		"u4be.npy":    tensor.From([]int{2}, []uint32{math.MaxUint32, 1}),
		"u8.npy":      tensor.From([]int{1}, []uint64{math.MaxUint64}),
		"b1.npy":      tensor.From([]int{2, 2}, []bool{true, false, false, true}),
		"fortran.npy": tensor.From([]int{2, 3, 4}, fortran),
		"scalar.npy":  tensor.Scalar(float32(3.25)),
		"empty.npy":   tensor.Zeros(tensor.Uint16, 0, 4),
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			got, err := tensor.LoadNpy(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			npyCheckSame(t, got, w)
		})
	}
}

// FuzzReadNpy checks that ReadNpy never panics and that whatever it accepts
// survives a WriteNpy/ReadNpy round trip bit for bit.
func FuzzReadNpy(f *testing.F) {
	for _, x := range []*tensor.Tensor{
		tensor.From([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
		tensor.Scalar(int64(3)),
		tensor.From([]int{2}, []bool{true, false}),
		tensor.Zeros(tensor.Uint8, 0, 2),
	} {
		var b bytes.Buffer
		if err := tensor.WriteNpy(&b, x); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add(npyFile(1, "{'descr': '>f2', 'fortran_order': True, 'shape': (2, 2), }", make([]byte, 8)))
	f.Add(npyFile(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }", nil))
	f.Add([]byte("\x93NUMPY\x01\x00\x04\x00abcd"))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := tensor.ReadNpy(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, tensor.ErrNpyFormat) && !errors.Is(err, tensor.ErrDType) &&
				!errors.Is(err, tensor.ErrLimit) && !errors.Is(err, tensor.ErrShape) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := tensor.WriteNpy(&b, x); err != nil {
			t.Fatalf("WriteNpy of accepted %v: %v", x, err)
		}
		y, err := tensor.ReadNpy(&b)
		if err != nil {
			t.Fatalf("re-reading %v: %v", x, err)
		}
		if x.DType() == tensor.Bool {
			// Any nonzero byte reads as true; compare the decoded values.
			if !reflect.DeepEqual(x.Data(), y.Data()) {
				t.Fatalf("bool round trip: %v != %v", x, y)
			}
			return
		}
		npyCheckSame(t, y, x)
	})
}
