// Hand-written depthwise kernels; see dwk_plan.go for what they compute
// and dwk_amd64.go for their contracts.

//go:build !purego

#include "textflag.h"

DATA dwkEvenIdx<>+0(SB)/4, $0
DATA dwkEvenIdx<>+4(SB)/4, $2
DATA dwkEvenIdx<>+8(SB)/4, $4
DATA dwkEvenIdx<>+12(SB)/4, $6
DATA dwkEvenIdx<>+16(SB)/4, $8
DATA dwkEvenIdx<>+20(SB)/4, $10
DATA dwkEvenIdx<>+24(SB)/4, $12
DATA dwkEvenIdx<>+28(SB)/4, $14
DATA dwkEvenIdx<>+32(SB)/4, $16
DATA dwkEvenIdx<>+36(SB)/4, $18
DATA dwkEvenIdx<>+40(SB)/4, $20
DATA dwkEvenIdx<>+44(SB)/4, $22
DATA dwkEvenIdx<>+48(SB)/4, $24
DATA dwkEvenIdx<>+52(SB)/4, $26
DATA dwkEvenIdx<>+56(SB)/4, $28
DATA dwkEvenIdx<>+60(SB)/4, $30
GLOBL dwkEvenIdx<>(SB), RODATA|NOPTR, $64

DATA dwkOddIdx<>+0(SB)/4, $1
DATA dwkOddIdx<>+4(SB)/4, $3
DATA dwkOddIdx<>+8(SB)/4, $5
DATA dwkOddIdx<>+12(SB)/4, $7
DATA dwkOddIdx<>+16(SB)/4, $9
DATA dwkOddIdx<>+20(SB)/4, $11
DATA dwkOddIdx<>+24(SB)/4, $13
DATA dwkOddIdx<>+28(SB)/4, $15
DATA dwkOddIdx<>+32(SB)/4, $17
DATA dwkOddIdx<>+36(SB)/4, $19
DATA dwkOddIdx<>+40(SB)/4, $21
DATA dwkOddIdx<>+44(SB)/4, $23
DATA dwkOddIdx<>+48(SB)/4, $25
DATA dwkOddIdx<>+52(SB)/4, $27
DATA dwkOddIdx<>+56(SB)/4, $29
DATA dwkOddIdx<>+60(SB)/4, $31
GLOBL dwkOddIdx<>(SB), RODATA|NOPTR, $64

// HardSwish constants: float32(1/6), 1/2, 1.
DATA dwkHS<>+0(SB)/4, $0x3e2aaaab
DATA dwkHS<>+4(SB)/4, $0x3f000000
DATA dwkHS<>+8(SB)/4, $0x3f800000
GLOBL dwkHS<>(SB), RODATA|NOPTR, $12

// func dwkConvAVX512(v *float32, n int, buf *float32, offs *int, ws *float32, ntaps int, bias, lo, hi float32, hs int)
TEXT ·dwkConvAVX512(SB), NOSPLIT, $0-72
	MOVQ         v+0(FP), DI
	MOVQ         n+8(FP), CX
	MOVQ         buf+16(FP), SI
	MOVQ         offs+24(FP), R8
	MOVQ         ws+32(FP), R9
	MOVQ         ntaps+40(FP), R10
	VBROADCASTSS bias+48(FP), Z28
	VBROADCASTSS lo+52(FP), Z29
	VBROADCASTSS hi+56(FP), Z30
	MOVQ         hs+64(FP), R13
	VBROADCASTSS dwkHS<>+0(SB), Z24
	VBROADCASTSS dwkHS<>+4(SB), Z25
	VPXORD       Z26, Z26, Z26
	VBROADCASTSS dwkHS<>+8(SB), Z27

// Blocks of 128 outputs first: 8 accumulators hide the FMA latency that
// 4 (one tap's FMAs waiting on the previous tap's) leave exposed.
dwkConvAVX512_big:
	CMPQ CX, $128
	JLT  dwkConvAVX512_small
	VMOVAPS Z28, Z0
	VMOVAPS Z28, Z1
	VMOVAPS Z28, Z2
	VMOVAPS Z28, Z3
	VMOVAPS Z28, Z4
	VMOVAPS Z28, Z5
	VMOVAPS Z28, Z6
	VMOVAPS Z28, Z7
	XORQ    R11, R11

