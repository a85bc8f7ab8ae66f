package ops

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// The ONNX node tests for this family, pre-extracted to JSON by a small
// Python script (onnx's numpy_helper) into $SH_CONF_CASES. Skipped when the
// file is absent; the end-to-end runner covers the same tests once the codec
// is in place.

type shJSONTensor struct {
	DType int      `json:"dtype"`
	Shape []int    `json:"shape"`
	B64   string   `json:"b64"`
	Strs  []string `json:"strs"`
}

type shJSONAttr struct {
	Name    string        `json:"name"`
	Type    int           `json:"type"`
	F       float32       `json:"f"`
	I       int64         `json:"i"`
	S       string        `json:"s"`
	T       *shJSONTensor `json:"t"`
	Floats  []float32     `json:"floats"`
	Ints    []int64       `json:"ints"`
	Strings []string      `json:"strings"`
}

type shJSONCase struct {
	Name    string          `json:"name"`
	Op      string          `json:"op"`
	Opset   int             `json:"opset"`
	Attrs   []shJSONAttr    `json:"attrs"`
	Inputs  []*shJSONTensor `json:"inputs"`
	NOut    int             `json:"nout"`
	Outputs []*shJSONTensor `json:"outputs"`
}

func shDecode(t *testing.T, j *shJSONTensor) *tensor.Tensor {
	if j == nil {
		return nil
	}
	dt := tensor.DType(j.DType)
	x, err := tensor.New(dt, j.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	if dt == tensor.String {
		copy(x.Data().([]string), j.Strs)
		return x
	}
	b, err := base64.StdEncoding.DecodeString(j.B64)
	if err != nil {
		t.Fatal(err)
	}
	r := shRawOf(x)
	le := binary.LittleEndian
	switch r.size {
	case 1:
		copy(r.b, b)
	case 2:
		for i := range r.h {
			r.h[i] = le.Uint16(b[2*i:])
		}
	case 4:
		for i := range r.w {
			r.w[i] = le.Uint32(b[4*i:])
		}
	case 8:
		for i := range r.d {
			r.d[i] = le.Uint64(b[8*i:])
		}
	}
	return x
}

func shClose(a, b *tensor.Tensor) bool {
	if a.DType() != b.DType() || !tensor.SameShape(a.Shape(), b.Shape()) {
		return false
	}
	for i := 0; i < a.Len(); i++ {
		x, y := a.At(i), b.At(i)
		if fx, ok := x.(float64); ok {
			fy := y.(float64)
			if math.IsNaN(fx) && math.IsNaN(fy) {
				continue
			}
			if math.Abs(fx-fy) > 1e-4+1e-4*math.Abs(fy) {
				return false
			}
			continue
		}
		if x != y {
			return false
		}
	}
	return true
}

func TestShConformance(t *testing.T) {
	path := os.Getenv("SH_CONF_CASES")
	if path == "" {
		path = "/tmp/shconf/cases.json"
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skip("no extracted conformance cases:", err)
	}
	var cases []shJSONCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			n := &ir.Node{Name: c.Name, OpType: c.Op}
			for _, a := range c.Attrs {
				at := &ir.Attr{Name: a.Name, Type: ir.AttrType(a.Type), F: a.F, I: a.I, S: a.S,
					Floats: a.Floats, Ints: a.Ints, Strings: a.Strings}
				if a.T != nil {
					at.T = shDecode(t, a.T)
				}
				n.Attrs = append(n.Attrs, at)
			}
			for i := range c.Inputs {
				n.Inputs = append(n.Inputs, "in"+string(rune('0'+i)))
			}
			for i := 0; i < c.NOut; i++ {
				n.Outputs = append(n.Outputs, "out"+string(rune('0'+i)))
			}
			f, err := Lookup("", c.Op, c.Opset)
			if err != nil {
				t.Fatal(err)
			}
			k, err := f(n, c.Opset)
			if err != nil {
				t.Fatal(err)
			}
			var in []*tensor.Tensor
			for _, j := range c.Inputs {
				in = append(in, shDecode(t, j))
			}
			ctx := &Context{Node: n, Opset: c.Opset, Threads: 1}
			got, err := k.Run(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for i, j := range c.Outputs {
				want := shDecode(t, j)
				if i >= len(got) {
					t.Fatalf("output %d missing", i)
				}
				if !shClose(got[i], want) {
					t.Errorf("output %d:\n got %v\nwant %v", i, got[i], want)
				}
			}
		})
	}
}
