package ops

import (
	"errors"
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ewRun builds and runs a one-node kernel.
func ewRun(t *testing.T, op string, opset int, attrs []*ir.Attr, nout int, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	t.Helper()
	n := &ir.Node{Name: "n", OpType: op, Attrs: attrs}
	for range in {
		n.Inputs = append(n.Inputs, "x")
	}
	for i := 0; i < nout; i++ {
		n.Outputs = append(n.Outputs, "y")
	}
	f, err := Lookup("", op, opset)
	if err != nil {
		return nil, err
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	return k.Run(&Context{Node: n, Opset: opset, Threads: 4}, in)
}

func ewAttrI(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }
func ewAttrF(name string, v float32) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrFloat, F: v}
}
func ewAttrS(name, v string) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrString, S: v} }

// ewCheck compares got against want shape and values (floats within 1e-5
// relative, NaN equal to NaN).
func ewCheck(t *testing.T, name string, got, want *tensor.Tensor) {
	t.Helper()
	if got.DType() != want.DType() || !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Fatalf("%s: got %v%v, want %v%v", name, got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	for i := 0; i < want.Len(); i++ {
		g, w := got.At(i), want.At(i)
		if gf, ok := g.(float64); ok {
			wf := w.(float64)
			if math.IsNaN(wf) && math.IsNaN(gf) {
				continue
			}
			if math.Abs(gf-wf) <= 1e-5*math.Max(1, math.Abs(wf)) || gf == wf {
				continue
			}
		} else if g == w {
			continue
		}
		t.Fatalf("%s: element %d: got %v, want %v (got %v)", name, i, g, w, got)
	}
}

func TestEwBinary(t *testing.T) {
	f32 := func(shape []int, v ...float32) *tensor.Tensor { return tensor.From(shape, v) }
	nan := float32(math.NaN())
	cases := []struct {
		name  string
		op    string
		opset int
		attrs []*ir.Attr
		in    []*tensor.Tensor
		want  *tensor.Tensor
	}{
		{"add same", "Add", 14, nil, []*tensor.Tensor{f32([]int{2, 2}, 1, 2, 3, 4), f32([]int{2, 2}, 10, 20, 30, 40)}, f32([]int{2, 2}, 11, 22, 33, 44)},
		{"add row bcast", "Add", 14, nil, []*tensor.Tensor{f32([]int{2, 3}, 1, 2, 3, 4, 5, 6), f32([]int{3}, 10, 20, 30)}, f32([]int{2, 3}, 11, 22, 33, 14, 25, 36)},
		{"sub col bcast", "Sub", 14, nil, []*tensor.Tensor{f32([]int{2, 1}, 1, 2), f32([]int{1, 3}, 1, 2, 3)}, f32([]int{2, 3}, 0, -1, -2, 1, 0, -1)},
		{"mul scalar left", "Mul", 14, nil, []*tensor.Tensor{tensor.Scalar[float32](2), f32([]int{3}, 1, 2, 3)}, f32([]int{3}, 2, 4, 6)},
		{"mul 3d odd", "Mul", 14, nil, []*tensor.Tensor{f32([]int{2, 1, 3}, 1, 2, 3, 4, 5, 6), f32([]int{1, 2, 1}, 10, 100)}, f32([]int{2, 2, 3}, 10, 20, 30, 100, 200, 300, 40, 50, 60, 400, 500, 600)},
		{"add legacy axis", "Add", 6, []*ir.Attr{ewAttrI("broadcast", 1), ewAttrI("axis", 0)}, []*tensor.Tensor{f32([]int{2, 3}, 1, 2, 3, 4, 5, 6), f32([]int{2}, 10, 20)}, f32([]int{2, 3}, 11, 12, 13, 24, 25, 26)},
		{"add empty", "Add", 14, nil, []*tensor.Tensor{f32([]int{0, 3}), f32([]int{3}, 1, 2, 3)}, f32([]int{0, 3})},
		{"div float", "Div", 14, nil, []*tensor.Tensor{f32([]int{2}, 1, -3), f32([]int{2}, 2, 0)}, f32([]int{2}, 0.5, float32(math.Inf(-1)))},
		{"div int trunc", "Div", 14, nil, []*tensor.Tensor{tensor.From([]int{4}, []int32{7, -7, 7, 5}), tensor.From([]int{4}, []int32{2, 2, -2, 0})}, tensor.From([]int{4}, []int32{3, -3, -3, 0})},
		{"mod int sign of divisor", "Mod", 13, nil, []*tensor.Tensor{tensor.From([]int{4}, []int64{-4, 7, 5, -7}), tensor.From([]int{4}, []int64{3, -3, 0, -3})}, tensor.From([]int{4}, []int64{2, -2, 0, -1})},
		{"mod fmod int", "Mod", 13, []*ir.Attr{ewAttrI("fmod", 1)}, []*tensor.Tensor{tensor.From([]int{3}, []int8{-4, 7, -7}), tensor.From([]int{3}, []int8{3, -3, -3})}, tensor.From([]int{3}, []int8{-1, 1, -1})},
		{"mod fmod float", "Mod", 13, []*ir.Attr{ewAttrI("fmod", 1)}, []*tensor.Tensor{f32([]int{2}, -4.5, 7.5), f32([]int{2}, 2, -2)}, f32([]int{2}, -0.5, 1.5)},
		{"mod uint8", "Mod", 13, nil, []*tensor.Tensor{tensor.From([]int{3}, []uint8{4, 7, 5}), tensor.From([]int{3}, []uint8{2, 3, 8})}, tensor.From([]int{3}, []uint8{0, 1, 5})},
		{"pow float", "Pow", 15, nil, []*tensor.Tensor{f32([]int{3}, 1, 2, 3), tensor.Scalar[float32](2)}, f32([]int{3}, 1, 4, 9)},
		{"pow int32 base float exp", "Pow", 15, nil, []*tensor.Tensor{tensor.From([]int{3}, []int32{1, 2, 3}), f32([]int{3}, 4, 5, 0.5)}, tensor.From([]int{3}, []int32{1, 32, 1})},
		{"pow float base int64 exp", "Pow", 15, nil, []*tensor.Tensor{f32([]int{2}, 1.5, 2), tensor.From([]int{2}, []int64{2, -1})}, f32([]int{2}, 2.25, 0.5)},
		{"pow int64", "Pow", 15, nil, []*tensor.Tensor{tensor.From([]int{3}, []int64{3, -2, 2}), tensor.From([]int{3}, []int64{3, 3, 40})}, tensor.From([]int{3}, []int64{27, -8, 1 << 40})},
		{"bitshift left", "BitShift", 11, []*ir.Attr{ewAttrS("direction", "LEFT")}, []*tensor.Tensor{tensor.From([]int{3}, []uint8{16, 4, 1}), tensor.From([]int{3}, []uint8{1, 2, 9})}, tensor.From([]int{3}, []uint8{32, 16, 0})},
		{"bitshift right", "BitShift", 11, []*ir.Attr{ewAttrS("direction", "RIGHT")}, []*tensor.Tensor{tensor.From([]int{3}, []uint64{16, 4, 1}), tensor.From([]int{1}, []uint64{2})}, tensor.From([]int{3}, []uint64{4, 1, 0})},
		{"bitwise and", "BitwiseAnd", 18, nil, []*tensor.Tensor{tensor.From([]int{2}, []int32{12, -1}), tensor.From([]int{2}, []int32{10, 5})}, tensor.From([]int{2}, []int32{8, 5})},
		{"prelu bcast", "PRelu", 16, nil, []*tensor.Tensor{f32([]int{2, 2}, -1, 2, -3, 4), f32([]int{2}, 0.5, 0.1)}, f32([]int{2, 2}, -0.5, 2, -1.5, 4)},
		{"max nan", "Max", 13, nil, []*tensor.Tensor{f32([]int{3}, 1, nan, 3), f32([]int{3}, nan, 2, 1)}, f32([]int{3}, nan, nan, 3)},
		{"max int variadic bcast", "Max", 13, nil, []*tensor.Tensor{tensor.From([]int{3}, []int16{1, 5, 3}), tensor.From([]int{1}, []int16{2}), tensor.From([]int{2, 1}, []int16{0, 4})}, tensor.From([]int{2, 3}, []int16{2, 5, 3, 4, 5, 4})},
		{"min uint", "Min", 13, nil, []*tensor.Tensor{tensor.From([]int{3}, []uint32{1, 5, 3}), tensor.From([]int{3}, []uint32{2, 2, 2})}, tensor.From([]int{3}, []uint32{1, 2, 2})},
		{"sum one input", "Sum", 13, nil, []*tensor.Tensor{f32([]int{2}, 1, 2)}, f32([]int{2}, 1, 2)},
		{"mean", "Mean", 13, nil, []*tensor.Tensor{f32([]int{2}, 1, 2), f32([]int{2}, 3, 4), f32([]int{1}, 5)}, f32([]int{2}, 3, 11.0/3)},
		{"equal string", "Equal", 19, nil, []*tensor.Tensor{tensor.From([]int{3}, []string{"a", "b", "c"}), tensor.From([]int{1}, []string{"b"})}, tensor.From([]int{3}, []bool{false, true, false})},
		{"greater bcast", "Greater", 13, nil, []*tensor.Tensor{f32([]int{2, 2}, 1, 2, 3, 4), f32([]int{2, 1}, 1.5, 3.5)}, tensor.From([]int{2, 2}, []bool{false, true, false, true})},
		{"less equal int", "LessOrEqual", 16, nil, []*tensor.Tensor{tensor.From([]int{3}, []int64{1, 2, 3}), tensor.Scalar[int64](2)}, tensor.From([]int{3}, []bool{true, true, false})},
		{"xor bcast", "Xor", 7, nil, []*tensor.Tensor{tensor.From([]int{2, 2}, []bool{true, false, true, false}), tensor.From([]int{2}, []bool{true, true})}, tensor.From([]int{2, 2}, []bool{false, true, false, true})},
		{"where string", "Where", 16, nil, []*tensor.Tensor{tensor.From([]int{2, 1}, []bool{true, false}), tensor.From([]int{2}, []string{"a", "b"}), tensor.Scalar("z")}, tensor.From([]int{2, 2}, []string{"a", "b", "z", "z"})},
		{"where float", "Where", 16, nil, []*tensor.Tensor{tensor.From([]int{3}, []bool{true, false, true}), f32([]int{3}, 1, 2, 3), f32([]int{3}, 4, 5, 6)}, f32([]int{3}, 1, 5, 3)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := ewRun(t, c.op, c.opset, c.attrs, 1, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			ewCheck(t, c.name, out[0], c.want)
		})
	}
}

func TestEwFloat16(t *testing.T) {
	h := func(v ...float32) *tensor.Tensor {
		return tensor.Must(tensor.FromFloat32(tensor.Float16, []int{len(v)}, v))
	}
	out, err := ewRun(t, "Add", 14, nil, 1, h(1, 2.5), h(0.5, 0.25))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "f16 add", out[0], h(1.5, 2.75))
	out, err = ewRun(t, "Relu", 14, nil, 1, h(-1, 2))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "f16 relu", out[0], h(0, 2))
}

