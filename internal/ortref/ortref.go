// Package ortref runs ONNX models with ONNX Runtime (the onnxruntime-node
// package, driven by scripts/ort/run.js) to give qinfer's tests and
// benchmarks a reference. Tensors travel through .npy files in a temporary
// folder. It needs node on PATH and onnxruntime-node in CacheDir()/ort, both
// installed by scripts/testdata.sh.
package ortref

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/qinfer/qinfer/tensor"
)

// ErrUnavailable reports that node or onnxruntime-node is missing.
var ErrUnavailable = errors.New("ortref: onnxruntime-node unavailable")

// RepoRoot returns the directory holding go.mod, found by walking up from the
// working directory, or "" when there is none.
func RepoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// CacheDir returns the repository's git-ignored .cache folder.
func CacheDir() string { return filepath.Join(RepoRoot(), ".cache") }

func ortDir() string { return filepath.Join(CacheDir(), "ort") }

func script() string { return filepath.Join(RepoRoot(), "scripts", "ort", "run.js") }

var (
	availOnce sync.Once
	availErr  error
)

// Available returns nil when node, scripts/ort/run.js and a loadable
// onnxruntime-node are present, else an error wrapping ErrUnavailable that
// says what is missing. The check runs once per process.
func Available() error {
	availOnce.Do(func() {
		node, err := exec.LookPath("node")
		if err != nil {
			availErr = fmt.Errorf("%w: node not on PATH: %v", ErrUnavailable, err)
			return
		}
		if _, err := os.Stat(script()); err != nil {
			availErr = fmt.Errorf("%w: %v", ErrUnavailable, err)
			return
		}
		cmd := exec.Command(node, "-e", "require('onnxruntime-node')")
		cmd.Dir = ortDir()
		if out, err := cmd.CombinedOutput(); err != nil {
			availErr = fmt.Errorf("%w: require('onnxruntime-node') in %s: %v\n%s (run scripts/testdata.sh)",
				ErrUnavailable, ortDir(), err, bytes.TrimSpace(out))
		}
	})
	return availErr
}

// BenchResult holds the wall times of timed runs in milliseconds.
type BenchResult struct {
	Warmup   int       `json:"warmup"`
	Runs     int       `json:"runs"`
	MinMs    float64   `json:"min_ms"`
	MedianMs float64   `json:"median_ms"`
	MeanMs   float64   `json:"mean_ms"`
	TimesMs  []float64 `json:"times_ms"`
	// MaxRSSBytes is the node process's peak resident set size.
	MaxRSSBytes int64 `json:"max_rss_bytes"`
}

type report struct {
	Outputs map[string]string `json:"outputs"`
	Timing  *BenchResult      `json:"timing"`
}

// Run executes model (a .onnx path) once with ONNX Runtime on threads
// intra-op threads (graph optimisation level "all") and returns every graph
// output by name.
func Run(model string, inputs map[string]*tensor.Tensor, threads int) (map[string]*tensor.Tensor, error) {
	dir, err := os.MkdirTemp("", "ortref-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	rep, err := run(dir, model, inputs, threads, 0, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*tensor.Tensor, len(rep.Outputs))
	for name, file := range rep.Outputs {
		t, err := tensor.LoadNpy(file)
		if err != nil {
			return nil, fmt.Errorf("ortref: output %q: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// Bench runs model warmup times untimed, then runs timed times, and returns
// the timings measured inside node (session.run only, no process start-up
// or file I/O).
func Bench(model string, inputs map[string]*tensor.Tensor, threads, warmup, runs int) (BenchResult, error) {
	if runs < 1 || warmup < 0 {
		return BenchResult{}, fmt.Errorf("ortref: Bench needs runs >= 1 and warmup >= 0, got %d and %d", runs, warmup)
	}
	dir, err := os.MkdirTemp("", "ortref-")
	if err != nil {
		return BenchResult{}, err
	}
	defer os.RemoveAll(dir)
	rep, err := run(dir, model, inputs, threads, warmup, runs)
	if err != nil {
		return BenchResult{}, err
	}
	if rep.Timing == nil {
		return BenchResult{}, fmt.Errorf("ortref: run.js reported no timing")
	}
	return *rep.Timing, nil
}

func run(dir, model string, inputs map[string]*tensor.Tensor, threads, warmup, runs int) (*report, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if threads < 1 {
		threads = 1
	}
	absModel, err := filepath.Abs(model)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(inputs))
	for name := range inputs {
		names = append(names, name)
	}
	sort.Strings(names)
	manifest := map[string]string{}
	for i, name := range names {
		file := filepath.Join(dir, "in"+strconv.Itoa(i)+".npy")
		if err := tensor.SaveNpy(file, inputs[name]); err != nil {
			return nil, fmt.Errorf("ortref: input %q: %w", name, err)
		}
		manifest[name] = file
	}
	mj, err := json.Marshal(manifest)
	if err != nil {
		return nil, err
	}
	mfile := filepath.Join(dir, "inputs.json")
	if err := os.WriteFile(mfile, mj, 0o644); err != nil {
		return nil, err
	}
	args := []string{script(), "--model", absModel, "--outdir", filepath.Join(dir, "out"),
		"--threads", strconv.Itoa(threads), "--ort", ortDir(), "--inputs", mfile}
	if runs > 0 {
		args = append(args, "--warmup", strconv.Itoa(warmup), "--runs", strconv.Itoa(runs))
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("node", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ortref: %s: %v\n%s", filepath.Base(model), err, bytes.TrimSpace(stderr.Bytes()))
	}
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("ortref: run.js output %q: %v", stdout.String(), err)
	}
	return &rep, nil
}
