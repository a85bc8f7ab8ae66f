//go:build imconf

// This file checks the image/reduce kernels against ONNX node tests dumped
// to JSON by a helper script (IMCONF=/path/cases.json go test -tags imconf
// -run TestImConformance ./ops). It is not built by default.

package ops

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

type imConfTensor struct {
	DType int    `json:"dtype"`
	Shape []int  `json:"shape"`
	Hex   string `json:"hex"`
}

type imConfCase struct {
	Name    string                     `json:"name"`
	Op      string                     `json:"op"`
	Opset   int                        `json:"opset"`
	Attrs   map[string]json.RawMessage `json:"attrs"`
	Inputs  []*imConfTensor            `json:"inputs"`
	Outputs []*imConfTensor            `json:"outputs"`
}

func imConfDecode(t *testing.T, c *imConfTensor) *tensor.Tensor {
	if c == nil {
		return nil
	}
	raw, err := hex.DecodeString(c.Hex)
	if err != nil {
		t.Fatal(err)
	}
	dt := tensor.DType(c.DType)
	out, err := tensor.New(dt, c.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	n := out.Len()
	le := binary.LittleEndian
	for i := 0; i < n; i++ {
		switch d := out.Data().(type) {
		case []float32:
			d[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		case []float64:
			d[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
		case []uint16:
			d[i] = le.Uint16(raw[2*i:])
		case []int8:
			d[i] = int8(raw[i])
		case []uint8:
			d[i] = raw[i]
		case []int16:
			d[i] = int16(le.Uint16(raw[2*i:]))
		case []int32:
			d[i] = int32(le.Uint32(raw[4*i:]))
		case []int64:
			d[i] = int64(le.Uint64(raw[8*i:]))
		case []uint32:
			d[i] = le.Uint32(raw[4*i:])
		case []uint64:
			d[i] = le.Uint64(raw[8*i:])
		case []bool:
			d[i] = raw[i] != 0
		}
	}
	return out
}

func TestImConformance(t *testing.T) {
	path := os.Getenv("IMCONF")
	if path == "" {
		t.Skip("IMCONF not set")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []imConfCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			n := &ir.Node{Name: "n", OpType: c.Op}
			for name, raw := range c.Attrs {
				var a struct {
					Type int             `json:"type"`
					V    json.RawMessage `json:"v"`
				}
				if err := json.Unmarshal(raw, &a); err != nil {
					t.Fatal(err)
				}
				at := &ir.Attr{Name: name, Type: ir.AttrType(a.Type)}
				switch at.Type {
				case ir.AttrFloat:
					json.Unmarshal(a.V, &at.F)
				case ir.AttrInt:
					json.Unmarshal(a.V, &at.I)
				case ir.AttrString:
					json.Unmarshal(a.V, &at.S)
				case ir.AttrFloats:
					json.Unmarshal(a.V, &at.Floats)
				case ir.AttrInts:
					json.Unmarshal(a.V, &at.Ints)
				default:
					t.Skipf("attr type %d", a.Type)
				}
				n.Attrs = append(n.Attrs, at)
			}
			for range c.Outputs {
				n.Outputs = append(n.Outputs, "y")
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
			for _, x := range c.Inputs {
				in = append(in, imConfDecode(t, x))
			}
			got, err := k.Run(&Context{Node: n, Opset: c.Opset, Threads: 2}, in)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range c.Outputs {
				want := imConfDecode(t, w)
				g := got[i]
				if g.DType() != want.DType() || !tensor.SameShape(g.Shape(), want.Shape()) {
					t.Fatalf("output %d: got %v %v want %v %v", i, g.DType(), g.Shape(), want.DType(), want.Shape())
				}
				bad := 0
				for j := 0; j < g.Len(); j++ {
					gv, wv := g.Float64At(j), want.Float64At(j)
					if math.IsNaN(gv) && math.IsNaN(wv) || gv == wv {
						continue
					}
					if math.Abs(gv-wv) > 1e-4+1e-3*math.Abs(wv) {
						if bad < 5 {
							t.Errorf("output %d[%d]: got %v want %v", i, j, gv, wv)
						}
						bad++
					}
				}
				if bad > 0 {
					t.Errorf("%d/%d mismatches", bad, g.Len())
				}
			}
		})
	}
}
