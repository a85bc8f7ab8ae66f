package quant_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// rwtBuilder builds small float models for the rewrite tests.
type rwtBuilder struct {
	g   *ir.Graph
	rng *rand.Rand
	n   int
}

func rwtNew(seed uint64) *rwtBuilder {
	return &rwtBuilder{g: &ir.Graph{Name: "rwt", Initializers: map[string]*tensor.Tensor{}}, rng: rand.New(rand.NewPCG(seed, 11))}
}

func (b *rwtBuilder) name(p string) string {
	b.n++
	return fmt.Sprintf("%s%d", p, b.n)
}

// rand returns a constant of the shape with values in [-s, s].
func (b *rwtBuilder) rand(p string, s float32, shape ...int) string {
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = (2*b.rng.Float32() - 1) * s
	}
	t, err := tensor.FromData(tensor.Float32, shape, v)
	if err != nil {
		panic(err)
	}
	name := b.name(p)
	b.g.AddInitializer(name, t)
	return name
}

func (b *rwtBuilder) node(op string, in []string, attrs ...*ir.Attr) string {
	out := b.name(strings.ToLower(op) + "_out")
	b.g.Nodes = append(b.g.Nodes, &ir.Node{Name: b.name(op), OpType: op, Inputs: in, Outputs: []string{out}, Attrs: attrs})
	return out
}

func ints(name string, v ...int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v} }
func iattr(name string, v int64) *ir.Attr   { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }

func (b *rwtBuilder) model(in string, dims []int64, outs ...string) *ir.Model {
	ty := ir.TensorType(tensor.Float32, dims...)
	ty.Shape[0] = ir.Dim{Param: "N"}
	b.g.Inputs = []*ir.ValueInfo{{Name: in, Type: ty}}
	for _, o := range outs {
		b.g.Outputs = append(b.g.Outputs, &ir.ValueInfo{Name: o, Type: &ir.Type{Kind: ir.KindTensor, Elem: tensor.Float32}})
	}
	return &ir.Model{IRVersion: 7, Opsets: map[string]int64{"": 13}, ProducerName: "rwt", Graph: b.g}
}

// rwtMLP: x[N,64] → MatMul → Add → Relu → MatMul → Add → Sigmoid → Gemm(transB) → logits[N,10].
func rwtMLP() *ir.Model {
	b := rwtNew(1)
	h := b.node("MatMul", []string{"x", b.rand("w", 0.25, 64, 96)})
	h = b.node("Add", []string{h, b.rand("b", 0.1, 96)})
	h = b.node("Relu", []string{h})
	h = b.node("MatMul", []string{h, b.rand("w", 0.2, 96, 48)})
	h = b.node("Add", []string{h, b.rand("b", 0.1, 48)})
	h = b.node("Sigmoid", []string{h})
	y := b.node("Gemm", []string{h, b.rand("w", 0.5, 10, 48), b.rand("c", 0.2, 10)}, iattr("transB", 1))
	return b.model("x", []int64{-1, 64}, y)
}

// rwtCNN: x[N,1,16,16] → Conv → BN → Relu → MaxPool → Conv → Relu → (+ skip
// Conv) → GlobalAveragePool → Flatten → Gemm → logits[N,10].
func rwtCNN() *ir.Model {
	b := rwtNew(2)
	h := b.node("Conv", []string{"x", b.rand("w", 0.5, 8, 1, 3, 3), b.rand("b", 0.1, 8)}, ints("pads", 1, 1, 1, 1))
	scale := b.rand("bn_s", 0.5, 8)
	for i, v := range b.g.Initializers[scale].Float32s() {
		b.g.Initializers[scale].Float32s()[i] = 1 + v
	}
	mean := b.rand("bn_m", 0.1, 8)
	vr := b.rand("bn_v", 0.2, 8)
	for i, v := range b.g.Initializers[vr].Float32s() {
		b.g.Initializers[vr].Float32s()[i] = 1 + v
	}
	h = b.node("BatchNormalization", []string{h, scale, b.rand("bn_b", 0.1, 8), mean, vr})
	h = b.node("Relu", []string{h})
	h = b.node("MaxPool", []string{h}, ints("kernel_shape", 2, 2), ints("strides", 2, 2))
	a := b.node("Conv", []string{h, b.rand("w", 0.2, 16, 8, 3, 3), b.rand("b", 0.1, 16)}, ints("pads", 1, 1, 1, 1))
	a = b.node("Relu", []string{a})
	s := b.node("Conv", []string{h, b.rand("w", 0.3, 16, 8, 1, 1)})
	h = b.node("Add", []string{a, s})
	h = b.node("GlobalAveragePool", []string{h})
	h = b.node("Flatten", []string{h})
	y := b.node("Gemm", []string{h, b.rand("w", 0.6, 10, 16), b.rand("c", 0.1, 10)}, iattr("transB", 1))
	return b.model("x", []int64{-1, 1, 16, 16}, y)
}

