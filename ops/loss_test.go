package ops

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestRNNegativeLogLikelihoodLoss(t *testing.T) {
	x := tensor.From([]int{2, 3}, []float32{-1, -2, -3, -0.5, -1.5, -2.5})
	tg := tensor.From([]int{2}, []int64{2, 0})
	w := tensor.From([]int{3}, []float32{0.2, 0.3, 0.5})
	// A [1, 2, 2] input: N=1, C=2, D=2.
	x3 := tensor.From([]int{1, 2, 2}, []float32{1, 2, 3, 4})
	t3 := tensor.From([]int{1, 2}, []int32{1, 0})
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"none", rnAttrs("reduction", "none"), []*tensor.Tensor{x, tg}, []int{2}, []float64{3, 0.5}},
		{"sum", rnAttrs("reduction", "sum"), []*tensor.Tensor{x, tg}, nil, []float64{3.5}},
		{"mean default", nil, []*tensor.Tensor{x, tg}, nil, []float64{1.75}},
		{"weight none", rnAttrs("reduction", "none"), []*tensor.Tensor{x, tg, w}, []int{2}, []float64{1.5, 0.1}},
		{"weight mean", nil, []*tensor.Tensor{x, tg, w}, nil, []float64{1.6 / 0.7}},
		{"ignore mean", rnAttrs("ignore_index", 2), []*tensor.Tensor{x, tg}, nil, []float64{0.5}},
		{"ignore weight mean", rnAttrs("ignore_index", 2), []*tensor.Tensor{x, tg, w}, nil, []float64{0.5}},
		{"ignore sum", rnAttrs("ignore_index", 0, "reduction", "sum"), []*tensor.Tensor{x, tg, w}, nil, []float64{1.5}},
		{"negative ignore", rnAttrs("ignore_index", -1, "reduction", "none"), []*tensor.Tensor{x, tensor.From([]int{2}, []int64{-1, 1})}, []int{2}, []float64{0, 1.5}},
		{"all ignored", rnAttrs("ignore_index", 1), []*tensor.Tensor{x, tensor.From([]int{2}, []int64{1, 1})}, nil, []float64{math.NaN()}},
		{"NCd", rnAttrs("reduction", "none"), []*tensor.Tensor{x3, t3}, []int{1, 2}, []float64{-3, -2}},
		{"NCd mean", nil, []*tensor.Tensor{x3, t3}, nil, []float64{-2.5}},
		{"empty none", rnAttrs("reduction", "none"), []*tensor.Tensor{tensor.Zeros(tensor.Float32, 0, 3), tensor.Zeros(tensor.Int64, 0)}, []int{0}, []float64{}},
	}
	for _, c := range cases {
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64, tensor.Float16} {
			t.Run(fmt.Sprintf("%s/%v", c.name, dt), func(t *testing.T) {
				in := append([]*tensor.Tensor{}, c.in...)
				in[0] = tensor.Must(tensor.Cast(in[0], dt))
				if len(in) > 2 {
					in[2] = tensor.Must(tensor.Cast(in[2], dt))
				}
				out, err := rnRunOp(t, "NegativeLogLikelihoodLoss", 13, 1, c.attrs, in...)
				if err != nil {
					t.Fatal(err)
				}
				if out[0].DType() != dt {
					t.Fatalf("dtype %v", out[0].DType())
				}
				tol := 1e-6
				if dt == tensor.Float16 {
					tol = 2e-3
				}
				rnClose(t, "loss", out[0], c.shape, c.want, tol)
			})
		}
	}
}

