package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/qinfer/qinfer/accuracy"
	"github.com/spf13/cobra"
)

func accuracyCmd() *cobra.Command {
	var (
		o                  accuracy.Options
		tasks, mem         []string
		out, workdir, self string
	)
	c := &cobra.Command{
		Use:   "accuracy [--tasks fmnist,ort,rec,det,memory] [-o docs/ACCURACY.md] [sizes...]",
		Short: "Measure quantization accuracy on real tasks and write the tables (docs/ACCURACY.md)",
		Long: `Measure what post-training quantization costs on real tasks:

  fmnist  demo Fashion-MNIST CNN, 10k test images: top-1 and size of fp32,
          static int8 (minmax, percentile, entropy, mse), dynamic, weight-only
          int8 and int4; calibration on the train split
  ort     the static int8 file run by ONNX Runtime vs qinfer (needs node and
          onnxruntime-node from scripts/testdata.sh)
  rec     PP-OCRv4 recognition on rendered text lines: CER fp32 vs int8, and
          the worst layers by SQNR
  det     PP-OCRv4 detection on rendered pages: IoU of the 0.3-thresholded
          maps, int8 vs fp32
  memory  peak RSS of 'qinfer quantize --calibration entropy' over few and
          many calibration samples

The tables are written as Markdown to -o (default: standard output).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Tasks = qzSplit(tasks)
			for _, s := range qzSplit(mem) {
				var n int
				if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
					return fmt.Errorf("accuracy: --mem-samples %q: want positive counts", s)
				}
				o.MemSamples = append(o.MemSamples, n)
			}
			o.WorkDir = workdir
			o.Log = cmd.ErrOrStderr()
			if self == "" {
				exe, err := os.Executable()
				if err != nil {
					return err
				}
				self = exe
			}
			o.Qinfer = self
			rep, err := accuracy.Run(o)
			if err != nil {
				return err
			}
			cmdline := "qinfer accuracy"
			if len(os.Args) > 2 {
				cmdline += " " + strings.Join(os.Args[2:], " ")
			}
			if out == "" {
				return rep.Markdown(cmd.OutOrStdout(), cmdline)
			}
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			if err := rep.Markdown(f, cmdline); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", out)
			return nil
		},
	}
	f := c.Flags()
	f.StringSliceVar(&tasks, "tasks", nil, "tasks to run: "+strings.Join(accuracy.Tasks, ",")+" (default all)")
	f.StringVarP(&out, "output", "o", "", "Markdown file to write (default: standard output)")
	f.StringVar(&workdir, "workdir", "", "keep the model files written on the way here (default: a temporary folder)")
	f.IntVar(&o.Threads, "threads", 0, "threads for qinfer and ONNX Runtime (0: all cores)")
	f.StringVar(&o.FashionMNISTDir, "fmnist-dir", "", "Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist)")
	f.StringVar(&o.PPOCRDir, "ppocr-dir", "", "folder of the PP-OCRv4 models and ppocr_keys_v1.txt (default .cache/ppocr)")
	f.IntVar(&o.FMNISTCalib, "fmnist-calib", 500, "train images that calibrate static quantization")
	f.IntVar(&o.FMNISTTest, "fmnist-test", 0, "test images scored (0: all 10,000)")
	f.IntVar(&o.ORTBatch, "ort-batch", 1000, "test images per ONNX Runtime call")
	f.IntVar(&o.RecLines, "rec-lines", 100, "rendered text lines scored")
	f.IntVar(&o.RecCalib, "rec-calib", 30, "other rendered lines that calibrate")
	f.IntVar(&o.RecLayers, "rec-layers", 4, "calibration lines the per-layer SQNR is measured on")
	f.IntVar(&o.Pages, "pages", 10, "rendered pages scored")
	f.IntVar(&o.PageCalib, "page-calib", 4, "other rendered pages that calibrate")
	f.BoolVar(&o.RecTail, "rec-tail", false, "add a rec variant with the CTC head (last MatMul, Add, Softmax) in float")
	f.StringSliceVar(&mem, "mem-samples", nil, "calibration sample counts whose peak RSS is compared (default 100,10000)")
	f.StringVar(&self, "qinfer", "", "qinfer binary the memory task runs (default: this one)")
	return c
}