// TestEwBroadcastLarge checks the threaded paths (one long run and many
// outer runs starting mid-odometer) against a naive loop.
func TestEwBroadcastLarge(t *testing.T) {
	shapes := [][2][]int{
		{{300, 257}, {300, 257}},
		{{7, 300, 33}, {300, 1}},
		{{5, 1, 4001}, {1, 13, 1}},
		{{1}, {70001}},
	}
	for _, s := range shapes {
		a := tensor.Zeros(tensor.Float32, s[0]...)
		b := tensor.Zeros(tensor.Float32, s[1]...)
		for i := range a.Float32s() {
			a.Float32s()[i] = float32(i % 97)
		}
		for i := range b.Float32s() {
			b.Float32s()[i] = float32(i%13) * 0.5
		}
		out, err := ewRun(t, "Sub", 14, nil, 1, a, b)
		if err != nil {
			t.Fatal(err)
		}
		osh, _ := tensor.Broadcast(s[0], s[1])
		if !tensor.SameShape(out[0].Shape(), osh) {
			t.Fatalf("%v: shape %v, want %v", s, out[0].Shape(), osh)
		}
		sa, sb, so := tensor.BroadcastStrides(s[0], osh), tensor.BroadcastStrides(s[1], osh), tensor.Strides(osh)
		got := out[0].Float32s()
		for i := range got {
			ia, ib, rem := 0, 0, i
			for d := range osh {
				k := rem / so[d]
				rem %= so[d]
				ia += k * sa[d]
				ib += k * sb[d]
			}
			if want := a.Float32s()[ia] - b.Float32s()[ib]; got[i] != want {
				t.Fatalf("%v: element %d: got %v, want %v", s, i, got[i], want)
			}
		}
	}
}

