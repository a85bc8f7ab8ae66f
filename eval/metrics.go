package eval

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/tensor"
)

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

// Diff summarises how far got is from ref, with package quant's metrics.
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
	var d Diff
	var err error
	if d.Cosine, err = quant.Cosine(a, b); err != nil {
		return Diff{}, err
	}
	if d.SQNR, err = quant.SQNR(a, b); err != nil {
		return Diff{}, err
	}
	if d.MaxAbs, err = quant.MaxAbsError(a, b); err != nil {
		return Diff{}, err
	}
	return d, nil
}
