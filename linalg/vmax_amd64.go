//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX {
		vmax.f32, vmax.f32Step = maxF32AVX2Slices, 8
	}
	if cpu.X86.HasAVX2 {
		vmax.u8, vmax.u8Step = maxU8AVX2Slices, 16
	}
	if cpu.X86.HasAVX512F {
		vmax.pool3s2 = r18MaxPool3s2Slices
	}
}

func maxF32AVX2Slices(dst, a, b []float32) { maxF32AVX2(&dst[0], &a[0], &b[0], len(dst)) }

func maxU8AVX2Slices(dst, a, b []uint8) { maxU8AVX2(&dst[0], &a[0], &b[0], len(dst)) }

// r18MaxPool3s2AVX512 is maxPoolRow3S2Generic's AVX-512 twin (see the
// .s file for tail's mask packing).
//
//go:noescape
func r18MaxPool3s2AVX512(y, r0, r1, r2 *float32, n int, idx *int32, tail int)

// r18PoolIdx are the even then the odd lane numbers of two vectors.
var r18PoolIdx = func() (v [32]int32) {
	for i := range 16 {
		v[i], v[16+i] = int32(2*i), int32(2*i+1)
	}
	return
}()

func r18MaxPool3s2Slices(y, r0, r1, r2 []float32) {
	n := len(y)
	rem := n % 16
	cols := 2*rem + 1
	tail := (1<<min(16, cols) - 1) | (1<<max(0, cols-16)-1)<<16 | (1<<rem-1)<<32
	r18MaxPool3s2AVX512(&y[0], &r0[0], &r1[0], &r2[0], n, &r18PoolIdx[0], tail)
}
