package accuracy

import (
	"bytes"
	"iter"
	"math"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/qinfer/qinfer/demo"
	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/tensor"
)

func TestOptions(t *testing.T) {
	o := Options{}
	if err := o.defaults(); err != nil {
		t.Fatal(err)
	}
	if len(o.Tasks) != len(Tasks) || o.FMNISTCalib != 500 || o.RecLines != 100 || o.Pages != 10 || len(o.MemSamples) != 2 {
		t.Errorf("defaults %+v", o)
	}
	if err := (&Options{Tasks: []string{"fmnist", "nope"}}).defaults(); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown task: err = %v", err)
	}
	if err := (&Options{RecLines: -1}).defaults(); err == nil {
		t.Error("negative count accepted")
	}
	if _, err := Run(Options{Tasks: []string{"memory"}, FashionMNISTDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "qinfer binary") {
		t.Errorf("memory without binary: err = %v", err)
	}
}

func TestStackBatches(t *testing.T) {
	ds := memDS{}
	for i := range 5 {
		ds = append(ds, &eval.Sample{Name: "s", Label: i, Inputs: map[string]*tensor.Tensor{"x": tensor.From([]int{1, 2}, []float32{float32(i), -float32(i)})}})
	}
	bs, labels, err := stackBatches(ds, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 || len(labels) != 5 || labels[4] != 4 {
		t.Fatalf("%d batches, labels %v", len(bs), labels)
	}
	if s := bs[2].Shape(); len(s) != 2 || s[0] != 1 || s[1] != 2 {
		t.Errorf("last batch shape %v", s)
	}
	if v := bs[1].Float32s(); v[0] != 2 || v[3] != -3 {
		t.Errorf("batch 1 = %v", v)
	}
}

func TestRecTailNodes(t *testing.T) {
	n := func(name, op string) *ir.Node { return &ir.Node{Name: name, OpType: op} }
	m := &ir.Model{Graph: &ir.Graph{Nodes: []*ir.Node{n("c", "Conv"), n("m1", "MatMul"), n("r", "Relu"), n("m2", "MatMul"), n("a", "Add"), n("s", "Softmax")}}}
	if got := strings.Join(recTailNodes(m), ","); got != "m2,a,s" {
		t.Errorf("tail %q", got)
	}
	m.Graph.Nodes = m.Graph.Nodes[:1]
	if got := recTailNodes(m); got != nil {
		t.Errorf("no MatMul: tail %v", got)
	}
}

func TestMarkdown(t *testing.T) {
	var cer, vs eval.CER
	cer.Add("hello world", "hello world")
	vs.Add("abc", "abd")
	r := &Report{Started: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), Elapsed: 90 * time.Second, Threads: 2, Platform: "linux/amd64",
		FMNIST: &FMNISTResult{CalibImages: 500, Rows: []ModelRow{{Variant: "fp32", Bytes: 2048, Top1: 0.9, N: 10000, Agree: 1},
			{Variant: "static int8 minmax", How: "QDQ", Bytes: 1024, Top1: 0.895, N: 10000, Agree: 0.99, Seconds: 1.5}}},
		ORT:    &ORTResult{Model: "m", N: 10000, QinferTop1: 0.895, Top1: 0.8951, Within: true, Disagree: 3, Batch: 1000},
		Rec:    &RecResult{Lines: 1, Rows: []RecRow{{Variant: "fp32", CER: cer, VsFP32: cer}, {Variant: "int8", CER: vs, VsFP32: vs, Excluded: []string{"n1"}}}, Examples: []RecExample{{"int8", "a|b", "a|b", ""}}},
		Det:    &DetResult{Pages: 1, W: 640, H: 640, Rows: []DetRow{{Variant: "fp32"}}},
		Memory: &MemoryResult{Rows: []MemoryRow{{100, 30 << 20, 1}, {10000, 32 << 20, 9}}, Spread: 2 << 20, Within: true},
	}
	var b bytes.Buffer
	if err := r.Markdown(&b, "qinfer accuracy"); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# Quantization accuracy", "| static int8 minmax | 1.0 KiB | 89.50% | -0.50 pt | 99.00% | 1.5 s | QDQ |",
		"| qinfer | 89.50% |", "Difference 0.01 pt (within", "| int8 | 0.0 KiB | 33.33% | +33.33 pt |", "`n1`",
		"`a\\|b`", "(empty)", "| 10000 | 32.0 MiB | 9.0 s |", "Spread 2.0 MiB, within",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestFMNISTSmall runs the Fashion-MNIST task on a few images: the table
// has every variant, sizes shrink, and accuracies are sane.
func TestFMNISTSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("quantizes the demo model 7 times")
	}
	dir := testdata.FashionMNIST()
	testdata.Require(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"))
	o := Options{Tasks: []string{"fmnist"}, FMNISTCalib: 20, FMNISTTest: 200, Threads: 2}
	rep, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	rows := rep.FMNIST.Rows
	if len(rows) != 8 || rows[0].Variant != "fp32" {
		t.Fatalf("rows %+v", rows)
	}
	for _, r := range rows {
		// Histogram calibrations on 20 images are loose; the others must
		// stay close to fp32.
		floor := 0.8
		if strings.Contains(r.Variant, "entropy") || strings.Contains(r.Variant, "mse") || strings.Contains(r.Variant, "percentile") {
			floor = 0.5
		}
		if r.N != 200 || r.Top1 < floor-0.1 || r.Agree < floor || r.Bytes <= 0 {
			t.Errorf("%s: %+v", r.Variant, r)
		}
		if r.Variant != "fp32" && r.Bytes >= rows[0].Bytes {
			t.Errorf("%s: %d bytes, fp32 %d", r.Variant, r.Bytes, rows[0].Bytes)
		}
	}
}

