package ops

import (
	"errors"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func msRun(t *testing.T, op string, attrs []*ir.Attr, in ...*tensor.Tensor) (*tensor.Tensor, error) {
	t.Helper()
	n := &ir.Node{Name: "n0", OpType: op, Domain: ir.MSDomain, Attrs: attrs, Outputs: []string{"y"}}
	f, err := Lookup(ir.MSDomain, op, 1)
	if err != nil {
		t.Fatalf("lookup %s: %v", op, err)
	}
	k, err := f(n, 1)
	if err != nil {
		return nil, err
	}
	out, err := k.Run(&Context{Node: n, Opset: 1, Threads: 1}, in)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func msI(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }

func msWant(t *testing.T, got *tensor.Tensor, shape []int, want []int64) {
	t.Helper()
	if !tensor.SameShape(got.Shape(), shape) {
		t.Fatalf("shape %v, want %v", got.Shape(), shape)
	}
	for i, w := range want {
		if got.Int64At(i) != w {
			t.Fatalf("element %d = %d, want %d (all %v)", i, got.Int64At(i), w, got)
		}
	}
}

func TestMSQLinearBinary(t *testing.T) {
	u8 := func(v ...uint8) *tensor.Tensor { return tensor.From([]int{len(v)}, v) }
	s := func(v float32) *tensor.Tensor { return tensor.Scalar(v) }
	z := func(v uint8) *tensor.Tensor { return tensor.Scalar(v) }
	// A = 0.5*(a-10), B = 0.25*(b-20), C = 1*(c-5).
	// a=14,b=28: 2 + 2 = 4 -> 9; a=10,b=20: 0 -> 5.
	got, err := msRun(t, "QLinearAdd", nil, u8(14, 10, 255), s(0.5), z(10), u8(28, 20, 255), s(0.25), z(20), s(1), z(5))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{3}, []int64{9, 5, 186}) // 122.5+58.75+5 = 186.25
	// Ties round to even after adding the zero point (as MLAS does): 5.5 -> 6, 6.5 -> 6.
	got, _ = msRun(t, "QLinearAdd", nil, u8(11, 13), s(0.5), z(10), u8(20), s(0.25), z(20), s(1), z(5))
	msWant(t, got, []int{2}, []int64{6, 6})
	// Mul: 2 * 2 = 4 -> 9; broadcast [2,1] x [3].
	a := tensor.From([]int{2, 1}, []uint8{14, 12})
	got, err = msRun(t, "QLinearMul", nil, a, s(0.5), z(10), u8(28, 20, 24), s(0.25), z(20), s(1), z(5))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{2, 3}, []int64{9, 5, 7, 7, 5, 6})
	// int8 saturates at -128.
	i8 := tensor.From([]int{1}, []int8{-128})
	got, _ = msRun(t, "QLinearAdd", nil, i8, s(1), tensor.Scalar(int8(0)), i8, s(1), tensor.Scalar(int8(0)), s(1), tensor.Scalar(int8(0)))
	msWant(t, got, []int{1}, []int64{-128})
	// Errors name the node.
	for _, tc := range []struct {
		name string
		in   []*tensor.Tensor
		want error
	}{
		{"zero scale", []*tensor.Tensor{u8(1), s(0), z(0), u8(1), s(1), z(0), s(1), z(0)}, ir.ErrInvalidModel},
		{"negative scale", []*tensor.Tensor{u8(1), s(1), z(0), u8(1), s(-1), z(0), s(1), z(0)}, ir.ErrInvalidModel},
		{"NaN scale", []*tensor.Tensor{u8(1), s(1), z(0), u8(1), s(1), z(0), s(float32(nan())), z(0)}, ir.ErrInvalidModel},
		{"zp type", []*tensor.Tensor{u8(1), s(1), tensor.Scalar(int8(0)), u8(1), s(1), z(0), s(1), z(0)}, tensor.ErrDType},
		{"mixed types", []*tensor.Tensor{u8(1), s(1), z(0), i8, s(1), z(0), s(1), z(0)}, tensor.ErrDType},
		{"shapes", []*tensor.Tensor{u8(1, 2), s(1), z(0), u8(1, 2, 3), s(1), z(0), s(1), z(0)}, tensor.ErrShape},
		{"too few", []*tensor.Tensor{u8(1)}, ir.ErrInvalidModel},
	} {
		_, err := msRun(t, "QLinearAdd", nil, tc.in...)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), `"n0"`) {
			t.Errorf("%s: err = %v, want %v naming the node", tc.name, err, tc.want)
		}
	}
}

func nan() float64 { var z float64; return z / z }

