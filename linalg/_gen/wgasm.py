#!/usr/bin/env python3
# wgasm.py writes linalg/wg_amd64.s, the AVX-512 Winograd F(4x4,3x3)
# kernels of wg_conv.go, as straight-line Go assembly (go generate in
# linalg runs it: python3 _gen/wgasm.py wg_amd64.s). Each routine's meaning
# is its generic twin in wg_conv.go (wgTinGeneric, wgTinPadGeneric,
# wgInGeneric, wgGemmGeneric, wgOutGeneric, wgToutGeneric); the tests
# compare them. Written in Python rather than avo because the kernels are
# mostly register transposes unrolled by index arithmetic.
import sys
OUT = sys.argv[1] if len(sys.argv) > 1 else "wg_amd64.s"
L=[]
def e(s): L.append("\t"+s)
def lab(s): L.append(s+":")
L.append("""// Winograd F(4x4, 3x3) kernels (wg_conv.go) with AVX-512, 16 channels
// per vector throughout: 16x16 transposes between NCHW and the
// channel-blocked buffers, the two transforms, and an 8x32 product
// reading its left operand unpacked. Straight-line code (unrolled by a
// script); generic twins:
// wgTinGeneric, wgTinPadGeneric, wgInGeneric, wgGemmGeneric, wgOutGeneric,
// wgToutGeneric.

//go:build !purego

#include "textflag.h"
""")
Z=lambda i:"Z%d"%i
def transpose16(r, a):
    # r: 16 regs holding rows; a: 16 scratch regs. Result in r (row j = column j of input).
    for i in range(8):
        e(f"VUNPCKLPS {Z(r[2*i+1])}, {Z(r[2*i])}, {Z(a[2*i])}")
        e(f"VUNPCKHPS {Z(r[2*i+1])}, {Z(r[2*i])}, {Z(a[2*i+1])}")
    # b[4g+k]
    b=[None]*16
    for g in range(4):
        a0,a1,a2,a3=a[4*g],a[4*g+1],a[4*g+2],a[4*g+3]
        e(f"VUNPCKLPD {Z(a2)}, {Z(a0)}, {Z(r[4*g+0])}"); b[4*g+0]=r[4*g+0]
        e(f"VUNPCKHPD {Z(a2)}, {Z(a0)}, {Z(r[4*g+1])}"); b[4*g+1]=r[4*g+1]
        e(f"VUNPCKLPD {Z(a3)}, {Z(a1)}, {Z(r[4*g+2])}"); b[4*g+2]=r[4*g+2]
        e(f"VUNPCKHPD {Z(a3)}, {Z(a1)}, {Z(r[4*g+3])}"); b[4*g+3]=r[4*g+3]
    for k in range(4):
        c,d,ee,f=a[4*k],a[4*k+1],a[4*k+2],a[4*k+3]
        e(f"VSHUFF32X4 $0x44, {Z(b[4+k])}, {Z(b[k])}, {Z(c)}")
        e(f"VSHUFF32X4 $0xee, {Z(b[4+k])}, {Z(b[k])}, {Z(d)}")
        e(f"VSHUFF32X4 $0x44, {Z(b[12+k])}, {Z(b[8+k])}, {Z(ee)}")
        e(f"VSHUFF32X4 $0xee, {Z(b[12+k])}, {Z(b[8+k])}, {Z(f)}")
    for k in range(4):
        c,d,ee,f=a[4*k],a[4*k+1],a[4*k+2],a[4*k+3]
        e(f"VSHUFF32X4 $0x88, {Z(ee)}, {Z(c)}, {Z(r[k])}")
        e(f"VSHUFF32X4 $0xdd, {Z(ee)}, {Z(c)}, {Z(r[4+k])}")
        e(f"VSHUFF32X4 $0x88, {Z(f)}, {Z(d)}, {Z(r[8+k])}")
        e(f"VSHUFF32X4 $0xdd, {Z(f)}, {Z(d)}, {Z(r[12+k])}")

