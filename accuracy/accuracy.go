// Package accuracy measures what post-training quantization costs on real
// tasks and writes the tables of docs/ACCURACY.md:
//
//   - fmnist: top-1 of the demo Fashion-MNIST CNN on the 10,000-image test
//     split in fp32 and in every quantization method (static int8 with each
//     calibration, dynamic, weight-only int8 and int4), with model sizes;
//   - ort: the static int8 (MinMax) file run by ONNX Runtime against qinfer;
//   - rec: character error rate of PaddleOCR's PP-OCRv4 recognizer on
//     rendered English text lines, fp32 against static int8 variants, with
//     the per-layer SQNR that explains the gap;
//   - det: PP-OCRv4 detection on rendered pages, IoU of the thresholded
//     probability maps of int8 against fp32 (and against the text boxes);
//   - memory: peak RSS of `qinfer quantize` with entropy calibration over
//     few and many samples (calibration memory must not grow with samples).
//
// Every input is either a Debian package (Fashion-MNIST), a model cached by
// scripts/testdata.sh (PP-OCR) or rendered from a fixed seed (text), so the
// tables can be reproduced anywhere with `make accuracy`.
package accuracy

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/qinfer/qinfer/internal/testdata"
)

// Tasks lists the task names Run knows, in the order it runs them.
var Tasks = []string{"fmnist", "ort", "rec", "det", "memory"}

// Options select the tasks and their sizes. Zero fields take the defaults
// noted (the default run takes a few minutes on 2 cores).
type Options struct {
	// Tasks to run (nil: all of Tasks).
	Tasks []string
	// FashionMNISTDir holds the IDX files (default Debian's
	// /usr/share/datasets/fashion-mnist).
	FashionMNISTDir string
	// PPOCRDir holds ch_PP-OCRv4_{det,rec}_infer.onnx and ppocr_keys_v1.txt
	// (default .cache/ppocr of the repository).
	PPOCRDir string
	// WorkDir receives the model files and batches written on the way
	// (default: a temporary folder, removed at the end).
	WorkDir string
	// Threads for qinfer kernels and ONNX Runtime (0: all cores).
	Threads int

	// FMNISTCalib is the number of train images that calibrate static
	// quantization (500).
	FMNISTCalib int
	// FMNISTTest caps the test images (0: all 10,000).
	FMNISTTest int
	// ORTBatch is the number of test images per ONNX Runtime call (1000).
	ORTBatch int

	// RecLines is the number of rendered lines scored (100); RecCalib the
	// number of other lines that calibrate (30); RecLayers the number of
	// calibration lines the per-layer SQNR is measured on (4).
	RecLines, RecCalib, RecLayers int
	// RecTail adds a variant that leaves the CTC head (last MatMul → Add →
	// Softmax) in float.
	RecTail bool
	// Pages is the number of rendered pages scored (10); PageCalib the
	// number of other pages that calibrate (4).
	Pages, PageCalib int
	// MemSamples are the calibration sample counts whose peak RSS is
	// compared (100 and 10,000).
	MemSamples []int
	// Qinfer is the qinfer binary the memory task runs as a child process
	// (required by that task; `qinfer accuracy` passes itself).
	Qinfer string

	// Log receives progress lines (nil: discarded).
	Log io.Writer
}

func (o *Options) defaults() error {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if o.Tasks == nil {
		o.Tasks = Tasks
	}
	for _, t := range o.Tasks {
		if !slices.Contains(Tasks, t) {
			return fmt.Errorf("accuracy: unknown task %q (want %s)", t, strings.Join(Tasks, ", "))
		}
	}
	if o.FashionMNISTDir == "" {
		o.FashionMNISTDir = testdata.FashionMNIST()
	}
	if o.PPOCRDir == "" {
		o.PPOCRDir = filepath.Dir(testdata.PPOCR("rec"))
	}
	if o.Threads <= 0 {
		o.Threads = runtime.NumCPU()
	}
	def(&o.FMNISTCalib, 500)
	def(&o.ORTBatch, 1000)
	def(&o.RecLines, 100)
	def(&o.RecCalib, 30)
	def(&o.RecLayers, 4)
	def(&o.Pages, 10)
	def(&o.PageCalib, 4)
	if o.MemSamples == nil {
		o.MemSamples = []int{100, 10000}
	}
	for _, v := range []int{o.FMNISTCalib, o.FMNISTTest, o.ORTBatch, o.RecLines, o.RecCalib, o.RecLayers, o.Pages, o.PageCalib} {
		if v < 0 {
			return fmt.Errorf("accuracy: negative sample count in %+v", *o)
		}
	}
	return nil
}

func (o *Options) has(task string) bool { return slices.Contains(o.Tasks, task) }

func (o *Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// Report holds the results of the tasks run (nil for those not run).
type Report struct {
	Started  time.Time
	Elapsed  time.Duration
	Threads  int
	Platform string // GOOS/GOARCH, CPU count, Go version

	FMNIST *FMNISTResult
	ORT    *ORTResult
	Rec    *RecResult
	Det    *DetResult
	Memory *MemoryResult
}

// Run runs the selected tasks in order and returns their results. A task
// that fails stops the run with its error; the report holds what finished.
func Run(opts Options) (*Report, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	rep := &Report{Started: time.Now(), Threads: opts.Threads,
		Platform: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	defer func() { rep.Elapsed = time.Since(rep.Started) }()
	if opts.WorkDir == "" {
		dir, err := os.MkdirTemp("", "qinfer-accuracy-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(dir)
		opts.WorkDir = dir
	} else if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		return rep, err
	}
	var err error
	step := func(task string, f func() error) {
		if err != nil || !opts.has(task) {
			return
		}
		start := time.Now()
		opts.logf("== %s", task)
		if err = f(); err != nil {
			err = fmt.Errorf("accuracy: %s: %w", task, err)
			return
		}
		opts.logf("== %s done in %s", task, time.Since(start).Round(time.Second))
	}
	step("fmnist", func() (e error) { rep.FMNIST, e = runFMNIST(&opts); return })
	step("ort", func() (e error) { rep.ORT, e = runORT(&opts); return })
	step("rec", func() (e error) { rep.Rec, e = runRec(&opts); return })
	step("det", func() (e error) { rep.Det, e = runDet(&opts); return })
	step("memory", func() (e error) { rep.Memory, e = runMemory(&opts); return })
	return rep, err
}
