//go:build !purego

#include "textflag.h"

// func r18MaxPool3s2AVX512(y, r0, r1, r2 *float32, n int, idx *int32, tail int)
//
// y[j] = max of r0, r1, r2 at columns 2j, 2j+1, 2j+2 for j < n (NaN if any
// is NaN), 16 outputs a block: the three rows' maxima (vertical), then
// even, odd and next-even columns gathered by VPERMI2PS/VALIGND. tail
// packs the last partial block's masks: A (bits 0-15), B (16-31), store
// (32-47). idx: the even then the odd column numbers 0..31.
// Requires AVX512F.
TEXT ·r18MaxPool3s2AVX512(SB), NOSPLIT, $0-56
	MOVQ y+0(FP), DI
	MOVQ r0+8(FP), SI
	MOVQ r1+16(FP), DX
	MOVQ r2+24(FP), R8
	MOVQ n+32(FP), CX
	MOVQ idx+40(FP), AX
	VMOVUPS (AX), Z30
	VMOVUPS 64(AX), Z31
	MOVL $0xffff, BX
	KMOVW BX, K1
	KMOVW BX, K2
	KMOVW BX, K4
	MOVL $1, BX
	KMOVW BX, K3

loop:
	CMPQ CX, $16
	JL   tail
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z 128(SI), K3, Z2
	VMOVUPS.Z (DX), K1, Z3
	VMOVUPS.Z 64(DX), K2, Z4
	VMOVUPS.Z 128(DX), K3, Z5
	VMOVUPS.Z (R8), K1, Z6
	VMOVUPS.Z 64(R8), K2, Z7
	VMOVUPS.Z 128(R8), K3, Z8
	VMAXPS    Z0, Z3, Z9
	VMAXPS    Z9, Z6, Z9
	VCMPPS    $3, Z6, Z3, K5
	VADDPS    Z6, Z3, K5, Z9
	VMAXPS    Z1, Z4, Z10
	VMAXPS    Z10, Z7, Z10
	VCMPPS    $3, Z7, Z4, K5
	VADDPS    Z7, Z4, K5, Z10
	VMAXPS    Z2, Z5, Z11
	VMAXPS    Z11, Z8, Z11
	VCMPPS    $3, Z8, Z5, K5
	VADDPS    Z8, Z5, K5, Z11
	VMOVAPS   Z30, Z12
	VPERMI2PS Z10, Z9, Z12
	VMOVAPS   Z31, Z13
	VPERMI2PS Z10, Z9, Z13
	VALIGND   $1, Z12, Z11, Z14
	VMAXPS    Z12, Z13, Z15
	VMAXPS    Z15, Z14, Z15
	VCMPPS    $3, Z14, Z13, K5
	VADDPS    Z14, Z13, K5, Z15
	VMOVUPS   Z15, K4, (DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, R8
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop

tail:
	TESTQ CX, CX
	JZ    done
	MOVQ  tail+48(FP), BX
	KMOVW BX, K1
	SHRQ  $16, BX
	KMOVW BX, K2
	SHRQ  $16, BX
	KMOVW BX, K4
	KXORW K3, K3, K3
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z 128(SI), K3, Z2
	VMOVUPS.Z (DX), K1, Z3
	VMOVUPS.Z 64(DX), K2, Z4
	VMOVUPS.Z 128(DX), K3, Z5
	VMOVUPS.Z (R8), K1, Z6
	VMOVUPS.Z 64(R8), K2, Z7
	VMOVUPS.Z 128(R8), K3, Z8
	VMAXPS    Z0, Z3, Z9
	VMAXPS    Z9, Z6, Z9
	VCMPPS    $3, Z6, Z3, K5
	VADDPS    Z6, Z3, K5, Z9
	VMAXPS    Z1, Z4, Z10
	VMAXPS    Z10, Z7, Z10
	VCMPPS    $3, Z7, Z4, K5
	VADDPS    Z7, Z4, K5, Z10
	VMAXPS    Z2, Z5, Z11
	VMAXPS    Z11, Z8, Z11
	VCMPPS    $3, Z8, Z5, K5
	VADDPS    Z8, Z5, K5, Z11
	VMOVAPS   Z30, Z12
	VPERMI2PS Z10, Z9, Z12
	VMOVAPS   Z31, Z13
	VPERMI2PS Z10, Z9, Z13
	VALIGND   $1, Z12, Z11, Z14
	VMAXPS    Z12, Z13, Z15
	VMAXPS    Z15, Z14, Z15
	VCMPPS    $3, Z14, Z13, K5
	VADDPS    Z14, Z13, K5, Z15
	VMOVUPS   Z15, K4, (DI)

done:
	VZEROUPPER
	RET
