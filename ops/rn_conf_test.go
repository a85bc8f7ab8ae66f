package ops

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// TestRNConformanceDump runs ONNX node conformance cases converted to JSON by
// a helper script (one node, its attributes, inputs and expected outputs) in
// the directory named by $RN_CONF_DIR. It skips when the variable is unset;
// the end-to-end runner in cmd/qinfer covers the same cases from the .pb
// files.
func TestRNConformanceDump(t *testing.T) {
	dir := os.Getenv("RN_CONF_DIR")
	if dir == "" {
		t.Skip("RN_CONF_DIR not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			rnRunConfFile(t, f)
		})
	}
}

type rnConfTensor struct {
	DType int       `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

type rnConfCase struct {
	Name  string `json:"name"`
	Op    string `json:"op"`
	Opset int    `json:"opset"`
	Attrs []struct {
		Name  string          `json:"name"`
		Type  int             `json:"type"`
		Value json.RawMessage `json:"value"`
	} `json:"attrs"`
	NOut    int             `json:"nout"`
	Inputs  []*rnConfTensor `json:"inputs"`
	Outputs []*rnConfTensor `json:"outputs"`
}

func rnConfToTensor(t *testing.T, c *rnConfTensor) *tensor.Tensor {
	if c == nil {
		return nil
	}
	dt := tensor.DType(c.DType)
	out, err := tensor.New(dt, c.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range c.Data {
		out.SetFloat64(i, v)
	}
	return out
}

func rnRunConfFile(t *testing.T, f string) {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var c rnConfCase
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	n := &ir.Node{Name: c.Name, OpType: c.Op}
	for i := 0; i < c.NOut; i++ {
		name := ""
		if c.Outputs[i] != nil {
			name = "y"
		}
		n.Outputs = append(n.Outputs, name)
	}
	for _, a := range c.Attrs {
		at := &ir.Attr{Name: a.Name, Type: ir.AttrType(a.Type)}
		var err error
		switch at.Type {
		case ir.AttrInt:
			err = json.Unmarshal(a.Value, &at.I)
		case ir.AttrFloat:
			err = json.Unmarshal(a.Value, &at.F)
		case ir.AttrString:
			err = json.Unmarshal(a.Value, &at.S)
		case ir.AttrInts:
			err = json.Unmarshal(a.Value, &at.Ints)
		case ir.AttrFloats:
			err = json.Unmarshal(a.Value, &at.Floats)
		case ir.AttrStrings:
			err = json.Unmarshal(a.Value, &at.Strings)
		default:
			t.Fatalf("attr %s type %d", a.Name, a.Type)
		}
		if err != nil {
			t.Fatal(err)
		}
		n.Attrs = append(n.Attrs, at)
	}
	var ins []*tensor.Tensor
	for _, in := range c.Inputs {
		ins = append(ins, rnConfToTensor(t, in))
	}
	fac, err := Lookup("", c.Op, c.Opset)
	if err != nil {
		t.Fatal(err)
	}
	k, err := fac(n, c.Opset)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := k.Run(&Context{Node: n, Opset: c.Opset, Threads: 1}, ins)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range c.Outputs {
		if want == nil {
			continue
		}
		if i >= len(outs) || outs[i] == nil {
			t.Fatalf("output %d missing", i)
		}
		got := outs[i]
		if int(got.DType()) != want.DType || !tensor.SameShape(got.Shape(), want.Shape) {
			t.Fatalf("output %d: got %v%v, want %v%v", i, got.DType(), got.Shape(), tensor.DType(want.DType), want.Shape)
		}
		bad := 0
		for j, w := range want.Data {
			g := got.Float64At(j)
			if math.IsNaN(w) && math.IsNaN(g) {
				continue
			}
			if math.Abs(g-w) > 1e-5+1e-3*math.Abs(w) {
				if bad < 5 {
					t.Errorf("output %d[%d] = %g, want %g", i, j, g, w)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("output %d: %d of %d values differ", i, bad, len(want.Data))
		}
	}
}
