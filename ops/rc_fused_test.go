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
	}{{[]int{2, 5, 7}, 7, 9, false}, {[]int{1, 40, 33}, 33, 65, true}, {[]int{7}, 7, 3, false}, {[]int{3, 4, 0}, 0, 5, true}, {[]int{200, 17}, 17, 300, false}, {[]int{300, 9}, 9, 20, true}} {
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

// rcUpRef is the nearest upsampling of a float32 [n,c,h,w] by (sh, sw).
func rcUpRef(x []float32, s []int, sh, sw int) []float32 {
	oh, ow := s[2]*sh, s[3]*sw
	out := make([]float32, s[0]*s[1]*oh*ow)
	for p := 0; p < s[0]*s[1]; p++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				out[(p*oh+i)*ow+j] = x[(p*s[2]+i/sh)*s[3]+j/sw]
			}
		}
	}
	return out
}

func TestRcResidual(t *testing.T) {
	for _, tc := range []struct {
		x, g, b []int // b nil: no upsampled input; g nil: UpsampleAdd
		sh, sw  int
	}{
		{[]int{1, 3, 4, 6}, []int{1, 3, 1, 1}, nil, 0, 0},
		{[]int{2, 3, 5, 7}, []int{2, 3, 1, 1}, []int{2, 3, 5, 7}, 1, 1},
		{[]int{1, 5, 8, 16}, []int{5, 1, 1}, []int{1, 5, 4, 8}, 2, 2},
		{[]int{1, 2, 16, 24}, []int{1, 2, 1, 1}, []int{1, 2, 2, 3}, 8, 8},
		{[]int{1, 2, 6, 9}, nil, []int{1, 2, 3, 3}, 2, 3},
		{[]int{1, 3, 200, 200}, []int{1, 3, 1, 1}, []int{1, 3, 100, 100}, 2, 2}, // threads
		{[]int{1, 3, 4, 6}, []int{1}, nil, 0, 0},                                // scalar gate: general path
		{[]int{1, 3, 4, 6}, []int{1, 1, 4, 6}, nil, 0, 0},                       // spatial gate: general path
		{[]int{2, 3, 4, 6}, nil, []int{1, 3, 2, 3}, 2, 2},                       // broadcast batch: general path
		{[]int{3, 4, 6}, []int{3, 1, 1}, nil, 0, 0},                             // 3-D: general path
	} {
		x := tensor.From(tc.x, rcSeq(tensor.Size(tc.x), 3))
		want := append([]float32(nil), x.Float32s()...)
		in := []*tensor.Tensor{x}
		var attrs []*ir.Attr
		op := "UpsampleAdd"
		if tc.g != nil {
			op = "ScaleResidual"
			g := tensor.From(tc.g, rcSeq(tensor.Size(tc.g), 0.7))
			in = append(in, g)
			prod, err := ewRun(t, "Mul", 14, nil, 1, x, g)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := ewRun(t, "Add", 14, nil, 1, x, prod[0])
			if err != nil {
				t.Fatal(err)
			}
			want = sum[0].Float32s()
		}
		if tc.b != nil {
			b := tensor.From(tc.b, rcSeq(tensor.Size(tc.b), 2))
			in = append(in, b)
			attrs = []*ir.Attr{{Name: "scales", Type: ir.AttrInts, Ints: []int64{int64(tc.sh), int64(tc.sw)}}}
			up := tensor.From([]int{tc.b[0], tc.b[1], tc.b[2] * tc.sh, tc.b[3] * tc.sw}, rcUpRef(b.Float32s(), tc.b, tc.sh, tc.sw))
			sum, err := ewRun(t, "Add", 14, nil, 1, tensor.From(tc.x, want), up)
			if err != nil {
				t.Fatal(err)
			}
			want = sum[0].Float32s()
		}
		got, err := rcRunQ(t, op, attrs, in...)
		if err != nil {
			t.Fatalf("%v: %v", tc, err)
		}
		for i, v := range want {
			if got[0].Float32s()[i] != v {
				t.Fatalf("%v: element %d: %v, want %v (bit-identical)", tc, i, got[0].Float32s()[i], v)
			}
		}
	}
	// Shapes that do not fit are errors, not panics.
	x := tensor.From([]int{1, 2, 4, 4}, rcSeq(32, 1))
	sc := []*ir.Attr{{Name: "scales", Type: ir.AttrInts, Ints: []int64{2, 2}}}
	if _, err := rcRunQ(t, "UpsampleAdd", sc, x, tensor.From([]int{1, 2, 3, 2}, rcSeq(12, 1))); !errors.Is(err, tensor.ErrShape) {
		t.Fatalf("mismatched B: %v", err)
	}
	if _, err := rcRunQ(t, "UpsampleAdd", sc, x, tensor.From([]int{2, 2}, rcSeq(4, 1))); !errors.Is(err, tensor.ErrShape) {
		t.Fatalf("2-D B: %v", err)
	}
	if _, err := rcRunQ(t, "UpsampleAdd", nil, x, x); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("no scales: %v", err)
	}
}

