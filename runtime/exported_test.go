package runtime_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// The models come from scripts/models/export_testmodels.py, which exports
// small fixed-seed PyTorch modules with torch.onnx.export and records
// inputs and PyTorch's outputs as .npy files next to each model.

const exportPython = "/usr/bin/python3"

// expManifest mirrors manifest.json written by export_testmodels.py.
type expManifest struct {
	ScriptSHA256 string     `json:"script_sha256"`
	Torch        string     `json:"torch"`
	ONNX         string     `json:"onnx"`
	Models       []expModel `json:"models"`
}

type expModel struct {
	Name       string     `json:"name"`
	File       string     `json:"file"`
	Opset      int        `json:"opset"`
	TorchCheck bool       `json:"torch_check"`
	OrtCheck   bool       `json:"ort_check"`
	Inputs     []expInput `json:"inputs"`
	Outputs    []string   `json:"outputs"`
	Ops        []string   `json:"ops"`
	Cases      []expCase  `json:"cases"`
}

type expInput struct {
	Name        string            `json:"name"`
	DType       string            `json:"dtype"`
	Shape       []int             `json:"shape"`
	DynamicAxes map[string]string `json:"dynamic_axes"`
}

type expFile struct {
	File  string `json:"file"`
	Shape []int  `json:"shape"`
}

type expCase struct {
	Dir     string             `json:"dir"`
	Inputs  map[string]expFile `json:"inputs"`
	Outputs map[string]expFile `json:"outputs"`
}

