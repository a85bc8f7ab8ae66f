package ops

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// cvAttr builders for test nodes.
func cvAi(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }
func cvAf(name string, v float32) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrFloat, F: v}
}
func cvAs(name, v string) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrString, S: v} }
func cvAis(name string, v ...int64) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v}
}

// cvRunOp builds and runs one node; nOut is the number of declared outputs.
func cvRunOp(op string, opset int, attrs []*ir.Attr, nOut int, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	n := &ir.Node{Name: "t", OpType: op, Attrs: attrs}
	for i := range in {
		n.Inputs = append(n.Inputs, fmt.Sprint("i", i))
	}
	for i := 0; i < nOut; i++ {
		n.Outputs = append(n.Outputs, fmt.Sprint("o", i))
	}
	f, err := Lookup("", op, opset)
	if err != nil {
		return nil, err
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	return k.Run(&Context{Node: n, Opset: opset, Threads: 2}, in)
}

func cvF(shape []int, v ...float32) *tensor.Tensor { return tensor.From(shape, v) }

func cvSeq(shape ...int) *tensor.Tensor {
	v := make([]float32, tensor.Size(shape))
	for i := range v {
		v[i] = float32(i)
	}
	return tensor.From(shape, v)
}

func cvCheck(t *testing.T, name string, got *tensor.Tensor, shape []int, want []float64, tol float64) {
	t.Helper()
	if !tensor.SameShape(got.Shape(), shape) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape(), shape)
	}
	for i, w := range want {
		if g := got.Float64At(i); math.Abs(g-w) > tol*(1+math.Abs(w)) && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Fatalf("%s: [%d] = %v, want %v (got %v)", name, i, g, w, got)
		}
	}
}

func TestCvConvHand(t *testing.T) {
	x := cvSeq(1, 1, 3, 3)
	w := cvF([]int{1, 1, 2, 2}, 1, 1, 1, 1)
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"valid", nil, []*tensor.Tensor{x, w}, []int{1, 1, 2, 2}, []float64{8, 12, 20, 24}},
		{"bias", nil, []*tensor.Tensor{x, w, cvF([]int{1}, 1)}, []int{1, 1, 2, 2}, []float64{9, 13, 21, 25}},
		{"pads", []*ir.Attr{cvAis("pads", 1, 1, 0, 0)}, []*tensor.Tensor{x, w}, []int{1, 1, 3, 3}, []float64{0, 1, 3, 3, 8, 12, 9, 20, 24}},
		{"stride2", []*ir.Attr{cvAis("strides", 2, 2)}, []*tensor.Tensor{x, w}, []int{1, 1, 1, 1}, []float64{8}},
		{"same_upper", []*ir.Attr{cvAs("auto_pad", "SAME_UPPER")}, []*tensor.Tensor{x, w}, []int{1, 1, 3, 3}, []float64{8, 12, 7, 20, 24, 13, 13, 15, 8}},
		{"same_lower", []*ir.Attr{cvAs("auto_pad", "SAME_LOWER")}, []*tensor.Tensor{x, w}, []int{1, 1, 3, 3}, []float64{0, 1, 3, 3, 8, 12, 9, 20, 24}},
		{"dilation", []*ir.Attr{cvAis("dilations", 2, 2)}, []*tensor.Tensor{x, w}, []int{1, 1, 1, 1}, []float64{0 + 2 + 6 + 8}},
		{"depthwise", []*ir.Attr{cvAi("group", 2)}, []*tensor.Tensor{cvSeq(1, 2, 1, 2), cvF([]int{2, 1, 1, 1}, 2, 3)}, []int{1, 2, 1, 2}, []float64{0, 2, 6, 9}},
		{"1x1", nil, []*tensor.Tensor{cvSeq(1, 2, 1, 2), cvF([]int{1, 2, 1, 1}, 1, 10)}, []int{1, 1, 1, 2}, []float64{20, 31}},
		{"1d", []*ir.Attr{cvAis("kernel_shape", 2)}, []*tensor.Tensor{cvSeq(1, 1, 4), cvF([]int{1, 1, 2}, 1, -1)}, []int{1, 1, 3}, []float64{-1, -1, -1}},
	}
	for _, c := range cases {
		y, err := cvRunOp("Conv", 11, c.attrs, 1, c.in...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cvCheck(t, c.name, y[0], c.shape, c.want, 1e-6)
	}
}

