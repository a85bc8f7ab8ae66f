package quant

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/tensor"
)

// The metrics compare a reference (float) output with a test (quantized)
// one. They accumulate in float64 and return an error wrapping
// tensor.ErrShape when the lengths differ.

func metricCheck(name string, ref, got []float32) error {
	if len(ref) != len(got) {
		return fmt.Errorf("quant: %s: reference has %d values, test %d: %w", name, len(ref), len(got), tensor.ErrShape)
	}
	return nil
}

// SQNR is the signal-to-quantization-noise ratio in dB:
// 10·log10(Σref² / Σ(ref-got)²). Identical inputs give +Inf; an all-zero
// reference with nonzero noise gives -Inf; empty inputs give +Inf.
func SQNR(ref, got []float32) (float64, error) {
	if err := metricCheck("SQNR", ref, got); err != nil {
		return 0, err
	}
	var sig, noise float64
	for i, r := range ref {
		d := float64(r) - float64(got[i])
		sig += float64(r) * float64(r)
		noise += d * d
	}
	if noise == 0 {
		return math.Inf(1), nil
	}
	return 10 * math.Log10(sig/noise), nil
}

// Cosine is the cosine similarity Σref·got / (‖ref‖·‖got‖). Two zero vectors
// give 1; one zero vector gives 0.
func Cosine(ref, got []float32) (float64, error) {
	if err := metricCheck("Cosine", ref, got); err != nil {
		return 0, err
	}
	var dot, na, nb float64
	for i, r := range ref {
		g := float64(got[i])
		dot += float64(r) * g
		na += float64(r) * float64(r)
		nb += g * g
	}
	switch {
	case na == 0 && nb == 0:
		return 1, nil
	case na == 0 || nb == 0:
		return 0, nil
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nb)), nil
}

// MaxAbsError is max |ref-got| (0 for empty inputs; NaN if either holds NaN).
func MaxAbsError(ref, got []float32) (float64, error) {
	if err := metricCheck("MaxAbsError", ref, got); err != nil {
		return 0, err
	}
	var m float64
	for i, r := range ref {
		d := math.Abs(float64(r) - float64(got[i]))
		if d > m || d != d {
			m = d
			if d != d {
				return d, nil
			}
		}
	}
	return m, nil
}

// MeanSquaredError is Σ(ref-got)²/n (0 for empty inputs).
func MeanSquaredError(ref, got []float32) (float64, error) {
	if err := metricCheck("MeanSquaredError", ref, got); err != nil {
		return 0, err
	}
	if len(ref) == 0 {
		return 0, nil
	}
	var s float64
	for i, r := range ref {
		d := float64(r) - float64(got[i])
		s += d * d
	}
	return s / float64(len(ref)), nil
}

// Top1Agreement splits ref and got into rows of classes values (logits or
// probabilities) and returns the fraction of rows whose argmax agrees (first
// index wins ties). classes must divide the length.
func Top1Agreement(ref, got []float32, classes int) (float64, error) {
	if err := metricCheck("Top1Agreement", ref, got); err != nil {
		return 0, err
	}
	if classes <= 0 || len(ref)%classes != 0 {
		return 0, fmt.Errorf("quant: Top1Agreement: %d values do not split into rows of %d: %w", len(ref), classes, tensor.ErrShape)
	}
	rows := len(ref) / classes
	if rows == 0 {
		return 1, nil
	}
	agree := 0
	for r := range rows {
		if argmax(ref[r*classes:(r+1)*classes]) == argmax(got[r*classes:(r+1)*classes]) {
			agree++
		}
	}
	return float64(agree) / float64(rows), nil
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] || (x[best] != x[best] && v == v) {
			best = i
		}
	}
	return best
}
