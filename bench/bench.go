package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	goruntime "runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// Config says how to benchmark a model.
type Config struct {
	// Threads for qinfer's kernels and ONNX Runtime's intra-op pool; 0
	// means GOMAXPROCS.
	Threads int
	// Warmup untimed runs, then Runs timed runs (Runs >= 1).
	Warmup, Runs int
	// Inputs given by the caller (e.g. from .npy files); model inputs not
	// named here are synthesized (see Synthesize).
	Inputs map[string]*tensor.Tensor
	// Dims sizes symbolic dims of synthesized inputs (see ParseDims).
	Dims map[string]int64
	// Seed of the random inputs.
	Seed uint64
	// Profile gathers per-node times over the timed runs.
	Profile bool
	// ORT also runs the model file in ONNX Runtime with the same inputs,
	// threads, warm-up and runs.
	ORT bool
	// CPUProfile, when not nil, receives a Go CPU profile (pprof format)
	// of the timed runs.
	CPUProfile io.Writer
	// Log receives warnings (unset dims, ORT failures); nil discards them.
	Log io.Writer
}

// Result is one benchmark. Times are wall-clock milliseconds of
// Session.Run on inputs already in memory.
type Result struct {
	Model        string            `json:"model"`
	Threads      int               `json:"threads"`
	Warmup       int               `json:"warmup"`
	Runs         int               `json:"runs"`
	Inputs       map[string]string `json:"inputs"`  // name -> "float32[1,3,224,224]"
	LoadMs       float64           `json:"load_ms"` // onnx.Load + runtime.Compile
	MinMs        float64           `json:"min_ms"`
	MedianMs     float64           `json:"median_ms"`
	MeanMs       float64           `json:"mean_ms"`
	Throughput   float64           `json:"throughput_per_s"` // 1000 / MedianMs: sequential inferences per second
	PeakRSSBytes *int64            `json:"peak_rss_bytes"`   // qinfer's process high-water mark; nil (null) when unknown
	ModelBytes   int64             `json:"model_bytes"`      // .onnx file plus external data
	TimesMs      []float64         `json:"times_ms"`

	// ONNX Runtime, set when Config.ORT and it ran; ORTError otherwise.
	ORTMinMs        *float64 `json:"ort_min_ms,omitempty"`
	ORTMedianMs     *float64 `json:"ort_median_ms,omitempty"`
	Ratio           *float64 `json:"ratio,omitempty"`              // MedianMs / ORTMedianMs
	ORTPeakRSSBytes *int64   `json:"ort_peak_rss_bytes,omitempty"` // node child process, when run.js reports it
	ORTError        string   `json:"ort_error,omitempty"`

	// Profile holds per-node times over the timed runs, longest first,
	// when Config.Profile.
	Profile []NodeProfile `json:"profile,omitempty"`
}

// NodeProfile is one node's share of the timed runs.
type NodeProfile struct {
	Op      string  `json:"op"` // "Conv", "com.microsoft.QGemm", ...
	Name    string  `json:"name"`
	Depth   int     `json:"depth"`    // 0: main graph; > 0: inside a control-flow node's subgraph
	TotalMs float64 `json:"total_ms"` // summed over the timed runs
	Calls   int     `json:"calls"`
}

