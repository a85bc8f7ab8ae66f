//go:build !purego

#include "textflag.h"

// AVX-512 float32 exponential kernels for Softmax, Sigmoid and Swish
// (rc_vexp.go holds the Go twins). e^x = 2^n · e^r with n = round(x·log2e)
// and |r| <= ln2/2 (Cephes expf polynomial); VSCALEFPS applies 2^n, which
// gives +Inf on overflow and correctly rounded subnormals or 0 below.
// Tails of fewer than 16 lanes run masked (masked lanes do not fault).

DATA rcvexpC<>+0(SB)/4, $0x3fb8aa3b  // log2(e)
DATA rcvexpC<>+4(SB)/4, $0x3f318000  // ln2 high part 0.693359375
DATA rcvexpC<>+8(SB)/4, $0xb95e8083  // ln2 low part -2.12194440e-4
DATA rcvexpC<>+12(SB)/4, $0x39506967 // 1.9875691500e-4
DATA rcvexpC<>+16(SB)/4, $0x3ab743ce // 1.3981999507e-3
DATA rcvexpC<>+20(SB)/4, $0x3c088908 // 8.3334519073e-3
DATA rcvexpC<>+24(SB)/4, $0x3d2aa9c1 // 4.1665795894e-2
DATA rcvexpC<>+28(SB)/4, $0x3e2aaaaa // 1.6666665459e-1
DATA rcvexpC<>+32(SB)/4, $0x3f000000 // 5.0000001201e-1
DATA rcvexpC<>+36(SB)/4, $0x3f800000 // 1
DATA rcvexpC<>+40(SB)/4, $0x42b20000 // 89: above, e^x overflows
DATA rcvexpC<>+44(SB)/4, $0xc2d00000 // -104: below, e^x rounds to 0
DATA rcvexpC<>+48(SB)/4, $0x80000000 // sign bit
DATA rcvexpC<>+52(SB)/4, $0xff800000 // -Inf
GLOBL rcvexpC<>(SB), RODATA|NOPTR, $56

// Load the constants into Z20..Z31.
#define EXPCONST \
	VBROADCASTSS rcvexpC<>+0(SB), Z31  \
	VBROADCASTSS rcvexpC<>+4(SB), Z30  \
	VBROADCASTSS rcvexpC<>+8(SB), Z29  \
	VBROADCASTSS rcvexpC<>+12(SB), Z28 \
	VBROADCASTSS rcvexpC<>+16(SB), Z27 \
	VBROADCASTSS rcvexpC<>+20(SB), Z26 \
	VBROADCASTSS rcvexpC<>+24(SB), Z25 \
	VBROADCASTSS rcvexpC<>+28(SB), Z24 \
	VBROADCASTSS rcvexpC<>+32(SB), Z23 \
	VBROADCASTSS rcvexpC<>+36(SB), Z22 \
	VBROADCASTSS rcvexpC<>+40(SB), Z21 \
	VBROADCASTSS rcvexpC<>+44(SB), Z20

// EXP sets y = e^x lane-wise, using t, n as scratch (x is kept). The
// clamps keep a NaN x (VMINPS/VMAXPS return their second source, here x,
// when either is NaN).
#define EXP(x, y, t, n) \
	VMINPS       x, Z21, t   \
	VMAXPS       t, Z20, t   \
	VMULPS       Z31, t, n   \
	VRNDSCALEPS  $8, n, n    \
	VFNMADD231PS Z30, n, t   \
	VFNMADD231PS Z29, n, t   \
	VMOVAPS      Z28, y      \
	VFMADD213PS  Z27, t, y   \
	VFMADD213PS  Z26, t, y   \
	VFMADD213PS  Z25, t, y   \
	VFMADD213PS  Z24, t, y   \
	VFMADD213PS  Z23, t, y   \
	VMULPS       y, t, y     \
	VFMADD213PS  t, t, y     \
	VADDPS       Z22, y, y   \
	VSCALEFPS    n, y, y