func TestEwUnary(t *testing.T) {
	f32 := func(v ...float32) *tensor.Tensor { return tensor.From([]int{len(v)}, v) }
	inf := float32(math.Inf(1))
	cases := []struct {
		name  string
		op    string
		opset int
		attrs []*ir.Attr
		in    []*tensor.Tensor
		want  *tensor.Tensor
	}{
		{"round half even", "Round", 11, nil, []*tensor.Tensor{f32(0.5, 1.5, 2.5, -2.5, -0.4, 2.6)}, f32(0, 2, 2, -2, 0, 3)},
		{"sign float", "Sign", 13, nil, []*tensor.Tensor{f32(-3, 0, 2)}, f32(-1, 0, 1)},
		{"sign int", "Sign", 13, nil, []*tensor.Tensor{tensor.From([]int{3}, []int8{-3, 0, 2})}, tensor.From([]int{3}, []int8{-1, 0, 1})},
		{"abs int", "Abs", 13, nil, []*tensor.Tensor{tensor.From([]int{2}, []int32{-3, 4})}, tensor.From([]int{2}, []int32{3, 4})},
		{"neg", "Neg", 13, nil, []*tensor.Tensor{tensor.From([]int{2}, []float64{-3, 4})}, tensor.From([]int{2}, []float64{3, -4})},
		{"reciprocal", "Reciprocal", 13, nil, []*tensor.Tensor{f32(2, -4)}, f32(0.5, -0.25)},
		{"erf", "Erf", 13, nil, []*tensor.Tensor{f32(0, 1)}, f32(0, 0.8427007929497149)},
		{"isinf pos only", "IsInf", 10, []*ir.Attr{ewAttrI("detect_negative", 0)}, []*tensor.Tensor{f32(inf, -inf, 1)}, tensor.From([]int{3}, []bool{true, false, false})},
		{"isnan", "IsNaN", 13, nil, []*tensor.Tensor{f32(float32(math.NaN()), 1)}, tensor.From([]int{2}, []bool{true, false})},
		{"not", "Not", 1, nil, []*tensor.Tensor{tensor.From([]int{2}, []bool{true, false})}, tensor.From([]int{2}, []bool{false, true})},
		{"bitwise not", "BitwiseNot", 18, nil, []*tensor.Tensor{tensor.From([]int{2}, []uint8{0, 0xf0})}, tensor.From([]int{2}, []uint8{0xff, 0x0f})},
		{"relu int", "Relu", 14, nil, []*tensor.Tensor{tensor.From([]int{2}, []int64{-3, 4})}, tensor.From([]int{2}, []int64{0, 4})},
		{"leakyrelu", "LeakyRelu", 16, []*ir.Attr{ewAttrF("alpha", 0.1)}, []*tensor.Tensor{f32(-10, 5)}, f32(-1, 5)},
		{"elu", "Elu", 6, nil, []*tensor.Tensor{f32(-1, 2)}, f32(float32(math.Exp(-1)-1), 2)},
		{"selu", "Selu", 6, []*ir.Attr{ewAttrF("alpha", 2), ewAttrF("gamma", 3)}, []*tensor.Tensor{f32(-1, 1)}, f32(float32(3*(2*math.Exp(-1)-2)), 3)},
		{"celu", "Celu", 12, []*ir.Attr{ewAttrF("alpha", 2)}, []*tensor.Tensor{f32(-2, 3)}, f32(float32(2*(math.Exp(-1)-1)), 3)},
		{"sigmoid", "Sigmoid", 13, nil, []*tensor.Tensor{f32(0, -1000, 1000)}, f32(0.5, 0, 1)},
		{"hardsigmoid", "HardSigmoid", 6, nil, []*tensor.Tensor{f32(-3, 0, 1, 3)}, f32(0, 0.5, 0.7, 1)},
		{"hardswish", "HardSwish", 14, nil, []*tensor.Tensor{f32(-4, 0, 1, 4)}, f32(0, 0, float32(1.0*(1.0/6+0.5)), 4)},
		{"softplus", "Softplus", 1, nil, []*tensor.Tensor{f32(0, 100)}, f32(float32(math.Log(2)), 100)},
		{"softsign", "Softsign", 1, nil, []*tensor.Tensor{f32(-1, 3)}, f32(-0.5, 0.75)},
		{"thresholdedrelu", "ThresholdedRelu", 10, []*ir.Attr{ewAttrF("alpha", 2)}, []*tensor.Tensor{f32(1, 2, 3)}, f32(0, 0, 3)},
		{"shrink soft", "Shrink", 9, []*ir.Attr{ewAttrF("lambd", 1.5), ewAttrF("bias", 1.5)}, []*tensor.Tensor{f32(-2, -1, 0, 1, 2)}, f32(-0.5, 0, 0, 0, 0.5)},
		{"shrink int", "Shrink", 9, []*ir.Attr{ewAttrF("lambd", 1), ewAttrF("bias", 1)}, []*tensor.Tensor{tensor.From([]int{3}, []int32{-3, 1, 5})}, tensor.From([]int{3}, []int32{-2, 0, 4})},
		{"gelu", "Gelu", 20, nil, []*tensor.Tensor{f32(0, 1)}, f32(0, 0.8413447460685429)},
		{"gelu tanh", "Gelu", 20, []*ir.Attr{ewAttrS("approximate", "tanh")}, []*tensor.Tensor{f32(0, 1)}, f32(0, 0.8411919906082768)},
		{"mish", "Mish", 18, nil, []*tensor.Tensor{f32(0, 1)}, f32(0, 0.8650983882673103)},
		{"clip attrs", "Clip", 6, []*ir.Attr{ewAttrF("min", -1), ewAttrF("max", 1)}, []*tensor.Tensor{f32(-2, 0.5, 2)}, f32(-1, 0.5, 1)},
		{"clip inputs", "Clip", 13, nil, []*tensor.Tensor{f32(-2, 0.5, 2), tensor.Scalar[float32](0), nil}, f32(0, 0.5, 2)},
		{"clip int8 max only", "Clip", 13, nil, []*tensor.Tensor{tensor.From([]int{3}, []int8{-128, 5, 127}), nil, tensor.Scalar[int8](4)}, tensor.From([]int{3}, []int8{-128, 4, 4})},
		{"clip uint64 no bounds", "Clip", 13, nil, []*tensor.Tensor{tensor.From([]int{2}, []uint64{0, math.MaxUint64})}, tensor.From([]int{2}, []uint64{0, math.MaxUint64})},
		{"identity", "Identity", 16, nil, []*tensor.Tensor{f32(1, 2)}, f32(1, 2)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := ewRun(t, c.op, c.opset, c.attrs, 1, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			ewCheck(t, c.name, out[0], c.want)
		})
	}
}