// TestLayerSQNRsAndRanks checks the per-layer comparison on the demo model:
// a static int8 copy has quantized activations matched with their float
// twins, at a sane SQNR; AnnotateRanks declares the rank of every
// intermediate value.
func TestLayerSQNRsAndRanks(t *testing.T) {
	m, err := onnx.Decode(demo.Model(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := demo.TestSet()
	if err != nil {
		t.Fatal(err)
	}
	var feeds []map[string]*tensor.Tensor
	for s, err := range eval.Limit(ds, 8).Samples() {
		if err != nil {
			t.Fatal(err)
		}
		feeds = append(feeds, s.Inputs)
	}
	am, err := quant.AnnotateRanks(m, feeds[0], 1)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]int{}
	for _, vi := range am.Graph.ValueInfo {
		declared[vi.Name] = len(vi.Type.Shape)
	}
	for _, n := range am.Graph.Nodes {
		for _, o := range n.Outputs {
			if _, ok := declared[o]; !ok && o != demo.OutputName {
				t.Errorf("%s output %q has no declared rank", n.OpType, o)
			}
		}
	}
	if len(m.Graph.ValueInfo) == len(am.Graph.ValueInfo) {
		t.Error("AnnotateRanks changed its input model or added nothing")
	}
	cfg := quant.DefaultConfig(quant.Static)
	q, _, err := quant.Quantize(m, cfg, &quant.SliceSamples{Feeds: feeds}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := LayerSQNRs(m, q, feeds, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) < 3 {
		t.Fatalf("%d layers matched", len(ls))
	}
	for i, l := range ls {
		if math.IsNaN(l.SQNR) || l.SQNR < 10 || l.Producer == "" {
			t.Errorf("layer %+v", l)
		}
		if i > 0 && l.SQNR < ls[i-1].SQNR {
			t.Error("not sorted worst first")
		}
	}
}

// TestPeakRSS reads a finished child's peak RSS: a process that touches
// 64 MiB must report at least that much.
func TestPeakRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read on Linux only")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(py, "-c", "b = bytearray(64 << 20)")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	rss, err := peakRSS(cmd)
	if err != nil || rss < 64<<20 || rss > 1<<30 {
		t.Errorf("peak RSS %d, %v", rss, err)
	}
}

func TestParseTimeRSS(t *testing.T) {
	got, err := parseTimeRSS("calibrating 100%\n" + memMarker + "51200\n")
	if err != nil || got != 50<<20 {
		t.Errorf("parseTimeRSS = %d, %v", got, err)
	}
	for _, bad := range []string{"", memMarker, memMarker + "x", memMarker + "-3"} {
		if _, err := parseTimeRSS(bad); err == nil {
			t.Errorf("parseTimeRSS(%q) accepted", bad)
		}
	}
}

type memDS []*eval.Sample

func (m memDS) Len() int { return len(m) }

func (m memDS) Samples() iter.Seq2[*eval.Sample, error] {
	return func(yield func(*eval.Sample, error) bool) {
		for _, s := range m {
			if !yield(s, nil) {
				return
			}
		}
	}
}
