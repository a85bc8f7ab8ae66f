package ops

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// rnNaiveDFT is the O(n²) definition, used as the reference.
func rnNaiveDFT(x []complex128, inverse bool) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	sign := -1.0
	if inverse {
		sign = 1
	}
	for k := range out {
		var s complex128
		for j, v := range x {
			s += v * cmplx.Exp(complex(0, sign*2*math.Pi*float64(k*j%n)/float64(n)))
		}
		if inverse {
			s /= complex(float64(n), 0)
		}
		out[k] = s
	}
	return out
}

func TestRNFFTMatchesDFT(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 31, 64, 100, 127} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(math.Sin(0.3*float64(i)+1), math.Cos(1.1*float64(i)))
		}
		f := rnNewFFT(n)
		for _, inv := range []bool{false, true} {
			got := append([]complex128{}, x...)
			f.transform(got, inv, f.scratch())
			want := rnNaiveDFT(x, inv)
			for k := range got {
				if inv {
					got[k] /= complex(float64(n), 0)
				}
				if cmplx.Abs(got[k]-want[k]) > 1e-9*float64(n) {
					t.Fatalf("n=%d inverse=%v: X[%d] = %v, want %v", n, inv, k, got[k], want[k])
				}
			}
		}
	}
}

func TestRNDFT(t *testing.T) {
	// [1,2,3,4] → [10, -2+2i, -2, -2-2i]
	out, err := rnRunOp(t, "DFT", 17, 1, rnAttrs("axis", 1), tensor.From([]int{1, 4, 1}, []float32{1, 2, 3, 4}))
	if err != nil {
		t.Fatal(err)
	}
	rnClose(t, "dft4", out[0], []int{1, 4, 2}, []float64{10, 0, -2, 2, -2, 0, -2, -2}, 1e-6)

	// Table against the naive DFT on a [2, 3, 5, c] input.
	type tc struct {
		opset             int
		attrs             []*ir.Attr
		axis              *int64 // opset 20 input
		dftLen            int64
		comp              int
		wantAxis          int
		inverse, onesided bool
	}
	ax := func(v int64) *int64 { return &v }
	cases := []tc{
		{opset: 17, attrs: rnAttrs("axis", 1), comp: 1, wantAxis: 1},
		{opset: 17, attrs: rnAttrs("axis", 2), comp: 2, wantAxis: 2},
		{opset: 17, attrs: rnAttrs("axis", -1), comp: 2, wantAxis: 2},
		{opset: 17, attrs: rnAttrs("axis", 0), comp: 1, wantAxis: 0},
		{opset: 17, attrs: rnAttrs("axis", 2, "inverse", 1), comp: 2, wantAxis: 2, inverse: true},
		{opset: 17, attrs: rnAttrs("axis", 2, "onesided", 1), comp: 1, wantAxis: 2, onesided: true},
		{opset: 17, attrs: rnAttrs("axis", 2), comp: 1, wantAxis: 2, dftLen: 8},
		{opset: 17, attrs: rnAttrs("axis", 1, "onesided", 1), comp: 2, wantAxis: 1, dftLen: 2, onesided: true},
		{opset: 20, comp: 1, wantAxis: 2},
		{opset: 20, axis: ax(-3), comp: 2, wantAxis: 1},
		{opset: 20, axis: ax(1), comp: 1, wantAxis: 1, dftLen: 7, inverse: true},
		{opset: 20, attrs: rnAttrs("onesided", 1), axis: ax(2), comp: 1, wantAxis: 2, dftLen: 6, onesided: true},
	}
	for i, c := range cases {
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
			t.Run(fmt.Sprintf("%d/%v", i, dt), func(t *testing.T) {
				shape := []int{2, 3, 5, c.comp}
				x := tensor.Must(tensor.Cast(rnGen(0.9, shape...), dt))
				attrs := c.attrs
				if c.inverse && c.opset >= 20 {
					attrs = append(attrs, rnAttrs("inverse", 1)...)
				}
				in := []*tensor.Tensor{x, nil}
				if c.dftLen > 0 {
					in[1] = tensor.Scalar(c.dftLen)
				}
				if c.axis != nil {
					in = append(in, tensor.Scalar(*c.axis))
				}
				out, err := rnRunOp(t, "DFT", c.opset, 1, attrs, in...)
				if err != nil {
					t.Fatal(err)
				}
				if out[0].DType() != dt {
					t.Fatalf("dtype %v", out[0].DType())
				}
				// Reference: naive DFT over wantAxis of the [2,3,5] signal.
				xv := rnF64(x)
				L := shape[c.wantAxis]
				n := L
				if c.dftLen > 0 {
					n = int(c.dftLen)
				}
				outLen := n
				if c.onesided {
					outLen = n/2 + 1
				}
				oshape := []int{2, 3, 5, 2}
				oshape[c.wantAxis] = outLen
				want := make([]float64, tensor.Size(oshape))
				ist := tensor.Strides(shape[:3])
				ost := tensor.Strides(oshape[:3])
				for a := 0; a < 2; a++ {
					for b := 0; b < 3; b++ {
						for d := 0; d < 5; d++ {
							idx := []int{a, b, d}
							if idx[c.wantAxis] != 0 {
								continue
							}
							sig := make([]complex128, n)
							for j := 0; j < min(L, n); j++ {
								idx[c.wantAxis] = j
								p := (idx[0]*ist[0] + idx[1]*ist[1] + idx[2]*ist[2]) * c.comp
								sig[j] = complex(xv[p], 0)
								if c.comp == 2 {
									sig[j] = complex(xv[p], xv[p+1])
								}
							}
							res := rnNaiveDFT(sig, c.inverse)
							for j := 0; j < outLen; j++ {
								idx[c.wantAxis] = j
								p := (idx[0]*ost[0] + idx[1]*ost[1] + idx[2]*ost[2]) * 2
								want[p], want[p+1] = real(res[j]), imag(res[j])
							}
						}
					}
				}
				rnClose(t, "DFT", out[0], oshape, want, 1e-5)
			})
		}
	}
}

