//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// The tile kernels need AVX-512 F, DQ (VEXTRACTF32X8, 512-bit VXORPS) and
// VL (masked 256-bit row loads and stores).
func init() {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512DQ || !cpu.X86.HasAVX512VL {
		return
	}
	r18FillRows = r18FillRowsSlices
	ciKerns = &ciTable{
		{ciKernP1N1, ciKernP2N1, ciKernP3N1, ciKernP4N1, ciKernP5N1, ciKernP6N1},
		{ciKernP1N2, ciKernP2N2, ciKernP3N2, ciKernP4N2, ciKernP5N2, ciKernP6N2},
		{ciKernP1N3, ciKernP2N3, ciKernP3N3, ciKernP4N3, ciKernP5N3, ciKernP6N3},
		{ciKernP1N4, ciKernP2N4, ciKernP3N4, ciKernP4N4, ciKernP5N4, ciKernP6N4},
	}
}

// r18FillRowsAVX512 is r18FillRows's kernel (masks: see the .s file).
//
//go:noescape
func r18FillRowsAVX512(dst, src *float32, rows, iw, pw, x0, masks int)

func r18FillRowsSlices(dst, src []float32, rows, iw, pw, x0 int) {
	if rows == 0 {
		return
	}
	_ = dst[rows*pw-1]
	_ = src[rows*iw-1]
	right := pw - x0 - iw
	masks := (1<<x0 - 1) | (1<<right-1)<<16 | (1<<(iw%16)-1)<<32
	r18FillRowsAVX512(&dst[0], &src[0], rows, iw, pw, x0, masks)
}
