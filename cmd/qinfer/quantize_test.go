package main

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/tensor"
	"github.com/spf13/cobra"
)

// qzTestModel is a small random CNN for 28x28 grey images.
func qzTestModel() *ir.Model {
	rng := rand.New(rand.NewPCG(1, 2))
	g := &ir.Graph{Name: "cnn"}
	w := func(name string, s float32, shape ...int) string {
		n := 1
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = (2*rng.Float32() - 1) * s
		}
		t, _ := tensor.FromData(tensor.Float32, shape, v)
		g.AddInitializer(name, t)
		return name
	}
	ints := func(name string, v ...int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v} }
	node := func(op string, in []string, out string, attrs ...*ir.Attr) {
		g.Nodes = append(g.Nodes, &ir.Node{Name: op + "_" + out, OpType: op, Inputs: in, Outputs: []string{out}, Attrs: attrs})
	}
	node("Conv", []string{"image", w("w1", 0.5, 8, 1, 3, 3), w("b1", 0.1, 8)}, "c1", ints("pads", 1, 1, 1, 1))
	node("Relu", []string{"c1"}, "r1")
	node("MaxPool", []string{"r1"}, "p1", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
	node("Conv", []string{"p1", w("w2", 0.3, 16, 8, 3, 3), w("b2", 0.1, 16)}, "c2", ints("pads", 1, 1, 1, 1))
	node("Relu", []string{"c2"}, "r2")
	node("GlobalAveragePool", []string{"r2"}, "gap")
	node("Flatten", []string{"gap"}, "flat")
	node("Gemm", []string{"flat", w("w3", 0.8, 10, 16), w("b3", 0.1, 10)}, "logits", &ir.Attr{Name: "transB", Type: ir.AttrInt, I: 1})
	ty := ir.TensorType(tensor.Float32, 1, 1, 28, 28)
	ty.Shape[0] = ir.Dim{Param: "N"}
	g.Inputs = []*ir.ValueInfo{{Name: "image", Type: ty}}
	g.Outputs = []*ir.ValueInfo{{Name: "logits", Type: ir.TensorType(tensor.Float32, -1, 10)}}
	return &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: g}
}

func qzExec(t *testing.T, c *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	c.SetOut(&out)
	c.SetErr(&errb)
	c.SetArgs(args)
	err := c.Execute()
	return out.String(), err
}

func TestQuantizeCompareCLI(t *testing.T) {
	images := filepath.Join(testdata.FashionMNIST(), "t10k-images-idx3-ubyte.gz")
	testdata.Require(t, images)
	dir := t.TempDir()
	model := filepath.Join(dir, "cnn.onnx")
	if err := onnx.Save(qzTestModel(), model); err != nil {
		t.Fatal(err)
	}
	data := "idx:" + images
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"static", []string{"--method", "static", "--data", data, "--samples", "20", "--calibration", "percentile"},
			[]string{"calibration: 20 samples", "int8 sym per-channel(axis=0)", "c2", "file:"}},
		{"weight-only-4", []string{"--method", "weight-only", "--weight-bits", "4", "--block-size", "16", "--exclude", "Conv_c1"},
			[]string{"MatMulNBits", "user-excluded", "Conv weights stay 8-bit"}},
		{"dynamic", []string{"--method", "dynamic", "--op-types", "Conv"},
			[]string{"ConvInteger", "op type not selected"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".onnx")
			got, err := qzExec(t, quantizeCmd(), append([]string{model, "-o", out}, c.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", got)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("summary lacks %q", w)
				}
			}
			cmp, err := qzExec(t, compareCmd(), model, out, "--data", data, "--samples", "50", "--layers")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", cmp)
			if !strings.Contains(cmp, "50 samples") || !strings.Contains(cmp, "logits") {
				t.Errorf("compare output:\n%s", cmp)
			}
			if c.name == "static" && !strings.Contains(cmp, "activation") {
				t.Errorf("compare --layers lists no activation")
			}
		})
	}
	// Bad input fails before any work.
	if _, err := qzExec(t, quantizeCmd(), model, "-o", filepath.Join(dir, "x.onnx"), "--method", "static"); err == nil || !strings.Contains(err.Error(), "--data") {
		t.Errorf("static without --data: %v", err)
	}
	if _, err := qzExec(t, quantizeCmd(), model, "-o", filepath.Join(dir, "x.onnx"), "--method", "fast"); err == nil {
		t.Error("bad method accepted")
	}
	if _, err := qzExec(t, quantizeCmd(), model, "-o", filepath.Join(dir, "x.onnx"), "--method", "weight-only", "--exclude", "nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown exclude: %v", err)
	}
}