dwkConvAVX512_bigtap:
	MOVQ         (R8)(R11*8), R12
	LEAQ         (SI)(R12*4), R12
	VBROADCASTSS (R9)(R11*4), Z31
	VFMADD231PS  (R12), Z31, Z0
	VFMADD231PS  64(R12), Z31, Z1
	VFMADD231PS  128(R12), Z31, Z2
	VFMADD231PS  192(R12), Z31, Z3
	VFMADD231PS  256(R12), Z31, Z4
	VFMADD231PS  320(R12), Z31, Z5
	VFMADD231PS  384(R12), Z31, Z6
	VFMADD231PS  448(R12), Z31, Z7
	INCQ         R11
	CMPQ         R11, R10
	JLT          dwkConvAVX512_bigtap
	VMAXPS       Z0, Z29, Z0
	VMAXPS       Z1, Z29, Z1
	VMAXPS       Z2, Z29, Z2
	VMAXPS       Z3, Z29, Z3
	VMAXPS       Z4, Z29, Z4
	VMAXPS       Z5, Z29, Z5
	VMAXPS       Z6, Z29, Z6
	VMAXPS       Z7, Z29, Z7
	VMINPS       Z0, Z30, Z0
	VMINPS       Z1, Z30, Z1
	VMINPS       Z2, Z30, Z2
	VMINPS       Z3, Z30, Z3
	VMINPS       Z4, Z30, Z4
	VMINPS       Z5, Z30, Z5
	VMINPS       Z6, Z30, Z6
	VMINPS       Z7, Z30, Z7
	TESTQ        R13, R13
	JZ           dwkConvAVX512_bigstore
	VMULPS       Z24, Z0, Z20
	VADDPS       Z25, Z20, Z20
	VMAXPS       Z20, Z26, Z20
	VMINPS       Z20, Z27, Z20
	VMULPS       Z20, Z0, Z0
	VMULPS       Z24, Z1, Z21
	VADDPS       Z25, Z21, Z21
	VMAXPS       Z21, Z26, Z21
	VMINPS       Z21, Z27, Z21
	VMULPS       Z21, Z1, Z1
	VMULPS       Z24, Z2, Z22
	VADDPS       Z25, Z22, Z22
	VMAXPS       Z22, Z26, Z22
	VMINPS       Z22, Z27, Z22
	VMULPS       Z22, Z2, Z2
	VMULPS       Z24, Z3, Z23
	VADDPS       Z25, Z23, Z23
	VMAXPS       Z23, Z26, Z23
	VMINPS       Z23, Z27, Z23
	VMULPS       Z23, Z3, Z3
	VMULPS       Z24, Z4, Z20
	VADDPS       Z25, Z20, Z20
	VMAXPS       Z20, Z26, Z20
	VMINPS       Z20, Z27, Z20
	VMULPS       Z20, Z4, Z4
	VMULPS       Z24, Z5, Z21
	VADDPS       Z25, Z21, Z21
	VMAXPS       Z21, Z26, Z21
	VMINPS       Z21, Z27, Z21
	VMULPS       Z21, Z5, Z5
	VMULPS       Z24, Z6, Z22
	VADDPS       Z25, Z22, Z22
	VMAXPS       Z22, Z26, Z22
	VMINPS       Z22, Z27, Z22
	VMULPS       Z22, Z6, Z6
	VMULPS       Z24, Z7, Z23
	VADDPS       Z25, Z23, Z23
	VMAXPS       Z23, Z26, Z23
	VMINPS       Z23, Z27, Z23
	VMULPS       Z23, Z7, Z7

dwkConvAVX512_bigstore:
	VMOVUPS      Z0, (DI)
	VMOVUPS      Z1, 64(DI)
	VMOVUPS      Z2, 128(DI)
	VMOVUPS      Z3, 192(DI)
	VMOVUPS      Z4, 256(DI)
	VMOVUPS      Z5, 320(DI)
	VMOVUPS      Z6, 384(DI)
	VMOVUPS      Z7, 448(DI)
	ADDQ         $512, DI
	ADDQ         $512, SI
	SUBQ         $128, CX
	JMP          dwkConvAVX512_big

dwkConvAVX512_small:
	TESTQ        CX, CX
	JZ           dwkConvAVX512_done

