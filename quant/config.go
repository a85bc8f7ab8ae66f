package quant

import (
	"errors"
	"fmt"
	"strings"

	"github.com/qinfer/qinfer/tensor"
)

// Errors of the graph rewrites (Quantize). They sit beside the sentinels of
// errors.go; test with errors.Is.
var (
	// ErrConfig reports an invalid Config (bits, block size, op types...).
	ErrConfig = errors.New("quant: invalid config")
	// ErrAlreadyQuantized reports a model that already holds quantized
	// operators (QuantizeLinear, DequantizeLinear, QLinear*, MatMulNBits...).
	ErrAlreadyQuantized = errors.New("quant: model is already quantized")
	// ErrCalibrationData reports missing or ill-fitting calibration samples.
	ErrCalibrationData = errors.New("quant: bad calibration data")
)

// Method selects a post-training quantization method.
type Method uint8

// Methods.
const (
	// WeightOnly stores weights in 8 or 4 bits and computes in float
	// (DequantizeLinear → MatMul/Conv, or com.microsoft MatMulNBits).
	WeightOnly Method = iota + 1
	// Dynamic quantizes weights ahead of time and activations at run time
	// (com.microsoft DynamicQuantizeMatMul, or DynamicQuantizeLinear +
	// MatMulInteger/ConvInteger).
	Dynamic
	// Static calibrates activation ranges on sample data and inserts
	// QuantizeLinear/DequantizeLinear pairs so that every selected op runs as
	// an integer kernel.
	Static
)

// String names the method as the CLI spells it.
func (m Method) String() string {
	switch m {
	case WeightOnly:
		return "weight-only"
	case Dynamic:
		return "dynamic"
	case Static:
		return "static"
	}
	return fmt.Sprintf("method(%d)", uint8(m))
}

// ParseMethod reads "weight-only", "dynamic" or "static".
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(s) {
	case "weight-only", "weightonly", "weight_only":
		return WeightOnly, nil
	case "dynamic":
		return Dynamic, nil
	case "static":
		return Static, nil
	}
	return 0, fmt.Errorf("%w: method %q (want weight-only, dynamic or static)", ErrConfig, s)
}

// Calibration selects the observer that turns activation statistics into a
// range.
type Calibration uint8

// Calibration methods.
const (
	CalibMinMax     Calibration = iota // absolute min and max
	CalibPercentile                    // clip at Config.Percentile
	CalibEntropy                       // KL-divergence threshold (TensorRT)
	CalibMSE                           // least expected squared error
)

// String names the calibration as the CLI spells it.
func (c Calibration) String() string {
	switch c {
	case CalibMinMax:
		return "minmax"
	case CalibPercentile:
		return "percentile"
	case CalibEntropy:
		return "entropy"
	case CalibMSE:
		return "mse"
	}
	return fmt.Sprintf("calibration(%d)", uint8(c))
}

// ParseCalibration reads "minmax", "percentile", "entropy" or "mse".
func ParseCalibration(s string) (Calibration, error) {
	for c := CalibMinMax; c <= CalibMSE; c++ {
		if strings.EqualFold(s, c.String()) {
			return c, nil
		}
	}
	return 0, fmt.Errorf("%w: calibration %q (want minmax, percentile, entropy or mse)", ErrConfig, s)
}

// Int4Format chooses how 4-bit weight-only MatMul weights are stored.
type Int4Format string

// 4-bit formats.
const (
	// Int4MatMulNBits uses ONNX Runtime's com.microsoft MatMulNBits (default).
	Int4MatMulNBits Int4Format = "matmulnbits"
	// Int4QDQ uses an opset-21 DequantizeLinear of an int4 (or uint4)
	// tensor with block_size, feeding a plain MatMul.
	Int4QDQ Int4Format = "qdq"
)

// DynamicFormat chooses the operators of dynamic quantization for MatMul.
type DynamicFormat string

// Dynamic formats.
const (
	// DynamicContrib uses com.microsoft DynamicQuantizeMatMul (default):
	// one node per MatMul, what ONNX Runtime's quantize_dynamic emits.
	DynamicContrib DynamicFormat = "contrib"
	// DynamicONNX uses only ai.onnx ops: DynamicQuantizeLinear +
	// MatMulInteger + Cast + Mul by the product of scales.
	DynamicONNX DynamicFormat = "onnx"
)