// TestCvConvTwin checks the im2col+SGEMM float32 path against the direct
// float64 definition on odd geometries.
func TestCvConvTwin(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	cases := []struct {
		x, w  []int
		attrs []*ir.Attr
	}{
		{[]int{2, 3, 7}, []int{4, 3, 3}, []*ir.Attr{cvAis("pads", 1, 2), cvAis("strides", 2)}},
		{[]int{1, 4, 9, 8}, []int{6, 2, 3, 2}, []*ir.Attr{cvAi("group", 2), cvAis("dilations", 2, 1), cvAis("pads", 0, 1, 2, 1)}},
		{[]int{1, 3, 5, 6, 4}, []int{2, 3, 2, 3, 2}, []*ir.Attr{cvAs("auto_pad", "SAME_LOWER"), cvAis("strides", 1, 2, 1)}},
		{[]int{2, 8, 5, 5}, []int{8, 1, 3, 3}, []*ir.Attr{cvAi("group", 8), cvAis("pads", 1, 1, 1, 1)}},
		{[]int{1, 5, 4, 4}, []int{7, 5, 1, 1}, nil},
		{[]int{1, 17, 11, 13}, []int{9, 17, 3, 3}, []*ir.Attr{cvAs("auto_pad", "SAME_UPPER")}},
	}
	for i, c := range cases {
		x64 := tensor.Zeros(tensor.Float64, c.x...)
		w64 := tensor.Zeros(tensor.Float64, c.w...)
		b64 := tensor.Zeros(tensor.Float64, c.w[0])
		for _, tt := range []*tensor.Tensor{x64, w64, b64} {
			for j := range tensor.Data[float64](tt) {
				tensor.Data[float64](tt)[j] = float64(r.Intn(9)-4) / 2
			}
		}
		ref, err := cvRunOp("Conv", 11, c.attrs, 1, x64, w64, b64)
		if err != nil {
			t.Fatal(err)
		}
		x32, _ := tensor.Cast(x64, tensor.Float32)
		w32, _ := tensor.Cast(w64, tensor.Float32)
		b32, _ := tensor.Cast(b64, tensor.Float32)
		got, err := cvRunOp("Conv", 11, c.attrs, 1, x32, w32, b32)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, ref[0].Len())
		for j := range want {
			want[j] = ref[0].Float64At(j)
		}
		cvCheck(t, fmt.Sprint("case ", i), got[0], ref[0].Shape(), want, 1e-5)
		// float16 goes through float32.
		x16, _ := tensor.Cast(x64, tensor.Float16)
		w16, _ := tensor.Cast(w64, tensor.Float16)
		h, err := cvRunOp("Conv", 11, c.attrs, 1, x16, w16)
		if err != nil || h[0].DType() != tensor.Float16 {
			t.Fatalf("float16 conv: %v %v", err, h)
		}
	}
}

func TestCvConvErrors(t *testing.T) {
	x := cvSeq(1, 2, 3, 3)
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
	}{
		{"channels", nil, []*tensor.Tensor{x, cvSeq(1, 3, 1, 1)}},
		{"group", []*ir.Attr{cvAi("group", 3)}, []*tensor.Tensor{x, cvSeq(3, 1, 1, 1)}},
		{"group0", []*ir.Attr{cvAi("group", 0)}, []*tensor.Tensor{x, cvSeq(1, 2, 1, 1)}},
		{"autopad", []*ir.Attr{cvAs("auto_pad", "SAME")}, []*tensor.Tensor{x, cvSeq(1, 2, 1, 1)}},
		{"strides", []*ir.Attr{cvAis("strides", 1)}, []*tensor.Tensor{x, cvSeq(1, 2, 1, 1)}},
		{"stride0", []*ir.Attr{cvAis("strides", 0, 1)}, []*tensor.Tensor{x, cvSeq(1, 2, 1, 1)}},
		{"bigkernel", nil, []*tensor.Tensor{x, cvSeq(1, 2, 4, 4)}},
		{"kernel_shape", []*ir.Attr{cvAis("kernel_shape", 2, 2)}, []*tensor.Tensor{x, cvSeq(1, 2, 1, 1)}},
		{"bias", nil, []*tensor.Tensor{x, cvSeq(1, 2, 1, 1), cvSeq(2)}},
		{"rank", nil, []*tensor.Tensor{cvSeq(2), cvSeq(2)}},
		{"missing", nil, []*tensor.Tensor{x}},
		{"int", nil, []*tensor.Tensor{tensor.From([]int{1, 1, 1}, []int32{1}), tensor.From([]int{1, 1, 1}, []int32{1})}},
	}
	for _, c := range cases {
		if _, err := cvRunOp("Conv", 11, c.attrs, 1, c.in...); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestCvConvTranspose(t *testing.T) {
	x := cvF([]int{1, 1, 2}, 1, 2)
	w := cvF([]int{1, 1, 3}, 1, 1, 1)
	cases := []struct {
		name  string
		attrs []*ir.Attr
		shape []int
		want  []float64
	}{
		{"s1", nil, []int{1, 1, 4}, []float64{1, 3, 3, 2}},
		{"s2", []*ir.Attr{cvAis("strides", 2)}, []int{1, 1, 5}, []float64{1, 1, 3, 2, 2}},
		{"pads", []*ir.Attr{cvAis("pads", 1, 1)}, []int{1, 1, 2}, []float64{3, 3}},
		{"outpad", []*ir.Attr{cvAis("strides", 2), cvAis("output_padding", 1)}, []int{1, 1, 6}, []float64{1, 1, 3, 2, 2, 0}},
		// Spec formula: total padding -2 splits as -1 at each end.
		{"outshape", []*ir.Attr{cvAis("strides", 2), cvAis("output_shape", 7)}, []int{1, 1, 7}, []float64{0, 1, 1, 3, 2, 2, 0}},
		{"dil", []*ir.Attr{cvAis("dilations", 2)}, []int{1, 1, 6}, []float64{1, 2, 1, 2, 1, 2}},
	}
	for _, c := range cases {
		y, err := cvRunOp("ConvTranspose", 11, c.attrs, 1, x, w)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cvCheck(t, c.name, y[0], c.shape, c.want, 1e-6)
	}
	// Groups: 2 channels, each its own single output channel, plus bias.
	y, err := cvRunOp("ConvTranspose", 11, []*ir.Attr{cvAi("group", 2)}, 1,
		cvF([]int{1, 2, 1}, 1, 2), cvF([]int{2, 1, 2}, 1, 2, 3, 4), cvF([]int{2}, 10, 20))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "group", y[0], []int{1, 2, 2}, []float64{11, 12, 26, 28}, 1e-6)
	if _, err := cvRunOp("ConvTranspose", 11, nil, 1, x, cvF([]int{2, 1, 1}, 1, 1)); err == nil {
		t.Error("channel mismatch: no error")
	}
}

