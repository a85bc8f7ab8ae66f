//go:build !purego

#include "textflag.h"

// func mbtDwAVX512(in *float32, irs int, ips int, sx int, sy int, w *float32, bias *float32, lohi *float32, out *float32, ops int, oh int, ow int)
// A 3x3 depthwise convolution of one 16-channel vector over oh×ow output
// pixels: see mbtDwRef.
TEXT ·mbtDwAVX512(SB), NOSPLIT, $0-96
	MOVQ in+0(FP), SI
	MOVQ irs+8(FP), R8
	MOVQ ips+16(FP), R9
	MOVQ sx+24(FP), R10
	MOVQ sy+32(FP), R11
	MOVQ w+40(FP), AX
	MOVQ bias+48(FP), BX
	MOVQ lohi+56(FP), CX
	MOVQ out+64(FP), DI
	MOVQ ops+72(FP), R12
	MOVQ oh+80(FP), R13
	MOVQ ow+88(FP), R14
	VMOVUPS      (AX), Z0
	VMOVUPS      64(AX), Z1
	VMOVUPS      128(AX), Z2
	VMOVUPS      192(AX), Z3
	VMOVUPS      256(AX), Z4
	VMOVUPS      320(AX), Z5
	VMOVUPS      384(AX), Z6
	VMOVUPS      448(AX), Z7
	VMOVUPS      512(AX), Z8
	VMOVUPS      (BX), Z9
	VBROADCASTSS (CX), Z10
	VBROADCASTSS 4(CX), Z11
	IMULQ        R9, R10 // bytes from one output pixel's window to the next
	IMULQ        R8, R11 // bytes from one output row's window to the next
	TESTQ        R13, R13
	JLE          done
	TESTQ        R14, R14
	JLE          done

row:
	MOVQ SI, DX
	LEAQ (SI)(R8*1), BX
	LEAQ (BX)(R8*1), CX
	MOVQ R14, R15

pix:
	VMOVAPS     Z9, Z12
	VMULPS      (BX), Z3, Z13
	VMULPS      (CX), Z6, Z14
	VFMADD231PS (DX), Z0, Z12
	VFMADD231PS (BX)(R9*1), Z4, Z13
	VFMADD231PS (CX)(R9*1), Z7, Z14
	VFMADD231PS (DX)(R9*1), Z1, Z12
	VFMADD231PS (BX)(R9*2), Z5, Z13
	VFMADD231PS (CX)(R9*2), Z8, Z14
	VFMADD231PS (DX)(R9*2), Z2, Z12
	VADDPS      Z14, Z13, Z13
	VADDPS      Z13, Z12, Z12
	VMAXPS      Z12, Z10, Z12
	VMINPS      Z12, Z11, Z12
	VMOVUPS     Z12, (DI)
	ADDQ        R10, DX
	ADDQ        R10, BX
	ADDQ        R10, CX
	ADDQ        R12, DI
	DECQ        R15
	JNZ         pix
	ADDQ        R11, SI
	DECQ        R13
	JNZ         row

done:
	VZEROUPPER
	RET

// func mbtBiasClipAVX512(p *float32, nvec int, bias *float32, lohi *float32)
// p[i] = min(max(p[i] + bias[i%64], lo), hi) over nvec 16-float vectors
// (NaN kept): see mbtBiasClipRef.
TEXT ·mbtBiasClipAVX512(SB), NOSPLIT, $0-32
	MOVQ         p+0(FP), DI
	MOVQ         nvec+8(FP), CX
	MOVQ         bias+16(FP), BX
	MOVQ         lohi+24(FP), AX
	VMOVUPS      (BX), Z0
	VMOVUPS      64(BX), Z1
	VMOVUPS      128(BX), Z2
	VMOVUPS      192(BX), Z3
	VBROADCASTSS (AX), Z10
	VBROADCASTSS 4(AX), Z11

loop4:
	CMPQ    CX, $4
	JL      tail
	VADDPS  (DI), Z0, Z4
	VADDPS  64(DI), Z1, Z5
	VADDPS  128(DI), Z2, Z6
	VADDPS  192(DI), Z3, Z7
	VMAXPS  Z4, Z10, Z4
	VMAXPS  Z5, Z10, Z5
	VMAXPS  Z6, Z10, Z6
	VMAXPS  Z7, Z10, Z7
	VMINPS  Z4, Z11, Z4
	VMINPS  Z5, Z11, Z5
	VMINPS  Z6, Z11, Z6
	VMINPS  Z7, Z11, Z7
	VMOVUPS Z4, (DI)
	VMOVUPS Z5, 64(DI)
	VMOVUPS Z6, 128(DI)
	VMOVUPS Z7, 192(DI)
	ADDQ    $256, DI
	SUBQ    $4, CX
	JMP     loop4

tail:
	TESTQ   CX, CX
	JE      done
	VADDPS  (DI), Z0, Z4
	VMAXPS  Z4, Z10, Z4
	VMINPS  Z4, Z11, Z4
	VMOVUPS Z4, (DI)
	DECQ    CX
	JE      done
	VADDPS  64(DI), Z1, Z4
	VMAXPS  Z4, Z10, Z4
	VMINPS  Z4, Z11, Z4
	VMOVUPS Z4, 64(DI)
	DECQ    CX
	JE      done
	VADDPS  128(DI), Z2, Z4
	VMAXPS  Z4, Z10, Z4
	VMINPS  Z4, Z11, Z4
	VMOVUPS Z4, 128(DI)

done:
	VZEROUPPER
	RET
