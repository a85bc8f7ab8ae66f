//go:build !purego

#include "textflag.h"

// func r18FillRowsAVX512(dst, src *float32, rows, iw, pw, x0, masks int)
//
// r18FillRowsGeneric for x0 <= 16 and pw-x0-iw <= 16: per row a masked
// store of the left zeros (masks bits 0-15), iw values in 16-lane chunks
// and a masked tail (bits 32-47), then a masked store of the right zeros
// (bits 16-31). Requires AVX512F.
TEXT ·r18FillRowsAVX512(SB), NOSPLIT, $0-56
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  rows+16(FP), CX
	MOVQ  iw+24(FP), R8
	MOVQ  pw+32(FP), R9
	MOVQ  x0+40(FP), R10
	MOVQ  masks+48(FP), BX
	KMOVW BX, K1
	SHRQ  $16, BX
	KMOVW BX, K2
	SHRQ  $16, BX
	KMOVW BX, K3
	VXORPS Z0, Z0, Z0
	SHLQ  $2, R8
	SHLQ  $2, R9
	SHLQ  $2, R10

row:
	TESTQ CX, CX
	JZ    done
	VMOVUPS Z0, K1, (DI)
	LEAQ  (DI)(R10*1), R13
	XORQ  R11, R11

chunk:
	LEAQ    64(R11), R12
	CMPQ    R12, R8
	JG      tail
	VMOVUPS (SI)(R11*1), Z1
	VMOVUPS Z1, (R13)(R11*1)
	MOVQ    R12, R11
	JMP     chunk

tail:
	VMOVUPS.Z (SI)(R11*1), K3, Z1
	VMOVUPS   Z1, K3, (R13)(R11*1)
	LEAQ      (R13)(R8*1), R13
	VMOVUPS   Z0, K2, (R13)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JMP       row

done:
	VZEROUPPER
	RET
