//go:build !purego

#include "textflag.h"

// func qdSigmoidK512(dst, x *float32, n int, c *[12]float32) int
// Per 16 lanes, with t = -|v|:
//   n = floor(t·log2e), +1 where the fraction >= 0.5 (= floor(t·log2e + 0.5))
//   r = (t - n·c1) - n·c2; p = Horner(P0..P5, r); y = ((p·r)·r + r) + 1
//   e = y·2^n; result = (v >= 0 ? 1 : e) / (1 + e)
// Groups with a lane t <= -87.3 or NaN are counted in the return value;
// such lanes are not stored.
TEXT ·qdSigmoidK512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), AX
	XORQ R8, R8
	VBROADCASTSS 0(AX), Z16  // log2e
	VBROADCASTSS 4(AX), Z17  // c1
	VBROADCASTSS 8(AX), Z18  // c2
	VBROADCASTSS 12(AX), Z19 // P0
	VBROADCASTSS 16(AX), Z20 // P1
	VBROADCASTSS 20(AX), Z21 // P2
	VBROADCASTSS 24(AX), Z22 // P3
	VBROADCASTSS 28(AX), Z23 // P4
	VBROADCASTSS 32(AX), Z24 // P5
	VBROADCASTSS 36(AX), Z25 // -87.3
	VBROADCASTSS 40(AX), Z26 // 1
	VBROADCASTSS 44(AX), Z27 // 0.5
	MOVL $0x80000000, DX
	VPBROADCASTD DX, Z28     // sign bit
	VPXORD       Z29, Z29, Z29 // 0

loop:
	CMPQ CX, $16
	JL   done
	VMOVUPS (SI), Z0          // v
	VPORD   Z28, Z0, Z1       // t = -|v|
	VCMPPS  $0x1E, Z25, Z1, K1 // t > -87.3 (ordered)
	KORTESTW K1, K1
	JCS     inrange           // CF=1: all ones
	INCQ    R8

inrange:
	VMULPS      Z16, Z1, Z2    // t·log2e
	VRNDSCALEPS $1, Z2, Z3     // floor
	VSUBPS      Z3, Z2, Z4     // fraction (exact)
	VCMPPS      $0x1D, Z27, Z4, K2 // fraction >= 0.5
	VADDPS      Z26, Z3, K2, Z3    // n += 1 there
	VMULPS      Z17, Z3, Z5
	VSUBPS      Z5, Z1, Z5     // r = t - n·c1
	VMULPS      Z18, Z3, Z6
	VSUBPS      Z6, Z5, Z5     // r -= n·c2
	VMULPS      Z5, Z19, Z7    // p = P0·r
	VADDPS      Z20, Z7, Z7
	VMULPS      Z5, Z7, Z7
	VADDPS      Z21, Z7, Z7
	VMULPS      Z5, Z7, Z7
	VADDPS      Z22, Z7, Z7
	VMULPS      Z5, Z7, Z7
	VADDPS      Z23, Z7, Z7
	VMULPS      Z5, Z7, Z7
	VADDPS      Z24, Z7, Z7
	VMULPS      Z5, Z7, Z7     // p·r
	VMULPS      Z5, Z7, Z7     // ·r
	VADDPS      Z5, Z7, Z7     // + r
	VADDPS      Z26, Z7, Z7    // + 1
	VSCALEFPS   Z3, Z7, Z8     // e = y·2^n
	VADDPS      Z26, Z8, Z9    // 1 + e
	VCMPPS      $0x1D, Z29, Z0, K3 // v >= 0
	VMOVAPS     Z26, K3, Z8    // numerator: 1 there, else e
	VDIVPS      Z9, Z8, Z8
	VMOVUPS     Z8, K1, (DI)   // out-of-range lanes keep dst
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop

done:
	MOVQ R8, ret+32(FP)
	VZEROUPPER
	RET
