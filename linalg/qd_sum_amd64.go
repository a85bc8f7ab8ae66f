//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		qdSumImpls = append(qdSumImpls, qdSumImpl{"avx512", qdSumAVX512})
	}
}

func qdSumAVX512(x []uint8) uint64 {
	var s uint64
	// Chunks bound the time without a preemption point.
	for len(x) >= 64 {
		n := min(len(x), 1<<18) &^ 63
		s += qdSumU8K512(&x[0], n)
		x = x[n:]
	}
	return s + qdSumGeneric(x)
}

// qdSumU8K512 sums n bytes (a multiple of 64) with VPSADBW against zero.
// Requires AVX512F, AVX512BW.
//
//go:noescape
func qdSumU8K512(x *uint8, n int) uint64