func TestRNSoftmaxCrossEntropyLoss(t *testing.T) {
	// log-softmax of [1, 2, 3] is x - log(e + e² + e³) = x - 3.40760596.
	lse := 3.4076059644443806
	x := tensor.From([]int{2, 3}, []float32{1, 2, 3, 3, 2, 1})
	tg := tensor.From([]int{2}, []int64{2, 1})
	w := tensor.From([]int{3}, []float32{1, 2, 3})
	lp := []float64{1 - lse, 2 - lse, 3 - lse, 3 - lse, 2 - lse, 1 - lse}
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"none", rnAttrs("reduction", "none"), []*tensor.Tensor{x, tg}, []int{2}, []float64{lse - 3, lse - 2}},
		{"mean", nil, []*tensor.Tensor{x, tg}, nil, []float64{(2*lse - 5) / 2}},
		{"sum weight", rnAttrs("reduction", "sum"), []*tensor.Tensor{x, tg, w}, nil, []float64{3*(lse-3) + 2*(lse-2)}},
		{"mean weight", nil, []*tensor.Tensor{x, tg, w}, nil, []float64{(3*(lse-3) + 2*(lse-2)) / 5}},
		{"mean ignore", rnAttrs("ignore_index", 1), []*tensor.Tensor{x, tg}, nil, []float64{lse - 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := rnRunOp(t, "SoftmaxCrossEntropyLoss", 13, 2, c.attrs, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			rnClose(t, "loss", out[0], c.shape, c.want, 1e-6)
			rnClose(t, "log_prob", out[1], []int{2, 3}, lp, 1e-6)
			one, err := rnRunOp(t, "SoftmaxCrossEntropyLoss", 12, 1, c.attrs, c.in...)
			if err != nil || len(one) != 1 {
				t.Fatalf("one output: %d, %v", len(one), err)
			}
		})
	}
	// N-D: [1, 2, 3] with D = 3, classes along axis 1.
	x3 := tensor.From([]int{1, 2, 3}, []float64{0, 1, 2, 0, 0, 0})
	t3 := tensor.From([]int{1, 3}, []int64{0, 1, 0})
	out, err := rnRunOp(t, "SoftmaxCrossEntropyLoss", 13, 1, rnAttrs("reduction", "none"), x3, t3)
	if err != nil {
		t.Fatal(err)
	}
	l := func(a, b float64) float64 { return math.Log(math.Exp(a)+math.Exp(b)) - a }
	rnClose(t, "NCd", out[0], []int{1, 3}, []float64{l(0, 0), l(0, 1), l(2, 0)}, 1e-12)
}

func TestRNLossErrors(t *testing.T) {
	x := tensor.From([]int{2, 3}, []float32{-1, -2, -3, -0.5, -1.5, -2.5})
	tg := tensor.From([]int{2}, []int64{2, 0})
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
		want  error
	}{
		{"bad reduction", rnAttrs("reduction", "max"), []*tensor.Tensor{x, tg}, ir.ErrInvalidModel},
		{"target out of range", nil, []*tensor.Tensor{x, tensor.From([]int{2}, []int64{3, 0})}, tensor.ErrShape},
		{"negative target", nil, []*tensor.Tensor{x, tensor.From([]int{2}, []int64{-1, 0})}, tensor.ErrShape},
		{"target shape", nil, []*tensor.Tensor{x, tensor.From([]int{1, 2}, []int64{1, 0})}, tensor.ErrShape},
		{"target dtype", nil, []*tensor.Tensor{x, tensor.From([]int{2}, []float32{1, 0})}, tensor.ErrDType},
		{"weight shape", nil, []*tensor.Tensor{x, tg, tensor.From([]int{2}, []float32{1, 1})}, tensor.ErrShape},
		{"rank 1 input", nil, []*tensor.Tensor{tensor.From([]int{3}, []float32{1, 2, 3}), tensor.Scalar(int64(0))}, tensor.ErrShape},
		{"int input", nil, []*tensor.Tensor{tensor.Zeros(tensor.Int32, 2, 3), tg}, ErrUnsupported},
		{"missing target", nil, []*tensor.Tensor{x, nil}, ir.ErrInvalidModel},
	}
	for _, c := range cases {
		for _, op := range []string{"NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"} {
			t.Run(op+"/"+c.name, func(t *testing.T) {
				_, err := rnRunOp(t, op, 13, 1, c.attrs, c.in...)
				if !errors.Is(err, c.want) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
			})
		}
	}
}
