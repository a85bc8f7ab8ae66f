package runtime_test

import (
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

// dqDetFloat builds a float opset-11 model shaped like PP-OCRv4 det
// (paddle2onnx export of PP-LCNetV3 + DB head): Conv → Mul/Add by scalars →
// decomposed hard swish x * Clip(x + 3, 0, 6) / 6 → Mul/Add by scalars →
// depthwise Conv → hard swish → Conv, then the head ConvTranspose → Add
// (per-channel bias) → BatchNormalization → Relu → ConvTranspose → Add
// (scalar) → Sigmoid. Outputs: the backbone feature "feat" and "prob".
func dqDetFloat() *ir.Model {
	b := newQB(41)
	b.input("x", 1, 3, 16, 16)
	f := func(shape []int, lo, hi float32, seed uint64) string {
		return b.init("c", qdqRandInput(seed, lo, hi, shape...))
	}
	sc := func(v float32) string { return b.init("k", tensor.Scalar(v)) }
	pads := &ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}
	hswish := func(x string) string {
		a := b.node("Add", []string{x, sc(3)})
		c := b.node("Clip", []string{a, sc(0), sc(6)})
		return b.node("Div", []string{b.node("Mul", []string{x, c}), sc(6)})
	}
	affine := func(x string, m, a float32) string {
		return b.node("Add", []string{b.node("Mul", []string{sc(m), x}), sc(a)})
	}
	c1 := b.node("Conv", []string{"x", f([]int{8, 3, 3, 3}, -0.5, 0.5, 1), f([]int{8}, -0.2, 0.2, 2)}, pads)
	h1 := affine(hswish(affine(c1, 0.9, 0.5)), 0.5, -0.01)
	dw := b.node("Conv", []string{h1, f([]int{8, 1, 3, 3}, -0.5, 0.5, 3), f([]int{8}, -0.2, 0.2, 4)}, pads,
		&ir.Attr{Name: "group", Type: ir.AttrInt, I: 8})
	h2 := hswish(affine(dw, 1.9, 0.8))
	feat := b.node("Conv", []string{h2, f([]int{8, 8, 1, 1}, -0.5, 0.5, 5), f([]int{8}, -0.2, 0.2, 6)})
	ct := b.node("ConvTranspose", []string{feat, f([]int{8, 4, 2, 2}, -0.5, 0.5, 7)},
		&ir.Attr{Name: "strides", Type: ir.AttrInts, Ints: []int64{2, 2}})
	ca := b.node("Add", []string{ct, f([]int{1, 4, 1, 1}, -0.2, 0.2, 8)})
	bn := b.node("BatchNormalization", []string{ca, f([]int{4}, 0.5, 1.5, 9), f([]int{4}, -0.2, 0.2, 10),
		f([]int{4}, -0.1, 0.1, 11), f([]int{4}, 0.5, 1.5, 12)})
	r := b.node("Relu", []string{bn})
	ct2 := b.node("ConvTranspose", []string{r, f([]int{4, 1, 2, 2}, -0.5, 0.5, 13)},
		&ir.Attr{Name: "strides", Type: ir.AttrInts, Ints: []int64{2, 2}})
	prob := b.node("Sigmoid", []string{b.node("Add", []string{ct2, sc(-0.1)})})
	b.rename(feat, "feat")
	b.rename(prob, "prob")
	b.output("feat", "prob")
	m := b.model()
	m.Opsets[""] = 11
	return m
}