// Tail mask K1 = (1<<CX)-1 for 0 < CX < 16 (clobbers AX).
#define TAILK1 \
	MOVL  $1, AX \
	SHLL  CX, AX \
	DECL  AX     \
	KMOVW AX, K1

// Horizontal sum of Z0 into X0 (clobbers Z1).
#define HSUM0 \
	VEXTRACTF64X4 $1, Z0, Y1 \
	VADDPS        Y1, Y0, Y0 \
	VEXTRACTF128  $1, Y0, X1 \
	VADDPS        X1, X0, X0 \
	VMOVHLPS      X0, X0, X1 \
	VADDPS        X1, X0, X0 \
	VMOVSHDUP     X0, X1     \
	VADDSS        X1, X0, X0

// func rcExpSumAVX512(x *float32, y *float32, n int, shift float32) float32
TEXT ·rcExpSumAVX512(SB), NOSPLIT, $0-36
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSS shift+24(FP), Z19
	EXPCONST
	VXORPS       Z0, Z0, Z0
	VXORPS       Z8, Z8, Z8

rcexpsum_loop2:
	CMPQ      CX, $32
	JL        rcexpsum_loop1
	VMOVUPS   (SI), Z2
	VMOVUPS   64(SI), Z9
	VSUBPS    Z19, Z2, Z2
	VSUBPS    Z19, Z9, Z9
	EXP(Z2, Z3, Z4, Z5)
	EXP(Z9, Z10, Z11, Z12)
	VMOVUPS   Z3, (DI)
	VMOVUPS   Z10, 64(DI)
	VADDPS    Z3, Z0, Z0
	VADDPS    Z10, Z8, Z8
	ADDQ      $128, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	JMP       rcexpsum_loop2

rcexpsum_loop1:
	CMPQ      CX, $16
	JL        rcexpsum_tail
	VMOVUPS   (SI), Z2
	VSUBPS    Z19, Z2, Z2
	EXP(Z2, Z3, Z4, Z5)
	VMOVUPS   Z3, (DI)
	VADDPS    Z3, Z0, Z0
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       rcexpsum_loop1

rcexpsum_tail:
	TESTQ     CX, CX
	JE        rcexpsum_done
	TAILK1
	VMOVUPS.Z (SI), K1, Z2
	VSUBPS    Z19, Z2, Z2
	EXP(Z2, Z3, Z4, Z5)
	VMOVUPS   Z3, K1, (DI)
	VADDPS    Z3, Z0, K1, Z0

rcexpsum_done:
	VADDPS    Z8, Z0, Z0
	HSUM0
	VZEROUPPER
	MOVSS     X0, ret+32(FP)
	RET