func TestCvConvInteger(t *testing.T) {
	x := tensor.From([]int{1, 1, 2, 2}, []uint8{2, 3, 4, 5})
	w := tensor.From([]int{2, 1, 1, 1}, []uint8{2, 255})
	y, err := cvRunOp("ConvInteger", 10, nil, 1, x, w, tensor.Scalar(uint8(1)), tensor.From([]int{2}, []uint8{0, 254}))
	if err != nil {
		t.Fatal(err)
	}
	if y[0].DType() != tensor.Int32 {
		t.Fatalf("dtype %v", y[0].DType())
	}
	cvCheck(t, "convinteger", y[0], []int{1, 2, 2, 2}, []float64{2, 4, 6, 8, 1, 2, 3, 4}, 0)
	xs := tensor.From([]int{1, 1, 3}, []int8{-128, 127, 0})
	ws := tensor.From([]int{1, 1, 2}, []int8{-128, 127})
	y, err = cvRunOp("ConvInteger", 10, []*ir.Attr{cvAis("pads", 1, 0)}, 1, xs, ws)
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "int8", y[0], []int{1, 1, 3}, []float64{-128 * 127, 128*128 + 127*127, -128 * 127}, 0)
}

func TestCvMatMul(t *testing.T) {
	cases := []struct {
		name  string
		a, b  *tensor.Tensor
		shape []int
		want  []float64
	}{
		{"vv", cvF([]int{3}, 1, 2, 3), cvF([]int{3}, 4, 5, 6), []int{}, []float64{32}},
		{"vm", cvF([]int{2}, 1, 2), cvSeq(2, 3), []int{3}, []float64{6, 9, 12}},
		{"mv", cvSeq(2, 3), cvF([]int{3}, 1, 1, 1), []int{2}, []float64{3, 12}},
		{"bcast", cvSeq(2, 1, 1, 2), cvSeq(3, 2, 1), []int{2, 3, 1, 1}, []float64{1, 3, 5, 3, 13, 23}},
		{"shared", cvSeq(2, 2, 2), cvF([]int{2, 2}, 1, 0, 0, 1), []int{2, 2, 2}, []float64{0, 1, 2, 3, 4, 5, 6, 7}},
		{"k0", tensor.Zeros(tensor.Float32, 2, 0), tensor.Zeros(tensor.Float32, 0, 3), []int{2, 3}, []float64{0, 0, 0, 0, 0, 0}},
		{"empty", tensor.Zeros(tensor.Float32, 0, 2), cvSeq(2, 3), []int{0, 3}, nil},
		{"int32", tensor.From([]int{2, 2}, []int32{1, 2, 3, 4}), tensor.From([]int{2, 2}, []int32{5, 6, 7, 8}), []int{2, 2}, []float64{19, 22, 43, 50}},
		{"uint64", tensor.From([]int{1, 2}, []uint64{1, 2}), tensor.From([]int{2, 1}, []uint64{3, 4}), []int{1, 1}, []float64{11}},
		{"f64", tensor.From([]int{1, 2}, []float64{0.5, 2}), tensor.From([]int{2}, []float64{2, 0.25}), []int{1}, []float64{1.5}},
	}
	for _, c := range cases {
		y, err := cvRunOp("MatMul", 13, nil, 1, c.a, c.b)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cvCheck(t, c.name, y[0], c.shape, c.want, 1e-6)
	}
	for _, bad := range [][2]*tensor.Tensor{
		{cvSeq(2, 3), cvSeq(2, 3)},
		{cvSeq(2, 2, 3), cvSeq(3, 3, 1)},
		{tensor.Scalar(float32(1)), cvSeq(1)},
		{cvSeq(2, 2), tensor.From([]int{2, 2}, []int32{1, 2, 3, 4})},
	} {
		if _, err := cvRunOp("MatMul", 13, nil, 1, bad[0], bad[1]); err == nil {
			t.Errorf("MatMul %v x %v: no error", bad[0].Shape(), bad[1].Shape())
		}
	}
	// Batched float32 against the generic float64 path.
	r := rand.New(rand.NewSource(5))
	a64, b64 := tensor.Zeros(tensor.Float64, 3, 1, 17, 9), tensor.Zeros(tensor.Float64, 2, 9, 65)
	for _, tt := range []*tensor.Tensor{a64, b64} {
		for j := range tensor.Data[float64](tt) {
			tensor.Data[float64](tt)[j] = float64(r.Intn(7) - 3)
		}
	}
	ref, _ := cvRunOp("MatMul", 13, nil, 1, a64, b64)
	a32, _ := tensor.Cast(a64, tensor.Float32)
	b32, _ := tensor.Cast(b64, tensor.Float32)
	got, err := cvRunOp("MatMul", 13, nil, 1, a32, b32)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, ref[0].Len())
	for j := range want {
		want[j] = ref[0].Float64At(j)
	}
	cvCheck(t, "batched", got[0], []int{3, 2, 17, 65}, want, 1e-6)
}