R=list(range(16)); A=list(range(16,32))
# wgTinAVX512(src *float32, stride int, dst *float32, n int)
L.append("""// func wgTinAVX512(src *float32, stride int, dst *float32, n int)
TEXT ·wgTinAVX512(SB), NOSPLIT, $0-32""")
e("MOVQ src+0(FP), SI"); e("MOVQ stride+8(FP), R8"); e("SHLQ $2, R8")
e("MOVQ dst+16(FP), DI"); e("MOVQ n+24(FP), CX"); e("SHRQ $4, CX")
e("LEAQ (R8)(R8*2), R9")  # 3*stride
e("TESTQ CX, CX"); e("JLE tindone")
lab("tinloop")
e("MOVQ SI, AX")
for i in range(16):
    j=i%4
    addr = ["(AX)","(AX)(R8*1)","(AX)(R8*2)","(AX)(R9*1)"][j]
    e(f"VMOVUPS {addr}, Z{i}")
    if j==3 and i<15: e("LEAQ (AX)(R8*4), AX")
transpose16(R,A)
for i in range(16):
    e(f"VMOVUPS Z{i}, {i*64}(DI)")
e("ADDQ $64, SI"); e("ADDQ $1024, DI"); e("DECQ CX"); e("JNZ tinloop")
lab("tindone")
e("VZEROUPPER"); e("RET")
L.append("")

def IN1(d, t, tmp):
    e(f"VMOVAPS {Z(d[4])}, {Z(t[0])}")
    e(f"VFMADD231PS Z30, {Z(d[0])}, {Z(t[0])}")
    e(f"VFNMADD231PS Z29, {Z(d[2])}, {Z(t[0])}")
    e(f"VMOVAPS {Z(d[5])}, {Z(t[5])}")
    e(f"VFMADD231PS Z30, {Z(d[1])}, {Z(t[5])}")
    e(f"VFNMADD231PS Z29, {Z(d[3])}, {Z(t[5])}")
    e(f"VADDPS {Z(d[2])}, {Z(d[1])}, {Z(tmp)}")
    e(f"VADDPS {Z(d[4])}, {Z(d[3])}, {Z(t[1])}")
    e(f"VFNMADD231PS Z30, {Z(tmp)}, {Z(t[1])}")
    e(f"VSUBPS {Z(d[2])}, {Z(d[1])}, {Z(tmp)}")
    e(f"VSUBPS {Z(d[3])}, {Z(d[4])}, {Z(t[2])}")
    e(f"VFMADD231PS Z30, {Z(tmp)}, {Z(t[2])}")
    e(f"VSUBPS {Z(d[3])}, {Z(d[1])}, {Z(tmp)}")
    e(f"VSUBPS {Z(d[2])}, {Z(d[4])}, {Z(t[3])}")
    e(f"VMOVAPS {Z(t[3])}, {Z(t[4])}")
    e(f"VFNMADD231PS Z28, {Z(tmp)}, {Z(t[3])}")
    e(f"VFMADD231PS Z28, {Z(tmp)}, {Z(t[4])}")

# wgInAVX512(q *float32, cbS, pitch, ncb int, v *float32, xiS int, tmp *float32)
L.append("""// func wgInAVX512(q *float32, cbS, pitch, ncb int, v *float32, xiS int, tmp *float32)
TEXT ·wgInAVX512(SB), NOSPLIT, $0-56""")
e("MOVQ q+0(FP), SI")
e("MOVQ cbS+8(FP), R8"); e("SHLQ $2, R8")
e("MOVQ pitch+16(FP), R9"); e("SHLQ $6, R9")
e("MOVQ ncb+24(FP), CX")
e("MOVQ v+32(FP), DI")
e("MOVQ xiS+40(FP), R10"); e("SHLQ $2, R10")
e("MOVQ tmp+48(FP), R13")
e("LEAQ (R10)(R10*2), R15"); e("ADDQ R15, R15")
e("MOVL $0x40800000, AX"); e("VPBROADCASTD AX, Z30")
e("MOVL $0x40a00000, AX"); e("VPBROADCASTD AX, Z29")
e("MOVL $0x40000000, AX"); e("VPBROADCASTD AX, Z28")
e("TESTQ CX, CX"); e("JLE indone")
lab("inloop")
e("MOVQ SI, R12")
for dy in range(6):
    for dx in range(6):
        e(f"VMOVUPS {dx*64}(R12), Z{dx}")
    IN1([0,1,2,3,4,5],[6,7,8,9,10,11],12)
    for j in range(6):
        e(f"VMOVUPS Z{6+j}, {(dy*6+j)*64}(R13)")
    if dy<5: e("ADDQ R9, R12")
