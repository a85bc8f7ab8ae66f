package linalg

// DequantizeLinear 8-bit → float32 per tensor: y = float32(x − zp) · scale,
// which is the correctly rounded (x − zp)·scale that ONNX Runtime and the
// float64 reference formula give (x − zp is exact, one rounding).

type qdDequantImpl struct {
	name string
	fn   func(dst []float32, x []uint8, scale float32, zp int32, signed bool)
}

// qdDequantImpls lists the implementations this CPU runs, generic first;
// the last is used.
var qdDequantImpls = []qdDequantImpl{{"generic", qdDequantGeneric}}

// Dequantize8 sets dst[i] = (x[i] − zp)·scale in float32 for i < len(x),
// x holding uint8 values, or int8 bit patterns when signed.
func Dequantize8(dst []float32, x []uint8, scale float32, zp int32, signed bool) {
	dst = dst[:len(x)]
	fn := qdDequantImpls[len(qdDequantImpls)-1].fn
	for len(x) > 0 {
		n := min(len(x), qdLookupChunk)
		fn(dst[:n], x[:n], scale, zp, signed)
		dst, x = dst[n:], x[n:]
	}
}

func qdDequantGeneric(dst []float32, x []uint8, scale float32, zp int32, signed bool) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(qdInt(v, signed)-zp) * scale
	}
}