func TestRNDFTErrors(t *testing.T) {
	x := rnGen(0.1, 2, 4, 1)
	cases := []struct {
		name  string
		opset int
		attrs []*ir.Attr
		in    []*tensor.Tensor
		want  error
	}{
		{"last dim 3", 17, nil, []*tensor.Tensor{rnGen(0.1, 2, 4, 3)}, tensor.ErrShape},
		{"rank 1", 17, nil, []*tensor.Tensor{rnGen(0.1, 4)}, tensor.ErrShape},
		{"axis on complex dim", 17, rnAttrs("axis", 2), []*tensor.Tensor{x}, tensor.ErrShape},
		{"axis input out of range", 20, nil, []*tensor.Tensor{x, nil, tensor.Scalar(int64(-1))}, tensor.ErrShape},
		{"zero dft_length", 17, nil, []*tensor.Tensor{x, tensor.Scalar(int64(0))}, tensor.ErrShape},
		{"float dft_length", 17, nil, []*tensor.Tensor{x, tensor.Scalar(float32(3))}, tensor.ErrDType},
		{"int input", 17, nil, []*tensor.Tensor{tensor.Zeros(tensor.Int32, 2, 4, 1)}, ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := rnRunOp(t, "DFT", c.opset, 1, c.attrs, c.in...)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	// Round trip: inverse(forward(x)) == x on a non-power-of-two length.
	f, err := rnRunOp(t, "DFT", 20, 1, nil, rnGen(0.2, 3, 11, 2), nil, tensor.Scalar(int64(1)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rnRunOp(t, "DFT", 20, 1, rnAttrs("inverse", 1), f[0], nil, tensor.Scalar(int64(1)))
	if err != nil {
		t.Fatal(err)
	}
	rnClose(t, "roundtrip", b[0], []int{3, 11, 2}, rnF64(rnGen(0.2, 3, 11, 2)), 1e-5)
}

func TestRNSTFT(t *testing.T) {
	sig := rnGen(0.3, 2, 20, 1)
	win := rnGen(0.8, 6)
	cases := []struct {
		name     string
		attrs    []*ir.Attr
		in       []*tensor.Tensor
		frames   int
		n        int
		onesided bool
		useWin   bool
	}{
		{"frame_length", nil, []*tensor.Tensor{sig, tensor.Scalar(int64(4)), nil, tensor.Scalar(int64(8))}, 4, 8, true, false},
		{"window", nil, []*tensor.Tensor{sig, tensor.Scalar(int64(3)), win}, 5, 6, true, true},
		{"window twosided", rnAttrs("onesided", 0), []*tensor.Tensor{sig, tensor.Scalar(int32(5)), win, tensor.Scalar(int64(6))}, 3, 6, false, true},
	}
	sv, wv := rnF64(sig), rnF64(win)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := rnRunOp(t, "STFT", 17, 1, c.attrs, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			step := int(c.in[1].Int64At(0))
			bins := c.n
			if c.onesided {
				bins = c.n/2 + 1
			}
			var want []float64
			for b := 0; b < 2; b++ {
				for f := 0; f < c.frames; f++ {
					fr := make([]complex128, c.n)
					for j := range fr {
						v := sv[b*20+f*step+j]
						if c.useWin {
							v *= wv[j]
						}
						fr[j] = complex(v, 0)
					}
					res := rnNaiveDFT(fr, false)
					for j := 0; j < bins; j++ {
						want = append(want, real(res[j]), imag(res[j]))
					}
				}
			}
			rnClose(t, "STFT", out[0], []int{2, c.frames, bins, 2}, want, 1e-5)
		})
	}
	for _, c := range []struct {
		name string
		in   []*tensor.Tensor
	}{
		{"zero step", []*tensor.Tensor{sig, tensor.Scalar(int64(0)), win}},
		{"window mismatch", []*tensor.Tensor{sig, tensor.Scalar(int64(2)), win, tensor.Scalar(int64(5))}},
		{"frame too long", []*tensor.Tensor{sig, tensor.Scalar(int64(2)), nil, tensor.Scalar(int64(21))}},
		{"signal rank", []*tensor.Tensor{rnGen(0.3, 20, 1), tensor.Scalar(int64(2))}},
	} {
		if _, err := rnRunOp(t, "STFT", 17, 1, nil, c.in...); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("%s: err = %v, want ErrShape", c.name, err)
		}
	}
}

func TestRNWindows(t *testing.T) {
	cases := []struct {
		op    string
		attrs []*ir.Attr
		size  int
		want  []float64
	}{
		{"HannWindow", nil, 4, []float64{0, 0.5, 1, 0.5}},
		{"HannWindow", rnAttrs("periodic", 0), 5, []float64{0, 0.5, 1, 0.5, 0}},
		{"HammingWindow", nil, 4, []float64{4.0 / 46, 25.0 / 46, 1, 25.0 / 46}},
		{"HammingWindow", rnAttrs("periodic", 0), 3, []float64{4.0 / 46, 1, 4.0 / 46}},
		{"BlackmanWindow", nil, 4, []float64{0, 0.34, 1, 0.34}},
		{"BlackmanWindow", rnAttrs("periodic", 0, "output_datatype", int(tensor.Float64)), 5, []float64{0, 0.34, 1, 0.34, 0}},
		{"HannWindow", nil, 0, []float64{}},
		{"HannWindow", rnAttrs("periodic", 0), 1, []float64{1}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.op, c.size), func(t *testing.T) {
			out, err := rnRunOp(t, c.op, 17, 1, c.attrs, tensor.Scalar(int32(c.size)))
			if err != nil {
				t.Fatal(err)
			}
			rnClose(t, c.op, out[0], []int{c.size}, c.want, 1e-6)
		})
	}
	out, err := rnRunOp(t, "HannWindow", 17, 1, rnAttrs("output_datatype", int(tensor.Int64)), tensor.Scalar(int64(4)))
	if err != nil || out[0].DType() != tensor.Int64 {
		t.Fatalf("int64 window: %v %v", out, err)
	}
	if _, err := rnRunOp(t, "HannWindow", 17, 1, nil, tensor.Scalar(int64(-1))); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("negative size: %v", err)
	}
	if _, err := rnRunOp(t, "HannWindow", 17, 1, rnAttrs("output_datatype", 8), tensor.Scalar(int64(3))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("string output: %v", err)
	}
}

