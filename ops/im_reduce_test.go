package ops

import (
	"errors"
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// imAttrs builds attributes from a compact map: int, float32, string,
// []int64, []float32.
func imNode(op string, attrs map[string]any) *ir.Node {
	n := &ir.Node{Name: "t", OpType: op, Outputs: []string{"y"}}
	for k, v := range attrs {
		a := &ir.Attr{Name: k}
		switch v := v.(type) {
		case int:
			a.Type, a.I = ir.AttrInt, int64(v)
		case float32:
			a.Type, a.F = ir.AttrFloat, v
		case string:
			a.Type, a.S = ir.AttrString, v
		case []int64:
			a.Type, a.Ints = ir.AttrInts, v
		case []float32:
			a.Type, a.Floats = ir.AttrFloats, v
		default:
			panic("imNode: attr type")
		}
		n.Attrs = append(n.Attrs, a)
	}
	return n
}

// imRun builds and runs op at opset on inputs.
func imRun(op string, opset int, attrs map[string]any, in ...*tensor.Tensor) (*tensor.Tensor, error) {
	n := imNode(op, attrs)
	f, err := Lookup("", op, opset)
	if err != nil {
		return nil, err
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	out, err := k.Run(&Context{Node: n, Opset: opset, Threads: 3}, in)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func imCheck(t *testing.T, got *tensor.Tensor, shape []int, want []float64, tol float64) {
	t.Helper()
	if !tensor.SameShape(got.Shape(), shape) {
		t.Fatalf("shape %v, want %v", got.Shape(), shape)
	}
	if got.Len() != len(want) {
		t.Fatalf("len %d, want %d", got.Len(), len(want))
	}
	for i, w := range want {
		g := got.Float64At(i)
		if math.IsNaN(w) && math.IsNaN(g) || g == w {
			continue
		}
		if math.Abs(g-w) > tol*(1+math.Abs(w)) {
			t.Fatalf("[%d] = %v, want %v (all %v)", i, g, w, got)
		}
	}
}

func TestImReduce(t *testing.T) {
	x234 := make([]float32, 24) // values 1..24, shape [2,3,4]
	for i := range x234 {
		x234[i] = float32(i + 1)
	}
	X := tensor.From([]int{2, 3, 4}, x234)
	inf := math.Inf(1)
	cases := []struct {
		name  string
		op    string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"sum axis1 keep", "ReduceSum", 11, map[string]any{"axes": []int64{1}}, []*tensor.Tensor{X},
			[]int{2, 1, 4}, []float64{15, 18, 21, 24, 51, 54, 57, 60}},
		{"sum axes input neg", "ReduceSum", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{X, tensor.From([]int{1}, []int64{-1})},
			[]int{2, 3}, []float64{10, 26, 42, 58, 74, 90}},
		{"sum non-contiguous axes 0,2", "ReduceSum", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{X, tensor.From([]int{2}, []int64{0, 2})},
			[]int{3}, []float64{10 + 58, 26 + 74, 42 + 90}},
		{"sum all default", "ReduceSum", 13, nil, []*tensor.Tensor{X},
			[]int{1, 1, 1}, []float64{300}},
		{"sum noop empty axes", "ReduceSum", 13, map[string]any{"noop_with_empty_axes": 1}, []*tensor.Tensor{X, tensor.From([]int{0}, []int64{})},
			[]int{2, 3, 4}, func() []float64 {
				w := make([]float64, 24)
				for i := range w {
					w[i] = float64(i + 1)
				}
				return w
			}()},
		{"mean axis 0", "ReduceMean", 13, map[string]any{"axes": []int64{0}, "keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2, 2}, []float64{1, 2, 4, 8})},
			[]int{2}, []float64{2.5, 5}},
		{"mean axes input 18", "ReduceMean", 18, nil, []*tensor.Tensor{tensor.From([]int{2, 2}, []float64{1, 2, 4, 8}), tensor.From([]int{1}, []int64{1})},
			[]int{2, 1}, []float64{1.5, 6}},
		{"max", "ReduceMax", 13, map[string]any{"axes": []int64{2}, "keepdims": 0}, []*tensor.Tensor{X},
			[]int{2, 3}, []float64{4, 8, 12, 16, 20, 24}},
		{"min int32", "ReduceMin", 13, map[string]any{"axes": []int64{0}}, []*tensor.Tensor{tensor.From([]int{2, 3}, []int32{5, -2, 7, 3, 9, -8})},
			[]int{1, 3}, []float64{3, -2, -8}},
		{"prod uint8 wraps", "ReduceProd", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{3}, []uint8{16, 16, 3})},
			[]int{}, []float64{0}},
		{"l1", "ReduceL1", 13, map[string]any{"axes": []int64{1}, "keepdims": 0}, []*tensor.Tensor{tensor.From([]int{1, 3}, []float32{-1, 2, -3})},
			[]int{1}, []float64{6}},
		{"l2", "ReduceL2", 13, map[string]any{"axes": []int64{1}, "keepdims": 0}, []*tensor.Tensor{tensor.From([]int{1, 2}, []float32{3, -4})},
			[]int{1}, []float64{5}},
		{"l2 int64 truncates", "ReduceL2", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2}, []int64{1, 1})},
			[]int{}, []float64{1}},
		{"sumsquare", "ReduceSumSquare", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{3}, []int16{1, -2, 3})},
			[]int{}, []float64{14}},
		{"logsum", "ReduceLogSum", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2}, []float32{1, math.E - 1})},
			[]int{}, []float64{1}},
		{"logsumexp stable", "ReduceLogSumExp", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2}, []float64{1000, 1000})},
			[]int{}, []float64{1000 + math.Ln2}},
		{"empty sum", "ReduceSum", 13, map[string]any{"keepdims": 1}, []*tensor.Tensor{tensor.Zeros(tensor.Float32, 2, 0, 3), tensor.From([]int{1}, []int64{1})},
			[]int{2, 1, 3}, []float64{0, 0, 0, 0, 0, 0}},
		{"empty max", "ReduceMax", 18, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.Zeros(tensor.Float32, 2, 0), tensor.From([]int{1}, []int64{1})},
			[]int{2}, []float64{-inf, -inf}},
		{"empty min int8", "ReduceMin", 18, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.Zeros(tensor.Int8, 0, 2), tensor.From([]int{1}, []int64{0})},
			[]int{2}, []float64{127, 127}},
		{"empty prod", "ReduceProd", 18, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.Zeros(tensor.Float64, 0), nil},
			[]int{}, []float64{1}},
		{"empty logsum", "ReduceLogSum", 18, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.Zeros(tensor.Float64, 0), nil},
			[]int{}, []float64{-inf}},
		{"max nan", "ReduceMax", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{3}, []float32{1, float32(math.NaN()), 3})},
			[]int{}, []float64{math.NaN()}},
		{"scalar", "ReduceSum", 13, nil, []*tensor.Tensor{tensor.Scalar(float32(7))},
			[]int{}, []float64{7}},
		{"float16", "ReduceSum", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.Must(tensor.FromFloat32(tensor.Float16, []int{3}, []float32{0.5, 1.5, 2}))},
			[]int{}, []float64{4}},
		{"uint64 max", "ReduceMax", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2}, []uint64{1, math.MaxUint64})},
			[]int{}, []float64{float64(uint64(math.MaxUint64))}},
		{"bool max is any", "ReduceMax", 20, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2, 2}, []bool{false, true, false, false}), tensor.From([]int{1}, []int64{1})},
			[]int{2}, []float64{1, 0}},
		{"bool min is all", "ReduceMin", 20, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2, 2}, []bool{true, true, false, true}), tensor.From([]int{1}, []int64{1})},
			[]int{2}, []float64{1, 0}},
		{"int mean truncates", "ReduceMean", 13, map[string]any{"keepdims": 0}, []*tensor.Tensor{tensor.From([]int{2}, []int32{-3, 0})},
			[]int{}, []float64{-1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := imRun(c.op, c.opset, c.attrs, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType() != c.in[0].DType() {
				t.Fatalf("dtype %v, want %v", got.DType(), c.in[0].DType())
			}
			imCheck(t, got, c.shape, c.want, 1e-6)
		})
	}
}

