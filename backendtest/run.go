package backendtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// Tolerances of the ONNX backend test suite.
const (
	RTol = 1e-3
	ATol = 1e-7
)

// Status is a test outcome.
type Status int

// Outcomes.
const (
	Pass Status = iota
	Fail
	Skip
)

func (s Status) String() string {
	return [...]string{"pass", "fail", "skip"}[s]
}

// Result is one test folder's outcome.
type Result struct {
	Name     string
	Dir      string
	Status   Status
	Reason   string
	Duration time.Duration
}

// Summary counts outcomes.
type Summary struct {
	Passed, Failed, Skipped int
}

// String renders the summary line: "N passed, M failed, K skipped".
func (s Summary) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", s.Passed, s.Failed, s.Skipped)
}

// Options configure a run.
type Options struct {
	Threads int
	// NoSkip runs tests listed in Skips too.
	NoSkip bool
	// Timeout bounds one test (0: 2 minutes).
	Timeout time.Duration
}

// Find returns every folder under dirs that holds a model.onnx, sorted.
func Find(dirs ...string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && e.Name() == "model.onnx" {
				out = append(out, filepath.Dir(p))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// RunAll runs every test folder under dirs, calling report for each result.
func RunAll(dirs []string, opts Options, report func(Result)) (Summary, error) {
	tests, err := Find(dirs...)
	if err != nil {
		return Summary{}, err
	}
	var s Summary
	for _, t := range tests {
		r := Run(t, opts)
		switch r.Status {
		case Pass:
			s.Passed++
		case Fail:
			s.Failed++
		case Skip:
			s.Skipped++
		}
		if report != nil {
			report(r)
		}
	}
	return s, nil
}

// Run runs one test folder.
func Run(dir string, opts Options) (res Result) {
	name := filepath.Base(dir)
	res = Result{Name: name, Dir: dir}
	if reason, ok := Skips[name]; ok && !opts.NoSkip {
		res.Status, res.Reason = Skip, reason
		return res
	}
	start := time.Now()
	defer func() {
		res.Duration = time.Since(start)
		if p := recover(); p != nil {
			res.Status, res.Reason = Fail, fmt.Sprintf("panic: %v", p)
		}
	}()
	if err := run(dir, opts); err != nil {
		res.Status, res.Reason = Fail, err.Error()
		return res
	}
	res.Status = Pass
	return res
}

func run(dir string, opts Options) error {
	m, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		return err
	}
	plan, err := runtime.Compile(m, runtime.Options{Threads: opts.Threads})
	if err != nil {
		return err
	}
	sets, _ := filepath.Glob(filepath.Join(dir, "test_data_set_*"))
	sort.Strings(sets)
	if len(sets) == 0 {
		return errors.New("no test_data_set_* folders")
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	for _, set := range sets {
		inputs, err := readValues(set, "input", m.Graph.RealInputs())
		if err != nil {
			return err
		}
		want, err := readValues(set, "output", m.Graph.Outputs)
		if err != nil {
			return err
		}
		feed := map[string]ops.Value{}
		for name, v := range inputs {
			feed[name] = v
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		got, err := plan.NewSession().RunValues(ctx, feed)
		cancel()
		if err != nil {
			return err
		}
		for _, o := range m.Graph.Outputs {
			w, ok := want[o.Name]
			if !ok {
				continue
			}
			if err := compareValue(o.Name, got[o.Name], w); err != nil {
				return fmt.Errorf("%s: %w", filepath.Base(set), err)
			}
		}
	}
	return nil
}

// readValues reads prefix_K.pb files; file K binds to vis[K] (or to the
// value named in the file when that name is one of vis).
func readValues(set, prefix string, vis []*ir.ValueInfo) (map[string]ops.Value, error) {
	out := map[string]ops.Value{}
	byName := map[string]*ir.ValueInfo{}
	for _, vi := range vis {
		byName[vi.Name] = vi
	}
	for k := 0; ; k++ {
		p := filepath.Join(set, fmt.Sprintf("%s_%d.pb", prefix, k))
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return nil, err
		}
		if k >= len(vis) {
			return nil, fmt.Errorf("%s: model has only %d %ss", p, len(vis), prefix)
		}
		vi := vis[k]
		kind := ir.KindTensor
		if vi.Type != nil && vi.Type.Kind != ir.KindUnknown {
			kind = vi.Type.Kind
		}
		v, err := onnx.DecodeValue(b, kind)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if v.Name != "" {
			if alt, ok := byName[v.Name]; ok {
				vi = alt
			}
		}
		val := toValue(v)
		// The suite stores bfloat16 data as uint16 (ONNX 1.12 test data);
		// relabel it when the model declares bfloat16.
		if t, ok := val.(*tensor.Tensor); ok && t.DType() == tensor.Uint16 && vi.Type != nil && vi.Type.Elem == tensor.BFloat16 {
			if r, err := t.WithDType(tensor.BFloat16); err == nil {
				val = r
			}
		}
		out[vi.Name] = val
	}
	return out, nil
}

// toValue converts a decoded test-data value into a runtime value.
func toValue(v *onnx.Value) ops.Value {
	switch v.Kind {
	case ir.KindSequence:
		return &ops.Sequence{Elem: v.SeqElem, Items: v.Seq}
	case ir.KindOptional:
		if v.OptEmpty || v.Opt == nil {
			return &ops.Optional{}
		}
		inner := toValue(v.Opt)
		_, isSeq := inner.(*ops.Sequence)
		return &ops.Optional{Value: inner, IsSeq: isSeq}
	}
	return v.Tensor
}

func compareValue(name string, got, want ops.Value) error {
	// Optionals compare by content; a present optional may be unwrapped.
	if o, ok := want.(*ops.Optional); ok {
		g := got
		if go_, ok := got.(*ops.Optional); ok {
			g = go_.Value
		}
		if o.Value == nil {
			if g != nil {
				return fmt.Errorf("output %q: want an empty optional, got %T", name, g)
			}
			return nil
		}
		return compareValue(name, g, o.Value)
	}
	if o, ok := got.(*ops.Optional); ok {
		got = o.Value
	}
	switch w := want.(type) {
	case *ops.Sequence:
		g, ok := got.(*ops.Sequence)
		if !ok {
			return fmt.Errorf("output %q: want a sequence, got %T", name, got)
		}
		if len(g.Items) != len(w.Items) {
			return fmt.Errorf("output %q: sequence has %d items, want %d", name, len(g.Items), len(w.Items))
		}
		for i := range w.Items {
			if err := Compare(g.Items[i], w.Items[i]); err != nil {
				return fmt.Errorf("output %q item %d: %w", name, i, err)
			}
		}
		return nil
	case *tensor.Tensor:
		g, ok := got.(*tensor.Tensor)
		if !ok {
			return fmt.Errorf("output %q: want a tensor, got %T", name, got)
		}
		if err := Compare(g, w); err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("output %q: cannot compare %T", name, want)
}

// Compare checks got against want with the suite's rules.
func Compare(got, want *tensor.Tensor) error {
	if got == nil {
		return errors.New("missing")
	}
	if got.DType() != want.DType() {
		return fmt.Errorf("dtype %v, want %v", got.DType(), want.DType())
	}
	if !tensor.SameShape(got.Shape(), want.Shape()) {
		return fmt.Errorf("shape %v, want %v", got.Shape(), want.Shape())
	}
	n := want.Len()
	bad, first := 0, -1
	var worst float64
	for i := 0; i < n; i++ {
		ok := true
		if want.DType().IsFloat() {
			g, w := got.Float64At(i), want.Float64At(i)
			switch {
			case math.IsNaN(w):
				ok = math.IsNaN(g)
			case math.IsInf(w, 0):
				ok = g == w
			default:
				d := math.Abs(g - w)
				ok = d <= ATol+RTol*math.Abs(w)
				if !ok && d > worst {
					worst = d
				}
			}
		} else {
			ok = got.At(i) == want.At(i)
		}
		if !ok {
			bad++
			if first < 0 {
				first = i
			}
		}
	}
	if bad > 0 {
		msg := fmt.Sprintf("%d of %d elements differ; first at %d: got %v, want %v", bad, n, first, got.At(first), want.At(first))
		if worst > 0 {
			msg += fmt.Sprintf("; max abs diff %.3g", worst)
		}
		return errors.New(strings.TrimSpace(msg))
	}
	return nil
}
