package eval

import (
	"errors"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestParseSpec(t *testing.T) {
	for in, want := range map[string]Spec{
		"idx:/a/b.gz":  {"idx", "/a/b.gz"},
		"NPY:dir/":     {"npy", "dir"},
		"images:C:\\x": {"images", "C:\\x"},
	} {
		got, err := ParseSpec(in)
		if err != nil || got != want {
			t.Errorf("ParseSpec(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "idx", "idx:", "csv:/x", "/data/x.npy"} {
		if _, err := ParseSpec(bad); !errors.Is(err, ErrSpec) {
			t.Errorf("ParseSpec(%q) err = %v, want ErrSpec", bad, err)
		}
	}
	if _, err := Open("idx:/x", []*ir.ValueInfo{input("a", tensor.Float32), input("b", tensor.Float32)}, nil); !errors.Is(err, ErrSpec) {
		t.Errorf("idx for a 2-input model: err = %v, want ErrSpec", err)
	}
}

func saveNpy(t *testing.T, path string, x *tensor.Tensor) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := tensor.SaveNpy(path, x); err != nil {
		t.Fatal(err)
	}
}

func TestNpyDir(t *testing.T) {
	dir := t.TempDir()
	inputs := []*ir.ValueInfo{input("x", tensor.Float32, -1, 2), input("ids", tensor.Int64, -1, 3)}
	// s0 with batch dims, s1 without; s1 has a label.
	saveNpy(t, filepath.Join(dir, "s0", "x.npy"), tensor.From([]int{1, 2}, []float32{1, 2}))
	saveNpy(t, filepath.Join(dir, "s0", "ids.npy"), tensor.From([]int{1, 3}, []int64{1, 2, 3}))
	saveNpy(t, filepath.Join(dir, "s1", "x.npy"), tensor.From([]int{2}, []float32{3, 4}))
	saveNpy(t, filepath.Join(dir, "s1", "ids.npy"), tensor.From([]int{3}, []int64{4, 5, 6}))
	os.WriteFile(filepath.Join(dir, "s1", "label.txt"), []byte("7\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "README"), []byte("not a sample"), 0o644)
	ds, err := Open("npy:"+dir, inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ss := collect(t, ds)
	if len(ss) != 2 || ss[0].Name != "s0" || ss[0].Label != NoLabel || ss[1].Label != 7 {
		t.Fatalf("samples %v", ss)
	}
	checkShape(t, ss[1].Inputs["x"], 1, 2)
	checkShape(t, ss[1].Inputs["ids"], 1, 3)
	if ss[1].Inputs["ids"].Int64s()[2] != 6 {
		t.Errorf("ids = %v", ss[1].Inputs["ids"])
	}

	// Mismatches are reported before any work, naming the input.
	for _, tc := range []struct {
		name   string
		inputs []*ir.ValueInfo
		want   error
		msg    string
	}{
		{"shape", []*ir.ValueInfo{input("x", tensor.Float32, -1, 3), input("ids", tensor.Int64, -1, 3)}, tensor.ErrShape, `data input "x" has shape [1 2], model wants float32[?,3]`},
		{"dtype", []*ir.ValueInfo{input("x", tensor.Float32, -1, 2), input("ids", tensor.Int32, -1, 3)}, tensor.ErrDType, `data input "ids" is int64`},
		{"missing", []*ir.ValueInfo{input("x", tensor.Float32, -1, 2), input("ids", tensor.Int64, -1, 3), input("mask", tensor.Int64, -1, 3)}, tensor.ErrShape, `lacks model input "mask"`},
		{"extra", []*ir.ValueInfo{input("x", tensor.Float32, -1, 2)}, tensor.ErrShape, `has input "ids", which the model lacks`},
	} {
		_, err := Open("npy:"+dir, tc.inputs, nil)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want %v containing %q", tc.name, err, tc.want, tc.msg)
		}
	}

	empty := t.TempDir()
	if _, err := Open("npy:"+empty, inputs, nil); !errors.Is(err, ErrData) {
		t.Errorf("empty dir: err = %v, want ErrData", err)
	}
	os.Mkdir(filepath.Join(empty, "s0"), 0o755)
	if _, err := Open("npy:"+empty, inputs, nil); !errors.Is(err, ErrData) {
		t.Errorf("sample without files: err = %v, want ErrData", err)
	}
	os.WriteFile(filepath.Join(empty, "s0", "x.npy"), []byte("garbage"), 0o644)
	if _, err := Open("npy:"+empty, inputs, nil); err == nil {
		t.Error("corrupt npy: no error")
	}
	if _, err := Open("npy:"+filepath.Join(empty, "nope"), inputs, nil); err == nil {
		t.Error("missing dir: no error")
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestImageDir(t *testing.T) {
	dir := t.TempDir()
	gray := func(v uint8, w, h int) image.Image {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = v
		}
		return img
	}
	writePNG(t, filepath.Join(dir, "cat", "a.png"), gray(255, 4, 4))
	writePNG(t, filepath.Join(dir, "dog", "b.PNG"), gray(0, 8, 6))
	writePNG(t, filepath.Join(dir, "dog", "c.png"), gray(51, 4, 4))
	os.WriteFile(filepath.Join(dir, "dog", "notes.txt"), nil, 0o644)
	vi := input("img", tensor.Float32, -1, 1, 4, 4)
	pre, _ := ParsePreprocess("mean=0.5,std=0.5")
	ds, err := Open("images:"+dir, []*ir.ValueInfo{vi}, pre)
	if err != nil {
		t.Fatal(err)
	}
	ss := collect(t, ds)
	if len(ss) != 3 || ss[0].Label != 0 || ss[1].Label != 1 || ss[2].Label != 1 {
		t.Fatalf("got %d samples, labels %v", len(ss), []int{ss[0].Label, ss[1].Label})
	}
	for i, want := range []float32{1, -1, -0.6} {
		x := ss[i].Inputs["img"]
		checkShape(t, x, 1, 1, 4, 4)
		if got := x.Float32s()[5]; math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("sample %d = %v, want %v", i, got, want)
		}
	}

	flat := t.TempDir()
	writePNG(t, filepath.Join(flat, "x.png"), gray(0, 2, 2))
	ds, err = Open("images:"+flat, []*ir.ValueInfo{vi}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ss := collect(t, ds); ss[0].Label != NoLabel {
		t.Errorf("flat folder label %d", ss[0].Label)
	}
	os.WriteFile(filepath.Join(flat, "y.png"), []byte("not a png"), 0o644)
	ds, _ = Open("images:"+flat, []*ir.ValueInfo{vi}, nil)
	n := 0
	for _, err := range ds.Samples() {
		if err != nil {
			if !errors.Is(err, ErrData) {
				t.Errorf("corrupt png: err = %v, want ErrData", err)
			}
			break
		}
		n++
	}
	if n != 1 {
		t.Errorf("read %d good samples, want 1", n)
	}
	if _, err := Open("images:"+t.TempDir(), []*ir.ValueInfo{vi}, nil); !errors.Is(err, ErrData) {
		t.Errorf("empty folder: err = %v, want ErrData", err)
	}
}
