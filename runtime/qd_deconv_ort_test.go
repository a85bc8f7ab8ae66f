package runtime_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// qdDeconvCase describes a DQ → ConvTranspose chain model.
type qdDeconvCase struct {
	name         string
	c, h, w      int
	m1, kh1, kw1 int
	act1         string // "" none
	m2, kh2, kw2 int    // m2 == 0: one stage
	act2         string
	signed, bias bool
	exposeMid    bool // stage 1's output is also a graph output (no chaining)
}

func qdDeconvModel(tc qdDeconvCase) *ir.Model {
	b := newQB(uint64(tc.c*131 + tc.h*7 + tc.w))
	b.input("x", 1, int64(tc.c), int64(tc.h), int64(tc.w))
	zp := 117
	if tc.signed {
		zp = -9
	}
	xq := b.q("x", 0.021, zp, tc.signed)
	ct := func(x string, cin, m, kh, kw int, seed uint64) string {
		in := []string{x, b.init("w", qdqRandInput(seed, -0.5, 0.5, cin, m, kh, kw))}
		if tc.bias {
			in = append(in, b.init("b", qdqRandInput(seed+1, -0.3, 0.3, m)))
		}
		return b.node("ConvTranspose", in,
			&ir.Attr{Name: "strides", Type: ir.AttrInts, Ints: []int64{int64(kh), int64(kw)}},
			&ir.Attr{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{int64(kh), int64(kw)}})
	}
	act := func(x, op string) string {
		if op == "" {
			return x
		}
		return b.node(op, []string{x})
	}
	y := act(ct(b.dq(xq), tc.c, tc.m1, tc.kh1, tc.kw1, 11), tc.act1)
	outs := []string{}
	if tc.exposeMid {
		b.rename(y, "mid")
		y = "mid"
		outs = append(outs, "mid")
	}
	if tc.m2 > 0 {
		y = act(ct(y, tc.m1, tc.m2, tc.kh2, tc.kw2, 21), tc.act2)
	}
	b.rename(y, "y")
	outs = append(outs, "y")
	b.output(outs...)
	return b.model()
}

// TestQDDeconvChainORT: DQ → ConvTranspose (stride == kernel) chains run as
// one qinfer.QDeconvChain and agree with the unfused float kernels and with
// ONNX Runtime within float32 rounding (the weights are float: no
// quantization step is involved after the DQ). Tolerance: 2e-6 ·
// max(1, max|ref|), a few ulp of the sums of <= 24 products.
func TestQDDeconvChainORT(t *testing.T) {
	cases := []qdDeconvCase{
		{name: "det-head", c: 24, h: 9, w: 13, m1: 24, kh1: 2, kw1: 2, act1: "Relu", m2: 1, kh2: 2, kw2: 2, act2: "Sigmoid", bias: true},
		{name: "one-stage", c: 5, h: 7, w: 3, m1: 3, kh1: 2, kw1: 2, bias: true},
		{name: "signed-3x1", c: 3, h: 17, w: 1, m1: 7, kh1: 3, kw1: 1, act1: "LeakyRelu", m2: 2, kh2: 1, kw2: 3, signed: true},
		{name: "no-bias-odd", c: 17, h: 3, w: 65, m1: 4, kh1: 1, kw1: 2, act1: "HardSigmoid", m2: 3, kh2: 2, kw2: 1, act2: "Relu"},
		{name: "exposed-mid", c: 6, h: 5, w: 5, m1: 4, kh1: 2, kw1: 2, act1: "Relu", m2: 1, kh2: 2, kw2: 2, act2: "Sigmoid", bias: true, exposeMid: true},
		{name: "big-band", c: 8, h: 63, w: 257, m1: 2, kh1: 2, kw1: 2, act1: "Relu", m2: 1, kh2: 2, kw2: 2, act2: "Sigmoid", bias: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := qdDeconvModel(tc)
			in := map[string]*tensor.Tensor{"x": qdqRandInput(uint64(tc.h), -2.5, 2.5, 1, tc.c, tc.h, tc.w)}
			fused, p := qdqRun(t, m, runtime.Options{Threads: 2}, in)
			chains, cts := 0, 0
			for _, n := range p.Nodes() {
				switch n.Op() {
				case "qinfer.QDeconvChain":
					chains++
				case "ConvTranspose", "qinfer.FusedConvTranspose":
					cts++
				}
			}
			wantCT := 0
			if tc.exposeMid {
				wantCT = 1 // the second stage reads a graph output: not chained
			}
			if chains != 1 || cts != wantCT {
				t.Errorf("plan has %d QDeconvChain and %d ConvTranspose, want 1 and %d", chains, cts, wantCT)
			}
			plain, _ := qdqRun(t, m, runtime.Options{NoOptimize: true}, in)
			for name := range plain {
				if d := qdRelDiff(t, name, fused[name], plain[name]); d > 2e-6 {
					t.Errorf("%s: fused vs unfused differ by %.3g (relative to max(1, max|ref|))", name, d)
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
			for name, r := range ort {
				d := qdRelDiff(t, name, fused[name], r)
				t.Logf("%s: qinfer vs ONNX Runtime max diff %.3g", name, d)
				// ORT's MLAS logistic is an approximation with ~1e-6
				// absolute error, hence the looser bound after Sigmoid.
				if d > 5e-6 {
					t.Errorf("%s: qinfer differs from ONNX Runtime by %.3g", name, d)
				}
			}
		})
	}
}

// qdRelDiff is max |got-want| / max(1, max|want|).
func qdRelDiff(t *testing.T, name string, got, want *tensor.Tensor) float64 {
	t.Helper()
	if got == nil || want == nil || !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Fatalf("%s: got %v, want %v", name, got, want)
	}
	worst, scale := 0.0, 1.0
	for i := 0; i < want.Len(); i++ {
		scale = math.Max(scale, math.Abs(want.Float64At(i)))
	}
	for i := 0; i < got.Len(); i++ {
		d := math.Abs(got.Float64At(i) - want.Float64At(i))
		if !(d <= worst) {
			worst = d
		}
	}
	return worst / scale
}

