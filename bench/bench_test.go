package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"sort"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/tensor"
)

func TestParseDims(t *testing.T) {
	cases := []struct {
		in      []string
		want    map[string]int64
		wantErr bool
	}{
		{in: nil, want: map[string]int64{}},
		{in: []string{"batch=1", "seq = 128"}, want: map[string]int64{"batch": 1, "seq": 128}},
		{in: []string{"p2o.DynamicDimension.0=640"}, want: map[string]int64{"p2o.DynamicDimension.0": 640}},
		{in: []string{"a=b=3"}, wantErr: true}, // value "b=3"
		{in: []string{"batch"}, wantErr: true},
		{in: []string{"=4"}, wantErr: true},
		{in: []string{"n=0"}, wantErr: true},
		{in: []string{"n=-2"}, wantErr: true},
		{in: []string{"n=1.5"}, wantErr: true},
		{in: []string{"n="}, wantErr: true},
		{in: []string{"n=99999999999999999999"}, wantErr: true},
		{in: []string{"n=2", "n=3"}, wantErr: true},
	}
	for _, c := range cases {
		got, err := ParseDims(c.in)
		if c.wantErr {
			if !errors.Is(err, ErrBadSpec) {
				t.Errorf("ParseDims(%q) error = %v, want ErrBadSpec", c.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseDims(%q) = %v, %v, want %v", c.in, got, err, c.want)
		}
	}
}

func TestLoadInputs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.npy")
	want := tensor.From([]int{2}, []float32{1.5, -2})
	if err := tensor.SaveNpy(file, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadInputs([]string{"x:0=" + file})
	if err != nil {
		t.Fatal(err)
	}
	if g := got["x:0"]; g == nil || !reflect.DeepEqual(g.Data(), want.Data()) {
		t.Fatalf("LoadInputs = %v", got)
	}
	for _, bad := range [][]string{{"x"}, {"=" + file}, {"x="}, {"x=" + file, "x=" + file}} {
		if _, err := LoadInputs(bad); !errors.Is(err, ErrBadSpec) {
			t.Errorf("LoadInputs(%q) error = %v, want ErrBadSpec", bad, err)
		}
	}
	if _, err := LoadInputs([]string{"x=" + filepath.Join(dir, "missing.npy")}); err == nil {
		t.Error("LoadInputs of a missing file: no error")
	}
}

func vi(name string, dt tensor.DType, dims ...ir.Dim) *ir.ValueInfo {
	return &ir.ValueInfo{Name: name, Type: &ir.Type{Kind: ir.KindTensor, Elem: dt, HasShape: true, Shape: dims}}
}

func fixed(v int64) ir.Dim           { return ir.Dim{Value: v} }
func sym(p string) ir.Dim            { return ir.Dim{Param: p, Value: -1} }
func unknownDim() ir.Dim             { return ir.Dim{Value: -1} }
func shapeOf(t *tensor.Tensor) []int { return t.Shape() }

func TestSynthesizeShapesAndWarnings(t *testing.T) {
	inputs := []*ir.ValueInfo{
		vi("image", tensor.Float32, sym("N"), fixed(3), sym("H"), sym("W")),
		vi("ids", tensor.Int64, sym("N"), sym("T")),
		vi("mask", tensor.Bool, sym("N"), unknownDim()),
		vi("scalar", tensor.Float16),
	}
	got, warns, err := Synthesize(inputs, nil, map[string]int64{"H": 4, "W": 5, "N": 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantShapes := map[string][]int{"image": {2, 3, 4, 5}, "ids": {2, 1}, "mask": {2, 1}, "scalar": {}}
	for name, want := range wantShapes {
		if g := got[name]; g == nil || !tensor.SameShape(g.Shape(), want) {
			t.Errorf("%s: got %v, want shape %v", name, got[name], want)
		}
	}
	if got["ids"].DType() != tensor.Int64 || got["mask"].DType() != tensor.Bool || got["scalar"].DType() != tensor.Float16 {
		t.Errorf("dtypes: %v %v %v", got["ids"].DType(), got["mask"].DType(), got["scalar"].DType())
	}
	// One warning for unset T, one for mask's unknown axis; none for N/H/W.
	if len(warns) != 2 || !strings.Contains(warns[0], `"T"`) || !strings.Contains(warns[0], "--dim T=N") || !strings.Contains(warns[1], `"mask" axis 1`) {
		t.Errorf("warnings = %q", warns)
	}
}

func TestSynthesizeValuesAndSeed(t *testing.T) {
	var inputs []*ir.ValueInfo
	dts := []tensor.DType{tensor.Float32, tensor.Float64, tensor.Float16, tensor.BFloat16, tensor.Int8, tensor.Uint8,
		tensor.Int16, tensor.Uint16, tensor.Int32, tensor.Uint32, tensor.Int64, tensor.Uint64, tensor.Bool}
	for _, dt := range dts {
		inputs = append(inputs, vi(dt.String(), dt, fixed(257)))
	}
	a, _, err := Synthesize(inputs, nil, nil, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := Synthesize(inputs, nil, nil, 7)
	c, _, _ := Synthesize(inputs, nil, nil, 8)
	for _, dt := range dts {
		name := dt.String()
		if !reflect.DeepEqual(a[name].Data(), b[name].Data()) {
			t.Errorf("%s: same seed, different data", name)
		}
		if reflect.DeepEqual(a[name].Data(), c[name].Data()) {
			t.Errorf("%s: different seeds, same data", name)
		}
		f := tensor.ToFloat32(a[name])
		lo, hi := float32(0), float32(0)
		distinct := map[float32]bool{}
		for i, v := range f {
			if i == 0 || v < lo {
				lo = v
			}
			if i == 0 || v > hi {
				hi = v
			}
			distinct[v] = true
		}
		var wlo, whi float32
		switch {
		case dt.IsFloat():
			wlo, whi = -1, 1
		case dt == tensor.Int8:
			wlo, whi = -128, 127
		case dt == tensor.Uint8:
			wlo, whi = 0, 255
		case dt == tensor.Bool:
			wlo, whi = 0, 1
		default:
			wlo, whi = 0, 3
		}
		if lo < wlo || hi > whi || len(distinct) < 2 {
			t.Errorf("%s: values in [%v, %v] with %d distinct, want within [%v, %v] and varied", name, lo, hi, len(distinct), wlo, whi)
		}
	}
}

func TestSynthesizeGiven(t *testing.T) {
	inputs := []*ir.ValueInfo{vi("x:0", tensor.Float32, sym("N"), fixed(2)), vi("y", tensor.Int32, fixed(3))}
	x := tensor.From([]int{5, 2}, make([]float32, 10))
	got, warns, err := Synthesize(inputs, map[string]*tensor.Tensor{"x_0": x}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got["x:0"] != x || len(warns) != 0 || got["y"] == nil {
		t.Errorf("given input by sanitized name: got %v, warnings %q", got, warns)
	}
	// The exact name wins over a sanitized match.
	inputs2 := []*ir.ValueInfo{vi("a.b", tensor.Float32, fixed(1)), vi("a_b", tensor.Float32, fixed(1))}
	one := tensor.From([]int{1}, []float32{9})
	got, _, err = Synthesize(inputs2, map[string]*tensor.Tensor{"a_b": one}, nil, 1)
	if err != nil || got["a_b"] != one || got["a.b"] == one {
		t.Errorf("exact-name match: %v, %v", got, err)
	}
}

func TestSynthesizeErrors(t *testing.T) {
	seqType := &ir.ValueInfo{Name: "s", Type: &ir.Type{Kind: ir.KindSequence, Inner: ir.TensorType(tensor.Float32)}}
	noRank := &ir.ValueInfo{Name: "r", Type: &ir.Type{Kind: ir.KindTensor, Elem: tensor.Float32}}
	cases := []struct {
		name   string
		inputs []*ir.ValueInfo
		given  map[string]*tensor.Tensor
		dims   map[string]int64
		want   error
	}{
		{"unknown -i name", []*ir.ValueInfo{vi("x", tensor.Float32)}, map[string]*tensor.Tensor{"nope": tensor.Scalar(float32(1))}, nil, ErrBadSpec},
		{"two -i for one input", []*ir.ValueInfo{vi("x:0", tensor.Float32)}, map[string]*tensor.Tensor{"x:0": tensor.Scalar(float32(1)), "x_0": tensor.Scalar(float32(1))}, nil, ErrBadSpec},
		{"unknown --dim name", []*ir.ValueInfo{vi("x", tensor.Float32, sym("N"))}, nil, map[string]int64{"M": 2}, ErrBadSpec},
		{"--dim on static model", []*ir.ValueInfo{vi("x", tensor.Float32, fixed(2))}, nil, map[string]int64{"N": 2}, ErrBadSpec},
		{"sequence input", []*ir.ValueInfo{seqType}, nil, nil, ErrBadSpec},
		{"nil type", []*ir.ValueInfo{{Name: "z"}}, nil, nil, ErrBadSpec},
		{"unknown rank", []*ir.ValueInfo{noRank}, nil, nil, ErrBadSpec},
		{"string dtype", []*ir.ValueInfo{vi("s", tensor.String, fixed(2))}, nil, nil, ErrBadSpec},
		{"undefined dtype", []*ir.ValueInfo{vi("u", tensor.Undefined, fixed(2))}, nil, nil, ErrBadSpec},
		{"huge static dim", []*ir.ValueInfo{vi("h", tensor.Float32, fixed(1<<40))}, nil, nil, tensor.ErrLimit},
		{"huge product", []*ir.ValueInfo{vi("h", tensor.Float32, sym("A"), sym("A"), sym("A"), sym("A"))}, nil, map[string]int64{"A": 1 << 30}, tensor.ErrLimit},
	}
	for _, c := range cases {
		_, _, err := Synthesize(c.inputs, c.given, c.dims, 1)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error = %v, want %v", c.name, err, c.want)
		}
	}
	// Inputs that cannot be synthesized are fine when given.
	if _, _, err := Synthesize([]*ir.ValueInfo{noRank}, map[string]*tensor.Tensor{"r": tensor.Scalar(float32(1))}, nil, 1); err != nil {
		t.Errorf("given rank-unknown input: %v", err)
	}
}

func TestStats(t *testing.T) {
	cases := []struct {
		in               []float64
		lo, median, mean float64
	}{
		{nil, 0, 0, 0},
		{[]float64{4}, 4, 4, 4},
		{[]float64{3, 1, 2}, 1, 2, 2},
		{[]float64{4, 1, 3, 2}, 1, 2.5, 2.5},
		{[]float64{10, 1, 1, 1, 2}, 1, 1, 3},
	}
	for _, c := range cases {
		in := append([]float64(nil), c.in...)
		lo, med, mean := Stats(in)
		if lo != c.lo || med != c.median || mean != c.mean {
			t.Errorf("Stats(%v) = %v, %v, %v; want %v, %v, %v", c.in, lo, med, mean, c.lo, c.median, c.mean)
		}
		if !reflect.DeepEqual(in, c.in) {
			t.Errorf("Stats modified its input: %v", in)
		}
	}
}

func jsonKeys(t *testing.T, r *Result) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.HasSuffix(buf.String(), "\n") {
		t.Errorf("JSON is not one line: %q", buf.String())
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestResultJSONShape(t *testing.T) {
	rss, ortRSS := int64(123<<20), int64(99<<20)
	omin, omed, ratio := 1.0, 2.0, 1.5
	r := &Result{Model: "m.onnx", Threads: 2, Warmup: 1, Runs: 3, Inputs: map[string]string{"x": "float32[1]"},
		MinMs: 2, MedianMs: 3, MeanMs: 3, Throughput: 333.3, PeakRSSBytes: &rss, ModelBytes: 1000, TimesMs: []float64{2, 3, 4},
		ORTMinMs: &omin, ORTMedianMs: &omed, Ratio: &ratio, ORTPeakRSSBytes: &ortRSS,
		Profile: []NodeProfile{{Op: "Relu", Name: "r", TotalMs: 1, Calls: 3}}}
	m := jsonKeys(t, r)
	want := map[string]any{"model": "m.onnx", "threads": 2.0, "runs": 3.0, "min_ms": 2.0, "median_ms": 3.0,
		"peak_rss_bytes": float64(rss), "model_bytes": 1000.0, "ort_median_ms": 2.0, "ort_min_ms": 1.0, "ratio": 1.5,
		"ort_peak_rss_bytes": float64(ortRSS), "throughput_per_s": 333.3}
	for k, v := range want {
		if !reflect.DeepEqual(m[k], v) {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if p, ok := m["profile"].([]any); !ok || len(p) != 1 {
		t.Errorf("profile = %v", m["profile"])
	}

	// Without ORT and profile: no ort_* keys; unknown RSS is null.
	r2 := &Result{Model: "m.onnx", Threads: 1, Runs: 1, Inputs: map[string]string{}}
	m2 := jsonKeys(t, r2)
	for k := range m2 {
		if strings.HasPrefix(k, "ort_") || k == "ratio" || k == "profile" {
			t.Errorf("unexpected key %s without ORT/profile", k)
		}
	}
	if v, ok := m2["peak_rss_bytes"]; !ok || v != nil {
		t.Errorf("peak_rss_bytes = %v (present %v), want null", v, ok)
	}
	var keys []string
	for k := range m2 {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range []string{"min_ms", "median_ms", "model", "model_bytes", "runs", "threads"} {
		if _, ok := m2[k]; !ok {
			t.Errorf("missing key %s (have %v)", k, keys)
		}
	}
}

func TestPeakRSS(t *testing.T) {
	v, ok := PeakRSS()
	switch goruntime.GOOS {
	case "linux", "darwin", "freebsd":
		if !ok || v < 1<<20 {
			t.Errorf("PeakRSS() = %d, %v; want at least 1 MiB", v, ok)
		}
	case "js", "wasip1", "windows":
		if ok {
			t.Errorf("PeakRSS() = %d, true on %s", v, goruntime.GOOS)
		}
	}
}

// tinyModel returns y = Relu(x @ w) + b with x [N, 8] (N symbolic).
func tinyModel() *ir.Model {
	g := &ir.Graph{Name: "tiny"}
	g.Inputs = []*ir.ValueInfo{vi("x", tensor.Float32, sym("N"), fixed(8))}
	g.Outputs = []*ir.ValueInfo{{Name: "y", Type: &ir.Type{Kind: ir.KindTensor, Elem: tensor.Float32, HasShape: true, Shape: []ir.Dim{sym("N"), fixed(4)}}}}
	w := make([]float32, 32)
	for i := range w {
		w[i] = float32(i%7) - 3
	}
	g.AddInitializer("w", tensor.From([]int{8, 4}, w))
	g.AddInitializer("b", tensor.From([]int{4}, []float32{1, 2, 3, 4}))
	g.Nodes = []*ir.Node{
		{Name: "mm", OpType: "MatMul", Inputs: []string{"x", "w"}, Outputs: []string{"h"}},
		{Name: "relu", OpType: "Relu", Inputs: []string{"h"}, Outputs: []string{"r"}},
		{Name: "add", OpType: "Add", Inputs: []string{"r", "b"}, Outputs: []string{"y"}},
	}
	return &ir.Model{IRVersion: 8, ProducerName: "bench_test", Opsets: map[string]int64{"": 13}, Graph: g}
}

func TestModelBytes(t *testing.T) {
	dir := t.TempDir()
	m := tinyModel()
	inline := filepath.Join(dir, "inline.onnx")
	if err := onnx.Save(m, inline); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(inline)
	if got, err := ModelBytes(inline); err != nil || got != st.Size() {
		t.Errorf("ModelBytes(inline) = %d, %v; want %d", got, err, st.Size())
	}

	ext := filepath.Join(dir, "ext.onnx")
	if err := onnx.SaveExternal(m, ext, "ext.data", 16); err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(ext)
	st2, err := os.Stat(filepath.Join(dir, "ext.data"))
	if err != nil {
		t.Fatal(err)
	}
	if st2.Size() < 32*4 {
		t.Fatalf("external data holds %d bytes, want the weights there", st2.Size())
	}
	if got, err := ModelBytes(ext); err != nil || got != st1.Size()+st2.Size() {
		t.Errorf("ModelBytes(external) = %d, %v; want %d + %d", got, err, st1.Size(), st2.Size())
	}

	// Missing external file, truncated and corrupt files, missing model.
	os.Remove(filepath.Join(dir, "ext.data"))
	if _, err := ModelBytes(ext); err == nil {
		t.Error("ModelBytes with the external file gone: no error")
	}
	b, _ := os.ReadFile(inline)
	trunc := filepath.Join(dir, "trunc.onnx")
	os.WriteFile(trunc, b[:len(b)-7], 0o644)
	if _, err := ModelBytes(trunc); err == nil {
		t.Error("ModelBytes(truncated): no error")
	}
	bad := filepath.Join(dir, "bad.onnx")
	os.WriteFile(bad, []byte{0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f}, 0o644) // graph field with a huge length
	if _, err := ModelBytes(bad); err == nil {
		t.Error("ModelBytes(corrupt): no error")
	}
	if _, err := ModelBytes(filepath.Join(dir, "none.onnx")); err == nil {
		t.Error("ModelBytes(missing): no error")
	}
}

func saveTiny(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.onnx")
	if err := onnx.Save(tinyModel(), path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunEndToEnd(t *testing.T) {
	path := saveTiny(t)
	var log bytes.Buffer
	res, err := Run(context.Background(), path, Config{Threads: 1, Warmup: 1, Runs: 5, Dims: map[string]int64{"N": 3}, Seed: 1, Profile: true, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if log.Len() != 0 {
		t.Errorf("unexpected warnings: %s", log.String())
	}
	if res.Threads != 1 || res.Runs != 5 || len(res.TimesMs) != 5 || res.MinMs <= 0 || res.MinMs > res.MedianMs || res.Throughput <= 0 {
		t.Errorf("result %+v", res)
	}
	if res.Inputs["x"] != "float32[3,8]" {
		t.Errorf("inputs = %v", res.Inputs)
	}
	if goruntime.GOOS == "linux" && (res.PeakRSSBytes == nil || *res.PeakRSSBytes <= 0) {
		t.Errorf("peak RSS = %v", res.PeakRSSBytes)
	}
	if st, _ := os.Stat(path); res.ModelBytes != st.Size() {
		t.Errorf("model bytes %d, file %d", res.ModelBytes, st.Size())
	}
	if res.ORTMedianMs != nil || res.ORTError != "" {
		t.Errorf("ORT fields set without Config.ORT: %+v", res)
	}
	// Every timed run is profiled once per node (the optimizer may fuse nodes).
	if len(res.Profile) == 0 {
		t.Fatal("no profile")
	}
	for _, p := range res.Profile {
		if p.Calls != 5 || p.Depth != 0 {
			t.Errorf("profile row %+v, want 5 calls at depth 0", p)
		}
	}

	var text, prof bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"latency", "median", "throughput", "peak RSS", "float32[3,8]"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text output lacks %q:\n%s", s, text.String())
		}
	}
	if err := res.WriteProfile(&prof, 1); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(prof.String(), "top 1 of") || !strings.Contains(prof.String(), "by op type") {
		t.Errorf("profile output:\n%s", prof.String())
	}

	// Unset dims warn; bad configs fail.
	log.Reset()
	if _, err := Run(context.Background(), path, Config{Runs: 1, Log: &log}); err != nil || !strings.Contains(log.String(), `"N"`) {
		t.Errorf("unset dim: err %v, log %q", err, log.String())
	}
	if _, err := Run(context.Background(), path, Config{Runs: 0}); !errors.Is(err, ErrBadSpec) {
		t.Errorf("Runs 0: %v", err)
	}
	if _, err := Run(context.Background(), path, Config{Runs: 1, Dims: map[string]int64{"Q": 1}}); !errors.Is(err, ErrBadSpec) {
		t.Errorf("unknown dim: %v", err)
	}
	if _, err := Run(context.Background(), path, Config{Runs: 1, Inputs: map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 2, 9)}}); err == nil {
		t.Error("wrong-shape given input: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, path, Config{Runs: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestRunWithORT(t *testing.T) {
	if err := ortref.Available(); err != nil {
		if testdata.Required() {
			t.Fatalf("%v (%s=1)", err, testdata.EnvRequire)
		}
		t.Skip(err)
	}
	path := saveTiny(t)
	res, err := Run(context.Background(), path, Config{Threads: 2, Warmup: 1, Runs: 3, Dims: map[string]int64{"N": 2}, ORT: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.ORTError != "" || res.ORTMedianMs == nil || res.ORTMinMs == nil || res.Ratio == nil {
		t.Fatalf("ORT result missing: %+v", res)
	}
	if *res.ORTMedianMs <= 0 || *res.ORTMinMs > *res.ORTMedianMs {
		t.Errorf("ORT times min %v median %v", *res.ORTMinMs, *res.ORTMedianMs)
	}
	if want := res.MedianMs / *res.ORTMedianMs; *res.Ratio != want {
		t.Errorf("ratio %v, want %v", *res.Ratio, want)
	}
	m := jsonKeys(t, res)
	for _, k := range []string{"ort_median_ms", "ort_min_ms", "ratio"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s", k)
		}
	}
	var text bytes.Buffer
	res.WriteText(&text)
	if !strings.Contains(text.String(), "ORT") || !strings.Contains(text.String(), "ratio") {
		t.Errorf("text lacks ORT lines:\n%s", text.String())
	}
}