e("MOVQ DI, R14")
for j in range(6):
    for dy in range(6):
        e(f"VMOVUPS {(dy*6+j)*64}(R13), Z{dy}")
    IN1([0,1,2,3,4,5],[6,7,8,9,10,11],12)
    e("MOVQ R14, R12")
    for i in range(6):
        e(f"VMOVUPS Z{6+i}, (R12)")
        if i<5: e("ADDQ R15, R12")
    if j<5: e("ADDQ R10, R14")
e("ADDQ R8, SI"); e("ADDQ $64, DI"); e("DECQ CX"); e("JNZ inloop")
lab("indone")
e("VZEROUPPER"); e("RET")
L.append("")

# wgGemmAVX512(k int, a *float32, lda int, b *float32, c *float32, ldc int)
L.append("""// func wgGemmAVX512(k int, a *float32, lda int, b *float32, c *float32, ldc int)
TEXT ·wgGemmAVX512(SB), NOSPLIT, $0-48""")
e("MOVQ k+0(FP), CX"); e("SHRQ $2, CX")
e("MOVQ a+8(FP), SI")
e("MOVQ lda+16(FP), R8"); e("SHLQ $2, R8")
e("MOVQ b+24(FP), DI")
e("LEAQ (R8)(R8*2), R9")
e("LEAQ (SI)(R9*1), R10")   # row 3
e("LEAQ (R10)(R9*1), R11")  # row 6
for i in range(16): e(f"VXORPS Z{i}, Z{i}, Z{i}")
e("TESTQ CX, CX"); e("JLE gemmstore")
rows=["(SI)","(SI)(R8*1)","(SI)(R8*2)","(R10)","(R10)(R8*1)","(R10)(R8*2)","(R11)","(R11)(R8*1)"]
def disp(a,d):
    return a if d==0 else f"{d}{a}"
lab("gemmloop")
for u in range(4):
    e(f"VMOVUPS {u*128}(DI), Z{16+2*(u%2)}")
    e(f"VMOVUPS {u*128+64}(DI), Z{17+2*(u%2)}")
    for i in range(8):
        br = 20 + (i + 8*(u%2))%12
        e(f"VBROADCASTSS {disp(rows[i], 4*u)}, Z{br}")
        e(f"VFMADD231PS Z{16+2*(u%2)}, Z{br}, Z{2*i}")
        e(f"VFMADD231PS Z{17+2*(u%2)}, Z{br}, Z{2*i+1}")
e("ADDQ $16, SI"); e("ADDQ $16, R10"); e("ADDQ $16, R11"); e("ADDQ $512, DI")
e("DECQ CX"); e("JNZ gemmloop")
lab("gemmstore")
e("MOVQ c+32(FP), DX"); e("MOVQ ldc+40(FP), R8"); e("SHLQ $2, R8")
for i in range(8):
    e(f"VMOVUPS Z{2*i}, (DX)"); e(f"VMOVUPS Z{2*i+1}, 64(DX)")
    if i<7: e("ADDQ R8, DX")
e("VZEROUPPER"); e("RET")
L.append("")

