package accuracy

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// DetThreshold is the probability above which a pixel counts as text
// (PaddleOCR's det_db_thresh).
const DetThreshold = 0.3

// DetRow is one variant of the detector.
type DetRow struct {
	Variant, How string
	Bytes        int
	VsFP32       eval.IoUSum // binary map against fp32's
	VsBoxes      eval.IoUSum // binary map against the text boxes
	MsPerPage    float64
	Seconds      float64
}

// DetResult is the PP-OCRv4 detection table.
type DetResult struct {
	Pages, CalibPages int
	W, H              int
	Lines             int // text lines on the scored pages
	Rows              []DetRow
}

// detPreprocess is PaddleOCR's detector preprocessing for a page whose
// sides are already multiples of 32 (DetResizeForTest leaves it alone):
// pixels / 255, ImageNet mean and std applied in the order of the BGR
// image cv2 decodes (mean 0.485 and std 0.229 on blue).
func detPreprocess() (*eval.Preprocessor, error) {
	pre := &eval.Preprocess{Mean: []float32{0.485, 0.456, 0.406}, Std: []float32{0.229, 0.224, 0.225}, Color: "BGR"}
	return pre.For(&ir.ValueInfo{Name: "x", Type: ir.TensorType(tensor.Float32, -1, 3, -1, -1)})
}

func detFeeds(n int, seed uint64) ([]eval.Page, []map[string]*tensor.Tensor, error) {
	pages, err := eval.RenderPages(n, seed, eval.PageOptions{})
	if err != nil {
		return nil, nil, err
	}
	pp, err := detPreprocess()
	if err != nil {
		return nil, nil, err
	}
	feeds := make([]map[string]*tensor.Tensor, len(pages))
	for i, p := range pages {
		x, err := pp.Apply(p.Image)
		if err != nil {
			return nil, nil, err
		}
		feeds[i] = map[string]*tensor.Tensor{"x": x}
	}
	return pages, feeds, nil
}

func runDet(o *Options) (*DetResult, error) {
	m, err := onnx.Load(filepath.Join(o.PPOCRDir, "ch_PP-OCRv4_det_infer.onnx"))
	if err != nil {
		return nil, err
	}
	pages, feeds, err := detFeeds(o.Pages, detEvalSeed)
	if err != nil {
		return nil, err
	}
	_, calib, err := detFeeds(o.PageCalib, detCalibSeed)
	if err != nil {
		return nil, err
	}
	res := &DetResult{Pages: len(pages), CalibPages: len(calib), W: 640, H: 640}
	boxes := make([]*eval.Mask, len(pages))
	for i, p := range pages {
		res.Lines += len(p.Lines)
		boxes[i] = eval.BoxMask(p.Image.Bounds().Dx(), p.Image.Bounds().Dy(), p.Boxes())
	}
	static := func(c quant.Calibration, pct float64) quant.Config {
		cfg := quant.DefaultConfig(quant.Static)
		cfg.Calibration, cfg.Samples = c, len(calib)
		if pct != 0 {
			cfg.Percentile = pct
		}
		return cfg
	}
	variants := []variant{
		{name: "fp32", fp32: true},
		{"static int8 minmax", "QDQ, int8 per-channel weights, uint8 activations, MinMax", static(quant.CalibMinMax, 0), false},
	}
	var ref []*eval.Mask
	for _, v := range variants {
		o.logf("det: %s", v.name)
		plan, file, _, secs, err := build(m, v, &quant.SliceSamples{Feeds: calib}, o.Threads)
		if err != nil {
			return nil, err
		}
		row := DetRow{Variant: v.name, How: v.how, Bytes: len(file), Seconds: secs}
		masks, ms, err := detMasks(plan, feeds)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v.name, err)
		}
		row.MsPerPage = ms
		if v.fp32 {
			ref = masks
		}
		for i, mk := range masks {
			if err := row.VsFP32.Add(mk, ref[i]); err != nil {
				return nil, err
			}
			if err := row.VsBoxes.Add(mk, boxes[i]); err != nil {
				return nil, err
			}
		}
		o.logf("det: %-24s IoU vs fp32 %.4f  vs boxes %.4f  %.0f ms/page", v.name, row.VsFP32.Rate(), row.VsBoxes.Rate(), ms)
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// detMasks runs plan on each page and thresholds its probability map.
func detMasks(plan *runtime.Plan, feeds []map[string]*tensor.Tensor) ([]*eval.Mask, float64, error) {
	sess := plan.NewSession()
	out := make([]*eval.Mask, len(feeds))
	start := time.Now()
	for i, f := range feeds {
		res, err := sess.Run(f)
		if err != nil {
			return nil, 0, err
		}
		if out[i], err = eval.ThresholdMap(res[plan.Outputs[0].Name], DetThreshold); err != nil {
			return nil, 0, err
		}
	}
	return out, float64(time.Since(start).Milliseconds()) / float64(max(1, len(feeds))), nil
}
