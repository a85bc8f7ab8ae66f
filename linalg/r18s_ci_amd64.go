//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512DQ || !cpu.X86.HasAVX512VL {
		return
	}
	r18sCiS2 = &ciTable{3: {r18sCiS2P1N4, r18sCiS2P2N4, r18sCiS2P3N4, r18sCiS2P4N4, r18sCiS2P5N4, r18sCiS2P6N4}}
}

// The stride-2 tile kernels r18sCiS2P{1..6}N4 are generated with the
// ci kernels (_gen/ci.go genCiStride, in sgemm_amd64.s).
