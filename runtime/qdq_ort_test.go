package runtime_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// qb builds QDQ test models: every helper adds initializers and nodes to the
// graph and returns the name of the value it produced.
type qb struct {
	g   *ir.Graph
	rng *rand.Rand
	n   int
}

func newQB(seed uint64) *qb {
	return &qb{g: &ir.Graph{Name: "qdq"}, rng: rand.New(rand.NewPCG(seed, 7))}
}

func (b *qb) name(p string) string {
	b.n++
	return p + "_" + strings.Repeat("", 0) + itoa(b.n)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var s []byte
	for ; i > 0; i /= 10 {
		s = append([]byte{byte('0' + i%10)}, s...)
	}
	return string(s)
}

func (b *qb) init(p string, t *tensor.Tensor) string {
	n := b.name(p)
	b.g.AddInitializer(n, t)
	return n
}

func (b *qb) node(op string, in []string, attrs ...*ir.Attr) string {
	out := b.name(strings.ToLower(op))
	b.g.Nodes = append(b.g.Nodes, &ir.Node{Name: op + "_" + out, OpType: op, Inputs: in, Outputs: []string{out}, Attrs: attrs})
	return out
}

// q quantizes x per tensor to uint8 (or int8 when signed).
func (b *qb) q(x string, scale float32, zp int, signed bool) string {
	s := b.init("s", tensor.Scalar(scale))
	var z string
	if signed {
		z = b.init("z", tensor.Scalar(int8(zp)))
	} else {
		z = b.init("z", tensor.Scalar(uint8(zp)))
	}
	return b.node("QuantizeLinear", []string{x, s, z})
}

// dq dequantizes x with the parameters of the Q that produced it.
func (b *qb) dq(x string) string {
	for _, n := range b.g.Nodes {
		if n.Outputs[0] == x && n.OpType == "QuantizeLinear" {
			return b.node("DequantizeLinear", []string{x, n.Inputs[1], n.Inputs[2]})
		}
	}
	panic("dq: no Q for " + x)
}

// weight adds an int8 weight with per-channel (axis) or per-tensor scales
// and returns DQ(weight) plus the scales.
func (b *qb) weight(shape []int, axis int, perChannel bool) (string, []float32) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	w := make([]int8, n)
	for i := range w {
		w[i] = int8(b.rng.IntN(255) - 127)
	}
	wt, _ := tensor.FromData(tensor.Int8, shape, w)
	wn := b.init("w", wt)
	var sc []float32
	var st, zt *tensor.Tensor
	if perChannel {
		sc = make([]float32, shape[axis])
		for i := range sc {
			sc[i] = 0.002 + 0.004*b.rng.Float32()
		}
		st, _ = tensor.FromData(tensor.Float32, []int{len(sc)}, sc)
		zt = tensor.Zeros(tensor.Int8, len(sc))
	} else {
		sc = []float32{0.002 + 0.004*b.rng.Float32()}
		st = tensor.Scalar(sc[0])
		zt = tensor.Scalar(int8(0))
	}
	s, z := b.init("ws", st), b.init("wz", zt)
	return b.node("DequantizeLinear", []string{wn, s, z}, &ir.Attr{Name: "axis", Type: ir.AttrInt, I: int64(axis)}), sc
}

// bias adds DQ(int32 bias) with scale xs*ws[c], zero point 0.
func (b *qb) bias(xs float32, ws []float32, n int) string {
	v := make([]int32, n)
	sc := make([]float32, n)
	for i := range v {
		v[i] = int32(b.rng.IntN(1001) - 500)
		sc[i] = xs * ws[min(i, len(ws)-1)]
	}
	vt, _ := tensor.FromData(tensor.Int32, []int{n}, v)
	st, _ := tensor.FromData(tensor.Float32, []int{n}, sc)
	if len(ws) == 1 {
		st = tensor.Scalar(sc[0])
	}
	zt := tensor.Zeros(tensor.Int32, n)
	if len(ws) == 1 {
		zt = tensor.Scalar(int32(0))
	}
	return b.node("DequantizeLinear", []string{b.init("b", vt), b.init("bs", st), b.init("bz", zt)},
		&ir.Attr{Name: "axis", Type: ir.AttrInt, I: 0})
}

