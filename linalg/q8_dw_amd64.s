//go:build !purego

#include "textflag.h"

// func q8DWPlaneVBMI(y *byte, oh, ow int, src *byte, rowStep, grpStep int, offs *int, ws *int32, ntaps int, idx *byte, rowc int32, mult float32, zp int32, lo, hi float32)
// One depthwise plane over a padded u8 source: output row r, columns
// ow0..ow0+15 start their windows at src + r·rowStep + (ow0/16)·grpStep;
// each tap group i reads the 64 bytes at window + offs[i], VPERMB (idx)
// gives each column its 4 bytes, VPDPBUSD adds their products with the
// 4 s8 weights ws[i]. The int32 sums + rowc are requantized (finite
// mult) and stored, masked at the row end.
TEXT ·q8DWPlaneVBMI(SB), NOSPLIT, $0-100
	MOVQ y+0(FP), DI
	MOVQ oh+8(FP), R8
	MOVQ src+24(FP), SI
	MOVQ offs+48(FP), R12
	MOVQ ws+56(FP), R13
	MOVQ idx+72(FP), AX
	VMOVDQU8 (AX), Z9
	MOVL rowc+80(FP), AX
	VMOVD AX, X8
	VPBROADCASTD X8, Z8
	VBROADCASTSS mult+84(FP), Z7
	MOVL zp+88(FP), AX
	VMOVD AX, X6
	VPBROADCASTD X6, Z6
	VBROADCASTSS lo+92(FP), Z5
	VBROADCASTSS hi+96(FP), Z4
	// K1: the tail group's columns (all 16 when ow is a multiple of 16).
	MOVQ ow+16(FP), CX
	ANDQ $15, CX
	MOVL $0xffff, AX
	JZ dw_mask
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
dw_mask:
	KMOVW AX, K1
	MOVQ ntaps+64(FP), R14
	CMPQ R14, $3
	JNE dw_gen
	// Three tap groups (KW <= 4, KH = 3): weights and offsets in registers.
	VPBROADCASTD 0(R13), Z10
	VPBROADCASTD 4(R13), Z11
	VPBROADCASTD 8(R13), Z12
	MOVQ 0(R12), R9
	MOVQ 8(R12), R10
	MOVQ 16(R12), R11
	TESTQ R8, R8
	JZ dw_done
dw3_row:
	MOVQ SI, BX // window of the group
	XORQ DX, DX // ow0
	MOVQ ow+16(FP), R15
	SUBQ $16, R15 // groups with ow0 <= R15 are full
	JL dw3_tail
dw3_grp:
	VMOVDQA32 Z8, Z0
	VPERMB (BX)(R9*1), Z9, Z1
	VPERMB (BX)(R10*1), Z9, Z2
	VPERMB (BX)(R11*1), Z9, Z3
	VPDPBUSD Z10, Z1, Z0
	VPDPBUSD Z11, Z2, Z0
	VPDPBUSD Z12, Z3, Z0
	VCVTDQ2PS Z0, Z0
	VMULPS Z7, Z0, Z0
	VMAXPS Z5, Z0, Z0
	VMINPS Z4, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPADDD Z6, Z0, Z0
	VPMOVDB Z0, (DI)(DX*1)
	ADDQ grpStep+40(FP), BX
	ADDQ $16, DX
	CMPQ DX, R15
	JLE dw3_grp
dw3_tail:
	CMPQ DX, ow+16(FP)
	JGE dw3_next
	VMOVDQA32 Z8, Z0
	VPERMB (BX)(R9*1), Z9, Z1
	VPERMB (BX)(R10*1), Z9, Z2
	VPERMB (BX)(R11*1), Z9, Z3
	VPDPBUSD Z10, Z1, Z0
	VPDPBUSD Z11, Z2, Z0
	VPDPBUSD Z12, Z3, Z0
	VCVTDQ2PS Z0, Z0
	VMULPS Z7, Z0, Z0
	VMAXPS Z5, Z0, Z0
	VMINPS Z4, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPADDD Z6, Z0, Z0
	VPMOVDB Z0, K1, (DI)(DX*1)