// TestImReduceStrided compares the merged-dim walk against a naive loop on
// every axis subset of a rank-4 tensor.
func TestImReduceStrided(t *testing.T) {
	shape := []int{3, 1, 4, 5}
	n := tensor.Size(shape)
	x := make([]int64, n)
	for i := range x {
		x[i] = int64((i*7919)%23 - 11)
	}
	X := tensor.From(shape, x)
	str := tensor.Strides(shape)
	for mask := 0; mask < 16; mask++ {
		var axes []int64
		for d := 0; d < 4; d++ {
			if mask&(1<<d) != 0 {
				axes = append(axes, int64(d))
			}
		}
		if len(axes) == 0 {
			continue
		}
		got, err := imRun("ReduceSum", 13, nil, X, tensor.From([]int{len(axes)}, axes))
		if err != nil {
			t.Fatal(err)
		}
		outStr := tensor.Strides(got.Shape())
		want := make([]int64, got.Len())
		for i := 0; i < n; i++ {
			o := 0
			for d := 0; d < 4; d++ {
				if mask&(1<<d) == 0 {
					o += (i / str[d] % shape[d]) * outStr[d]
				}
			}
			want[o] += x[i]
		}
		for i, w := range want {
			if got.Int64s()[i] != w {
				t.Fatalf("axes %v: [%d] = %d, want %d", axes, i, got.Int64s()[i], w)
			}
		}
	}
}