func TestEwSoftmax(t *testing.T) {
	x := tensor.From([]int{2, 2}, []float32{0, 0, 1, 1})
	e := float32(math.E)
	// opset 11, axis 0: the whole tensor is one row of 4.
	s := 2 + 2*e
	cases := []struct {
		name  string
		op    string
		opset int
		axis  int64
		want  []float32
	}{
		{"softmax 13 axis -1", "Softmax", 13, -1, []float32{0.5, 0.5, 0.5, 0.5}},
		{"softmax 13 axis 0", "Softmax", 13, 0, []float32{1 / (1 + e), 1 / (1 + e), e / (1 + e), e / (1 + e)}},
		{"softmax 11 axis 0 coerced", "Softmax", 11, 0, []float32{1 / s, 1 / s, e / s, e / s}},
		{"logsoftmax 13 axis 0", "LogSoftmax", 13, 0, []float32{float32(-math.Log(1 + math.E)), float32(-math.Log(1 + math.E)), float32(1 - math.Log(1+math.E)), float32(1 - math.Log(1+math.E))}},
		{"hardmax 13 axis 0", "Hardmax", 13, 0, []float32{0, 0, 1, 1}},
		{"hardmax 11 axis 0", "Hardmax", 11, 0, []float32{0, 0, 1, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := ewRun(t, c.op, c.opset, []*ir.Attr{ewAttrI("axis", c.axis)}, 1, x)
			if err != nil {
				t.Fatal(err)
			}
			ewCheck(t, c.name, out[0], tensor.From([]int{2, 2}, c.want))
		})
	}
	if _, err := ewRun(t, "Softmax", 13, []*ir.Attr{ewAttrI("axis", 2)}, 1, x); !errors.Is(err, tensor.ErrShape) {
		t.Fatalf("axis out of range: got %v, want ErrShape", err)
	}
}