// Samples streams calibration (or evaluation) inputs: each call returns one
// feed, keyed by model input name; io.EOF ends the stream.
type Samples interface {
	Next() (map[string]*tensor.Tensor, error)
}

// Config tunes Quantize. Start from DefaultConfig: the zero value of a few
// fields (WeightSigned) is not the usual choice.
type Config struct {
	Method Method
	// WeightBits is 8 (default) or 4 (weight-only MatMul/Gemm; Conv stays 8).
	WeightBits int
	// BlockSize is the 4-bit block size along K: a power of two in
	// [16, 256] (default 32).
	BlockSize int
	// PerTensor uses one scale per weight tensor instead of one per output
	// channel (8-bit).
	PerTensor bool
	// WeightSigned stores weights as signed symmetric codes (int8/int4, zero
	// point 0), else as unsigned asymmetric ones with zero points.
	WeightSigned bool
	// Calibration picks the activation observer (Static).
	Calibration Calibration
	// Percentile is the CalibPercentile cut, in (90, 100] (default 99.999).
	Percentile float64
	// ActivationType is tensor.Uint8 (default, asymmetric) or tensor.Int8.
	ActivationType tensor.DType
	// ActivationSymmetric uses symmetric activation ranges.
	ActivationSymmetric bool
	// Samples caps the calibration samples read (0: read all of them).
	Samples int
	// Exclude lists node names to leave in float.
	Exclude []string
	// OpTypes lists the op types to quantize; nil means the method's
	// default (DefaultOpTypes).
	OpTypes []string
	// Overrides fixes ranges of named tensors and schemes of named nodes.
	Overrides *Overrides
	// ClipMSE picks each weight group's clip range minimising its squared
	// error instead of the plain min/max.
	ClipMSE bool
	// Int4Format is Int4MatMulNBits (default) or Int4QDQ.
	Int4Format Int4Format
	// DynamicFormat is DynamicContrib (default) or DynamicONNX.
	DynamicFormat DynamicFormat
}

// DefaultConfig returns the usual settings of a method: 8-bit signed
// symmetric per-channel weights, uint8 asymmetric activations, MinMax
// calibration over 100 samples, 4-bit blocks of 32 in MatMulNBits form.
func DefaultConfig(m Method) Config {
	return Config{Method: m, WeightBits: 8, BlockSize: 32, WeightSigned: true, Calibration: CalibMinMax,
		Percentile: 99.999, ActivationType: tensor.Uint8, Samples: 100,
		Int4Format: Int4MatMulNBits, DynamicFormat: DynamicContrib}
}

