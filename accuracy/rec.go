package accuracy

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// Seeds of the rendered data: scored lines and pages never overlap the
// calibration ones.
const (
	recEvalSeed  = 1
	recCalibSeed = 2
	detEvalSeed  = 3
	detCalibSeed = 4
)

// RecRow is one variant of the recognizer.
type RecRow struct {
	Variant, How string
	Bytes        int
	CER          eval.CER // against the rendered text
	VsFP32       eval.CER // against the fp32 model's output
	MsPerLine    float64
	Seconds      float64 // quantization (incl. calibration) wall time
	Excluded     []string
}

// RecExample is a line some variant reads differently from fp32.
type RecExample struct {
	Variant, Truth, FP32, Got string
}

// RecResult is the PP-OCRv4 recognition table.
type RecResult struct {
	Lines, CalibLines, LayerLines int
	Rows                          []RecRow
	// Layers is the per-activation SQNR of the static int8 model as
	// exported against fp32, worst first; FirstBad the earliest (in graph
	// order) below 15 dB.
	Layers   []LayerSQNR
	FirstBad *LayerSQNR
	Examples []RecExample
	Notes    []string
}

// recPreprocess is PaddleOCR's recognizer preprocessing (resize_norm_img):
// height 48 keeping the aspect ratio, width rounded up to a multiple of 8
// (at most 320) and padded with zeros after normalisation, pixels
// (x/255 - 0.5) / 0.5, channels in the BGR order cv2 decodes to.
func recPreprocess() (*eval.Preprocessor, error) {
	pre := &eval.Preprocess{H: 48, W: 320, Pad: true, Mean: []float32{0.5}, Std: []float32{0.5}, Color: "BGR"}
	return pre.For(&ir.ValueInfo{Name: "x", Type: ir.TensorType(tensor.Float32, -1, 3, 48, -1)})
}

// recFeeds renders n lines from seed and preprocesses them.
func recFeeds(n int, seed uint64) ([]eval.TextLine, []map[string]*tensor.Tensor, error) {
	lines, err := eval.RenderLines(n, seed, eval.LineOptions{})
	if err != nil {
		return nil, nil, err
	}
	pp, err := recPreprocess()
	if err != nil {
		return nil, nil, err
	}
	feeds := make([]map[string]*tensor.Tensor, len(lines))
	for i, l := range lines {
		x, err := pp.Apply(l.Image)
		if err != nil {
			return nil, nil, err
		}
		feeds[i] = map[string]*tensor.Tensor{"x": x}
	}
	return lines, feeds, nil
}

// recRead runs plan on every feed and decodes the lines; leading and
// trailing spaces are dropped (the rendered truth has none).
func recRead(plan *runtime.Plan, feeds []map[string]*tensor.Tensor, charset []string) ([]string, float64, error) {
	sess := plan.NewSession()
	out := make([]string, len(feeds))
	start := time.Now()
	for i, f := range feeds {
		res, err := sess.Run(f)
		if err != nil {
			return nil, 0, err
		}
		txt, err := eval.CTCGreedyTensor(res[plan.Outputs[0].Name], charset)
		if err != nil {
			return nil, 0, err
		}
		out[i] = strings.TrimSpace(txt[0])
	}
	return out, float64(time.Since(start).Milliseconds()) / float64(max(1, len(feeds))), nil
}

