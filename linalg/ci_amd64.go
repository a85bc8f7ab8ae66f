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
	r18FillRows2 = r18FillRows2Slices
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

// r18FillRows2AVX512 is r18FillRows2's kernel (masks: see the .s file).
//
//go:noescape
func r18FillRows2AVX512(dst, src *float32, rows, chunks, pw, x0, right0, sstride, m1, m2 int, idx *int32)

// r18EvenIdx are the lane numbers 0, 2, .., 30.
var r18EvenIdx = func() (v [16]int32) {
	for i := range v {
		v[i] = int32(2 * i)
	}
	return
}()

func r18FillRows2Slices(dst, src []float32, rows, n, pw, x0, sstride int) {
	if rows == 0 {
		return
	}
	_ = dst[rows*pw-1]
	_ = src[(rows-1)*sstride+2*n-2]
	chunks := (n - 1) / 16
	r := n - 16*chunks // 1..16 outputs in the last block
	sv := 2*r - 1      // source values it reads
	m1 := (1<<x0 - 1) | (1<<(pw-x0-n)-1)<<16
	m2 := (1<<min(16, sv) - 1) | (1<<max(0, sv-16)-1)<<16 | (1<<r-1)<<32
	r18FillRows2AVX512(&dst[0], &src[0], rows, chunks, pw, x0, x0+n, sstride, m1, m2, &r18EvenIdx[0])
}