// rwStaticFollowers are ops FuseQDQ runs in integer that Static quantizes
// when their input is already quantized.
var rwStaticFollowers = []string{"MaxPool", "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "HardSwish",
	"HardSigmoid", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Resize", "DepthToSpace", "SpaceToDepth"}

// DefaultOpTypes returns the op types a method quantizes by default:
// Conv, MatMul, Gemm; Static adds Add, Mul, Concat, AveragePool,
// GlobalAveragePool and the followers (MaxPool, Relu, Clip, Sigmoid, Tanh,
// LeakyRelu, HardSwish, HardSigmoid, Reshape, Flatten, Transpose, Squeeze,
// Unsqueeze, Resize, DepthToSpace, SpaceToDepth), which are only quantized
// when their input already is.
func DefaultOpTypes(m Method) []string {
	base := []string{"Conv", "MatMul", "Gemm"}
	if m == Static {
		base = append(base, "Add", "Mul", "Concat", "AveragePool", "GlobalAveragePool")
		base = append(base, rwStaticFollowers...)
	}
	return base
}

// normalize fills defaults and checks the settings.
func (c Config) normalize() (Config, error) {
	bad := func(f string, a ...any) (Config, error) {
		return c, fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(f, a...))
	}
	switch c.Method {
	case WeightOnly, Dynamic, Static:
	default:
		return bad("method %v", c.Method)
	}
	if c.WeightBits == 0 {
		c.WeightBits = 8
	}
	if c.WeightBits != 8 && c.WeightBits != 4 {
		return bad("weight bits %d (want 8 or 4)", c.WeightBits)
	}
	if c.WeightBits == 4 && c.Method != WeightOnly {
		return bad("4-bit weights are weight-only (method %v)", c.Method)
	}
	if c.BlockSize == 0 {
		c.BlockSize = 32
	}
	if c.BlockSize < 16 || c.BlockSize > 256 || c.BlockSize&(c.BlockSize-1) != 0 {
		return bad("block size %d (want a power of two in [16, 256])", c.BlockSize)
	}
	if c.Calibration > CalibMSE {
		return bad("calibration %v", c.Calibration)
	}
	if c.Percentile == 0 {
		c.Percentile = 99.999
	}
	if !(c.Percentile > 90 && c.Percentile <= 100) {
		return bad("percentile %g (want (90, 100])", c.Percentile)
	}
	switch c.ActivationType {
	case tensor.Undefined:
		c.ActivationType = tensor.Uint8
	case tensor.Uint8, tensor.Int8:
	default:
		return bad("activation type %v (want uint8 or int8)", c.ActivationType)
	}
	if c.Samples < 0 {
		return bad("samples %d", c.Samples)
	}
	switch c.Int4Format {
	case "":
		c.Int4Format = Int4MatMulNBits
	case Int4MatMulNBits, Int4QDQ:
	default:
		return bad("int4 format %q (want matmulnbits or qdq)", c.Int4Format)
	}
	switch c.DynamicFormat {
	case "":
		c.DynamicFormat = DynamicContrib
	case DynamicContrib, DynamicONNX:
	default:
		return bad("dynamic format %q (want contrib or onnx)", c.DynamicFormat)
	}
	if c.OpTypes == nil {
		c.OpTypes = DefaultOpTypes(c.Method)
	}
	if c.Overrides != nil {
		if err := c.Overrides.Validate(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Exclusion says why a node stayed in float.
type Exclusion struct {
	Node   string
	OpType string
	Reason string
}

// Exclusion reasons.
const (
	ReasonUserExcluded    = "user-excluded"
	ReasonOpNotSelected   = "op type not selected"
	ReasonWeightNotConst  = "weight not constant"
	ReasonShape           = "shape unsupported"
	ReasonDType           = "input not float32"
	ReasonRecurrent       = "recurrent op left float"
	ReasonAttr            = "attributes unsupported"
	ReasonNoIntegerKernel = "no integer kernel for this op"
)

// LayerReport describes one quantized weight.
type LayerReport struct {
	Node   string
	OpType string // the original op
	Weight string // the weight tensor's name
	Scheme string // e.g. "int8 sym per-channel(axis=0)"
	Into   string // what the node became: "DQ→Conv", "MatMulNBits", ...
	SQNR   float64
}

// Report summarises a Quantize call.
type Report struct {
	Method      Method
	BytesBefore int64 // initializer bytes of the input model (int4 packed)
	BytesAfter  int64 // the same for the output model
	Layers      []LayerReport
	Excluded    []Exclusion
	Activations int // activation tensors given QuantizeLinear/DequantizeLinear
	Samples     int // calibration samples read
	Notes       []string
}

// String renders the report as a text table.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "method %v: weights %s → %s", r.Method, rwHumanBytes(r.BytesBefore), rwHumanBytes(r.BytesAfter))
	if r.BytesAfter > 0 {
		fmt.Fprintf(&b, " (%.2fx smaller)", float64(r.BytesBefore)/float64(r.BytesAfter))
	}
	b.WriteByte('\n')
	if r.Method == Static {
		fmt.Fprintf(&b, "calibration: %d samples, %d activation tensors quantized\n", r.Samples, r.Activations)
	}
	if len(r.Layers) > 0 {
		w := len("node")
		for _, l := range r.Layers {
			w = max(w, len(l.Node))
		}
		fmt.Fprintf(&b, "\n%-*s  %-8s  %-14s  %-32s  %s\n", w, "node", "op", "into", "weight scheme", "SQNR dB")
		for _, l := range r.Layers {
			fmt.Fprintf(&b, "%-*s  %-8s  %-14s  %-32s  %7.2f\n", w, l.Node, l.OpType, l.Into, l.Scheme, l.SQNR)
		}
	}
	if len(r.Excluded) > 0 {
		w := len("node")
		for _, e := range r.Excluded {
			w = max(w, len(e.Node))
		}
		fmt.Fprintf(&b, "\nleft in float:\n%-*s  %-12s  %s\n", w, "node", "op", "reason")
		for _, e := range r.Excluded {
			fmt.Fprintf(&b, "%-*s  %-12s  %s\n", w, e.Node, e.OpType, e.Reason)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

func rwHumanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
