package quant

import (
	"errors"
	"math"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

func TestMetrics(t *testing.T) {
	ref := []float32{3, 4, 0, 0}
	got := []float32{3, 4, 0, 1} // noise 1, signal 25
	tests := []struct {
		name string
		f    func(a, b []float32) (float64, error)
		a, b []float32
		want float64
	}{
		{"sqnr", SQNR, ref, got, 10 * math.Log10(25)},
		{"sqnr identical", SQNR, ref, ref, math.Inf(1)},
		{"sqnr zero ref", SQNR, []float32{0}, []float32{1}, math.Inf(-1)},
		{"sqnr empty", SQNR, nil, nil, math.Inf(1)},
		{"cosine", Cosine, ref, got, 25 / (5 * math.Sqrt(26))},
		{"cosine opposite", Cosine, []float32{1, 2}, []float32{-1, -2}, -1},
		{"cosine zeros", Cosine, []float32{0, 0}, []float32{0, 0}, 1},
		{"cosine one zero", Cosine, []float32{0, 0}, []float32{1, 0}, 0},
		{"max abs", MaxAbsError, []float32{1, -2, 3}, []float32{1.5, 2, 3}, 4},
		{"mse", MeanSquaredError, ref, got, 0.25},
		{"mse empty", MeanSquaredError, nil, nil, 0},
	}
	for _, tc := range tests {
		v, err := tc.f(tc.a, tc.b)
		if err != nil || !(v == tc.want || math.Abs(v-tc.want) < 1e-12) {
			t.Errorf("%s = %v, %v; want %v", tc.name, v, err, tc.want)
		}
	}
	if v, _ := MaxAbsError([]float32{1}, []float32{float32(math.NaN())}); !math.IsNaN(v) {
		t.Errorf("MaxAbsError with NaN = %v", v)
	}
	for _, f := range []func(a, b []float32) (float64, error){SQNR, Cosine, MaxAbsError, MeanSquaredError} {
		if _, err := f([]float32{1}, nil); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("length mismatch: %v", err)
		}
	}
}

func TestTop1Agreement(t *testing.T) {
	ref := []float32{0.1, 0.9, 0, 0.5, 0.2, 0.3, 1, 1, 0}
	got := []float32{0.2, 0.8, 0, 0.1, 0.6, 0.3, 1, 1, 0}
	if v, err := Top1Agreement(ref, got, 3); err != nil || math.Abs(v-2.0/3) > 1e-12 {
		t.Errorf("Top1Agreement = %v, %v; want 2/3", v, err)
	}
	if _, err := Top1Agreement(ref, got, 4); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("bad classes: %v", err)
	}
	if _, err := Top1Agreement(ref, got, 0); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("zero classes: %v", err)
	}
	if v, _ := Top1Agreement(nil, nil, 5); v != 1 {
		t.Errorf("empty = %v", v)
	}
}
