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
}

func maxF32AVX2Slices(dst, a, b []float32) { maxF32AVX2(&dst[0], &a[0], &b[0], len(dst)) }

func maxU8AVX2Slices(dst, a, b []uint8) { maxU8AVX2(&dst[0], &a[0], &b[0], len(dst)) }
