//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ {
		qdSigmoidImpls = append(qdSigmoidImpls, qdSigmoidImpl{"avx512", qdSigmoidAVX512})
	}
}

func qdSigmoidAVX512(dst, x []float32) bool {
	n := len(x) &^ 15
	ok := true
	if n > 0 {
		ok = qdSigmoidK512(&dst[:n][0], &x[0], n, &qdSigmoidConsts) == 0
	}
	if n < len(x) {
		qdSigmoidGeneric(dst[n:len(x)], x[n:])
	}
	return ok
}

// qdSigmoidK512 computes n (a multiple of 16) values and returns how many
// 16-lane groups held a value outside the polynomial's range (their
// results are wrong). Requires AVX512F, AVX512DQ.
//
//go:noescape
func qdSigmoidK512(dst, x *float32, n int, c *[12]float32) int
