package eval

import (
	"errors"
	"math"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

func TestTop1(t *testing.T) {
	nan := float32(math.NaN())
	scores := tensor.From([]int{4, 3}, []float32{
		0.1, 0.7, 0.2,
		nan, -5, -6,
		nan, nan, nan,
		3, 3, 1, // ties: first wins
	})
	got, err := Top1(scores)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 1, 0, 0} {
		if got[i] != want {
			t.Errorf("row %d: %d, want %d", i, got[i], want)
		}
	}
	if got, _ := Top1(tensor.From([]int{2, 1, 2}, []int64{1, 2, 5, 4})); got[0] != 1 || got[1] != 0 {
		t.Errorf("int64 [2,1,2]: %v", got)
	}
	for _, bad := range []*tensor.Tensor{
		tensor.Scalar(float32(1)),
		tensor.Zeros(tensor.Float32, 0, 3),
		tensor.Zeros(tensor.Float32, 2, 0),
		tensor.Zeros(tensor.String, 2, 2),
	} {
		if _, err := Top1(bad); err == nil {
			t.Errorf("Top1(%v %v): no error", bad.DType(), bad.Shape())
		}
	}
}

func TestCompare(t *testing.T) {
	a := []float32{1, 2, 3, 4}
	b := []float32{1, 2, 3, 5}
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-9 }
	d, err := Compare(tensor.From([]int{2, 2}, a), tensor.From([]int{2, 2}, b))
	if err != nil || d.MaxAbs != 1 || !near(d.SQNR, 10*math.Log10(30)) || !near(d.Cosine, 34/math.Sqrt(30*39)) {
		t.Errorf("Compare = %+v, %v", d, err)
	}
	if _, err := Compare(tensor.From([]int{4}, a), tensor.From([]int{2, 2}, b)); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("Compare shapes: err = %v", err)
	}
}