dwkConvAVX512_block:
	VMOVAPS Z28, Z0
	VMOVAPS Z28, Z1
	VMOVAPS Z28, Z2
	VMOVAPS Z28, Z3
	XORQ    R11, R11

dwkConvAVX512_tap:
	MOVQ         (R8)(R11*8), R12
	LEAQ         (SI)(R12*4), R12
	VBROADCASTSS (R9)(R11*4), Z31
	VFMADD231PS  (R12), Z31, Z0
	VFMADD231PS  64(R12), Z31, Z1
	VFMADD231PS  128(R12), Z31, Z2
	VFMADD231PS  192(R12), Z31, Z3
	INCQ         R11
	CMPQ         R11, R10
	JLT          dwkConvAVX512_tap
	VMAXPS       Z0, Z29, Z0
	VMAXPS       Z1, Z29, Z1
	VMAXPS       Z2, Z29, Z2
	VMAXPS       Z3, Z29, Z3
	VMINPS       Z0, Z30, Z0
	VMINPS       Z1, Z30, Z1
	VMINPS       Z2, Z30, Z2
	VMINPS       Z3, Z30, Z3
	TESTQ        R13, R13
	JZ           dwkConvAVX512_store
	VMULPS       Z24, Z0, Z20
	VADDPS       Z25, Z20, Z20
	VMAXPS       Z20, Z26, Z20
	VMINPS       Z20, Z27, Z20
	VMULPS       Z20, Z0, Z0
	VMULPS       Z24, Z1, Z21
	VADDPS       Z25, Z21, Z21
	VMAXPS       Z21, Z26, Z21
	VMINPS       Z21, Z27, Z21
	VMULPS       Z21, Z1, Z1
	VMULPS       Z24, Z2, Z22
	VADDPS       Z25, Z22, Z22
	VMAXPS       Z22, Z26, Z22
	VMINPS       Z22, Z27, Z22
	VMULPS       Z22, Z2, Z2
	VMULPS       Z24, Z3, Z23
	VADDPS       Z25, Z23, Z23
	VMAXPS       Z23, Z26, Z23
	VMINPS       Z23, Z27, Z23
	VMULPS       Z23, Z3, Z3

dwkConvAVX512_store:
	VMOVUPS      Z0, (DI)
	VMOVUPS      Z1, 64(DI)
	VMOVUPS      Z2, 128(DI)
	VMOVUPS      Z3, 192(DI)
	ADDQ         $256, DI
	ADDQ         $256, SI
	SUBQ         $64, CX
	JNZ          dwkConvAVX512_block

dwkConvAVX512_done:
	VZEROUPPER
	RET

// func dwkConvAVX2(v *float32, n int, buf *float32, offs *int, ws *float32, ntaps int, bias, lo, hi float32, hs int)
TEXT ·dwkConvAVX2(SB), NOSPLIT, $0-72
	MOVQ         v+0(FP), DI
	MOVQ         n+8(FP), CX
	MOVQ         buf+16(FP), SI
	MOVQ         offs+24(FP), R8
	MOVQ         ws+32(FP), R9
	MOVQ         ntaps+40(FP), R10
	VBROADCASTSS bias+48(FP), Y12
	VBROADCASTSS lo+52(FP), Y13
	VBROADCASTSS hi+56(FP), Y14
	MOVQ         hs+64(FP), R13
	VBROADCASTSS dwkHS<>+0(SB), Y8
	VBROADCASTSS dwkHS<>+4(SB), Y9
	VXORPS       Y10, Y10, Y10
	VBROADCASTSS dwkHS<>+8(SB), Y11

dwkConvAVX2_block:
	VMOVAPS Y12, Y0
	VMOVAPS Y12, Y1
	VMOVAPS Y12, Y2
	VMOVAPS Y12, Y3
	XORQ    R11, R11

