// Package tensor holds the n-dimensional arrays that flow through qinfer:
// a dense, row-major Tensor with a DType and a shape, the element types ONNX
// knows, shape and broadcast arithmetic with overflow checks, and conversion
// between element types.
//
// Storage is a typed Go slice chosen by the DType:
//
//	Float32 []float32      Float64 []float64     Float16, BFloat16 []uint16 (raw bits)
//	Int8 []int8            Int16 []int16         Int32 []int32    Int64 []int64
//	Uint8 []uint8          Uint16 []uint16       Uint32 []uint32  Uint64 []uint64
//	Bool []bool            String []string
//	Int4 []int8, Uint4 []uint8: one element per byte in memory, packed two per
//	byte only on the wire (see the onnx package)
//	Float8 kinds []uint8 (raw bits)
//
// A Tensor never aliases another unless made by View or Reshape, which say so.
package tensor