func rwtInput(seed uint64, shape ...int) *tensor.Tensor {
	rng := rand.New(rand.NewPCG(seed, 3))
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	t, _ := tensor.FromData(tensor.Float32, shape, v)
	return t
}

// rwtSamples returns count feeds of batch rows each.
func rwtSamples(m *ir.Model, count, batch int, seed uint64) *quant.SliceSamples {
	in := m.Graph.Inputs[0]
	shape := []int{batch}
	for _, d := range in.Type.Shape[1:] {
		shape = append(shape, int(d.Value))
	}
	s := &quant.SliceSamples{}
	for i := range count {
		s.Feeds = append(s.Feeds, map[string]*tensor.Tensor{in.Name: rwtInput(seed+uint64(i), shape...)})
	}
	return s
}

func rwtRun(t *testing.T, m *ir.Model, feed map[string]*tensor.Tensor) (map[string]*tensor.Tensor, *runtime.Plan) {
	t.Helper()
	p, err := runtime.Compile(m, runtime.Options{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	out, err := p.NewSession().Run(feed)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out, p
}

// rwtFloat32 returns t's values as float32.
func rwtFloat32(t *tensor.Tensor) []float32 {
	c, err := tensor.Cast(t, tensor.Float32)
	if err != nil {
		panic(err)
	}
	return c.Float32s()
}

func TestQuantizeMethods(t *testing.T) {
	wo4 := quant.DefaultConfig(quant.WeightOnly)
	wo4.WeightBits = 4
	wo4.BlockSize = 16
	wo4q := wo4
	wo4q.Int4Format = quant.Int4QDQ
	dynONNX := quant.DefaultConfig(quant.Dynamic)
	dynONNX.DynamicFormat = quant.DynamicONNX
	stEntropy := quant.DefaultConfig(quant.Static)
	stEntropy.Calibration = quant.CalibEntropy
	stPct := quant.DefaultConfig(quant.Static)
	stPct.Calibration = quant.CalibPercentile
	stMSE := quant.DefaultConfig(quant.Static)
	stMSE.Calibration = quant.CalibMSE
	stS8 := quant.DefaultConfig(quant.Static)
	stS8.ActivationType = tensor.Int8
	stS8.ActivationSymmetric = true
	woClip := quant.DefaultConfig(quant.WeightOnly)
	woClip.ClipMSE = true
	models := []struct {
		name string
		m    func() *ir.Model
	}{{"mlp", rwtMLP}, {"cnn", rwtCNN}}
	cases := []struct {
		name    string
		cfg     quant.Config
		minSQNR float64 // output SQNR vs float, dB
	}{
		{"weight-only-int8", quant.DefaultConfig(quant.WeightOnly), 30},
		{"weight-only-int8-clipmse", woClip, 30},
		{"weight-only-int4", wo4, 12},
		{"weight-only-int4-qdq", wo4q, 12},
		{"dynamic", quant.DefaultConfig(quant.Dynamic), 25},
		{"dynamic-onnx", dynONNX, 25},
		{"static-minmax", quant.DefaultConfig(quant.Static), 18},
		{"static-entropy", stEntropy, 5},
		{"static-percentile", stPct, 18},
		{"static-mse", stMSE, 18},
		{"static-int8-sym", stS8, 16},
	}
	ortErr := ortref.Available()
	for _, mc := range models {
		for _, c := range cases {
			t.Run(mc.name+"/"+c.name, func(t *testing.T) {
				m := mc.m()
				var data quant.Samples
				if c.cfg.Method == quant.Static {
					data = rwtSamples(m, 16, 8, 100)
				}
				qm, rep, err := quant.Quantize(m, c.cfg, data, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Layers) == 0 {
					t.Fatalf("no layer quantized:\n%v", rep)
				}
				if rep.BytesAfter >= rep.BytesBefore && c.cfg.Method != quant.Static {
					t.Errorf("bytes %d → %d: no saving", rep.BytesBefore, rep.BytesAfter)
				}
				evalFeed := rwtSamples(m, 1, 256, 9999).Feeds[0]
				ref, _ := rwtRun(t, m, evalFeed)
				got, plan := rwtRun(t, qm, evalFeed)
				out := m.Graph.Outputs[0].Name
				sq, err := quant.SQNR(rwtFloat32(ref[out]), rwtFloat32(got[out]))
				if err != nil {
					t.Fatal(err)
				}
				agree, _ := quant.Top1Agreement(rwtFloat32(ref[out]), rwtFloat32(got[out]), 10)
				t.Logf("output SQNR %.1f dB, top-1 agreement with fp32 %.1f%%, weights %d → %d bytes", sq, 100*agree, rep.BytesBefore, rep.BytesAfter)
				if sq < c.minSQNR {
					t.Errorf("output SQNR %.1f dB < %.1f\n%v", sq, c.minSQNR, rep)
				}
				if c.cfg.Method == quant.Static {
					rwtAssertInt8(t, plan)
				}
				for _, l := range rep.Layers {
					if !(l.SQNR > 10) {
						t.Errorf("layer %s weight SQNR %.1f dB", l.Node, l.SQNR)
					}
				}
				// Saved and reloaded, the file runs the same in qinfer and in
				// ONNX Runtime.
				path := filepath.Join(t.TempDir(), "q.onnx")
				if err := onnx.Save(qm, path); err != nil {
					t.Fatal(err)
				}
				lm, err := onnx.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				got2, _ := rwtRun(t, lm, evalFeed)
				if d, _ := quant.MaxAbsError(rwtFloat32(got[out]), rwtFloat32(got2[out])); d != 0 {
					t.Errorf("reloaded model differs by %g", d)
				}
				if ortErr != nil {
					t.Logf("ONNX Runtime check skipped: %v", ortErr)
					return
				}
				ort, err := ortref.Run(path, evalFeed, 1)
				if err != nil {
					t.Fatalf("ONNX Runtime: %v", err)
				}
				a, _ := quant.Top1Agreement(rwtFloat32(got2[out]), rwtFloat32(ort[out]), 10)
				osq, _ := quant.SQNR(rwtFloat32(ort[out]), rwtFloat32(got2[out]))
				t.Logf("qinfer vs ONNX Runtime on the quantized file: top-1 agreement %.1f%%, SQNR %.1f dB", 100*a, osq)
				if a < 0.99 {
					t.Errorf("top-1 agreement with ONNX Runtime %.3f < 0.99", a)
				}
			})
		}
	}
}

// rwtAssertInt8 checks that every Conv/MatMul/Gemm runs as an integer kernel.
func rwtAssertInt8(t *testing.T, p *runtime.Plan) {
	t.Helper()
	ints := 0
	for _, n := range p.Nodes() {
		switch n.OpType {
		case "Conv", "MatMul", "Gemm":
			t.Errorf("%s %q stayed float: %s", n.OpType, n.Name, n.Note)
		}
		if n.Kind == runtime.KindInt8 {
			ints++
		}
	}
	if ints == 0 {
		t.Error("no integer kernel in the plan")
	}
}

func TestQuantizeStaticNames(t *testing.T) {
	m := rwtCNN()
	qm, rep, err := quant.Quantize(m, quant.DefaultConfig(quant.Static), rwtSamples(m, 4, 4, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every activation DequantizeLinear writes the float twin's name (or
	// <input>_dequantized for the graph input).
	float := map[string]bool{"x": true}
	for _, n := range m.Graph.Nodes {
		for _, o := range n.Outputs {
			float[o] = true
		}
	}
	dqs := 0
	for _, n := range qm.Graph.Nodes {
		if n.OpType != "DequantizeLinear" {
			continue
		}
		if _, isW := qm.Graph.Initializers[n.Inputs[0]]; isW {
			continue
		}
		dqs++
		o := n.Outputs[0]
		if !float[o] && !float[strings.TrimSuffix(o, "_dequantized")] {
			t.Errorf("DequantizeLinear writes %q, which the float model does not have", o)
		}
	}
	if dqs != rep.Activations || dqs == 0 {
		t.Errorf("%d activation DQs, report says %d", dqs, rep.Activations)
	}
	if qm.Graph.Outputs[0].Name != m.Graph.Outputs[0].Name {
		t.Errorf("output renamed")
	}
}

func TestQuantizeExclusions(t *testing.T) {
	m := rwtCNN()
	var conv, gemm string
	for _, n := range m.Graph.Nodes {
		if n.OpType == "Conv" && conv == "" {
			conv = n.Name
		}
		if n.OpType == "Gemm" {
			gemm = n.Name
		}
	}
	cfg := quant.DefaultConfig(quant.WeightOnly)
	cfg.Exclude = []string{conv}
	cfg.OpTypes = []string{"Conv"}
	qm, rep, err := quant.Quantize(m, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{conv: quant.ReasonUserExcluded, gemm: quant.ReasonOpNotSelected}
	for name, reason := range want {
		found := false
		for _, e := range rep.Excluded {
			if e.Node == name {
				found = true
				if e.Reason != reason {
					t.Errorf("%s excluded for %q, want %q", name, e.Reason, reason)
				}
			}
		}
		if !found {
			t.Errorf("%s not in exclusions: %v", name, rep.Excluded)
		}
	}
	if len(rep.Layers) != 2 {
		t.Errorf("%d layers quantized, want the 2 other Convs:\n%v", len(rep.Layers), rep)
	}
	for _, n := range qm.Graph.Nodes {
		if n.Name == conv {
			if _, ok := qm.Graph.Initializers[n.Inputs[1]]; !ok {
				t.Errorf("excluded Conv lost its float weight")
			}
		}
	}

	// A MatMul by a runtime tensor, and a GRU, stay float with reasons.
	b := rwtNew(5)
	h := b.node("MatMul", []string{"x", "x"})
	gru := &ir.Node{Name: "gru", OpType: "GRU", Inputs: []string{"x", b.rand("W", 0.1, 1, 6, 4), b.rand("R", 0.1, 1, 6, 2)},
		Outputs: []string{"gru_y"}, Attrs: []*ir.Attr{iattr("hidden_size", 2)}}
	b.g.Nodes = append(b.g.Nodes, gru)
	m2 := b.model("x", []int64{-1, 4}, h, "gru_y")
	m2.Graph.Inputs[0].Type = ir.TensorType(tensor.Float32, 4, 4)
	for _, meth := range []quant.Method{quant.WeightOnly, quant.Dynamic} {
		_, rep, err := quant.Quantize(m2, quant.DefaultConfig(meth), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, e := range rep.Excluded {
			got[e.OpType] = e.Reason
		}
		if got["MatMul"] != quant.ReasonWeightNotConst || got["GRU"] != quant.ReasonRecurrent {
			t.Errorf("%v: exclusions %v", meth, rep.Excluded)
		}
		if !strings.Contains(rep.String(), "recurrent") {
			t.Errorf("report does not mention the GRU:\n%v", rep)
		}
	}
}

func TestQuantizeBadInput(t *testing.T) {
	m := rwtMLP()
	static := quant.DefaultConfig(quant.Static)
	quantized, _, err := quant.Quantize(m, quant.DefaultConfig(quant.WeightOnly), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := func(f func(map[string]*tensor.Tensor)) quant.Samples {
		s := rwtSamples(m, 2, 2, 1)
		f(s.Feeds[1])
		return s
	}
	ov, _ := quant.ParseOverrides([]byte(`{"tensors": {"nope": {"min": -1, "max": 1}}}`))
	ovNode, _ := quant.ParseOverrides([]byte(`{"nodes": {"nope": {"exclude": true}}}`))
	cases := []struct {
		name string
		m    *ir.Model
		cfg  func() quant.Config
		data quant.Samples
		want error
	}{
		{"already quantized", quantized, func() quant.Config { return quant.DefaultConfig(quant.Dynamic) }, nil, quant.ErrAlreadyQuantized},
		{"static without data", m, func() quant.Config { return static }, nil, quant.ErrCalibrationData},
		{"empty data", m, func() quant.Config { return static }, &quant.SliceSamples{}, quant.ErrCalibrationData},
		{"wrong shape", m, func() quant.Config { return static }, bad(func(f map[string]*tensor.Tensor) { f["x"] = rwtInput(1, 2, 63) }), quant.ErrCalibrationData},
		{"wrong rank", m, func() quant.Config { return static }, bad(func(f map[string]*tensor.Tensor) { f["x"] = rwtInput(1, 128) }), quant.ErrCalibrationData},
		{"wrong dtype", m, func() quant.Config { return static }, bad(func(f map[string]*tensor.Tensor) { f["x"] = tensor.Zeros(tensor.Float64, 2, 64) }), quant.ErrCalibrationData},
		{"unknown input", m, func() quant.Config { return static }, bad(func(f map[string]*tensor.Tensor) { f["y"] = rwtInput(1, 2, 64) }), quant.ErrCalibrationData},
		{"missing input", m, func() quant.Config { return static }, bad(func(f map[string]*tensor.Tensor) { delete(f, "x") }), quant.ErrCalibrationData},
		{"override unknown tensor", m, func() quant.Config { c := static; c.Overrides = ov; return c }, rwtSamples(m, 1, 1, 1), quant.ErrOverrides},
		{"override unknown node", m, func() quant.Config { c := static; c.Overrides = ovNode; return c }, rwtSamples(m, 1, 1, 1), quant.ErrOverrides},
		{"exclude unknown node", m, func() quant.Config { c := static; c.Exclude = []string{"nope"}; return c }, rwtSamples(m, 1, 1, 1), quant.ErrConfig},
		{"bits 5", m, func() quant.Config { c := quant.DefaultConfig(quant.WeightOnly); c.WeightBits = 5; return c }, nil, quant.ErrConfig},
		{"block 24", m, func() quant.Config {
			c := quant.DefaultConfig(quant.WeightOnly)
			c.WeightBits = 4
			c.BlockSize = 24
			return c
		}, nil, quant.ErrConfig},
		{"block 512", m, func() quant.Config {
			c := quant.DefaultConfig(quant.WeightOnly)
			c.WeightBits = 4
			c.BlockSize = 512
			return c
		}, nil, quant.ErrConfig},
		{"static 4-bit", m, func() quant.Config { c := static; c.WeightBits = 4; return c }, rwtSamples(m, 1, 1, 1), quant.ErrConfig},
		{"no method", m, func() quant.Config { return quant.Config{} }, nil, quant.ErrConfig},
		{"int16 activations", m, func() quant.Config { c := static; c.ActivationType = tensor.Int16; return c }, rwtSamples(m, 1, 1, 1), quant.ErrConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := quant.Quantize(c.m, c.cfg(), c.data, nil)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			t.Logf("%v", err)
		})
	}
}

func TestQuantizeOverrides(t *testing.T) {
	m := rwtMLP()
	// Fix the range of the first hidden activation and exclude the Gemm.
	var relu, gemm string
	for _, n := range m.Graph.Nodes {
		switch n.OpType {
		case "Relu":
			relu = n.Outputs[0]
		case "Gemm":
			gemm = n.Name
		}
	}
	ov, err := quant.ParseOverrides(fmt.Appendf(nil, `{"tensors": {%q: {"scale": 0.05, "zero_point": 0}}, "nodes": {%q: {"exclude": true}}}`, relu, gemm))
	if err != nil {
		t.Fatal(err)
	}
	cfg := quant.DefaultConfig(quant.Static)
	cfg.Overrides = ov
	qm, rep, err := quant.Quantize(m, cfg, rwtSamples(m, 4, 4, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := qm.Graph.Initializers[relu+"_scale"]
	if s == nil || s.Float32s()[0] != 0.05 {
		t.Errorf("override scale not applied: %v", s)
	}
	found := false
	for _, e := range rep.Excluded {
		found = found || e.Node == gemm && e.Reason == quant.ReasonUserExcluded
	}
	if !found {
		t.Errorf("Gemm not excluded: %v", rep.Excluded)
	}
}

func TestQuantizeStaticProgress(t *testing.T) {
	m := rwtMLP()
	cfg := quant.DefaultConfig(quant.Static)
	cfg.Samples = 5
	var calls []int
	_, rep, err := quant.Quantize(m, cfg, rwtSamples(m, 9, 2, 1), func(done, total int) {
		if total != 5 {
			t.Errorf("total %d", total)
		}
		calls = append(calls, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 5 || calls[4] != 5 || rep.Samples != 5 {
		t.Errorf("progress %v, samples %d", calls, rep.Samples)
	}
}

// rwtEndless yields n random samples generated on the fly.
type rwtEndless struct {
	n, i  int
	shape []int
}

func (e *rwtEndless) Next() (map[string]*tensor.Tensor, error) {
	if e.i >= e.n {
		return nil, errEOF
	}
	e.i++
	return map[string]*tensor.Tensor{"x": rwtInput(uint64(e.i), e.shape...)}, nil
}

func TestCalibrationMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 1100 calibration samples")
	}
	m := rwtCNN()
	var names []string
	for _, n := range m.Graph.Nodes {
		names = append(names, n.Outputs[0])
	}
	heap := func(samples int) uint64 {
		res, err := quant.Calibrate(m, names, &rwtEndless{n: samples, shape: []int{4, 1, 16, 16}}, 0,
			func(string) quant.Observer { return quant.NewEntropy() }, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ms runtimeMemStats
		readMem(&ms)
		if res.Samples != samples {
			t.Fatalf("saw %d samples", res.Samples)
		}
		keep(res)
		return ms.HeapInuse
	}
	small := heap(100)
	big := heap(1000)
	t.Logf("HeapInuse after calibration: 100 samples %d KiB, 1000 samples %d KiB", small>>10, big>>10)
	if big > small+small/2+1<<20 {
		t.Errorf("heap grew from %d to %d bytes with 10x the samples", small, big)
	}
}

func TestQuantizeOpsetRaise(t *testing.T) {
	// An opset-11 MLP: raised to 13 for per-channel weights; with int4 QDQ
	// raised to 21.
	m := rwtMLP()
	m.Opsets[""] = 11
	qm, rep, err := quant.Quantize(m, quant.DefaultConfig(quant.WeightOnly), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if qm.Opset("") != 13 || m.Opset("") != 11 {
		t.Errorf("opset %d (input now %d)", qm.Opset(""), m.Opset(""))
	}
	t.Log(strings.TrimSpace(rep.String()))
	// Softmax over axis 0 of a 2-D tensor changed meaning at 13: no
	// raise, per-tensor weights.
	b := rwtNew(3)
	h := b.node("MatMul", []string{"x", b.rand("w", 0.3, 8, 8)})
	h = b.node("Softmax", []string{h}, iattr("axis", 0))
	m2 := b.model("x", []int64{-1, 8}, h)
	m2.Opsets[""] = 11
	qm2, rep2, err := quant.Quantize(m2, quant.DefaultConfig(quant.WeightOnly), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if qm2.Opset("") != 11 || !strings.Contains(rep2.String(), "per tensor") {
		t.Errorf("opset %d, report:\n%v", qm2.Opset(""), rep2)
	}
	feed := rwtSamples(m2, 1, 4, 1).Feeds[0]
	ref, _ := rwtRun(t, m2, feed)
	got, _ := rwtRun(t, qm2, feed)
	if sq, _ := quant.SQNR(rwtFloat32(ref[h]), rwtFloat32(got[h])); sq < 25 {
		t.Errorf("SQNR %.1f", sq)
	}
	_ = math.Pi

	// Opset 9 with attribute-style Clip and Slice and a last-axis Softmax:
	// upgraded to 13 (attributes become inputs), same outputs.
	b = rwtNew(4)
	h = b.node("MatMul", []string{"x", b.rand("w", 0.3, 8, 8)})
	h = b.node("Clip", []string{h}, &ir.Attr{Name: "min", Type: ir.AttrFloat, F: -0.5}, &ir.Attr{Name: "max", Type: ir.AttrFloat, F: 0.7})
	h = b.node("Slice", []string{h}, ints("starts", 1), ints("ends", 7), ints("axes", 1))
	h = b.node("Softmax", []string{h})
	m3 := b.model("x", []int64{-1, 8}, h)
	m3.Opsets[""] = 9
	qm3, rep3, err := quant.Quantize(m3, quant.DefaultConfig(quant.WeightOnly), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if qm3.Opset("") != 13 {
		t.Fatalf("opset %d:\n%v", qm3.Opset(""), rep3)
	}
	ref, _ = rwtRun(t, m3, feed)
	got, _ = rwtRun(t, qm3, feed)
	if sq, _ := quant.SQNR(rwtFloat32(ref[h]), rwtFloat32(got[h])); sq < 25 {
		t.Errorf("opset 9 → 13: SQNR %.1f", sq)
	}
}
