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

// func r18FillRows2AVX512(dst, src *float32, rows, chunks, pw, x0, right0, sstride, m1, m2 int, idx *int32)
//
// r18FillRows2Generic: per row the left zeros (m1 bits 0-15), chunks
// blocks of 16 even values gathered from 32 by VPERMI2PS (idx: 0, 2, ..,
// 30), a last block of 1 to 16 with masked loads (m2 bits 0-15, 16-31)
// and store (m2 bits 32-47), then the right zeros at right0 (m1 bits
// 16-31). Requires AVX512F.
TEXT ·r18FillRows2AVX512(SB), NOSPLIT, $0-88
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    rows+16(FP), CX
	MOVQ    chunks+24(FP), R8
	MOVQ    pw+32(FP), R9
	MOVQ    x0+40(FP), R10
	MOVQ    right0+48(FP), R14
	MOVQ    idx+80(FP), DX
	VMOVUPS (DX), Z30
	MOVQ    sstride+56(FP), AX
	MOVQ    m1+64(FP), BX
	KMOVW   BX, K1
	SHRQ    $16, BX
	KMOVW   BX, K2
	MOVQ    m2+72(FP), BX
	KMOVW   BX, K3
	SHRQ    $16, BX
	KMOVW   BX, K4
	SHRQ    $16, BX
	KMOVW   BX, K5
	VXORPS  Z0, Z0, Z0
	SHLQ    $2, R9
	SHLQ    $2, R10
	SHLQ    $2, R14
	SHLQ    $2, AX

row2:
	TESTQ   CX, CX
	JZ      done2
	VMOVUPS Z0, K1, (DI)
	LEAQ    (DI)(R10*1), R13
	MOVQ    SI, R11
	MOVQ    R8, R12

chunk2:
	TESTQ     R12, R12
	JZ        tail2
	VMOVUPS   (R11), Z1
	VMOVUPS   64(R11), Z2
	VMOVAPS   Z30, Z3
	VPERMI2PS Z2, Z1, Z3
	VMOVUPS   Z3, (R13)
	ADDQ      $128, R11
	ADDQ      $64, R13
	DECQ      R12
	JMP       chunk2

tail2:
	VMOVUPS.Z (R11), K3, Z1
	VMOVUPS.Z 64(R11), K4, Z2
	VMOVAPS   Z30, Z3
	VPERMI2PS Z2, Z1, Z3
	VMOVUPS   Z3, K5, (R13)
	VMOVUPS   Z0, K2, (DI)(R14*1)
	ADDQ      AX, SI
	ADDQ      R9, DI
	DECQ      CX
	JMP       row2

done2:
	VZEROUPPER
	RET