// TestQDDetInt8ORT runs the static-int8 PP-OCRv4 det model (the bench file,
// when present) on a 1×3×320×320 input with qinfer and ONNX Runtime and
// checks the head's logits (the input of the final Sigmoid, exposed as an
// output) and probabilities. qinfer's integer ops are bit-identical with
// ORT, so all difference comes from the float head after the last DQ.
func TestQDDetInt8ORT(t *testing.T) {
	if testing.Short() {
		t.Skip("full model")
	}
	path := filepath.Join(testdata.CacheDir(), "bench", "ppocr_det_int8.onnx")
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	if err := ortref.Available(); err != nil {
		t.Skip(err)
	}
	m, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	logits := ppocrExposeLogits(m)
	if len(logits) != 1 {
		t.Fatalf("logits %v", logits)
	}
	model := filepath.Join(t.TempDir(), "det.onnx")
	if err := onnx.Save(m, model); err != nil {
		t.Fatal(err)
	}
	if m, err = onnx.Load(model); err != nil {
		t.Fatal(err)
	}
	x := tensor.Zeros(tensor.Float32, 1, 3, 320, 320)
	rng := rand.New(rand.NewPCG(2024, 5))
	for j, xs := 0, x.Float32s(); j < len(xs); j++ {
		xs[j] = rng.Float32()
	}
	in := map[string]*tensor.Tensor{"x": x}
	ref, err := ortref.Run(model, in, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, p := qdqRun(t, m, runtime.Options{Threads: 2}, in)
	n := 0
	for _, nd := range p.Nodes() {
		if nd.Op() == "qinfer.QDeconvChain" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("plan has %d QDeconvChain nodes, want 1", n)
	}
	for name, r := range ref {
		d := qdRelDiff(t, name, got[name], r)
		t.Logf("%s: max diff vs ONNX Runtime %.3g (relative to max(1, max|ref|))", name, d)
		if d > 1e-5 {
			t.Errorf("%s: qinfer differs from ONNX Runtime by %.3g", name, d)
		}
	}
	// The file as shipped: the Sigmoid is fused into the chain too.
	orig, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ref, err = ortref.Run(path, in, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = qdqRun(t, orig, runtime.Options{Threads: 1}, in)
	for name, r := range ref {
		d := qdRelDiff(t, name, got[name], r)
		t.Logf("%s (Sigmoid fused): max diff vs ONNX Runtime %.3g", name, d)
		if d > 1e-5 {
			t.Errorf("%s: qinfer differs from ONNX Runtime by %.3g", name, d)
		}
	}
}
