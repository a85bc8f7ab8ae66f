package ops

import (
	"errors"
	"math"
	"math/rand"
	"testing"
	"unsafe"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// TestQDQuantizeFastMatchesQP: the SIMD QuantizeLinear path gives the
// bytes of the scalar qpQuantizeFast (tested against the reference) on odd
// sizes, saturating values, NaN and ±Inf, for 1 and 3 threads.
func TestQDQuantizeFastMatchesQP(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, 0.5, 1.5, -2.5, 1e20, -1e20}
	for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
		for _, n := range []int{1, 3, 7, 17, 63, 65, 257, 70001} {
			x := tensor.Zeros(tensor.Float32, n)
			xs := x.Float32s()
			for i := range xs {
				xs[i] = float32(rng.NormFloat64() * 3)
				if i < len(special) {
					xs[i] = special[i]
				}
			}
			for _, zp := range []int32{0, 5, -7, 200} {
				if dt == tensor.Int8 && zp > 127 || dt == tensor.Uint8 && zp < 0 {
					continue
				}
				for _, th := range []int{1, 3} {
					ctx := &Context{Threads: th}
					got, err := qdQuantizeFast(ctx, x, []float32{0.021}, []int32{zp}, dt)
					if err != nil || got == nil {
						t.Fatalf("qdQuantizeFast: %v %v", got, err)
					}
					want, _ := qpQuantizeFast(ctx, x, []float32{0.021}, []int32{zp}, dt)
					for i := 0; i < n; i++ {
						if got.Int64At(i) != want.Int64At(i) {
							t.Fatalf("%v n=%d zp=%d: x=%g -> %d, want %d", dt, n, zp, xs[i], got.Int64At(i), want.Int64At(i))
						}
					}
				}
			}
		}
	}
	// Not handled: per-axis scales, other types.
	if out, _ := qdQuantizeFast(nil, tensor.Zeros(tensor.Float32, 2), []float32{1, 2}, nil, tensor.Uint8); out != nil {
		t.Error("per-axis scales took the per-tensor path")
	}
}

