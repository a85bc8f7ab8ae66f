package ops

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// qsNode builds a node with the given attributes (int64, float32, string,
// []int64, []string, []float32 values).
func qsNode(op string, attrs map[string]any) *ir.Node {
	n := &ir.Node{Name: "t", OpType: op}
	for k, v := range attrs {
		a := &ir.Attr{Name: k}
		switch x := v.(type) {
		case int:
			a.Type, a.I = ir.AttrInt, int64(x)
		case float32:
			a.Type, a.F = ir.AttrFloat, x
		case string:
			a.Type, a.S = ir.AttrString, x
		case []int64:
			a.Type, a.Ints = ir.AttrInts, x
		case []string:
			a.Type, a.Strings = ir.AttrStrings, x
		case []float32:
			a.Type, a.Floats = ir.AttrFloats, x
		case *ir.Type:
			a.Type, a.TP = ir.AttrTypeProto, x
		}
		n.Attrs = append(n.Attrs, a)
	}
	return n
}

// qsRunT runs a tensor kernel; the factory error (if any) is returned too.
func qsRunT(op string, opset int, attrs map[string]any, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	n := qsNode(op, attrs)
	f, err := Lookup("", op, opset)
	if err != nil {
		return nil, err
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	return k.Run(&Context{Node: n, Opset: opset, Threads: 3}, in)
}

func qsTyped(dt tensor.DType, shape []int, vals ...float64) *tensor.Tensor {
	t := tensor.Must(tensor.New(dt, shape...))
	for i, v := range vals {
		t.SetFloat64(i, v)
	}
	return t
}

func qsVals(t *tensor.Tensor) string {
	s := make([]any, t.Len())
	for i := range s {
		s[i] = t.At(i)
	}
	return fmt.Sprintf("%v%v%v", t.DType(), t.Shape(), s)
}

func TestQuantizeLinear(t *testing.T) {
	f32 := func(shape []int, v ...float32) *tensor.Tensor { return tensor.From(shape, v) }
	tests := []struct {
		name  string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		want  string
	}{
		{"u8 per-tensor round-even saturate", 13, nil,
			[]*tensor.Tensor{f32([]int{8}, 0, 2, 3, 5, 7, 1000, -254, -1000), tensor.Scalar(float32(2)), tensor.Scalar(uint8(128))},
			"uint8[8][128 129 130 130 132 255 1 0]"},
		{"no zero point defaults to uint8", 10, nil,
			[]*tensor.Tensor{f32([]int{3}, -1, 0.5, 1.5), tensor.Scalar(float32(1))},
			"uint8[3][0 0 2]"},
		{"i8 per-axis", 13, map[string]any{"axis": 1},
			[]*tensor.Tensor{f32([]int{2, 3}, 1, 2, 4, -300, -3, 8), f32([]int{3}, 1, 2, 4), tensor.From([]int{3}, []int8{0, -1, 127})},
			"int8[2 3][1 0 127 -128 -3 127]"},
		{"negative axis", 13, map[string]any{"axis": -2},
			[]*tensor.Tensor{f32([]int{2, 1}, 10, 10), f32([]int{2}, 1, 10), tensor.From([]int{2}, []uint8{0, 0})},
			"uint8[2 1][10 1]"},
		{"blocked with remainder", 21, map[string]any{"axis": 1, "block_size": 2, "output_dtype": int(tensor.Int8)},
			[]*tensor.Tensor{f32([]int{1, 5}, 1, 2, 3, 4, 10), f32([]int{1, 3}, 1, 2, 4)},
			"int8[1 5][1 2 2 2 2]"},
		{"blocked axis 0", 21, map[string]any{"axis": 0, "block_size": 2},
			[]*tensor.Tensor{f32([]int{4, 2}, 1, 2, 3, 4, 5, 6, 7, 8), f32([]int{2, 2}, 1, 2, 10, 20), tensor.From([]int{2, 2}, []uint8{0, 1, 2, 3})},
			"uint8[4 2][1 2 3 3 2 3 3 3]"},
		{"uint16 via output_dtype", 21, map[string]any{"output_dtype": int(tensor.Uint16)},
			[]*tensor.Tensor{f32([]int{2}, 70000, 1.5), tensor.Scalar(float32(1))},
			"uint16[2][65535 2]"},
		{"int16", 21, nil,
			[]*tensor.Tensor{f32([]int{2}, -40000, 2.5), tensor.Scalar(float32(1)), tensor.Scalar(int16(-1))},
			"int16[2][-32768 1]"},
		{"int4", 21, nil,
			[]*tensor.Tensor{f32([]int{3}, 8, -9, 3), tensor.Scalar(float32(1)), qsTyped(tensor.Int4, nil, 1)},
			"int4[3][7 -8 4]"},
		{"uint4", 21, nil,
			[]*tensor.Tensor{f32([]int{3}, 20, -1, 3), tensor.Scalar(float32(1)), qsTyped(tensor.Uint4, nil, 0)},
			"uint4[3][15 0 3]"},
		{"float8 saturate", 19, nil,
			[]*tensor.Tensor{f32([]int{2}, 2, 2000), tensor.Scalar(float32(2)), qsTyped(tensor.Float8E4M3FN, nil, 0)},
			"float8e4m3fn[2][1 448]"},
		{"float64 input", 19, nil,
			[]*tensor.Tensor{tensor.From([]int{2}, []float64{2.5, 3.5}), tensor.Scalar(float32(1)), tensor.Scalar(uint8(0))},
			"uint8[2][2 4]"},
		{"float16 input and scale", 19, nil,
			[]*tensor.Tensor{qsTyped(tensor.Float16, []int{2}, 3, 5), qsTyped(tensor.Float16, nil, 2), tensor.Scalar(uint8(0))},
			"uint8[2][2 2]"},
		{"empty", 13, nil,
			[]*tensor.Tensor{f32([]int{0, 3}), tensor.Scalar(float32(1)), tensor.Scalar(uint8(0))},
			"uint8[0 3][]"},
	}
	for _, tc := range tests {
		out, err := qsRunT("QuantizeLinear", tc.opset, tc.attrs, tc.in...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsVals(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
}

func TestDequantizeLinear(t *testing.T) {
	f32 := func(shape []int, v ...float32) *tensor.Tensor { return tensor.From(shape, v) }
	tests := []struct {
		name  string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		want  string
	}{
		{"u8", 10, nil,
			[]*tensor.Tensor{tensor.From([]int{4}, []uint8{0, 3, 128, 255}), tensor.Scalar(float32(2)), tensor.Scalar(uint8(128))},
			"float32[4][-256 -250 0 254]"},
		{"i8 per-axis", 13, map[string]any{"axis": 0},
			[]*tensor.Tensor{tensor.From([]int{2, 2}, []int8{-128, 127, 1, 2}), f32([]int{2}, 1, 0.5), tensor.From([]int{2}, []int8{0, -2})},
			"float32[2 2][-128 127 1.5 2]"},
		{"int32 without zero point", 13, nil,
			[]*tensor.Tensor{tensor.From([]int{2}, []int32{-7, 1 << 30}), tensor.Scalar(float32(0.5))},
			"float32[2][-3.5 5.36870912e+08]"},
		{"float16 scale gives float16", 19, nil,
			[]*tensor.Tensor{tensor.From([]int{2}, []uint8{1, 4}), qsTyped(tensor.Float16, nil, 0.5)},
			"float16[2][0.5 2]"},
		{"float8 input", 19, nil,
			[]*tensor.Tensor{qsTyped(tensor.Float8E5M2, []int{2}, 1.5, -4), tensor.Scalar(float32(2))},
			"float32[2][3 -8]"},
		{"int4 blocked", 21, map[string]any{"axis": 1, "block_size": 2},
			[]*tensor.Tensor{qsTyped(tensor.Int4, []int{1, 3}, -8, 7, 1), f32([]int{1, 2}, 1, 3), qsTyped(tensor.Int4, []int{1, 2}, 0, 1)},
			"float32[1 3][-8 7 0]"},
		{"uint16", 21, nil,
			[]*tensor.Tensor{tensor.From([]int{2}, []uint16{65535, 0}), tensor.Scalar(float32(1)), qsTyped(tensor.Uint16, nil, 1)},
			"float32[2][65534 -1]"},
	}
	for _, tc := range tests {
		out, err := qsRunT("DequantizeLinear", tc.opset, tc.attrs, tc.in...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsVals(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
}

func TestQuantizeErrors(t *testing.T) {
	f32 := func(shape []int, v ...float32) *tensor.Tensor { return tensor.From(shape, v) }
	x := f32([]int{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)
	badI4 := qsTyped(tensor.Int4, nil, 0)
	badI4.Data().([]int8)[0] = 9
	tests := []struct {
		name  string
		op    string
		attrs map[string]any
		in    []*tensor.Tensor
		want  error
	}{
		{"zero scale", "QuantizeLinear", nil, []*tensor.Tensor{x, tensor.Scalar(float32(0))}, ir.ErrInvalidModel},
		{"negative scale", "DequantizeLinear", nil, []*tensor.Tensor{tensor.From([]int{1}, []uint8{1}), tensor.Scalar(float32(-1))}, ir.ErrInvalidModel},
		{"NaN scale", "QuantizeLinear", nil, []*tensor.Tensor{x, tensor.Scalar(float32(math.NaN()))}, ir.ErrInvalidModel},
		{"int scale", "QuantizeLinear", nil, []*tensor.Tensor{x, tensor.Scalar(int32(1))}, tensor.ErrDType},
		{"zp dtype", "DequantizeLinear", nil, []*tensor.Tensor{tensor.From([]int{1}, []uint8{1}), tensor.Scalar(float32(1)), tensor.Scalar(int8(0))}, tensor.ErrDType},
		{"zp out of range", "QuantizeLinear", nil, []*tensor.Tensor{x, tensor.Scalar(float32(1)), badI4}, ir.ErrInvalidModel},
		{"per-axis length", "QuantizeLinear", map[string]any{"axis": 1}, []*tensor.Tensor{x, f32([]int{3}, 1, 1, 1)}, tensor.ErrShape},
		{"per-axis bad axis", "QuantizeLinear", map[string]any{"axis": 2}, []*tensor.Tensor{x, f32([]int{4}, 1, 1, 1, 1)}, tensor.ErrShape},
		{"zp shape", "QuantizeLinear", map[string]any{"axis": 1}, []*tensor.Tensor{x, f32([]int{4}, 1, 1, 1, 1), tensor.From([]int{2}, []uint8{0, 0})}, tensor.ErrShape},
		{"block size vs scale", "QuantizeLinear", map[string]any{"axis": 1, "block_size": 3}, []*tensor.Tensor{x, f32([]int{2, 1}, 1, 1)}, tensor.ErrShape},
		{"blocked rank", "QuantizeLinear", map[string]any{"axis": 1, "block_size": 2}, []*tensor.Tensor{x, f32([]int{2}, 1, 1)}, tensor.ErrShape},
		{"output_dtype vs zp", "QuantizeLinear", map[string]any{"output_dtype": int(tensor.Int8)}, []*tensor.Tensor{x, tensor.Scalar(float32(1)), tensor.Scalar(uint8(0))}, tensor.ErrDType},
		{"bad output_dtype", "QuantizeLinear", map[string]any{"output_dtype": int(tensor.Float32)}, []*tensor.Tensor{x, tensor.Scalar(float32(1))}, ErrUnsupported},
		{"float input to dequantize", "DequantizeLinear", nil, []*tensor.Tensor{x, tensor.Scalar(float32(1))}, tensor.ErrDType},
		{"float8 nonzero zp", "DequantizeLinear", nil, []*tensor.Tensor{qsTyped(tensor.Float8E4M3FN, []int{1}, 1), tensor.Scalar(float32(1)), qsTyped(tensor.Float8E4M3FN, nil, 1)}, ir.ErrInvalidModel},
		{"missing scale", "QuantizeLinear", nil, []*tensor.Tensor{x, nil}, ir.ErrInvalidModel},
		{"dynamic non-float32", "DynamicQuantizeLinear", nil, []*tensor.Tensor{tensor.From([]int{1}, []float64{1})}, tensor.ErrDType},
	}
	for _, tc := range tests {
		_, err := qsRunT(tc.op, 21, tc.attrs, tc.in...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		} else if err != nil && !qsNamesNode(err) {
			t.Errorf("%s: error %q does not name the node", tc.name, err)
		}
	}
}

func qsNamesNode(err error) bool {
	return strings.Contains(err.Error(), `"t"`)
}

func TestDynamicQuantizeLinear(t *testing.T) {
	tests := []struct {
		x     []float32
		y     string
		scale float32
		zp    uint8
	}{
		{[]float32{0, 2, -3, -2.5, 1.34, 0.5}, "uint8[6][153 255 0 26 221 179]", 0.019607844, 153},
		{[]float32{1, 2.5, 5}, "uint8[3][51 127 255]", 0.019607844, 0},
		{[]float32{0, 0}, "uint8[2][0 0]", 1, 0},
		{[]float32{}, "uint8[0][]", 1, 0},
	}
	for _, tc := range tests {
		out, err := qsRunT("DynamicQuantizeLinear", 11, nil, tensor.From([]int{len(tc.x)}, tc.x))
		if err != nil {
			t.Fatal(err)
		}
		if got := qsVals(out[0]); got != tc.y || out[1].Float32s()[0] != tc.scale || out[2].Data().([]uint8)[0] != tc.zp || out[1].Rank() != 0 {
			t.Errorf("x=%v: got %s %v %v want %s %v %v", tc.x, got, out[1], out[2], tc.y, tc.scale, tc.zp)
		}
	}
}

func TestQLinearMatMulHand(t *testing.T) {
	a := tensor.From([]int{2, 2}, []uint8{1, 2, 3, 4})
	b := tensor.From([]int{2, 2}, []int8{1, 0, 0, 1})
	out, err := qsRunT("QLinearMatMul", 10, nil, a, tensor.Scalar(float32(1)), tensor.Scalar(uint8(0)),
		b, tensor.Scalar(float32(1)), tensor.Scalar(int8(0)), tensor.Scalar(float32(2)), tensor.Scalar(uint8(10)))
	if err != nil {
		t.Fatal(err)
	}
	if got := qsVals(out[0]); got != "uint8[2 2][10 11 12 12]" {
		t.Errorf("got %s", got)
	}
	// 1-D a and b: a dot product giving a scalar.
	out, err = qsRunT("QLinearMatMul", 10, nil, tensor.From([]int{3}, []int8{-128, 127, 0}), tensor.Scalar(float32(1)), tensor.Scalar(int8(0)),
		tensor.From([]int{3}, []int8{1, 1, 5}), tensor.Scalar(float32(1)), tensor.Scalar(int8(0)), tensor.Scalar(float32(1)), tensor.Scalar(int8(0)))
	if err != nil {
		t.Fatal(err)
	}
	if got := qsVals(out[0]); got != "int8[][-1]" {
		t.Errorf("1-D: got %s", got)
	}
}

// qsMatMulBrute computes QLinearMatMul per the ONNX reference for 3-D a
// [B,M,K] with per-row a params, b [K,N] with per-column params.
func qsMatMulBrute(a []uint8, aS []float32, aZ []uint8, b []int8, bS []float32, bZ []int8, yS float32, yZ int8, B, M, K, N int) []int8 {
	out := make([]int8, B*M*N)
	for bi := 0; bi < B; bi++ {
		for i := 0; i < M; i++ {
			for j := 0; j < N; j++ {
				var acc int32
				for k := 0; k < K; k++ {
					acc += (int32(a[(bi*M+i)*K+k]) - int32(aZ[i])) * (int32(b[k*N+j]) - int32(bZ[j]))
				}
				m := aS[i] * bS[j] / yS
				v := math.RoundToEven(float64(acc)*float64(m)) + float64(yZ)
				out[(bi*M+i)*N+j] = int8(math.Max(-128, math.Min(127, v)))
			}
		}
	}
	return out
}

func TestQLinearMatMulBrute(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, sz := range [][4]int{{1, 1, 1, 1}, {2, 3, 5, 7}, {3, 17, 13, 5}} {
		B, M, K, N := sz[0], sz[1], sz[2], sz[3]
		a := make([]uint8, B*M*K)
		for i := range a {
			a[i] = uint8(r.Intn(256))
		}
		b := make([]int8, K*N)
		for i := range b {
			b[i] = int8(r.Intn(256) - 128)
		}
		aS, aZ := make([]float32, M), make([]uint8, M)
		for i := range aS {
			aS[i], aZ[i] = 0.01+r.Float32()/10, uint8(r.Intn(256))
		}
		bS, bZ := make([]float32, N), make([]int8, N)
		for i := range bS {
			bS[i], bZ[i] = 0.01+r.Float32()/10, int8(r.Intn(256)-128)
		}
		yS, yZ := float32(0.37), int8(-3)
		want := qsMatMulBrute(a, aS, aZ, b, bS, bZ, yS, yZ, B, M, K, N)
		out, err := qsRunT("QLinearMatMul", 21, nil,
			tensor.From([]int{B, M, K}, a), tensor.From([]int{M}, aS), tensor.From([]int{M}, aZ),
			tensor.From([]int{K, N}, b), tensor.From([]int{N}, bS), tensor.From([]int{N}, bZ),
			tensor.Scalar(yS), tensor.Scalar(yZ))
		if err != nil {
			t.Fatal(err)
		}
		if got := out[0]; fmt.Sprint(got.Shape()) != fmt.Sprint([]int{B, M, N}) || fmt.Sprint(got.Data()) != fmt.Sprint(want) {
			t.Errorf("B=%d M=%d K=%d N=%d: got %v\nwant %v", B, M, K, N, got.Data(), want)
		}
	}
}

func TestQLinearMatMulErrors(t *testing.T) {
	s := tensor.Scalar(float32(1))
	a := tensor.From([]int{2, 3}, []uint8{1, 2, 3, 4, 5, 6})
	b := tensor.From([]int{3, 2}, []int8{1, 2, 3, 4, 5, 6})
	tests := []struct {
		name string
		in   []*tensor.Tensor
		want error
	}{
		{"a zp dtype", []*tensor.Tensor{a, s, tensor.Scalar(int8(0)), b, s, tensor.Scalar(int8(0)), s, tensor.Scalar(uint8(0))}, tensor.ErrDType},
		{"inner dims", []*tensor.Tensor{a, s, tensor.Scalar(uint8(0)), a, s, tensor.Scalar(uint8(0)), s, tensor.Scalar(uint8(0))}, tensor.ErrShape},
		{"float a", []*tensor.Tensor{tensor.From([]int{1, 1}, []float32{1}), s, nil, b, s, nil, s, nil}, tensor.ErrDType},
		{"zero y scale", []*tensor.Tensor{a, s, nil, b, s, nil, tensor.Scalar(float32(0)), nil}, ir.ErrInvalidModel},
		{"b scale length", []*tensor.Tensor{a, s, nil, b, tensor.From([]int{3}, []float32{1, 1, 1}), nil, s, nil}, tensor.ErrShape},
		{"missing b", []*tensor.Tensor{a, s, nil, nil, s, nil, s, nil}, ir.ErrInvalidModel},
	}
	for _, tc := range tests {
		_, err := qsRunT("QLinearMatMul", 10, nil, tc.in...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}

func TestQLinearConvHand(t *testing.T) {
	x := tensor.From([]int{1, 1, 3, 3}, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9})
	w := tensor.From([]int{1, 1, 2, 2}, []int8{1, 1, 1, 1})
	one := tensor.Scalar(float32(1))
	tests := []struct {
		name  string
		attrs map[string]any
		bias  *tensor.Tensor
		want  string
	}{
		{"valid", nil, nil, "uint8[1 1 2 2][8 12 20 24]"},
		{"bias", nil, tensor.From([]int{1}, []int32{1}), "uint8[1 1 2 2][9 13 21 25]"},
		{"pads+strides", map[string]any{"pads": []int64{1, 1, 1, 1}, "strides": []int64{2, 2}}, nil, "uint8[1 1 2 2][0 3 9 24]"},
		{"same_upper", map[string]any{"auto_pad": "SAME_UPPER"}, nil, "uint8[1 1 3 3][8 12 7 20 24 13 13 15 8]"},
		{"dilation", map[string]any{"dilations": []int64{2, 2}}, nil, "uint8[1 1 1 1][16]"},
	}
	for _, tc := range tests {
		in := []*tensor.Tensor{x, one, tensor.Scalar(uint8(1)), w, one, tensor.Scalar(int8(0)), one, tensor.Scalar(uint8(0))}
		if tc.bias != nil {
			in = append(in, tc.bias)
		}
		out, err := qsRunT("QLinearConv", 10, tc.attrs, in...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsVals(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
	// Groups with per-channel weight scale and zero point, int8 output
	// saturating.
	xg := tensor.From([]int{1, 2, 1, 2}, []int8{10, -10, 20, 100})
	wg := tensor.From([]int{2, 1, 1, 1}, []int8{2, 3})
	out, err := qsRunT("QLinearConv", 10, map[string]any{"group": 2},
		xg, one, tensor.Scalar(int8(0)), wg, tensor.From([]int{2}, []float32{1, 2}), tensor.From([]int{2}, []int8{0, 1}), one, tensor.Scalar(int8(0)))
	if err != nil {
		t.Fatal(err)
	}
	if got := qsVals(out[0]); got != "int8[1 2 1 2][20 -20 80 127]" {
		t.Errorf("group: got %s", got)
	}
}

// qsConvBrute is a direct 2-D convolution following the ONNX reference.
func qsConvBrute(x []uint8, xs []int, xz int32, w []int8, ws []int, wz []int32, bias []int32, group, stride, pad, dil int, mult []float32, yz int32) ([]uint8, []int) {
	N, C, H, W := xs[0], xs[1], xs[2], xs[3]
	M, CG, KH, KW := ws[0], ws[1], ws[2], ws[3]
	OH := (H+2*pad-((KH-1)*dil+1))/stride + 1
	OW := (W+2*pad-((KW-1)*dil+1))/stride + 1
	out := make([]uint8, N*M*OH*OW)
	mg := M / group
	for n := 0; n < N; n++ {
		for m := 0; m < M; m++ {
			g := m / mg
			for oh := 0; oh < OH; oh++ {
				for ow := 0; ow < OW; ow++ {
					acc := bias[m]
					for c := 0; c < CG; c++ {
						for kh := 0; kh < KH; kh++ {
							for kw := 0; kw < KW; kw++ {
								ih, iw := oh*stride-pad+kh*dil, ow*stride-pad+kw*dil
								if ih < 0 || iw < 0 || ih >= H || iw >= W {
									continue
								}
								xv := int32(x[((n*C+g*CG+c)*H+ih)*W+iw]) - xz
								wv := int32(w[((m*CG+c)*KH+kh)*KW+kw]) - wz[m]
								acc += xv * wv
							}
						}
					}
					v := math.RoundToEven(float64(acc)*float64(mult[m])) + float64(yz)
					out[((n*M+m)*OH+oh)*OW+ow] = uint8(math.Max(0, math.Min(255, v)))
				}
			}
		}
	}
	_ = C
	return out, []int{N, M, OH, OW}
}

func TestQLinearConvBrute(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, c := range []struct{ n, cin, h, w, m, kh, kw, group, stride, pad, dil int }{
		{1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 1},
		{2, 4, 7, 6, 6, 3, 2, 2, 2, 1, 1},
		{1, 3, 9, 8, 5, 2, 3, 1, 1, 2, 2},
		{1, 6, 4, 4, 6, 1, 1, 6, 1, 0, 1},
	} {
		xs := []int{c.n, c.cin, c.h, c.w}
		ws := []int{c.m, c.cin / c.group, c.kh, c.kw}
		x := make([]uint8, tensor.Size(xs))
		for i := range x {
			x[i] = uint8(r.Intn(256))
		}
		w := make([]int8, tensor.Size(ws))
		for i := range w {
			w[i] = int8(r.Intn(256) - 128)
		}
		wS, wZ, bias, mult := make([]float32, c.m), make([]int8, c.m), make([]int32, c.m), make([]float32, c.m)
		wz32 := make([]int32, c.m)
		xS, yS := float32(0.02), float32(0.7)
		for i := range wS {
			wS[i], wZ[i], bias[i] = 0.01+r.Float32()/20, int8(r.Intn(256)-128), int32(r.Intn(20001)-10000)
			wz32[i] = int32(wZ[i])
			mult[i] = xS * wS[i] / yS
		}
		want, wshape := qsConvBrute(x, xs, 7, w, ws, wz32, bias, c.group, c.stride, c.pad, c.dil, mult, 100)
		p := int64(c.pad)
		out, err := qsRunT("QLinearConv", 10, map[string]any{"group": c.group, "strides": []int64{int64(c.stride), int64(c.stride)},
			"pads": []int64{p, p, p, p}, "dilations": []int64{int64(c.dil), int64(c.dil)}},
			tensor.From(xs, x), tensor.Scalar(xS), tensor.Scalar(uint8(7)), tensor.From(ws, w), tensor.From([]int{c.m}, wS), tensor.From([]int{c.m}, wZ),
			tensor.Scalar(yS), tensor.Scalar(uint8(100)), tensor.From([]int{c.m}, bias))
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if fmt.Sprint(out[0].Shape()) != fmt.Sprint(wshape) || fmt.Sprint(out[0].Data()) != fmt.Sprint(want) {
			t.Errorf("%+v: got %v %v\nwant %v %v", c, out[0].Shape(), out[0].Data(), wshape, want)
		}
	}
}

func TestQLinearConvErrors(t *testing.T) {
	one := tensor.Scalar(float32(1))
	x := tensor.From([]int{1, 2, 3, 3}, make([]uint8, 18))
	w := tensor.From([]int{2, 2, 1, 1}, make([]int8, 4))
	zx, zw := tensor.Scalar(uint8(0)), tensor.Scalar(int8(0))
	tests := []struct {
		name  string
		attrs map[string]any
		in    []*tensor.Tensor
		want  error
	}{
		{"group mismatch", map[string]any{"group": 2}, []*tensor.Tensor{x, one, zx, w, one, zw, one, zx}, tensor.ErrShape},
		{"w_scale length", nil, []*tensor.Tensor{x, one, zx, w, tensor.From([]int{3}, []float32{1, 1, 1}), zw, one, zx}, tensor.ErrShape},
		{"w zp dtype", nil, []*tensor.Tensor{x, one, zx, w, one, zx, one, zx}, tensor.ErrDType},
		{"bias dtype", nil, []*tensor.Tensor{x, one, zx, w, one, zw, one, zx, tensor.From([]int{2}, []float32{1, 1})}, tensor.ErrShape},
		{"bad pads len", map[string]any{"pads": []int64{1, 1}}, []*tensor.Tensor{x, one, zx, w, one, zw, one, zx}, tensor.ErrShape},
		{"bad stride", map[string]any{"strides": []int64{0, 1}}, []*tensor.Tensor{x, one, zx, w, one, zw, one, zx}, ir.ErrInvalidModel},
		{"bad auto_pad", map[string]any{"auto_pad": "FOO"}, []*tensor.Tensor{x, one, zx, w, one, zw, one, zx}, ErrUnsupported},
		{"rank", nil, []*tensor.Tensor{tensor.From([]int{2}, []uint8{1, 2}), one, zx, w, one, zw, one, zx}, tensor.ErrShape},
		{"kernel_shape", map[string]any{"kernel_shape": []int64{2, 2}}, []*tensor.Tensor{x, one, zx, w, one, zw, one, zx}, tensor.ErrShape},
	}
	for _, tc := range tests {
		_, err := qsRunT("QLinearConv", 10, tc.attrs, tc.in...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