func TestRcUpsampleConcat(t *testing.T) {
	for _, tc := range []struct {
		shapes [][]int
		sc     []int64
	}{
		{[][]int{{1, 2, 2, 2}, {1, 3, 4, 4}, {1, 1, 1, 1}}, []int64{2, 2, 1, 1, 4, 4}},
		{[][]int{{2, 2, 3, 2}, {2, 1, 3, 6}}, []int64{1, 3, 1, 1}},
		{[][]int{{1, 3, 20, 20}, {1, 3, 40, 40}, {1, 3, 10, 10}, {1, 3, 80, 80}}, []int64{4, 4, 2, 2, 8, 8, 1, 1}},
		{[][]int{{1, 2, 2, 2}, {2, 2, 4, 4}}, []int64{2, 2, 1, 1}}, // batch mismatch: general path, error
	} {
		var in, up []*tensor.Tensor
		for i, s := range tc.shapes {
			x := tensor.From(s, rcSeq(tensor.Size(s), float32(i+1)))
			in = append(in, x)
			sh, sw := int(tc.sc[2*i]), int(tc.sc[2*i+1])
			up = append(up, tensor.From([]int{s[0], s[1], s[2] * sh, s[3] * sw}, rcUpRef(x.Float32s(), s, sh, sw)))
		}
		want, werr := ewRun(t, "Concat", 13, []*ir.Attr{ewAttrI("axis", 1)}, 1, up...)
		got, err := rcRunQ(t, "UpsampleConcat", []*ir.Attr{ewAttrI("axis", 1), {Name: "scales", Type: ir.AttrInts, Ints: tc.sc}}, in...)
		if (err != nil) != (werr != nil) {
			t.Fatalf("%v: err %v, want %v", tc.shapes, err, werr)
		}
		if err == nil {
			ewCheck(t, "UpsampleConcat", got[0], want[0])
		}
	}
	if _, err := rcRunQ(t, "UpsampleConcat", []*ir.Attr{{Name: "scales", Type: ir.AttrInts, Ints: []int64{1}}}, tensor.From([]int{1}, []float32{1})); !errors.Is(err, ir.ErrInvalidModel) {
		t.Fatalf("bad scales: %v", err)
	}
}

