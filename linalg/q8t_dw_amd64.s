//go:build !purego

#include "textflag.h"

// func q8tDWSmallVBMI(y, x *byte, n, hw, p int, tab *byte, groups, w int, ws, rowc *int32, mult *float32, zp, xzp int32, lo, hi float32)
// n depthwise planes (x: hw bytes apart, y: p bytes apart) through the
// group table tab (q8tDWEnt = 128 bytes per group of 16 output pixels):
// for kernel row kh the 64 bytes at plane + base + kh·w are loaded under
// the entry's load mask (bytes outside the plane are not read), VPERMB
// (the entry's index) hands each pixel its 4 window bytes, bytes outside
// the image keep the zero point xzp (merge mask), and VPDPBUSD adds their
// products with the plane's 4 s8 weights ws[3c+kh]. The sums + rowc[c]
// are requantized with mult[c] as in q8DW3VBMI and stored under the
// entry's mask from the entry's first pixel on.
TEXT ·q8tDWSmallVBMI(SB), NOSPLIT, $0-104
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), R8
	MOVQ ws+64(FP), R9
	MOVQ rowc+72(FP), R10
	MOVQ mult+80(FP), R11
	MOVQ w+56(FP), R12
	LEAQ (R12)(R12*1), R13
	MOVL zp+88(FP), AX
	VMOVD AX, X6
	VPBROADCASTD X6, Z6
	MOVL xzp+92(FP), AX
	VMOVD AX, X13
	VPBROADCASTB X13, Z13
	VBROADCASTSS lo+96(FP), Z5
	VBROADCASTSS hi+100(FP), Z4
	TESTQ R8, R8
	JLE dws_done
dws_plane:
	VPBROADCASTD 0(R9), Z10
	VPBROADCASTD 4(R9), Z11
	VPBROADCASTD 8(R9), Z12
	VPBROADCASTD (R10), Z8
	VBROADCASTSS (R11), Z7
	MOVQ tab+40(FP), R14
	MOVQ groups+48(FP), R15
dws_group:
	VMOVDQU64 (R14), Z9
	MOVQ 64(R14), BX
	ADDQ SI, BX
	VMOVDQA32 Z8, Z0
	KMOVQ 72(R14), K1
	VMOVDQU8.Z (BX), K1, Z1
	KMOVQ 96(R14), K2
	VMOVDQA64 Z13, Z2
	VPERMB Z1, Z9, K2, Z2
	KMOVQ 80(R14), K1
	VMOVDQU8.Z (BX)(R12*1), K1, Z1
	KMOVQ 104(R14), K2
	VMOVDQA64 Z13, Z3
	VPERMB Z1, Z9, K2, Z3
	KMOVQ 88(R14), K1
	VMOVDQU8.Z (BX)(R13*1), K1, Z1
	KMOVQ 112(R14), K2
	VMOVDQA64 Z13, Z14
	VPERMB Z1, Z9, K2, Z14
	VPDPBUSD Z10, Z2, Z0
	VPDPBUSD Z11, Z3, Z0
	VPDPBUSD Z12, Z14, Z0
	VCVTDQ2PS Z0, Z0
	VMULPS Z7, Z0, Z0
	VMAXPS Z5, Z0, Z0
	VMINPS Z4, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPADDD Z6, Z0, Z0
	MOVLQSX 120(R14), DX
	KMOVW 124(R14), K3
	VPMOVDB Z0, K3, (DI)(DX*1)
	ADDQ $128, R14
	DECQ R15
	JNZ dws_group
	ADDQ p+32(FP), DI
	ADDQ hw+24(FP), SI
	ADDQ $12, R9
	ADDQ $4, R10
	ADDQ $4, R11
	DECQ R8
	JNZ dws_plane
dws_done:
	VZEROUPPER
	RET
