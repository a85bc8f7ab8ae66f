//go:build !purego

#include "textflag.h"

// The stride-2 tile kernels: ciKernP{p}N4 (sgemm_amd64.s, from _gen/ci.go)
// with pixel j's input broadcast from byte offset offs[s]+8j instead of
// offs[s]+4j, so a stride-2 convolution reads its zero-padded image in
// place of four phase planes. Derived from the generated kernels by
// doubling the broadcast displacements; ciKernelRef with x read at
// offs[s]/4+2j defines them.

// func r18sCiS2P1N4(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)
TEXT ·r18sCiS2P1N4(SB), NOSPLIT, $0-96
	MOVQ   k+0(FP), CX
	MOVQ   w+8(FP), SI
	MOVQ   x+16(FP), DI
	MOVQ   offs+24(FP), R13
	MOVQ   acc+32(FP), DX
	MOVQ   flags+40(FP), R10
	MOVQ   pf+88(FP), BX
	TESTQ  $0x00000001, R10
	JNZ    load
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	JMP    loop2

load:
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3

loop2:
	CMPQ         CX, $0x02
	JL           tail
	PREFETCHT0   2048(SI)
	PREFETCHT1   (BX)
	ADDQ         $0x40, BX
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z4
	VMOVUPS      64(SI), Z5
	VMOVUPS      128(SI), Z6
	VMOVUPS      192(SI), Z7
	VBROADCASTSS (DI)(R14*1), Z8
	VFMADD231PS  Z4, Z8, Z0
	VFMADD231PS  Z5, Z8, Z1
	VFMADD231PS  Z6, Z8, Z2
	VFMADD231PS  Z7, Z8, Z3
	MOVQ         8(R13), R14
	VMOVUPS      256(SI), Z4
	VMOVUPS      320(SI), Z5
	VMOVUPS      384(SI), Z6
	VMOVUPS      448(SI), Z7
	VBROADCASTSS (DI)(R14*1), Z8
	VFMADD231PS  Z4, Z8, Z0
	VFMADD231PS  Z5, Z8, Z1
	VFMADD231PS  Z6, Z8, Z2
	VFMADD231PS  Z7, Z8, Z3
	ADDQ         $0x00000200, SI
	ADDQ         $0x10, R13
	SUBQ         $0x02, CX
	JMP          loop2

tail:
	TESTQ        CX, CX
	JE           done
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z4
	VMOVUPS      64(SI), Z5
	VMOVUPS      128(SI), Z6
	VMOVUPS      192(SI), Z7
	VBROADCASTSS (DI)(R14*1), Z8
	VFMADD231PS  Z4, Z8, Z0
	VFMADD231PS  Z5, Z8, Z1
	VFMADD231PS  Z6, Z8, Z2
	VFMADD231PS  Z7, Z8, Z3

done:
	TESTQ   $0x00000040, R10
	JNZ     final
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VZEROUPPER
	RET

final:
	TESTQ  $0x00000002, R10
	JZ     nobias
	MOVQ   bias+64(FP), R11
	VADDPS (R11), Z0, Z0
	VADDPS 64(R11), Z1, Z1
	VADDPS 128(R11), Z2, Z2
	VADDPS 192(R11), Z3, Z3

nobias:
	MOVQ          hw+56(FP), R8
	SHLQ          $0x02, R8
	MOVQ          c+48(FP), R9
	MOVQ          res+72(FP), R11
	MOVQ          cst+80(FP), R12
	MOVL          $0x00000001, AX
	KMOVW         AX, K2
	VUNPCKLPS     Z0, Z0, Z31
	VUNPCKHPS     Z0, Z0, Z30
	VUNPCKLPS     Z0, Z0, Z29
	VUNPCKHPS     Z0, Z0, Z28
	VUNPCKLPS     Z0, Z0, Z27
	VUNPCKHPS     Z0, Z0, Z26
	VUNPCKLPS     Z0, Z0, Z25
	VUNPCKHPS     Z0, Z0, Z24
	VBROADCASTSS  64(R12), Z0
	VBROADCASTSS  68(R12), Z23
	VSHUFPS       $0x44, Z29, Z31, Z22
	VSHUFPS       $0xee, Z29, Z31, Z21
	VSHUFPS       $0x44, Z28, Z30, Z29
	VSHUFPS       $0xee, Z28, Z30, Z31
	VSHUFPS       $0x44, Z25, Z27, Z28
	VSHUFPS       $0xee, Z25, Z27, Z30
	VSHUFPS       $0x44, Z24, Z26, Z25
	VSHUFPS       $0xee, Z24, Z26, Z27
	VSHUFF32X4    $0x44, Z28, Z22, Z24
	VSHUFF32X4    $0xee, Z28, Z22, Z26
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv0e0u0h0:
	VMAXPS  Y24, Y0, Y24
	VMINPS  Y24, Y23, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv0e0u0h1:
	VMAXPS        Y28, Y0, Y28
	VMINPS        Y28, Y23, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e0u1h0:
	VMAXPS  Y26, Y0, Y26
	VMINPS  Y26, Y23, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv0e0u1h1:
	VMAXPS        Y28, Y0, Y28
	VMINPS        Y28, Y23, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z21, Z28
	VSHUFF32X4    $0xee, Z30, Z21, Z26
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv0e1u0h0:
	VMAXPS  Y28, Y0, Y28
	VMINPS  Y28, Y23, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv0e1u0h1:
	VMAXPS        Y30, Y0, Y30
	VMINPS        Y30, Y23, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e1u1h0:
	VMAXPS  Y26, Y0, Y26
	VMINPS  Y26, Y23, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv0e1u1h1:
	VMAXPS        Y30, Y0, Y30
	VMINPS        Y30, Y23, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z29, Z30
	VSHUFF32X4    $0xee, Z25, Z29, Z26
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv0e2u0h0:
	VMAXPS  Y30, Y0, Y30
	VMINPS  Y30, Y23, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv0e2u0h1:
	VMAXPS        Y25, Y0, Y25
	VMINPS        Y25, Y23, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e2u1h0:
	VMAXPS  Y26, Y0, Y26
	VMINPS  Y26, Y23, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv0e2u1h1:
	VMAXPS        Y25, Y0, Y25
	VMINPS        Y25, Y23, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z26
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv0e3u0h0:
	VMAXPS  Y25, Y0, Y25
	VMINPS  Y25, Y23, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv0e3u0h1:
	VMAXPS        Y27, Y0, Y27
	VMINPS        Y27, Y23, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e3u1h0:
	VMAXPS  Y26, Y0, Y26
	VMINPS  Y26, Y23, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv0e3u1h1:
	VMAXPS        Y27, Y0, Y27
	VMINPS        Y27, Y23, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z1, Z1, Z27
	VUNPCKHPS     Z1, Z1, Z26
	VUNPCKLPS     Z1, Z1, Z25
	VUNPCKHPS     Z1, Z1, Z31
	VUNPCKLPS     Z1, Z1, Z30
	VUNPCKHPS     Z1, Z1, Z29
	VUNPCKLPS     Z1, Z1, Z28
	VUNPCKHPS     Z1, Z1, Z21
	VSHUFPS       $0x44, Z25, Z27, Z1
	VSHUFPS       $0xee, Z25, Z27, Z24
	VSHUFPS       $0x44, Z31, Z26, Z25
	VSHUFPS       $0xee, Z31, Z26, Z27
	VSHUFPS       $0x44, Z28, Z30, Z31
	VSHUFPS       $0xee, Z28, Z30, Z26
	VSHUFPS       $0x44, Z21, Z29, Z28
	VSHUFPS       $0xee, Z21, Z29, Z30
	VSHUFF32X4    $0x44, Z31, Z1, Z21
	VSHUFF32X4    $0xee, Z31, Z1, Z29
	VSHUFF32X4    $0xd8, Z21, Z21, Z21
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z21, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u0h0
	VADDPS        (R11), Y21, K2, Y21

noresv1e0u0h0:
	VMAXPS  Y21, Y0, Y21
	VMINPS  Y21, Y23, Y21
	VMOVUPS Y21, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv1e0u0h1:
	VMAXPS        Y31, Y0, Y31
	VMINPS        Y31, Y23, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e0u1h0:
	VMAXPS  Y29, Y0, Y29
	VMINPS  Y29, Y23, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv1e0u1h1:
	VMAXPS        Y31, Y0, Y31
	VMINPS        Y31, Y23, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z24, Z31
	VSHUFF32X4    $0xee, Z26, Z24, Z29
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv1e1u0h0:
	VMAXPS  Y31, Y0, Y31
	VMINPS  Y31, Y23, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv1e1u0h1:
	VMAXPS        Y26, Y0, Y26
	VMINPS        Y26, Y23, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e1u1h0:
	VMAXPS  Y29, Y0, Y29
	VMINPS  Y29, Y23, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv1e1u1h1:
	VMAXPS        Y26, Y0, Y26
	VMINPS        Y26, Y23, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z28, Z25, Z26
	VSHUFF32X4    $0xee, Z28, Z25, Z29
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u0h0
	VADDPS        (R11), Y26, K2, Y26

noresv1e2u0h0:
	VMAXPS  Y26, Y0, Y26
	VMINPS  Y26, Y23, Y26
	VMOVUPS Y26, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv1e2u0h1:
	VMAXPS        Y28, Y0, Y28
	VMINPS        Y28, Y23, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e2u1h0:
	VMAXPS  Y29, Y0, Y29
	VMINPS  Y29, Y23, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv1e2u1h1:
	VMAXPS        Y28, Y0, Y28
	VMINPS        Y28, Y23, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z27, Z28
	VSHUFF32X4    $0xee, Z30, Z27, Z29
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv1e3u0h0:
	VMAXPS  Y28, Y0, Y28
	VMINPS  Y28, Y23, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv1e3u0h1:
	VMAXPS        Y30, Y0, Y30
	VMINPS        Y30, Y23, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e3u1h0:
	VMAXPS  Y29, Y0, Y29
	VMINPS  Y29, Y23, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv1e3u1h1:
	VMAXPS        Y30, Y0, Y30
	VMINPS        Y30, Y23, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z2, Z2, Z30
	VUNPCKHPS     Z2, Z2, Z29
	VUNPCKLPS     Z2, Z2, Z28
	VUNPCKHPS     Z2, Z2, Z27
	VUNPCKLPS     Z2, Z2, Z26
	VUNPCKHPS     Z2, Z2, Z25
	VUNPCKLPS     Z2, Z2, Z31
	VUNPCKHPS     Z2, Z2, Z24
	VSHUFPS       $0x44, Z28, Z30, Z2
	VSHUFPS       $0xee, Z28, Z30, Z21
	VSHUFPS       $0x44, Z27, Z29, Z28
	VSHUFPS       $0xee, Z27, Z29, Z30
	VSHUFPS       $0x44, Z31, Z26, Z27
	VSHUFPS       $0xee, Z31, Z26, Z29
	VSHUFPS       $0x44, Z24, Z25, Z31
	VSHUFPS       $0xee, Z24, Z25, Z26
	VSHUFF32X4    $0x44, Z27, Z2, Z24
	VSHUFF32X4    $0xee, Z27, Z2, Z25
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv2e0u0h0:
	VMAXPS  Y24, Y0, Y24
	VMINPS  Y24, Y23, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv2e0u0h1:
	VMAXPS        Y27, Y0, Y27
	VMINPS        Y27, Y23, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e0u1h0:
	VMAXPS  Y25, Y0, Y25
	VMINPS  Y25, Y23, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv2e0u1h1:
	VMAXPS        Y27, Y0, Y27
	VMINPS        Y27, Y23, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z21, Z27
	VSHUFF32X4    $0xee, Z29, Z21, Z25
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv2e1u0h0:
	VMAXPS  Y27, Y0, Y27
	VMINPS  Y27, Y23, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv2e1u0h1:
	VMAXPS        Y29, Y0, Y29
	VMINPS        Y29, Y23, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e1u1h0:
	VMAXPS  Y25, Y0, Y25
	VMINPS  Y25, Y23, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv2e1u1h1:
	VMAXPS        Y29, Y0, Y29
	VMINPS        Y29, Y23, Y29
	VMOVUPS       Y29, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z31, Z28, Z29
	VSHUFF32X4    $0xee, Z31, Z28, Z25
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u0h0
	VADDPS        (R11), Y29, K2, Y29

noresv2e2u0h0:
	VMAXPS  Y29, Y0, Y29
	VMINPS  Y29, Y23, Y29
	VMOVUPS Y29, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv2e2u0h1:
	VMAXPS        Y31, Y0, Y31
	VMINPS        Y31, Y23, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e2u1h0:
	VMAXPS  Y25, Y0, Y25
	VMINPS  Y25, Y23, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv2e2u1h1:
	VMAXPS        Y31, Y0, Y31
	VMINPS        Y31, Y23, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z30, Z31
	VSHUFF32X4    $0xee, Z26, Z30, Z25
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv2e3u0h0:
	VMAXPS  Y31, Y0, Y31
	VMINPS  Y31, Y23, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv2e3u0h1:
	VMAXPS        Y26, Y0, Y26
	VMINPS        Y26, Y23, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e3u1h0:
	VMAXPS  Y25, Y0, Y25
	VMINPS  Y25, Y23, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv2e3u1h1:
	VMAXPS        Y26, Y0, Y26
	VMINPS        Y26, Y23, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z3, Z3, Z26
	VUNPCKHPS     Z3, Z3, Z25
	VUNPCKLPS     Z3, Z3, Z31
	VUNPCKHPS     Z3, Z3, Z30
	VUNPCKLPS     Z3, Z3, Z29
	VUNPCKHPS     Z3, Z3, Z28
	VUNPCKLPS     Z3, Z3, Z27
	VUNPCKHPS     Z3, Z3, Z21
	VSHUFPS       $0x44, Z31, Z26, Z3
	VSHUFPS       $0xee, Z31, Z26, Z24
	VSHUFPS       $0x44, Z30, Z25, Z31
	VSHUFPS       $0xee, Z30, Z25, Z26
	VSHUFPS       $0x44, Z27, Z29, Z30
	VSHUFPS       $0xee, Z27, Z29, Z25
	VSHUFPS       $0x44, Z21, Z28, Z27
	VSHUFPS       $0xee, Z21, Z28, Z29
	VSHUFF32X4    $0x44, Z30, Z3, Z21
	VSHUFF32X4    $0xee, Z30, Z3, Z28
	VSHUFF32X4    $0xd8, Z21, Z21, Z21
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z21, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u0h0
	VADDPS        (R11), Y21, K2, Y21

