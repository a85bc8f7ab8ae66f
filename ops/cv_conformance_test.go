package ops

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// cvConfCase is one single-node ONNX backend test converted to JSON by a
// small python script outside the repository (see TestCvConformance).
type cvConfCase struct {
	Name  string `json:"name"`
	Op    string `json:"op"`
	Opset int    `json:"opset"`
	Attrs []struct {
		Name   string    `json:"name"`
		Type   int       `json:"type"`
		F      float32   `json:"f"`
		I      int64     `json:"i"`
		S      string    `json:"s"`
		Floats []float32 `json:"floats"`
		Ints   []int64   `json:"ints"`
	} `json:"attrs"`
	Inputs   []*cvConfTensor `json:"inputs"`
	Outputs  []*cvConfTensor `json:"outputs"`
	NOutputs int             `json:"noutputs"`
}

type cvConfTensor struct {
	DType int      `json:"dtype"`
	Shape []int    `json:"shape"`
	Data  []string `json:"data"`
}

func (c *cvConfTensor) tensor(t *testing.T) *tensor.Tensor {
	x, err := tensor.New(tensor.DType(c.DType), c.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range c.Data {
		if x.DType().IsFloat() {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			x.SetFloat64(i, f)
		} else {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			x.SetInt64(i, v)
		}
	}
	return x
}

// TestCvConformance runs ONNX backend node tests dumped as JSON. It is
// skipped unless CV_CONF names a glob of such files; the lead's testsuite
// runner is the real end-to-end check.
func TestCvConformance(t *testing.T) {
	pat := os.Getenv("CV_CONF")
	if pat == "" {
		t.Skip("CV_CONF not set")
	}
	files, _ := filepath.Glob(pat)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []cvConfCase
		if err := json.Unmarshal(raw, &cases); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.Name, func(t *testing.T) { cvRunConf(t, &c) })
		}
	}
}

func cvRunConf(t *testing.T, c *cvConfCase) {
	n := &ir.Node{Name: c.Name, OpType: c.Op}
	for _, a := range c.Attrs {
		n.Attrs = append(n.Attrs, &ir.Attr{Name: a.Name, Type: ir.AttrType(a.Type), F: a.F, I: a.I, S: a.S, Floats: a.Floats, Ints: a.Ints})
	}
	for i := 0; i < c.NOutputs; i++ {
		n.Outputs = append(n.Outputs, "o"+strconv.Itoa(i))
	}
	var in []*tensor.Tensor
	for i, x := range c.Inputs {
		if x == nil {
			in = append(in, nil)
			n.Inputs = append(n.Inputs, "")
			continue
		}
		in = append(in, x.tensor(t))
		n.Inputs = append(n.Inputs, "i"+strconv.Itoa(i))
	}
	f, err := Lookup("", c.Op, c.Opset)
	if err != nil {
		t.Fatal(err)
	}
	k, err := f(n, c.Opset)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.Run(&Context{Node: n, Opset: c.Opset, Threads: 2}, in)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range c.Outputs {
		if i >= len(got) || got[i] == nil {
			t.Fatalf("output %d missing", i)
		}
		want := w.tensor(t)
		g := got[i]
		if g.DType() != want.DType() || !tensor.SameShape(g.Shape(), want.Shape()) {
			t.Fatalf("output %d: got %v%v want %v%v", i, g.DType(), g.Shape(), want.DType(), want.Shape())
		}
		for j := 0; j < want.Len(); j++ {
			a, b := g.Float64At(j), want.Float64At(j)
			if math.IsNaN(a) && math.IsNaN(b) {
				continue
			}
			if math.Abs(a-b) > 1e-5+1e-3*math.Abs(b) {
				t.Fatalf("output %d [%d]: got %v want %v\ngot  %v\nwant %v", i, j, a, b, g, want)
			}
		}
	}
}