func TestImReduceErrors(t *testing.T) {
	X := tensor.From([]int{2, 2}, []float32{1, 2, 3, 4})
	if _, err := imRun("ReduceSum", 13, nil, X, tensor.From([]int{1}, []int64{2})); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("axis out of range: %v", err)
	}
	if _, err := imRun("ReduceMax", 11, map[string]any{"axes": []int64{-3}}, X); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("attr axis out of range: %v", err)
	}
	if _, err := imRun("ReduceSum", 13, nil, tensor.From([]int{1}, []string{"a"})); !errors.Is(err, ErrUnsupported) {
		t.Errorf("string input: %v", err)
	}
	if _, err := imRun("ReduceSum", 13, nil, tensor.From([]int{1}, []bool{true})); !errors.Is(err, ErrUnsupported) {
		t.Errorf("bool sum: %v", err)
	}
	if _, err := imRun("ReduceSum", 13, nil, X, tensor.From([]int{1}, []float32{0})); err == nil {
		t.Errorf("float axes accepted")
	}
	if _, err := imRun("ArgMax", 13, map[string]any{"axis": 2}, X); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("argmax axis: %v", err)
	}
	if _, err := imRun("ArgMin", 13, nil, tensor.Zeros(tensor.Float32, 0, 2)); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("argmin over empty axis: %v", err)
	}
}

func TestImArg(t *testing.T) {
	X := tensor.From([]int{2, 3}, []float32{1, 5, 5, 7, 2, 7})
	cases := []struct {
		name  string
		op    string
		attrs map[string]any
		in    *tensor.Tensor
		shape []int
		want  []float64
	}{
		{"argmax axis1", "ArgMax", map[string]any{"axis": 1}, X, []int{2, 1}, []float64{1, 0}},
		{"argmax last", "ArgMax", map[string]any{"axis": 1, "select_last_index": 1}, X, []int{2, 1}, []float64{2, 2}},
		{"argmin axis0 nokeep", "ArgMin", map[string]any{"axis": 0, "keepdims": 0}, X, []int{3}, []float64{0, 1, 0}},
		{"argmax neg axis", "ArgMax", map[string]any{"axis": -2, "keepdims": 0}, X, []int{3}, []float64{1, 0, 1}},
		{"argmin uint8 last", "ArgMin", map[string]any{"select_last_index": 1, "keepdims": 0}, tensor.From([]int{3}, []uint8{4, 1, 1}), []int{}, []float64{2}},
		{"argmax int64 empty outer", "ArgMax", map[string]any{"axis": 1}, tensor.Zeros(tensor.Int64, 0, 3), []int{0, 1}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := imRun(c.op, 13, c.attrs, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType() != tensor.Int64 {
				t.Fatalf("dtype %v", got.DType())
			}
			imCheck(t, got, c.shape, c.want, 0)
		})
	}
}
