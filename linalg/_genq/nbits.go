package main

import "fmt"

// int4 block kernels (../nbits_amd64.s). The Go twin and meaning is
// nbitsKernGeneric in ../nbits_generic.go. One call handles one row of A
// against one group of 16 packed columns over all blocks:
//
//	for j < 16:
//		out[j] = Σ_blk s[blk][j]·ascale[blk]·Σ_{k in blk} q[k][j]·a[k] - zs[blk][j]·asum[blk]
//
// b holds per 8 k 64 bytes: byte 4j+t = q[8o+t][j] | q[8o+4+t][j]<<4.
// Float path: a is float32, ascale is nil (1). Int8 path: a is int8
// (VPDPBUSD, nibbles unsigned), ascale the per-block A scales.

const nbitsSig = "(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32)"

func nbitsArgs() {
	p("MOVQ a+0(FP), AX")
	p("MOVQ b+8(FP), BX")
	p("MOVQ s+16(FP), R8")
	p("MOVQ zs+24(FP), R9")
	p("MOVQ ascale+32(FP), R10")
	p("MOVQ asum+40(FP), R11")
	p("MOVQ blocks+48(FP), CX")
	p("MOVQ bs+56(FP), R12")
	p("SHRQ $3, R12") // octets per block
	p("MOVQ out+64(FP), DI")
}

// nbitsF32AVX512: float path, 16 columns in one zmm.
func nbitsF32AVX512() {
	comment("func nbitsKernF32AVX512" + nbitsSig)
	comment("Requires: AVX512F, AVX512BW. Float path, 16 columns.")
	header("nbitsKernF32AVX512", "", 72)
	nbitsArgs()
	p("MOVL $0x0f0f0f0f, DX")
	p("VPBROADCASTD DX, Z30")
	p("MOVL $0xff, DX")
	p("VPBROADCASTD DX, Z31")
	p("VPXORD Z20, Z20, Z20") // out
	p("TESTQ CX, CX")
	p("JZ nbf512_done")
	label("nbf512_block")
	for i := 0; i < 4; i++ {
		p("VPXORD Z%d, Z%d, Z%d", 10+i, 10+i, 10+i)
	}
	p("MOVQ R12, DX")
	label("nbf512_oct")
	p("VMOVDQU32 (BX), Z0")
	p("VPANDD Z30, Z0, Z1")
	p("VPSRLW $4, Z0, Z2")
	p("VPANDD Z30, Z2, Z2")
	for h := 0; h < 2; h++ {
		src := 1 + h
		for t := 0; t < 4; t++ {
			r := 3 + t
			switch t {
			case 0:
				p("VPANDD Z31, Z%d, Z%d", src, r)
			case 3:
				p("VPSRLD $24, Z%d, Z%d", src, r)
			default:
				p("VPSRLD $%d, Z%d, Z%d", 8*t, src, r)
				p("VPANDD Z31, Z%d, Z%d", r, r)
			}
			p("VCVTDQ2PS Z%d, Z%d", r, r)
			p("VFMADD231PS.BCST %d(AX), Z%d, Z%d", 16*h+4*t, r, 10+t)
		}
	}
	p("ADDQ $64, BX")
	p("ADDQ $32, AX")
	p("DECQ DX")
	p("JNZ nbf512_oct")
	p("VADDPS Z11, Z10, Z10")
	p("VADDPS Z13, Z12, Z12")
	p("VADDPS Z12, Z10, Z10")
	p("VFMADD231PS (R8), Z10, Z20")
	p("VBROADCASTSS (R11), Z21")
	p("VFNMADD231PS (R9), Z21, Z20")
	p("ADDQ $64, R8")
	p("ADDQ $64, R9")
	p("ADDQ $4, R11")
	p("DECQ CX")
	p("JNZ nbf512_block")
	label("nbf512_done")
	p("VMOVUPS Z20, (DI)")
	p("VZEROUPPER")
	p("RET")
}

