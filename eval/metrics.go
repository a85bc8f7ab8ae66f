package eval

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/tensor"
)

// The comparison metrics below (Cosine, SQNR, MaxAbs) are defined here
// because package quant had not landed when eval was written; quant may own
// SQNR later and eval would then call it.

// Top1 returns the arg-max class of each row of a score tensor: shape
// [B, ...] gives B rows of Len/B scores. NaN scores never win; a row of NaNs
// gives class 0. Scores of any numeric dtype are accepted.
func Top1(scores *tensor.Tensor) ([]int, error) {
	if scores.Rank() == 0 || scores.Shape()[0] == 0 {
		return nil, fmt.Errorf("eval: scores of shape %v have no rows: %w", scores.Shape(), tensor.ErrShape)
	}
	if scores.DType() == tensor.String {
		return nil, fmt.Errorf("eval: scores are strings: %w", tensor.ErrDType)
	}
	v := tensor.ToFloat32(scores)
	b := scores.Shape()[0]
	c := len(v) / b
	if c == 0 {
		return nil, fmt.Errorf("eval: scores of shape %v have no classes: %w", scores.Shape(), tensor.ErrShape)
	}
	out := make([]int, b)
	for i := range out {
		out[i] = argmax(v[i*c : (i+1)*c])
	}
	return out, nil
}

func argmax(v []float32) int {
	best, bi := float32(math.Inf(-1)), 0
	found := false
	for i, x := range v {
		if x != x {
			continue
		}
		if !found || x > best {
			best, bi, found = x, i, true
		}
	}
	return bi
}

// Cosine returns the cosine similarity of a and b (1 for two zero vectors,
// 0 when only one is zero). Vectors of different lengths give NaN.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	switch {
	case aa == 0 && bb == 0:
		return 1
	case aa == 0 || bb == 0:
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// SQNR returns the signal-to-quantisation-noise ratio of got against the
// reference ref in dB: 10*log10(sum ref^2 / sum (ref-got)^2). Identical
// vectors give +Inf. Vectors of different lengths give NaN.
func SQNR(ref, got []float32) float64 {
	if len(ref) != len(got) {
		return math.NaN()
	}
	var sig, noise float64
	for i := range ref {
		r := float64(ref[i])
		d := r - float64(got[i])
		sig += r * r
		noise += d * d
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(sig/noise)
}

// MaxAbs returns max |a[i] - b[i]| (NaN when any difference is NaN or the
// lengths differ).
func MaxAbs(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	m := 0.0
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if d != d {
			return math.NaN()
		}
		m = max(m, d)
	}
	return m
}

// Diff summarises how far got is from ref.
type Diff struct {
	Cosine, SQNR, MaxAbs float64
}

// Compare returns the Diff of two tensors of the same shape (any numeric
// dtype, compared as float32).
func Compare(ref, got *tensor.Tensor) (Diff, error) {
	if fmt.Sprint(ref.Shape()) != fmt.Sprint(got.Shape()) {
		return Diff{}, fmt.Errorf("eval: comparing shapes %v and %v: %w", ref.Shape(), got.Shape(), tensor.ErrShape)
	}
	if ref.DType() == tensor.String || got.DType() == tensor.String {
		return Diff{}, fmt.Errorf("eval: comparing string tensors: %w", tensor.ErrDType)
	}
	a, b := tensor.ToFloat32(ref), tensor.ToFloat32(got)
	return Diff{Cosine: Cosine(a, b), SQNR: SQNR(a, b), MaxAbs: MaxAbs(a, b)}, nil
}