func TestRNMelWeightMatrix(t *testing.T) {
	// The ONNX conformance case test_melweightmatrix.
	want := []float64{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	in := []*tensor.Tensor{tensor.Scalar(int32(8)), tensor.Scalar(int32(16)), tensor.Scalar(int32(8192)), tensor.Scalar(float32(0)), tensor.Scalar(float32(4096))}
	out, err := rnRunOp(t, "MelWeightMatrix", 17, 1, nil, in...)
	if err != nil {
		t.Fatal(err)
	}
	rnClose(t, "mel", out[0], []int{9, 8}, want, 0)

	// Wider bins give fractional ramps: every column peaks at 1 and values
	// stay in [0, 1].
	out, err = rnRunOp(t, "MelWeightMatrix", 17, 1, rnAttrs("output_datatype", int(tensor.Float64)),
		tensor.Scalar(int64(4)), tensor.Scalar(int64(64)), tensor.Scalar(int64(1000)), tensor.Scalar(float32(20)), tensor.Scalar(float32(500)))
	if err != nil {
		t.Fatal(err)
	}
	if out[0].DType() != tensor.Float64 || !tensor.SameShape(out[0].Shape(), []int{33, 4}) {
		t.Fatalf("got %v %v", out[0].DType(), out[0].Shape())
	}
	v := rnF64(out[0])
	for c := 0; c < 4; c++ {
		peak := 0.0
		for r := 0; r < 33; r++ {
			x := v[r*4+c]
			if x < 0 || x > 1 {
				t.Fatalf("value %g at %d,%d", x, r, c)
			}
			peak = math.Max(peak, x)
		}
		if peak != 1 {
			t.Errorf("column %d peaks at %g", c, peak)
		}
	}
	bad := [][]*tensor.Tensor{
		{tensor.Scalar(int64(0)), tensor.Scalar(int64(16)), tensor.Scalar(int64(8000)), tensor.Scalar(float32(0)), tensor.Scalar(float32(4000))},
		{tensor.Scalar(int64(4)), tensor.Scalar(int64(16)), tensor.Scalar(int64(8000)), tensor.Scalar(float32(100)), tensor.Scalar(float32(50))},
		{tensor.Scalar(int64(4)), tensor.Scalar(int64(16)), tensor.Scalar(int64(1)), tensor.Scalar(float32(0)), tensor.Scalar(float32(1e30))},
	}
	for i, in := range bad {
		if _, err := rnRunOp(t, "MelWeightMatrix", 17, 1, nil, in...); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("bad %d: err = %v", i, err)
		}
	}
}