func TestMSLookupAndPool(t *testing.T) {
	s := func(v float32) *tensor.Tensor { return tensor.Scalar(v) }
	z := func(v uint8) *tensor.Tensor { return tensor.Scalar(v) }
	// LeakyRelu alpha 0.5, identity scales: x-zp = -4 -> -2; 6 -> 6.
	x := tensor.From([]int{3}, []uint8{6, 16, 10})
	got, err := msRun(t, "QLinearLeakyRelu", []*ir.Attr{{Name: "alpha", Type: ir.AttrFloat, F: 0.5}}, x, s(1), z(10), s(1), z(10))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{3}, []int64{8, 16, 10})
	// Sigmoid(0) = 0.5 -> 0.5/(1/256) = 128.
	got, _ = msRun(t, "QLinearSigmoid", nil, tensor.From([]int{1}, []uint8{10}), s(1), z(10), s(1.0/256), z(0))
	msWant(t, got, []int{1}, []int64{128})
	// Global average pool over 2x2: (1+2+3+6)/4 = 3 with zp 0, scales 1.
	gx := tensor.From([]int{1, 1, 2, 2}, []uint8{1, 2, 3, 6})
	got, err = msRun(t, "QLinearGlobalAveragePool", nil, gx, s(1), z(0), s(1), z(0))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{1, 1, 1, 1}, []int64{3})
	// Average pool 1-D kernel 2, pad 1 each side, excluding pad: [1, (1+2)/2=1.5->2, (2+6)/2=4, 6].
	px := tensor.From([]int{1, 1, 3}, []uint8{1, 2, 6})
	got, err = msRun(t, "QLinearAveragePool", []*ir.Attr{{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{2}}, {Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1}}}, px, s(1), z(0), s(1), z(0))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{1, 1, 4}, []int64{1, 2, 4, 6})
	// Concat along axis 0 with requantization: x1 scale 2 -> values doubled.
	got, err = msRun(t, "QLinearConcat", []*ir.Attr{msI("axis", 0)}, s(1), z(0),
		tensor.From([]int{1}, []uint8{7}), s(1), z(0), tensor.From([]int{2}, []uint8{3, 200}), s(2), z(0))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{3}, []int64{7, 6, 255})
	// Softmax over equal values gives 1/D each: D=4, y_scale 1/256 -> 64.
	got, err = msRun(t, "QLinearSoftmax", []*ir.Attr{msI("opset", 13)}, tensor.From([]int{1, 4}, []uint8{9, 9, 9, 9}), s(0.1), z(0), s(1.0/256), z(0))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{1, 4}, []int64{64, 64, 64, 64})
	// Error cases.
	if _, err := msRun(t, "QLinearAveragePool", nil, px, s(1), z(0), s(1), z(0)); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("pool without kernel_shape: %v", err)
	}
	if _, err := msRun(t, "QLinearSoftmax", nil, px, s(1), z(0), s(1), z(0)); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("softmax without opset: %v", err)
	}
	if _, err := msRun(t, "QLinearConcat", []*ir.Attr{msI("axis", 0)}, s(1), z(0), tensor.From([]int{1, 1}, []uint8{7}), s(1), z(0), tensor.From([]int{2}, []uint8{3, 200}), s(2), z(0)); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("concat rank mismatch: %v", err)
	}
	if _, err := msRun(t, "QLinearGlobalAveragePool", nil, tensor.From([]int{1, 2}, []uint8{1, 2}), s(1), z(0), s(1), z(0)); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("global pool rank 2: %v", err)
	}
}

