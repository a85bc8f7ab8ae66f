package quant

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/tensor"
)

// GranularityKind says how many (scale, zero point) pairs a tensor gets.
type GranularityKind uint8

// Granularity kinds.
const (
	// PerTensor uses one scale and zero point for the whole tensor.
	PerTensor GranularityKind = iota
	// PerChannel uses one pair per index along Granularity.Axis (ONNX
	// QuantizeLinear with axis, 1-D scale).
	PerChannel
	// PerBlock uses one pair per run of Granularity.BlockSize consecutive
	// elements along Granularity.Axis (ONNX opset 21 blocked quantization:
	// the scale has the input's shape with the axis dimension replaced by
	// ceil(dim/BlockSize)).
	PerBlock
)

// String names the kind: "per-tensor", "per-channel" or "per-block".
func (k GranularityKind) String() string {
	switch k {
	case PerTensor:
		return "per-tensor"
	case PerChannel:
		return "per-channel"
	case PerBlock:
		return "per-block"
	}
	return fmt.Sprintf("granularity(%d)", uint8(k))
}

// Granularity selects per-tensor, per-channel or per-block parameters. Axis
// may be negative (counted from the end); it is ignored for PerTensor.
type Granularity struct {
	Kind      GranularityKind
	Axis      int
	BlockSize int // PerBlock only: elements per block along Axis (>= 2)
}

// ChannelAxis returns per-channel granularity along axis (0 for Conv weights
// [M, C/g, kh, kw], 1 for MatMul weights [K, N]).
func ChannelAxis(axis int) Granularity { return Granularity{Kind: PerChannel, Axis: axis} }

// BlockAxis returns per-block granularity: blocks of size elements along axis
// (0 for MatMul weights [K, N], blocked along K).
func BlockAxis(axis, size int) Granularity {
	return Granularity{Kind: PerBlock, Axis: axis, BlockSize: size}
}

// Scheme describes an integer representation of float values:
// x ≈ (q - zeroPoint) * scale with q in [QRange].
type Scheme struct {
	Bits        int  // 4, 8 or 16
	Signed      bool // int4/int8/int16 when true, uint4/uint8/uint16 otherwise
	Symmetric   bool // range symmetric around 0; zero point 0 (signed) or the mid code (unsigned)
	Granularity Granularity
	// ReduceRange uses one bit less of range (ONNX Runtime's reduce_range,
	// for CPUs whose u8×s8 instructions saturate); off by default.
	ReduceRange bool
}

// Common schemes.
var (
	// Int8Sym is symmetric per-tensor int8, ONNX Runtime's default for weights.
	Int8Sym = Scheme{Bits: 8, Signed: true, Symmetric: true}
	// Uint8Asym is affine per-tensor uint8, ONNX Runtime's default for activations.
	Uint8Asym = Scheme{Bits: 8}
	// Int8Asym is affine per-tensor int8.
	Int8Asym = Scheme{Bits: 8, Signed: true}
)

// String describes the scheme, e.g. "int8 sym per-channel(axis=0)".
func (s Scheme) String() string {
	t := "uint"
	if s.Signed {
		t = "int"
	}
	m := "asym"
	if s.Symmetric {
		m = "sym"
	}
	g := s.Granularity.Kind.String()
	switch s.Granularity.Kind {
	case PerChannel:
		g += fmt.Sprintf("(axis=%d)", s.Granularity.Axis)
	case PerBlock:
		g += fmt.Sprintf("(axis=%d,block=%d)", s.Granularity.Axis, s.Granularity.BlockSize)
	}
	r := ""
	if s.ReduceRange {
		r = " reduce-range"
	}
	return fmt.Sprintf("%s%d %s %s%s", t, s.Bits, m, g, r)
}

// Validate checks bits and granularity (the axis is checked against a shape
// later, by the functions that take one).
func (s Scheme) Validate() error {
	switch s.Bits {
	case 4, 8, 16:
	default:
		return fmt.Errorf("%w: bits %d (want 4, 8 or 16)", ErrScheme, s.Bits)
	}
	switch s.Granularity.Kind {
	case PerTensor, PerChannel:
	case PerBlock:
		if s.Granularity.BlockSize < 2 {
			return fmt.Errorf("%w: block size %d (want >= 2)", ErrScheme, s.Granularity.BlockSize)
		}
	default:
		return fmt.Errorf("%w: granularity %v", ErrScheme, s.Granularity.Kind)
	}
	return nil
}