func TestCvMatMulInteger(t *testing.T) {
	a := tensor.From([]int{2, 2}, []uint8{11, 12, 13, 14})
	b := tensor.From([]int{2, 2}, []int8{1, -1, 2, -2})
	// Per-row A zero points, per-column B zero points.
	y, err := cvRunOp("MatMulInteger", 10, nil, 1, a, b, tensor.From([]int{2}, []uint8{10, 12}), tensor.From([]int{2}, []int8{0, -2}))
	if err != nil {
		t.Fatal(err)
	}
	// A-zp = [[1,2],[1,2]]; B-zp = [[1,1],[2,0]].
	cvCheck(t, "zp", y[0], []int{2, 2}, []float64{5, 1, 5, 1}, 0)
	if _, err := cvRunOp("MatMulInteger", 10, nil, 1, a, b, tensor.From([]int{3}, []uint8{1, 2, 3})); err == nil {
		t.Error("bad zero point: no error")
	}
	y, err = cvRunOp("MatMulInteger", 10, nil, 1, tensor.From([]int{1, 2}, []uint8{255, 255}), tensor.From([]int{2, 1}, []uint8{255, 255}))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "sat", y[0], []int{1, 1}, []float64{2 * 255 * 255}, 0)
}

func TestCvGemm(t *testing.T) {
	a := cvSeq(2, 3) // [[0,1,2],[3,4,5]]
	b := cvSeq(3, 2) // [[0,1],[2,3],[4,5]]
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"plain", nil, []*tensor.Tensor{a, b}, []int{2, 2}, []float64{10, 13, 28, 40}},
		{"scalarC", nil, []*tensor.Tensor{a, b, tensor.Scalar(float32(1))}, []int{2, 2}, []float64{11, 14, 29, 41}},
		{"rowC", []*ir.Attr{cvAf("beta", 2)}, []*tensor.Tensor{a, b, cvF([]int{2}, 1, 2)}, []int{2, 2}, []float64{12, 17, 30, 44}},
		{"colC", nil, []*tensor.Tensor{a, b, cvF([]int{2, 1}, 1, 2)}, []int{2, 2}, []float64{11, 14, 30, 42}},
		{"alpha", []*ir.Attr{cvAf("alpha", 0.5)}, []*tensor.Tensor{a, b}, []int{2, 2}, []float64{5, 6.5, 14, 20}},
		{"transAB", []*ir.Attr{cvAi("transA", 1), cvAi("transB", 1)}, []*tensor.Tensor{b, a}, []int{2, 2}, []float64{10, 28, 13, 40}},
		{"int64", nil, []*tensor.Tensor{tensor.From([]int{1, 2}, []int64{1, 2}), tensor.From([]int{2, 1}, []int64{3, 4}), tensor.From([]int{1}, []int64{5})}, []int{1, 1}, []float64{16}},
		{"f64transB", []*ir.Attr{cvAi("transB", 1)}, []*tensor.Tensor{tensor.From([]int{1, 2}, []float64{1, 2}), tensor.From([]int{1, 2}, []float64{3, 4})}, []int{1, 1}, []float64{11}},
	}
	for _, c := range cases {
		y, err := cvRunOp("Gemm", 13, c.attrs, 1, c.in...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cvCheck(t, c.name, y[0], c.shape, c.want, 1e-6)
	}
	if _, err := cvRunOp("Gemm", 13, nil, 1, a, b, cvF([]int{3}, 1, 2, 3)); err == nil {
		t.Error("bad C: no error")
	}
	if _, err := cvRunOp("Gemm", 13, nil, 1, a, a); err == nil {
		t.Error("bad inner dims: no error")
	}
}