dwkConvAVX2_tap:
	MOVQ         (R8)(R11*8), R12
	LEAQ         (SI)(R12*4), R12
	VBROADCASTSS (R9)(R11*4), Y15
	VFMADD231PS  (R12), Y15, Y0
	VFMADD231PS  32(R12), Y15, Y1
	VFMADD231PS  64(R12), Y15, Y2
	VFMADD231PS  96(R12), Y15, Y3
	INCQ         R11
	CMPQ         R11, R10
	JLT          dwkConvAVX2_tap
	VMAXPS       Y0, Y13, Y0
	VMAXPS       Y1, Y13, Y1
	VMAXPS       Y2, Y13, Y2
	VMAXPS       Y3, Y13, Y3
	VMINPS       Y0, Y14, Y0
	VMINPS       Y1, Y14, Y1
	VMINPS       Y2, Y14, Y2
	VMINPS       Y3, Y14, Y3
	TESTQ        R13, R13
	JZ           dwkConvAVX2_store
	VMULPS       Y8, Y0, Y4
	VADDPS       Y9, Y4, Y4
	VMAXPS       Y4, Y10, Y4
	VMINPS       Y4, Y11, Y4
	VMULPS       Y4, Y0, Y0
	VMULPS       Y8, Y1, Y5
	VADDPS       Y9, Y5, Y5
	VMAXPS       Y5, Y10, Y5
	VMINPS       Y5, Y11, Y5
	VMULPS       Y5, Y1, Y1
	VMULPS       Y8, Y2, Y6
	VADDPS       Y9, Y6, Y6
	VMAXPS       Y6, Y10, Y6
	VMINPS       Y6, Y11, Y6
	VMULPS       Y6, Y2, Y2
	VMULPS       Y8, Y3, Y7
	VADDPS       Y9, Y7, Y7
	VMAXPS       Y7, Y10, Y7
	VMINPS       Y7, Y11, Y7
	VMULPS       Y7, Y3, Y3

dwkConvAVX2_store:
	VMOVUPS      Y0, (DI)
	VMOVUPS      Y1, 32(DI)
	VMOVUPS      Y2, 64(DI)
	VMOVUPS      Y3, 96(DI)
	ADDQ         $128, DI
	ADDQ         $128, SI
	SUBQ         $32, CX
	JNZ          dwkConvAVX2_block
	VZEROUPPER
	RET

// func dwkEvenAVX512(dst, src *float32, n int)
TEXT ·dwkEvenAVX512(SB), NOSPLIT, $0-24
	MOVQ      dst+0(FP), DI
	MOVQ      src+8(FP), SI
	MOVQ      n+16(FP), CX
	VMOVDQU32 dwkEvenIdx<>(SB), Z2

dwkEvenAVX512_loop:
	VMOVUPS   (SI), Z0
	VPERMT2PS 64(SI), Z2, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       dwkEvenAVX512_loop
	VZEROUPPER
	RET

// func dwkEvenAVX2(dst, src *float32, n int)
TEXT ·dwkEvenAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

dwkEvenAVX2_loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2
	VPERMPD $0xd8, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JNZ     dwkEvenAVX2_loop
	VZEROUPPER
	RET

// func dwkLoadQAVX512(dst *float32, src *byte, n int, zp int32, signed bool)
TEXT ·dwkLoadQAVX512(SB), NOSPLIT, $0-29
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS zp+24(FP), Z1
	CMPB         signed+28(FP), $0
	JNE          dwkLoadQAVX512_s

dwkLoadQAVX512_u:
	VPMOVZXBD (SI), Z0
	VPSUBD    Z1, Z0, Z0
	VCVTDQ2PS Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $16, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       dwkLoadQAVX512_u
	VZEROUPPER
	RET

dwkLoadQAVX512_s:
	VPMOVSXBD (SI), Z0
	VPSUBD    Z1, Z0, Z0
	VCVTDQ2PS Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $16, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       dwkLoadQAVX512_s
	VZEROUPPER
	RET

// func dwkLoadQAVX2(dst *float32, src *byte, n int, zp int32, signed bool)
TEXT ·dwkLoadQAVX2(SB), NOSPLIT, $0-29
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS zp+24(FP), Y1
	CMPB         signed+28(FP), $0
	JNE          dwkLoadQAVX2_s

dwkLoadQAVX2_u:
	VPMOVZXBD (SI), Y0
	VPSUBD    Y1, Y0, Y0
	VCVTDQ2PS Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $8, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JNZ       dwkLoadQAVX2_u
	VZEROUPPER
	RET

dwkLoadQAVX2_s:
	VPMOVSXBD (SI), Y0
	VPSUBD    Y1, Y0, Y0
	VCVTDQ2PS Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $8, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JNZ       dwkLoadQAVX2_s
	VZEROUPPER
	RET

