package accuracy

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/qinfer/qinfer/demo"
	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// ModelRow is one variant of the Fashion-MNIST model.
type ModelRow struct {
	Variant string
	How     string // the quantization settings
	Bytes   int    // encoded ONNX size
	Top1    float64
	N       int     // test images
	Agree   float64 // top-1 agreement with fp32
	Seconds float64 // quantization (incl. calibration) wall time
}

// FMNISTResult is the Fashion-MNIST table.
type FMNISTResult struct {
	Rows        []ModelRow
	CalibImages int
	// Layers holds, per static variant, the SQNR of each quantized
	// activation against fp32 on LayerImages calibration images, in graph
	// order.
	Layers      map[string][]LayerSQNR
	LayerImages int
	CalibFrom   string
	TestFrom    string
	Notes       []string
}

// ORTResult compares qinfer and ONNX Runtime on one quantized file.
type ORTResult struct {
	Model              string // what the file is
	N                  int
	QinferTop1, Top1   float64 // qinfer's and ONNX Runtime's top-1
	Disagree           int     // images whose predicted classes differ
	Batch              int
	Within             bool // |qinfer - ORT| <= 0.1 pt
	QinferOnFileSource string
}

// variant is one way to quantize a model.
type variant struct {
	name, how string
	cfg       quant.Config
	fp32      bool
}

// fmnistVariants lists the Fashion-MNIST table's rows.
func fmnistVariants(calib int) []variant {
	static := func(c quant.Calibration, pct float64) quant.Config {
		cfg := quant.DefaultConfig(quant.Static)
		cfg.Calibration, cfg.Samples = c, calib
		if pct != 0 {
			cfg.Percentile = pct
		}
		return cfg
	}
	wo4 := quant.DefaultConfig(quant.WeightOnly)
	wo4.WeightBits, wo4.BlockSize = 4, 32
	return []variant{
		{name: "fp32", fp32: true},
		{"static int8 minmax", "QDQ, int8 per-channel weights, uint8 activations, MinMax", static(quant.CalibMinMax, 0), false},
		{"static int8 percentile", "as above, Percentile 99.99", static(quant.CalibPercentile, 99.99), false},
		{"static int8 entropy", "as above, Entropy (KL)", static(quant.CalibEntropy, 0), false},
		{"static int8 mse", "as above, MSE", static(quant.CalibMSE, 0), false},
		{"dynamic int8", "DynamicQuantizeMatMul / ConvInteger, activations quantized at run time", quant.DefaultConfig(quant.Dynamic), false},
		{"weight-only int8", "int8 per-channel weights, float compute", quant.DefaultConfig(quant.WeightOnly), false},
		{"weight-only int4", "MatMul/Gemm int4 blocks of 32 (MatMulNBits); Conv weights int8", wo4, false},
	}
}

func fmnistPaths(dir string) (trainImages, testImages string) {
	return filepath.Join(dir, "train-images-idx3-ubyte.gz"), filepath.Join(dir, "t10k-images-idx3-ubyte.gz")
}

// fmnistTestSet opens the test split (limited to n when n > 0).
func fmnistTestSet(o *Options) (eval.Dataset, error) {
	_, test := fmnistPaths(o.FashionMNISTDir)
	pp, err := (&eval.Preprocess{}).For(demo.Input())
	if err != nil {
		return nil, err
	}
	ds, err := eval.OpenIDX(test, demo.InputName, pp)
	if err != nil {
		return nil, err
	}
	if o.FMNISTTest > 0 {
		return eval.Limit(ds, o.FMNISTTest), nil
	}
	return ds, nil
}

// fmnistCalibration reads the first n train images as calibration feeds.
func fmnistCalibration(o *Options, n int) (*quant.SliceSamples, error) {
	train, _ := fmnistPaths(o.FashionMNISTDir)
	pp, err := (&eval.Preprocess{}).For(demo.Input())
	if err != nil {
		return nil, err
	}
	ds, err := eval.OpenIDX(train, demo.InputName, pp)
	if err != nil {
		return nil, err
	}
	s := &quant.SliceSamples{}
	for smp, err := range eval.Limit(ds, n).Samples() {
		if err != nil {
			return nil, err
		}
		s.Feeds = append(s.Feeds, smp.Inputs)
	}
	if len(s.Feeds) < n {
		return nil, fmt.Errorf("only %d train images for %d calibration samples", len(s.Feeds), n)
	}
	return s, nil
}