func TestCvPools(t *testing.T) {
	x := cvSeq(1, 1, 4, 4)
	y, err := cvRunOp("MaxPool", 12, []*ir.Attr{cvAis("kernel_shape", 2, 2), cvAis("strides", 2, 2)}, 2, x)
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "max", y[0], []int{1, 1, 2, 2}, []float64{5, 7, 13, 15}, 0)
	cvCheck(t, "argmax", y[1], []int{1, 1, 2, 2}, []float64{5, 7, 13, 15}, 0)
	y, err = cvRunOp("MaxPool", 12, []*ir.Attr{cvAis("kernel_shape", 2, 2), cvAis("strides", 2, 2), cvAi("storage_order", 1)}, 2, x)
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "argmax colmajor", y[1], []int{1, 1, 2, 2}, []float64{5, 13, 7, 15}, 0)
	y, err = cvRunOp("MaxPool", 12, []*ir.Attr{cvAis("kernel_shape", 3, 3), cvAis("strides", 2, 2), cvAi("ceil_mode", 1)}, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "ceil", y[0], []int{1, 1, 2, 2}, []float64{10, 11, 14, 15}, 0)
	u8 := tensor.From([]int{1, 1, 1, 3}, []uint8{1, 255, 3})
	y, err = cvRunOp("MaxPool", 12, []*ir.Attr{cvAis("kernel_shape", 1, 2)}, 1, u8)
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "uint8", y[0], []int{1, 1, 1, 2}, []float64{255, 255}, 0)

	avgAttrs := []*ir.Attr{cvAis("kernel_shape", 2, 2), cvAis("pads", 1, 1, 0, 0)}
	y, err = cvRunOp("AveragePool", 11, avgAttrs, 1, cvSeq(1, 1, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "avg", y[0], []int{1, 1, 2, 2}, []float64{0, 0.5, 1, 1.5}, 1e-6)
	y, err = cvRunOp("AveragePool", 11, append(avgAttrs, cvAi("count_include_pad", 1)), 1, cvSeq(1, 1, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "avg incl", y[0], []int{1, 1, 2, 2}, []float64{0, 0.25, 0.5, 1.5}, 1e-6)
	y, err = cvRunOp("LpPool", 11, []*ir.Attr{cvAis("kernel_shape", 2), cvAi("p", 1)}, 1, cvF([]int{1, 1, 3}, -1, 2, -3))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "lp1", y[0], []int{1, 1, 2}, []float64{3, 5}, 1e-6)

	y, err = cvRunOp("GlobalAveragePool", 1, nil, 1, cvSeq(1, 2, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "gap", y[0], []int{1, 2, 1, 1}, []float64{1.5, 5.5}, 1e-6)
	y, err = cvRunOp("GlobalMaxPool", 1, nil, 1, cvSeq(1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "gmp", y[0], []int{1, 2, 1}, []float64{2, 5}, 0)
	y, err = cvRunOp("GlobalLpPool", 2, nil, 1, cvF([]int{1, 1, 2}, 3, 4))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "glp", y[0], []int{1, 1, 1}, []float64{5}, 1e-6)

	// MaxUnpool undoes MaxPool's selection.
	un, err := cvRunOp("MaxUnpool", 11, []*ir.Attr{cvAis("kernel_shape", 2, 2), cvAis("strides", 2, 2)}, 1,
		cvF([]int{1, 1, 2, 2}, 5, 7, 13, 15), tensor.From([]int{1, 1, 2, 2}, []int64{5, 7, 13, 15}))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "unpool", un[0], []int{1, 1, 4, 4}, []float64{0, 0, 0, 0, 0, 5, 0, 7, 0, 0, 0, 0, 0, 13, 0, 15}, 0)
	if _, err := cvRunOp("MaxUnpool", 11, []*ir.Attr{cvAis("kernel_shape", 2, 2)}, 1,
		cvF([]int{1, 1, 1, 1}, 1), tensor.From([]int{1, 1, 1, 1}, []int64{99})); err == nil {
		t.Error("unpool index out of range: no error")
	}
	for _, attrs := range [][]*ir.Attr{nil, {cvAis("kernel_shape", 5, 5)}, {cvAis("kernel_shape", 2, 2), cvAis("pads", 1)}} {
		if _, err := cvRunOp("MaxPool", 12, attrs, 1, x); err == nil {
			t.Errorf("MaxPool %v: no error", attrs)
		}
	}
}

