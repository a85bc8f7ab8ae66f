//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI {
		qdLookupImpls = append(qdLookupImpls, qdLookupImpl{"avx512vbmi", func(dst, src []uint8, tab *[256]uint8) {
			if len(src) > 0 {
				qdLookupVBMI(&dst[:len(src)][0], &src[0], len(src), tab)
			}
		}})
	}
}

// qdLookupVBMI is qdLookupGeneric on n bytes: two VPERMI2B over the
// table's 128-byte halves, blended by each index's top bit. Requires
// AVX512F, AVX512BW, AVX512VBMI.
//
//go:noescape
func qdLookupVBMI(dst, src *uint8, n int, tab *[256]uint8)