// TestQDDeconvErrors: bad inputs of qinfer.QDeconvChain are errors naming
// the node, never panics.
func TestQDDeconvErrors(t *testing.T) {
	n := &ir.Node{Name: "dc", OpType: "QDeconvChain", Domain: "qinfer",
		Inputs: []string{"x", "s", "z", "w1", "b1", "w2", "b2"}, Outputs: []string{"y"},
		Attrs: []*ir.Attr{{Name: "activation", Type: ir.AttrString, S: "Relu"}, {Name: "activation_params", Type: ir.AttrFloats}}}
	k, err := qdNewDeconv(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.Zeros(tensor.Uint8, 1, 2, 3, 3)
	s := tensor.Scalar(float32(0.1))
	z := tensor.Scalar(uint8(3))
	w1 := tensor.Zeros(tensor.Float32, 2, 4, 2, 2)
	b1 := tensor.Zeros(tensor.Float32, 4)
	w2 := tensor.Zeros(tensor.Float32, 4, 1, 2, 2)
	ctx := &Context{Node: n, Threads: 1}
	good := []*tensor.Tensor{x, s, z, w1, b1, w2, nil}
	if out, err := k.Run(ctx, good); err != nil {
		t.Fatal(err)
	} else if !tensor.SameShape(out[0].Shape(), []int{1, 1, 12, 12}) {
		t.Fatalf("shape %v", out[0].Shape())
	}
	bad := map[string][]*tensor.Tensor{
		"float x":        {tensor.Zeros(tensor.Float32, 1, 2, 3, 3), s, z, w1, b1, w2},
		"rank 3 x":       {tensor.Zeros(tensor.Uint8, 2, 3, 3), s, z, w1, b1, w2},
		"vector scale":   {x, tensor.Zeros(tensor.Float32, 2), z, w1, b1, w2},
		"int8 zp":        {x, s, tensor.Scalar(int8(1)), w1, b1, w2},
		"channels":       {tensor.Zeros(tensor.Uint8, 1, 3, 3, 3), s, z, w1, b1, w2},
		"bias length":    {x, s, z, w1, tensor.Zeros(tensor.Float32, 5), w2},
		"w2 channels":    {x, s, z, w1, b1, tensor.Zeros(tensor.Float32, 3, 1, 2, 2)},
		"b2 without w2":  {x, s, z, w1, b1, nil, tensor.Zeros(tensor.Float32, 1)},
		"w1 rank":        {x, s, z, tensor.Zeros(tensor.Float32, 2, 4, 2), b1},
		"w1 float64":     {x, s, z, tensor.Zeros(tensor.Float64, 2, 4, 2, 2), b1},
		"missing inputs": {x, s},
	}
	for name, in := range bad {
		k, _ := qdNewDeconv(n, 1) // fresh weight cache per case
		if _, err := k.Run(ctx, in); err == nil {
			t.Errorf("%s: no error", name)
		} else if !errors.Is(err, tensor.ErrShape) && !errors.Is(err, tensor.ErrDType) && !errors.Is(err, ir.ErrInvalidModel) {
			t.Errorf("%s: error %v wraps no sentinel", name, err)
		}
	}
	bad2 := &ir.Node{Name: "dc", OpType: "QDeconvChain", Domain: "qinfer", Inputs: []string{"x", "s", "z", "w1"},
		Attrs: []*ir.Attr{{Name: "activation2", Type: ir.AttrString, S: "Relu"}, {Name: "activation2_params", Type: ir.AttrFloats}}}
	if _, err := qdNewDeconv(bad2, 1); err == nil {
		t.Error("activation2 without W2 accepted")
	}
	bad3 := &ir.Node{Name: "dc", OpType: "QDeconvChain", Domain: "qinfer", Inputs: []string{"x", "s", "z", "w1"},
		Attrs: []*ir.Attr{{Name: "activation", Type: ir.AttrString, S: "Nope"}}}
	if _, err := qdNewDeconv(bad3, 1); err == nil {
		t.Error("unknown activation accepted")
	}
}

// TestQDSum8: QLinearGlobalAveragePool's channel sums (SIMD for uint8)
// equal plain sums, channels first and last, on odd sizes.
func TestQDSum8(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for _, img := range []int{1, 3, 7, 17, 63, 65, 257, 4099} {
		const nb, c = 2, 3
		u := make([]uint8, nb*c*img)
		for i := range u {
			u[i] = uint8(rng.Intn(256))
		}
		s := make([]int8, len(u))
		for i, v := range u {
			s[i] = int8(v)
		}
		for b := 0; b < nb; b++ {
			for ch := 0; ch < c; ch++ {
				for _, last := range []bool{false, true} {
					var wu, ws int32
					for p := 0; p < img; p++ {
						i := (b*c+ch)*img + p
						if last {
							i = (b*img+p)*c + ch
						}
						wu += int32(u[i])
						ws += int32(s[i])
					}
					if got := msSum8(u, b, ch, c, img, last); got != wu {
						t.Fatalf("uint8 img=%d last=%v: %d, want %d", img, last, got, wu)
					}
					if got := msSum8(s, b, ch, c, img, last); got != ws {
						t.Fatalf("int8 img=%d last=%v: %d, want %d", img, last, got, ws)
					}
				}
			}
		}
	}
}

// TestQDResizeNearest8: nearest Resize of uint8 and int8 tensors (the
// gather-plan path) gives the values of the float32 path, for integer
// upsampling, downsampling and fractional scales on odd widths.
func TestQDResizeNearest8(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	attrs := map[string]any{"coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}
	for _, w := range []int{1, 3, 7, 17, 63, 65, 257} {
		for _, sc := range []float32{2, 4, 8, 0.5, 1.7, 3} {
			shape := []int{1, 3, 5, w}
			n := 3 * 5 * w
			u := make([]uint8, n)
			f := make([]float32, n)
			s := make([]int8, n)
			for i := range u {
				u[i] = uint8(rng.Intn(256))
				f[i] = float32(u[i])
				s[i] = int8(u[i])
			}
			scales := imF32([]int{4}, 1, 1, sc, sc)
			want, err := imRun("Resize", 13, attrs, tensor.From(shape, f), nil, scales)
			if err != nil {
				t.Fatal(err)
			}
			gu, err := imRun("Resize", 13, attrs, tensor.From(shape, u), nil, scales)
			if err != nil {
				t.Fatal(err)
			}
			gs, err := imRun("Resize", 13, attrs, tensor.From(shape, s), nil, scales)
			if err != nil {
				t.Fatal(err)
			}
			if !tensor.SameShape(gu.Shape(), want.Shape()) || !tensor.SameShape(gs.Shape(), want.Shape()) {
				t.Fatalf("w=%d scale %g: shapes %v %v, want %v", w, sc, gu.Shape(), gs.Shape(), want.Shape())
			}
			wf := want.Float32s()
			for i := range wf {
				if float32(tensor.Data[uint8](gu)[i]) != wf[i] || int8(uint8(wf[i])) != tensor.Data[int8](gs)[i] {
					t.Fatalf("w=%d scale %g: [%d] = %d / %d, want %g", w, sc, i, tensor.Data[uint8](gu)[i], tensor.Data[int8](gs)[i], wf[i])
				}
			}
		}
	}
}

// qdPoisoned returns a Context whose arena hands out, for the next
// allocation of dt and shape, a recycled buffer full of 0xAB bytes.
func qdPoisoned(t *testing.T, n *ir.Node, threads int, dt tensor.DType, shape []int) (*Context, *tensor.Tensor) {
	t.Helper()
	a := NewArena()
	p, err := a.New(dt, shape...)
	if err != nil {
		t.Fatal(err)
	}
	switch d := p.Data().(type) {
	case []uint8:
		for i := range d {
			d[i] = 0xAB
		}
	case []int8:
		for i := range d {
			d[i] = -0x55
		}
	}
	a.Retain(p)
	a.Release(p)
	return &Context{Node: n, Threads: threads, Arena: a}, p
}

// TestQDQLinearConvWritesAll: QLinearConv allocates its output without
// clearing it, so every kernel path (depthwise, 1×1, 3×3 strided and
// padded, grouped, both 8-bit types, batch 2, 1 and 2 threads) must write
// every element: a recycled buffer full of garbage gives the same output
// as a zeroed one.
func TestQDQLinearConvWritesAll(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	type cs struct {
		name                string
		n, c, h, w, m, k, s int
		pad, group          int
		xdt, wdt            tensor.DType
	}
	u8, i8 := tensor.Uint8, tensor.Int8
	cases := []cs{
		{"pointwise", 1, 16, 9, 7, 24, 1, 1, 0, 1, u8, i8},
		{"3x3 pad", 2, 8, 11, 13, 16, 3, 1, 1, 1, u8, i8},
		{"3x3 stride 2", 1, 5, 17, 9, 7, 3, 2, 1, 1, u8, u8},
		{"depthwise", 1, 12, 10, 10, 12, 3, 1, 1, 12, u8, i8},
		{"depthwise s2 5x5", 1, 8, 19, 21, 8, 5, 2, 2, 8, i8, i8},
		{"grouped", 1, 8, 6, 6, 12, 3, 1, 1, 4, i8, u8},
		{"big pointwise", 1, 64, 40, 40, 96, 1, 1, 0, 1, u8, i8},
	}
	rnd := func(dt tensor.DType, shape ...int) *tensor.Tensor {
		tt := tensor.Zeros(dt, shape...)
		switch d := tt.Data().(type) {
		case []uint8:
			for i := range d {
				d[i] = uint8(rng.Intn(256))
			}
		case []int8:
			for i := range d {
				d[i] = int8(rng.Intn(256) - 128)
			}
		}
		return tt
	}
	zp := func(dt tensor.DType, v int) *tensor.Tensor {
		if dt == u8 {
			return tensor.Scalar(uint8(v))
		}
		return tensor.Scalar(int8(v - 128))
	}
	for _, c := range cases {
		n := &ir.Node{Name: "qc", OpType: "QLinearConv", Outputs: []string{"y"},
			Attrs: []*ir.Attr{
				{Name: "strides", Type: ir.AttrInts, Ints: []int64{int64(c.s), int64(c.s)}},
				{Name: "pads", Type: ir.AttrInts, Ints: []int64{int64(c.pad), int64(c.pad), int64(c.pad), int64(c.pad)}},
				{Name: "group", Type: ir.AttrInt, I: int64(c.group)}}}
		k, err := qsNewQLinearConv(n, 10)
		if err != nil {
			t.Fatal(err)
		}
		bias := tensor.Zeros(tensor.Int32, c.m)
		for i, d := 0, bias.Data().([]int32); i < len(d); i++ {
			d[i] = int32(rng.Intn(2000) - 1000)
		}
		in := []*tensor.Tensor{rnd(c.xdt, c.n, c.c, c.h, c.w), tensor.Scalar(float32(0.05)), zp(c.xdt, 120),
			rnd(c.wdt, c.m, c.c/c.group, c.k, c.k), tensor.Scalar(float32(0.01)), zp(c.wdt, 128),
			tensor.Scalar(float32(0.2)), zp(c.xdt, 100), bias}
		want, err := k.Run(&Context{Node: n, Threads: 1}, in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, ref := range []bool{false, true} {
			k.(*qsConv).qwRef = ref // true: the generic reference path
			for _, th := range []int{1, 2} {
				ctx, poison := qdPoisoned(t, n, th, c.xdt, want[0].Shape())
				got, err := k.Run(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				if qdDataPtr(got[0]) != qdDataPtr(poison) {
					t.Fatalf("%s: the output did not reuse the poisoned buffer", c.name)
				}
				for i := 0; i < want[0].Len(); i++ {
					if got[0].Int64At(i) != want[0].Int64At(i) {
						t.Fatalf("%s ref=%v threads %d: [%d] = %d, want %d (element not written?)", c.name, ref, th, i, got[0].Int64At(i), want[0].Int64At(i))
					}
				}
			}
		}
	}
}

// qdDataPtr is the address of t's first element.
func qdDataPtr(t *tensor.Tensor) uintptr {
	switch d := t.Data().(type) {
	case []uint8:
		return uintptr(unsafe.Pointer(unsafe.SliceData(d)))
	case []int8:
		return uintptr(unsafe.Pointer(unsafe.SliceData(d)))
	}
	return 0
}

// TestQDDeconvBatch: images of a batch run independently (bands of both
// images spread over threads) and a 2-thread run equals a 1-thread run.
func TestQDDeconvBatch(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	n := &ir.Node{Name: "dc", OpType: "QDeconvChain", Domain: "qinfer",
		Inputs: []string{"x", "s", "z", "w1", "b1", "w2", "b2"}, Outputs: []string{"y"},
		Attrs: []*ir.Attr{{Name: "activation", Type: ir.AttrString, S: "Relu"}, {Name: "activation_params", Type: ir.AttrFloats},
			{Name: "activation2", Type: ir.AttrString, S: "Sigmoid"}, {Name: "activation2_params", Type: ir.AttrFloats}}}
	f32 := func(shape ...int) *tensor.Tensor {
		tt := tensor.Zeros(tensor.Float32, shape...)
		for i, d := 0, tt.Float32s(); i < len(d); i++ {
			d[i] = float32(rng.NormFloat64())
		}
		return tt
	}
	x := tensor.Zeros(tensor.Uint8, 2, 3, 37, 5)
	for i, d := 0, x.Data().([]uint8); i < len(d); i++ {
		d[i] = uint8(rng.Intn(256))
	}
	w1, b1, w2, b2 := f32(3, 4, 2, 3), f32(4), f32(4, 2, 3, 1), f32(2)
	s, z := tensor.Scalar(float32(0.03)), tensor.Scalar(uint8(90))
	k, err := qdNewDeconv(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	both, err := k.Run(&Context{Node: n, Threads: 2}, []*tensor.Tensor{x, s, z, w1, b1, w2, b2})
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(both[0].Shape(), []int{2, 2, 37 * 6, 5 * 3}) {
		t.Fatalf("shape %v", both[0].Shape())
	}
	per := both[0].Len() / 2
	for img := 0; img < 2; img++ {
		xi := tensor.From([]int{1, 3, 37, 5}, x.Data().([]uint8)[img*3*37*5:(img+1)*3*37*5])
		one, err := k.Run(&Context{Node: n, Threads: 1}, []*tensor.Tensor{xi, s, z, w1, b1, w2, b2})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range one[0].Float32s() {
			if got := both[0].Float32s()[img*per+i]; math.Float32bits(got) != math.Float32bits(v) {
				t.Fatalf("image %d [%d]: batch %g, alone %g", img, i, got, v)
			}
		}
	}
}
