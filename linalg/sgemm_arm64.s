//go:build !purego

#include "textflag.h"

// Hand-written NEON kernels (see sgemm_arm64.go for their Go meaning).
// Go's arm64 assembler has the vector form of FMLA (VFMLA Vm, Vn, Vd:
// Vd += Vn*Vm) but not the by-element form, so each A value is broadcast
// with LD1R into its own register instead of using FMLA Vd.4S, Vn.4S, Vm.S[i].

// func sgemmKernelNEON(k int, a, b, c *float32, ldc int)
// 8x8 tile: accumulators V0..V15 (row i in V(2i), V(2i+1)), B in V16-V17,
// broadcast A in V18-V25.
TEXT ·sgemmKernelNEON(SB), NOSPLIT, $0-40
	MOVD k+0(FP), R0
	MOVD a+8(FP), R1
	MOVD b+16(FP), R2
	MOVD c+24(FP), R3
	MOVD ldc+32(FP), R4
	LSL  $2, R4, R4
	MOVD R3, R5
	VLD1 (R5), [V0.S4, V1.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V2.S4, V3.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V4.S4, V5.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V6.S4, V7.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V8.S4, V9.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V10.S4, V11.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V12.S4, V13.S4]
	ADD R4, R5, R5
	VLD1 (R5), [V14.S4, V15.S4]
	CBZ R0, store
loop:
	VLD1.P 32(R2), [V16.S4, V17.S4]
	VLD1R.P 4(R1), [V18.S4]
	VLD1R.P 4(R1), [V19.S4]
	VLD1R.P 4(R1), [V20.S4]
	VLD1R.P 4(R1), [V21.S4]
	VLD1R.P 4(R1), [V22.S4]
	VLD1R.P 4(R1), [V23.S4]
	VLD1R.P 4(R1), [V24.S4]
	VLD1R.P 4(R1), [V25.S4]
	VFMLA V16.S4, V18.S4, V0.S4
	VFMLA V17.S4, V18.S4, V1.S4
	VFMLA V16.S4, V19.S4, V2.S4
	VFMLA V17.S4, V19.S4, V3.S4
	VFMLA V16.S4, V20.S4, V4.S4
	VFMLA V17.S4, V20.S4, V5.S4
	VFMLA V16.S4, V21.S4, V6.S4
	VFMLA V17.S4, V21.S4, V7.S4
	VFMLA V16.S4, V22.S4, V8.S4
	VFMLA V17.S4, V22.S4, V9.S4
	VFMLA V16.S4, V23.S4, V10.S4
	VFMLA V17.S4, V23.S4, V11.S4
	VFMLA V16.S4, V24.S4, V12.S4
	VFMLA V17.S4, V24.S4, V13.S4
	VFMLA V16.S4, V25.S4, V14.S4
	VFMLA V17.S4, V25.S4, V15.S4
	SUBS $1, R0, R0
	BNE loop
store:
	MOVD R3, R5
	VST1 [V0.S4, V1.S4], (R5)
	ADD R4, R5, R5
	VST1 [V2.S4, V3.S4], (R5)
	ADD R4, R5, R5
	VST1 [V4.S4, V5.S4], (R5)
	ADD R4, R5, R5
	VST1 [V6.S4, V7.S4], (R5)
	ADD R4, R5, R5
	VST1 [V8.S4, V9.S4], (R5)
	ADD R4, R5, R5
	VST1 [V10.S4, V11.S4], (R5)
	ADD R4, R5, R5
	VST1 [V12.S4, V13.S4], (R5)
	ADD R4, R5, R5
	VST1 [V14.S4, V15.S4], (R5)
	RET

// func fmaPeakNEON(n int)
// n iterations of 16 independent register-only FMLAs (4 lanes each).
TEXT ·fmaPeakNEON(SB), NOSPLIT, $0-8
	MOVD n+0(FP), R0
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16
	CBZ  R0, peakdone
peakloop:
	VFMLA V30.S4, V31.S4, V0.S4
	VFMLA V30.S4, V31.S4, V1.S4
	VFMLA V30.S4, V31.S4, V2.S4
	VFMLA V30.S4, V31.S4, V3.S4
	VFMLA V30.S4, V31.S4, V4.S4
	VFMLA V30.S4, V31.S4, V5.S4
	VFMLA V30.S4, V31.S4, V6.S4
	VFMLA V30.S4, V31.S4, V7.S4
	VFMLA V30.S4, V31.S4, V8.S4
	VFMLA V30.S4, V31.S4, V9.S4
	VFMLA V30.S4, V31.S4, V10.S4
	VFMLA V30.S4, V31.S4, V11.S4
	VFMLA V30.S4, V31.S4, V12.S4
	VFMLA V30.S4, V31.S4, V13.S4
	VFMLA V30.S4, V31.S4, V14.S4
	VFMLA V30.S4, V31.S4, V15.S4
	SUBS $1, R0, R0
	BNE  peakloop
peakdone:
	RET