func (b *qb) model() *ir.Model {
	return &ir.Model{IRVersion: 8, ProducerName: "qinfer-test", Opsets: map[string]int64{"": 13}, Graph: b.g}
}

func (b *qb) input(name string, dims ...int64) {
	b.g.Inputs = append(b.g.Inputs, &ir.ValueInfo{Name: name, Type: ir.TensorType(tensor.Float32, dims...)})
}

func (b *qb) output(names ...string) {
	for _, n := range names {
		b.g.Outputs = append(b.g.Outputs, &ir.ValueInfo{Name: n})
	}
}

func qdqRandInput(seed uint64, lo, hi float32, shape ...int) *tensor.Tensor {
	r := rand.New(rand.NewPCG(seed, 1))
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = lo + (hi-lo)*r.Float32()
	}
	t, _ := tensor.FromData(tensor.Float32, shape, v)
	return t
}

// qdqResNet builds x → Q → [Conv+Relu → Q, Conv → Q, residual Add+Relu → Q,
// GlobalAveragePool → Q, Flatten → Q, Gemm → Q] → DQ with per-channel int8
// weights and asymmetric uint8 activations. Outputs: the final uint8 tensor
// "yq", its dequantized value "y", and the second conv's uint8 output "c2q".
func qdqResNet() *ir.Model {
	b := newQB(1)
	b.input("x", 1, 8, 8, 8)
	const xs = float32(6.0 / 255)
	xq := b.q("x", xs, 128, false)
	w1, w1s := b.weight([]int{8, 8, 3, 3}, 0, true)
	pads := &ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}
	c1 := b.node("Conv", []string{b.dq(xq), w1, b.bias(xs, w1s, 8)}, pads)
	r1 := b.node("Relu", []string{c1})
	const s1 = float32(0.05)
	a1 := b.q(r1, s1, 0, false)
	w2, w2s := b.weight([]int{8, 8, 3, 3}, 0, true)
	c2 := b.node("Conv", []string{b.dq(a1), w2, b.bias(s1, w2s, 8)}, pads)
	c2q := b.q(c2, 0.14, 120, false)
	add := b.node("Add", []string{b.dq(c2q), b.dq(xq)})
	r2 := b.node("Relu", []string{add})
	a3 := b.q(r2, 0.08, 0, false)
	gap := b.node("GlobalAveragePool", []string{b.dq(a3)})
	gq := b.q(gap, 0.03, 0, false)
	fl := b.node("Flatten", []string{b.dq(gq)})
	fq := b.q(fl, 0.03, 0, false)
	wg, wgs := b.weight([]int{10, 8}, 0, true)
	gemm := b.node("Gemm", []string{b.dq(fq), wg, b.bias(0.03, wgs, 10)}, &ir.Attr{Name: "transB", Type: ir.AttrInt, I: 1})
	yq := b.q(gemm, 0.05, 128, false)
	y := b.dq(yq)
	b.rename(yq, "yq")
	b.rename(y, "y")
	b.rename(c2q, "c2q")
	b.output("yq", "y", "c2q")
	return b.model()
}

// rename gives value old the name new everywhere.
func (b *qb) rename(old, new string) {
	for _, n := range b.g.Nodes {
		for i, v := range n.Inputs {
			if v == old {
				n.Inputs[i] = new
			}
		}
		for i, v := range n.Outputs {
			if v == old {
				n.Outputs[i] = new
			}
		}
	}
}

