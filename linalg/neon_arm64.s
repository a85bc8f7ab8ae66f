//go:build !purego

#include "textflag.h"

// NEON 8x8 micro-kernels with the fused output stage (see neon_arm64.go
// for their Go meaning). Go's arm64 assembler lacks the vector
// floating-point FADD/FMUL/FMAX/FMIN and the by-element FMLA, so those are
// WORD-encoded below (A64 "Advanced SIMD three same" and "vector x indexed
// element", Q=1, single precision); operands are V register numbers.
//
// The by-element FMLA lets one 32-byte load fetch a k-step's eight A
// values (rows 0-3 in one register, rows 4-7 in the next) instead of the
// eight LD1R broadcasts of sgemmKernelNEON.
//
// Registers: accumulators V0..V15 (row i in V(2i), V(2i+1)); B of an
// unrolled pair of k-steps in V16-V17 and V18-V19 (columns 0-3, 4-7), A in
// V20-V21 and V22-V23 (rows 0-3, 4-7); the epilogue reuses V16-V20.

// Vd.4S += Vn.4S * Vm.S[i]
#define NEON_FMLAE(d, n, m, i) WORD $(0x4F801000 | (((i)&1)<<21) | (((i)>>1)<<11) | ((m)<<16) | ((n)<<5) | (d))
// Vd.4S = Vn.4S + Vm.4S
#define NEON_FADD(d, n, m) WORD $(0x4E20D400 | ((m)<<16) | ((n)<<5) | (d))
// Vd.4S = Vn.4S * Vm.4S
#define NEON_FMUL(d, n, m) WORD $(0x6E20DC00 | ((m)<<16) | ((n)<<5) | (d))
// Vd.4S = max(Vn.4S, Vm.4S), NaN if either is NaN
#define NEON_FMAX(d, n, m) WORD $(0x4E20F400 | ((m)<<16) | ((n)<<5) | (d))
// Vd.4S = min(Vn.4S, Vm.4S), NaN if either is NaN
#define NEON_FMIN(d, n, m) WORD $(0x4EA0F400 | ((m)<<16) | ((n)<<5) | (d))
// Vd.4S = maxNum(Vn.4S, Vm.4S): a quiet NaN loses to a number
#define NEON_FMAXNM(d, n, m) WORD $(0x4E20C400 | ((m)<<16) | ((n)<<5) | (d))

// One k-step: B in Vb0 (columns 0-3), Vb1 (4-7); A rows 0-3 in Va0, 4-7 in Va1.
#define NEON_STEP(b0, b1, a0, a1) \
	NEON_FMLAE(0, b0, a0, 0); NEON_FMLAE(1, b1, a0, 0); \
	NEON_FMLAE(2, b0, a0, 1); NEON_FMLAE(3, b1, a0, 1); \
	NEON_FMLAE(4, b0, a0, 2); NEON_FMLAE(5, b1, a0, 2); \
	NEON_FMLAE(6, b0, a0, 3); NEON_FMLAE(7, b1, a0, 3); \
	NEON_FMLAE(8, b0, a1, 0); NEON_FMLAE(9, b1, a1, 0); \
	NEON_FMLAE(10, b0, a1, 1); NEON_FMLAE(11, b1, a1, 1); \
	NEON_FMLAE(12, b0, a1, 2); NEON_FMLAE(13, b1, a1, 2); \
	NEON_FMLAE(14, b0, a1, 3); NEON_FMLAE(15, b1, a1, 3)

// The tile at R3 (row stride R4 bytes) into the accumulators.
#define NEON_LOADC \
	MOVD R3, R9; \
	VLD1 (R9), [V0.S4, V1.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V2.S4, V3.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V4.S4, V5.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V6.S4, V7.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V8.S4, V9.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V10.S4, V11.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V12.S4, V13.S4]; ADD R4, R9, R9; \
	VLD1 (R9), [V14.S4, V15.S4]

