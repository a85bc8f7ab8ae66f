package ops

import (
	"errors"
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// rcRunQ builds and runs a one-node kernel of domain qinfer.
func rcRunQ(t *testing.T, op string, attrs []*ir.Attr, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	t.Helper()
	n := &ir.Node{Name: "n", OpType: op, Domain: "qinfer", Attrs: attrs, Outputs: []string{"y"}}
	for range in {
		n.Inputs = append(n.Inputs, "x")
	}
	f, err := Lookup("qinfer", op, 1)
	if err != nil {
		return nil, err
	}
	k, err := f(n, 1)
	if err != nil {
		return nil, err
	}
	return k.Run(&Context{Node: n, Opset: 1, Threads: 2}, in)
}

func rcSeq(n int, scale float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(math.Sin(float64(i)*0.37)) * scale
	}
	return v
}

func TestRcSwishSigmoid(t *testing.T) {
	for _, n := range []int{1, 3, 17, 65, 20000} {
		x := rcSeq(n, 12)
		for _, swish := range []bool{false, true} {
			var out []*tensor.Tensor
			var err error
			if swish {
				out, err = rcRunQ(t, "Swish", []*ir.Attr{ewAttrF("alpha", 1.5)}, tensor.From([]int{n}, x))
			} else {
				out, err = ewRun(t, "Sigmoid", 13, nil, 1, tensor.From([]int{n}, x))
			}
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, n)
			for i, v := range x {
				a := float64(v)
				if swish {
					a = float64(1.5 * v)
				}
				want[i] = 1 / (1 + math.Exp(-a))
				if swish {
					want[i] *= float64(v)
				}
			}
			w32 := make([]float32, n)
			for i, v := range want {
				w32[i] = float32(v)
			}
			ewCheck(t, "sigmoid/swish", out[0], tensor.From([]int{n}, w32))
		}
	}
	// float64 and float16 run the float64 definition.
	out, err := rcRunQ(t, "Swish", nil, tensor.From([]int{3}, []float64{-1, 0, 2}))
	if err != nil {
		t.Fatal(err)
	}
	want := tensor.From([]int{3}, []float64{-1 / (1 + math.E), 0, 2 / (1 + math.Exp(-2))})
	ewCheck(t, "swish float64", out[0], want)
	if _, err := ewRun(t, "Sigmoid", 13, nil, 1, tensor.From([]int{2}, []int32{1, 2})); err == nil {
		t.Fatal("Sigmoid of int32: no error")
	}
}

func TestRcMatMulBias(t *testing.T) {
	for _, tc := range []struct {
		a     []int
		k, n  int
		swish bool
	}{{[]int{2, 5, 7}, 7, 9, false}, {[]int{1, 40, 33}, 33, 65, true}, {[]int{7}, 7, 3, false}, {[]int{3, 4, 0}, 0, 5, true}, {[]int{200, 17}, 17, 300, false}} {
		a := tensor.From(tc.a, rcSeq(tensor.Size(tc.a), 1))
		b := tensor.From([]int{tc.k, tc.n}, rcSeq(tc.k*tc.n, 0.5))
		bias := tensor.From([]int{tc.n}, rcSeq(tc.n, 2))
		var attrs []*ir.Attr
		if tc.swish {
			attrs = []*ir.Attr{ewAttrS("activation", "Swish"), ewAttrF("alpha", 1)}
		}
		got, err := rcRunQ(t, "MatMulBias", attrs, a, b, bias)
		if err != nil {
			t.Fatal(err)
		}
		mm, err := ewRun(t, "MatMul", 13, nil, 1, a, b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ewRun(t, "Add", 14, nil, 1, mm[0], bias)
		if err != nil {
			t.Fatal(err)
		}
		if tc.swish {
			w := want[0].Float32s()
			for i, v := range w {
				w[i] = float32(float64(v) / (1 + math.Exp(-float64(v))))
			}
		}
		ewCheck(t, "MatMulBias", got[0], want[0])
	}
	a := tensor.From([]int{2, 3}, rcSeq(6, 1))
	for _, in := range [][]*tensor.Tensor{
		{a, tensor.From([]int{3, 2}, rcSeq(6, 1)), tensor.From([]int{3}, rcSeq(3, 1))},    // bias length
		{a, tensor.From([]int{1, 3, 2}, rcSeq(6, 1)), tensor.From([]int{2}, rcSeq(2, 1))}, // 3-D B
		{a, tensor.From([]int{4, 2}, rcSeq(8, 1)), tensor.From([]int{2}, rcSeq(2, 1))},    // inner dims
		{tensor.From([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6}), tensor.From([]int{3, 2}, rcSeq(6, 1)), tensor.From([]int{2}, rcSeq(2, 1))},
	} {
		if _, err := rcRunQ(t, "MatMulBias", nil, in...); !errors.Is(err, tensor.ErrShape) && !errors.Is(err, tensor.ErrDType) {
			t.Fatalf("%v: err %v, want a shape or dtype error", in[1].Shape(), err)
		}
	}
	if _, err := rcRunQ(t, "MatMulBias", []*ir.Attr{ewAttrS("activation", "Gelu")}, a); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("activation Gelu: err %v", err)
	}
}

func TestRcLayerNormOp(t *testing.T) {
	x := tensor.From([]int{2, 3}, []float32{1, 2, 3, -1, 0, 4})
	sc := tensor.From([]int{3}, []float32{1, 2, 0.5})
	b := tensor.From([]int{3}, []float32{0, 1, -1})
	got, err := rcRunQ(t, "LayerNorm", []*ir.Attr{ewAttrI("axis", -1), ewAttrF("epsilon", 1e-5)}, x, sc, b)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ewRun(t, "LayerNormalization", 17, []*ir.Attr{ewAttrI("axis", -1), ewAttrF("epsilon", 1e-5)}, 1, x, sc, b)
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "LayerNorm", got[0], want[0])
}