def OUT1(m, y):
    e(f"VADDPS {Z(m[2])}, {Z(m[1])}, Z10")
    e(f"VSUBPS {Z(m[2])}, {Z(m[1])}, Z11")
    e(f"VADDPS {Z(m[4])}, {Z(m[3])}, Z12")
    e(f"VSUBPS {Z(m[4])}, {Z(m[3])}, Z13")
    e(f"VADDPS Z10, {Z(m[0])}, {Z(y[0])}"); e(f"VADDPS Z12, {Z(y[0])}, {Z(y[0])}")
    e(f"VMOVAPS Z11, {Z(y[1])}"); e(f"VFMADD231PS Z30, Z13, {Z(y[1])}")
    e(f"VMOVAPS Z10, {Z(y[2])}"); e(f"VFMADD231PS Z29, Z12, {Z(y[2])}")
    e(f"VADDPS {Z(m[5])}, Z11, {Z(y[3])}"); e(f"VFMADD231PS Z28, Z13, {Z(y[3])}")

# wgOutAVX512(m *float32, xiS, nv int, o *float32, cvS, pitch int, bias *float32, tmp *float32)
L.append("""// func wgOutAVX512(m *float32, xiS, nv int, o *float32, cvS, pitch int, bias *float32, tmp *float32)
TEXT ·wgOutAVX512(SB), NOSPLIT, $0-64""")
e("MOVQ m+0(FP), SI")
e("MOVQ xiS+8(FP), R8"); e("SHLQ $2, R8")
e("MOVQ nv+16(FP), CX")
e("MOVQ o+24(FP), DI")
e("MOVQ cvS+32(FP), R9"); e("SHLQ $2, R9")
e("MOVQ pitch+40(FP), R10"); e("SHLQ $6, R10")
e("MOVQ bias+48(FP), BX")
e("MOVQ tmp+56(FP), R13")
e("MOVL $0x40000000, AX"); e("VPBROADCASTD AX, Z30")
e("MOVL $0x40800000, AX"); e("VPBROADCASTD AX, Z29")
e("MOVL $0x41000000, AX"); e("VPBROADCASTD AX, Z28")
e("VXORPS Z27, Z27, Z27")
e("TESTQ CX, CX"); e("JLE outdone")
lab("outloop")
e("MOVQ SI, R15")
for i in range(6):
    for j in range(6):
        e(f"VMOVUPS (R15), Z{j}")
        if not (i==5 and j==5): e("ADDQ R8, R15")
    OUT1([0,1,2,3,4,5],[6,7,8,9])
    for d in range(4):
        e(f"VMOVUPS Z{6+d}, {(i*4+d)*64}(R13)")
e("TESTQ BX, BX"); e("JZ outnobias")
e("VMOVUPS (BX), Z27"); e("ADDQ $64, BX")
lab("outnobias")
for dx in range(4):
    for i in range(6):
        e(f"VMOVUPS {(i*4+dx)*64}(R13), Z{i}")
    OUT1([0,1,2,3,4,5],[6,7,8,9])
    if dx==0:
        e("LEAQ (R10)(R10*2), R11"); e("ADDQ DI, R11")
    for dy in range(4):
        e(f"VADDPS Z27, Z{6+dy}, Z{6+dy}")
        base=["(DI)","(DI)(R10*1)","(DI)(R10*2)","(R11)"][dy]
        e(f"VMOVUPS Z{6+dy}, {dx*64 if dx else ''}{base}")
e("ADDQ $64, SI"); e("ADDQ R9, DI"); e("DECQ CX"); e("JNZ outloop")
lab("outdone")
e("VZEROUPPER"); e("RET")
L.append("")

