//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		qdQuantImpls = append(qdQuantImpls, qdQuantImpl{"avx512", qdQuantAVX512})
	}
}

// qdQuantAVX512 runs whole groups of 16 in assembly, the rest in Go.
func qdQuantAVX512(dst []uint8, x []float32, scale float32, zp int32, signed bool) {
	n := len(x) &^ 15
	if n > 0 {
		flo, fhi := qdQuantBounds(zp, signed)
		qdQuantF32AVX512(&dst[:n][0], &x[0], n, scale, flo, fhi, zp)
	}
	if n < len(x) {
		qdQuantGeneric(dst[n:len(x)], x[n:], scale, zp, signed)
	}
}

// qdQuantF32AVX512 quantizes n (a multiple of 16) values: divide, NaN to
// 0, clamp to [flo, fhi], VCVTPS2DQ (half to even), add zp, narrow.
// Requires AVX512F, AVX512BW.
//
//go:noescape
func qdQuantF32AVX512(dst *uint8, x *float32, n int, scale, flo, fhi float32, zp int32)