// recTailNodes returns the names of the recognizer's last MatMul and the
// nodes after it (the CTC head: MatMul → Add → Softmax), which the "tail in
// float" variant leaves unquantized.
func recTailNodes(m *ir.Model) []string {
	nodes := m.Graph.Nodes
	last := -1
	for i, n := range nodes {
		if n.OpType == "MatMul" || n.OpType == "Gemm" {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	var names []string
	for _, n := range nodes[last:] {
		names = append(names, n.Name)
	}
	return names
}

func runRec(o *Options) (*RecResult, error) {
	modelPath := filepath.Join(o.PPOCRDir, "ch_PP-OCRv4_rec_infer.onnx")
	charset, err := eval.LoadCTCCharset(filepath.Join(o.PPOCRDir, "ppocr_keys_v1.txt"))
	if err != nil {
		return nil, err
	}
	m, err := onnx.Load(modelPath)
	if err != nil {
		return nil, err
	}
	lines, feeds, err := recFeeds(o.RecLines, recEvalSeed)
	if err != nil {
		return nil, err
	}
	_, calib, err := recFeeds(o.RecCalib, recCalibSeed)
	if err != nil {
		return nil, err
	}
	res := &RecResult{Lines: len(lines), CalibLines: len(calib), LayerLines: min(o.RecLayers, len(calib))}

	// paddle2onnx writes no value_info. quant.Quantize now learns ranks from
	// its first calibration sample itself; the explicitly annotated copy is
	// kept as a variant to show both paths agree.
	annotated, err := quant.AnnotateRanks(m, calib[0], o.Threads)
	if err != nil {
		return nil, err
	}
	static := func(opTypes []string, exclude []string) quant.Config {
		cfg := quant.DefaultConfig(quant.Static)
		cfg.Samples, cfg.Exclude, cfg.OpTypes = len(calib), exclude, opTypes
		return cfg
	}
	type recVariant struct {
		variant
		model *ir.Model
	}
	variants := []recVariant{
		{variant{name: "fp32", fp32: true}, m},
		{variant{"static int8 minmax, as exported", "default static config on the exported file (quant learns ranks from the first calibration sample, raises opset 9 → 13, per-channel weights)", static(nil, nil), false}, m},
		{variant{"static int8 minmax, per-channel", "ranks annotated (AnnotateRanks) → opset 13, per-channel weights", static(nil, nil), false}, annotated},
		{variant{"static int8 minmax, per-channel, Conv/MatMul only", "as above, only Conv/MatMul/Gemm quantized (elementwise Mul/Add/activations stay float)", static([]string{"Conv", "MatMul", "Gemm"}, nil), false}, annotated},
	}
	if o.RecTail {
		variants = append(variants, recVariant{variant{"static int8 minmax, per-channel, CTC head float", "per-channel; last MatMul → Add → Softmax left in float", static(nil, recTailNodes(m)), false}, annotated})
	}
	var fp32 []string
	var int8Model *ir.Model
	for _, rv := range variants {
		v := rv.variant
		o.logf("rec: %s", v.name)
		plan, file, _, secs, err := build(rv.model, v, &quant.SliceSamples{Feeds: calib}, o.Threads)
		if err != nil {
			return nil, err
		}
		got, ms, err := recRead(plan, feeds, charset)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.name, err)
		}
		row := RecRow{Variant: v.name, How: v.how, Bytes: len(file), MsPerLine: ms, Seconds: secs, Excluded: v.cfg.Exclude}
		if v.fp32 {
			fp32 = got
		}
		shown := 0
		for i, l := range lines {
			row.CER.Add(l.Text, got[i])
			row.VsFP32.Add(fp32[i], got[i])
			if got[i] != fp32[i] && shown < 3 && len(res.Examples) < 12 {
				res.Examples = append(res.Examples, RecExample{Variant: v.name, Truth: l.Text, FP32: fp32[i], Got: got[i]})
				shown++
			}
		}
		o.logf("rec: %-36s CER %.2f%%  vs fp32 %.2f%%  lines exact %.1f%%  %.0f ms/line",
			v.name, 100*row.CER.Rate(), 100*row.VsFP32.Rate(), 100*row.CER.LineAccuracy(), ms)
		res.Rows = append(res.Rows, row)
		if v.name == "static int8 minmax, as exported" {
			if int8Model, err = onnx.Decode(file, nil); err != nil {
				return nil, err
			}
		}
	}
	if int8Model != nil && res.LayerLines > 0 {
		o.logf("rec: per-layer SQNR on %d lines", res.LayerLines)
		if res.Layers, err = LayerSQNRs(m, int8Model, calib[:res.LayerLines], o.Threads); err != nil {
			return nil, fmt.Errorf("per-layer SQNR: %w", err)
		}
		for _, l := range res.Layers {
			if l.Order >= 0 && l.SQNR < 15 && (res.FirstBad == nil || l.Order < res.FirstBad.Order) {
				res.FirstBad = &l
			}
		}
	}
	return res, nil
}
