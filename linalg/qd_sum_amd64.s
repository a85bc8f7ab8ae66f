//go:build !purego

#include "textflag.h"

// func qdSumU8K512(x *uint8, n int) uint64
TEXT ·qdSumU8K512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VPXORQ Z0, Z0, Z0 // zero
	VPXORQ Z1, Z1, Z1 // 8 qword sums
	VPXORQ Z2, Z2, Z2

loop128:
	CMPQ CX, $128
	JL   loop64
	VPSADBW (SI), Z0, Z3
	VPSADBW 64(SI), Z0, Z4
	VPADDQ  Z3, Z1, Z1
	VPADDQ  Z4, Z2, Z2
	ADDQ $128, SI
	SUBQ $128, CX
	JMP  loop128

loop64:
	CMPQ CX, $64
	JL   reduce
	VPSADBW (SI), Z0, Z3
	VPADDQ  Z3, Z1, Z1
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  loop64

reduce:
	VPADDQ        Z2, Z1, Z1
	VEXTRACTI64X4 $1, Z1, Y2
	VPADDQ        Y2, Y1, Y1
	VEXTRACTI128  $1, Y1, X2
	VPADDQ        X2, X1, X1
	VPSHUFD       $0x4E, X1, X2
	VPADDQ        X2, X1, X1
	VMOVQ         X1, AX
	MOVQ AX, ret+16(FP)
	VZEROUPPER
	RET
