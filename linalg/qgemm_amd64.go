//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// qgemmKernVNNI512 is qgemmKernGeneric for mr=8, nr=32 with VPDPBUSD zmm
// (layout qLayoutS8x4).
//
//go:noescape
func qgemmKernVNNI512(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int)

// qgemmKernAVXVNNI is qgemmKernGeneric for mr=6, nr=16 (half a panel) with
// the VEX-encoded AVX-VNNI VPDPBUSD ymm (layout qLayoutS8x4).
//
//go:noescape
func qgemmKernAVXVNNI(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int)

// qgemmKernAVX2 is qgemmKernGeneric for mr=6, nr=16 on layout qLayoutI16x2:
// a and b hold int16 pairs, multiplied exactly with VPMADDWD.
//
//go:noescape
func qgemmKernAVX2(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int)

// qrequantAVX2 is qrequantRowGeneric on n values, n a multiple of 8.
//
//go:noescape
func qrequantAVX2(dst *byte, acc, bias *int32, mult *float32, n int, zp int32, lo, hi float32, signed bool)

// qpeakVNNI512 executes 16·n independent VPDPBUSD zmm (peak measurement).
//
//go:noescape
func qpeakVNNI512(n int)

var (
	qgemmAVX2Impl    = &qgemmImpl{name: "avx2", layout: qLayoutI16x2, mr: 6, nr: 16, kern: qgemmKernAVX2}
	qgemmAVXVNNIImpl = &qgemmImpl{name: "avxvnni", layout: qLayoutS8x4, mr: 6, nr: 16, kern: qgemmKernAVXVNNI}
	qgemmVNNI512Impl = &qgemmImpl{name: "avx512vnni", layout: qLayoutS8x4, mr: 8, nr: 32, kern: qgemmKernVNNI512}
	qrequantAVX2Impl = &qrequantImpl{name: "avx2", step: 8, fn: qrequantAVX2}
	qhasAVX512VNNI   = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VNNI
)

func init() {
	avx2 := cpu.X86.HasAVX2
	qgemmAVX2Impl.avail = avx2
	qgemmAVXVNNIImpl.avail = avx2 && cpu.X86.HasAVXVNNI
	qgemmVNNI512Impl.avail = qhasAVX512VNNI
	qrequantAVX2Impl.avail = avx2
	qgemmImpls = append(qgemmImpls, qgemmAVX2Impl, qgemmAVXVNNIImpl, qgemmVNNI512Impl)
	qrequantImpls = append(qrequantImpls, qrequantAVX2Impl)
	qkernBest()
}