dw3_next:
	ADDQ ow+16(FP), DI
	ADDQ rowStep+32(FP), SI
	DECQ R8
	JNZ dw3_row
	JMP dw_done
dw_gen:
	TESTQ R8, R8
	JZ dw_done
dw_row:
	MOVQ SI, R9 // window of the row's first group
	XORQ R10, R10 // ow0
dw_grp:
	MOVQ ow+16(FP), CX
	SUBQ R10, CX
	KMOVW K1, K2
	CMPQ CX, $16
	JLT dw_part
	KXNORW K2, K2, K2
dw_part:
	VMOVDQA32 Z8, Z0
	XORQ R11, R11
dw_tap:
	MOVQ (R12)(R11*8), BX
	VPERMB (R9)(BX*1), Z9, Z1
	VPBROADCASTD (R13)(R11*4), Z2
	VPDPBUSD Z2, Z1, Z0
	INCQ R11
	CMPQ R11, R14
	JLT dw_tap
	VCVTDQ2PS Z0, Z0
	VMULPS Z7, Z0, Z0
	VMAXPS Z5, Z0, Z0
	VMINPS Z4, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPADDD Z6, Z0, Z0
	VPMOVDB Z0, K2, (DI)(R10*1)
	ADDQ grpStep+40(FP), R9
	ADDQ $16, R10
	CMPQ R10, ow+16(FP)
	JLT dw_grp
	ADDQ ow+16(FP), DI
	ADDQ rowStep+32(FP), SI
	DECQ R8
	JNZ dw_row
dw_done:
	VZEROUPPER
	RET

// func q8DW3VBMI(y *byte, oh, ow int, x *byte, h, w, sh, sw, ph, pw int, ws *int32, idx *byte, rowc int32, mult float32, zp, xzp int32, lo, hi float32)
// One depthwise plane with 3 kernel rows of at most 4 taps, read straight
// from the unpadded h×w plane x: output row r, columns ow0..ow0+15 use
// the windows at x + (r·sh - ph + kh)·w + ow0·sw - pw. Windows inside
// the plane load the 15·sw + 4 bytes VPERMB needs; at the borders a
// masked load fills the bytes outside the image with the zero point xzp
// (rows outside: all xzp). Then as q8DWPlaneVBMI.
TEXT ·q8DW3VBMI(SB), NOSPLIT, $16-120
	MOVQ y+0(FP), DI
	MOVQ x+24(FP), SI
	MOVQ w+40(FP), R12
	LEAQ (R12)(R12*1), R13
	MOVQ h+32(FP), R14
	// Fast windows: c0 <= w - 15·sw - 4; K3 = their 15·sw + 4 bytes.
	MOVQ sw+56(FP), AX
	IMULQ $15, AX
	ADDQ $4, AX
	MOVQ R12, R15
	SUBQ AX, R15
	MOVQ R15, lim-8(SP)
	MOVQ sw+56(FP), R15
	SHLQ $4, R15
	MOVQ R15, step-16(SP)
	MOVQ AX, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVQ AX, K3
	MOVQ idx+88(FP), AX
	VMOVDQU8 (AX), Z9
	MOVQ ws+80(FP), AX
	VPBROADCASTD 0(AX), Z10
	VPBROADCASTD 4(AX), Z11
	VPBROADCASTD 8(AX), Z12
	MOVL rowc+96(FP), AX
	VMOVD AX, X8
	VPBROADCASTD X8, Z8
	VBROADCASTSS mult+100(FP), Z7
	MOVL zp+104(FP), AX
	VMOVD AX, X6
	VPBROADCASTD X6, Z6
	MOVL xzp+108(FP), AX
	VMOVD AX, X13
	VPBROADCASTB X13, Z13
	VBROADCASTSS lo+112(FP), Z5
	VBROADCASTSS hi+116(FP), Z4
	// K1: the tail group's columns.
	MOVQ ow+16(FP), CX
	ANDQ $15, CX
	MOVL $0xffff, AX
	JZ d3_mask
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
d3_mask:
	KMOVW AX, K1
	XORQ R8, R8
	CMPQ oh+8(FP), $0
	JLE d3_done