// func dwkRequantAVX512(dst *byte, v *float32, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool)
TEXT ·dwkRequantAVX512(SB), NOSPLIT, $0-45
	MOVQ         dst+0(FP), DI
	MOVQ         v+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS bias+24(FP), Z1
	VBROADCASTSS mult+28(FP), Z2
	VBROADCASTSS flo+32(FP), Z3
	VBROADCASTSS fhi+36(FP), Z4
	VBROADCASTSS zp+40(FP), Z5

	// Values are in range already: truncating to bytes is exact for both
	// signednesses.
dwkRequantAVX512_loop:
	VCVTTPS2DQ (SI), Z0
	VPADDD     Z1, Z0, Z0
	VCVTDQ2PS  Z0, Z0
	VMULPS     Z2, Z0, Z0
	VMAXPS     Z0, Z3, Z0
	VMINPS     Z0, Z4, Z0
	VCVTPS2DQ  Z0, Z0
	VPADDD     Z5, Z0, Z0
	VPMOVDB    Z0, (DI)
	ADDQ       $64, SI
	ADDQ       $16, DI
	SUBQ       $16, CX
	JNZ        dwkRequantAVX512_loop
	VZEROUPPER
	RET

// func dwkRequantAVX2(dst *byte, v *float32, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool)
TEXT ·dwkRequantAVX2(SB), NOSPLIT, $0-45
	MOVQ         dst+0(FP), DI
	MOVQ         v+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS bias+24(FP), Y1
	VBROADCASTSS mult+28(FP), Y2
	VBROADCASTSS flo+32(FP), Y3
	VBROADCASTSS fhi+36(FP), Y4
	VBROADCASTSS zp+40(FP), Y5
	CMPB         signed+44(FP), $0
	JNE          dwkRequantAVX2_s

dwkRequantAVX2_u:
	VCVTTPS2DQ (SI), Y0
	VPADDD     Y1, Y0, Y0
	VCVTDQ2PS  Y0, Y0
	VMULPS     Y2, Y0, Y0
	VMAXPS     Y0, Y3, Y0
	VMINPS     Y0, Y4, Y0
	VCVTPS2DQ  Y0, Y0
	VPADDD     Y5, Y0, Y0
	VEXTRACTI128 $1, Y0, X6
	VPACKSSDW    X6, X0, X0
	VPACKUSWB    X0, X0, X0
	MOVQ         X0, (DI)
	ADDQ         $32, SI
	ADDQ         $8, DI
	SUBQ         $8, CX
	JNZ          dwkRequantAVX2_u
	VZEROUPPER
	RET

dwkRequantAVX2_s:
	VCVTTPS2DQ (SI), Y0
	VPADDD     Y1, Y0, Y0
	VCVTDQ2PS  Y0, Y0
	VMULPS     Y2, Y0, Y0
	VMAXPS     Y0, Y3, Y0
	VMINPS     Y0, Y4, Y0
	VCVTPS2DQ  Y0, Y0
	VPADDD     Y5, Y0, Y0
	VEXTRACTI128 $1, Y0, X6
	VPACKSSDW    X6, X0, X0
	VPACKSSWB    X0, X0, X0
	MOVQ         X0, (DI)
	ADDQ         $32, SI
	ADDQ         $8, DI
	SUBQ         $8, CX
	JNZ          dwkRequantAVX2_s
	VZEROUPPER
	RET

// Masks for a tail of 0 < BX < 16 lanes: K = (1<<BX)-1.
#define TAILMASK(cnt, k) \
	MOVQ  cnt, CX \
	MOVL  $1, AX  \
	SHLL  CX, AX  \
	DECL  AX      \
	KMOVW AX, k

// func dwkCopyRowsAVX512(dst *float32, ds int, src *float32, ss int, rows int, n int)
TEXT ·dwkCopyRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), R11
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R12
	MOVQ rows+32(FP), DX
	SHLQ $2, R11
	SHLQ $2, R12

dwkCopyRowsAVX512_row:
	MOVQ DI, R8
	MOVQ SI, R9
	MOVQ n+40(FP), BX
	LEAQ (SI)(R12*8), AX
	MOVQ BX, CX
	SHLQ $2, CX

dwkCopyRowsAVX512_pf:
	PREFETCHT0 (AX)
	ADDQ       $64, AX
	SUBQ       $64, CX
	JG         dwkCopyRowsAVX512_pf

