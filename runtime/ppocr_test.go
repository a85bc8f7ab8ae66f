//go:build ppocr

// Remove the build tag above once package onnx (onnx.Load) is on main.

package runtime_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// ppocrRaceBuild reports whether the test binary was built with -race; the
// PP-OCR models are too slow under the race detector, so `make test` runs
// TestPPOCR in a separate pass without it.
func ppocrRaceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// TestPPOCR runs the PaddleOCR models (PP-OCRv4 det and rec, mobile v2.0
// cls) on fixed-seed random inputs in [0,1) with qinfer and with ONNX
// Runtime, and requires every output to agree: max |got-ref| <= 1e-4 *
// max(1, max|ref|) and cosine similarity >= 0.99999.
func TestPPOCR(t *testing.T) {
	if ppocrRaceBuild() {
		t.Skip("skipped under -race; make test runs it in a separate pass")
	}
	cases := []struct {
		kind  string
		shape []int
	}{
		{"det", []int{1, 3, 640, 640}},
		{"rec", []int{1, 3, 48, 320}},
		{"cls", []int{1, 3, 48, 192}},
	}
	for i, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			path := testdata.PPOCR(c.kind)
			testdata.Require(t, path)
			if err := ortref.Available(); err != nil {
				if testdata.Required() {
					t.Fatal(err)
				}
				t.Skip(err)
			}
			x := tensor.Zeros(tensor.Float32, c.shape...)
			rng := rand.New(rand.NewPCG(2024, uint64(i)))
			xs := x.Float32s()
			for j := range xs {
				xs[j] = rng.Float32()
			}
			inputs := map[string]*tensor.Tensor{"x": x}

			ref, err := ortref.Run(path, inputs, 2)
			if err != nil {
				t.Fatalf("onnxruntime: %v", err)
			}
			m, err := onnx.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := runtime.Compile(m, runtime.Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			got, err := plan.NewSession().Run(inputs)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(ref) {
				t.Errorf("%d outputs, onnxruntime gives %d", len(got), len(ref))
			}
			for name, r := range ref {
				g := got[name]
				if g == nil {
					t.Errorf("output %q missing", name)
					continue
				}
				if err := ppocrCompare(g, r); err != nil {
					t.Errorf("output %q: %v", name, err)
				}
			}
		})
	}
}

// ppocrCompare checks g against the reference r (both float32).
func ppocrCompare(g, r *tensor.Tensor) error {
	if g.DType() != tensor.Float32 || r.DType() != tensor.Float32 {
		return fmt.Errorf("dtype %v, reference %v, want float32", g.DType(), r.DType())
	}
	if fmt.Sprint(g.Shape()) != fmt.Sprint(r.Shape()) {
		return fmt.Errorf("shape %v, reference %v", g.Shape(), r.Shape())
	}
	gs, rs := g.Float32s(), r.Float32s()
	var maxDiff, maxRef, dot, gg, rr float64
	worst := 0
	for i := range rs {
		a, b := float64(gs[i]), float64(rs[i])
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("element %d is %v (reference %v)", i, a, b)
		}
		if d := math.Abs(a - b); d > maxDiff {
			maxDiff, worst = d, i
		}
		maxRef = math.Max(maxRef, math.Abs(b))
		dot += a * b
		gg += a * a
		rr += b * b
	}
	cos := 1.0
	if gg > 0 || rr > 0 {
		cos = dot / math.Sqrt(gg*rr)
	}
	tol := 1e-4 * math.Max(1, maxRef)
	if maxDiff > tol || !(cos >= 0.99999) {
		return fmt.Errorf("max abs diff %.3g at %d (got %v, ref %v; tolerance %.3g), cosine %.7f (want >= 0.99999)",
			maxDiff, worst, gs[worst], rs[worst], tol, cos)
	}
	return nil
}