d3_row:
	MOVQ R8, R9
	IMULQ sh+48(FP), R9
	SUBQ ph+64(FP), R9 // ih0
	MOVQ R9, R10
	IMULQ R12, R10
	ADDQ SI, R10 // x + ih0·w
	XORQ DX, DX // ow0
	XORQ R11, R11
	SUBQ pw+72(FP), R11 // c0
	// R15: the largest c0 of a fast window in this row (-1: none, the
	// row's kernel rows are not all inside the image).
	MOVQ $-1, R15
	TESTQ R9, R9
	JL d3_grp
	LEAQ 3(R9), AX
	CMPQ AX, R14
	JG d3_grp
	MOVQ lim-8(SP), R15
d3_grp:
	VMOVDQA32 Z8, Z0
	TESTQ R11, R11
	JL d3_slow
	CMPQ R11, R15
	JG d3_slow
	LEAQ (R10)(R11*1), BX
	VMOVDQU8.Z (BX), K3, Z1
	VMOVDQU8.Z (BX)(R12*1), K3, Z2
	VMOVDQU8.Z (BX)(R13*1), K3, Z3
	VPERMB Z1, Z9, Z1
	VPERMB Z2, Z9, Z2
	VPERMB Z3, Z9, Z3
	JMP d3_acc
d3_slow:
	// K2: window bytes b with 0 <= c0 + b < w.
	MOVQ R12, CX
	SUBQ R11, CX // w - c0
	XORQ AX, AX
	TESTQ CX, CX
	JLE d3_smask
	MOVQ $-1, AX
	CMPQ CX, $64
	JGE d3_shi
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
d3_shi:
	MOVQ R11, CX
	NEGQ CX // -c0
	JLE d3_smask
	CMPQ CX, $64
	JL d3_slo
	XORQ AX, AX
	JMP d3_smask
d3_slo:
	MOVQ $-1, BX
	SHLQ CX, BX
	ANDQ BX, AX
d3_smask:
	KMOVQ AX, K2
	LEAQ (R10)(R11*1), BX
	MOVQ R9, AX
	VMOVDQA64 Z13, Z1
	TESTQ AX, AX
	JL d3_s1
	CMPQ AX, R14
	JGE d3_s1
	VMOVDQU8 (BX), K2, Z1
	VPERMB Z1, Z9, Z1
d3_s1:
	INCQ AX
	VMOVDQA64 Z13, Z2
	TESTQ AX, AX
	JL d3_s2
	CMPQ AX, R14
	JGE d3_s2
	VMOVDQU8 (BX)(R12*1), K2, Z2
	VPERMB Z2, Z9, Z2
d3_s2:
	INCQ AX
	VMOVDQA64 Z13, Z3
	TESTQ AX, AX
	JL d3_acc
	CMPQ AX, R14
	JGE d3_acc
	VMOVDQU8 (BX)(R13*1), K2, Z3
	VPERMB Z3, Z9, Z3
d3_acc:
	VPDPBUSD Z10, Z1, Z0
	VPDPBUSD Z11, Z2, Z0
	VPDPBUSD Z12, Z3, Z0
	VCVTDQ2PS Z0, Z0
	VMULPS Z7, Z0, Z0
	VMAXPS Z5, Z0, Z0
	VMINPS Z4, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPADDD Z6, Z0, Z0
	LEAQ 16(DX), AX
	CMPQ AX, ow+16(FP)
	JG d3_tail
	VPMOVDB Z0, (DI)(DX*1)
	JMP d3_gnext
d3_tail:
	VPMOVDB Z0, K1, (DI)(DX*1)
d3_gnext:
	ADDQ step-16(SP), R11
	ADDQ $16, DX
	CMPQ DX, ow+16(FP)
	JLT d3_grp
	ADDQ ow+16(FP), DI
	INCQ R8
	CMPQ R8, oh+8(FP)
	JLT d3_row
d3_done:
	VZEROUPPER
	RET
