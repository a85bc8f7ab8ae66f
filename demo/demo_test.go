package demo_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qinfer/qinfer/demo"
	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

func compile(t testing.TB) *runtime.Plan {
	t.Helper()
	m, err := onnx.Decode(demo.Model(), nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := runtime.Compile(m, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestModelShape(t *testing.T) {
	m, err := onnx.Decode(demo.Model(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Opset(""); got != 13 {
		t.Errorf("opset %d, want 13", got)
	}
	bn := 0
	for _, n := range m.Graph.Nodes {
		if n.OpType == "BatchNormalization" {
			bn++
		}
	}
	if bn == 0 {
		t.Error("no BatchNormalization left in the graph")
	}
	ins := m.Graph.RealInputs()
	if len(ins) != 1 || ins[0].Name != demo.InputName || ins[0].Type.Shape[0].Known() {
		t.Fatalf("inputs %v, want one %q with a dynamic batch", ins, demo.InputName)
	}
	if err := eval.CheckSample(&eval.Sample{Inputs: map[string]*tensor.Tensor{demo.InputName: tensor.Zeros(tensor.Float32, 1, 1, 28, 28)}}, ins); err != nil {
		t.Error(err)
	}
	if len(demo.Model()) > 200<<10 {
		t.Errorf("model is %d bytes, over 200 KiB", len(demo.Model()))
	}
}

// TestAccuracy runs the embedded model through qinfer on the embedded images:
// it must match PyTorch's count from scripts/train_fmnist.py within one image.
func TestAccuracy(t *testing.T) {
	plan := compile(t)
	ds, err := demo.TestSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []int{1, 100} {
		start := time.Now()
		top1, n, err := eval.Accuracy(plan, ds, batch)
		if err != nil {
			t.Fatal(err)
		}
		want := float64(demo.TestSetCorrect) / demo.TestSetSize
		t.Logf("batch %4d: top-1 %.1f%% on %d images in %v (PyTorch: %.1f%%)", batch, top1*100, n, time.Since(start).Round(time.Millisecond), want*100)
		if n != demo.TestSetSize || math.Abs(top1-want) > 0.0011 {
			t.Errorf("batch %d: top-1 %.4f on %d images, want %.4f on %d", batch, top1, n, want, demo.TestSetSize)
		}
	}
	agree, n, err := eval.Agreement(plan, compile(t), eval.Limit(ds, 50), 10)
	if err != nil || agree != 1 || n != 50 {
		t.Errorf("self agreement %v on %d, %v", agree, n, err)
	}
}

// TestAccuracy10k runs the model on Debian's full Fashion-MNIST test split
// through eval.Open: it must match PyTorch's 89.36% within 0.1 point.
func TestAccuracy10k(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 images; -short")
	}
	path := filepath.Join(testdata.FashionMNIST(), "t10k-images-idx3-ubyte.gz")
	testdata.Require(t, path)
	plan := compile(t)
	ds, err := eval.Open("idx:"+path, plan.Inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	top1, n, err := eval.Accuracy(plan, ds, 100)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("top-1 %.2f%% on %d images in %v (PyTorch: %.2f%%)", top1*100, n, time.Since(start).Round(time.Millisecond), demo.Accuracy10k*100)
	if n != 10000 || math.Abs(top1-demo.Accuracy10k) > 0.001 {
		t.Errorf("top-1 %.4f on %d images, want %.4f on 10000", top1, n, demo.Accuracy10k)
	}
}

// TestORT compares qinfer's logits with ONNX Runtime's on the first 256
// images, as one batch.
func TestORT(t *testing.T) {
	if err := ortref.Available(); err != nil {
		if testdata.Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ds, err := demo.TestSet()
	if err != nil {
		t.Fatal(err)
	}
	const n = 256
	x := tensor.Zeros(tensor.Float32, n, 1, 28, 28)
	i := 0
	for s, err := range ds.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		copy(x.Float32s()[i*784:], s.Inputs[demo.InputName].Float32s())
		if i++; i == n {
			break
		}
	}
	in := map[string]*tensor.Tensor{demo.InputName: x}
	got, err := compile(t).NewSession().Run(in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fmnist.onnx")
	if err := os.WriteFile(path, demo.Model(), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := ortref.Run(path, in, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := eval.Compare(want[demo.OutputName], got[demo.OutputName])
	if err != nil {
		t.Fatal(err)
	}
	pg, _ := eval.Top1(got[demo.OutputName])
	pw, _ := eval.Top1(want[demo.OutputName])
	same := 0
	for i := range pg {
		if pg[i] == pw[i] {
			same++
		}
	}
	t.Logf("vs ONNX Runtime: max abs %.3g, cosine %.9f, SQNR %.1f dB, top-1 agree %d/%d", d.MaxAbs, d.Cosine, d.SQNR, same, n)
	if d.MaxAbs > 1e-3 || same < n-1 {
		t.Errorf("qinfer and ONNX Runtime disagree: %+v, top-1 %d/%d", d, same, n)
	}
}

func BenchmarkAccuracy(b *testing.B) {
	plan := compile(b)
	ds, err := demo.TestSet()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := eval.Accuracy(plan, ds, 100); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(demo.TestSetSize*b.N)/b.Elapsed().Seconds(), "images/s")
}