#define NEON_ZEROC \
	VEOR V0.B16, V0.B16, V0.B16; VEOR V1.B16, V1.B16, V1.B16; \
	VEOR V2.B16, V2.B16, V2.B16; VEOR V3.B16, V3.B16, V3.B16; \
	VEOR V4.B16, V4.B16, V4.B16; VEOR V5.B16, V5.B16, V5.B16; \
	VEOR V6.B16, V6.B16, V6.B16; VEOR V7.B16, V7.B16, V7.B16; \
	VEOR V8.B16, V8.B16, V8.B16; VEOR V9.B16, V9.B16, V9.B16; \
	VEOR V10.B16, V10.B16, V10.B16; VEOR V11.B16, V11.B16, V11.B16; \
	VEOR V12.B16, V12.B16, V12.B16; VEOR V13.B16, V13.B16, V13.B16; \
	VEOR V14.B16, V14.B16, V14.B16; VEOR V15.B16, V15.B16, V15.B16

#define NEON_STOREC \
	VST1 [V0.S4, V1.S4], (R3); ADD R4, R3, R3; \
	VST1 [V2.S4, V3.S4], (R3); ADD R4, R3, R3; \
	VST1 [V4.S4, V5.S4], (R3); ADD R4, R3, R3; \
	VST1 [V6.S4, V7.S4], (R3); ADD R4, R3, R3; \
	VST1 [V8.S4, V9.S4], (R3); ADD R4, R3, R3; \
	VST1 [V10.S4, V11.S4], (R3); ADD R4, R3, R3; \
	VST1 [V12.S4, V13.S4], (R3); ADD R4, R3, R3; \
	VST1 [V14.S4, V15.S4], (R3)

// Row i += bias[i] (bias pointer in R6).
#define NEON_BIAS_ROW(x, y) \
	VLD1R.P 4(R6), [V16.S4]; NEON_FADD(x, x, 16); NEON_FADD(y, y, 16)

// Every accumulator = op(accumulator, Vm).
#define NEON_ALL(op, m) \
	op(0, 0, m); op(1, 1, m); op(2, 2, m); op(3, 3, m); \
	op(4, 4, m); op(5, 5, m); op(6, 6, m); op(7, 7, m); \
	op(8, 8, m); op(9, 9, m); op(10, 10, m); op(11, 11, m); \
	op(12, 12, m); op(13, 13, m); op(14, 14, m); op(15, 15, m)

// Hard swish of accumulator xv (number x) with sixth in V16, half in V17, one in V18,
// zero in V19: gate = min(maxNum(half + x*sixth, 0), 1) (a NaN gate is 0,
// as in sgemmTileRef), x *= gate.
#define NEON_HSWISH(xv, x) \
	VORR V17.B16, V17.B16, V20.B16; \
	VFMLA V16.S4, xv.S4, V20.S4; \
	NEON_FMAXNM(20, 20, 19); \
	NEON_FMIN(20, 20, 18); \
	NEON_FMUL(x, x, 20)

// Accumulator xv (number x) = xv*ps + pt, fused, with ps in V16, pt in V17.
#define NEON_POST(xv, x) \
	VORR V17.B16, V17.B16, V20.B16; \
	VFMLA V16.S4, xv.S4, V20.S4; \
	VORR V20.B16, V20.B16, xv.B16

// The output stage selected by the flags in R5 (kfBias 2, kfMax 4,
// kfMin 8, kfHswish 16, kfPost 32), constants at R7 (sgemmConsts: lo at
// byte 64, hi 68, sixth 72, half 76, one 80, postScale 84, postShift 88),
// then the store. Labels are per function, so this is spelled out in each
// kernel rather than a macro.

// func sgemmKernelEpNEON(k int, a, b, c *float32, ldc int, flags int, bias *float32, cst *float32)
TEXT ·sgemmKernelEpNEON(SB), NOSPLIT, $0-64
	MOVD k+0(FP), R0
	MOVD a+8(FP), R1
	MOVD b+16(FP), R2
	MOVD c+24(FP), R3
	MOVD ldc+32(FP), R4
	MOVD flags+40(FP), R5
	LSL  $2, R4, R4
	TBZ  $0, R5, epzero
	NEON_LOADC
	B    epstart