// qdqMatMulStack builds three quantized MatMuls with int8 weights.
func qdqMatMulStack() *ir.Model {
	b := newQB(2)
	b.input("x", 4, 16)
	xq := b.q("x", 4.0/255, 120, false)
	w1, _ := b.weight([]int{16, 32}, 1, false)
	m1 := b.q(b.node("MatMul", []string{b.dq(xq), w1}), 0.04, 130, false)
	w2, _ := b.weight([]int{32, 24}, 1, false)
	m2 := b.q(b.node("MatMul", []string{b.dq(m1), w2}), 0.05, 100, false)
	w3, _ := b.weight([]int{24, 8}, 1, false)
	m3 := b.q(b.node("MatMul", []string{b.dq(m2), w3}), 0.05, 128, false)
	y := b.dq(m3)
	b.rename(m3, "yq")
	b.rename(y, "y")
	b.rename(m1, "m1q")
	b.output("yq", "y", "m1q")
	return b.model()
}

// qdqQOperator builds a model written with QLinearConv and QLinearMatMul
// directly (the "QOperator" form).
func qdqQOperator() *ir.Model {
	b := newQB(3)
	b.g.Inputs = append(b.g.Inputs, &ir.ValueInfo{Name: "xq", Type: ir.TensorType(tensor.Uint8, 1, 4, 6, 6)})
	w := make([]int8, 6*4*3*3)
	for i := range w {
		w[i] = int8(b.rng.IntN(255) - 127)
	}
	wt, _ := tensor.FromData(tensor.Int8, []int{6, 4, 3, 3}, w)
	ws, _ := tensor.FromData(tensor.Float32, []int{6}, []float32{0.003, 0.004, 0.005, 0.0035, 0.0045, 0.002})
	bias := make([]int32, 6)
	for i := range bias {
		bias[i] = int32(b.rng.IntN(2001) - 1000)
	}
	bt, _ := tensor.FromData(tensor.Int32, []int{6}, bias)
	c := b.node("QLinearConv", []string{"xq", b.init("xs", tensor.Scalar(float32(0.02))), b.init("xz", tensor.Scalar(uint8(100))),
		b.init("w", wt), b.init("ws", ws), b.init("wz", tensor.Zeros(tensor.Int8, 6)),
		b.init("ys", tensor.Scalar(float32(0.06))), b.init("yz", tensor.Scalar(uint8(110))), b.init("b", bt)},
		&ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}})
	fl := b.node("Reshape", []string{c, b.init("shape", tensor.From([]int{2}, []int64{6, 36}))})
	m := make([]uint8, 36*5)
	for i := range m {
		m[i] = uint8(b.rng.IntN(256))
	}
	mt, _ := tensor.FromData(tensor.Uint8, []int{36, 5}, m)
	y := b.node("QLinearMatMul", []string{fl, b.init("as", tensor.Scalar(float32(0.06))), b.init("az", tensor.Scalar(uint8(110))),
		b.init("m", mt), b.init("ms", tensor.Scalar(float32(0.01))), b.init("mz", tensor.Scalar(uint8(128))),
		b.init("ys2", tensor.Scalar(float32(0.2))), b.init("yz2", tensor.Scalar(uint8(90)))})
	b.rename(c, "cq")
	b.rename(y, "yq")
	b.output("cq", "yq")
	return b.model()
}

