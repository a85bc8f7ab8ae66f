//go:build !purego

#include "textflag.h"

// func qdGather8K(dst, src *uint8, c *qdGChunk8, n int)
// qdGChunk8: off +0, lmask +8, smask +16, idx +24 (64 bytes); 88 bytes.
TEXT ·qdGather8K(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ c+16(FP), BX
	MOVQ n+24(FP), CX

loop:
	TESTQ CX, CX
	JZ    done
	MOVQ  0(BX), AX
	KMOVQ 8(BX), K1
	KMOVQ 16(BX), K2
	VMOVDQU8.Z (SI)(AX*1), K1, Z0
	VMOVDQU8   24(BX), Z1
	VPERMB     Z0, Z1, Z2
	VMOVDQU8   Z2, K2, (DI)
	ADDQ $88, BX
	ADDQ $64, DI
	DECQ CX
	JMP  loop

done:
	VZEROUPPER
	RET