func TestEwCast(t *testing.T) {
	out, err := ewRun(t, "Cast", 13, []*ir.Attr{ewAttrI("to", int64(tensor.Int32))}, 1, tensor.From([]int{3}, []float32{1.9, -1.9, 0}))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "float to int32", out[0], tensor.From([]int{3}, []int32{1, -1, 0}))
	out, err = ewRun(t, "CastLike", 15, nil, 1, tensor.From([]int{2}, []string{"1.5", "-2"}), tensor.Scalar[float64](0))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "string to double", out[0], tensor.From([]int{2}, []float64{1.5, -2}))
	out, err = ewRun(t, "Cast", 13, []*ir.Attr{ewAttrI("to", int64(tensor.Bool))}, 1, tensor.From([]int{2}, []int64{0, 7}))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "int to bool", out[0], tensor.From([]int{2}, []bool{false, true}))
	out, err = ewRun(t, "Cast", 13, []*ir.Attr{ewAttrI("to", int64(tensor.BFloat16))}, 1, tensor.From([]int{2}, []float32{math.Float32frombits(0x3f80ffff), float32(math.NaN())}))
	if err != nil {
		t.Fatal(err)
	}
	if got := tensor.Data[uint16](out[0]); got[0] != 0x3f80 || got[1] != 0x7fc0 {
		t.Fatalf("float to bfloat16: got %#x, want truncation [0x3f80 0x7fc0]", got)
	}
	if _, err := ewRun(t, "Cast", 13, []*ir.Attr{ewAttrI("to", int64(tensor.Complex64))}, 1, tensor.Scalar[float32](1)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("complex target: got %v, want ErrUnsupported", err)
	}
}

