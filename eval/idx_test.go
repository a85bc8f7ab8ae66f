package eval

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// idxBytes builds an IDX file: type code, dims, then data.
func idxBytes(code byte, dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, code, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func mustPre(t *testing.T, spec string, vi *ir.ValueInfo) *Preprocessor {
	t.Helper()
	p, err := ParsePreprocess(spec)
	if err != nil {
		t.Fatal(err)
	}
	pp, err := p.For(vi)
	if err != nil {
		t.Fatal(err)
	}
	return pp
}

func input(name string, dt tensor.DType, dims ...int64) *ir.ValueInfo {
	return &ir.ValueInfo{Name: name, Type: ir.TensorType(dt, dims...)}
}

func collect(t *testing.T, ds Dataset) []*Sample {
	t.Helper()
	var out []*Sample
	for s, err := range ds.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestIDXTiny(t *testing.T) {
	// Two 2x3 images and their labels.
	pix := []byte{0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 255}
	images := idxBytes(0x08, []int{2, 2, 3}, pix)
	labels := idxBytes(0x08, []int{2}, []byte{7, 3})
	for _, tc := range []struct {
		name   string
		images []byte
		labels []byte
	}{
		{"plain", images, labels},
		{"gzip", gz(images), gz(labels)},
		{"mixed", gz(images), labels},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vi := input("x", tensor.Float32, -1, 1, 2, 3)
			ds, err := NewIDX(BytesOpener(tc.images), BytesOpener(tc.labels), "x", mustPre(t, "", vi))
			if err != nil {
				t.Fatal(err)
			}
			if ds.Len() != 2 || !ds.Labelled() {
				t.Fatalf("Len %d labelled %v, want 2 true", ds.Len(), ds.Labelled())
			}
			for pass := 0; pass < 2; pass++ { // passes are repeatable
				ss := collect(t, ds)
				if len(ss) != 2 || ss[0].Label != 7 || ss[1].Label != 3 {
					t.Fatalf("pass %d: got %d samples, labels %v %v", pass, len(ss), ss[0].Label, ss[1].Label)
				}
				for i, s := range ss {
					x := s.Inputs["x"]
					if got := x.Shape(); len(got) != 4 || got[0] != 1 || got[1] != 1 || got[2] != 2 || got[3] != 3 {
						t.Fatalf("shape %v, want [1 1 2 3]", got)
					}
					for j, v := range x.Float32s() {
						if want := float32(pix[i*6+j]) / 255; v != want {
							t.Errorf("sample %d pixel %d = %v, want %v", i, j, v, want)
						}
					}
				}
				if err := CheckSample(ss[0], []*ir.ValueInfo{vi}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	t.Run("nhwc+norm", func(t *testing.T) {
		vi := input("x", tensor.Float32, -1, 2, 3, 1)
		ds, err := NewIDX(BytesOpener(images), nil, "x", mustPre(t, "mean=0.5,std=0.25", vi))
		if err != nil {
			t.Fatal(err)
		}
		ss := collect(t, ds)
		if ss[0].Label != NoLabel {
			t.Errorf("unlabelled sample has label %d", ss[0].Label)
		}
		x := ss[1].Inputs["x"]
		if got := x.Shape(); got[1] != 2 || got[2] != 3 || got[3] != 1 {
			t.Fatalf("shape %v, want [1 2 3 1]", got)
		}
		if v := x.Float32s()[0]; v != 2 { // (1 - 0.5) / 0.25
			t.Errorf("first pixel %v, want 2", v)
		}
	})
}

func TestIDXErrors(t *testing.T) {
	good := idxBytes(0x08, []int{2, 2, 2}, make([]byte, 8))
	pre := mustPre(t, "", nil)
	for _, tc := range []struct {
		name           string
		images, labels []byte
		want           string
	}{
		{"empty file", nil, nil, "short header"},
		{"bad magic", []byte{1, 2, 3, 4, 5, 6, 7, 8}, nil, "bad magic"},
		{"short dims", []byte{0, 0, 8, 3, 0, 0}, nil, "short header"},
		{"float images", idxBytes(0x0D, []int{1, 2, 2}, make([]byte, 16)), nil, "want uint8"},
		{"rank 2 images", idxBytes(0x08, []int{2, 4}, make([]byte, 8)), nil, "want uint8"},
		{"zero width", idxBytes(0x08, []int{2, 2, 0}, nil), nil, "image size"},
		{"label count", good, idxBytes(0x08, []int{3}, []byte{1, 2, 3}), "3 labels for 2 images"},
		{"label rank", good, idxBytes(0x08, []int{2, 1}, []byte{1, 2}), "labels have"},
		{"bad gzip", []byte{0x1f, 0x8b, 0, 0}, nil, "eval: idx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lab Opener
			if tc.labels != nil {
				lab = BytesOpener(tc.labels)
			}
			_, err := NewIDX(BytesOpener(tc.images), lab, "x", pre)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !errors.Is(err, ErrData) {
				t.Errorf("err %v does not wrap ErrData", err)
			}
		})
	}
	// Truncated data surfaces during the pass, as an error, not a panic.
	for _, tc := range []struct {
		name           string
		images, labels []byte
	}{
		{"images", idxBytes(0x08, []int{2, 2, 2}, make([]byte, 5)), nil},
		{"labels", good, idxBytes(0x08, []int{2}, []byte{1})},
	} {
		t.Run("truncated "+tc.name, func(t *testing.T) {
			var lab Opener
			if tc.labels != nil {
				lab = BytesOpener(tc.labels)
			}
			ds, err := NewIDX(BytesOpener(tc.images), lab, "x", pre)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			var last error
			for s, err := range ds.Samples() {
				if err != nil {
					last = err
					break
				}
				n++
				_ = s
			}
			if n != 1 || !errors.Is(last, ErrData) {
				t.Fatalf("read %d samples, err %v; want 1 then ErrData", n, last)
			}
		})
	}
}

func TestIDXLabelsPath(t *testing.T) {
	for in, want := range map[string]string{
		"/d/t10k-images-idx3-ubyte.gz": "/d/t10k-labels-idx1-ubyte.gz",
		"train-images.idx3-ubyte":      "train-labels.idx3-ubyte",
		"/d/pixels.idx":                "",
	} {
		if got := IDXLabelsPath(in); got != want {
			t.Errorf("IDXLabelsPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIDXFiles(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "a-images-idx3-ubyte.gz")
	os.WriteFile(img, gz(idxBytes(0x08, []int{1, 1, 2}, []byte{0, 255})), 0o644)
	vi := input("x", tensor.Float32, -1, 1, 2)
	ds, err := Open("idx:"+img, []*ir.ValueInfo{vi}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ss := collect(t, ds); ss[0].Label != NoLabel || ss[0].Inputs["x"].Float32s()[1] != 1 {
		t.Fatalf("sample %+v", ss[0])
	}
	os.WriteFile(filepath.Join(dir, "a-labels-idx1-ubyte.gz"), idxBytes(0x08, []int{1}, []byte{4}), 0o644)
	ds, err = Open("idx:"+img, []*ir.ValueInfo{vi}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ss := collect(t, ds); ss[0].Label != 4 {
		t.Fatalf("label %d, want 4", ss[0].Label)
	}
	// The model wants 3 pixels per row: caught before any work.
	_, err = Open("idx:"+img, []*ir.ValueInfo{input("x", tensor.Float32, -1, 1, 3)}, nil)
	if !errors.Is(err, tensor.ErrShape) {
		t.Fatalf("err = %v, want ErrShape", err)
	}
	if _, err := Open("idx:"+filepath.Join(dir, "missing"), []*ir.ValueInfo{vi}, nil); err == nil {
		t.Fatal("missing file: no error")
	}
}

// TestIDXFashionMNIST reads Debian's dataset-fashion-mnist test split.
func TestIDXFashionMNIST(t *testing.T) {
	path := filepath.Join(testdata.FashionMNIST(), "t10k-images-idx3-ubyte.gz")
	testdata.Require(t, path)
	vi := input("input", tensor.Float32, -1, 1, 28, 28)
	ds, err := Open("idx:"+path, []*ir.ValueInfo{vi}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 10000 {
		t.Fatalf("Len %d, want 10000", ds.Len())
	}
	// Values checked with numpy: image 0 sums to 33456 (pixel [14,14] = 110),
	// image 9999 to 24390; labels start 9 2 1 1 6, end with 5; 1,000 per class.
	var counts [10]int
	var first, last *Sample
	for s, err := range ds.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = s
		}
		last = s
		counts[s.Label]++
	}
	sum := func(s *Sample) (total float64) {
		for _, v := range s.Inputs["input"].Float32s() {
			total += float64(v) * 255
		}
		return total
	}
	if got := sum(first); got < 33455.5 || got > 33456.5 {
		t.Errorf("image 0 sums to %v, want 33456", got)
	}
	if got := first.Inputs["input"].Float32s()[14*28+14]; got != float32(110)/255 {
		t.Errorf("image 0 pixel [14,14] = %v, want 110/255", got)
	}
	if got := sum(last); got < 24389.5 || got > 24390.5 {
		t.Errorf("image 9999 sums to %v, want 24390", got)
	}
	if first.Label != 9 || last.Label != 5 {
		t.Errorf("labels %d..%d, want 9..5", first.Label, last.Label)
	}
	for c, n := range counts {
		if n != 1000 {
			t.Errorf("class %d has %d images, want 1000", c, n)
		}
	}
}