epzero:
	NEON_ZEROC
epstart:
	CMP  $2, R0
	BLT  eptail
eploop2:
	VLD1.P 64(R2), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]
	NEON_STEP(16, 17, 20, 21)
	NEON_STEP(18, 19, 22, 23)
	SUB  $2, R0, R0
	CMP  $2, R0
	BGE  eploop2
eptail:
	CBZ  R0, epout
	VLD1 (R2), [V16.S4, V17.S4]
	VLD1 (R1), [V20.S4, V21.S4]
	NEON_STEP(16, 17, 20, 21)
epout:
	MOVD cst+56(FP), R7
	TBZ  $1, R5, epnobias
	MOVD bias+48(FP), R6
	NEON_BIAS_ROW(0, 1)
	NEON_BIAS_ROW(2, 3)
	NEON_BIAS_ROW(4, 5)
	NEON_BIAS_ROW(6, 7)
	NEON_BIAS_ROW(8, 9)
	NEON_BIAS_ROW(10, 11)
	NEON_BIAS_ROW(12, 13)
	NEON_BIAS_ROW(14, 15)
epnobias:
	TBZ  $2, R5, epnomax
	ADD  $64, R7, R9
	VLD1R (R9), [V16.S4]
	NEON_ALL(NEON_FMAX, 16)
epnomax:
	TBZ  $3, R5, epnomin
	ADD  $68, R7, R9
	VLD1R (R9), [V17.S4]
	NEON_ALL(NEON_FMIN, 17)
epnomin:
	TBZ  $4, R5, epnohswish
	ADD  $72, R7, R9
	VLD1R.P 4(R9), [V16.S4]
	VLD1R.P 4(R9), [V17.S4]
	VLD1R (R9), [V18.S4]
	VEOR V19.B16, V19.B16, V19.B16
	NEON_HSWISH(V0, 0)
	NEON_HSWISH(V1, 1)
	NEON_HSWISH(V2, 2)
	NEON_HSWISH(V3, 3)
	NEON_HSWISH(V4, 4)
	NEON_HSWISH(V5, 5)
	NEON_HSWISH(V6, 6)
	NEON_HSWISH(V7, 7)
	NEON_HSWISH(V8, 8)
	NEON_HSWISH(V9, 9)
	NEON_HSWISH(V10, 10)
	NEON_HSWISH(V11, 11)
	NEON_HSWISH(V12, 12)
	NEON_HSWISH(V13, 13)
	NEON_HSWISH(V14, 14)
	NEON_HSWISH(V15, 15)
epnohswish:
	TBZ  $5, R5, epstore
	ADD  $84, R7, R9
	VLD1R.P 4(R9), [V16.S4]
	VLD1R (R9), [V17.S4]
	NEON_POST(V0, 0)
	NEON_POST(V1, 1)
	NEON_POST(V2, 2)
	NEON_POST(V3, 3)
	NEON_POST(V4, 4)
	NEON_POST(V5, 5)
	NEON_POST(V6, 6)
	NEON_POST(V7, 7)
	NEON_POST(V8, 8)
	NEON_POST(V9, 9)
	NEON_POST(V10, 10)
	NEON_POST(V11, 11)
	NEON_POST(V12, 12)
	NEON_POST(V13, 13)
	NEON_POST(V14, 14)
	NEON_POST(V15, 15)
epstore:
	NEON_STOREC
	RET

// func convKernelIndNEON(k int, a, b *float32, offs *int, c *float32, ldc int, flags int, bias *float32, cst *float32)
// As sgemmKernelEpNEON, with k-step p's B row at b + offs[p] (bytes).
TEXT ·convKernelIndNEON(SB), NOSPLIT, $0-72
	MOVD k+0(FP), R0
	MOVD a+8(FP), R1
	MOVD b+16(FP), R2
	MOVD offs+24(FP), R8
	MOVD c+32(FP), R3
	MOVD ldc+40(FP), R4
	MOVD flags+48(FP), R5
	LSL  $2, R4, R4
	TBZ  $0, R5, indzero
	NEON_LOADC
	B    indstart