func TestEwDropoutRandom(t *testing.T) {
	x := tensor.From([]int{2, 2}, []float32{1, 2, 3, 4})
	out, err := ewRun(t, "Dropout", 13, nil, 2, x, tensor.Scalar[float32](0.3))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "dropout y", out[0], x)
	ewCheck(t, "dropout mask", out[1], tensor.From([]int{2, 2}, []bool{true, true, true, true}))
	out, err = ewRun(t, "Dropout", 13, []*ir.Attr{ewAttrI("seed", 3)}, 1, x, tensor.Scalar[float32](0.5), tensor.Scalar(true))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out[0].Float32s() {
		if v != 0 && v != 2 && v != 4 && v != 6 && v != 8 {
			t.Fatalf("training dropout: unexpected value %v", v)
		}
	}
	out, err = ewRun(t, "RandomUniform", 1, []*ir.Attr{{Name: "shape", Type: ir.AttrInts, Ints: []int64{3, 2}}, ewAttrI("dtype", int64(tensor.Float64)), ewAttrF("low", 2), ewAttrF("high", 3)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].DType() != tensor.Float64 || !tensor.SameShape(out[0].Shape(), []int{3, 2}) {
		t.Fatalf("RandomUniform: got %v", out[0])
	}
	for _, v := range tensor.Data[float64](out[0]) {
		if v < 2 || v >= 3 {
			t.Fatalf("RandomUniform: %v out of [2,3)", v)
		}
	}
	out, err = ewRun(t, "RandomNormalLike", 1, nil, 1, tensor.Zeros(tensor.Float16, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if out[0].DType() != tensor.Float16 || !tensor.SameShape(out[0].Shape(), []int{4, 1}) {
		t.Fatalf("RandomNormalLike: got %v", out[0])
	}
	out, err = ewRun(t, "Bernoulli", 15, nil, 1, tensor.From([]int{3}, []float64{0, 1, 1}))
	if err != nil {
		t.Fatal(err)
	}
	ewCheck(t, "bernoulli 0/1", out[0], tensor.From([]int{3}, []float64{0, 1, 1}))
}

func TestEwErrors(t *testing.T) {
	f := tensor.From([]int{3}, []float32{1, 2, 3})
	cases := []struct {
		name  string
		op    string
		opset int
		attrs []*ir.Attr
		in    []*tensor.Tensor
		want  error
	}{
		{"no broadcast", "Add", 14, nil, []*tensor.Tensor{f, tensor.From([]int{2}, []float32{1, 2})}, tensor.ErrShape},
		{"dtype mismatch", "Mul", 14, nil, []*tensor.Tensor{f, tensor.From([]int{3}, []int32{1, 2, 3})}, tensor.ErrDType},
		{"missing input", "Sub", 14, nil, []*tensor.Tensor{f, nil}, ir.ErrInvalidModel},
		{"bad fmod", "Mod", 13, []*ir.Attr{ewAttrI("fmod", 2)}, []*tensor.Tensor{f, f}, ir.ErrInvalidModel},
		{"bad direction", "BitShift", 11, []*ir.Attr{ewAttrS("direction", "UP")}, []*tensor.Tensor{f, f}, ir.ErrInvalidModel},
		{"signed bitshift", "BitShift", 11, []*ir.Attr{ewAttrS("direction", "LEFT")}, []*tensor.Tensor{tensor.Scalar[int32](1), tensor.Scalar[int32](1)}, ErrUnsupported},
		{"bad gelu", "Gelu", 20, []*ir.Attr{ewAttrS("approximate", "cubic")}, []*tensor.Tensor{f}, ir.ErrInvalidModel},
		{"sqrt int", "Sqrt", 13, nil, []*tensor.Tensor{tensor.Scalar[int32](4)}, ErrUnsupported},
		{"bitand float", "BitwiseAnd", 18, nil, []*tensor.Tensor{f, f}, ErrUnsupported},
		{"greater string", "Greater", 13, nil, []*tensor.Tensor{tensor.Scalar("a"), tensor.Scalar("b")}, ErrUnsupported},
		{"and float", "And", 7, nil, []*tensor.Tensor{f, f}, tensor.ErrDType},
		{"where cond float", "Where", 16, nil, []*tensor.Tensor{f, f, f}, tensor.ErrDType},
		{"clip vector bound", "Clip", 13, nil, []*tensor.Tensor{f, f}, tensor.ErrShape},
		{"prelu slope too big", "PRelu", 16, nil, []*tensor.Tensor{tensor.Scalar[float32](1), f}, tensor.ErrShape},
		{"random no shape", "RandomNormal", 1, nil, nil, ir.ErrInvalidModel},
		{"cast no to", "Cast", 13, nil, []*tensor.Tensor{f}, ir.ErrInvalidModel},
		{"max no inputs", "Max", 13, nil, nil, ir.ErrInvalidModel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ewRun(t, c.op, c.opset, c.attrs, 1, c.in...)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestEwIdentityValues(t *testing.T) {
	seq := &Sequence{Elem: tensor.Float32, Items: []*tensor.Tensor{tensor.Scalar[float32](1)}}
	n := &ir.Node{Name: "id", OpType: "Identity", Inputs: []string{"s"}, Outputs: []string{"o"}}
	f, err := Lookup("", "Identity", 16)
	if err != nil {
		t.Fatal(err)
	}
	k, err := f(n, 16)
	if err != nil {
		t.Fatal(err)
	}
	vk, ok := k.(ValueKernel)
	if !ok {
		t.Fatal("Identity kernel is not a ValueKernel")
	}
	ctx := &Context{Node: n, Opset: 16}
	for _, v := range []Value{seq, &Optional{Value: seq, IsSeq: true}, &Optional{Elem: tensor.Int64}} {
		out, err := vk.RunValues(ctx, []Value{v})
		if err != nil {
			t.Fatal(err)
		}
		if out[0] != v {
			t.Fatalf("Identity(%T) returned %v", v, out[0])
		}
	}
	if _, err := vk.RunValues(ctx, []Value{nil}); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("missing input: got %v", err)
	}
}