// DType is the tensor element type of the quantized values (Int4, Uint4,
// Int8, Uint8, Int16 or Uint16), or tensor.Undefined for invalid bits.
func (s Scheme) DType() tensor.DType {
	switch {
	case s.Bits == 4 && s.Signed:
		return tensor.Int4
	case s.Bits == 4:
		return tensor.Uint4
	case s.Bits == 8 && s.Signed:
		return tensor.Int8
	case s.Bits == 8:
		return tensor.Uint8
	case s.Bits == 16 && s.Signed:
		return tensor.Int16
	case s.Bits == 16:
		return tensor.Uint16
	}
	return tensor.Undefined
}

// TypeRange is the full code range of the element type, [-2^(b-1), 2^(b-1)-1]
// or [0, 2^b-1]: what ONNX QuantizeLinear saturates to.
func (s Scheme) TypeRange() (qmin, qmax int32) {
	if s.Signed {
		return -1 << (s.Bits - 1), 1<<(s.Bits-1) - 1
	}
	return 0, 1<<s.Bits - 1
}

// QRange is the code range the quantizer targets, as ONNX Runtime's
// get_qmin_qmax_for_qType: the full type range, except that signed symmetric
// schemes drop the lowest code (int8: [-127, 127]) so that the range is
// symmetric, and ReduceRange halves it (uint8: [0, 127], int8: [-64, 64]).
func (s Scheme) QRange() (qmin, qmax int32) {
	if s.ReduceRange {
		if s.Signed {
			h := int32(1) << (s.Bits - 2)
			return -h, h
		}
		return 0, 1<<(s.Bits-1) - 1
	}
	qmin, qmax = s.TypeRange()
	if s.Signed && s.Symmetric {
		qmin++
	}
	return qmin, qmax
}

// Params is one scale and zero point: x ≈ (q - ZeroPoint) * Scale.
type Params struct {
	Scale     float32
	ZeroPoint int32
}

// Params computes scale and zero point for the float range [lo, hi] as ONNX
// Runtime's compute_scale_zp does: the range is first widened to include 0
// (so that 0 is exactly representable); symmetric schemes use
// [-max|x|, max|x|], which gives zero point 0 for signed types and the mid
// code (128 for uint8) for unsigned ones; scale = (hi-lo)/(qmax-qmin) and
// zeroPoint = round_half_even(qmin - lo/scale), clamped to [qmin, qmax]. An
// all-zero range gives scale 1 (and the usual zero point).
func (s Scheme) Params(lo, hi float32) (Params, error) {
	if err := s.Validate(); err != nil {
		return Params{}, err
	}
	qmin, qmax := s.QRange()
	return rangeParams(float64(lo), float64(hi), qmin, qmax, s.Symmetric)
}

// rangeParams is Scheme.Params on an explicit code range.
func rangeParams(lo, hi float64, qmin, qmax int32, symmetric bool) (Params, error) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo > hi {
		return Params{}, fmt.Errorf("%w: [%g, %g]", ErrRange, lo, hi)
	}
	lo, hi = min(lo, 0), max(hi, 0)
	if symmetric {
		m := max(-lo, hi)
		lo, hi = -m, m
	}
	scale := float32((hi - lo) / float64(qmax-qmin))
	symZP := int32(0) // symmetric: 0, or the mid code of unsigned types
	if qmin >= 0 {
		symZP = (qmin + qmax + 1) / 2
	}
	if !(scale >= math.SmallestNonzeroFloat32) {
		// Zero (or denormal-sized) range: any scale works.
		if symmetric {
			return Params{Scale: 1, ZeroPoint: symZP}, nil
		}
		return Params{Scale: 1, ZeroPoint: 0}, nil
	}
	if symmetric {
		return Params{Scale: scale, ZeroPoint: symZP}, nil
	}
	zp := math.RoundToEven(float64(qmin) - lo/float64(scale))
	zp = min(max(zp, float64(qmin)), float64(qmax))
	return Params{Scale: scale, ZeroPoint: int32(zp)}, nil
}