// build quantizes m per v (fp32: m itself), encodes the result and
// compiles the decoded bytes, so that what is measured is the file.
func build(m *ir.Model, v variant, data quant.Samples, threads int) (plan *runtime.Plan, file []byte, rep *quant.Report, secs float64, err error) {
	qm := m
	if !v.fp32 {
		start := time.Now()
		if qm, rep, err = quant.Quantize(m, v.cfg, data, nil); err != nil {
			return nil, nil, nil, 0, fmt.Errorf("%s: %w", v.name, err)
		}
		secs = time.Since(start).Seconds()
	}
	if file, err = onnx.Encode(qm); err != nil {
		return nil, nil, nil, 0, fmt.Errorf("%s: encode: %w", v.name, err)
	}
	dm, err := onnx.Decode(file, nil)
	if err != nil {
		return nil, nil, nil, 0, fmt.Errorf("%s: decode: %w", v.name, err)
	}
	if plan, err = runtime.Compile(dm, runtime.Options{Threads: threads}); err != nil {
		return nil, nil, nil, 0, fmt.Errorf("%s: compile: %w", v.name, err)
	}
	return plan, file, rep, secs, nil
}

func runFMNIST(o *Options) (*FMNISTResult, error) {
	m, err := onnx.Decode(demo.Model(), nil)
	if err != nil {
		return nil, err
	}
	test, err := fmnistTestSet(o)
	if err != nil {
		return nil, err
	}
	calib, err := fmnistCalibration(o, o.FMNISTCalib)
	if err != nil {
		return nil, err
	}
	train, testPath := fmnistPaths(o.FashionMNISTDir)
	res := &FMNISTResult{CalibImages: o.FMNISTCalib, CalibFrom: train, TestFrom: testPath,
		Layers: map[string][]LayerSQNR{}, LayerImages: min(50, len(calib.Feeds))}
	var ref []int
	for _, v := range fmnistVariants(o.FMNISTCalib) {
		data := &quant.SliceSamples{Feeds: calib.Feeds}
		plan, file, rep, secs, err := build(m, v, data, o.Threads)
		if err != nil {
			return nil, err
		}
		pred, labels, err := predict(plan, test, 100)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.name, err)
		}
		if ref == nil {
			ref = pred
		}
		if !v.fp32 && v.cfg.Method == quant.Static && res.LayerImages > 0 {
			qm, err := onnx.Decode(file, nil)
			if err != nil {
				return nil, err
			}
			ls, err := LayerSQNRs(m, qm, calib.Feeds[:res.LayerImages], o.Threads)
			if err != nil {
				return nil, fmt.Errorf("%s: per-layer SQNR: %w", v.name, err)
			}
			sort.SliceStable(ls, func(i, j int) bool { return ls[i].Order < ls[j].Order })
			res.Layers[v.name] = ls
		}
		n, correct, same := len(pred), 0, 0
		for i, p := range pred {
			if p == labels[i] {
				correct++
			}
			if p == ref[i] {
				same++
			}
		}
		top1, agree := float64(correct)/float64(n), float64(same)/float64(n)
		o.logf("%-24s %8d bytes  top-1 %.2f%%  agreement %.2f%%", v.name, len(file), 100*top1, 100*agree)
		res.Rows = append(res.Rows, ModelRow{Variant: v.name, How: v.how, Bytes: len(file), Top1: top1, N: n, Agree: agree, Seconds: secs})
		if rep != nil {
			for _, note := range rep.Notes {
				res.Notes = append(res.Notes, v.name+": "+note)
			}
		}
	}
	return res, nil
}