func qdqRun(t *testing.T, m *ir.Model, opts runtime.Options, in map[string]*tensor.Tensor) (map[string]*tensor.Tensor, *runtime.Plan) {
	t.Helper()
	p, err := runtime.Compile(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.NewSession().Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return out, p
}

// qdqSteps returns the largest difference between two tensors of equal
// dtype and shape, in units of step (1 for integer tensors).
func qdqSteps(t *testing.T, name string, got, want *tensor.Tensor, step float64) float64 {
	t.Helper()
	if got.DType() != want.DType() || !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Fatalf("%s: got %v%v, want %v%v", name, got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	worst := 0.0
	for i := 0; i < got.Len(); i++ {
		d := math.Abs(got.Float64At(i)-want.Float64At(i)) / step
		if d > worst {
			worst = d
		}
	}
	return worst
}

// qdqAssertInt checks that every Conv/MatMul/Gemm became an integer kernel.
func qdqAssertInt(t *testing.T, p *runtime.Plan, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, n := range p.Nodes() {
		switch n.OpType {
		case "Conv", "MatMul", "Gemm", "ConvTranspose":
			t.Errorf("plan node %d %s %q stayed float (%s)", n.Index, n.Op(), n.Name, n.Note)
		}
		if n.Kind == runtime.KindInt8 {
			got[n.Op()]++
		}
	}
	for op, c := range want {
		if got[op] != c {
			t.Errorf("plan has %d int8 %s nodes, want %d (plan: %v)", got[op], op, c, p.Nodes())
		}
	}
}

func TestQDQFusionPlan(t *testing.T) {
	_, p := qdqRun(t, qdqResNet(), runtime.Options{}, map[string]*tensor.Tensor{"x": qdqRandInput(10, -3, 3, 1, 8, 8, 8)})
	qdqAssertInt(t, p, map[string]int{"QLinearConv": 2, "com.microsoft.QLinearAdd": 1,
		"com.microsoft.QLinearGlobalAveragePool": 1, "com.microsoft.QGemm": 1})
	for _, n := range p.Nodes() {
		if n.OpType == "DequantizeLinear" && n.Name != "DequantizeLinear_"+"y" {
			// Only the final DQ (producing y) may remain.
			if !strings.Contains(strings.Join([]string{n.Name}, ""), "Dequantize") {
				continue
			}
		}
	}
	_, p = qdqRun(t, qdqMatMulStack(), runtime.Options{}, map[string]*tensor.Tensor{"x": qdqRandInput(11, -2, 2, 4, 16)})
	qdqAssertInt(t, p, map[string]int{"QLinearMatMul": 3})
	dq := 0
	for _, n := range p.Nodes() {
		if n.OpType == "DequantizeLinear" {
			dq++
		}
	}
	if dq != 1 {
		t.Errorf("MatMul stack keeps %d DequantizeLinear nodes, want 1 (the output): %v", dq, p.Nodes())
	}
}

// qdqCompare runs a model with qinfer fused, unfused and ONNX Runtime.
func qdqCompare(t *testing.T, m *ir.Model, in map[string]*tensor.Tensor, steps map[string]float64) {
	fused, _ := qdqRun(t, m, runtime.Options{}, in)
	plain, _ := qdqRun(t, m, runtime.Options{NoOptimize: true}, in)
	for name, step := range steps {
		// Guard against a degenerate model whose outputs all saturate.
		distinct := map[float64]bool{}
		for i := 0; i < fused[name].Len(); i++ {
			distinct[fused[name].Float64At(i)] = true
		}
		if len(distinct) < min(8, fused[name].Len()/2) {
			t.Errorf("%s: only %d distinct values; the test model saturates", name, len(distinct))
		}
		d := qdqSteps(t, name, fused[name], plain[name], step)
		t.Logf("%s: fused vs unfused qinfer differ by at most %.3g steps", name, d)
		if d > 2 {
			t.Errorf("%s: fused vs unfused differ by %.3g quantization steps", name, d)
		}
	}
	if err := ortref.Available(); err != nil {
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := onnx.Save(m, path); err != nil {
		t.Fatal(err)
	}
	ort, err := ortref.Run(path, in, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, step := range steps {
		d := qdqSteps(t, name, fused[name], ort[name], step)
		integer := fused[name].DType() != tensor.Float32
		switch {
		case integer && d != 0:
			t.Errorf("%s: qinfer fused differs from ONNX Runtime by %v (want bit-identical)", name, d)
		case !integer && d > 1:
			t.Errorf("%s: qinfer fused differs from ONNX Runtime by %.3g quantization steps", name, d)
		}
	}
}

func TestQDQResNetORT(t *testing.T) {
	for seed := uint64(20); seed < 23; seed++ {
		qdqCompare(t, qdqResNet(), map[string]*tensor.Tensor{"x": qdqRandInput(seed, -3, 3, 1, 8, 8, 8)},
			map[string]float64{"yq": 1, "c2q": 1, "y": 0.05})
	}
}

func TestQDQMatMulORT(t *testing.T) {
	for seed := uint64(30); seed < 33; seed++ {
		qdqCompare(t, qdqMatMulStack(), map[string]*tensor.Tensor{"x": qdqRandInput(seed, -2, 2, 4, 16)},
			map[string]float64{"yq": 1, "m1q": 1, "y": 0.05})
	}
}

func TestQDQQOperatorORT(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := make([]uint8, 4*6*6)
	for i := range x {
		x[i] = uint8(r.IntN(256))
	}
	xt, _ := tensor.FromData(tensor.Uint8, []int{1, 4, 6, 6}, x)
	in := map[string]*tensor.Tensor{"xq": xt}
	m := qdqQOperator()
	got, _ := qdqRun(t, m, runtime.Options{}, in)
	if err := ortref.Available(); err != nil {
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := onnx.Save(m, path); err != nil {
		t.Fatal(err)
	}
	ort, err := ortref.Run(path, in, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cq", "yq"} {
		if d := qdqSteps(t, name, got[name], ort[name], 1); d != 0 {
			t.Errorf("%s: differs from ONNX Runtime by up to %v", name, d)
		}
	}
}

// TestQDQLookupAndMovement covers the table and integer-movement rewrites:
// results must equal the unfused DQ → op → Q chain exactly.
func TestQDQLookupAndMovement(t *testing.T) {
	b := newQB(5)
	b.input("x", 1, 4, 6, 6)
	xq := b.q("x", 0.03, 128, false)
	sig := b.q(b.node("Sigmoid", []string{b.dq(xq)}), 1.0/255, 0, false)
	hs := b.q(b.node("HardSwish", []string{b.dq(xq)}), 0.02, 10, true)
	leaky := b.q(b.node("LeakyRelu", []string{b.dq(xq)}, &ir.Attr{Name: "alpha", Type: ir.AttrFloat, F: 0.1}), 0.02, 20, false)
	mul := b.q(b.node("Mul", []string{b.dq(xq), b.init("c", tensor.Scalar(float32(0.5)))}), 0.03, 128, false)
	rsub := b.q(b.node("Sub", []string{b.init("one", tensor.Scalar(float32(1))), b.dq(xq)}), 0.03, 128, false)
	mp := b.q(b.node("MaxPool", []string{b.dq(xq)}, &ir.Attr{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{2, 2}}), 0.03, 128, false)
	mp2 := b.q(b.node("MaxPool", []string{b.dq(xq)}, &ir.Attr{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{3, 3}}), 0.05, 100, false)
	tr := b.q(b.node("Transpose", []string{b.dq(xq)}, &ir.Attr{Name: "perm", Type: ir.AttrInts, Ints: []int64{0, 2, 3, 1}}), 0.03, 128, false)
	cat := b.q(b.node("Concat", []string{b.dq(xq), b.dq(leaky)}, &ir.Attr{Name: "axis", Type: ir.AttrInt, I: 1}), 0.05, 100, false)
	cat2 := b.q(b.node("Concat", []string{b.dq(xq), b.dq(xq)}, &ir.Attr{Name: "axis", Type: ir.AttrInt, I: 2}), 0.03, 128, false)
	same := b.q(b.dq(xq), 0.03, 128, false)
	req := b.q(b.dq(xq), 0.07, 3, true)
	clip := b.q(b.node("Clip", []string{b.dq(xq), b.init("lo", tensor.Scalar(float32(-1))), b.init("hi", tensor.Scalar(float32(2)))}), 0.03, 128, false)
	// A DQ with a second, float consumer must stay for it.
	dqx := b.dq(xq)
	relu := b.q(b.node("Relu", []string{dqx}), 0.03, 128, false)
	float := b.node("Tanh", []string{dqx})
	outs := []string{sig, hs, leaky, mul, rsub, mp, mp2, tr, cat, cat2, same, req, clip, relu, float}
	b.output(outs...)
	m := b.model()
	in := map[string]*tensor.Tensor{"x": qdqRandInput(6, -4, 4, 1, 4, 6, 6)}
	fused, p := qdqRun(t, m, runtime.Options{}, in)
	plain, _ := qdqRun(t, m, runtime.Options{NoOptimize: true}, in)
	for _, o := range outs {
		step := 1.0
		if fused[o].DType() == tensor.Float32 {
			step = 1e-6
		}
		if d := qdqSteps(t, o, fused[o], plain[o], step); d != 0 {
			t.Errorf("%s: fused differs from unfused by %v", o, d)
		}
	}
	kinds := map[string]int{}
	for _, n := range p.Nodes() {
		kinds[n.Op()+"/"+n.Kind]++
	}
	// x's Q stays, plus the DQ feeding Tanh; everything else is integer.
	// The Concat with differing parameters requantizes its two inputs
	// through tables and concatenates bytes.
	want := map[string]int{"qinfer.QLookup/int8": 11, "qinfer.QMaxPool/int8": 2, "Transpose/shape": 1, "Concat/shape": 2,
		"com.microsoft.QLinearConcat/int8": 0, "QuantizeLinear/float": 1, "DequantizeLinear/float": 1, "Tanh/float": 1}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("plan has %d %s, want %d; plan %v", kinds[k], k, v, kinds)
		}
	}
}

// TestQDQBadParams: invalid quantization parameters are not fused and the
// error names the node.
func TestQDQBadParams(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scale float32
	}{{"zero", 0}, {"negative", -0.1}, {"nan", float32(math.NaN())}} {
		t.Run(tc.name, func(t *testing.T) {
			b := newQB(7)
			b.input("x", 2, 4)
			xq := b.q("x", 0.1, 128, false)
			s := b.init("bad", tensor.Scalar(tc.scale))
			dq := b.node("DequantizeLinear", []string{xq, s, b.g.Nodes[0].Inputs[2]})
			w, _ := b.weight([]int{4, 3}, 1, false)
			y := b.q(b.node("MatMul", []string{dq, w}), 0.1, 128, false)
			b.output(y)
			for _, opts := range []runtime.Options{{}, {NoOptimize: true}} {
				p, err := runtime.Compile(b.model(), opts)
				if err == nil {
					_, err = p.NewSession().Run(map[string]*tensor.Tensor{"x": qdqRandInput(1, -1, 1, 2, 4)})
				}
				if err == nil || !strings.Contains(err.Error(), dq) {
					t.Fatalf("opts %+v: error %v, want one naming %q", opts, err, dq)
				}
				if !errors.Is(err, ir.ErrInvalidModel) {
					t.Errorf("error %v does not wrap ir.ErrInvalidModel", err)
				}
			}
		})
	}
	// QOperator node with a NaN scale and one with a mistyped zero point.
	for _, tc := range []struct {
		name string
		zp   *tensor.Tensor
		ys   float32
	}{{"nan-scale", tensor.Scalar(uint8(3)), float32(math.NaN())}, {"zp-int32", tensor.Scalar(int32(300)), 0.1}} {
		t.Run(tc.name, func(t *testing.T) {
			b := newQB(8)
			b.g.Inputs = append(b.g.Inputs, &ir.ValueInfo{Name: "a", Type: ir.TensorType(tensor.Uint8, 2, 3)})
			y := b.node("QLinearMatMul", []string{"a", b.init("as", tensor.Scalar(float32(0.1))), b.init("az", tensor.Scalar(uint8(0))),
				b.init("b", tensor.Zeros(tensor.Uint8, 3, 2)), b.init("bs", tensor.Scalar(float32(0.1))), b.init("bz", tensor.Scalar(uint8(0))),
				b.init("ys", tensor.Scalar(tc.ys)), b.init("yz", tc.zp)})
			b.output(y)
			p, err := runtime.Compile(b.model(), runtime.Options{})
			if err == nil {
				_, err = p.NewSession().Run(map[string]*tensor.Tensor{"a": tensor.Zeros(tensor.Uint8, 2, 3)})
			}
			if err == nil || !strings.Contains(err.Error(), "QLinearMatMul_"+y) {
				t.Fatalf("error %v, want one naming the QLinearMatMul node", err)
			}
		})
	}
}