// One kernel run twice with B changed in place: the packed copy of B must
// not be reused for the new values.
func TestRcMatMulBiasRepack(t *testing.T) {
	n := &ir.Node{Name: "n", OpType: "MatMulBias", Domain: "qinfer", Inputs: []string{"a", "b", "c"}, Outputs: []string{"y"}}
	k, err := rcNewMatMulBias(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	a := tensor.From([]int{8, 5}, rcSeq(40, 1))
	b := tensor.From([]int{5, 6}, rcSeq(30, 1))
	bias := tensor.From([]int{6}, rcSeq(6, 1))
	for round := 0; round < 3; round++ {
		got, err := k.Run(&Context{Node: n, Opset: 1, Threads: 2}, []*tensor.Tensor{a, b, bias})
		if err != nil {
			t.Fatal(err)
		}
		mm, _ := ewRun(t, "MatMul", 13, nil, 1, a, b)
		want, _ := ewRun(t, "Add", 14, nil, 1, mm[0], bias)
		ewCheck(t, "repack", got[0], want[0])
		b.Float32s()[round] += 1
	}
}

func TestRcAvgPool2D(t *testing.T) {
	for _, tc := range []struct {
		x         []int
		k, s, out []int
	}{
		{[]int{1, 4, 3, 80}, []int{3, 2}, []int{3, 2}, []int{1, 40}},
		{[]int{2, 3, 7, 9}, []int{2, 3}, []int{2, 2}, []int{3, 4}},
		{[]int{1, 64, 30, 30}, []int{3, 3}, []int{1, 1}, []int{28, 28}},
	} {
		x := tensor.From(tc.x, rcSeq(tensor.Size(tc.x), 5))
		attrs := []*ir.Attr{
			{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{int64(tc.k[0]), int64(tc.k[1])}},
			{Name: "strides", Type: ir.AttrInts, Ints: []int64{int64(tc.s[0]), int64(tc.s[1])}},
		}
		got, err := ewRun(t, "AveragePool", 19, attrs, 1, x)
		if err != nil {
			t.Fatal(err)
		}
		ih, iw := tc.x[2], tc.x[3]
		want := make([]float32, tc.x[0]*tc.x[1]*tc.out[0]*tc.out[1])
		for p := 0; p < tc.x[0]*tc.x[1]; p++ {
			for oy := 0; oy < tc.out[0]; oy++ {
				for ox := 0; ox < tc.out[1]; ox++ {
					var s float64
					for ky := 0; ky < tc.k[0]; ky++ {
						for kx := 0; kx < tc.k[1]; kx++ {
							s += float64(x.Float32s()[p*ih*iw+(oy*tc.s[0]+ky)*iw+ox*tc.s[1]+kx])
						}
					}
					want[(p*tc.out[0]+oy)*tc.out[1]+ox] = float32(s / float64(tc.k[0]*tc.k[1]))
				}
			}
		}
		ewCheck(t, "AveragePool", got[0], tensor.From([]int{tc.x[0], tc.x[1], tc.out[0], tc.out[1]}, want))
	}
}

// Kernels that skip clearing their output must still write every element:
// run them on an arena whose free buffers hold NaN.
func TestRcUninitOutputsWritten(t *testing.T) {
	a := NewArena()
	poison := func(n int) {
		for k := 0; k < 4; k++ {
			p, err := a.NewUninit(tensor.Float32, n)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p.Float32s() {
				p.Float32s()[i] = float32(math.NaN())
			}
			a.Release(p)
		}
	}
	run := func(op, domain string, opset int, attrs []*ir.Attr, in ...*tensor.Tensor) *tensor.Tensor {
		t.Helper()
		n := &ir.Node{Name: "n", OpType: op, Domain: domain, Attrs: attrs, Outputs: []string{"y"}}
		for range in {
			n.Inputs = append(n.Inputs, "x")
		}
		f, err := Lookup(domain, op, opset)
		if err != nil {
			t.Fatal(err)
		}
		k, err := f(n, opset)
		if err != nil {
			t.Fatal(err)
		}
		out, err := k.Run(&Context{Node: n, Opset: opset, Threads: 2, Arena: a}, in)
		if err != nil {
			t.Fatal(err)
		}
		return out[0]
	}
	check := func(name string, y *tensor.Tensor) {
		t.Helper()
		for i, v := range y.Float32s() {
			if v != v {
				t.Fatalf("%s: element %d not written", name, i)
			}
		}
	}
	x := tensor.From([]int{2, 3, 8, 12}, rcSeq(576, 2))
	g := tensor.From([]int{1, 3, 1, 1}, rcSeq(3, 1))
	b := tensor.From([]int{2, 3, 4, 6}, rcSeq(144, 1))
	sc := &ir.Attr{Name: "scales", Type: ir.AttrInts, Ints: []int64{2, 2}}
	for _, c := range []struct {
		name string
		f    func() *tensor.Tensor
	}{
		{"Add", func() *tensor.Tensor { return run("Add", "", 14, nil, x, g) }},
		{"Mul", func() *tensor.Tensor { return run("Mul", "", 14, nil, x, x) }},
		{"Relu", func() *tensor.Tensor { return run("Relu", "", 14, nil, x) }},
		{"Tanh", func() *tensor.Tensor { return run("Tanh", "", 13, nil, x) }},
		{"Sigmoid", func() *tensor.Tensor { return run("Sigmoid", "", 13, nil, x) }},
		{"Softmax", func() *tensor.Tensor { return run("Softmax", "", 13, nil, x) }},
		{"Swish", func() *tensor.Tensor { return run("Swish", "qinfer", 1, nil, x) }},
		{"ScaleResidual", func() *tensor.Tensor { return run("ScaleResidual", "qinfer", 1, []*ir.Attr{sc}, x, g, b) }},
		{"UpsampleAdd", func() *tensor.Tensor { return run("UpsampleAdd", "qinfer", 1, []*ir.Attr{sc}, x, b) }},
		{"UpsampleConcat", func() *tensor.Tensor {
			return run("UpsampleConcat", "qinfer", 1, []*ir.Attr{{Name: "scales", Type: ir.AttrInts, Ints: []int64{1, 1, 2, 2}}}, x, b)
		}},
		{"Concat", func() *tensor.Tensor { return run("Concat", "", 13, []*ir.Attr{ewAttrI("axis", 1)}, x, x) }},
		{"AveragePool", func() *tensor.Tensor {
			return run("AveragePool", "", 19, []*ir.Attr{{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{2, 3}}, {Name: "strides", Type: ir.AttrInts, Ints: []int64{2, 3}}}, x)
		}},
		{"MatMulBias", func() *tensor.Tensor {
			return run("MatMulBias", "qinfer", 1, nil, tensor.From([]int{48, 12}, rcSeq(576, 1)), tensor.From([]int{12, 12}, rcSeq(144, 1)), tensor.From([]int{12}, rcSeq(12, 1)))
		}},
	} {
		for _, n := range []int{576, 1152, 144, 48, 24, 576 * 2} {
			poison(n)
		}
		check(c.name, c.f())
	}
}

func TestRcTransposeBlk(t *testing.T) {
	for _, rows := range []int{1, 3, 8, 40} {
		for _, n := range []int{1, 7, 8, 9, 17, 65} {
			ct := rcSeq(rows*n, 1)
			y := make([]float32, rows*n)
			rcTransposeBlk(ct, y, rows, n, 0, n/2)
			rcTransposeBlk(ct, y, rows, n, n/2, n)
			for r := 0; r < rows; r++ {
				for j := 0; j < n; j++ {
					if y[r*n+j] != ct[j*rows+r] {
						t.Fatalf("rows %d n %d: y[%d][%d] = %v, want %v", rows, n, r, j, y[r*n+j], ct[j*rows+r])
					}
				}
			}
		}
	}
}
