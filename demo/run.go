package demo

import (
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// Row is one line of the demo table: a variant of the model, its encoded
// size, its top-1 accuracy on the embedded images and its latency.
type Row struct {
	Variant      string
	Bytes        int
	Correct, N   int
	MsPerImage   float64 // batch 1, mean over the test set
	Quantization string  // what was done, "" for fp32
}

// Top1 is the accuracy as a fraction.
func (r Row) Top1() float64 { return float64(r.Correct) / float64(r.N) }

// Options configure Run.
type Options struct {
	// Threads for kernels (0: all cores).
	Threads int
	// CalibrationSamples is how many embedded images calibrate the static
	// int8 model (default 100). They are taken from the start of the same
	// 1,000 test images the accuracy is measured on: the demo ships no
	// training images.
	CalibrationSamples int
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Run quantizes the embedded Fashion-MNIST classifier by static int8 (QDQ,
// per-channel weights, MinMax calibration) and by int4 weight-only, then
// measures the fp32, int8 and int4 models on the 1,000 embedded images.
func Run(opts Options) ([]Row, error) {
	if opts.CalibrationSamples <= 0 {
		opts.CalibrationSamples = 100
	}
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format, args...)
		}
	}
	raw := Model()
	m, err := onnx.Decode(raw, nil)
	if err != nil {
		return nil, fmt.Errorf("demo: embedded model: %w", err)
	}
	rows := []Row{}
	measure := func(name, how string, model *ir.Model, size int) error {
		logf("measuring %s on %d images...\n", name, TestSetSize)
		plan, err := runtime.Compile(model, runtime.Options{Threads: opts.Threads})
		if err != nil {
			return fmt.Errorf("demo: %s: %w", name, err)
		}
		ds, err := TestSet()
		if err != nil {
			return err
		}
		start := time.Now()
		top1, n, err := eval.Accuracy(plan, ds, 1)
		if err != nil {
			return fmt.Errorf("demo: %s: %w", name, err)
		}
		ms := float64(time.Since(start).Microseconds()) / 1000 / float64(n)
		rows = append(rows, Row{Variant: name, Bytes: size, Correct: int(top1*float64(n) + 0.5), N: n, MsPerImage: ms, Quantization: how})
		return nil
	}
	if err := measure("fp32", "", m, len(raw)); err != nil {
		return nil, err
	}

	logf("quantizing: static int8, calibrating on %d images...\n", opts.CalibrationSamples)
	ds, err := TestSet()
	if err != nil {
		return nil, err
	}
	cfg := quant.DefaultConfig(quant.Static)
	cfg.Samples = opts.CalibrationSamples
	q8, _, err := quant.Quantize(m, cfg, pull(eval.Limit(ds, opts.CalibrationSamples)), nil)
	if err != nil {
		return nil, fmt.Errorf("demo: static int8: %w", err)
	}
	b8, err := onnx.Encode(q8)
	if err != nil {
		return nil, err
	}
	if err := measure("int8", "static QDQ, int8 per-channel weights, uint8 activations (MinMax)", q8, len(b8)); err != nil {
		return nil, err
	}

	logf("quantizing: int4 weight-only...\n")
	cfg4 := quant.DefaultConfig(quant.WeightOnly)
	cfg4.WeightBits = 4
	cfg4.BlockSize = 32
	q4, rep4, err := quant.Quantize(m, cfg4, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("demo: int4 weight-only: %w", err)
	}
	b4, err := onnx.Encode(q4)
	if err != nil {
		return nil, err
	}
	how := "weight-only: MatMul/Gemm int4 blocks of 32 (MatMulNBits)"
	for _, l := range rep4.Layers {
		if l.OpType == "Conv" {
			how += ", Conv weights int8 (no int4 Conv kernel)"
			break
		}
	}
	if err := measure("int4", how, q4, len(b4)); err != nil {
		return nil, err
	}
	return rows, nil
}

// pull turns a dataset pass into quant.Samples.
func pull(ds eval.Dataset) quant.Samples {
	next, stop := iter.Pull2(ds.Samples())
	return &samples{next: next, stop: stop}
}

type samples struct {
	next func() (*eval.Sample, error, bool)
	stop func()
}

func (s *samples) Next() (map[string]*tensor.Tensor, error) {
	smp, err, ok := s.next()
	if !ok {
		s.stop()
		return nil, io.EOF
	}
	if err != nil {
		s.stop()
		return nil, err
	}
	return smp.Inputs, nil
}

// WriteTable prints rows as the demo's table.
func WriteTable(w io.Writer, rows []Row) {
	fmt.Fprintf(w, "%-8s %10s %10s %12s\n", "model", "size", "top-1", "ms/image")
	for _, r := range rows {
		fmt.Fprintf(w, "%-8s %9.1fK %9.1f%% %12.3f\n", r.Variant, float64(r.Bytes)/1024, 100*r.Top1(), r.MsPerImage)
	}
	for _, r := range rows {
		if r.Quantization != "" {
			fmt.Fprintf(w, "%s: %s\n", r.Variant, r.Quantization)
		}
	}
}
