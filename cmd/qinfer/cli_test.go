package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/tensor"
	"github.com/spf13/cobra"
)

// TestMain lets the test binary act as the qinfer command (for exit codes)
// when QINFER_TEST_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("QINFER_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// cli runs the qinfer command in-process.
func cli(args ...string) (string, error) {
	root := &cobra.Command{Use: "qinfer", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(runCmd(), infoCmd())
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// cliModel writes a model with inputs "in:put/0" float32[2,3] and "b" int64[1]
// (added to the Relu output after a Cast) and outputs "out/put", "b id".
func cliModel(t testing.TB, dir string) string {
	t.Helper()
	g := &ir.Graph{Name: "g",
		Inputs: []*ir.ValueInfo{
			{Name: "in:put/0", Type: ir.TensorType(tensor.Float32, 2, 3)},
			{Name: "b", Type: ir.TensorType(tensor.Int64, 1)},
		},
		Outputs: []*ir.ValueInfo{{Name: "out/put"}, {Name: "b id"}},
		Nodes: []*ir.Node{
			{Name: "r", OpType: "Relu", Inputs: []string{"in:put/0"}, Outputs: []string{"r"}},
			{Name: "c", OpType: "Cast", Inputs: []string{"b"}, Outputs: []string{"bf"}, Attrs: []*ir.Attr{{Name: "to", Type: ir.AttrInt, I: int64(tensor.Float32)}}},
			{Name: "a", OpType: "Add", Inputs: []string{"r", "bf"}, Outputs: []string{"out/put"}},
			{Name: "i", OpType: "Identity", Inputs: []string{"b"}, Outputs: []string{"b id"}},
		},
	}
	return writeModel(t, dir, "m.onnx", &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: g})
}

func writeModel(t testing.TB, dir, name string, m *ir.Model) string {
	t.Helper()
	b, err := onnx.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeNpy(t *testing.T, dir, name string, x *tensor.Tensor) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := tensor.SaveNpy(p, x); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunInputBinding(t *testing.T) {
	dir := t.TempDir()
	model := cliModel(t, dir)
	x := writeNpy(t, dir, "x.npy", tensor.From([]int{2, 3}, []float32{-1, 2, -3, 4, -5, 6}))
	b := writeNpy(t, dir, "b.npy", tensor.From([]int{1}, []int64{10}))
	xInt := writeNpy(t, dir, "xi.npy", tensor.From([]int{2, 3}, []int64{1, 2, 3, 4, 5, 6}))
	xShape := writeNpy(t, dir, "xs.npy", tensor.From([]int{3, 2}, []float32{1, 2, 3, 4, 5, 6}))
	xScalar := writeNpy(t, dir, "x0.npy", tensor.Scalar(float32(1)))
	garbage := filepath.Join(dir, "garbage.npy")
	os.WriteFile(garbage, []byte("\x93NUMPY\x01\x00\xff\xff{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), 0o644)
	truncated := filepath.Join(dir, "trunc.npy")
	full, _ := os.ReadFile(x)
	os.WriteFile(truncated, full[:len(full)-5], 0o644)
	out := filepath.Join(dir, "out")

	// The happy path, with the odd input name given sanitised.
	stdout, err := cli("run", model, "-i", "in_put_0="+x, "-i", "b="+b, "-o", out)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	got, err := tensor.LoadNpy(filepath.Join(out, "out_put.npy"))
	if err != nil {
		t.Fatalf("output file: %v (stdout %q)", err, stdout)
	}
	want := []float32{10, 12, 10, 14, 10, 16}
	for i, v := range tensor.Data[float32](got) {
		if v != want[i] {
			t.Fatalf("out/put = %v, want %v", got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "b_id.npy")); err != nil {
		t.Errorf("b id output: %v", err)
	}
	// The exact name works too.
	if _, err := cli("run", model, "-i", "in:put/0="+x, "-i", "b="+b, "-o", out); err != nil {
		t.Errorf("exact name: %v", err)
	}

	cases := []struct {
		name     string
		args     []string
		sentinel error
		msg      string
	}{
		{"no equals", []string{"-i", "in_put_0" + x, "-i", "b=" + b}, nil, "want NAME=FILE.npy"},
		{"empty name", []string{"-i", "=" + x, "-i", "b=" + b}, nil, "want NAME=FILE.npy"},
		{"empty file", []string{"-i", "in_put_0=", "-i", "b=" + b}, nil, "want NAME=FILE.npy"},
		{"unknown input", []string{"-i", "in_put_0=" + x, "-i", "b=" + b, "-i", "zzz=" + x}, nil, `no input "zzz"`},
		{"given twice", []string{"-i", "in_put_0=" + x, "-i", "in:put/0=" + x, "-i", "b=" + b}, nil, "given twice"},
		{"missing input", []string{"-i", "b=" + b}, tensor.ErrShape, "missing"},
		{"no inputs", nil, tensor.ErrShape, "missing"},
		{"wrong dtype", []string{"-i", "in_put_0=" + xInt, "-i", "b=" + b}, tensor.ErrShape, "int64"},
		{"wrong shape", []string{"-i", "in_put_0=" + xShape, "-i", "b=" + b}, tensor.ErrShape, "[3 2]"},
		{"scalar for matrix", []string{"-i", "in_put_0=" + xScalar, "-i", "b=" + b}, tensor.ErrShape, "in:put/0"},
		{"malformed npy", []string{"-i", "in_put_0=" + garbage, "-i", "b=" + b}, tensor.ErrNpyFormat, "in_put_0"},
		{"truncated npy", []string{"-i", "in_put_0=" + truncated, "-i", "b=" + b}, nil, "in_put_0"},
		{"no such file", []string{"-i", "in_put_0=" + filepath.Join(dir, "nope.npy"), "-i", "b=" + b}, os.ErrNotExist, "nope.npy"},
		{"max memory", []string{"-i", "in_put_0=" + x, "-i", "b=" + b, "--max-memory", "8"}, tensor.ErrLimit, "cap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"run", model, "-o", out}, c.args...)
			_, err := cli(args...)
			if err == nil {
				t.Fatal("no error")
			}
			if exitCode(err) == 0 {
				t.Errorf("exit code 0 for %v", err)
			}
			if c.sentinel != nil && !errors.Is(err, c.sentinel) {
				t.Errorf("error %v does not wrap %v", err, c.sentinel)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not mention %q", err, c.msg)
			}
		})
	}
	if _, err := cli("run", model, "-i", "in_put_0="+x, "-i", "b="+b); err == nil || !strings.Contains(err.Error(), "-o") {
		t.Errorf("without -o: %v", err)
	}
	// A generous --max-memory still runs.
	if _, err := cli("run", model, "-i", "in_put_0="+x, "-i", "b="+b, "-o", out, "--max-memory", "100000"); err != nil {
		t.Errorf("--max-memory 100000: %v", err)
	}
}

func TestRunAmbiguousNames(t *testing.T) {
	dir := t.TempDir()
	g := &ir.Graph{Name: "g",
		Inputs:  []*ir.ValueInfo{{Name: "a b", Type: ir.TensorType(tensor.Float32, 1)}, {Name: "a:b", Type: ir.TensorType(tensor.Float32, 1)}},
		Outputs: []*ir.ValueInfo{{Name: "y/1"}, {Name: "y:1"}},
		Nodes: []*ir.Node{
			{Name: "n1", OpType: "Add", Inputs: []string{"a b", "a:b"}, Outputs: []string{"y/1"}},
			{Name: "n2", OpType: "Sub", Inputs: []string{"a b", "a:b"}, Outputs: []string{"y:1"}},
		},
	}
	model := writeModel(t, dir, "m.onnx", &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: g})
	x := writeNpy(t, dir, "x.npy", tensor.From([]int{1}, []float32{1}))
	if _, err := cli("run", model, "-i", "a_b="+x, "-i", "a:b="+x, "-o", dir); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("sanitised name matching two inputs: %v", err)
	}
	// Exact names bind, but both outputs would land in y_1.npy.
	if _, err := cli("run", model, "-i", "a b="+x, "-i", "a:b="+x, "-o", dir); err == nil || !strings.Contains(err.Error(), "y_1.npy") {
		t.Errorf("colliding output files: %v", err)
	}
}

func TestInfoInvalidModel(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.onnx")
	os.WriteFile(garbage, []byte("\x08\x07\x12\xff\xff\xff\xff\x0fnot a model"), 0o644)
	unknownOp := writeModel(t, dir, "unk.onnx", &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: &ir.Graph{Name: "g",
		Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 1)}},
		Outputs: []*ir.ValueInfo{{Name: "y"}},
		Nodes:   []*ir.Node{{Name: "n", OpType: "NoSuchOp", Inputs: []string{"x"}, Outputs: []string{"y"}}},
	}})
	undefined := writeModel(t, dir, "undef.onnx", &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: &ir.Graph{Name: "g",
		Outputs: []*ir.ValueInfo{{Name: "y"}},
		Nodes:   []*ir.Node{{Name: "n", OpType: "Relu", Inputs: []string{"nowhere"}, Outputs: []string{"y"}}},
	}})
	for _, c := range []struct {
		path string
		msg  string
	}{
		{garbage, "invalid model"},
		{unknownOp, "NoSuchOp"},
		{undefined, "nowhere"},
		{filepath.Join(dir, "missing.onnx"), "missing.onnx"},
	} {
		_, err := cli("info", c.path)
		if err == nil || exitCode(err) == 0 {
			t.Errorf("info %s: err %v", filepath.Base(c.path), err)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("info %s: error %q does not mention %q", filepath.Base(c.path), err, c.msg)
		}
	}
	ok := cliModel(t, dir)
	if out, err := cli("info", ok); err != nil || !strings.Contains(out, "valid: yes") {
		t.Errorf("info on a valid model: %v\n%s", err, out)
	}
}

