//go:build !purego

#include "textflag.h"

// func q8tGemvVNNI512(a, b *byte, steps int, c *int32, rfix, cfix *int32, flags int)
// One row of a qgemmKernVNNI512 tile: per k step s, the 4 u8 bytes of
// a at 4s are broadcast and VPDPBUSD multiplies them by the 128-byte step
// of b (32 columns × 4 s8), four steps on separate accumulators; then the
// fixups of flags and the 32 int32 sums are stored at c.
TEXT ·q8tGemvVNNI512(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	MOVQ steps+16(FP), CX
	MOVQ c+24(FP), DI
	MOVQ rfix+32(FP), R8
	MOVQ cfix+40(FP), R9
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	CMPQ CX, $4
	JLT gemv_tail
gemv_loop4:
	VPBROADCASTD 0(AX), Z16
	VPDPBUSD 0(BX), Z16, Z0
	VPDPBUSD 64(BX), Z16, Z1
	VPBROADCASTD 4(AX), Z17
	VPDPBUSD 128(BX), Z17, Z2
	VPDPBUSD 192(BX), Z17, Z3
	VPBROADCASTD 8(AX), Z18
	VPDPBUSD 256(BX), Z18, Z4
	VPDPBUSD 320(BX), Z18, Z5
	VPBROADCASTD 12(AX), Z19
	VPDPBUSD 384(BX), Z19, Z6
	VPDPBUSD 448(BX), Z19, Z7
	ADDQ $512, BX
	ADDQ $16, AX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE gemv_loop4
gemv_tail:
	TESTQ CX, CX
	JZ gemv_sum
gemv_loop1:
	VPBROADCASTD 0(AX), Z16
	VPDPBUSD 0(BX), Z16, Z0
	VPDPBUSD 64(BX), Z16, Z1
	ADDQ $128, BX
	ADDQ $4, AX
	DECQ CX
	JNZ gemv_loop1
gemv_sum:
	VPADDD Z2, Z0, Z0
	VPADDD Z4, Z0, Z0
	VPADDD Z6, Z0, Z0
	VPADDD Z3, Z1, Z1
	VPADDD Z5, Z1, Z1
	VPADDD Z7, Z1, Z1
	MOVQ flags+48(FP), DX
	BTQ $0, DX
	JCC gemv_fixb
	VPBROADCASTD 0(R8), Z18
	VPMULLD 0(R9), Z18, Z22
	VPMULLD 64(R9), Z18, Z23
	VPADDD Z22, Z0, Z0
	VPADDD Z23, Z1, Z1
gemv_fixb:
	BTQ $1, DX
	JCC gemv_store
	VPBROADCASTD 4(R8), Z19
	VPMULLD 128(R9), Z19, Z24
	VPMULLD 192(R9), Z19, Z25
	VPADDD Z24, Z0, Z0
	VPADDD Z25, Z1, Z1
gemv_store:
	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, 64(DI)
	VZEROUPPER
	RET