indzero:
	NEON_ZEROC
indstart:
	CMP  $2, R0
	BLT  indtail
indloop2:
	MOVD.P 8(R8), R10
	MOVD.P 8(R8), R11
	ADD  R2, R10, R10
	ADD  R2, R11, R11
	VLD1 (R10), [V16.S4, V17.S4]
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1 (R11), [V18.S4, V19.S4]
	NEON_STEP(16, 17, 20, 21)
	NEON_STEP(18, 19, 22, 23)
	SUB  $2, R0, R0
	CMP  $2, R0
	BGE  indloop2
indtail:
	CBZ  R0, indout
	MOVD (R8), R10
	ADD  R2, R10, R10
	VLD1 (R10), [V16.S4, V17.S4]
	VLD1 (R1), [V20.S4, V21.S4]
	NEON_STEP(16, 17, 20, 21)
indout:
	MOVD cst+64(FP), R7
	TBZ  $1, R5, indnobias
	MOVD bias+56(FP), R6
	NEON_BIAS_ROW(0, 1)
	NEON_BIAS_ROW(2, 3)
	NEON_BIAS_ROW(4, 5)
	NEON_BIAS_ROW(6, 7)
	NEON_BIAS_ROW(8, 9)
	NEON_BIAS_ROW(10, 11)
	NEON_BIAS_ROW(12, 13)
	NEON_BIAS_ROW(14, 15)
indnobias:
	TBZ  $2, R5, indnomax
	ADD  $64, R7, R9
	VLD1R (R9), [V16.S4]
	NEON_ALL(NEON_FMAX, 16)
indnomax:
	TBZ  $3, R5, indnomin
	ADD  $68, R7, R9
	VLD1R (R9), [V17.S4]
	NEON_ALL(NEON_FMIN, 17)
indnomin:
	TBZ  $4, R5, indnohswish
	ADD  $72, R7, R9
	VLD1R.P 4(R9), [V16.S4]
	VLD1R.P 4(R9), [V17.S4]
	VLD1R (R9), [V18.S4]
	VEOR V19.B16, V19.B16, V19.B16
	NEON_HSWISH(V0, 0)
	NEON_HSWISH(V1, 1)
	NEON_HSWISH(V2, 2)
	NEON_HSWISH(V3, 3)
	NEON_HSWISH(V4, 4)
	NEON_HSWISH(V5, 5)
	NEON_HSWISH(V6, 6)
	NEON_HSWISH(V7, 7)
	NEON_HSWISH(V8, 8)
	NEON_HSWISH(V9, 9)
	NEON_HSWISH(V10, 10)
	NEON_HSWISH(V11, 11)
	NEON_HSWISH(V12, 12)
	NEON_HSWISH(V13, 13)
	NEON_HSWISH(V14, 14)
	NEON_HSWISH(V15, 15)
indnohswish:
	TBZ  $5, R5, indstore
	ADD  $84, R7, R9
	VLD1R.P 4(R9), [V16.S4]
	VLD1R (R9), [V17.S4]
	NEON_POST(V0, 0)
	NEON_POST(V1, 1)
	NEON_POST(V2, 2)
	NEON_POST(V3, 3)
	NEON_POST(V4, 4)
	NEON_POST(V5, 5)
	NEON_POST(V6, 6)
	NEON_POST(V7, 7)
	NEON_POST(V8, 8)
	NEON_POST(V9, 9)
	NEON_POST(V10, 10)
	NEON_POST(V11, 11)
	NEON_POST(V12, 12)
	NEON_POST(V13, 13)
	NEON_POST(V14, 14)
	NEON_POST(V15, 15)
indstore:
	NEON_STOREC
	RET