func TestCvNorms(t *testing.T) {
	x := cvF([]int{1, 2, 2}, 1, 3, 10, 20)
	y, err := cvRunOp("LayerNormalization", 17, []*ir.Attr{cvAf("epsilon", 0)}, 3, x, cvF([]int{2}, 2, 1), cvF([]int{2}, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "layernorm", y[0], []int{1, 2, 2}, []float64{-2, 2, -2, 2}, 1e-6)
	cvCheck(t, "mean", y[1], []int{1, 2, 1}, []float64{2, 15}, 1e-6)
	cvCheck(t, "invstd", y[2], []int{1, 2, 1}, []float64{1, 0.2}, 1e-6)
	y, err = cvRunOp("LayerNormalization", 17, []*ir.Attr{cvAi("axis", -2), cvAf("epsilon", 0)}, 1, cvF([]int{2, 1}, 1, 3), tensor.Scalar(float32(1)))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "layernorm axis", y[0], []int{2, 1}, []float64{-1, 1}, 1e-6)
	if _, err := cvRunOp("LayerNormalization", 17, []*ir.Attr{cvAi("axis", 3)}, 1, x, tensor.Scalar(float32(1))); err == nil {
		t.Error("bad axis: no error")
	}

	y, err = cvRunOp("InstanceNormalization", 6, []*ir.Attr{cvAf("epsilon", 0)}, 1, x, cvF([]int{2}, 1, 3), cvF([]int{2}, 0, 5))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "instnorm", y[0], []int{1, 2, 2}, []float64{-1, 1, 2, 8}, 1e-6)

	y, err = cvRunOp("BatchNormalization", 15, nil, 1, x, cvF([]int{2}, 1, 2), cvF([]int{2}, 0, 1), cvF([]int{2}, 1, 10), cvF([]int{2}, 4-1e-5, 1-1e-5))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "batchnorm", y[0], []int{1, 2, 2}, []float64{0, 1, 1, 21}, 1e-5)

	y, err = cvRunOp("GroupNormalization", 21, []*ir.Attr{cvAi("num_groups", 1), cvAf("epsilon", 0)}, 1, cvF([]int{1, 2, 1}, 1, 3), cvF([]int{2}, 1, 2), cvF([]int{2}, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "groupnorm", y[0], []int{1, 2, 1}, []float64{-1, 3}, 1e-6)

	y, err = cvRunOp("LpNormalization", 1, nil, 1, cvF([]int{2, 2}, 3, 4, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "lpnorm", y[0], []int{2, 2}, []float64{0.6, 0.8, 0, 0}, 1e-6)
	y, err = cvRunOp("LpNormalization", 1, []*ir.Attr{cvAi("axis", 0), cvAi("p", 1)}, 1, cvF([]int{2, 1}, 1, -3))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "lp1norm", y[0], []int{2, 1}, []float64{0.25, -0.75}, 1e-6)

	y, err = cvRunOp("LRN", 13, []*ir.Attr{cvAi("size", 3), cvAf("alpha", 3), cvAf("beta", 1), cvAf("bias", 1)}, 1, cvF([]int{1, 2, 1}, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	// square sum 5 for both channels: y = x / (1 + 3/3*5).
	cvCheck(t, "lrn", y[0], []int{1, 2, 1}, []float64{1.0 / 6, 2.0 / 6}, 1e-6)

	y, err = cvRunOp("MeanVarianceNormalization", 13, []*ir.Attr{cvAis("axes", 1)}, 1, cvF([]int{2, 2}, 1, 3, 5, 5))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "mvn", y[0], []int{2, 2}, []float64{-1, 1, 0, 0}, 1e-6)
}

func TestCvEinsum(t *testing.T) {
	m := cvSeq(2, 2) // [[0,1],[2,3]]
	cases := []struct {
		eq    string
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"ij,jk->ik", []*tensor.Tensor{m, m}, []int{2, 2}, []float64{2, 3, 6, 11}},
		{"ij,jk", []*tensor.Tensor{m, m}, []int{2, 2}, []float64{2, 3, 6, 11}},
		{"ii->i", []*tensor.Tensor{m}, []int{2}, []float64{0, 3}},
		{"ii", []*tensor.Tensor{m}, []int{}, []float64{3}},
		{"ji", []*tensor.Tensor{m}, []int{2, 2}, []float64{0, 2, 1, 3}},
		{"ij->", []*tensor.Tensor{m}, []int{}, []float64{6}},
		{"i,i", []*tensor.Tensor{cvF([]int{2}, 1, 2), cvF([]int{2}, 3, 4)}, []int{}, []float64{11}},
		{"i,j->ij", []*tensor.Tensor{cvF([]int{2}, 1, 2), cvF([]int{3}, 1, 2, 3)}, []int{2, 3}, []float64{1, 2, 3, 2, 4, 6}},
		{"...ij->...ji", []*tensor.Tensor{cvSeq(2, 1, 2)}, []int{2, 2, 1}, []float64{0, 1, 2, 3}},
		{"...i,...i->...", []*tensor.Tensor{cvSeq(2, 2), cvF([]int{2}, 1, 1)}, []int{2}, []float64{1, 5}},
		{"b i j , b j k -> b i k", []*tensor.Tensor{cvSeq(2, 1, 2), cvSeq(2, 2, 1)}, []int{2, 1, 1}, []float64{1, 13}},
	}
	for _, c := range cases {
		y, err := cvRunOp("Einsum", 12, []*ir.Attr{cvAs("equation", c.eq)}, 1, c.in...)
		if err != nil {
			t.Fatalf("%q: %v", c.eq, err)
		}
		cvCheck(t, c.eq, y[0], c.shape, c.want, 1e-6)
	}
	y, err := cvRunOp("Einsum", 12, []*ir.Attr{cvAs("equation", "ij->j")}, 1, tensor.From([]int{2, 2}, []int64{1, 2, 3, 4}))
	if err != nil || y[0].DType() != tensor.Int64 {
		t.Fatalf("int64 einsum: %v %v", err, y)
	}
	cvCheck(t, "int", y[0], []int{2}, []float64{4, 6}, 0)
	for _, c := range []struct {
		eq string
		in []*tensor.Tensor
	}{
		{"ij,jk->ik", []*tensor.Tensor{m, cvSeq(3, 2)}},
		{"ij->k", []*tensor.Tensor{m}},
		{"ijk", []*tensor.Tensor{m}},
		{"i1", []*tensor.Tensor{m}},
		{"ij,jk", []*tensor.Tensor{m}},
	} {
		if _, err := cvRunOp("Einsum", 12, []*ir.Attr{cvAs("equation", c.eq)}, 1, c.in...); err == nil {
			t.Errorf("%q: no error", c.eq)
		}
	}
}