// exportedModels returns the folder holding manifest.json, running the
// export script when .cache/models is missing or was written by another
// version of the script. It skips (or fails under QINFER_REQUIRE_TESTDATA=1)
// when /usr/bin/python3 cannot import torch and onnx.
func exportedModels(t *testing.T) (string, *expManifest) {
	t.Helper()
	root := testdata.RepoRoot()
	if root == "" {
		t.Fatal("repository root (go.mod) not found")
	}
	script := filepath.Join(root, "scripts", "models", "export_testmodels.py")
	src, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	want := hex.EncodeToString(sum[:])
	dir := filepath.Join(testdata.CacheDir(), "models")
	if m, err := readManifest(dir); err == nil && m.ScriptSHA256 == want {
		return dir, m
	}

	if out, err := exec.Command(exportPython, "-c", "import torch, onnx").CombinedOutput(); err != nil {
		msg := fmt.Sprintf("%s cannot import torch and onnx: %v\n%s", exportPython, err, bytes.TrimSpace(out))
		if testdata.Required() {
			t.Fatalf("%s (%s=1; install python3-torch python3-onnx)", msg, testdata.EnvRequire)
		}
		t.Skip(msg)
	}
	if err := os.MkdirAll(testdata.CacheDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(testdata.CacheDir(), "models.tmp-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	cmd := exec.Command(exportPython, script, "--out", tmp)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s failed: %v\n%s", script, err, out)
	}
	t.Logf("exported models in %v", time.Since(start).Round(time.Millisecond))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func readManifest(dir string) (*expManifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m expManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// TestExportedModels runs every model the export script writes, on every
// recorded input size, with qinfer and ONNX Runtime, and checks each output
// against both ONNX Runtime and PyTorch.
func TestExportedModels(t *testing.T) {
	if testing.Short() {
		t.Skip("exports PyTorch models")
	}
	dir, man := exportedModels(t)
	ortErr := ortref.Available()
	if ortErr != nil {
		if testdata.Required() {
			t.Fatalf("%v (%s=1)", ortErr, testdata.EnvRequire)
		}
		t.Logf("ONNX Runtime comparison skipped: %v", ortErr)
	}
	if len(man.Models) == 0 {
		t.Fatal("manifest lists no models")
	}
	for _, em := range man.Models {
		t.Run(em.Name, func(t *testing.T) {
			// Mostly waiting for node to start: overlap models (-parallel,
			// GOMAXPROCS by default).
			t.Parallel()
			path := filepath.Join(dir, em.File)
			// Each case runs on an optimized plan and on a NoOptimize plan
			// (a separately loaded model), so an optimizer pass that breaks
			// a graph shows up as a difference between the two.
			var variants []expVariant
			for _, v := range []struct {
				name string
				opts runtime.Options
			}{
				{"", runtime.Options{Threads: 2}},
				{" (NoOptimize)", runtime.Options{Threads: 2, NoOptimize: true}},
			} {
				m, err := onnx.Load(path)
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				plan, err := runtime.Compile(m, v.opts)
				if err != nil {
					t.Fatalf("compile%s (ops %v): %v", v.name, em.Ops, err)
				}
				var names []string
				for _, vi := range plan.Inputs {
					names = append(names, vi.Name)
				}
				for _, in := range em.Inputs {
					if !slices.Contains(names, in.Name) {
						t.Fatalf("plan inputs %v lack %q", names, in.Name)
					}
				}
				// One session across all cases: shapes change between runs.
				variants = append(variants, expVariant{v.name, plan.NewSession()})
			}
			for k, c := range em.Cases {
				t.Run(fmt.Sprintf("case%d", k), func(t *testing.T) {
					cdir := filepath.Join(dir, c.Dir)
					inputs := map[string]*tensor.Tensor{}
					for name, f := range c.Inputs {
						x, err := tensor.LoadNpy(filepath.Join(cdir, f.File))
						if err != nil {
							t.Fatal(err)
						}
						inputs[name] = x
					}
					refs := map[string]map[string]*tensor.Tensor{}
					if em.TorchCheck {
						refs["pytorch"] = map[string]*tensor.Tensor{}
						for _, name := range em.Outputs {
							want, err := tensor.LoadNpy(filepath.Join(cdir, c.Outputs[name].File))
							if err != nil {
								t.Fatal(err)
							}
							refs["pytorch"][name] = want
						}
					}
					if ortErr == nil && em.OrtCheck {
						ref, err := ortref.Run(path, inputs, 2)
						if err != nil {
							t.Fatalf("onnxruntime: %v", err)
						}
						for _, name := range em.Outputs {
							if ref[name] == nil {
								t.Errorf("onnxruntime produced no output %q", name)
							}
						}
						refs["onnxruntime"] = ref
					}
					// worst[ref] is the largest relative difference seen.
					worst := map[string]float64{}
					defer func() { t.Logf("max |diff|/max(1,max|ref|): %v", worst) }()
					for _, v := range variants {
						got, err := v.sess.Run(inputs)
						if err != nil {
							t.Errorf("qinfer%s run (inputs %s): %v", v.name, shapesOf(inputs), err)
							continue
						}
						for _, name := range em.Outputs {
							if got[name] == nil {
								t.Errorf("qinfer%s produced no output %q", v.name, name)
								continue
							}
							for refName, ref := range refs {
								if ref[name] != nil {
									label := refName + v.name
									worst[label] = max(worst[label], compareOutput(t, label, name, got[name], ref[name]))
								}
							}
						}
					}
				})
			}
		})
	}
}

type expVariant struct {
	name string
	sess *runtime.Session
}

func shapesOf(in map[string]*tensor.Tensor) string {
	var keys []string
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %v %v", k, in[k].DType(), in[k].Shape())
	}
	return b.String()
}

// compareOutput checks got against ref: same dtype and shape; integers and
// bools exactly; floats with max|got-ref| <= 1e-4 * max(1, max|ref|)
// (1e-10 for float64) and cosine similarity >= 0.99999. It returns max|got-ref| / max(1, max|ref|)
// (0 for exact types, +Inf for a dtype or shape mismatch).
func compareOutput(t *testing.T, refName, name string, got, ref *tensor.Tensor) float64 {
	t.Helper()
	if got.DType() != ref.DType() || !slices.Equal(got.Shape(), ref.Shape()) {
		t.Errorf("%s: qinfer %v %v, %s %v %v", name, got.DType(), got.Shape(), refName, ref.DType(), ref.Shape())
		return math.Inf(1)
	}
	n := got.Len()
	switch got.DType() {
	case tensor.Float32, tensor.Float64, tensor.Float16, tensor.BFloat16:
	default:
		for i := 0; i < n; i++ {
			if got.Int64At(i) != ref.Int64At(i) {
				t.Errorf("%s vs %s: element %d: got %d, want %d", name, refName, i, got.Int64At(i), ref.Int64At(i))
				return math.Inf(1)
			}
		}
		return 0
	}
	var maxRef, maxDiff, dot, ng, nr float64
	worst := -1
	for i := 0; i < n; i++ {
		g, r := got.Float64At(i), ref.Float64At(i)
		if math.IsNaN(g) != math.IsNaN(r) {
			t.Errorf("%s vs %s: element %d: got %v, want %v", name, refName, i, g, r)
			return math.Inf(1)
		}
		if math.IsNaN(r) {
			continue
		}
		maxRef = max(maxRef, math.Abs(r))
		if d := math.Abs(g - r); d > maxDiff || worst < 0 {
			maxDiff, worst = d, i
		}
		dot += g * r
		ng += g * g
		nr += r * r
	}
	cos := 1.0
	if ng > 0 || nr > 0 {
		cos = dot / math.Sqrt(ng*nr)
	}
	rel := 1e-4
	if got.DType() == tensor.Float64 {
		rel = 1e-10 // catches float64 kernels that round through float32
	}
	tol := rel * max(1, maxRef)
	if maxDiff > tol || !(cos >= 0.99999) {
		t.Errorf("%s vs %s %v: max abs diff %.3g (tol %.3g) at %d (got %v, want %v), cosine %.7f",
			name, refName, ref.Shape(), maxDiff, tol, worst, got.Float64At(worst), ref.Float64At(worst), cos)
	}
	return maxDiff / max(1, maxRef)
}