func TestMSGemmFamily(t *testing.T) {
	s := func(v float32) *tensor.Tensor { return tensor.Scalar(v) }
	// QGemm: A [[1,2],[3,4]] zp 0, B identity zp 0, C bias [10, 20], scales 1 -> float.
	a := tensor.From([]int{2, 2}, []uint8{1, 2, 3, 4})
	b := tensor.From([]int{2, 2}, []uint8{1, 0, 0, 1})
	c := tensor.From([]int{2}, []int32{10, 20})
	got, err := msRun(t, "QGemm", []*ir.Attr{{Name: "alpha", Type: ir.AttrFloat, F: 0.5}}, a, s(1), tensor.Scalar(uint8(0)), b, s(1), tensor.Scalar(uint8(0)), c)
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Float32s(); v[0] != 5.5 || v[1] != 11 || v[2] != 6.5 || v[3] != 12 {
		t.Fatalf("QGemm float = %v, want [5.5 11 6.5 12]", v)
	}
	// Quantized output with transB: y_scale 2, y_zp 1: (acc)/2 + 1.
	got, err = msRun(t, "QGemm", []*ir.Attr{msI("transB", 1)}, a, s(1), tensor.Scalar(uint8(0)), b, s(1), tensor.Scalar(uint8(0)), nil, s(2), tensor.Scalar(uint8(1)))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{2, 2}, []int64{1, 2, 3, 3}) // A·Bᵀ = A; /2 rounds 0.5->0, 1.5->2; +1
	// MatMulIntegerToFloat with per-column b_scale and bias.
	got, err = msRun(t, "MatMulIntegerToFloat", nil, a, b, s(0.5), tensor.From([]int{2}, []float32{1, 2}), nil, nil, tensor.From([]int{2}, []float32{1, -1}))
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Float32s(); v[0] != 1.5 || v[1] != 1 || v[2] != 2.5 || v[3] != 3 {
		t.Fatalf("MatMulIntegerToFloat = %v", v)
	}
	// DynamicQuantizeMatMul of exactly representable values: A in {0, 1}, range [0,1] -> scale 1/255.
	af := tensor.From([]int{1, 2}, []float32{1, 0})
	got, err = msRun(t, "DynamicQuantizeMatMul", nil, af, b, s(1))
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Float32s(); v[0] < 0.9999 || v[0] > 1.0001 || v[1] != 0 {
		t.Fatalf("DynamicQuantizeMatMul = %v", v)
	}
	// MatMulNBits 4-bit, K=20 (block 16, 2 blocks, last partial), N=1, zp default 8.
	bb := make([]uint8, 16) // 2 blocks × 8 bytes
	for i := range bb {
		bb[i] = 0x99 // every nibble 9 -> (9-8)*scale
	}
	ones := make([]float32, 20)
	for i := range ones {
		ones[i] = 1
	}
	nb := []*ir.Attr{msI("K", 20), msI("N", 1), msI("bits", 4), msI("block_size", 16)}
	got, err = msRun(t, "MatMulNBits", nb, tensor.From([]int{1, 20}, ones), tensor.From([]int{1, 2, 8}, bb), tensor.From([]int{2}, []float32{1, 2}))
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Float32s(); v[0] != 16*1+4*2 {
		t.Fatalf("MatMulNBits = %v, want 24", v)
	}
	// Errors: bad block size, bad bits, wrong B length.
	for _, attrs := range [][]*ir.Attr{
		{msI("K", 20), msI("N", 1), msI("bits", 4), msI("block_size", 8)},
		{msI("K", 20), msI("N", 1), msI("bits", 4), msI("block_size", 24)},
		{msI("K", 20), msI("N", 1), msI("bits", 3), msI("block_size", 16)},
		{msI("N", 1), msI("bits", 4), msI("block_size", 16)},
	} {
		if _, err := msRun(t, "MatMulNBits", attrs, tensor.From([]int{1, 20}, ones), tensor.From([]int{1, 2, 8}, bb), tensor.From([]int{2}, []float32{1, 2})); !errors.Is(err, ir.ErrInvalidModel) || !strings.Contains(err.Error(), `"n0"`) {
			t.Errorf("attrs %v: err = %v", attrs, err)
		}
	}
	if _, err := msRun(t, "MatMulNBits", nb, tensor.From([]int{1, 20}, ones), tensor.From([]int{1, 1, 8}, bb[:8]), tensor.From([]int{2}, []float32{1, 2})); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("short B: %v", err)
	}
	if _, err := msRun(t, "QGemm", nil, a, s(0), tensor.Scalar(uint8(0)), b, s(1), tensor.Scalar(uint8(0))); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("QGemm zero scale: %v", err)
	}
	if _, err := msRun(t, "QGemm", nil, a, s(1), tensor.Scalar(uint8(0)), b, tensor.From([]int{3}, []float32{1, 1, 1}), tensor.Scalar(uint8(0))); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("QGemm b_scale length: %v", err)
	}
	// GatherBlockQuantized uint8 bits 4: row [0x21 ...] -> values 1,2,... with zp 8.
	d := make([]uint8, 2*8)
	for i := range d {
		d[i] = 0x9A // elements 10, 9 alternating
	}
	got, err = msRun(t, "GatherBlockQuantized", []*ir.Attr{msI("block_size", 16)}, tensor.From([]int{2, 8}, d), tensor.From([]int{1}, []int64{1}), tensor.From([]int{2, 1}, []float32{1, 0.5}))
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Float32s(); len(v) != 16 || v[0] != 1 || v[1] != 0.5 {
		t.Fatalf("GatherBlockQuantized = %v", v)
	}
	if _, err := msRun(t, "GatherBlockQuantized", []*ir.Attr{msI("block_size", 16)}, tensor.From([]int{2, 8}, d), tensor.From([]int{1}, []int64{2}), tensor.From([]int{2, 1}, []float32{1, 0.5})); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("index out of range: %v", err)
	}
	if _, err := msRun(t, "GatherBlockQuantized", []*ir.Attr{msI("block_size", 12)}, tensor.From([]int{2, 8}, d), tensor.From([]int{1}, []int64{0}), tensor.From([]int{2, 1}, []float32{1, 0.5})); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("bad block size: %v", err)
	}
	// com.microsoft QuantizeLinear to int16.
	got, err = msRun(t, "QuantizeLinear", nil, tensor.From([]int{2}, []float32{1.5, -300}), s(0.5), tensor.Scalar(int16(1)))
	if err != nil {
		t.Fatal(err)
	}
	msWant(t, got, []int{2}, []int64{4, -599})
}
