//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F {
		qdDequantImpls = append(qdDequantImpls, qdDequantImpl{"avx512", qdDequantAVX512})
	}
}

func qdDequantAVX512(dst []float32, x []uint8, scale float32, zp int32, signed bool) {
	n := len(x) &^ 15
	if n > 0 {
		if signed {
			qdDequantS8K512(&dst[:n][0], &x[0], n, scale, zp)
		} else {
			qdDequantU8K512(&dst[:n][0], &x[0], n, scale, zp)
		}
	}
	if n < len(x) {
		qdDequantGeneric(dst[n:len(x)], x[n:], scale, zp, signed)
	}
}

// qdDequantU8K512 and qdDequantS8K512 convert n (a multiple of 16) bytes.
// Requires AVX512F.
//
//go:noescape
func qdDequantU8K512(dst *float32, x *uint8, n int, scale float32, zp int32)

//go:noescape
func qdDequantS8K512(dst *float32, x *uint8, n int, scale float32, zp int32)
