package quant

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParseOverrides(t *testing.T) {
	doc := `{"tensors": {"x": {"scale": 0.1, "zero_point": 3, "bits": 8},
	                     "y": {"min": -1, "max": 2, "signed": true, "symmetric": true}},
	         "nodes": {"conv1": {"exclude": true}, "fc": {"bits": 4, "block_size": 32}}}`
	o, err := ParseOverrides([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !o.Excluded("conv1") || o.Excluded("fc") || o.Excluded("other") {
		t.Error("Excluded")
	}
	x, ok := o.Tensor("x")
	if !ok {
		t.Fatal("tensor x missing")
	}
	p, ok, err := x.Params(x.Apply(Uint8Asym))
	if err != nil || !ok || p.Scale != 0.1 || p.ZeroPoint != 3 {
		t.Errorf("x params %+v %v %v", p, ok, err)
	}
	y, _ := o.Tensor("y")
	s := y.Apply(Uint8Asym)
	if !s.Signed || !s.Symmetric {
		t.Errorf("y scheme %v", s)
	}
	if p, ok, err = y.Params(s); err != nil || !ok || p.ZeroPoint != 0 || p.Scale != float32(2.0/127) {
		t.Errorf("y params %+v %v %v", p, ok, err)
	}
	n, _ := o.Node("fc")
	ws := n.Apply(Scheme{Bits: 8, Signed: true, Symmetric: true, Granularity: ChannelAxis(0)})
	if ws.Bits != 4 || ws.Granularity.Kind != PerBlock || ws.Granularity.BlockSize != 32 {
		t.Errorf("fc scheme %v", ws)
	}
	var nilO *Overrides
	if nilO.Excluded("a") {
		t.Error("nil overrides exclude")
	}
	if _, ok := nilO.Tensor("a"); ok {
		t.Error("nil overrides tensor")
	}
	if _, ok, _ := (TensorOverride{}).Params(Uint8Asym); ok {
		t.Error("empty override fixes params")
	}
}

func TestParseOverridesErrors(t *testing.T) {
	for _, doc := range []string{
		`{"tensor": {}}`,                              // unknown top-level key
		`{"tensors": {"x": {"scael": 1}}}`,            // unknown tensor key
		`{"nodes": {"n": {"exclude": true, "x": 1}}}`, // unknown node key
		`{"tensors": {"x": {"scale": 0}}}`,            // non-positive scale
		`{"tensors": {"x": {"scale": -1}}}`,           // negative scale
		`{"tensors": {"x": {"scale": 1, "bits": 5}}}`, // bad bits
		`{"tensors": {"x": {"zero_point": 3}}}`,       // zp without scale
		`{"tensors": {"x": {"scale": 1, "zero_point": 300}}}`,
		`{"tensors": {"x": {"scale": 1, "zero_point": -1}}}`, // uint8 by default
		`{"tensors": {"x": {"scale": 1, "zero_point": 8, "bits": 4, "signed": true}}}`,
		`{"tensors": {"x": {"min": 1}}}`,
		`{"tensors": {"x": {"min": 2, "max": 1}}}`,
		`{"tensors": {"x": {"min": 0, "max": 1, "scale": 1}}}`,
		`{"nodes": {"n": {"bits": 3}}}`,
		`{"nodes": {"n": {"block_size": 1}}}`,
		`{"nodes": {"n": {"block_size": 32, "per_channel": true}}}`,
		`{"tensors": {}} {}`, // trailing data
		`[1, 2]`,
		`{"tensors": {"x": {"scale": "big"}}}`,
	} {
		if _, err := ParseOverrides([]byte(doc)); !errors.Is(err, ErrOverrides) {
			t.Errorf("%s: err %v, want ErrOverrides", doc, err)
		}
	}
	if _, err := ParseOverrides([]byte(`{"tensors": {"x": {"scale": 1, "zero_point": -8, "bits": 4, "signed": true}}}`)); err != nil {
		t.Errorf("int4 zero point -8: %v", err)
	}
}

func TestLoadOverrides(t *testing.T) {
	p := filepath.Join(t.TempDir(), "o.json")
	if err := os.WriteFile(p, []byte(`{"nodes": {"a": {"exclude": true}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := LoadOverrides(p)
	if err != nil || !o.Excluded("a") {
		t.Fatalf("%v %v", o, err)
	}
	if _, err := LoadOverrides(p + ".missing"); err == nil {
		t.Error("missing file loaded")
	}
}