noresv3e0u0h0:
	VMAXPS  Y21, Y0, Y21
	VMINPS  Y21, Y23, Y21
	VMOVUPS Y21, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv3e0u0h1:
	VMAXPS        Y30, Y0, Y30
	VMINPS        Y30, Y23, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e0u1h0:
	VMAXPS  Y28, Y0, Y28
	VMINPS  Y28, Y23, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv3e0u1h1:
	VMAXPS        Y30, Y0, Y30
	VMINPS        Y30, Y23, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z24, Z30
	VSHUFF32X4    $0xee, Z25, Z24, Z28
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv3e1u0h0:
	VMAXPS  Y30, Y0, Y30
	VMINPS  Y30, Y23, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv3e1u0h1:
	VMAXPS        Y25, Y0, Y25
	VMINPS        Y25, Y23, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e1u1h0:
	VMAXPS  Y28, Y0, Y28
	VMINPS  Y28, Y23, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv3e1u1h1:
	VMAXPS        Y25, Y0, Y25
	VMINPS        Y25, Y23, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z28
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv3e2u0h0:
	VMAXPS  Y25, Y0, Y25
	VMINPS  Y25, Y23, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv3e2u0h1:
	VMAXPS        Y27, Y0, Y27
	VMINPS        Y27, Y23, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e2u1h0:
	VMAXPS  Y28, Y0, Y28
	VMINPS  Y28, Y23, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv3e2u1h1:
	VMAXPS        Y27, Y0, Y27
	VMINPS        Y27, Y23, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z26, Z27
	VSHUFF32X4    $0xee, Z29, Z26, Z28
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv3e3u0h0:
	VMAXPS  Y27, Y0, Y27
	VMINPS  Y27, Y23, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv3e3u0h1:
	VMAXPS        Y29, Y0, Y29
	VMINPS        Y29, Y23, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e3u1h0:
	VMAXPS  Y28, Y0, Y28
	VMINPS  Y28, Y23, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv3e3u1h1:
	VMAXPS  Y29, Y0, Y29
	VMINPS  Y29, Y23, Y29
	VMOVUPS Y29, K2, (SI)(R8*4)
	ADDQ    R8, R9
	ADDQ    R8, R11
	LEAQ    (R9)(R8*8), R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	LEAQ    (R11)(R8*8), R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	VZEROUPPER
	RET

// func r18sCiS2P2N4(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)
TEXT ·r18sCiS2P2N4(SB), NOSPLIT, $0-96
	MOVQ   k+0(FP), CX
	MOVQ   w+8(FP), SI
	MOVQ   x+16(FP), DI
	MOVQ   offs+24(FP), R13
	MOVQ   acc+32(FP), DX
	MOVQ   flags+40(FP), R10
	MOVQ   pf+88(FP), BX
	TESTQ  $0x00000001, R10
	JNZ    load
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	JMP    loop2

load:
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	VMOVUPS 256(DX), Z4
	VMOVUPS 320(DX), Z5
	VMOVUPS 384(DX), Z6
	VMOVUPS 448(DX), Z7

loop2:
	CMPQ         CX, $0x02
	JL           tail
	PREFETCHT0   2048(SI)
	PREFETCHT1   (BX)
	ADDQ         $0x40, BX
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z8
	VMOVUPS      64(SI), Z9
	VMOVUPS      128(SI), Z10
	VMOVUPS      192(SI), Z11
	VBROADCASTSS (DI)(R14*1), Z12
	VFMADD231PS  Z8, Z12, Z0
	VFMADD231PS  Z9, Z12, Z1
	VFMADD231PS  Z10, Z12, Z2
	VFMADD231PS  Z11, Z12, Z3
	VBROADCASTSS 8(DI)(R14*1), Z13
	VFMADD231PS  Z8, Z13, Z4
	VFMADD231PS  Z9, Z13, Z5
	VFMADD231PS  Z10, Z13, Z6
	VFMADD231PS  Z11, Z13, Z7
	MOVQ         8(R13), R14
	VMOVUPS      256(SI), Z8
	VMOVUPS      320(SI), Z9
	VMOVUPS      384(SI), Z10
	VMOVUPS      448(SI), Z11
	VBROADCASTSS (DI)(R14*1), Z12
	VFMADD231PS  Z8, Z12, Z0
	VFMADD231PS  Z9, Z12, Z1
	VFMADD231PS  Z10, Z12, Z2
	VFMADD231PS  Z11, Z12, Z3
	VBROADCASTSS 8(DI)(R14*1), Z13
	VFMADD231PS  Z8, Z13, Z4
	VFMADD231PS  Z9, Z13, Z5
	VFMADD231PS  Z10, Z13, Z6
	VFMADD231PS  Z11, Z13, Z7
	ADDQ         $0x00000200, SI
	ADDQ         $0x10, R13
	SUBQ         $0x02, CX
	JMP          loop2

tail:
	TESTQ        CX, CX
	JE           done
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z8
	VMOVUPS      64(SI), Z9
	VMOVUPS      128(SI), Z10
	VMOVUPS      192(SI), Z11
	VBROADCASTSS (DI)(R14*1), Z12
	VFMADD231PS  Z8, Z12, Z0
	VFMADD231PS  Z9, Z12, Z1
	VFMADD231PS  Z10, Z12, Z2
	VFMADD231PS  Z11, Z12, Z3
	VBROADCASTSS 8(DI)(R14*1), Z13
	VFMADD231PS  Z8, Z13, Z4
	VFMADD231PS  Z9, Z13, Z5
	VFMADD231PS  Z10, Z13, Z6
	VFMADD231PS  Z11, Z13, Z7

done:
	TESTQ   $0x00000040, R10
	JNZ     final
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VZEROUPPER
	RET

final:
	TESTQ  $0x00000002, R10
	JZ     nobias
	MOVQ   bias+64(FP), R11
	VADDPS (R11), Z0, Z0
	VADDPS (R11), Z4, Z4
	VADDPS 64(R11), Z1, Z1
	VADDPS 64(R11), Z5, Z5
	VADDPS 128(R11), Z2, Z2
	VADDPS 128(R11), Z6, Z6
	VADDPS 192(R11), Z3, Z3
	VADDPS 192(R11), Z7, Z7

nobias:
	MOVQ          hw+56(FP), R8
	SHLQ          $0x02, R8
	MOVQ          c+48(FP), R9
	MOVQ          res+72(FP), R11
	MOVQ          cst+80(FP), R12
	MOVL          $0x00000003, AX
	KMOVW         AX, K2
	VUNPCKLPS     Z4, Z0, Z31
	VUNPCKHPS     Z4, Z0, Z30
	VUNPCKLPS     Z4, Z4, Z29
	VUNPCKHPS     Z4, Z4, Z28
	VUNPCKLPS     Z4, Z4, Z27
	VUNPCKHPS     Z4, Z4, Z26
	VUNPCKLPS     Z4, Z4, Z25
	VUNPCKHPS     Z4, Z4, Z24
	VBROADCASTSS  64(R12), Z4
	VBROADCASTSS  68(R12), Z0
	VSHUFPS       $0x44, Z29, Z31, Z23
	VSHUFPS       $0xee, Z29, Z31, Z22
	VSHUFPS       $0x44, Z28, Z30, Z29
	VSHUFPS       $0xee, Z28, Z30, Z31
	VSHUFPS       $0x44, Z25, Z27, Z28
	VSHUFPS       $0xee, Z25, Z27, Z30
	VSHUFPS       $0x44, Z24, Z26, Z25
	VSHUFPS       $0xee, Z24, Z26, Z27
	VSHUFF32X4    $0x44, Z28, Z23, Z24
	VSHUFF32X4    $0xee, Z28, Z23, Z26
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv0e0u0h0:
	VMAXPS  Y24, Y4, Y24
	VMINPS  Y24, Y0, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv0e0u0h1:
	VMAXPS        Y28, Y4, Y28
	VMINPS        Y28, Y0, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e0u1h0:
	VMAXPS  Y26, Y4, Y26
	VMINPS  Y26, Y0, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv0e0u1h1:
	VMAXPS        Y28, Y4, Y28
	VMINPS        Y28, Y0, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z22, Z28
	VSHUFF32X4    $0xee, Z30, Z22, Z26
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv0e1u0h0:
	VMAXPS  Y28, Y4, Y28
	VMINPS  Y28, Y0, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv0e1u0h1:
	VMAXPS        Y30, Y4, Y30
	VMINPS        Y30, Y0, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e1u1h0:
	VMAXPS  Y26, Y4, Y26
	VMINPS  Y26, Y0, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv0e1u1h1:
	VMAXPS        Y30, Y4, Y30
	VMINPS        Y30, Y0, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z29, Z30
	VSHUFF32X4    $0xee, Z25, Z29, Z26
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv0e2u0h0:
	VMAXPS  Y30, Y4, Y30
	VMINPS  Y30, Y0, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv0e2u0h1:
	VMAXPS        Y25, Y4, Y25
	VMINPS        Y25, Y0, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e2u1h0:
	VMAXPS  Y26, Y4, Y26
	VMINPS  Y26, Y0, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv0e2u1h1:
	VMAXPS        Y25, Y4, Y25
	VMINPS        Y25, Y0, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z26
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv0e3u0h0:
	VMAXPS  Y25, Y4, Y25
	VMINPS  Y25, Y0, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv0e3u0h1:
	VMAXPS        Y27, Y4, Y27
	VMINPS        Y27, Y0, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e3u1h0:
	VMAXPS  Y26, Y4, Y26
	VMINPS  Y26, Y0, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv0e3u1h1:
	VMAXPS        Y27, Y4, Y27
	VMINPS        Y27, Y0, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z5, Z1, Z27
	VUNPCKHPS     Z5, Z1, Z26
	VUNPCKLPS     Z5, Z5, Z25
	VUNPCKHPS     Z5, Z5, Z31
	VUNPCKLPS     Z5, Z5, Z30
	VUNPCKHPS     Z5, Z5, Z29
	VUNPCKLPS     Z5, Z5, Z28
	VUNPCKHPS     Z5, Z5, Z22
	VSHUFPS       $0x44, Z25, Z27, Z5
	VSHUFPS       $0xee, Z25, Z27, Z1
	VSHUFPS       $0x44, Z31, Z26, Z25
	VSHUFPS       $0xee, Z31, Z26, Z27
	VSHUFPS       $0x44, Z28, Z30, Z31
	VSHUFPS       $0xee, Z28, Z30, Z26
	VSHUFPS       $0x44, Z22, Z29, Z28
	VSHUFPS       $0xee, Z22, Z29, Z30
	VSHUFF32X4    $0x44, Z31, Z5, Z22
	VSHUFF32X4    $0xee, Z31, Z5, Z29
	VSHUFF32X4    $0xd8, Z22, Z22, Z22
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z22, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u0h0
	VADDPS        (R11), Y22, K2, Y22

noresv1e0u0h0:
	VMAXPS  Y22, Y4, Y22
	VMINPS  Y22, Y0, Y22
	VMOVUPS Y22, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv1e0u0h1:
	VMAXPS        Y31, Y4, Y31
	VMINPS        Y31, Y0, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e0u1h0:
	VMAXPS  Y29, Y4, Y29
	VMINPS  Y29, Y0, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv1e0u1h1:
	VMAXPS        Y31, Y4, Y31
	VMINPS        Y31, Y0, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z1, Z31
	VSHUFF32X4    $0xee, Z26, Z1, Z29
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv1e1u0h0:
	VMAXPS  Y31, Y4, Y31
	VMINPS  Y31, Y0, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv1e1u0h1:
	VMAXPS        Y26, Y4, Y26
	VMINPS        Y26, Y0, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e1u1h0:
	VMAXPS  Y29, Y4, Y29
	VMINPS  Y29, Y0, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv1e1u1h1:
	VMAXPS        Y26, Y4, Y26
	VMINPS        Y26, Y0, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z28, Z25, Z26
	VSHUFF32X4    $0xee, Z28, Z25, Z29
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u0h0
	VADDPS        (R11), Y26, K2, Y26

noresv1e2u0h0:
	VMAXPS  Y26, Y4, Y26
	VMINPS  Y26, Y0, Y26
	VMOVUPS Y26, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv1e2u0h1:
	VMAXPS        Y28, Y4, Y28
	VMINPS        Y28, Y0, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e2u1h0:
	VMAXPS  Y29, Y4, Y29
	VMINPS  Y29, Y0, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv1e2u1h1:
	VMAXPS        Y28, Y4, Y28
	VMINPS        Y28, Y0, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z27, Z28
	VSHUFF32X4    $0xee, Z30, Z27, Z29
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv1e3u0h0:
	VMAXPS  Y28, Y4, Y28
	VMINPS  Y28, Y0, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv1e3u0h1:
	VMAXPS        Y30, Y4, Y30
	VMINPS        Y30, Y0, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e3u1h0:
	VMAXPS  Y29, Y4, Y29
	VMINPS  Y29, Y0, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv1e3u1h1:
	VMAXPS        Y30, Y4, Y30
	VMINPS        Y30, Y0, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z6, Z2, Z30
	VUNPCKHPS     Z6, Z2, Z29
	VUNPCKLPS     Z6, Z6, Z28
	VUNPCKHPS     Z6, Z6, Z27
	VUNPCKLPS     Z6, Z6, Z26
	VUNPCKHPS     Z6, Z6, Z25
	VUNPCKLPS     Z6, Z6, Z31
	VUNPCKHPS     Z6, Z6, Z1
	VSHUFPS       $0x44, Z28, Z30, Z6
	VSHUFPS       $0xee, Z28, Z30, Z2
	VSHUFPS       $0x44, Z27, Z29, Z28
	VSHUFPS       $0xee, Z27, Z29, Z30
	VSHUFPS       $0x44, Z31, Z26, Z27
	VSHUFPS       $0xee, Z31, Z26, Z29
	VSHUFPS       $0x44, Z1, Z25, Z31
	VSHUFPS       $0xee, Z1, Z25, Z26
	VSHUFF32X4    $0x44, Z27, Z6, Z1
	VSHUFF32X4    $0xee, Z27, Z6, Z25
	VSHUFF32X4    $0xd8, Z1, Z1, Z1
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z1, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u0h0
	VADDPS        (R11), Y1, K2, Y1

noresv2e0u0h0:
	VMAXPS  Y1, Y4, Y1
	VMINPS  Y1, Y0, Y1
	VMOVUPS Y1, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv2e0u0h1:
	VMAXPS        Y27, Y4, Y27
	VMINPS        Y27, Y0, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e0u1h0:
	VMAXPS  Y25, Y4, Y25
	VMINPS  Y25, Y0, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv2e0u1h1:
	VMAXPS        Y27, Y4, Y27
	VMINPS        Y27, Y0, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z2, Z27
	VSHUFF32X4    $0xee, Z29, Z2, Z25
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv2e1u0h0:
	VMAXPS  Y27, Y4, Y27
	VMINPS  Y27, Y0, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv2e1u0h1:
	VMAXPS        Y29, Y4, Y29
	VMINPS        Y29, Y0, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e1u1h0:
	VMAXPS  Y25, Y4, Y25
	VMINPS  Y25, Y0, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv2e1u1h1:
	VMAXPS        Y29, Y4, Y29
	VMINPS        Y29, Y0, Y29
	VMOVUPS       Y29, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z31, Z28, Z29
	VSHUFF32X4    $0xee, Z31, Z28, Z25
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u0h0
	VADDPS        (R11), Y29, K2, Y29