// TestQDQDetPatternORT quantizes the det-like model statically and checks
// that the hard swish became HardSwish and one lookup per activation chain,
// that the batch norm folded away, and that qinfer's fused run matches the
// unfused one and ONNX Runtime on the same QDQ file.
func TestQDQDetPatternORT(t *testing.T) {
	fm := dqDetFloat()
	var feeds []map[string]*tensor.Tensor
	for s := uint64(0); s < 4; s++ {
		feeds = append(feeds, map[string]*tensor.Tensor{"x": qdqRandInput(100+s, -2, 2, 1, 3, 16, 16)})
	}
	qm, _, err := quant.Quantize(fm, quant.DefaultConfig(quant.Static), &quant.SliceSamples{Feeds: feeds}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, n := range qm.Graph.Nodes {
		ops[n.OpType]++
	}
	if ops["HardSwish"] != 2 || ops["Clip"] != 0 || ops["Div"] != 0 || ops["BatchNormalization"] != 0 {
		t.Errorf("quantized model ops %v: want 2 HardSwish and no Clip, Div, BatchNormalization", ops)
	}
	in := map[string]*tensor.Tensor{"x": qdqRandInput(7, -2, 2, 1, 3, 16, 16)}
	_, p := qdqRun(t, qm, runtime.Options{}, in)
	kinds := map[string]int{}
	for _, n := range p.Nodes() {
		kinds[n.Op()]++
	}
	// One table per activation chain (Mul·Add·HardSwish·Mul·Add and
	// Mul·Add·HardSwish); nothing of the chains left in float.
	if kinds["qinfer.QLookup"] != 2 || kinds["QLinearConv"] != 3 || kinds["HardSwish"] != 0 || kinds["Mul"] != 0 {
		t.Errorf("plan ops %v: want 3 QLinearConv, 2 QLookup, no float HardSwish/Mul", kinds)
	}
	// feat is float (a DQ of the last Conv); one step of its scale.
	step := 1.0
	for _, n := range qm.Graph.Nodes {
		if n.OpType == "DequantizeLinear" && n.Outputs[0] == "feat" {
			step = float64(qm.Graph.Initializers[n.Inputs[1]].Float32s()[0])
		}
	}
	qdqCompare(t, qm, in, map[string]float64{"feat": step})
	if err := ortref.Available(); err != nil {
		t.Skip(err)
	}
	// prob runs in float after the last DQ: ORT agrees within float noise.
	path := filepath.Join(t.TempDir(), "q.onnx")
	if err := onnx.Save(qm, path); err != nil {
		t.Fatal(err)
	}
	ort, err := ortref.Run(path, in, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := qdqRun(t, qm, runtime.Options{}, in)
	// feat is DQ of an integer tensor: equal floats mean equal integers.
	if d := qdqSteps(t, "feat", got["feat"], ort["feat"], step); d != 0 {
		t.Errorf("feat differs from ONNX Runtime by %v steps (want bit-identical integers)", d)
	}
	if d := qdqSteps(t, "prob", got["prob"], ort["prob"], 1e-5); d > 1 {
		t.Errorf("prob differs from ONNX Runtime by %.3g e-5", d)
	}
}

// TestQDQLookupMerge: QLookup → QLookup (each op quantized on its own, as
// older quantizers write activation chains) becomes one table with the
// same bytes as the unfused chain.
func TestQDQLookupMerge(t *testing.T) {
	b := newQB(9)
	b.input("x", 1, 4, 5, 5)
	xq := b.q("x", 0.03, 128, false)
	s := b.q(b.node("Sigmoid", []string{b.dq(xq)}), 1.0/255, 0, false)
	m := b.q(b.node("Mul", []string{b.init("c", tensor.Scalar(float32(3))), b.dq(s)}), 0.02, 5, false)
	a := b.q(b.node("Add", []string{b.dq(m), b.init("c", tensor.Scalar(float32(-0.5)))}), 0.01, 60, true)
	b.rename(a, "yq")
	b.output("yq")
	model := b.model()
	in := map[string]*tensor.Tensor{"x": qdqRandInput(3, -4, 4, 1, 4, 5, 5)}
	fused, p := qdqRun(t, model, runtime.Options{}, in)
	plain, _ := qdqRun(t, model, runtime.Options{NoOptimize: true}, in)
	if d := qdqSteps(t, "yq", fused["yq"], plain["yq"], 1); d != 0 {
		t.Errorf("merged lookups differ from the unfused chain by %v", d)
	}
	n := 0
	for _, nd := range p.Nodes() {
		if nd.Op() == "qinfer.QLookup" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("plan has %d QLookup nodes, want 1: %v", n, p.Nodes())
	}
}

// TestQDQConcatUpsampleORT is the DB neck: inputs upsampled by nearest
// Resize (each keeping its parameters) concatenated under other
// parameters. The requantizing tables run before the Resizes and the
// Concat copies bytes; the result equals the unfused graph and ONNX
// Runtime bit for bit.
func TestQDQConcatUpsampleORT(t *testing.T) {
	b := newQB(12)
	b.input("a", 1, 3, 4, 4)
	b.input("c", 1, 3, 8, 8)
	aq := b.q("a", 0.02, 100, false)
	cq := b.q("c", 0.05, 130, false)
	scales := b.init("sc", tensor.Must(tensor.FromData(tensor.Float32, []int{4}, []float32{1, 1, 2, 2})))
	roi := b.init("roi", tensor.Must(tensor.FromData(tensor.Float32, []int{0}, []float32{})))
	up := b.node("Resize", []string{b.dq(aq), roi, scales},
		&ir.Attr{Name: "mode", Type: ir.AttrString, S: "nearest"},
		&ir.Attr{Name: "coordinate_transformation_mode", Type: ir.AttrString, S: "asymmetric"},
		&ir.Attr{Name: "nearest_mode", Type: ir.AttrString, S: "floor"})
	upq := b.q(up, 0.02, 100, false)
	cat := b.q(b.node("Concat", []string{b.dq(upq), b.dq(cq)}, &ir.Attr{Name: "axis", Type: ir.AttrInt, I: 1}), 0.04, 120, false)
	b.rename(cat, "yq")
	b.output("yq")
	m := b.model()
	in := map[string]*tensor.Tensor{"a": qdqRandInput(1, -2, 2, 1, 3, 4, 4), "c": qdqRandInput(2, -6, 6, 1, 3, 8, 8)}
	_, p := qdqRun(t, m, runtime.Options{}, in)
	var order []string
	for _, n := range p.Nodes() {
		order = append(order, n.Op())
	}
	want := "QuantizeLinear QuantizeLinear qinfer.QLookup Resize qinfer.QLookup Concat"
	if got := strings.Join(order, " "); got != want && got != "QuantizeLinear QuantizeLinear qinfer.QLookup qinfer.QLookup Resize Concat" {
		t.Errorf("plan %q, want %q (tables before the Resize, a byte Concat)", got, want)
	}
	qdqCompare(t, m, in, map[string]float64{"yq": 1})
}

// TestQDQFloatChainORT: DQ → Mul → Add → HardSwish → Q with the
// intermediate values left float (as other quantizers may write a chain)
// becomes one lookup table, equal to the unfused graph and ONNX Runtime.
func TestQDQFloatChainORT(t *testing.T) {
	b := newQB(13)
	b.input("x", 1, 4, 6, 6)
	xq := b.q("x", 0.03, 128, false)
	m := b.node("Mul", []string{b.init("k", tensor.Scalar(float32(1.7))), b.dq(xq)})
	a := b.node("Add", []string{m, b.init("k", tensor.Scalar(float32(0.4)))})
	h := b.node("HardSwish", []string{a})
	yq := b.q(h, 0.025, 20, false)
	b.rename(yq, "yq")
	b.output("yq")
	model := b.model()
	model.Opsets[""] = 14
	in := map[string]*tensor.Tensor{"x": qdqRandInput(4, -4, 4, 1, 4, 6, 6)}
	_, p := qdqRun(t, model, runtime.Options{}, in)
	var ops []string
	for _, n := range p.Nodes() {
		ops = append(ops, n.Op())
	}
	if got := strings.Join(ops, " "); got != "QuantizeLinear qinfer.QLookup" {
		t.Errorf("plan %q, want one table after the input Q", got)
	}
	qdqCompare(t, model, in, map[string]float64{"yq": 1})
}