dwkCopyRowsAVX512_col:
	CMPQ    BX, $16
	JLT     dwkCopyRowsAVX512_tail
	VMOVUPS (R9), Z0
	VMOVUPS Z0, (R8)
	ADDQ    $64, R9
	ADDQ    $64, R8
	SUBQ    $16, BX
	JMP     dwkCopyRowsAVX512_col

dwkCopyRowsAVX512_tail:
	TESTQ     BX, BX
	JZ        dwkCopyRowsAVX512_next
	// A row of 16 or more ends with one whole vector overlapping the
	// previous one; shorter rows use a mask.
	MOVQ      n+40(FP), AX
	CMPQ      AX, $16
	JLT       dwkCopyRowsAVX512_mask
	MOVQ      $16, AX
	SUBQ      BX, AX
	SHLQ      $2, AX
	SUBQ      AX, R9
	SUBQ      AX, R8
	MOVQ      $16, BX
	JMP       dwkCopyRowsAVX512_col

dwkCopyRowsAVX512_mask:
	TAILMASK(BX, K1)
	VMOVUPS.Z (R9), K1, Z0
	VMOVUPS   Z0, K1, (R8)

dwkCopyRowsAVX512_next:
	ADDQ R11, DI
	ADDQ R12, SI
	DECQ DX
	JNZ  dwkCopyRowsAVX512_row
	VZEROUPPER
	RET

// func dwkSplitRowsAVX512(dA *float32, dB *float32, ds int, src *float32, ss int, rows int, n int)
TEXT ·dwkSplitRowsAVX512(SB), NOSPLIT, $0-56
	MOVQ      dA+0(FP), DI
	MOVQ      dB+8(FP), R10
	MOVQ      ds+16(FP), R11
	MOVQ      src+24(FP), SI
	MOVQ      ss+32(FP), R12
	MOVQ      rows+40(FP), DX
	SHLQ      $2, R11
	SHLQ      $2, R12
	VMOVDQU32 dwkEvenIdx<>(SB), Z6
	VMOVDQU32 dwkOddIdx<>(SB), Z7

dwkSplitRowsAVX512_row:
	MOVQ DI, R8
	MOVQ R10, R13
	MOVQ SI, R9
	MOVQ n+48(FP), BX
	// Rows come from memory at a stride the hardware prefetcher may not
	// follow far enough ahead of DRAM latency: fetch the row eight steps
	// ahead.
	LEAQ (SI)(R12*8), AX
	MOVQ BX, CX
	SHLQ $2, CX

dwkSplitRowsAVX512_pf:
	PREFETCHT0 (AX)
	ADDQ       $64, AX
	SUBQ       $64, CX
	JG         dwkSplitRowsAVX512_pf

dwkSplitRowsAVX512_col:
	CMPQ      BX, $32
	JLT       dwkSplitRowsAVX512_tail
	VMOVUPS   (R9), Z0
	VMOVUPS   64(R9), Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z6, Z2
	VPERMT2PS Z1, Z7, Z0
	VMOVUPS   Z2, (R8)
	VMOVUPS   Z0, (R13)
	ADDQ      $128, R9
	ADDQ      $64, R8
	ADDQ      $64, R13
	SUBQ      $32, BX
	JMP       dwkSplitRowsAVX512_col

dwkSplitRowsAVX512_tail:
	TESTQ BX, BX
	JZ    dwkSplitRowsAVX512_next
	// An even row of 32 or more ends with one whole step overlapping the
	// previous one (BX is even, so the parities line up); other rows use
	// masks.
	MOVQ  n+48(FP), AX
	CMPQ  AX, $32
	JLT   dwkSplitRowsAVX512_mask
	TESTQ $1, AX
	JNZ   dwkSplitRowsAVX512_mask
	MOVQ  $32, AX
	SUBQ  BX, AX
	SHLQ  $2, AX
	SUBQ  AX, R9
	SHRQ  $1, AX
	SUBQ  AX, R8
	SUBQ  AX, R13
	MOVQ  $32, BX
	JMP   dwkSplitRowsAVX512_col

dwkSplitRowsAVX512_mask:
	// Loads: min(BX,16) lanes, then BX-16 (K2 = 0 when BX <= 16).
	MOVQ  BX, R14
	CMPQ  R14, $16
	JLE   dwkSplitRowsAVX512_lo
	MOVQ  $16, R14