noresv2e2u0h0:
	VMAXPS  Y29, Y4, Y29
	VMINPS  Y29, Y0, Y29
	VMOVUPS Y29, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv2e2u0h1:
	VMAXPS        Y31, Y4, Y31
	VMINPS        Y31, Y0, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e2u1h0:
	VMAXPS  Y25, Y4, Y25
	VMINPS  Y25, Y0, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv2e2u1h1:
	VMAXPS        Y31, Y4, Y31
	VMINPS        Y31, Y0, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z30, Z31
	VSHUFF32X4    $0xee, Z26, Z30, Z25
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv2e3u0h0:
	VMAXPS  Y31, Y4, Y31
	VMINPS  Y31, Y0, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv2e3u0h1:
	VMAXPS        Y26, Y4, Y26
	VMINPS        Y26, Y0, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e3u1h0:
	VMAXPS  Y25, Y4, Y25
	VMINPS  Y25, Y0, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv2e3u1h1:
	VMAXPS        Y26, Y4, Y26
	VMINPS        Y26, Y0, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z7, Z3, Z26
	VUNPCKHPS     Z7, Z3, Z25
	VUNPCKLPS     Z7, Z7, Z31
	VUNPCKHPS     Z7, Z7, Z30
	VUNPCKLPS     Z7, Z7, Z29
	VUNPCKHPS     Z7, Z7, Z28
	VUNPCKLPS     Z7, Z7, Z27
	VUNPCKHPS     Z7, Z7, Z2
	VSHUFPS       $0x44, Z31, Z26, Z7
	VSHUFPS       $0xee, Z31, Z26, Z3
	VSHUFPS       $0x44, Z30, Z25, Z31
	VSHUFPS       $0xee, Z30, Z25, Z26
	VSHUFPS       $0x44, Z27, Z29, Z30
	VSHUFPS       $0xee, Z27, Z29, Z25
	VSHUFPS       $0x44, Z2, Z28, Z27
	VSHUFPS       $0xee, Z2, Z28, Z29
	VSHUFF32X4    $0x44, Z30, Z7, Z2
	VSHUFF32X4    $0xee, Z30, Z7, Z28
	VSHUFF32X4    $0xd8, Z2, Z2, Z2
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z2, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u0h0
	VADDPS        (R11), Y2, K2, Y2

noresv3e0u0h0:
	VMAXPS  Y2, Y4, Y2
	VMINPS  Y2, Y0, Y2
	VMOVUPS Y2, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv3e0u0h1:
	VMAXPS        Y30, Y4, Y30
	VMINPS        Y30, Y0, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e0u1h0:
	VMAXPS  Y28, Y4, Y28
	VMINPS  Y28, Y0, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv3e0u1h1:
	VMAXPS        Y30, Y4, Y30
	VMINPS        Y30, Y0, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z3, Z30
	VSHUFF32X4    $0xee, Z25, Z3, Z28
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv3e1u0h0:
	VMAXPS  Y30, Y4, Y30
	VMINPS  Y30, Y0, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv3e1u0h1:
	VMAXPS        Y25, Y4, Y25
	VMINPS        Y25, Y0, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e1u1h0:
	VMAXPS  Y28, Y4, Y28
	VMINPS  Y28, Y0, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv3e1u1h1:
	VMAXPS        Y25, Y4, Y25
	VMINPS        Y25, Y0, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z28
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv3e2u0h0:
	VMAXPS  Y25, Y4, Y25
	VMINPS  Y25, Y0, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv3e2u0h1:
	VMAXPS        Y27, Y4, Y27
	VMINPS        Y27, Y0, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e2u1h0:
	VMAXPS  Y28, Y4, Y28
	VMINPS  Y28, Y0, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv3e2u1h1:
	VMAXPS        Y27, Y4, Y27
	VMINPS        Y27, Y0, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z26, Z27
	VSHUFF32X4    $0xee, Z29, Z26, Z28
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv3e3u0h0:
	VMAXPS  Y27, Y4, Y27
	VMINPS  Y27, Y0, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv3e3u0h1:
	VMAXPS        Y29, Y4, Y29
	VMINPS        Y29, Y0, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e3u1h0:
	VMAXPS  Y28, Y4, Y28
	VMINPS  Y28, Y0, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv3e3u1h1:
	VMAXPS  Y29, Y4, Y29
	VMINPS  Y29, Y0, Y29
	VMOVUPS Y29, K2, (SI)(R8*4)
	ADDQ    R8, R9
	ADDQ    R8, R11
	LEAQ    (R9)(R8*8), R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	LEAQ    (R11)(R8*8), R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	VZEROUPPER
	RET

// func r18sCiS2P3N4(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)
TEXT ·r18sCiS2P3N4(SB), NOSPLIT, $0-96
	MOVQ   k+0(FP), CX
	MOVQ   w+8(FP), SI
	MOVQ   x+16(FP), DI
	MOVQ   offs+24(FP), R13
	MOVQ   acc+32(FP), DX
	MOVQ   flags+40(FP), R10
	MOVQ   pf+88(FP), BX
	TESTQ  $0x00000001, R10
	JNZ    load
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	VXORPS Z10, Z10, Z10
	VXORPS Z11, Z11, Z11
	JMP    loop2

load:
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	VMOVUPS 256(DX), Z4
	VMOVUPS 320(DX), Z5
	VMOVUPS 384(DX), Z6
	VMOVUPS 448(DX), Z7
	VMOVUPS 512(DX), Z8
	VMOVUPS 576(DX), Z9
	VMOVUPS 640(DX), Z10
	VMOVUPS 704(DX), Z11

loop2:
	CMPQ         CX, $0x02
	JL           tail
	PREFETCHT0   2048(SI)
	PREFETCHT1   (BX)
	ADDQ         $0x40, BX
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z12
	VMOVUPS      64(SI), Z13
	VMOVUPS      128(SI), Z14
	VMOVUPS      192(SI), Z15
	VBROADCASTSS (DI)(R14*1), Z16
	VFMADD231PS  Z12, Z16, Z0
	VFMADD231PS  Z13, Z16, Z1
	VFMADD231PS  Z14, Z16, Z2
	VFMADD231PS  Z15, Z16, Z3
	VBROADCASTSS 8(DI)(R14*1), Z17
	VFMADD231PS  Z12, Z17, Z4
	VFMADD231PS  Z13, Z17, Z5
	VFMADD231PS  Z14, Z17, Z6
	VFMADD231PS  Z15, Z17, Z7
	VBROADCASTSS 16(DI)(R14*1), Z16
	VFMADD231PS  Z12, Z16, Z8
	VFMADD231PS  Z13, Z16, Z9
	VFMADD231PS  Z14, Z16, Z10
	VFMADD231PS  Z15, Z16, Z11
	MOVQ         8(R13), R14
	VMOVUPS      256(SI), Z12
	VMOVUPS      320(SI), Z13
	VMOVUPS      384(SI), Z14
	VMOVUPS      448(SI), Z15
	VBROADCASTSS (DI)(R14*1), Z16
	VFMADD231PS  Z12, Z16, Z0
	VFMADD231PS  Z13, Z16, Z1
	VFMADD231PS  Z14, Z16, Z2
	VFMADD231PS  Z15, Z16, Z3
	VBROADCASTSS 8(DI)(R14*1), Z17
	VFMADD231PS  Z12, Z17, Z4
	VFMADD231PS  Z13, Z17, Z5
	VFMADD231PS  Z14, Z17, Z6
	VFMADD231PS  Z15, Z17, Z7
	VBROADCASTSS 16(DI)(R14*1), Z16
	VFMADD231PS  Z12, Z16, Z8
	VFMADD231PS  Z13, Z16, Z9
	VFMADD231PS  Z14, Z16, Z10
	VFMADD231PS  Z15, Z16, Z11
	ADDQ         $0x00000200, SI
	ADDQ         $0x10, R13
	SUBQ         $0x02, CX
	JMP          loop2

tail:
	TESTQ        CX, CX
	JE           done
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z12
	VMOVUPS      64(SI), Z13
	VMOVUPS      128(SI), Z14
	VMOVUPS      192(SI), Z15
	VBROADCASTSS (DI)(R14*1), Z16
	VFMADD231PS  Z12, Z16, Z0
	VFMADD231PS  Z13, Z16, Z1
	VFMADD231PS  Z14, Z16, Z2
	VFMADD231PS  Z15, Z16, Z3
	VBROADCASTSS 8(DI)(R14*1), Z17
	VFMADD231PS  Z12, Z17, Z4
	VFMADD231PS  Z13, Z17, Z5
	VFMADD231PS  Z14, Z17, Z6
	VFMADD231PS  Z15, Z17, Z7
	VBROADCASTSS 16(DI)(R14*1), Z16
	VFMADD231PS  Z12, Z16, Z8
	VFMADD231PS  Z13, Z16, Z9
	VFMADD231PS  Z14, Z16, Z10
	VFMADD231PS  Z15, Z16, Z11

done:
	TESTQ   $0x00000040, R10
	JNZ     final
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VMOVUPS Z8, 512(DX)
	VMOVUPS Z9, 576(DX)
	VMOVUPS Z10, 640(DX)
	VMOVUPS Z11, 704(DX)
	VZEROUPPER
	RET

final:
	TESTQ  $0x00000002, R10
	JZ     nobias
	MOVQ   bias+64(FP), R11
	VADDPS (R11), Z0, Z0
	VADDPS (R11), Z4, Z4
	VADDPS (R11), Z8, Z8
	VADDPS 64(R11), Z1, Z1
	VADDPS 64(R11), Z5, Z5
	VADDPS 64(R11), Z9, Z9
	VADDPS 128(R11), Z2, Z2
	VADDPS 128(R11), Z6, Z6
	VADDPS 128(R11), Z10, Z10
	VADDPS 192(R11), Z3, Z3
	VADDPS 192(R11), Z7, Z7
	VADDPS 192(R11), Z11, Z11

nobias:
	MOVQ          hw+56(FP), R8
	SHLQ          $0x02, R8
	MOVQ          c+48(FP), R9
	MOVQ          res+72(FP), R11
	MOVQ          cst+80(FP), R12
	MOVL          $0x00000007, AX
	KMOVW         AX, K2
	VUNPCKLPS     Z4, Z0, Z31
	VUNPCKHPS     Z4, Z0, Z30
	VUNPCKLPS     Z8, Z8, Z29
	VUNPCKHPS     Z8, Z8, Z28
	VUNPCKLPS     Z8, Z8, Z27
	VUNPCKHPS     Z8, Z8, Z26
	VUNPCKLPS     Z8, Z8, Z25
	VUNPCKHPS     Z8, Z8, Z24
	VBROADCASTSS  64(R12), Z8
	VBROADCASTSS  68(R12), Z4
	VSHUFPS       $0x44, Z29, Z31, Z0
	VSHUFPS       $0xee, Z29, Z31, Z23
	VSHUFPS       $0x44, Z28, Z30, Z29
	VSHUFPS       $0xee, Z28, Z30, Z31
	VSHUFPS       $0x44, Z25, Z27, Z28
	VSHUFPS       $0xee, Z25, Z27, Z30
	VSHUFPS       $0x44, Z24, Z26, Z25
	VSHUFPS       $0xee, Z24, Z26, Z27
	VSHUFF32X4    $0x44, Z28, Z0, Z24
	VSHUFF32X4    $0xee, Z28, Z0, Z26
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv0e0u0h0:
	VMAXPS  Y24, Y8, Y24
	VMINPS  Y24, Y4, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv0e0u0h1:
	VMAXPS        Y28, Y8, Y28
	VMINPS        Y28, Y4, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e0u1h0:
	VMAXPS  Y26, Y8, Y26
	VMINPS  Y26, Y4, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv0e0u1h1:
	VMAXPS        Y28, Y8, Y28
	VMINPS        Y28, Y4, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z23, Z28
	VSHUFF32X4    $0xee, Z30, Z23, Z26
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv0e1u0h0:
	VMAXPS  Y28, Y8, Y28
	VMINPS  Y28, Y4, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv0e1u0h1:
	VMAXPS        Y30, Y8, Y30
	VMINPS        Y30, Y4, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e1u1h0:
	VMAXPS  Y26, Y8, Y26
	VMINPS  Y26, Y4, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv0e1u1h1:
	VMAXPS        Y30, Y8, Y30
	VMINPS        Y30, Y4, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z29, Z30
	VSHUFF32X4    $0xee, Z25, Z29, Z26
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv0e2u0h0:
	VMAXPS  Y30, Y8, Y30
	VMINPS  Y30, Y4, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv0e2u0h1:
	VMAXPS        Y25, Y8, Y25
	VMINPS        Y25, Y4, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e2u1h0:
	VMAXPS  Y26, Y8, Y26
	VMINPS  Y26, Y4, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv0e2u1h1:
	VMAXPS        Y25, Y8, Y25
	VMINPS        Y25, Y4, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z26
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv0e3u0h0:
	VMAXPS  Y25, Y8, Y25
	VMINPS  Y25, Y4, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv0e3u0h1:
	VMAXPS        Y27, Y8, Y27
	VMINPS        Y27, Y4, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e3u1h0:
	VMAXPS  Y26, Y8, Y26
	VMINPS  Y26, Y4, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv0e3u1h1:
	VMAXPS        Y27, Y8, Y27
	VMINPS        Y27, Y4, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z5, Z1, Z27
	VUNPCKHPS     Z5, Z1, Z26
	VUNPCKLPS     Z9, Z9, Z25
	VUNPCKHPS     Z9, Z9, Z31
	VUNPCKLPS     Z9, Z9, Z30
	VUNPCKHPS     Z9, Z9, Z29
	VUNPCKLPS     Z9, Z9, Z28
	VUNPCKHPS     Z9, Z9, Z23
	VSHUFPS       $0x44, Z25, Z27, Z9
	VSHUFPS       $0xee, Z25, Z27, Z5
	VSHUFPS       $0x44, Z31, Z26, Z25
	VSHUFPS       $0xee, Z31, Z26, Z27
	VSHUFPS       $0x44, Z28, Z30, Z31
	VSHUFPS       $0xee, Z28, Z30, Z26
	VSHUFPS       $0x44, Z23, Z29, Z28
	VSHUFPS       $0xee, Z23, Z29, Z30
	VSHUFF32X4    $0x44, Z31, Z9, Z23
	VSHUFF32X4    $0xee, Z31, Z9, Z29
	VSHUFF32X4    $0xd8, Z23, Z23, Z23
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z23, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u0h0
	VADDPS        (R11), Y23, K2, Y23

noresv1e0u0h0:
	VMAXPS  Y23, Y8, Y23
	VMINPS  Y23, Y4, Y23
	VMOVUPS Y23, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv1e0u0h1:
	VMAXPS        Y31, Y8, Y31
	VMINPS        Y31, Y4, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e0u1h0:
	VMAXPS  Y29, Y8, Y29
	VMINPS  Y29, Y4, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv1e0u1h1:
	VMAXPS        Y31, Y8, Y31
	VMINPS        Y31, Y4, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z5, Z31
	VSHUFF32X4    $0xee, Z26, Z5, Z29
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv1e1u0h0:
	VMAXPS  Y31, Y8, Y31
	VMINPS  Y31, Y4, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv1e1u0h1:
	VMAXPS        Y26, Y8, Y26
	VMINPS        Y26, Y4, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e1u1h0:
	VMAXPS  Y29, Y8, Y29
	VMINPS  Y29, Y4, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv1e1u1h1:
	VMAXPS        Y26, Y8, Y26
	VMINPS        Y26, Y4, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z28, Z25, Z26
	VSHUFF32X4    $0xee, Z28, Z25, Z29
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u0h0
	VADDPS        (R11), Y26, K2, Y26