func TestCvDet(t *testing.T) {
	y, err := cvRunOp("Det", 11, nil, 1, cvF([]int{3, 2, 2}, 1, 2, 3, 4, 1, 2, 2, 4, 0, 1, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "det", y[0], []int{3}, []float64{-2, 0, -1}, 1e-6)
	y, err = cvRunOp("Det", 11, nil, 1, cvF([]int{3, 3}, 2, 0, 1, 1, 3, 2, 1, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "det3", y[0], []int{}, []float64{2*(3-2) - 0 + 1*(1-3)}, 1e-6)
	if _, err := cvRunOp("Det", 11, nil, 1, cvSeq(2, 3)); err == nil {
		t.Error("non-square: no error")
	}
}

func TestCvCol2Im(t *testing.T) {
	// 1×(1·2·2)×4 columns over a 3×3 image with 2×2 blocks: each image
	// element counts how many blocks cover it when the columns are ones.
	x := tensor.Zeros(tensor.Float32, 1, 4, 4)
	for i := range x.Float32s() {
		x.Float32s()[i] = 1
	}
	y, err := cvRunOp("Col2Im", 18, nil, 1, x, tensor.From([]int{2}, []int64{3, 3}), tensor.From([]int{2}, []int64{2, 2}))
	if err != nil {
		t.Fatal(err)
	}
	cvCheck(t, "col2im", y[0], []int{1, 1, 3, 3}, []float64{1, 2, 1, 2, 4, 2, 1, 2, 1}, 0)
	if _, err := cvRunOp("Col2Im", 18, nil, 1, x, tensor.From([]int{2}, []int64{4, 4}), tensor.From([]int{2}, []int64{2, 2})); err == nil {
		t.Error("mismatched L: no error")
	}
}

func TestCvErrorsWrapSentinels(t *testing.T) {
	_, err := cvRunOp("Conv", 11, nil, 1, cvSeq(1, 2, 3, 3), cvSeq(1, 3, 1, 1))
	if !errors.Is(err, tensor.ErrShape) {
		t.Errorf("Conv channel mismatch: %v does not wrap ErrShape", err)
	}
	_, err = cvRunOp("Conv", 11, []*ir.Attr{cvAs("auto_pad", "X")}, 1, cvSeq(1, 1, 1), cvSeq(1, 1, 1))
	if !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("bad auto_pad: %v does not wrap ErrInvalidModel", err)
	}
}

func BenchmarkCvConv(b *testing.B) {
	x := tensor.Zeros(tensor.Float32, 1, 64, 56, 56)
	w := tensor.Zeros(tensor.Float32, 64, 64, 3, 3)
	for i := range w.Float32s() {
		w.Float32s()[i] = float32(i%7) * 0.01
	}
	attrs := []*ir.Attr{cvAis("pads", 1, 1, 1, 1)}
	n := &ir.Node{Name: "bench", OpType: "Conv", Attrs: attrs, Inputs: []string{"x", "w"}, Outputs: []string{"y"}}
	k, err := cvNewConv(n, 11)
	if err != nil {
		b.Fatal(err)
	}
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("1x64x56x56_64x3x3/threads=%d", th), func(b *testing.B) {
			ctx := &Context{Node: n, Opset: 11, Threads: th}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Run(ctx, []*tensor.Tensor{x, w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(2*64*56*56*64*9)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestCvMaxPool2DTwin checks the 2-D MaxPool fast path against the
// window-table reference (cvMaxPool) on odd shapes, strides, pads and
// ceil mode, for float32 (with -Inf/NaN-free random data) and uint8/int8.
func TestCvMaxPool2DTwin(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	type tc struct{ h, w, kh, kw, sh, sw, pt, pl, pb, pr int }
	var cases []tc
	for _, hw := range [][2]int{{1, 1}, {3, 7}, {17, 5}, {8, 8}, {65, 63}} {
		for _, k := range [][2]int{{1, 1}, {2, 2}, {3, 3}, {3, 2}, {5, 5}} {
			for _, s := range [][2]int{{1, 1}, {2, 2}, {3, 1}} {
				for _, p := range [][4]int{{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 0, 1, 2}} {
					if p[0] >= k[0] || p[2] >= k[0] || p[1] >= k[1] || p[3] >= k[1] {
						continue
					}
					cases = append(cases, tc{hw[0], hw[1], k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3]})
				}
			}
		}
	}
	for _, c := range cases {
		for _, ceil := range []bool{false, true} {
			for _, th := range []int{1, 3} {
				name := fmt.Sprintf("%+v/ceil=%v/threads=%d", c, ceil, th)
				win := &cvWindow{kernel: []int{c.kh, c.kw}, strides: []int{c.sh, c.sw}, dilations: []int{1, 1},
					pads: []int{c.pt, c.pl, c.pb, c.pr}, autoPad: "NOTSET"}
				ctx := &Context{Node: &ir.Node{Name: "p", OpType: "MaxPool", Outputs: []string{"y"}}, Threads: th}
				g, err := win.resolve(ctx, []int{c.h, c.w}, win.kernel, ceil)
				if err != nil {
					continue // window larger than the padded input
				}
				xs := []int{2, 3, c.h, c.w}
				n := 2 * 3 * c.h * c.w
				on := 2 * 3 * g.out[0] * g.out[1]
				offs, _ := cvPoolWindows(xs[2:], g)
				xf := make([]float32, n)
				xu := make([]uint8, n)
				xi := make([]int8, n)
				for i := range xf {
					xf[i] = float32(rng.NormFloat64())
					xu[i] = uint8(rng.Intn(256))
					xi[i] = int8(rng.Intn(256) - 128)
				}
				wf, gf := make([]float32, on), make([]float32, on)
				cvMaxPool(xf, wf, nil, xs, g, offs, 0)
				cvMaxPool2D(ctx, xf, gf, xs, g)
				gs := make([]float32, on)
				cvMaxPool2DF32(ctx, xf, gs, xs, g)
				for i := range gs {
					if gs[i] != wf[i] {
						t.Fatalf("%s: separable out[%d] = %v, want %v", name, i, gs[i], wf[i])
					}
				}
				wu, gu := make([]uint8, on), make([]uint8, on)
				cvMaxPool(xu, wu, nil, xs, g, offs, 0)
				cvMaxPool2D(ctx, xu, gu, xs, g)
				wi, gi := make([]int8, on), make([]int8, on)
				cvMaxPool(xi, wi, nil, xs, g, offs, 0)
				cvMaxPool2D(ctx, xi, gi, xs, g)
				for i := range wf {
					if wf[i] != gf[i] || wu[i] != gu[i] || wi[i] != gi[i] {
						t.Fatalf("%s: out[%d] f32 %v/%v u8 %v/%v i8 %v/%v", name, i, gf[i], wf[i], gu[i], wu[i], gi[i], wi[i])
					}
				}
			}
		}
	}
}
