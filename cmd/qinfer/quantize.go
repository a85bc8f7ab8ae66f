package main

import (
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/tensor"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// qzSamples adapts an eval.Dataset pass to quant.Samples.
type qzSamples struct {
	next func() (*eval.Sample, error, bool)
	stop func()
}

func qzPass(ds eval.Dataset) *qzSamples {
	next, stop := iter.Pull2(ds.Samples())
	return &qzSamples{next: next, stop: stop}
}

// Next returns the next sample's inputs, or io.EOF.
func (s *qzSamples) Next() (map[string]*tensor.Tensor, error) {
	smp, err, ok := s.next()
	if !ok {
		return nil, io.EOF
	}
	if err != nil {
		return nil, err
	}
	return smp.Inputs, nil
}

// qzOpenData opens --data for model m with --preprocess.
func qzOpenData(m *ir.Model, spec, pre string) (eval.Dataset, error) {
	var pp *eval.Preprocess
	if pre != "" {
		var err error
		if pp, err = eval.ParsePreprocess(pre); err != nil {
			return nil, err
		}
	}
	return eval.Open(spec, m.Graph.RealInputs(), pp)
}

func quantizeCmd() *cobra.Command {
	var (
		out, method, calib, data, overrides, pre, int4Format, dynFormat, actType string
		bits, block, samples                                                     int
		perTensor, clipMSE, actSym, weightAsym                                   bool
		percentile                                                               float64
		exclude, opTypes                                                         []string
	)
	c := &cobra.Command{
		Use: "quantize MODEL -o OUT --method weight-only|dynamic|static [--weight-bits 8|4] [--block-size N] [--per-tensor] " +
			"[--calibration minmax|percentile|entropy|mse] [--percentile P] --data SPEC [--samples N] [--exclude NAME,...] " +
			"[--op-types Conv,MatMul,...] [--overrides FILE] [--preprocess ...]",
		Short: "Quantize a float model (weight-only, dynamic or static QDQ) and print a summary",
		Long: `Quantize a float ONNX model and write the result to OUT.

  weight-only  MatMul/Gemm/Conv weights stored in 8 bits (DequantizeLinear → op),
               or 4 bits for MatMul/Gemm (com.microsoft MatMulNBits, or with
               --int4-format qdq an opset-21 int4 DequantizeLinear → MatMul)
  dynamic      MatMul/Gemm → com.microsoft DynamicQuantizeMatMul (or with
               --dynamic-format onnx DynamicQuantizeLinear + MatMulInteger),
               Conv → DynamicQuantizeLinear + ConvInteger
  static       calibrates activations on --data (npy:DIR, idx:FILE or images:DIR)
               and inserts QuantizeLinear/DequantizeLinear pairs: qinfer and
               ONNX Runtime run the Conv/MatMul/Gemm as integer kernels

Activation tensor x becomes x_float → QuantizeLinear → x_quantized →
DequantizeLinear → x, so 'qinfer compare --layers' matches it with x in the
float model. The summary lists bytes before/after, each weight's SQNR and
the nodes left in float with the reason.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("quantize: -o OUT is required")
			}
			m, err := quant.ParseMethod(method)
			if err != nil {
				return err
			}
			cfg := quant.DefaultConfig(m)
			cfg.WeightBits, cfg.BlockSize, cfg.PerTensor, cfg.ClipMSE = bits, block, perTensor, clipMSE
			cfg.WeightSigned = !weightAsym
			if cfg.Calibration, err = quant.ParseCalibration(calib); err != nil {
				return err
			}
			cfg.Percentile = percentile
			cfg.Samples = samples
			cfg.Exclude = qzSplit(exclude)
			if len(opTypes) > 0 {
				cfg.OpTypes = qzSplit(opTypes)
			}
			cfg.Int4Format = quant.Int4Format(strings.ToLower(int4Format))
			cfg.DynamicFormat = quant.DynamicFormat(strings.ToLower(dynFormat))
			switch strings.ToLower(actType) {
			case "uint8":
				cfg.ActivationType = tensor.Uint8
			case "int8":
				cfg.ActivationType = tensor.Int8
			default:
				return fmt.Errorf("quantize: --activation-type %q (want uint8 or int8)", actType)
			}
			cfg.ActivationSymmetric = actSym
			if overrides != "" {
				if cfg.Overrides, err = quant.LoadOverrides(overrides); err != nil {
					return err
				}
			}
			model, err := onnx.Load(args[0])
			if err != nil {
				return err
			}
			var samplesIn quant.Samples
			var progress func(done, total int)
			if m == quant.Static {
				if data == "" {
					return fmt.Errorf("quantize: --method static needs --data SPEC (npy:DIR, idx:FILE or images:DIR)")
				}
				ds, err := qzOpenData(model, data, pre)
				if err != nil {
					return err
				}
				total := ds.Len()
				if samples > 0 {
					total = min(total, samples)
				}
				cfg.Samples = total
				pass := qzPass(ds)
				defer pass.stop()
				samplesIn = pass
				bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(cmd.ErrOrStderr()),
					progressbar.OptionSetDescription("calibrating"), progressbar.OptionShowCount(),
					progressbar.OptionShowIts(), progressbar.OptionSetItsString("samples"),
					progressbar.OptionOnCompletion(func() { fmt.Fprintln(cmd.ErrOrStderr()) }))
				progress = func(done, _ int) { _ = bar.Set(done) }
			} else if data != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "quantize: --data is only used by --method static; ignored\n")
			}
			qm, rep, err := quant.Quantize(model, cfg, samplesIn, progress)
			if err != nil {
				return err
			}
			if err := onnx.Save(qm, out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, rep.String())
			if a, errA := os.Stat(args[0]); errA == nil {
				if b, errB := os.Stat(out); errB == nil {
					fmt.Fprintf(w, "file: %s %d bytes → %s %d bytes\n", args[0], a.Size(), out, b.Size())
				}
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVarP(&out, "output", "o", "", "quantized model path")
	f.StringVar(&method, "method", "", "weight-only, dynamic or static")
	f.IntVar(&bits, "weight-bits", 8, "weight bits: 8, or 4 (weight-only MatMul/Gemm)")
	f.IntVar(&block, "block-size", 32, "4-bit block size along K (power of two, 16..256)")
	f.BoolVar(&perTensor, "per-tensor", false, "one weight scale per tensor instead of per output channel")
	f.BoolVar(&weightAsym, "weight-asymmetric", false, "unsigned weights with zero points instead of signed symmetric ones")
	f.BoolVar(&clipMSE, "clip-mse", false, "clip each weight group's range to minimise its squared error")
	f.StringVar(&calib, "calibration", "minmax", "activation ranges: minmax, percentile, entropy or mse")
	f.Float64Var(&percentile, "percentile", 99.999, "percentile for --calibration percentile")
	f.StringVar(&actType, "activation-type", "uint8", "activation type: uint8 (asymmetric) or int8")
	f.BoolVar(&actSym, "symmetric-activations", false, "symmetric activation ranges")
	f.StringVar(&data, "data", "", "calibration data: npy:DIR, idx:FILE or images:DIR")
	f.IntVar(&samples, "samples", 100, "calibration samples to read (0: all)")
	f.StringVar(&pre, "preprocess", "", "image preprocessing, e.g. resize=224x224,mean=0.485,0.456,0.406,std=0.229,0.224,0.225")
	f.StringSliceVar(&exclude, "exclude", nil, "node names to keep in float (comma-separated)")
	f.StringSliceVar(&opTypes, "op-types", nil, "op types to quantize (default: Conv,MatMul,Gemm; static adds Add,Mul,Concat,pools,activations)")
	f.StringVar(&overrides, "overrides", "", "JSON file of per-tensor ranges and per-node settings")
	f.StringVar(&int4Format, "int4-format", "matmulnbits", "4-bit weight form: matmulnbits or qdq (opset 21)")
	f.StringVar(&dynFormat, "dynamic-format", "contrib", "dynamic MatMul form: contrib (DynamicQuantizeMatMul) or onnx (MatMulInteger)")
	return c
}

// qzSplit splits comma-separated flag values and drops blanks.
func qzSplit(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
