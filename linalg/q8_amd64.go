//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// q8PackS8x4AVX2 is the assembly q8PackFn (AVX2).
//
//go:noescape
func q8PackS8x4AVX2(dst, src *byte, koff *int, steps int, cs *int32, xr byte)

// q8RequantAVX2 is the assembly q8RequantFn (AVX2): 32 values per row.
//
//go:noescape
func q8RequantAVX2(dst *byte, ldy int, acc *int32, rows int, mult *float32, zp int32, lo, hi float32, signed bool)

// q8EvenAVX2 is the assembly q8EvenFn.
//
//go:noescape
func q8EvenAVX2(dst, src *byte, n int)

// q8KernVNNI512 is the assembly q8FusedFn (AVX-512 VNNI).
//
//go:noescape
func q8KernVNNI512(a *byte, lda int, b *byte, steps int, y *byte, ldy int, rowc *int32, mult *float32, mblocks int, zp int32, lo, hi float32)

// q8InterleaveAVX2 is the assembly q8InterleaveFn.
//
//go:noescape
func q8InterleaveAVX2(dst, src *byte, koff *int, steps int, xr byte)

// q8PadPlaneAVX512 is the assembly q8PadFn (AVX-512 BW).
//
//go:noescape
func q8PadPlaneAVX512(dst *byte, hq, wq int, src *byte, srcStride, i0, i1, j0, n, sw int, zp byte, masks *uint64)

// q8MaxTapsAVX512 is the assembly q8MaxTapsFn (AVX-512 BW).
//
//go:noescape
func q8MaxTapsAVX512(dst *byte, oh, ow int, src *byte, wq int, tab *int, ntaps int, signed bool)

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		q8PadFn = q8PadPlaneAVX512
		q8MaxTapsFn = q8MaxTapsAVX512
	}
	if cpu.X86.HasAVX2 {
		q8PackFn = q8PackS8x4AVX2
		q8RequantFn = q8RequantAVX2
		q8EvenFn = q8EvenAVX2
		q8InterleaveFn = q8InterleaveAVX2
	}
	if qhasAVX512VNNI {
		q8FusedFn = q8KernVNNI512
	}
}