noresv1e2u0h0:
	VMAXPS  Y26, Y8, Y26
	VMINPS  Y26, Y4, Y26
	VMOVUPS Y26, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv1e2u0h1:
	VMAXPS        Y28, Y8, Y28
	VMINPS        Y28, Y4, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e2u1h0:
	VMAXPS  Y29, Y8, Y29
	VMINPS  Y29, Y4, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv1e2u1h1:
	VMAXPS        Y28, Y8, Y28
	VMINPS        Y28, Y4, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z27, Z28
	VSHUFF32X4    $0xee, Z30, Z27, Z29
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv1e3u0h0:
	VMAXPS  Y28, Y8, Y28
	VMINPS  Y28, Y4, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv1e3u0h1:
	VMAXPS        Y30, Y8, Y30
	VMINPS        Y30, Y4, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e3u1h0:
	VMAXPS  Y29, Y8, Y29
	VMINPS  Y29, Y4, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv1e3u1h1:
	VMAXPS        Y30, Y8, Y30
	VMINPS        Y30, Y4, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z6, Z2, Z30
	VUNPCKHPS     Z6, Z2, Z29
	VUNPCKLPS     Z10, Z10, Z28
	VUNPCKHPS     Z10, Z10, Z27
	VUNPCKLPS     Z10, Z10, Z26
	VUNPCKHPS     Z10, Z10, Z25
	VUNPCKLPS     Z10, Z10, Z31
	VUNPCKHPS     Z10, Z10, Z5
	VSHUFPS       $0x44, Z28, Z30, Z10
	VSHUFPS       $0xee, Z28, Z30, Z6
	VSHUFPS       $0x44, Z27, Z29, Z28
	VSHUFPS       $0xee, Z27, Z29, Z30
	VSHUFPS       $0x44, Z31, Z26, Z27
	VSHUFPS       $0xee, Z31, Z26, Z29
	VSHUFPS       $0x44, Z5, Z25, Z31
	VSHUFPS       $0xee, Z5, Z25, Z26
	VSHUFF32X4    $0x44, Z27, Z10, Z5
	VSHUFF32X4    $0xee, Z27, Z10, Z25
	VSHUFF32X4    $0xd8, Z5, Z5, Z5
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z5, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u0h0
	VADDPS        (R11), Y5, K2, Y5

noresv2e0u0h0:
	VMAXPS  Y5, Y8, Y5
	VMINPS  Y5, Y4, Y5
	VMOVUPS Y5, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv2e0u0h1:
	VMAXPS        Y27, Y8, Y27
	VMINPS        Y27, Y4, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e0u1h0:
	VMAXPS  Y25, Y8, Y25
	VMINPS  Y25, Y4, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv2e0u1h1:
	VMAXPS        Y27, Y8, Y27
	VMINPS        Y27, Y4, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z6, Z27
	VSHUFF32X4    $0xee, Z29, Z6, Z25
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv2e1u0h0:
	VMAXPS  Y27, Y8, Y27
	VMINPS  Y27, Y4, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv2e1u0h1:
	VMAXPS        Y29, Y8, Y29
	VMINPS        Y29, Y4, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e1u1h0:
	VMAXPS  Y25, Y8, Y25
	VMINPS  Y25, Y4, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv2e1u1h1:
	VMAXPS        Y29, Y8, Y29
	VMINPS        Y29, Y4, Y29
	VMOVUPS       Y29, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z31, Z28, Z29
	VSHUFF32X4    $0xee, Z31, Z28, Z25
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u0h0
	VADDPS        (R11), Y29, K2, Y29

noresv2e2u0h0:
	VMAXPS  Y29, Y8, Y29
	VMINPS  Y29, Y4, Y29
	VMOVUPS Y29, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv2e2u0h1:
	VMAXPS        Y31, Y8, Y31
	VMINPS        Y31, Y4, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e2u1h0:
	VMAXPS  Y25, Y8, Y25
	VMINPS  Y25, Y4, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv2e2u1h1:
	VMAXPS        Y31, Y8, Y31
	VMINPS        Y31, Y4, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z30, Z31
	VSHUFF32X4    $0xee, Z26, Z30, Z25
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv2e3u0h0:
	VMAXPS  Y31, Y8, Y31
	VMINPS  Y31, Y4, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv2e3u0h1:
	VMAXPS        Y26, Y8, Y26
	VMINPS        Y26, Y4, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e3u1h0:
	VMAXPS  Y25, Y8, Y25
	VMINPS  Y25, Y4, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv2e3u1h1:
	VMAXPS        Y26, Y8, Y26
	VMINPS        Y26, Y4, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z7, Z3, Z26
	VUNPCKHPS     Z7, Z3, Z25
	VUNPCKLPS     Z11, Z11, Z31
	VUNPCKHPS     Z11, Z11, Z30
	VUNPCKLPS     Z11, Z11, Z29
	VUNPCKHPS     Z11, Z11, Z28
	VUNPCKLPS     Z11, Z11, Z27
	VUNPCKHPS     Z11, Z11, Z6
	VSHUFPS       $0x44, Z31, Z26, Z11
	VSHUFPS       $0xee, Z31, Z26, Z7
	VSHUFPS       $0x44, Z30, Z25, Z31
	VSHUFPS       $0xee, Z30, Z25, Z26
	VSHUFPS       $0x44, Z27, Z29, Z30
	VSHUFPS       $0xee, Z27, Z29, Z25
	VSHUFPS       $0x44, Z6, Z28, Z27
	VSHUFPS       $0xee, Z6, Z28, Z29
	VSHUFF32X4    $0x44, Z30, Z11, Z6
	VSHUFF32X4    $0xee, Z30, Z11, Z28
	VSHUFF32X4    $0xd8, Z6, Z6, Z6
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z6, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u0h0
	VADDPS        (R11), Y6, K2, Y6

noresv3e0u0h0:
	VMAXPS  Y6, Y8, Y6
	VMINPS  Y6, Y4, Y6
	VMOVUPS Y6, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv3e0u0h1:
	VMAXPS        Y30, Y8, Y30
	VMINPS        Y30, Y4, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e0u1h0:
	VMAXPS  Y28, Y8, Y28
	VMINPS  Y28, Y4, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv3e0u1h1:
	VMAXPS        Y30, Y8, Y30
	VMINPS        Y30, Y4, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z7, Z30
	VSHUFF32X4    $0xee, Z25, Z7, Z28
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv3e1u0h0:
	VMAXPS  Y30, Y8, Y30
	VMINPS  Y30, Y4, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv3e1u0h1:
	VMAXPS        Y25, Y8, Y25
	VMINPS        Y25, Y4, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e1u1h0:
	VMAXPS  Y28, Y8, Y28
	VMINPS  Y28, Y4, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv3e1u1h1:
	VMAXPS        Y25, Y8, Y25
	VMINPS        Y25, Y4, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z28
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv3e2u0h0:
	VMAXPS  Y25, Y8, Y25
	VMINPS  Y25, Y4, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv3e2u0h1:
	VMAXPS        Y27, Y8, Y27
	VMINPS        Y27, Y4, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e2u1h0:
	VMAXPS  Y28, Y8, Y28
	VMINPS  Y28, Y4, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv3e2u1h1:
	VMAXPS        Y27, Y8, Y27
	VMINPS        Y27, Y4, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z26, Z27
	VSHUFF32X4    $0xee, Z29, Z26, Z28
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv3e3u0h0:
	VMAXPS  Y27, Y8, Y27
	VMINPS  Y27, Y4, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv3e3u0h1:
	VMAXPS        Y29, Y8, Y29
	VMINPS        Y29, Y4, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e3u1h0:
	VMAXPS  Y28, Y8, Y28
	VMINPS  Y28, Y4, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv3e3u1h1:
	VMAXPS  Y29, Y8, Y29
	VMINPS  Y29, Y4, Y29
	VMOVUPS Y29, K2, (SI)(R8*4)
	ADDQ    R8, R9
	ADDQ    R8, R11
	LEAQ    (R9)(R8*8), R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	LEAQ    (R11)(R8*8), R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	VZEROUPPER
	RET

// func r18sCiS2P4N4(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)
TEXT ·r18sCiS2P4N4(SB), NOSPLIT, $0-96
	MOVQ   k+0(FP), CX
	MOVQ   w+8(FP), SI
	MOVQ   x+16(FP), DI
	MOVQ   offs+24(FP), R13
	MOVQ   acc+32(FP), DX
	MOVQ   flags+40(FP), R10
	MOVQ   pf+88(FP), BX
	TESTQ  $0x00000001, R10
	JNZ    load
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	VXORPS Z10, Z10, Z10
	VXORPS Z11, Z11, Z11
	VXORPS Z12, Z12, Z12
	VXORPS Z13, Z13, Z13
	VXORPS Z14, Z14, Z14
	VXORPS Z15, Z15, Z15
	JMP    loop2

load:
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	VMOVUPS 256(DX), Z4
	VMOVUPS 320(DX), Z5
	VMOVUPS 384(DX), Z6
	VMOVUPS 448(DX), Z7
	VMOVUPS 512(DX), Z8
	VMOVUPS 576(DX), Z9
	VMOVUPS 640(DX), Z10
	VMOVUPS 704(DX), Z11
	VMOVUPS 768(DX), Z12
	VMOVUPS 832(DX), Z13
	VMOVUPS 896(DX), Z14
	VMOVUPS 960(DX), Z15

loop2:
	CMPQ         CX, $0x02
	JL           tail
	PREFETCHT0   2048(SI)
	PREFETCHT1   (BX)
	ADDQ         $0x40, BX
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z16
	VMOVUPS      64(SI), Z17
	VMOVUPS      128(SI), Z18
	VMOVUPS      192(SI), Z19
	VBROADCASTSS (DI)(R14*1), Z20
	VFMADD231PS  Z16, Z20, Z0
	VFMADD231PS  Z17, Z20, Z1
	VFMADD231PS  Z18, Z20, Z2
	VFMADD231PS  Z19, Z20, Z3
	VBROADCASTSS 8(DI)(R14*1), Z21
	VFMADD231PS  Z16, Z21, Z4
	VFMADD231PS  Z17, Z21, Z5
	VFMADD231PS  Z18, Z21, Z6
	VFMADD231PS  Z19, Z21, Z7
	VBROADCASTSS 16(DI)(R14*1), Z20
	VFMADD231PS  Z16, Z20, Z8
	VFMADD231PS  Z17, Z20, Z9
	VFMADD231PS  Z18, Z20, Z10
	VFMADD231PS  Z19, Z20, Z11
	VBROADCASTSS 24(DI)(R14*1), Z21
	VFMADD231PS  Z16, Z21, Z12
	VFMADD231PS  Z17, Z21, Z13
	VFMADD231PS  Z18, Z21, Z14
	VFMADD231PS  Z19, Z21, Z15
	MOVQ         8(R13), R14
	VMOVUPS      256(SI), Z16
	VMOVUPS      320(SI), Z17
	VMOVUPS      384(SI), Z18
	VMOVUPS      448(SI), Z19
	VBROADCASTSS (DI)(R14*1), Z20
	VFMADD231PS  Z16, Z20, Z0
	VFMADD231PS  Z17, Z20, Z1
	VFMADD231PS  Z18, Z20, Z2
	VFMADD231PS  Z19, Z20, Z3
	VBROADCASTSS 8(DI)(R14*1), Z21
	VFMADD231PS  Z16, Z21, Z4
	VFMADD231PS  Z17, Z21, Z5
	VFMADD231PS  Z18, Z21, Z6
	VFMADD231PS  Z19, Z21, Z7
	VBROADCASTSS 16(DI)(R14*1), Z20
	VFMADD231PS  Z16, Z20, Z8
	VFMADD231PS  Z17, Z20, Z9
	VFMADD231PS  Z18, Z20, Z10
	VFMADD231PS  Z19, Z20, Z11
	VBROADCASTSS 24(DI)(R14*1), Z21
	VFMADD231PS  Z16, Z21, Z12
	VFMADD231PS  Z17, Z21, Z13
	VFMADD231PS  Z18, Z21, Z14
	VFMADD231PS  Z19, Z21, Z15
	ADDQ         $0x00000200, SI
	ADDQ         $0x10, R13
	SUBQ         $0x02, CX
	JMP          loop2

tail:
	TESTQ        CX, CX
	JE           done
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z16
	VMOVUPS      64(SI), Z17
	VMOVUPS      128(SI), Z18
	VMOVUPS      192(SI), Z19
	VBROADCASTSS (DI)(R14*1), Z20
	VFMADD231PS  Z16, Z20, Z0
	VFMADD231PS  Z17, Z20, Z1
	VFMADD231PS  Z18, Z20, Z2
	VFMADD231PS  Z19, Z20, Z3
	VBROADCASTSS 8(DI)(R14*1), Z21
	VFMADD231PS  Z16, Z21, Z4
	VFMADD231PS  Z17, Z21, Z5
	VFMADD231PS  Z18, Z21, Z6
	VFMADD231PS  Z19, Z21, Z7
	VBROADCASTSS 16(DI)(R14*1), Z20
	VFMADD231PS  Z16, Z20, Z8
	VFMADD231PS  Z17, Z20, Z9
	VFMADD231PS  Z18, Z20, Z10
	VFMADD231PS  Z19, Z20, Z11
	VBROADCASTSS 24(DI)(R14*1), Z21
	VFMADD231PS  Z16, Z21, Z12
	VFMADD231PS  Z17, Z21, Z13
	VFMADD231PS  Z18, Z21, Z14
	VFMADD231PS  Z19, Z21, Z15

done:
	TESTQ   $0x00000040, R10
	JNZ     final
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VMOVUPS Z8, 512(DX)
	VMOVUPS Z9, 576(DX)
	VMOVUPS Z10, 640(DX)
	VMOVUPS Z11, 704(DX)
	VMOVUPS Z12, 768(DX)
	VMOVUPS Z13, 832(DX)
	VMOVUPS Z14, 896(DX)
	VMOVUPS Z15, 960(DX)
	VZEROUPPER
	RET

final:
	TESTQ  $0x00000002, R10
	JZ     nobias
	MOVQ   bias+64(FP), R11
	VADDPS (R11), Z0, Z0
	VADDPS (R11), Z4, Z4
	VADDPS (R11), Z8, Z8
	VADDPS (R11), Z12, Z12
	VADDPS 64(R11), Z1, Z1
	VADDPS 64(R11), Z5, Z5
	VADDPS 64(R11), Z9, Z9
	VADDPS 64(R11), Z13, Z13
	VADDPS 128(R11), Z2, Z2
	VADDPS 128(R11), Z6, Z6
	VADDPS 128(R11), Z10, Z10
	VADDPS 128(R11), Z14, Z14
	VADDPS 192(R11), Z3, Z3
	VADDPS 192(R11), Z7, Z7
	VADDPS 192(R11), Z11, Z11
	VADDPS 192(R11), Z15, Z15