// TestExitStatus runs the test binary as qinfer to check real exit codes.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.onnx")
	os.WriteFile(garbage, []byte("garbage"), 0o644)
	model := cliModel(t, dir)
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"info", garbage}, 1},
		{[]string{"run", model, "-o", dir, "-i", "bad spec"}, 1},
		{[]string{"info", model}, 0},
	} {
		cmd := exec.Command(os.Args[0], c.args...)
		cmd.Env = append(os.Environ(), "QINFER_TEST_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code {
			t.Errorf("qinfer %v: exit %d, want %d (stderr %q)", c.args, code, c.code, stderr.String())
		}
		if c.code != 0 && !strings.HasPrefix(stderr.String(), "qinfer: ") {
			t.Errorf("qinfer %v: stderr %q", c.args, stderr.String())
		}
	}
}

// FuzzRunInputs fuzzes an -i spec and the bytes of the .npy it names: run
// must fail cleanly or succeed, never panic.
func FuzzRunInputs(f *testing.F) {
	dir := f.TempDir()
	model := cliModel(f, dir)
	var npy bytes.Buffer
	tensor.WriteNpy(&npy, tensor.From([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6}))
	f.Add("in_put_0", npy.Bytes())
	f.Add("in:put/0", []byte("\x93NUMPY\x01\x00\x10\x00{'descr':'<i8'}"))
	f.Add("b", npy.Bytes())
	f.Add("", []byte{})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d := t.TempDir()
		p := filepath.Join(d, "x.npy")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b := writeNpy(t, d, "b.npy", tensor.From([]int{1}, []int64{1}))
		_, err := cli("run", model, "-i", name+"="+p, "-i", "b="+b, "-o", filepath.Join(d, "out"))
		if err != nil && exitCode(err) == 0 {
			t.Fatalf("error with exit code 0: %v", err)
		}
	})
}