dwkSplitRowsAVX512_lo:
	MOVQ  BX, R15
	SUBQ  R14, R15
	CMPQ  R14, $16
	JEQ   dwkSplitRowsAVX512_full
	TAILMASK(R14, K1)
	JMP   dwkSplitRowsAVX512_hi

dwkSplitRowsAVX512_full:
	KXNORW K1, K1, K1

dwkSplitRowsAVX512_hi:
	TAILMASK(R15, K2)
	VMOVUPS.Z (R9), K1, Z0
	VMOVUPS.Z 64(R9), K2, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z6, Z2
	VPERMT2PS Z1, Z7, Z0
	// Stores: ceil(BX/2) even lanes, floor(BX/2) odd lanes.
	MOVQ      BX, R14
	INCQ      R14
	SHRQ      $1, R14
	TAILMASK(R14, K3)
	MOVQ      BX, R15
	SHRQ      $1, R15
	TAILMASK(R15, K4)
	VMOVUPS   Z2, K3, (R8)
	VMOVUPS   Z0, K4, (R13)

dwkSplitRowsAVX512_next:
	ADDQ R11, DI
	ADDQ R11, R10
	ADDQ R12, SI
	DECQ DX
	JNZ  dwkSplitRowsAVX512_row
	VZEROUPPER
	RET

// func dwkRequantRowsAVX512(dst *byte, ds int, v *float32, ss int, rows int, n int, bias int32, mult float32, flo float32, fhi float32, zp int32)
TEXT ·dwkRequantRowsAVX512(SB), NOSPLIT, $0-68
	MOVQ         dst+0(FP), DI
	MOVQ         ds+8(FP), R11
	MOVQ         v+16(FP), SI
	MOVQ         ss+24(FP), R12
	MOVQ         rows+32(FP), DX
	SHLQ         $2, R12
	VBROADCASTSS bias+48(FP), Z1
	VBROADCASTSS mult+52(FP), Z2
	VBROADCASTSS flo+56(FP), Z3
	VBROADCASTSS fhi+60(FP), Z4
	VBROADCASTSS zp+64(FP), Z5

dwkRequantRowsAVX512_row:
	MOVQ DI, R8
	MOVQ SI, R9
	MOVQ n+40(FP), BX

dwkRequantRowsAVX512_col:
	CMPQ       BX, $16
	JLT        dwkRequantRowsAVX512_tail
	VCVTTPS2DQ (R9), Z0
	VPADDD     Z1, Z0, Z0
	VCVTDQ2PS  Z0, Z0
	VMULPS     Z2, Z0, Z0
	VMAXPS     Z0, Z3, Z0
	VMINPS     Z0, Z4, Z0
	VCVTPS2DQ  Z0, Z0
	VPADDD     Z5, Z0, Z0
	VPMOVDB    Z0, (R8)
	ADDQ       $64, R9
	ADDQ       $16, R8
	SUBQ       $16, BX
	JMP        dwkRequantRowsAVX512_col

dwkRequantRowsAVX512_tail:
	TESTQ      BX, BX
	JZ         dwkRequantRowsAVX512_next
	MOVQ       n+40(FP), AX
	CMPQ       AX, $16
	JLT        dwkRequantRowsAVX512_mask
	MOVQ       $16, AX
	SUBQ       BX, AX
	SUBQ       AX, R8
	SHLQ       $2, AX
	SUBQ       AX, R9
	MOVQ       $16, BX
	JMP        dwkRequantRowsAVX512_col

dwkRequantRowsAVX512_mask:
	TAILMASK(BX, K1)
	VMOVUPS.Z  (R9), K1, Z0
	VCVTTPS2DQ Z0, Z0
	VPADDD     Z1, Z0, Z0
	VCVTDQ2PS  Z0, Z0
	VMULPS     Z2, Z0, Z0
	VMAXPS     Z0, Z3, Z0
	VMINPS     Z0, Z4, Z0
	VCVTPS2DQ  Z0, Z0
	VPADDD     Z5, Z0, Z0
	VPMOVDB    Z0, K1, (R8)

dwkRequantRowsAVX512_next:
	ADDQ R11, DI
	ADDQ R12, SI
	DECQ DX
	JNZ  dwkRequantRowsAVX512_row
	VZEROUPPER
	RET