nobias:
	MOVQ          hw+56(FP), R8
	SHLQ          $0x02, R8
	MOVQ          c+48(FP), R9
	MOVQ          res+72(FP), R11
	MOVQ          cst+80(FP), R12
	MOVL          $0x0000000f, AX
	KMOVW         AX, K2
	VUNPCKLPS     Z4, Z0, Z31
	VUNPCKHPS     Z4, Z0, Z30
	VUNPCKLPS     Z12, Z8, Z29
	VUNPCKHPS     Z12, Z8, Z28
	VUNPCKLPS     Z12, Z12, Z27
	VUNPCKHPS     Z12, Z12, Z26
	VUNPCKLPS     Z12, Z12, Z25
	VUNPCKHPS     Z12, Z12, Z24
	VBROADCASTSS  64(R12), Z12
	VBROADCASTSS  68(R12), Z8
	VSHUFPS       $0x44, Z29, Z31, Z4
	VSHUFPS       $0xee, Z29, Z31, Z0
	VSHUFPS       $0x44, Z28, Z30, Z29
	VSHUFPS       $0xee, Z28, Z30, Z31
	VSHUFPS       $0x44, Z25, Z27, Z28
	VSHUFPS       $0xee, Z25, Z27, Z30
	VSHUFPS       $0x44, Z24, Z26, Z25
	VSHUFPS       $0xee, Z24, Z26, Z27
	VSHUFF32X4    $0x44, Z28, Z4, Z24
	VSHUFF32X4    $0xee, Z28, Z4, Z26
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv0e0u0h0:
	VMAXPS  Y24, Y12, Y24
	VMINPS  Y24, Y8, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv0e0u0h1:
	VMAXPS        Y28, Y12, Y28
	VMINPS        Y28, Y8, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e0u1h0:
	VMAXPS  Y26, Y12, Y26
	VMINPS  Y26, Y8, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv0e0u1h1:
	VMAXPS        Y28, Y12, Y28
	VMINPS        Y28, Y8, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z0, Z28
	VSHUFF32X4    $0xee, Z30, Z0, Z26
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv0e1u0h0:
	VMAXPS  Y28, Y12, Y28
	VMINPS  Y28, Y8, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv0e1u0h1:
	VMAXPS        Y30, Y12, Y30
	VMINPS        Y30, Y8, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e1u1h0:
	VMAXPS  Y26, Y12, Y26
	VMINPS  Y26, Y8, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv0e1u1h1:
	VMAXPS        Y30, Y12, Y30
	VMINPS        Y30, Y8, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z29, Z30
	VSHUFF32X4    $0xee, Z25, Z29, Z26
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv0e2u0h0:
	VMAXPS  Y30, Y12, Y30
	VMINPS  Y30, Y8, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv0e2u0h1:
	VMAXPS        Y25, Y12, Y25
	VMINPS        Y25, Y8, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e2u1h0:
	VMAXPS  Y26, Y12, Y26
	VMINPS  Y26, Y8, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv0e2u1h1:
	VMAXPS        Y25, Y12, Y25
	VMINPS        Y25, Y8, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z26
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv0e3u0h0:
	VMAXPS  Y25, Y12, Y25
	VMINPS  Y25, Y8, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv0e3u0h1:
	VMAXPS        Y27, Y12, Y27
	VMINPS        Y27, Y8, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e3u1h0:
	VMAXPS  Y26, Y12, Y26
	VMINPS  Y26, Y8, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv0e3u1h1:
	VMAXPS        Y27, Y12, Y27
	VMINPS        Y27, Y8, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z5, Z1, Z27
	VUNPCKHPS     Z5, Z1, Z26
	VUNPCKLPS     Z13, Z9, Z25
	VUNPCKHPS     Z13, Z9, Z31
	VUNPCKLPS     Z13, Z13, Z30
	VUNPCKHPS     Z13, Z13, Z29
	VUNPCKLPS     Z13, Z13, Z28
	VUNPCKHPS     Z13, Z13, Z0
	VSHUFPS       $0x44, Z25, Z27, Z13
	VSHUFPS       $0xee, Z25, Z27, Z9
	VSHUFPS       $0x44, Z31, Z26, Z25
	VSHUFPS       $0xee, Z31, Z26, Z27
	VSHUFPS       $0x44, Z28, Z30, Z31
	VSHUFPS       $0xee, Z28, Z30, Z26
	VSHUFPS       $0x44, Z0, Z29, Z28
	VSHUFPS       $0xee, Z0, Z29, Z30
	VSHUFF32X4    $0x44, Z31, Z13, Z0
	VSHUFF32X4    $0xee, Z31, Z13, Z29
	VSHUFF32X4    $0xd8, Z0, Z0, Z0
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z0, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u0h0
	VADDPS        (R11), Y0, K2, Y0

noresv1e0u0h0:
	VMAXPS  Y0, Y12, Y0
	VMINPS  Y0, Y8, Y0
	VMOVUPS Y0, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv1e0u0h1:
	VMAXPS        Y31, Y12, Y31
	VMINPS        Y31, Y8, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e0u1h0:
	VMAXPS  Y29, Y12, Y29
	VMINPS  Y29, Y8, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv1e0u1h1:
	VMAXPS        Y31, Y12, Y31
	VMINPS        Y31, Y8, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z9, Z31
	VSHUFF32X4    $0xee, Z26, Z9, Z29
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv1e1u0h0:
	VMAXPS  Y31, Y12, Y31
	VMINPS  Y31, Y8, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv1e1u0h1:
	VMAXPS        Y26, Y12, Y26
	VMINPS        Y26, Y8, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e1u1h0:
	VMAXPS  Y29, Y12, Y29
	VMINPS  Y29, Y8, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv1e1u1h1:
	VMAXPS        Y26, Y12, Y26
	VMINPS        Y26, Y8, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z28, Z25, Z26
	VSHUFF32X4    $0xee, Z28, Z25, Z29
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u0h0
	VADDPS        (R11), Y26, K2, Y26

noresv1e2u0h0:
	VMAXPS  Y26, Y12, Y26
	VMINPS  Y26, Y8, Y26
	VMOVUPS Y26, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv1e2u0h1:
	VMAXPS        Y28, Y12, Y28
	VMINPS        Y28, Y8, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e2u1h0:
	VMAXPS  Y29, Y12, Y29
	VMINPS  Y29, Y8, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv1e2u1h1:
	VMAXPS        Y28, Y12, Y28
	VMINPS        Y28, Y8, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z27, Z28
	VSHUFF32X4    $0xee, Z30, Z27, Z29
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv1e3u0h0:
	VMAXPS  Y28, Y12, Y28
	VMINPS  Y28, Y8, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv1e3u0h1:
	VMAXPS        Y30, Y12, Y30
	VMINPS        Y30, Y8, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e3u1h0:
	VMAXPS  Y29, Y12, Y29
	VMINPS  Y29, Y8, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv1e3u1h1:
	VMAXPS        Y30, Y12, Y30
	VMINPS        Y30, Y8, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z6, Z2, Z30
	VUNPCKHPS     Z6, Z2, Z29
	VUNPCKLPS     Z14, Z10, Z28
	VUNPCKHPS     Z14, Z10, Z27
	VUNPCKLPS     Z14, Z14, Z26
	VUNPCKHPS     Z14, Z14, Z25
	VUNPCKLPS     Z14, Z14, Z31
	VUNPCKHPS     Z14, Z14, Z9
	VSHUFPS       $0x44, Z28, Z30, Z14
	VSHUFPS       $0xee, Z28, Z30, Z10
	VSHUFPS       $0x44, Z27, Z29, Z28
	VSHUFPS       $0xee, Z27, Z29, Z30
	VSHUFPS       $0x44, Z31, Z26, Z27
	VSHUFPS       $0xee, Z31, Z26, Z29
	VSHUFPS       $0x44, Z9, Z25, Z31
	VSHUFPS       $0xee, Z9, Z25, Z26
	VSHUFF32X4    $0x44, Z27, Z14, Z9
	VSHUFF32X4    $0xee, Z27, Z14, Z25
	VSHUFF32X4    $0xd8, Z9, Z9, Z9
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z9, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u0h0
	VADDPS        (R11), Y9, K2, Y9

noresv2e0u0h0:
	VMAXPS  Y9, Y12, Y9
	VMINPS  Y9, Y8, Y9
	VMOVUPS Y9, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv2e0u0h1:
	VMAXPS        Y27, Y12, Y27
	VMINPS        Y27, Y8, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e0u1h0:
	VMAXPS  Y25, Y12, Y25
	VMINPS  Y25, Y8, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv2e0u1h1:
	VMAXPS        Y27, Y12, Y27
	VMINPS        Y27, Y8, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z10, Z27
	VSHUFF32X4    $0xee, Z29, Z10, Z25
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv2e1u0h0:
	VMAXPS  Y27, Y12, Y27
	VMINPS  Y27, Y8, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv2e1u0h1:
	VMAXPS        Y29, Y12, Y29
	VMINPS        Y29, Y8, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e1u1h0:
	VMAXPS  Y25, Y12, Y25
	VMINPS  Y25, Y8, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv2e1u1h1:
	VMAXPS        Y29, Y12, Y29
	VMINPS        Y29, Y8, Y29
	VMOVUPS       Y29, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z31, Z28, Z29
	VSHUFF32X4    $0xee, Z31, Z28, Z25
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u0h0
	VADDPS        (R11), Y29, K2, Y29

noresv2e2u0h0:
	VMAXPS  Y29, Y12, Y29
	VMINPS  Y29, Y8, Y29
	VMOVUPS Y29, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv2e2u0h1:
	VMAXPS        Y31, Y12, Y31
	VMINPS        Y31, Y8, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e2u1h0:
	VMAXPS  Y25, Y12, Y25
	VMINPS  Y25, Y8, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv2e2u1h1:
	VMAXPS        Y31, Y12, Y31
	VMINPS        Y31, Y8, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z30, Z31
	VSHUFF32X4    $0xee, Z26, Z30, Z25
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv2e3u0h0:
	VMAXPS  Y31, Y12, Y31
	VMINPS  Y31, Y8, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv2e3u0h1:
	VMAXPS        Y26, Y12, Y26
	VMINPS        Y26, Y8, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e3u1h0:
	VMAXPS  Y25, Y12, Y25
	VMINPS  Y25, Y8, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv2e3u1h1:
	VMAXPS        Y26, Y12, Y26
	VMINPS        Y26, Y8, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z7, Z3, Z26
	VUNPCKHPS     Z7, Z3, Z25
	VUNPCKLPS     Z15, Z11, Z31
	VUNPCKHPS     Z15, Z11, Z30
	VUNPCKLPS     Z15, Z15, Z29
	VUNPCKHPS     Z15, Z15, Z28
	VUNPCKLPS     Z15, Z15, Z27
	VUNPCKHPS     Z15, Z15, Z10
	VSHUFPS       $0x44, Z31, Z26, Z15
	VSHUFPS       $0xee, Z31, Z26, Z11
	VSHUFPS       $0x44, Z30, Z25, Z31
	VSHUFPS       $0xee, Z30, Z25, Z26
	VSHUFPS       $0x44, Z27, Z29, Z30
	VSHUFPS       $0xee, Z27, Z29, Z25
	VSHUFPS       $0x44, Z10, Z28, Z27
	VSHUFPS       $0xee, Z10, Z28, Z29
	VSHUFF32X4    $0x44, Z30, Z15, Z10
	VSHUFF32X4    $0xee, Z30, Z15, Z28
	VSHUFF32X4    $0xd8, Z10, Z10, Z10
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z10, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u0h0
	VADDPS        (R11), Y10, K2, Y10

noresv3e0u0h0:
	VMAXPS  Y10, Y12, Y10
	VMINPS  Y10, Y8, Y10
	VMOVUPS Y10, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv3e0u0h1:
	VMAXPS        Y30, Y12, Y30
	VMINPS        Y30, Y8, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e0u1h0:
	VMAXPS  Y28, Y12, Y28
	VMINPS  Y28, Y8, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv3e0u1h1:
	VMAXPS        Y30, Y12, Y30
	VMINPS        Y30, Y8, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z11, Z30
	VSHUFF32X4    $0xee, Z25, Z11, Z28
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv3e1u0h0:
	VMAXPS  Y30, Y12, Y30
	VMINPS  Y30, Y8, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv3e1u0h1:
	VMAXPS        Y25, Y12, Y25
	VMINPS        Y25, Y8, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e1u1h0:
	VMAXPS  Y28, Y12, Y28
	VMINPS  Y28, Y8, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv3e1u1h1:
	VMAXPS        Y25, Y12, Y25
	VMINPS        Y25, Y8, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z28
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv3e2u0h0:
	VMAXPS  Y25, Y12, Y25
	VMINPS  Y25, Y8, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv3e2u0h1:
	VMAXPS        Y27, Y12, Y27
	VMINPS        Y27, Y8, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e2u1h0:
	VMAXPS  Y28, Y12, Y28
	VMINPS  Y28, Y8, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv3e2u1h1:
	VMAXPS        Y27, Y12, Y27
	VMINPS        Y27, Y8, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z26, Z27
	VSHUFF32X4    $0xee, Z29, Z26, Z28
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv3e3u0h0:
	VMAXPS  Y27, Y12, Y27
	VMINPS  Y27, Y8, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv3e3u0h1:
	VMAXPS        Y29, Y12, Y29
	VMINPS        Y29, Y8, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e3u1h0:
	VMAXPS  Y28, Y12, Y28
	VMINPS  Y28, Y8, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv3e3u1h1:
	VMAXPS  Y29, Y12, Y29
	VMINPS  Y29, Y8, Y29
	VMOVUPS Y29, K2, (SI)(R8*4)
	ADDQ    R8, R9
	ADDQ    R8, R11
	LEAQ    (R9)(R8*8), R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	LEAQ    (R11)(R8*8), R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	VZEROUPPER
	RET

// func r18sCiS2P5N4(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)
TEXT ·r18sCiS2P5N4(SB), NOSPLIT, $0-96
	MOVQ   k+0(FP), CX
	MOVQ   w+8(FP), SI
	MOVQ   x+16(FP), DI
	MOVQ   offs+24(FP), R13
	MOVQ   acc+32(FP), DX
	MOVQ   flags+40(FP), R10
	MOVQ   pf+88(FP), BX
	TESTQ  $0x00000001, R10
	JNZ    load
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	VXORPS Z10, Z10, Z10
	VXORPS Z11, Z11, Z11
	VXORPS Z12, Z12, Z12
	VXORPS Z13, Z13, Z13
	VXORPS Z14, Z14, Z14
	VXORPS Z15, Z15, Z15
	VXORPS Z16, Z16, Z16
	VXORPS Z17, Z17, Z17
	VXORPS Z18, Z18, Z18
	VXORPS Z19, Z19, Z19
	JMP    loop2

load:
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	VMOVUPS 256(DX), Z4
	VMOVUPS 320(DX), Z5
	VMOVUPS 384(DX), Z6
	VMOVUPS 448(DX), Z7
	VMOVUPS 512(DX), Z8
	VMOVUPS 576(DX), Z9
	VMOVUPS 640(DX), Z10
	VMOVUPS 704(DX), Z11
	VMOVUPS 768(DX), Z12
	VMOVUPS 832(DX), Z13
	VMOVUPS 896(DX), Z14
	VMOVUPS 960(DX), Z15
	VMOVUPS 1024(DX), Z16
	VMOVUPS 1088(DX), Z17
	VMOVUPS 1152(DX), Z18
	VMOVUPS 1216(DX), Z19