# wgToutAVX512(src *float32, n int, dst *float32, hw int, res *float32, cst *wgConsts)
L.append("""// func wgToutAVX512(src *float32, n int, dst *float32, hw int, res *float32, cst *wgConsts)
TEXT ·wgToutAVX512(SB), NOSPLIT, $0-48""")
e("MOVQ src+0(FP), SI"); e("MOVQ n+8(FP), BX")
e("MOVQ dst+16(FP), DI"); e("MOVQ hw+24(FP), R8"); e("SHLQ $2, R8")
e("MOVQ res+32(FP), DX"); e("MOVQ cst+40(FP), R13")
e("MOVL (R13), R14")
e("TESTQ BX, BX"); e("JLE toutdone")
lab("toutloop")
# mask K1 = min(16, BX) ones
e("MOVQ $0xffff, AX")
e("CMPQ BX, $16"); e("JGE toutfull")
e("MOVQ BX, CX"); e("MOVQ $1, AX"); e("SHLQ CX, AX"); e("DECQ AX")
lab("toutfull")
e("KMOVW AX, K1")
for i in range(16):
    e(f"VMOVUPS {i*64}(SI), Z{i}")
transpose16(R,A)
e("VBROADCASTSS 4(R13), Z16"); e("VBROADCASTSS 8(R13), Z17"); e("VBROADCASTSS 12(R13), Z18")
e("VBROADCASTSS 16(R13), Z19"); e("VBROADCASTSS 20(R13), Z20"); e("VXORPS Z21, Z21, Z21")
e("MOVQ DI, R10"); e("MOVQ DX, R11")
for c in range(16):
    z=Z(c)
    e("TESTQ $2, R14"); e(f"JZ toutnores{c}")
    e(f"VMOVUPS.Z (R11), K1, Z22")
    e(f"VADDPS Z22, {z}, {z}")
    lab(f"toutnores{c}")
    e(f"VMAXPS {z}, Z16, {z}"); e(f"VMINPS {z}, Z17, {z}")
    e(f"VCMPPS $1, Z21, {z}, K2"); e(f"VMULPS Z18, {z}, K2, {z}")
    e("TESTQ $16, R14"); e(f"JZ toutnopost{c}")
    e(f"VFMADD213PS Z20, Z19, {z}")
    lab(f"toutnopost{c}")
    e(f"VMOVUPS {z}, K1, (R10)")
    if c<15: e("ADDQ R8, R10"); e("ADDQ R8, R11")
e("ADDQ $1024, SI"); e("ADDQ $64, DI"); e("ADDQ $64, DX")
e("SUBQ $16, BX"); e("JG toutloop")
lab("toutdone")
e("VZEROUPPER"); e("RET")
open(OUT,"w").write("\n".join(L)+"\n")

# wgTinPadAVX512(src *float32, cstride int, dst *float32, n int, masks *uint16, offs *int)
L=[]
L.append("""// func wgTinPadAVX512(src *float32, cstride int, dst *float32, n int, masks *uint16, offs *int)
TEXT ·wgTinPadAVX512(SB), NOSPLIT, $0-48""")
e("MOVQ src+0(FP), SI"); e("MOVQ cstride+8(FP), R8"); e("SHLQ $2, R8")
e("MOVQ dst+16(FP), DI"); e("MOVQ n+24(FP), CX")
e("MOVQ masks+32(FP), BX"); e("MOVQ offs+40(FP), DX")
e("LEAQ (R8)(R8*2), R9")
e("TESTQ CX, CX"); e("JLE tpdone")
lab("tploop")
e("KMOVW (BX), K1")
e("MOVQ (DX), AX"); e("LEAQ (SI)(AX*4), AX")
for i in range(16):
    j=i%4
    addr = ["(AX)","(AX)(R8*1)","(AX)(R8*2)","(AX)(R9*1)"][j]
    e(f"VMOVUPS.Z {addr}, K1, Z{i}")
    if j==3 and i<15: e("LEAQ (AX)(R8*4), AX")
transpose16(R,A)
for i in range(16):
    e(f"VMOVUPS Z{i}, {i*64}(DI)")
e("ADDQ $2, BX"); e("ADDQ $8, DX"); e("ADDQ $1024, DI"); e("DECQ CX"); e("JNZ tploop")
lab("tpdone")
e("VZEROUPPER"); e("RET")
open(OUT,"a").write("\n"+"\n".join(L)+"\n")