// Run loads and compiles the model at path, builds its inputs, runs
// cfg.Warmup untimed and cfg.Runs timed inferences on one session and
// measures the process's peak RSS; with cfg.ORT it then benchmarks the same
// file in ONNX Runtime. An ORT failure is recorded in Result.ORTError, not
// returned. ctx cancels between runs and between nodes.
func Run(ctx context.Context, path string, cfg Config) (*Result, error) {
	if cfg.Runs < 1 || cfg.Warmup < 0 {
		return nil, fmt.Errorf("bench: need runs >= 1 and warmup >= 0, got %d and %d: %w", cfg.Runs, cfg.Warmup, ErrBadSpec)
	}
	threads := cfg.Threads
	if threads <= 0 {
		threads = goruntime.GOMAXPROCS(0)
	}
	size, err := ModelBytes(path)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	m, err := onnx.Load(path)
	if err != nil {
		return nil, err
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: threads, Profile: cfg.Profile})
	if err != nil {
		return nil, err
	}
	m = nil
	load := time.Since(t0)

	inputs, warns, err := Synthesize(plan.Inputs, cfg.Inputs, cfg.Dims, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", path, err)
	}
	for _, w := range warns {
		logf(cfg.Log, "warning: %s\n", w)
	}
	res := &Result{Model: path, Threads: threads, Warmup: cfg.Warmup, Runs: cfg.Runs,
		Inputs: map[string]string{}, LoadMs: ms(load), ModelBytes: size}
	for name, t := range inputs {
		res.Inputs[name] = shapeString(t)
	}

	s := plan.NewSession()
	for i := 0; i < cfg.Warmup; i++ {
		if _, err := s.RunContext(ctx, inputs); err != nil {
			return nil, err
		}
	}
	s.ResetProfile()
	goruntime.GC()
	res.TimesMs = make([]float64, cfg.Runs)
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return nil, fmt.Errorf("bench: cpu profile: %w", err)
		}
	}
	for i := range res.TimesMs {
		t := time.Now()
		if _, err := s.RunContext(ctx, inputs); err != nil {
			return nil, err
		}
		res.TimesMs[i] = ms(time.Since(t))
	}
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	res.MinMs, res.MedianMs, res.MeanMs = Stats(res.TimesMs)
	if res.MedianMs > 0 {
		res.Throughput = 1000 / res.MedianMs
	}
	if rss, ok := PeakRSS(); ok {
		res.PeakRSSBytes = &rss
	}
	for _, nt := range s.Profile() {
		res.Profile = append(res.Profile, NodeProfile{Op: nt.Op(), Name: nt.Name, Depth: nt.Depth, TotalMs: ms(nt.Total), Calls: nt.Calls})
	}

	if cfg.ORT {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		br, err := ortref.Bench(path, inputs, threads, cfg.Warmup, cfg.Runs)
		if err != nil {
			res.ORTError = err.Error()
			logf(cfg.Log, "warning: ONNX Runtime: %v\n", err)
		} else {
			res.ORTMinMs, res.ORTMedianMs = &br.MinMs, &br.MedianMs
			if br.MedianMs > 0 {
				r := res.MedianMs / br.MedianMs
				res.Ratio = &r
			}
			if rss := ortPeakRSS(br); rss > 0 {
				res.ORTPeakRSSBytes = &rss
			}
		}
	}
	return res, nil
}

// ortPeakRSS picks the peak RSS that scripts/ort/run.js reports as
// timing.max_rss_bytes out of an ortref.BenchResult, through JSON, so that
// it appears here as soon as the struct carries a max_rss_bytes field; 0
// until then.
func ortPeakRSS(br ortref.BenchResult) int64 {
	b, err := json.Marshal(br)
	if err != nil {
		return 0
	}
	var v struct {
		MaxRSS int64 `json:"max_rss_bytes"`
	}
	if json.Unmarshal(b, &v) != nil {
		return 0
	}
	return v.MaxRSS
}

// Stats returns the minimum, median (mean of the middle two for an even
// count) and mean of times; zeros for none.
func Stats(times []float64) (lo, median, mean float64) {
	if len(times) == 0 {
		return 0, 0, 0
	}
	s := append([]float64(nil), times...)
	sort.Float64s(s)
	var sum float64
	for _, v := range s {
		sum += v
	}
	mid := len(s) / 2
	median = s[mid]
	if len(s)%2 == 0 {
		median = (s[mid-1] + s[mid]) / 2
	}
	return s[0], median, sum / float64(len(s))
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}

// shapeString renders a tensor's type as "float32[1,3,224,224]".
func shapeString(t *tensor.Tensor) string {
	dims := make([]string, t.Rank())
	for i, d := range t.Shape() {
		dims[i] = strconv.Itoa(d)
	}
	return t.DType().String() + "[" + strings.Join(dims, ",") + "]"
}