// nbitsF32AVX2: float path, 8 columns (call once per half group: b, s, zs,
// out offset by 32 bytes / 8 values; strides stay those of 16 columns).
func nbitsF32AVX2() {
	comment("func nbitsKernF32AVX2" + nbitsSig)
	comment("Requires: AVX2, FMA. Float path, 8 columns of a 16-column group.")
	header("nbitsKernF32AVX2", "", 72)
	nbitsArgs()
	p("MOVL $0x0f0f0f0f, DX")
	p("VMOVD DX, X14")
	p("VPBROADCASTD X14, Y14")
	p("MOVL $0xff, DX")
	p("VMOVD DX, X15")
	p("VPBROADCASTD X15, Y15")
	p("VXORPS Y12, Y12, Y12") // out
	p("TESTQ CX, CX")
	p("JZ nbf2_done")
	label("nbf2_block")
	for i := 0; i < 4; i++ {
		p("VXORPS Y%d, Y%d, Y%d", 8+i, 8+i, 8+i)
	}
	p("MOVQ R12, DX")
	label("nbf2_oct")
	p("VMOVDQU (BX), Y0")
	p("VPAND Y14, Y0, Y1")
	p("VPSRLW $4, Y0, Y2")
	p("VPAND Y14, Y2, Y2")
	for h := 0; h < 2; h++ {
		src := 1 + h
		for t := 0; t < 4; t++ {
			r := 3 + t%2
			switch t {
			case 0:
				p("VPAND Y15, Y%d, Y%d", src, r)
			case 3:
				p("VPSRLD $24, Y%d, Y%d", src, r)
			default:
				p("VPSRLD $%d, Y%d, Y%d", 8*t, src, r)
				p("VPAND Y15, Y%d, Y%d", r, r)
			}
			p("VCVTDQ2PS Y%d, Y%d", r, r)
			p("VBROADCASTSS %d(AX), Y%d", 16*h+4*t, 5+t%2)
			p("VFMADD231PS Y%d, Y%d, Y%d", 5+t%2, r, 8+t)
		}
	}
	p("ADDQ $64, BX")
	p("ADDQ $32, AX")
	p("DECQ DX")
	p("JNZ nbf2_oct")
	p("VADDPS Y9, Y8, Y8")
	p("VADDPS Y11, Y10, Y10")
	p("VADDPS Y10, Y8, Y8")
	p("VFMADD231PS (R8), Y8, Y12")
	p("VBROADCASTSS (R11), Y13")
	p("VMOVUPS (R9), Y7")
	p("VFNMADD231PS Y7, Y13, Y12")
	p("ADDQ $64, R8")
	p("ADDQ $64, R9")
	p("ADDQ $4, R11")
	p("DECQ CX")
	p("JNZ nbf2_block")
	label("nbf2_done")
	p("VMOVUPS Y12, (DI)")
	p("VZEROUPPER")
	p("RET")
}

// nbitsI8VNNI512: int8 path (A quantized per block), VPDPBUSD zmm with the
// nibbles as the unsigned operand and A broadcast from memory.
func nbitsI8VNNI512() {
	comment("func nbitsKernI8VNNI512" + nbitsSig)
	comment("Requires: AVX512F, AVX512BW, AVX512_VNNI. Int8 path, 16 columns.")
	header("nbitsKernI8VNNI512", "", 72)
	nbitsArgs()
	p("MOVL $0x0f0f0f0f, DX")
	p("VPBROADCASTD DX, Z30")
	p("VPXORD Z20, Z20, Z20") // out
	p("TESTQ CX, CX")
	p("JZ nbi512_done")
	label("nbi512_block")
	for i := 0; i < 4; i++ {
		p("VPXORD Z%d, Z%d, Z%d", 10+i, 10+i, 10+i)
	}
	p("MOVQ R12, DX")
	p("SHRQ $1, DX") // two octets per iteration (bs >= 16)
	label("nbi512_oct")
	for u := 0; u < 2; u++ {
		p("VMOVDQU32 %d(BX), Z%d", 64*u, 4*u)
		p("VPANDD Z30, Z%d, Z%d", 4*u, 4*u+1)
		p("VPSRLW $4, Z%d, Z%d", 4*u, 4*u+2)
		p("VPANDD Z30, Z%d, Z%d", 4*u+2, 4*u+2)
		p("VPDPBUSD.BCST %d(AX), Z%d, Z%d", 8*u, 4*u+1, 10+2*u)
		p("VPDPBUSD.BCST %d(AX), Z%d, Z%d", 8*u+4, 4*u+2, 11+2*u)
	}
	p("ADDQ $128, BX")
	p("ADDQ $16, AX")
	p("DECQ DX")
	p("JNZ nbi512_oct")
	p("VPADDD Z11, Z10, Z10")
	p("VPADDD Z13, Z12, Z12")
	p("VPADDD Z12, Z10, Z10")
	p("VCVTDQ2PS Z10, Z10")
	p("VMULPS.BCST (R10), Z10, Z10")
	p("VFMADD231PS (R8), Z10, Z20")
	p("VBROADCASTSS (R11), Z21")
	p("VFNMADD231PS (R9), Z21, Z20")
	p("ADDQ $64, R8")
	p("ADDQ $64, R9")
	p("ADDQ $4, R10")
	p("ADDQ $4, R11")
	p("DECQ CX")
	p("JNZ nbi512_block")
	label("nbi512_done")
	p("VMOVUPS Z20, (DI)")
	p("VZEROUPPER")
	p("RET")
}

func genNBits() {
	buf.Reset()
	buf.WriteString("// Code generated by command: go run . (linalg/_genq). DO NOT EDIT.\n\n//go:build !purego\n\n#include \"textflag.h\"\n")
	nbitsF32AVX512()
	nbitsF32AVX2()
	nbitsI8VNNI512()
	_ = fmt.Sprint
}