// func rcMaxAVX512(x *float32, n int) float32
// Requires n >= 1. NaNs may or may not be returned.
TEXT ·rcMaxAVX512(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS rcvexpC<>+52(SB), Z0
	VMOVAPS      Z0, Z1

rcmax_loop2:
	CMPQ    CX, $32
	JL      rcmax_loop1
	VMAXPS  (SI), Z0, Z0
	VMAXPS  64(SI), Z1, Z1
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     rcmax_loop2

rcmax_loop1:
	CMPQ    CX, $16
	JL      rcmax_tail
	VMAXPS  (SI), Z0, Z0
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     rcmax_loop1

rcmax_tail:
	TESTQ   CX, CX
	JE      rcmax_done
	TAILK1
	VMAXPS  (SI), Z0, K1, Z0

rcmax_done:
	VMAXPS        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VMOVHLPS      X0, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSHDUP     X0, X1
	VMAXSS        X1, X0, X0
	VZEROUPPER
	MOVSS         X0, ret+16(FP)
	RET

// func rcScaleAVX512(y *float32, n int, s float32)
TEXT ·rcScaleAVX512(SB), NOSPLIT, $0-20
	MOVQ         y+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS s+16(FP), Z19

rcscale_loop2:
	CMPQ    CX, $32
	JL      rcscale_loop1
	VMULPS  (DI), Z19, Z2
	VMULPS  64(DI), Z19, Z3
	VMOVUPS Z2, (DI)
	VMOVUPS Z3, 64(DI)
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     rcscale_loop2

rcscale_loop1:
	CMPQ    CX, $16
	JL      rcscale_tail
	VMULPS  (DI), Z19, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     rcscale_loop1

rcscale_tail:
	TESTQ     CX, CX
	JE        rcscale_done
	TAILK1
	VMOVUPS.Z (DI), K1, Z2
	VMULPS    Z2, Z19, Z2
	VMOVUPS   Z2, K1, (DI)

rcscale_done:
	VZEROUPPER
	RET

// SIGMOID sets y = 1/(1+e^-a) for a = alpha·x (Z19 = alpha, Z18 = sign
// bit): e = e^-|a| never overflows, and a < 0 gives e/(1+e), which keeps
// tiny results. With swish != 0 the result is multiplied by x.
#define SIGMOID(x, y, a, e, t, n, k) \
	VMULPS      Z19, x, a      \
	VORPS       Z18, a, t      \
	EXP(t, e, n, y)            \
	VADDPS      Z22, e, y      \
	VCMPPS      $0x1d, Z17, a, k \
	VMOVAPS     Z22, k, e      \
	VDIVPS      y, e, y

// func rcSigmoidAVX512(x *float32, y *float32, n int, alpha float32, swish int)
TEXT ·rcSigmoidAVX512(SB), NOSPLIT, $0-40
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSS alpha+24(FP), Z19
	MOVQ         swish+32(FP), DX
	EXPCONST
	VBROADCASTSS rcvexpC<>+48(SB), Z18
	VXORPS       Z17, Z17, Z17

rcsig_loop2:
	CMPQ    CX, $32
	JL      rcsig_loop1
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z8
	SIGMOID(Z0, Z1, Z2, Z3, Z4, Z5, K2)
	SIGMOID(Z8, Z9, Z10, Z11, Z12, Z13, K3)
	TESTQ   DX, DX
	JE      rcsig_store2
	VMULPS  Z0, Z1, Z1
	VMULPS  Z8, Z9, Z9

rcsig_store2:
	VMOVUPS Z1, (DI)
	VMOVUPS Z9, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     rcsig_loop2

rcsig_loop1:
	CMPQ    CX, $16
	JL      rcsig_tail
	VMOVUPS (SI), Z0
	SIGMOID(Z0, Z1, Z2, Z3, Z4, Z5, K2)
	TESTQ   DX, DX
	JE      rcsig_store1
	VMULPS  Z0, Z1, Z1

rcsig_store1:
	VMOVUPS Z1, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     rcsig_loop1

rcsig_tail:
	TESTQ     CX, CX
	JE        rcsig_done
	TAILK1
	VMOVUPS.Z (SI), K1, Z0
	SIGMOID(Z0, Z1, Z2, Z3, Z4, Z5, K2)
	TESTQ     DX, DX
	JE        rcsig_store0
	VMULPS    Z0, Z1, Z1

rcsig_store0:
	VMOVUPS   Z1, K1, (DI)

rcsig_done:
	VZEROUPPER
	RET

// func rcSumAVX512(x *float32, n int) float32
TEXT ·rcSumAVX512(SB), NOSPLIT, $0-20
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4

rcsum_loop4:
	CMPQ   CX, $64
	JL     rcsum_loop1
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z2, Z2
	VADDPS 128(SI), Z3, Z3
	VADDPS 192(SI), Z4, Z4
	ADDQ   $256, SI
	SUBQ   $64, CX
	JMP    rcsum_loop4

rcsum_loop1:
	CMPQ   CX, $16
	JL     rcsum_tail
	VADDPS (SI), Z0, Z0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JMP    rcsum_loop1

rcsum_tail:
	TESTQ  CX, CX
	JE     rcsum_done
	TAILK1
	VADDPS (SI), Z0, K1, Z0

rcsum_done:
	VADDPS Z2, Z0, Z0
	VADDPS Z4, Z3, Z3
	VADDPS Z3, Z0, Z0
	HSUM0
	VZEROUPPER
	MOVSS  X0, ret+16(FP)
	RET
