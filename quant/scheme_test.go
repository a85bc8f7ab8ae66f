package quant

import (
	"errors"
	"math"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

func TestSchemeParams(t *testing.T) {
	u8sym := Scheme{Bits: 8, Symmetric: true}
	i4sym := Scheme{Bits: 4, Signed: true, Symmetric: true}
	tests := []struct {
		name   string
		s      Scheme
		lo, hi float32
		scale  float32
		zp     int32
	}{
		{"int8 sym", Int8Sym, -1, 2, 2.0 / 127, 0},
		{"uint8 asym", Uint8Asym, -1, 2, 3.0 / 255, 85},
		{"uint8 sym mid code", u8sym, -1, 2, 4.0 / 255, 128},
		{"uint8 asym positive range includes 0", Uint8Asym, 1, 2, 2.0 / 255, 0},
		{"uint8 asym negative range includes 0", Uint8Asym, -2, -1, 2.0 / 255, 255},
		{"int8 asym", Int8Asym, -1, 2, 3.0 / 255, -43},
		{"uint8 reduce range", Scheme{Bits: 8, ReduceRange: true}, 0, 1, 1.0 / 127, 0},
		{"int8 sym reduce range", Scheme{Bits: 8, Signed: true, Symmetric: true, ReduceRange: true}, -1, 1, 2.0 / 128, 0},
		{"int4 sym", i4sym, -7, 3.5, 1, 0},
		{"uint4 asym", Scheme{Bits: 4}, -5, 10, 1, 5},
		{"int16 sym", Scheme{Bits: 16, Signed: true, Symmetric: true}, -32767, 1, 1, 0},
		{"zero range", Int8Asym, 0, 0, 1, 0},
		{"zero range uint8 sym keeps mid", u8sym, 0, 0, 1, 128},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.s.Params(tc.lo, tc.hi)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(float64(p.Scale-tc.scale)) > 1e-7*float64(tc.scale) || p.ZeroPoint != tc.zp {
				t.Errorf("%v.Params(%g, %g) = %+v, want scale %g zp %d", tc.s, tc.lo, tc.hi, p, tc.scale, tc.zp)
			}
			// 0 is exactly representable.
			qmin, qmax := tc.s.QRange()
			if q := QuantizeValue(0, p, qmin, qmax); float32(q-p.ZeroPoint)*p.Scale != 0 {
				t.Errorf("0 quantizes to %d, not exact", q)
			}
		})
	}
}

func TestSchemeErrors(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		name   string
		s      Scheme
		lo, hi float32
		want   error
	}{
		{"bits 5", Scheme{Bits: 5}, 0, 1, ErrScheme},
		{"bits 0", Scheme{}, 0, 1, ErrScheme},
		{"block 1", Scheme{Bits: 4, Granularity: BlockAxis(0, 1)}, 0, 1, ErrScheme},
		{"bad kind", Scheme{Bits: 8, Granularity: Granularity{Kind: 9}}, 0, 1, ErrScheme},
		{"nan", Int8Sym, nan, 1, ErrRange},
		{"inf", Int8Sym, 0, inf, ErrRange},
		{"lo > hi", Int8Sym, 1, 0, ErrRange},
	}
	for _, tc := range tests {
		if _, err := tc.s.Params(tc.lo, tc.hi); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestQRangeAndDType(t *testing.T) {
	tests := []struct {
		s          Scheme
		qmin, qmax int32
		dt         tensor.DType
	}{
		{Int8Sym, -127, 127, tensor.Int8},
		{Int8Asym, -128, 127, tensor.Int8},
		{Uint8Asym, 0, 255, tensor.Uint8},
		{Scheme{Bits: 8, Symmetric: true}, 0, 255, tensor.Uint8},
		{Scheme{Bits: 8, ReduceRange: true}, 0, 127, tensor.Uint8},
		{Scheme{Bits: 8, Signed: true, ReduceRange: true}, -64, 64, tensor.Int8},
		{Scheme{Bits: 4, Signed: true, Symmetric: true}, -7, 7, tensor.Int4},
		{Scheme{Bits: 4}, 0, 15, tensor.Uint4},
		{Scheme{Bits: 16, Signed: true}, -32768, 32767, tensor.Int16},
		{Scheme{Bits: 16}, 0, 65535, tensor.Uint16},
	}
	for _, tc := range tests {
		qmin, qmax := tc.s.QRange()
		if qmin != tc.qmin || qmax != tc.qmax || tc.s.DType() != tc.dt {
			t.Errorf("%v: QRange [%d, %d] %v, want [%d, %d] %v", tc.s, qmin, qmax, tc.s.DType(), tc.qmin, tc.qmax, tc.dt)
		}
	}
}

func TestQuantizeValueRoundsHalfEvenAndSaturates(t *testing.T) {
	p := Params{Scale: 1, ZeroPoint: 0}
	tests := []struct {
		x    float32
		p    Params
		want int32
	}{
		{0.5, p, 0}, {1.5, p, 2}, {2.5, p, 2}, {-0.5, p, 0}, {-1.5, p, -2}, {-2.5, p, -2},
		{0.49, p, 0}, {0.51, p, 1},
		{200, p, 127}, {-200, p, -128},
		{float32(math.Inf(1)), p, 127}, {float32(math.Inf(-1)), p, -128},
		{float32(math.NaN()), Params{Scale: 1, ZeroPoint: 3}, 3},
		{1, Params{Scale: 0.5, ZeroPoint: 10}, 12},
		{0.25, Params{Scale: 0.5, ZeroPoint: 10}, 10}, // 0.5 → 0 (even)
		{0.75, Params{Scale: 0.5, ZeroPoint: 10}, 12}, // 1.5 → 2
	}
	for _, tc := range tests {
		if got := QuantizeValue(tc.x, tc.p, -128, 127); got != tc.want {
			t.Errorf("QuantizeValue(%g, %+v) = %d, want %d", tc.x, tc.p, got, tc.want)
		}
	}
}

func TestQuantizeSliceRoundTrip(t *testing.T) {
	src := []float32{-1, -0.5, 0, 0.26, 1, 3}
	p := Params{Scale: 0.5, ZeroPoint: 128}
	q := make([]uint8, len(src))
	if err := QuantizeSlice(q, src, p, 0, 255); err != nil {
		t.Fatal(err)
	}
	want := []uint8{126, 127, 128, 129, 130, 134}
	for i := range want {
		if q[i] != want[i] {
			t.Fatalf("codes %v, want %v", q, want)
		}
	}
	back := make([]float32, len(q))
	if err := DequantizeSlice(back, q, p); err != nil {
		t.Fatal(err)
	}
	wantF := []float32{-1, -0.5, 0, 0.5, 1, 3}
	for i := range wantF {
		if back[i] != wantF[i] {
			t.Fatalf("dequantized %v, want %v", back, wantF)
		}
	}
	fq := make([]float32, len(src))
	if err := FakeQuantize(fq, src, p, 0, 255); err != nil || fq[3] != 0.5 {
		t.Fatalf("FakeQuantize %v %v", fq, err)
	}
	if err := QuantizeSlice(q[:2], src, p, 0, 255); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("short dst: %v", err)
	}
	if err := QuantizeSlice(q, src, Params{Scale: 0}, 0, 255); !errors.Is(err, ErrRange) {
		t.Errorf("zero scale: %v", err)
	}
	if err := DequantizeSlice(back[:1], q, p); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("short dst: %v", err)
	}
}
