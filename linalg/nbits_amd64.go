//go:build !purego

package linalg

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// nbitsKernF32AVX512 is nbitsKernF32Generic on 16 columns (zmm).
//
//go:noescape
func nbitsKernF32AVX512(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32)

// nbitsKernF32AVX2 is nbitsKernF32Generic on 8 columns of a group (b, s, zs
// and out offset to the half).
//
//go:noescape
func nbitsKernF32AVX2(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32)

// nbitsKernI8VNNI512 is nbitsKernI8Generic with VPDPBUSD zmm.
//
//go:noescape
func nbitsKernI8VNNI512(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32)

var (
	nbitsAVX2Impl   = &nbitsImpl{name: "avx2", f32: nbitsKernF32AVX2, half: true}
	nbitsAVX512Impl = &nbitsImpl{name: "avx512", f32: nbitsKernF32AVX512, i8: nbitsKernI8VNNI512}
)

func init() {
	nbitsAVX2Impl.avail = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	nbitsAVX512Impl.avail = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI
	nbitsImpls = append(nbitsImpls, nbitsAVX2Impl, nbitsAVX512Impl)
	qkernBest()
}