// runORT quantizes the model (static int8, MinMax), writes the file, and
// runs it with qinfer and with ONNX Runtime on the same test batches.
func runORT(o *Options) (*ORTResult, error) {
	if err := ortref.Available(); err != nil {
		return nil, err
	}
	m, err := onnx.Decode(demo.Model(), nil)
	if err != nil {
		return nil, err
	}
	calib, err := fmnistCalibration(o, o.FMNISTCalib)
	if err != nil {
		return nil, err
	}
	v := fmnistVariants(o.FMNISTCalib)[1]
	qm, _, err := quant.Quantize(m, v.cfg, calib, nil)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(o.WorkDir, "fmnist_static_int8_minmax.onnx")
	if err := onnx.Save(qm, file); err != nil {
		return nil, err
	}
	fm, err := onnx.Load(file)
	if err != nil {
		return nil, err
	}
	plan, err := runtime.Compile(fm, runtime.Options{Threads: o.Threads})
	if err != nil {
		return nil, err
	}
	test, err := fmnistTestSet(o)
	if err != nil {
		return nil, err
	}
	batches, labels, err := stackBatches(test, o.ORTBatch)
	if err != nil {
		return nil, err
	}
	res := &ORTResult{Model: "static int8 minmax (" + filepath.Base(file) + ")", Batch: o.ORTBatch}
	sess := plan.NewSession()
	okQ, okO, k := 0, 0, 0
	for bi, x := range batches {
		feed := map[string]*tensor.Tensor{demo.InputName: x}
		// The batch is written as .npy once (ortref does it) and read by
		// ONNX Runtime; qinfer runs the same tensor.
		ort, err := ortref.Run(file, feed, o.Threads)
		if err != nil {
			return nil, fmt.Errorf("batch %d: %w", bi, err)
		}
		got, err := sess.Run(feed)
		if err != nil {
			return nil, fmt.Errorf("batch %d: qinfer: %w", bi, err)
		}
		pq, err := eval.Top1(got[demo.OutputName])
		if err != nil {
			return nil, err
		}
		po, err := eval.Top1(ort[demo.OutputName])
		if err != nil {
			return nil, err
		}
		if len(pq) != len(po) {
			return nil, fmt.Errorf("batch %d: %d and %d predictions", bi, len(pq), len(po))
		}
		for i := range pq {
			if pq[i] == labels[k] {
				okQ++
			}
			if po[i] == labels[k] {
				okO++
			}
			if pq[i] != po[i] {
				res.Disagree++
			}
			k++
		}
		o.logf("ort batch %d/%d", bi+1, len(batches))
	}
	res.N = k
	res.QinferTop1, res.Top1 = float64(okQ)/float64(k), float64(okO)/float64(k)
	res.Within = math.Abs(res.QinferTop1-res.Top1) <= 0.001+1e-12
	o.logf("qinfer %.2f%%  onnxruntime %.2f%%  %d images disagree", 100*res.QinferTop1, 100*res.Top1, res.Disagree)
	return res, nil
}

// predict runs plan over ds and returns the top-1 class and the label of
// every sample.
func predict(plan *runtime.Plan, ds eval.Dataset, batch int) (pred, labels []int, err error) {
	name := plan.Outputs[0].Name
	err = eval.Run(plan, ds, batch, func(samples []*eval.Sample, out map[string]*tensor.Tensor) error {
		p, err := eval.Top1(out[name])
		if err != nil {
			return err
		}
		if len(p) != len(samples) {
			return fmt.Errorf("%d predictions for %d samples", len(p), len(samples))
		}
		pred = append(pred, p...)
		for _, s := range samples {
			if s.Label == eval.NoLabel {
				return fmt.Errorf("sample %q has no label", s.Name)
			}
			labels = append(labels, s.Label)
		}
		return nil
	})
	return pred, labels, err
}

// stackBatches reads ds into [batch, ...] tensors and the labels.
func stackBatches(ds eval.Dataset, batch int) ([]*tensor.Tensor, []int, error) {
	var out []*tensor.Tensor
	var labels []int
	var cur []float32
	var shape []int
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		s := append([]int{len(cur) / per(shape)}, shape[1:]...)
		t, err := tensor.FromData(tensor.Float32, s, cur)
		if err != nil {
			return err
		}
		out = append(out, t)
		cur = nil
		return nil
	}
	for smp, err := range ds.Samples() {
		if err != nil {
			return nil, nil, err
		}
		if len(smp.Inputs) != 1 {
			return nil, nil, fmt.Errorf("sample %q has %d inputs", smp.Name, len(smp.Inputs))
		}
		for _, x := range smp.Inputs {
			if shape == nil {
				shape = x.Shape()
			}
			cur = append(cur, x.Float32s()...)
		}
		labels = append(labels, smp.Label)
		if len(cur)/per(shape) == batch {
			if err := flush(); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return out, labels, nil
}

func per(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return max(n, 1)
}

// writeFile writes b to WorkDir/name and returns the path.
func writeFile(o *Options, name string, b []byte) (string, error) {
	p := filepath.Join(o.WorkDir, name)
	return p, os.WriteFile(p, b, 0o644)
}
