package accuracy

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Markdown writes the report as docs/ACCURACY.md: one section per task
// that ran, with its table and how it was measured. cmdline is the command
// that produced it, quoted at the top.
func (r *Report) Markdown(w io.Writer, cmdline string) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Quantization accuracy\n\n")
	p("Written by `%s` (`make accuracy`, scripts/accuracy.sh); do not edit by hand.\n", cmdline)
	p("Run on %s, %d threads, %s, in %s.\n\n", r.Platform, r.Threads, r.Started.Format("2006-01-02"), r.Elapsed.Round(1e9))

	if f := r.FMNIST; f != nil {
		n := 0
		if len(f.Rows) > 0 {
			n = f.Rows[0].N
		}
		p("## Fashion-MNIST classifier (`demo.Model()`)\n\n")
		p("Top-1 on the %d images of the test split (`%s`). Static quantization calibrates on the first %d images of the **train** split (`%s`). ", n, f.TestFrom, f.CalibImages, f.CalibFrom)
		p("Size is the encoded ONNX file; agreement is the share of test images whose predicted class equals the fp32 model's; quantize is the time `quant.Quantize` took, calibration included.\n\n")
		p("| model | size | top-1 | Δ vs fp32 | agreement with fp32 | quantize | settings |\n|---|---:|---:|---:|---:|---:|---|\n")
		var base float64
		for i, row := range f.Rows {
			if i == 0 {
				base = row.Top1
			}
			delta := "—"
			if i > 0 {
				delta = fmt.Sprintf("%+.2f pt", 100*(row.Top1-base))
			}
			secs := "—"
			if i > 0 {
				secs = fmt.Sprintf("%.1f s", row.Seconds)
			}
			p("| %s | %s | %.2f%% | %s | %.2f%% | %s | %s |\n", row.Variant, kib(row.Bytes), 100*row.Top1, delta, 100*row.Agree, secs, dash(row.How))
		}
		for _, n := range f.Notes {
			p("\nNote: %s\n", n)
		}
		p("\n")
		var names []string
		for _, row := range f.Rows {
			if f.Layers[row.Variant] != nil {
				names = append(names, row.Variant)
			}
		}
		if len(names) > 0 {
			p("SQNR (dB) of each quantized activation against fp32 on %d calibration images, in graph order:\n\n| activation | made by |", f.LayerImages)
			for _, n := range names {
				p(" %s |", strings.TrimPrefix(n, "static int8 "))
			}
			p("\n|---|---|%s\n", strings.Repeat("---:|", len(names)))
			for i, l := range f.Layers[names[0]] {
				p("| `%s` | %s |", l.Tensor, l.Producer)
				for _, n := range names {
					if ls := f.Layers[n]; i < len(ls) && ls[i].Tensor == l.Tensor {
						p(" %.1f |", ls[i].SQNR)
					} else {
						p(" — |")
					}
				}
				p("\n")
			}
			p("\n")
		}
	}

	if o := r.ORT; o != nil {
		p("## The same int8 file in ONNX Runtime\n\n")
		p("The %s model, saved once, run by qinfer and by ONNX Runtime (onnxruntime-node, internal/ortref) on the same %d test images in batches of %d.\n\n", o.Model, o.N, o.Batch)
		p("| runtime | top-1 |\n|---|---:|\n| qinfer | %.2f%% |\n| ONNX Runtime | %.2f%% |\n\n", 100*o.QinferTop1, 100*o.Top1)
		verdict := "within"
		if !o.Within {
			verdict = "**not** within"
		}
		p("Difference %.2f pt (%s the 0.1 pt budget); the two runtimes predict different classes on %d of %d images.\n\n", 100*math.Abs(o.QinferTop1-o.Top1), verdict, o.Disagree, o.N)
	}

	if rc := r.Rec; rc != nil {
		p("## PP-OCRv4 text recognition (ch_PP-OCRv4_rec_infer.onnx)\n\n")
		p("%d English text lines rendered with the Go fonts (regular, bold, italic, bold italic, medium, mono, mono bold; 28–40 px, black on white, 48 px high, at most 320 px wide; random words from a fixed list, seed %d), ", rc.Lines, recEvalSeed)
		p("preprocessed as PaddleOCR's `resize_norm_img` (height 48 keeping the aspect ratio, width rounded up to a multiple of 8, `(x/255-0.5)/0.5`, BGR, zero padding), decoded greedily with CTC over `ppocr_keys_v1.txt` (class 0 blank, class i = line i, last class a space). ")
		p("Leading and trailing spaces of the output are dropped. Static variants calibrate on %d other rendered lines (seed %d).\n\n", rc.CalibLines, recCalibSeed)
		p("CER is the edit distance over the reference length, in characters; \"vs fp32\" uses the fp32 model's reading as the reference.\n\n")
		p("| model | size | CER | Δ vs fp32 | lines exact | CER vs fp32 output | ms/line | settings |\n|---|---:|---:|---:|---:|---:|---:|---|\n")
		var base float64
		for i, row := range rc.Rows {
			if i == 0 {
				base = row.CER.Rate()
			}
			delta := "—"
			if i > 0 {
				delta = fmt.Sprintf("%+.2f pt", 100*(row.CER.Rate()-base))
			}
			p("| %s | %s | %.2f%% | %s | %.1f%% | %.2f%% | %.0f | %s |\n", row.Variant, kib(row.Bytes), 100*row.CER.Rate(), delta,
				100*row.CER.LineAccuracy(), 100*row.VsFP32.Rate(), row.MsPerLine, dash(row.How))
		}
		p("\n")
		for _, row := range rc.Rows {
			if len(row.Excluded) > 0 {
				p("\"%s\" leaves these nodes in float: `%s`.\n\n", row.Variant, strings.Join(row.Excluded, "`, `"))
			}
		}
		if len(rc.Layers) > 0 {
			k := min(12, len(rc.Layers))
			p("Worst quantized activations of the \"as exported\" static int8 model, SQNR against fp32 over %d calibration lines (%d activations quantized in all; what `qinfer compare --layers` prints). Errors pile up along the network, so the worst ones sit near the end;", rc.LayerLines, len(rc.Layers))
			if fb := rc.FirstBad; fb != nil {
				p(" the first activation (in graph order) below 15 dB is `%s`, made by %s, at %.1f dB.", fb.Tensor, fb.Producer, fb.SQNR)
			}
			p("\n\n")
			p("| activation | made by | read by | SQNR dB | max abs err |\n|---|---|---|---:|---:|\n")
			for _, l := range rc.Layers[:k] {
				p("| `%s` | %s | %s | %.1f | %.3g |\n", l.Tensor, l.Producer, dash(l.Users), l.SQNR, l.MaxAbs)
			}
			p("\n")
		}
		if len(rc.Examples) > 0 {
			p("Lines read differently from fp32 (a few per variant):\n\n| model | truth | fp32 | quantized |\n|---|---|---|---|\n")
			for _, e := range rc.Examples {
				p("| %s | %s | %s | %s |\n", e.Variant, code(e.Truth), code(e.FP32), code(e.Got))
			}
			p("\n")
		}
		for _, n := range rc.Notes {
			p("%s\n\n", n)
		}
	}

	if d := r.Det; d != nil {
		p("## PP-OCRv4 text detection (ch_PP-OCRv4_det_infer.onnx)\n\n")
		p("%d rendered %dx%d pages (seed %d) with %d text lines in all (Go fonts, 18–48 px, 1–6 words at random non-overlapping positions), ", d.Pages, d.W, d.H, detEvalSeed, d.Lines)
		p("preprocessed as PaddleOCR's detector (sides already multiples of 32, pixels/255, ImageNet mean/std in BGR order). The probability map is thresholded at %.1f (`det_db_thresh`). ", DetThreshold)
		p("IoU is pooled over all pages (intersection and union pixel counts summed); the per-page mean is in brackets. Static variants calibrate on %d other pages (seed %d).\n\n", d.CalibPages, detCalibSeed)
		p("| model | size | IoU vs fp32 map | IoU vs text boxes | ms/page | settings |\n|---|---:|---:|---:|---:|---|\n")
		for _, row := range d.Rows {
			p("| %s | %s | %.4f (%.4f) | %.4f (%.4f) | %.0f | %s |\n", row.Variant, kib(row.Bytes), row.VsFP32.Rate(), row.VsFP32.Mean(),
				row.VsBoxes.Rate(), row.VsBoxes.Mean(), row.MsPerPage, dash(row.How))
		}
		p("\nThe IoU against the text boxes is only a sanity check: DB detectors predict a shrunk text kernel (PaddleOCR expands it with `unclip_ratio` 1.5 afterwards), so it stays well below 1 even in fp32.\n\n")
	}

	if m := r.Memory; m != nil {
		p("## Calibration memory\n\n")
		p("Peak RSS (VmHWM, read as %s) of `%s`, run as a child process:\n\n", m.Via, m.Command)
		p("| samples | peak RSS | time |\n|---:|---:|---:|\n")
		for _, row := range m.Rows {
			p("| %d | %.1f MiB | %.1f s |\n", row.Samples, float64(row.PeakRSS)/(1<<20), row.Seconds)
		}
		verdict := "within"
		if !m.Within {
			verdict = "**over**"
		}
		p("\nSpread %.1f MiB, %s the %d MiB budget: calibration keeps streaming statistics, not the samples.\n\n", float64(m.Spread)/(1<<20), verdict, MemoryBudget>>20)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func kib(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(s, "|", "\\|")
}

// code quotes s as inline code for a table cell.
func code(s string) string {
	if s == "" {
		return "(empty)"
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", "\\|") + "`"
}
