//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512BW {
		return
	}
	qdQBinImpls = append(qdQBinImpls, qdQBinImpl{"avx512", qdAdd8AVX512, qdMul8AVX512})
}

// qdAdd8AVX512 runs whole 16-byte groups in assembly and the rest in Go.
func qdAdd8AVX512(dst, x1, x2 []uint8, p *QAdd8) {
	n := len(dst) &^ 15
	if n > 0 {
		args := qdQArgs{f0: p.Fixed, f1: p.R1, f2: p.R2, lo: p.Lo, hi: p.Hi}
		x1, x2 := x1[:n], x2[:n]
		if p.Signed {
			qdAddS8AVX512(&dst[0], &x1[0], &x2[0], n, &args)
		} else {
			qdAddU8AVX512(&dst[0], &x1[0], &x2[0], n, &args)
		}
	}
	if n < len(dst) {
		qdAdd8Generic(dst[n:], x1[n:], x2[n:], p)
	}
}

// qdMul8AVX512 runs whole 16-byte groups in assembly and the rest in Go.
func qdMul8AVX512(dst, a, b []uint8, p *QMul8) {
	n := len(dst) &^ 15
	if n > 0 {
		args := qdQArgs{f0: p.Ratio, f1: p.Zc, lo: p.Lo, hi: p.Hi, za: p.Za, zb: p.Zb}
		a, b := a[:n], b[:n]
		if p.Signed {
			qdMulS8AVX512(&dst[0], &a[0], &b[0], n, &args)
		} else {
			qdMulU8AVX512(&dst[0], &a[0], &b[0], n, &args)
		}
	}
	if n < len(dst) {
		qdMul8Generic(dst[n:], a[n:], b[n:], p)
	}
}

// The kernels below need n a multiple of 16 and AVX512F+BW.

//go:noescape
func qdAddU8AVX512(dst, x1, x2 *uint8, n int, p *qdQArgs)

//go:noescape
func qdAddS8AVX512(dst, x1, x2 *uint8, n int, p *qdQArgs)

//go:noescape
func qdMulU8AVX512(dst, a, b *uint8, n int, p *qdQArgs)

//go:noescape
func qdMulS8AVX512(dst, a, b *uint8, n int, p *qdQArgs)
