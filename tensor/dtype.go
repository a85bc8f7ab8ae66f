package tensor

import (
	"fmt"
	"math"
)

// DType is an element type. The numbering is ONNX's TensorProto.DataType, so
// values convert directly to and from the wire.
type DType uint8

// Element types, numbered as ONNX numbers them.
const (
	Undefined      DType = 0
	Float32        DType = 1
	Uint8          DType = 2
	Int8           DType = 3
	Uint16         DType = 4
	Int16          DType = 5
	Int32          DType = 6
	Int64          DType = 7
	String         DType = 8
	Bool           DType = 9
	Float16        DType = 10
	Float64        DType = 11
	Uint32         DType = 12
	Uint64         DType = 13
	Complex64      DType = 14
	Complex128     DType = 15
	BFloat16       DType = 16
	Float8E4M3FN   DType = 17
	Float8E4M3FNUZ DType = 18
	Float8E5M2     DType = 19
	Float8E5M2FNUZ DType = 20
	Uint4          DType = 21
	Int4           DType = 22
	Float4E2M1     DType = 23
)

var dtypeNames = [...]string{
	Undefined: "undefined", Float32: "float32", Uint8: "uint8", Int8: "int8", Uint16: "uint16",
	Int16: "int16", Int32: "int32", Int64: "int64", String: "string", Bool: "bool",
	Float16: "float16", Float64: "float64", Uint32: "uint32", Uint64: "uint64",
	Complex64: "complex64", Complex128: "complex128", BFloat16: "bfloat16",
	Float8E4M3FN: "float8e4m3fn", Float8E4M3FNUZ: "float8e4m3fnuz", Float8E5M2: "float8e5m2",
	Float8E5M2FNUZ: "float8e5m2fnuz", Uint4: "uint4", Int4: "int4", Float4E2M1: "float4e2m1",
}

// String returns the lower-case name of the type, e.g. "float32".
func (d DType) String() string {
	if int(d) < len(dtypeNames) && dtypeNames[d] != "" {
		return dtypeNames[d]
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// Supported reports whether tensors of this type can be held in memory.
// Complex types and float4 are not supported.
func (d DType) Supported() bool {
	switch d {
	case Undefined, Complex64, Complex128, Float4E2M1:
		return false
	}
	return int(d) < len(dtypeNames)
}

// Size is the in-memory size of one element in bytes (1 for the 4-bit types,
// which are unpacked in memory; 16 for a string header, as a rough figure).
func (d DType) Size() int {
	switch d {
	case Float32, Int32, Uint32:
		return 4
	case Float64, Int64, Uint64:
		return 8
	case Float16, BFloat16, Int16, Uint16:
		return 2
	case Int8, Uint8, Bool, Int4, Uint4, Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2, Float8E5M2FNUZ:
		return 1
	case String:
		return 16
	}
	return 0
}

// WireBits is the number of bits one element takes in ONNX raw_data.
func (d DType) WireBits() int {
	if d == Int4 || d == Uint4 || d == Float4E2M1 {
		return 4
	}
	return d.Size() * 8
}

// IsFloat reports whether d is a floating-point type (including float16,
// bfloat16 and the float8 kinds).
func (d DType) IsFloat() bool {
	switch d {
	case Float32, Float64, Float16, BFloat16, Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2, Float8E5M2FNUZ:
		return true
	}
	return false
}

// IsInt reports whether d is a signed or unsigned integer type.
func (d DType) IsInt() bool {
	switch d {
	case Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Int4, Uint4:
		return true
	}
	return false
}

// IsSigned reports whether d is a signed integer or a float type.
func (d DType) IsSigned() bool {
	switch d {
	case Int8, Int16, Int32, Int64, Int4:
		return true
	}
	return d.IsFloat()
}

// IntRange returns the smallest and largest value of an integer type.
func (d DType) IntRange() (lo, hi int64) {
	switch d {
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Uint8:
		return 0, math.MaxUint8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Uint16:
		return 0, math.MaxUint16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case Uint32:
		return 0, math.MaxUint32
	case Int64, Uint64:
		return math.MinInt64, math.MaxInt64
	case Int4:
		return -8, 7
	case Uint4:
		return 0, 15
	case Bool:
		return 0, 1
	}
	return 0, 0
}