loop2:
	CMPQ         CX, $0x02
	JL           tail
	PREFETCHT0   2048(SI)
	PREFETCHT1   (BX)
	ADDQ         $0x40, BX
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z20
	VMOVUPS      64(SI), Z21
	VMOVUPS      128(SI), Z22
	VMOVUPS      192(SI), Z23
	VBROADCASTSS (DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z0
	VFMADD231PS  Z21, Z24, Z1
	VFMADD231PS  Z22, Z24, Z2
	VFMADD231PS  Z23, Z24, Z3
	VBROADCASTSS 8(DI)(R14*1), Z25
	VFMADD231PS  Z20, Z25, Z4
	VFMADD231PS  Z21, Z25, Z5
	VFMADD231PS  Z22, Z25, Z6
	VFMADD231PS  Z23, Z25, Z7
	VBROADCASTSS 16(DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z8
	VFMADD231PS  Z21, Z24, Z9
	VFMADD231PS  Z22, Z24, Z10
	VFMADD231PS  Z23, Z24, Z11
	VBROADCASTSS 24(DI)(R14*1), Z25
	VFMADD231PS  Z20, Z25, Z12
	VFMADD231PS  Z21, Z25, Z13
	VFMADD231PS  Z22, Z25, Z14
	VFMADD231PS  Z23, Z25, Z15
	VBROADCASTSS 32(DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z16
	VFMADD231PS  Z21, Z24, Z17
	VFMADD231PS  Z22, Z24, Z18
	VFMADD231PS  Z23, Z24, Z19
	MOVQ         8(R13), R14
	VMOVUPS      256(SI), Z20
	VMOVUPS      320(SI), Z21
	VMOVUPS      384(SI), Z22
	VMOVUPS      448(SI), Z23
	VBROADCASTSS (DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z0
	VFMADD231PS  Z21, Z24, Z1
	VFMADD231PS  Z22, Z24, Z2
	VFMADD231PS  Z23, Z24, Z3
	VBROADCASTSS 8(DI)(R14*1), Z25
	VFMADD231PS  Z20, Z25, Z4
	VFMADD231PS  Z21, Z25, Z5
	VFMADD231PS  Z22, Z25, Z6
	VFMADD231PS  Z23, Z25, Z7
	VBROADCASTSS 16(DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z8
	VFMADD231PS  Z21, Z24, Z9
	VFMADD231PS  Z22, Z24, Z10
	VFMADD231PS  Z23, Z24, Z11
	VBROADCASTSS 24(DI)(R14*1), Z25
	VFMADD231PS  Z20, Z25, Z12
	VFMADD231PS  Z21, Z25, Z13
	VFMADD231PS  Z22, Z25, Z14
	VFMADD231PS  Z23, Z25, Z15
	VBROADCASTSS 32(DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z16
	VFMADD231PS  Z21, Z24, Z17
	VFMADD231PS  Z22, Z24, Z18
	VFMADD231PS  Z23, Z24, Z19
	ADDQ         $0x00000200, SI
	ADDQ         $0x10, R13
	SUBQ         $0x02, CX
	JMP          loop2

tail:
	TESTQ        CX, CX
	JE           done
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z20
	VMOVUPS      64(SI), Z21
	VMOVUPS      128(SI), Z22
	VMOVUPS      192(SI), Z23
	VBROADCASTSS (DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z0
	VFMADD231PS  Z21, Z24, Z1
	VFMADD231PS  Z22, Z24, Z2
	VFMADD231PS  Z23, Z24, Z3
	VBROADCASTSS 8(DI)(R14*1), Z25
	VFMADD231PS  Z20, Z25, Z4
	VFMADD231PS  Z21, Z25, Z5
	VFMADD231PS  Z22, Z25, Z6
	VFMADD231PS  Z23, Z25, Z7
	VBROADCASTSS 16(DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z8
	VFMADD231PS  Z21, Z24, Z9
	VFMADD231PS  Z22, Z24, Z10
	VFMADD231PS  Z23, Z24, Z11
	VBROADCASTSS 24(DI)(R14*1), Z25
	VFMADD231PS  Z20, Z25, Z12
	VFMADD231PS  Z21, Z25, Z13
	VFMADD231PS  Z22, Z25, Z14
	VFMADD231PS  Z23, Z25, Z15
	VBROADCASTSS 32(DI)(R14*1), Z24
	VFMADD231PS  Z20, Z24, Z16
	VFMADD231PS  Z21, Z24, Z17
	VFMADD231PS  Z22, Z24, Z18
	VFMADD231PS  Z23, Z24, Z19

done:
	TESTQ   $0x00000040, R10
	JNZ     final
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VMOVUPS Z8, 512(DX)
	VMOVUPS Z9, 576(DX)
	VMOVUPS Z10, 640(DX)
	VMOVUPS Z11, 704(DX)
	VMOVUPS Z12, 768(DX)
	VMOVUPS Z13, 832(DX)
	VMOVUPS Z14, 896(DX)
	VMOVUPS Z15, 960(DX)
	VMOVUPS Z16, 1024(DX)
	VMOVUPS Z17, 1088(DX)
	VMOVUPS Z18, 1152(DX)
	VMOVUPS Z19, 1216(DX)
	VZEROUPPER
	RET

final:
	TESTQ  $0x00000002, R10
	JZ     nobias
	MOVQ   bias+64(FP), R11
	VADDPS (R11), Z0, Z0
	VADDPS (R11), Z4, Z4
	VADDPS (R11), Z8, Z8
	VADDPS (R11), Z12, Z12
	VADDPS (R11), Z16, Z16
	VADDPS 64(R11), Z1, Z1
	VADDPS 64(R11), Z5, Z5
	VADDPS 64(R11), Z9, Z9
	VADDPS 64(R11), Z13, Z13
	VADDPS 64(R11), Z17, Z17
	VADDPS 128(R11), Z2, Z2
	VADDPS 128(R11), Z6, Z6
	VADDPS 128(R11), Z10, Z10
	VADDPS 128(R11), Z14, Z14
	VADDPS 128(R11), Z18, Z18
	VADDPS 192(R11), Z3, Z3
	VADDPS 192(R11), Z7, Z7
	VADDPS 192(R11), Z11, Z11
	VADDPS 192(R11), Z15, Z15
	VADDPS 192(R11), Z19, Z19

nobias:
	MOVQ          hw+56(FP), R8
	SHLQ          $0x02, R8
	MOVQ          c+48(FP), R9
	MOVQ          res+72(FP), R11
	MOVQ          cst+80(FP), R12
	MOVL          $0x0000001f, AX
	KMOVW         AX, K2
	VUNPCKLPS     Z4, Z0, Z31
	VUNPCKHPS     Z4, Z0, Z30
	VUNPCKLPS     Z12, Z8, Z29
	VUNPCKHPS     Z12, Z8, Z28
	VUNPCKLPS     Z16, Z16, Z27
	VUNPCKHPS     Z16, Z16, Z26
	VUNPCKLPS     Z16, Z16, Z25
	VUNPCKHPS     Z16, Z16, Z24
	VBROADCASTSS  64(R12), Z16
	VBROADCASTSS  68(R12), Z12
	VSHUFPS       $0x44, Z29, Z31, Z8
	VSHUFPS       $0xee, Z29, Z31, Z4
	VSHUFPS       $0x44, Z28, Z30, Z29
	VSHUFPS       $0xee, Z28, Z30, Z31
	VSHUFPS       $0x44, Z25, Z27, Z28
	VSHUFPS       $0xee, Z25, Z27, Z30
	VSHUFPS       $0x44, Z24, Z26, Z25
	VSHUFPS       $0xee, Z24, Z26, Z27
	VSHUFF32X4    $0x44, Z28, Z8, Z24
	VSHUFF32X4    $0xee, Z28, Z8, Z26
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv0e0u0h0:
	VMAXPS  Y24, Y16, Y24
	VMINPS  Y24, Y12, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv0e0u0h1:
	VMAXPS        Y28, Y16, Y28
	VMINPS        Y28, Y12, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e0u1h0:
	VMAXPS  Y26, Y16, Y26
	VMINPS  Y26, Y12, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv0e0u1h1:
	VMAXPS        Y28, Y16, Y28
	VMINPS        Y28, Y12, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z4, Z28
	VSHUFF32X4    $0xee, Z30, Z4, Z26
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv0e1u0h0:
	VMAXPS  Y28, Y16, Y28
	VMINPS  Y28, Y12, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv0e1u0h1:
	VMAXPS        Y30, Y16, Y30
	VMINPS        Y30, Y12, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e1u1h0:
	VMAXPS  Y26, Y16, Y26
	VMINPS  Y26, Y12, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv0e1u1h1:
	VMAXPS        Y30, Y16, Y30
	VMINPS        Y30, Y12, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z29, Z30
	VSHUFF32X4    $0xee, Z25, Z29, Z26
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv0e2u0h0:
	VMAXPS  Y30, Y16, Y30
	VMINPS  Y30, Y12, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv0e2u0h1:
	VMAXPS        Y25, Y16, Y25
	VMINPS        Y25, Y12, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e2u1h0:
	VMAXPS  Y26, Y16, Y26
	VMINPS  Y26, Y12, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv0e2u1h1:
	VMAXPS        Y25, Y16, Y25
	VMINPS        Y25, Y12, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z26
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv0e3u0h0:
	VMAXPS  Y25, Y16, Y25
	VMINPS  Y25, Y12, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv0e3u0h1:
	VMAXPS        Y27, Y16, Y27
	VMINPS        Y27, Y12, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e3u1h0:
	VMAXPS  Y26, Y16, Y26
	VMINPS  Y26, Y12, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv0e3u1h1:
	VMAXPS        Y27, Y16, Y27
	VMINPS        Y27, Y12, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z5, Z1, Z27
	VUNPCKHPS     Z5, Z1, Z26
	VUNPCKLPS     Z13, Z9, Z25
	VUNPCKHPS     Z13, Z9, Z31
	VUNPCKLPS     Z17, Z17, Z30
	VUNPCKHPS     Z17, Z17, Z29
	VUNPCKLPS     Z17, Z17, Z28
	VUNPCKHPS     Z17, Z17, Z4
	VSHUFPS       $0x44, Z25, Z27, Z17
	VSHUFPS       $0xee, Z25, Z27, Z13
	VSHUFPS       $0x44, Z31, Z26, Z25
	VSHUFPS       $0xee, Z31, Z26, Z27
	VSHUFPS       $0x44, Z28, Z30, Z31
	VSHUFPS       $0xee, Z28, Z30, Z26
	VSHUFPS       $0x44, Z4, Z29, Z28
	VSHUFPS       $0xee, Z4, Z29, Z30
	VSHUFF32X4    $0x44, Z31, Z17, Z4
	VSHUFF32X4    $0xee, Z31, Z17, Z29
	VSHUFF32X4    $0xd8, Z4, Z4, Z4
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z4, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u0h0
	VADDPS        (R11), Y4, K2, Y4

noresv1e0u0h0:
	VMAXPS  Y4, Y16, Y4
	VMINPS  Y4, Y12, Y4
	VMOVUPS Y4, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv1e0u0h1:
	VMAXPS        Y31, Y16, Y31
	VMINPS        Y31, Y12, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e0u1h0:
	VMAXPS  Y29, Y16, Y29
	VMINPS  Y29, Y12, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv1e0u1h1:
	VMAXPS        Y31, Y16, Y31
	VMINPS        Y31, Y12, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z13, Z31
	VSHUFF32X4    $0xee, Z26, Z13, Z29
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv1e1u0h0:
	VMAXPS  Y31, Y16, Y31
	VMINPS  Y31, Y12, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv1e1u0h1:
	VMAXPS        Y26, Y16, Y26
	VMINPS        Y26, Y12, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e1u1h0:
	VMAXPS  Y29, Y16, Y29
	VMINPS  Y29, Y12, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv1e1u1h1:
	VMAXPS        Y26, Y16, Y26
	VMINPS        Y26, Y12, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z28, Z25, Z26
	VSHUFF32X4    $0xee, Z28, Z25, Z29
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u0h0
	VADDPS        (R11), Y26, K2, Y26

noresv1e2u0h0:
	VMAXPS  Y26, Y16, Y26
	VMINPS  Y26, Y12, Y26
	VMOVUPS Y26, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv1e2u0h1:
	VMAXPS        Y28, Y16, Y28
	VMINPS        Y28, Y12, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e2u1h0:
	VMAXPS  Y29, Y16, Y29
	VMINPS  Y29, Y12, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv1e2u1h1:
	VMAXPS        Y28, Y16, Y28
	VMINPS        Y28, Y12, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z27, Z28
	VSHUFF32X4    $0xee, Z30, Z27, Z29
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv1e3u0h0:
	VMAXPS  Y28, Y16, Y28
	VMINPS  Y28, Y12, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv1e3u0h1:
	VMAXPS        Y30, Y16, Y30
	VMINPS        Y30, Y12, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e3u1h0:
	VMAXPS  Y29, Y16, Y29
	VMINPS  Y29, Y12, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv1e3u1h1:
	VMAXPS        Y30, Y16, Y30
	VMINPS        Y30, Y12, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z6, Z2, Z30
	VUNPCKHPS     Z6, Z2, Z29
	VUNPCKLPS     Z14, Z10, Z28
	VUNPCKHPS     Z14, Z10, Z27
	VUNPCKLPS     Z18, Z18, Z26
	VUNPCKHPS     Z18, Z18, Z25
	VUNPCKLPS     Z18, Z18, Z31
	VUNPCKHPS     Z18, Z18, Z13
	VSHUFPS       $0x44, Z28, Z30, Z18
	VSHUFPS       $0xee, Z28, Z30, Z14
	VSHUFPS       $0x44, Z27, Z29, Z28
	VSHUFPS       $0xee, Z27, Z29, Z30
	VSHUFPS       $0x44, Z31, Z26, Z27
	VSHUFPS       $0xee, Z31, Z26, Z29
	VSHUFPS       $0x44, Z13, Z25, Z31
	VSHUFPS       $0xee, Z13, Z25, Z26
	VSHUFF32X4    $0x44, Z27, Z18, Z13
	VSHUFF32X4    $0xee, Z27, Z18, Z25
	VSHUFF32X4    $0xd8, Z13, Z13, Z13
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z13, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u0h0
	VADDPS        (R11), Y13, K2, Y13

noresv2e0u0h0:
	VMAXPS  Y13, Y16, Y13
	VMINPS  Y13, Y12, Y13
	VMOVUPS Y13, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv2e0u0h1:
	VMAXPS        Y27, Y16, Y27
	VMINPS        Y27, Y12, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e0u1h0:
	VMAXPS  Y25, Y16, Y25
	VMINPS  Y25, Y12, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv2e0u1h1:
	VMAXPS        Y27, Y16, Y27
	VMINPS        Y27, Y12, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z14, Z27
	VSHUFF32X4    $0xee, Z29, Z14, Z25
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv2e1u0h0:
	VMAXPS  Y27, Y16, Y27
	VMINPS  Y27, Y12, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv2e1u0h1:
	VMAXPS        Y29, Y16, Y29
	VMINPS        Y29, Y12, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e1u1h0:
	VMAXPS  Y25, Y16, Y25
	VMINPS  Y25, Y12, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv2e1u1h1:
	VMAXPS        Y29, Y16, Y29
	VMINPS        Y29, Y12, Y29
	VMOVUPS       Y29, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z31, Z28, Z29
	VSHUFF32X4    $0xee, Z31, Z28, Z25
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u0h0
	VADDPS        (R11), Y29, K2, Y29

noresv2e2u0h0:
	VMAXPS  Y29, Y16, Y29
	VMINPS  Y29, Y12, Y29
	VMOVUPS Y29, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv2e2u0h1:
	VMAXPS        Y31, Y16, Y31
	VMINPS        Y31, Y12, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e2u1h0:
	VMAXPS  Y25, Y16, Y25
	VMINPS  Y25, Y12, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv2e2u1h1:
	VMAXPS        Y31, Y16, Y31
	VMINPS        Y31, Y12, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z30, Z31
	VSHUFF32X4    $0xee, Z26, Z30, Z25
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv2e3u0h0:
	VMAXPS  Y31, Y16, Y31
	VMINPS  Y31, Y12, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv2e3u0h1:
	VMAXPS        Y26, Y16, Y26
	VMINPS        Y26, Y12, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e3u1h0:
	VMAXPS  Y25, Y16, Y25
	VMINPS  Y25, Y12, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv2e3u1h1:
	VMAXPS        Y26, Y16, Y26
	VMINPS        Y26, Y12, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z7, Z3, Z26
	VUNPCKHPS     Z7, Z3, Z25
	VUNPCKLPS     Z15, Z11, Z31
	VUNPCKHPS     Z15, Z11, Z30
	VUNPCKLPS     Z19, Z19, Z29
	VUNPCKHPS     Z19, Z19, Z28
	VUNPCKLPS     Z19, Z19, Z27
	VUNPCKHPS     Z19, Z19, Z14
	VSHUFPS       $0x44, Z31, Z26, Z19
	VSHUFPS       $0xee, Z31, Z26, Z15
	VSHUFPS       $0x44, Z30, Z25, Z31
	VSHUFPS       $0xee, Z30, Z25, Z26
	VSHUFPS       $0x44, Z27, Z29, Z30
	VSHUFPS       $0xee, Z27, Z29, Z25
	VSHUFPS       $0x44, Z14, Z28, Z27
	VSHUFPS       $0xee, Z14, Z28, Z29
	VSHUFF32X4    $0x44, Z30, Z19, Z14
	VSHUFF32X4    $0xee, Z30, Z19, Z28
	VSHUFF32X4    $0xd8, Z14, Z14, Z14
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z14, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u0h0
	VADDPS        (R11), Y14, K2, Y14

noresv3e0u0h0:
	VMAXPS  Y14, Y16, Y14
	VMINPS  Y14, Y12, Y14
	VMOVUPS Y14, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv3e0u0h1:
	VMAXPS        Y30, Y16, Y30
	VMINPS        Y30, Y12, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e0u1h0:
	VMAXPS  Y28, Y16, Y28
	VMINPS  Y28, Y12, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv3e0u1h1:
	VMAXPS        Y30, Y16, Y30
	VMINPS        Y30, Y12, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z15, Z30
	VSHUFF32X4    $0xee, Z25, Z15, Z28
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv3e1u0h0:
	VMAXPS  Y30, Y16, Y30
	VMINPS  Y30, Y12, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv3e1u0h1:
	VMAXPS        Y25, Y16, Y25
	VMINPS        Y25, Y12, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e1u1h0:
	VMAXPS  Y28, Y16, Y28
	VMINPS  Y28, Y12, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv3e1u1h1:
	VMAXPS        Y25, Y16, Y25
	VMINPS        Y25, Y12, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z28
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv3e2u0h0:
	VMAXPS  Y25, Y16, Y25
	VMINPS  Y25, Y12, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv3e2u0h1:
	VMAXPS        Y27, Y16, Y27
	VMINPS        Y27, Y12, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e2u1h0:
	VMAXPS  Y28, Y16, Y28
	VMINPS  Y28, Y12, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv3e2u1h1:
	VMAXPS        Y27, Y16, Y27
	VMINPS        Y27, Y12, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z26, Z27
	VSHUFF32X4    $0xee, Z29, Z26, Z28
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv3e3u0h0:
	VMAXPS  Y27, Y16, Y27
	VMINPS  Y27, Y12, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv3e3u0h1:
	VMAXPS        Y29, Y16, Y29
	VMINPS        Y29, Y12, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e3u1h0:
	VMAXPS  Y28, Y16, Y28
	VMINPS  Y28, Y12, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv3e3u1h1:
	VMAXPS  Y29, Y16, Y29
	VMINPS  Y29, Y12, Y29
	VMOVUPS Y29, K2, (SI)(R8*4)
	ADDQ    R8, R9
	ADDQ    R8, R11
	LEAQ    (R9)(R8*8), R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	LEAQ    (R11)(R8*8), R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	VZEROUPPER
	RET

// func r18sCiS2P6N4(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)
TEXT ·r18sCiS2P6N4(SB), NOSPLIT, $0-96
	MOVQ   k+0(FP), CX
	MOVQ   w+8(FP), SI
	MOVQ   x+16(FP), DI
	MOVQ   offs+24(FP), R13
	MOVQ   acc+32(FP), DX
	MOVQ   flags+40(FP), R10
	MOVQ   pf+88(FP), BX
	TESTQ  $0x00000001, R10
	JNZ    load
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	VXORPS Z10, Z10, Z10
	VXORPS Z11, Z11, Z11
	VXORPS Z12, Z12, Z12
	VXORPS Z13, Z13, Z13
	VXORPS Z14, Z14, Z14
	VXORPS Z15, Z15, Z15
	VXORPS Z16, Z16, Z16
	VXORPS Z17, Z17, Z17
	VXORPS Z18, Z18, Z18
	VXORPS Z19, Z19, Z19
	VXORPS Z20, Z20, Z20
	VXORPS Z21, Z21, Z21
	VXORPS Z22, Z22, Z22
	VXORPS Z23, Z23, Z23
	JMP    loop2

load:
	VMOVUPS (DX), Z0
	VMOVUPS 64(DX), Z1
	VMOVUPS 128(DX), Z2
	VMOVUPS 192(DX), Z3
	VMOVUPS 256(DX), Z4
	VMOVUPS 320(DX), Z5
	VMOVUPS 384(DX), Z6
	VMOVUPS 448(DX), Z7
	VMOVUPS 512(DX), Z8
	VMOVUPS 576(DX), Z9
	VMOVUPS 640(DX), Z10
	VMOVUPS 704(DX), Z11
	VMOVUPS 768(DX), Z12
	VMOVUPS 832(DX), Z13
	VMOVUPS 896(DX), Z14
	VMOVUPS 960(DX), Z15
	VMOVUPS 1024(DX), Z16
	VMOVUPS 1088(DX), Z17
	VMOVUPS 1152(DX), Z18
	VMOVUPS 1216(DX), Z19
	VMOVUPS 1280(DX), Z20
	VMOVUPS 1344(DX), Z21
	VMOVUPS 1408(DX), Z22
	VMOVUPS 1472(DX), Z23

loop2:
	CMPQ         CX, $0x02
	JL           tail
	PREFETCHT0   2048(SI)
	PREFETCHT1   (BX)
	ADDQ         $0x40, BX
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z24
	VMOVUPS      64(SI), Z25
	VMOVUPS      128(SI), Z26
	VMOVUPS      192(SI), Z27
	VBROADCASTSS (DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z0
	VFMADD231PS  Z25, Z28, Z1
	VFMADD231PS  Z26, Z28, Z2
	VFMADD231PS  Z27, Z28, Z3
	VBROADCASTSS 8(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z4
	VFMADD231PS  Z25, Z29, Z5
	VFMADD231PS  Z26, Z29, Z6
	VFMADD231PS  Z27, Z29, Z7
	VBROADCASTSS 16(DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z8
	VFMADD231PS  Z25, Z28, Z9
	VFMADD231PS  Z26, Z28, Z10
	VFMADD231PS  Z27, Z28, Z11
	VBROADCASTSS 24(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z12
	VFMADD231PS  Z25, Z29, Z13
	VFMADD231PS  Z26, Z29, Z14
	VFMADD231PS  Z27, Z29, Z15
	VBROADCASTSS 32(DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z16
	VFMADD231PS  Z25, Z28, Z17
	VFMADD231PS  Z26, Z28, Z18
	VFMADD231PS  Z27, Z28, Z19
	VBROADCASTSS 40(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z20
	VFMADD231PS  Z25, Z29, Z21
	VFMADD231PS  Z26, Z29, Z22
	VFMADD231PS  Z27, Z29, Z23
	MOVQ         8(R13), R14
	VMOVUPS      256(SI), Z24
	VMOVUPS      320(SI), Z25
	VMOVUPS      384(SI), Z26
	VMOVUPS      448(SI), Z27
	VBROADCASTSS (DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z0
	VFMADD231PS  Z25, Z28, Z1
	VFMADD231PS  Z26, Z28, Z2
	VFMADD231PS  Z27, Z28, Z3
	VBROADCASTSS 8(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z4
	VFMADD231PS  Z25, Z29, Z5
	VFMADD231PS  Z26, Z29, Z6
	VFMADD231PS  Z27, Z29, Z7
	VBROADCASTSS 16(DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z8
	VFMADD231PS  Z25, Z28, Z9
	VFMADD231PS  Z26, Z28, Z10
	VFMADD231PS  Z27, Z28, Z11
	VBROADCASTSS 24(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z12
	VFMADD231PS  Z25, Z29, Z13
	VFMADD231PS  Z26, Z29, Z14
	VFMADD231PS  Z27, Z29, Z15
	VBROADCASTSS 32(DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z16
	VFMADD231PS  Z25, Z28, Z17
	VFMADD231PS  Z26, Z28, Z18
	VFMADD231PS  Z27, Z28, Z19
	VBROADCASTSS 40(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z20
	VFMADD231PS  Z25, Z29, Z21
	VFMADD231PS  Z26, Z29, Z22
	VFMADD231PS  Z27, Z29, Z23
	ADDQ         $0x00000200, SI
	ADDQ         $0x10, R13
	SUBQ         $0x02, CX
	JMP          loop2

tail:
	TESTQ        CX, CX
	JE           done
	MOVQ         (R13), R14
	VMOVUPS      (SI), Z24
	VMOVUPS      64(SI), Z25
	VMOVUPS      128(SI), Z26
	VMOVUPS      192(SI), Z27
	VBROADCASTSS (DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z0
	VFMADD231PS  Z25, Z28, Z1
	VFMADD231PS  Z26, Z28, Z2
	VFMADD231PS  Z27, Z28, Z3
	VBROADCASTSS 8(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z4
	VFMADD231PS  Z25, Z29, Z5
	VFMADD231PS  Z26, Z29, Z6
	VFMADD231PS  Z27, Z29, Z7
	VBROADCASTSS 16(DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z8
	VFMADD231PS  Z25, Z28, Z9
	VFMADD231PS  Z26, Z28, Z10
	VFMADD231PS  Z27, Z28, Z11
	VBROADCASTSS 24(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z12
	VFMADD231PS  Z25, Z29, Z13
	VFMADD231PS  Z26, Z29, Z14
	VFMADD231PS  Z27, Z29, Z15
	VBROADCASTSS 32(DI)(R14*1), Z28
	VFMADD231PS  Z24, Z28, Z16
	VFMADD231PS  Z25, Z28, Z17
	VFMADD231PS  Z26, Z28, Z18
	VFMADD231PS  Z27, Z28, Z19
	VBROADCASTSS 40(DI)(R14*1), Z29
	VFMADD231PS  Z24, Z29, Z20
	VFMADD231PS  Z25, Z29, Z21
	VFMADD231PS  Z26, Z29, Z22
	VFMADD231PS  Z27, Z29, Z23

done:
	TESTQ   $0x00000040, R10
	JNZ     final
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VMOVUPS Z8, 512(DX)
	VMOVUPS Z9, 576(DX)
	VMOVUPS Z10, 640(DX)
	VMOVUPS Z11, 704(DX)
	VMOVUPS Z12, 768(DX)
	VMOVUPS Z13, 832(DX)
	VMOVUPS Z14, 896(DX)
	VMOVUPS Z15, 960(DX)
	VMOVUPS Z16, 1024(DX)
	VMOVUPS Z17, 1088(DX)
	VMOVUPS Z18, 1152(DX)
	VMOVUPS Z19, 1216(DX)
	VMOVUPS Z20, 1280(DX)
	VMOVUPS Z21, 1344(DX)
	VMOVUPS Z22, 1408(DX)
	VMOVUPS Z23, 1472(DX)
	VZEROUPPER
	RET

final:
	TESTQ  $0x00000002, R10
	JZ     nobias
	MOVQ   bias+64(FP), R11
	VADDPS (R11), Z0, Z0
	VADDPS (R11), Z4, Z4
	VADDPS (R11), Z8, Z8
	VADDPS (R11), Z12, Z12
	VADDPS (R11), Z16, Z16
	VADDPS (R11), Z20, Z20
	VADDPS 64(R11), Z1, Z1
	VADDPS 64(R11), Z5, Z5
	VADDPS 64(R11), Z9, Z9
	VADDPS 64(R11), Z13, Z13
	VADDPS 64(R11), Z17, Z17
	VADDPS 64(R11), Z21, Z21
	VADDPS 128(R11), Z2, Z2
	VADDPS 128(R11), Z6, Z6
	VADDPS 128(R11), Z10, Z10
	VADDPS 128(R11), Z14, Z14
	VADDPS 128(R11), Z18, Z18
	VADDPS 128(R11), Z22, Z22
	VADDPS 192(R11), Z3, Z3
	VADDPS 192(R11), Z7, Z7
	VADDPS 192(R11), Z11, Z11
	VADDPS 192(R11), Z15, Z15
	VADDPS 192(R11), Z19, Z19
	VADDPS 192(R11), Z23, Z23

nobias:
	MOVQ          hw+56(FP), R8
	SHLQ          $0x02, R8
	MOVQ          c+48(FP), R9
	MOVQ          res+72(FP), R11
	MOVQ          cst+80(FP), R12
	MOVL          $0x0000003f, AX
	KMOVW         AX, K2
	VUNPCKLPS     Z4, Z0, Z31
	VUNPCKHPS     Z4, Z0, Z30
	VUNPCKLPS     Z12, Z8, Z29
	VUNPCKHPS     Z12, Z8, Z28
	VUNPCKLPS     Z20, Z16, Z27
	VUNPCKHPS     Z20, Z16, Z26
	VUNPCKLPS     Z20, Z20, Z25
	VUNPCKHPS     Z20, Z20, Z24
	VBROADCASTSS  64(R12), Z20
	VBROADCASTSS  68(R12), Z16
	VSHUFPS       $0x44, Z29, Z31, Z12
	VSHUFPS       $0xee, Z29, Z31, Z8
	VSHUFPS       $0x44, Z28, Z30, Z29
	VSHUFPS       $0xee, Z28, Z30, Z31
	VSHUFPS       $0x44, Z25, Z27, Z28
	VSHUFPS       $0xee, Z25, Z27, Z30
	VSHUFPS       $0x44, Z24, Z26, Z25
	VSHUFPS       $0xee, Z24, Z26, Z27
	VSHUFF32X4    $0x44, Z28, Z12, Z24
	VSHUFF32X4    $0xee, Z28, Z12, Z26
	VSHUFF32X4    $0xd8, Z24, Z24, Z24
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z24, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u0h0
	VADDPS        (R11), Y24, K2, Y24

noresv0e0u0h0:
	VMAXPS  Y24, Y20, Y24
	VMINPS  Y24, Y16, Y24
	VMOVUPS Y24, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv0e0u0h1:
	VMAXPS        Y28, Y20, Y28
	VMINPS        Y28, Y16, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv0e0u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e0u1h0:
	VMAXPS  Y26, Y20, Y26
	VMINPS  Y26, Y16, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e0u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv0e0u1h1:
	VMAXPS        Y28, Y20, Y28
	VMINPS        Y28, Y16, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z8, Z28
	VSHUFF32X4    $0xee, Z30, Z8, Z26
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv0e1u0h0:
	VMAXPS  Y28, Y20, Y28
	VMINPS  Y28, Y16, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv0e1u0h1:
	VMAXPS        Y30, Y20, Y30
	VMINPS        Y30, Y16, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv0e1u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e1u1h0:
	VMAXPS  Y26, Y20, Y26
	VMINPS  Y26, Y16, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e1u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv0e1u1h1:
	VMAXPS        Y30, Y20, Y30
	VMINPS        Y30, Y16, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z29, Z30
	VSHUFF32X4    $0xee, Z25, Z29, Z26
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv0e2u0h0:
	VMAXPS  Y30, Y20, Y30
	VMINPS  Y30, Y16, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv0e2u0h1:
	VMAXPS        Y25, Y20, Y25
	VMINPS        Y25, Y16, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv0e2u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e2u1h0:
	VMAXPS  Y26, Y20, Y26
	VMINPS  Y26, Y16, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e2u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv0e2u1h1:
	VMAXPS        Y25, Y20, Y25
	VMINPS        Y25, Y16, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z26
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv0e3u0h0:
	VMAXPS  Y25, Y20, Y25
	VMINPS  Y25, Y16, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv0e3u0h1:
	VMAXPS        Y27, Y20, Y27
	VMINPS        Y27, Y16, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z26, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv0e3u1h0
	VADDPS        (DI), Y26, K2, Y26

noresv0e3u1h0:
	VMAXPS  Y26, Y20, Y26
	VMINPS  Y26, Y16, Y26
	VMOVUPS Y26, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv0e3u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv0e3u1h1:
	VMAXPS        Y27, Y20, Y27
	VMINPS        Y27, Y16, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z5, Z1, Z27
	VUNPCKHPS     Z5, Z1, Z26
	VUNPCKLPS     Z13, Z9, Z25
	VUNPCKHPS     Z13, Z9, Z31
	VUNPCKLPS     Z21, Z17, Z30
	VUNPCKHPS     Z21, Z17, Z29
	VUNPCKLPS     Z21, Z21, Z28
	VUNPCKHPS     Z21, Z21, Z8
	VSHUFPS       $0x44, Z25, Z27, Z21
	VSHUFPS       $0xee, Z25, Z27, Z17
	VSHUFPS       $0x44, Z31, Z26, Z25
	VSHUFPS       $0xee, Z31, Z26, Z27
	VSHUFPS       $0x44, Z28, Z30, Z31
	VSHUFPS       $0xee, Z28, Z30, Z26
	VSHUFPS       $0x44, Z8, Z29, Z28
	VSHUFPS       $0xee, Z8, Z29, Z30
	VSHUFF32X4    $0x44, Z31, Z21, Z8
	VSHUFF32X4    $0xee, Z31, Z21, Z29
	VSHUFF32X4    $0xd8, Z8, Z8, Z8
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z8, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u0h0
	VADDPS        (R11), Y8, K2, Y8

noresv1e0u0h0:
	VMAXPS  Y8, Y20, Y8
	VMINPS  Y8, Y16, Y8
	VMOVUPS Y8, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv1e0u0h1:
	VMAXPS        Y31, Y20, Y31
	VMINPS        Y31, Y16, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv1e0u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e0u1h0:
	VMAXPS  Y29, Y20, Y29
	VMINPS  Y29, Y16, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e0u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv1e0u1h1:
	VMAXPS        Y31, Y20, Y31
	VMINPS        Y31, Y16, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z17, Z31
	VSHUFF32X4    $0xee, Z26, Z17, Z29
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv1e1u0h0:
	VMAXPS  Y31, Y20, Y31
	VMINPS  Y31, Y16, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv1e1u0h1:
	VMAXPS        Y26, Y20, Y26
	VMINPS        Y26, Y16, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv1e1u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e1u1h0:
	VMAXPS  Y29, Y20, Y29
	VMINPS  Y29, Y16, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e1u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv1e1u1h1:
	VMAXPS        Y26, Y20, Y26
	VMINPS        Y26, Y16, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z28, Z25, Z26
	VSHUFF32X4    $0xee, Z28, Z25, Z29
	VSHUFF32X4    $0xd8, Z26, Z26, Z26
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z26, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u0h0
	VADDPS        (R11), Y26, K2, Y26

noresv1e2u0h0:
	VMAXPS  Y26, Y20, Y26
	VMINPS  Y26, Y16, Y26
	VMOVUPS Y26, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u0h1
	VADDPS  (R11)(R8*4), Y28, K2, Y28

noresv1e2u0h1:
	VMAXPS        Y28, Y20, Y28
	VMINPS        Y28, Y16, Y28
	VMOVUPS       Y28, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y28
	TESTQ         $0x00000080, R10
	JZ            noresv1e2u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e2u1h0:
	VMAXPS  Y29, Y20, Y29
	VMINPS  Y29, Y16, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e2u1h1
	VADDPS  (DI)(R8*4), Y28, K2, Y28

noresv1e2u1h1:
	VMAXPS        Y28, Y20, Y28
	VMINPS        Y28, Y16, Y28
	VMOVUPS       Y28, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z30, Z27, Z28
	VSHUFF32X4    $0xee, Z30, Z27, Z29
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u0h0
	VADDPS        (R11), Y28, K2, Y28

noresv1e3u0h0:
	VMAXPS  Y28, Y20, Y28
	VMINPS  Y28, Y16, Y28
	VMOVUPS Y28, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv1e3u0h1:
	VMAXPS        Y30, Y20, Y30
	VMINPS        Y30, Y16, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z29, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv1e3u1h0
	VADDPS        (DI), Y29, K2, Y29

noresv1e3u1h0:
	VMAXPS  Y29, Y20, Y29
	VMINPS  Y29, Y16, Y29
	VMOVUPS Y29, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv1e3u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv1e3u1h1:
	VMAXPS        Y30, Y20, Y30
	VMINPS        Y30, Y16, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z6, Z2, Z30
	VUNPCKHPS     Z6, Z2, Z29
	VUNPCKLPS     Z14, Z10, Z28
	VUNPCKHPS     Z14, Z10, Z27
	VUNPCKLPS     Z22, Z18, Z26
	VUNPCKHPS     Z22, Z18, Z25
	VUNPCKLPS     Z22, Z22, Z31
	VUNPCKHPS     Z22, Z22, Z17
	VSHUFPS       $0x44, Z28, Z30, Z22
	VSHUFPS       $0xee, Z28, Z30, Z18
	VSHUFPS       $0x44, Z27, Z29, Z28
	VSHUFPS       $0xee, Z27, Z29, Z30
	VSHUFPS       $0x44, Z31, Z26, Z27
	VSHUFPS       $0xee, Z31, Z26, Z29
	VSHUFPS       $0x44, Z17, Z25, Z31
	VSHUFPS       $0xee, Z17, Z25, Z26
	VSHUFF32X4    $0x44, Z27, Z22, Z17
	VSHUFF32X4    $0xee, Z27, Z22, Z25
	VSHUFF32X4    $0xd8, Z17, Z17, Z17
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z17, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u0h0
	VADDPS        (R11), Y17, K2, Y17

noresv2e0u0h0:
	VMAXPS  Y17, Y20, Y17
	VMINPS  Y17, Y16, Y17
	VMOVUPS Y17, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv2e0u0h1:
	VMAXPS        Y27, Y20, Y27
	VMINPS        Y27, Y16, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv2e0u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e0u1h0:
	VMAXPS  Y25, Y20, Y25
	VMINPS  Y25, Y16, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e0u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv2e0u1h1:
	VMAXPS        Y27, Y20, Y27
	VMINPS        Y27, Y16, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z18, Z27
	VSHUFF32X4    $0xee, Z29, Z18, Z25
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv2e1u0h0:
	VMAXPS  Y27, Y20, Y27
	VMINPS  Y27, Y16, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv2e1u0h1:
	VMAXPS        Y29, Y20, Y29
	VMINPS        Y29, Y16, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv2e1u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e1u1h0:
	VMAXPS  Y25, Y20, Y25
	VMINPS  Y25, Y16, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e1u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv2e1u1h1:
	VMAXPS        Y29, Y20, Y29
	VMINPS        Y29, Y16, Y29
	VMOVUPS       Y29, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z31, Z28, Z29
	VSHUFF32X4    $0xee, Z31, Z28, Z25
	VSHUFF32X4    $0xd8, Z29, Z29, Z29
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z29, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u0h0
	VADDPS        (R11), Y29, K2, Y29

noresv2e2u0h0:
	VMAXPS  Y29, Y20, Y29
	VMINPS  Y29, Y16, Y29
	VMOVUPS Y29, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u0h1
	VADDPS  (R11)(R8*4), Y31, K2, Y31

noresv2e2u0h1:
	VMAXPS        Y31, Y20, Y31
	VMINPS        Y31, Y16, Y31
	VMOVUPS       Y31, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y31
	TESTQ         $0x00000080, R10
	JZ            noresv2e2u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e2u1h0:
	VMAXPS  Y25, Y20, Y25
	VMINPS  Y25, Y16, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e2u1h1
	VADDPS  (DI)(R8*4), Y31, K2, Y31

noresv2e2u1h1:
	VMAXPS        Y31, Y20, Y31
	VMINPS        Y31, Y16, Y31
	VMOVUPS       Y31, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z26, Z30, Z31
	VSHUFF32X4    $0xee, Z26, Z30, Z25
	VSHUFF32X4    $0xd8, Z31, Z31, Z31
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z31, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u0h0
	VADDPS        (R11), Y31, K2, Y31

noresv2e3u0h0:
	VMAXPS  Y31, Y20, Y31
	VMINPS  Y31, Y16, Y31
	VMOVUPS Y31, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u0h1
	VADDPS  (R11)(R8*4), Y26, K2, Y26

noresv2e3u0h1:
	VMAXPS        Y26, Y20, Y26
	VMINPS        Y26, Y16, Y26
	VMOVUPS       Y26, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z25, Y26
	TESTQ         $0x00000080, R10
	JZ            noresv2e3u1h0
	VADDPS        (DI), Y25, K2, Y25

noresv2e3u1h0:
	VMAXPS  Y25, Y20, Y25
	VMINPS  Y25, Y16, Y25
	VMOVUPS Y25, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv2e3u1h1
	VADDPS  (DI)(R8*4), Y26, K2, Y26

noresv2e3u1h1:
	VMAXPS        Y26, Y20, Y26
	VMINPS        Y26, Y16, Y26
	VMOVUPS       Y26, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	LEAQ          (R9)(R8*8), R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	ADDQ          R8, R9
	LEAQ          (R11)(R8*8), R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	ADDQ          R8, R11
	VUNPCKLPS     Z7, Z3, Z26
	VUNPCKHPS     Z7, Z3, Z25
	VUNPCKLPS     Z15, Z11, Z31
	VUNPCKHPS     Z15, Z11, Z30
	VUNPCKLPS     Z23, Z19, Z29
	VUNPCKHPS     Z23, Z19, Z28
	VUNPCKLPS     Z23, Z23, Z27
	VUNPCKHPS     Z23, Z23, Z18
	VSHUFPS       $0x44, Z31, Z26, Z23
	VSHUFPS       $0xee, Z31, Z26, Z19
	VSHUFPS       $0x44, Z30, Z25, Z31
	VSHUFPS       $0xee, Z30, Z25, Z26
	VSHUFPS       $0x44, Z27, Z29, Z30
	VSHUFPS       $0xee, Z27, Z29, Z25
	VSHUFPS       $0x44, Z18, Z28, Z27
	VSHUFPS       $0xee, Z18, Z28, Z29
	VSHUFF32X4    $0x44, Z30, Z23, Z18
	VSHUFF32X4    $0xee, Z30, Z23, Z28
	VSHUFF32X4    $0xd8, Z18, Z18, Z18
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z18, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u0h0
	VADDPS        (R11), Y18, K2, Y18

noresv3e0u0h0:
	VMAXPS  Y18, Y20, Y18
	VMINPS  Y18, Y16, Y18
	VMOVUPS Y18, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u0h1
	VADDPS  (R11)(R8*4), Y30, K2, Y30

noresv3e0u0h1:
	VMAXPS        Y30, Y20, Y30
	VMINPS        Y30, Y16, Y30
	VMOVUPS       Y30, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y30
	TESTQ         $0x00000080, R10
	JZ            noresv3e0u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e0u1h0:
	VMAXPS  Y28, Y20, Y28
	VMINPS  Y28, Y16, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e0u1h1
	VADDPS  (DI)(R8*4), Y30, K2, Y30

noresv3e0u1h1:
	VMAXPS        Y30, Y20, Y30
	VMINPS        Y30, Y16, Y30
	VMOVUPS       Y30, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z25, Z19, Z30
	VSHUFF32X4    $0xee, Z25, Z19, Z28
	VSHUFF32X4    $0xd8, Z30, Z30, Z30
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z30, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u0h0
	VADDPS        (R11), Y30, K2, Y30

noresv3e1u0h0:
	VMAXPS  Y30, Y20, Y30
	VMINPS  Y30, Y16, Y30
	VMOVUPS Y30, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u0h1
	VADDPS  (R11)(R8*4), Y25, K2, Y25

noresv3e1u0h1:
	VMAXPS        Y25, Y20, Y25
	VMINPS        Y25, Y16, Y25
	VMOVUPS       Y25, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y25
	TESTQ         $0x00000080, R10
	JZ            noresv3e1u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e1u1h0:
	VMAXPS  Y28, Y20, Y28
	VMINPS  Y28, Y16, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e1u1h1
	VADDPS  (DI)(R8*4), Y25, K2, Y25

noresv3e1u1h1:
	VMAXPS        Y25, Y20, Y25
	VMINPS        Y25, Y16, Y25
	VMOVUPS       Y25, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z27, Z31, Z25
	VSHUFF32X4    $0xee, Z27, Z31, Z28
	VSHUFF32X4    $0xd8, Z25, Z25, Z25
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z25, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u0h0
	VADDPS        (R11), Y25, K2, Y25

noresv3e2u0h0:
	VMAXPS  Y25, Y20, Y25
	VMINPS  Y25, Y16, Y25
	VMOVUPS Y25, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u0h1
	VADDPS  (R11)(R8*4), Y27, K2, Y27

noresv3e2u0h1:
	VMAXPS        Y27, Y20, Y27
	VMINPS        Y27, Y16, Y27
	VMOVUPS       Y27, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y27
	TESTQ         $0x00000080, R10
	JZ            noresv3e2u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e2u1h0:
	VMAXPS  Y28, Y20, Y28
	VMINPS  Y28, Y16, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e2u1h1
	VADDPS  (DI)(R8*4), Y27, K2, Y27

noresv3e2u1h1:
	VMAXPS        Y27, Y20, Y27
	VMINPS        Y27, Y16, Y27
	VMOVUPS       Y27, K2, (SI)(R8*4)
	ADDQ          R8, R9
	ADDQ          R8, R11
	VSHUFF32X4    $0x44, Z29, Z26, Z27
	VSHUFF32X4    $0xee, Z29, Z26, Z28
	VSHUFF32X4    $0xd8, Z27, Z27, Z27
	VSHUFF32X4    $0xd8, Z28, Z28, Z28
	LEAQ          (R9)(R8*8), SI
	LEAQ          (R11)(R8*8), DI
	VEXTRACTF32X8 $0x01, Z27, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u0h0
	VADDPS        (R11), Y27, K2, Y27

noresv3e3u0h0:
	VMAXPS  Y27, Y20, Y27
	VMINPS  Y27, Y16, Y27
	VMOVUPS Y27, K2, (R9)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u0h1
	VADDPS  (R11)(R8*4), Y29, K2, Y29

noresv3e3u0h1:
	VMAXPS        Y29, Y20, Y29
	VMINPS        Y29, Y16, Y29
	VMOVUPS       Y29, K2, (R9)(R8*4)
	VEXTRACTF32X8 $0x01, Z28, Y29
	TESTQ         $0x00000080, R10
	JZ            noresv3e3u1h0
	VADDPS        (DI), Y28, K2, Y28

noresv3e3u1h0:
	VMAXPS  Y28, Y20, Y28
	VMINPS  Y28, Y16, Y28
	VMOVUPS Y28, K2, (SI)
	TESTQ   $0x00000080, R10
	JZ      noresv3e3u1h1
	VADDPS  (DI)(R8*4), Y29, K2, Y29

noresv3e3u1h1:
	VMAXPS  Y29, Y20, Y29
	VMINPS  Y29, Y16, Y29
	VMOVUPS Y29, K2, (SI)(R8*4)
	ADDQ    R8, R9
	ADDQ    R8, R11
	LEAQ    (R9)(R8*8), R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	ADDQ    R8, R9
	LEAQ    (R11)(R8*8), R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	ADDQ    R8, R11
	VZEROUPPER
	RET
