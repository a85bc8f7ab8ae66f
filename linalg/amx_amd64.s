//go:build !purego

#include "textflag.h"

// The Go assembler does not know AMX: the tile instructions are
// BYTE-encoded (encodings checked with llvm-mc). Only low registers
// (AX..DI) appear in tile addresses, so every VEX prefix is C4 E2.
#define LDTILECFG_R8 BYTE $0xc4; BYTE $0xc2; BYTE $0x78; BYTE $0x49; BYTE $0x00
#define TILERELEASE BYTE $0xc4; BYTE $0xe2; BYTE $0x78; BYTE $0x49; BYTE $0xc0
#define TILEZERO_T0 BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xc0
#define TILEZERO_T1 BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xc8
#define TILEZERO_T2 BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xd0
#define TILEZERO_T3 BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xd8
// TILELOADD T4, (SI)(BX*1)
#define TLOAD_T4_SI_BX BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x4b; BYTE $0x24; BYTE $0x1e
// TILELOADD T5, (DI)(BX*1)
#define TLOAD_T5_DI_BX BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x4b; BYTE $0x2c; BYTE $0x1f
// TILELOADD T6, (DX)(CX*1)
#define TLOAD_T6_DX_CX BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x4b; BYTE $0x34; BYTE $0x0a
// TILELOADD T7, 64(DX)(CX*1)
#define TLOAD_T7_DX64_CX BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x4b; BYTE $0x7c; BYTE $0x0a; BYTE $0x40
// TILESTORED T0, (AX)(CX*1); T1 at 64; T2 at 2048; T3 at 2112
#define TSTORE_T0 BYTE $0xc4; BYTE $0xe2; BYTE $0x7a; BYTE $0x4b; BYTE $0x04; BYTE $0x08
#define TSTORE_T1 BYTE $0xc4; BYTE $0xe2; BYTE $0x7a; BYTE $0x4b; BYTE $0x4c; BYTE $0x08; BYTE $0x40
#define TSTORE_T2 BYTE $0xc4; BYTE $0xe2; BYTE $0x7a; BYTE $0x4b; BYTE $0x94; BYTE $0x08; BYTE $0x00; BYTE $0x08; BYTE $0x00; BYTE $0x00
#define TSTORE_T3 BYTE $0xc4; BYTE $0xe2; BYTE $0x7a; BYTE $0x4b; BYTE $0x9c; BYTE $0x08; BYTE $0x40; BYTE $0x08; BYTE $0x00; BYTE $0x00
// TDPBSSD Tc, Ta, Tb: Tc += Ta(s8) · Tb(s8)
#define TDPBSSD_T0_T4_T6 BYTE $0xc4; BYTE $0xe2; BYTE $0x4b; BYTE $0x5e; BYTE $0xc4
#define TDPBSSD_T1_T4_T7 BYTE $0xc4; BYTE $0xe2; BYTE $0x43; BYTE $0x5e; BYTE $0xcc
#define TDPBSSD_T2_T5_T6 BYTE $0xc4; BYTE $0xe2; BYTE $0x4b; BYTE $0x5e; BYTE $0xd5
#define TDPBSSD_T3_T5_T7 BYTE $0xc4; BYTE $0xe2; BYTE $0x43; BYTE $0x5e; BYTE $0xdd

// Byte order fix after packing two rows (VPACKSSDW, VPACKUSWB work per
// 128-bit lane): output byte 32·rr + c (row rr, column c) comes from
// lane c%16/4 at 4·(c/16) + 8·rr + c%4.
DATA amxpairidx<>+0(SB)/8, $0x1312111003020100
DATA amxpairidx<>+8(SB)/8, $0x3332313023222120
DATA amxpairidx<>+16(SB)/8, $0x1716151407060504
DATA amxpairidx<>+24(SB)/8, $0x3736353427262524
DATA amxpairidx<>+32(SB)/8, $0x1b1a19180b0a0908
DATA amxpairidx<>+40(SB)/8, $0x3b3a39382b2a2928
DATA amxpairidx<>+48(SB)/8, $0x1f1e1d1c0f0e0d0c
DATA amxpairidx<>+56(SB)/8, $0x3f3e3d3c2f2e2d2c
GLOBL amxpairidx<>(SB), RODATA|NOPTR, $64

// amxPair requantizes tile rows 0(SI) and 128(SI) (32 int32 each) +
// rowc (R14) with mult (R15): float products clamped above only
// (VCVTPS2DQ maps large negatives to INT32_MIN, which the saturating
// packs take to the low end), packed with saturation to int16, the zero
// point added (saturating), then packed to bytes by the caller.
#define amxPair \
	VPBROADCASTD (R14), Z2 \
	VPADDD 0(SI), Z2, Z0 \
	VPADDD 64(SI), Z2, Z1 \
	VPBROADCASTD 4(R14), Z2 \
	VPADDD 128(SI), Z2, Z16 \
	VPADDD 192(SI), Z2, Z17 \
	VCVTDQ2PS Z0, Z0 \
	VCVTDQ2PS Z1, Z1 \
	VCVTDQ2PS Z16, Z16 \
	VCVTDQ2PS Z17, Z17 \
	VBROADCASTSS (R15), Z3 \
	VMULPS Z3, Z0, Z0 \
	VMULPS Z3, Z1, Z1 \
	VBROADCASTSS 4(R15), Z3 \
	VMULPS Z3, Z16, Z16 \
	VMULPS Z3, Z17, Z17 \
	VMINPS Z20, Z0, Z0 \
	VMINPS Z20, Z1, Z1 \
	VMINPS Z20, Z16, Z16 \
	VMINPS Z20, Z17, Z17 \
	VCVTPS2DQ Z0, Z0 \
	VCVTPS2DQ Z1, Z1 \
	VCVTPS2DQ Z16, Z16 \
	VCVTPS2DQ Z17, Z17 \
	VPACKSSDW Z1, Z0, Z0 \
	VPACKSSDW Z17, Z16, Z16 \
	VPADDSW Z18, Z0, Z0 \
	VPADDSW Z18, Z16, Z16

// func amxKernConvS8(a *byte, lda int, b *byte, chunks int, y *byte, ldy int, rowc *int32, mult *float32, mblocks int, zp int32, lo, hi float32, tile *int32, cfg *byte, segs *amxSeg, nseg *int, rows int, npanels int, bstride int, signed bool)
// For each of npanels B panels (bstride bytes apart), mblocks blocks of
// 32 rows × 32 columns: A = s8 weight rows (lda bytes apart, 64 bytes per
// chunk), B = s8 activation panel (per chunk 16 steps of 128 bytes: 32
// columns × 4). Each block's four 16×16 int32 tiles go to one of two
// scratch buffers (tile: 2 × 32 rows of 128 bytes); while the tile unit
// works on block i, the vector unit requantizes block i-1 (acc + rowc[r],
// × mult[r], finite) and stores row r's 32 bytes with the panel's masked
// segments (nseg[p] of 1 to 6, segs[6p:]): columns in segs[s].mask go to
// y + r·ldy + segs[s].off + column. Rows >= rows are not stored.
TEXT ·amxKernConvS8(SB), NOSPLIT, $32-145
	MOVQ cfg+96(FP), R8
	LDTILECFG_R8
	MOVQ lda+8(FP), BX
	MOVQ b+16(FP), R10
	MOVQ chunks+24(FP), R11
	MOVQ ldy+40(FP), R13
	MOVL zp+72(FP), AX
	VMOVD AX, X18
	VPBROADCASTW X18, Z18
	VBROADCASTSS hi+80(FP), Z20
	VMOVDQU8 amxpairidx<>(SB), Z21
	MOVQ segs+104(FP), DX
	MOVQ DX, sgp-32(SP)
	MOVQ tile+88(FP), AX
	MOVQ $128, CX
	CMPQ mblocks+64(FP), $0
	JEQ amx_done
	CMPQ npanels+128(FP), $0
	JEQ amx_done
amx_panel:
	MOVQ sgp-32(SP), DX
	KMOVD 8(DX), K1
	KMOVD 24(DX), K2
	KMOVD 40(DX), K3
	KMOVD 56(DX), K4
	KMOVD 72(DX), K5
	KMOVD 88(DX), K6
	MOVQ nseg+112(FP), DI
	MOVQ (DI), DI
	MOVQ DI, nsg-24(SP)
	MOVQ mblocks+64(FP), DI
	MOVQ DI, blk-8(SP)
	MOVQ rows+120(FP), DI
	MOVQ DI, rws-16(SP)
	MOVQ a+0(FP), R8
	MOVQ y+32(FP), R12
	MOVQ rowc+48(FP), R14
	MOVQ mult+56(FP), R15
amx_block:
	TILEZERO_T0
	TILEZERO_T1
	TILEZERO_T2
	TILEZERO_T3
	MOVQ R8, SI
	MOVQ BX, DI
	SHLQ $4, DI
	ADDQ R8, DI
	MOVQ R10, DX
	MOVQ R11, R9
amx_k:
	TLOAD_T4_SI_BX
	TLOAD_T6_DX_CX
	TLOAD_T7_DX64_CX
	TDPBSSD_T0_T4_T6
	TDPBSSD_T1_T4_T7
	TLOAD_T5_DI_BX
	TDPBSSD_T2_T5_T6
	TDPBSSD_T3_T5_T7
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $2048, DX
	DECQ R9
	JNZ amx_k
	// The previous block of this panel (if any) is requantized while
	// these tiles compute.
	CMPQ R8, a+0(FP)
	JNE amx_epi
amx_store:
	TSTORE_T0
	TSTORE_T1
	TSTORE_T2
	TSTORE_T3
	// Swap the buffers: AX = 2·tile + 4096 - AX.
	MOVQ tile+88(FP), SI
	LEAQ 4096(SI)(SI*1), SI
	SUBQ AX, SI
	MOVQ SI, AX
	MOVQ BX, DI
	SHLQ $5, DI
	ADDQ DI, R8
	DECQ blk-8(SP)
	JNZ amx_block
	// The panel's last block.
amx_epi:
	// SI = the buffer not being stored into: 2·tile + 4096 - AX.
	MOVQ tile+88(FP), SI
	LEAQ 4096(SI)(SI*1), SI
	SUBQ AX, SI
	MOVQ $16, R9
amx_pair:
	amxPair
	CMPB signed+144(FP), $0
	JNE amx_pss
	VPACKUSWB Z16, Z0, Z0
	JMP amx_pperm
amx_pss:
	VPACKSSWB Z16, Z0, Z0
amx_pperm:
	VPERMB Z0, Z21, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	CMPQ rws-16(SP), $0
	JLE amx_r0_next
	DECQ rws-16(SP)
	MOVQ sgp-32(SP), DX
	MOVQ 0(DX), DI
	VMOVDQU8 Y0, K1, (R12)(DI*1)
	CMPQ nsg-24(SP), $1
	JEQ amx_r0_next
	MOVQ 16(DX), DI
	VMOVDQU8 Y0, K2, (R12)(DI*1)
	CMPQ nsg-24(SP), $2
	JEQ amx_r0_next
	MOVQ 32(DX), DI
	VMOVDQU8 Y0, K3, (R12)(DI*1)
	CMPQ nsg-24(SP), $3
	JEQ amx_r0_next
	MOVQ 48(DX), DI
	VMOVDQU8 Y0, K4, (R12)(DI*1)
	CMPQ nsg-24(SP), $4
	JEQ amx_r0_next
	MOVQ 64(DX), DI
	VMOVDQU8 Y0, K5, (R12)(DI*1)
	CMPQ nsg-24(SP), $5
	JEQ amx_r0_next
	MOVQ 80(DX), DI
	VMOVDQU8 Y0, K6, (R12)(DI*1)
amx_r0_next:
	ADDQ R13, R12
	CMPQ rws-16(SP), $0
	JLE amx_r1_next
	DECQ rws-16(SP)
	MOVQ sgp-32(SP), DX
	MOVQ 0(DX), DI
	VMOVDQU8 Y1, K1, (R12)(DI*1)
	CMPQ nsg-24(SP), $1
	JEQ amx_r1_next
	MOVQ 16(DX), DI
	VMOVDQU8 Y1, K2, (R12)(DI*1)
	CMPQ nsg-24(SP), $2
	JEQ amx_r1_next
	MOVQ 32(DX), DI
	VMOVDQU8 Y1, K3, (R12)(DI*1)
	CMPQ nsg-24(SP), $3
	JEQ amx_r1_next
	MOVQ 48(DX), DI
	VMOVDQU8 Y1, K4, (R12)(DI*1)
	CMPQ nsg-24(SP), $4
	JEQ amx_r1_next
	MOVQ 64(DX), DI
	VMOVDQU8 Y1, K5, (R12)(DI*1)
	CMPQ nsg-24(SP), $5
	JEQ amx_r1_next
	MOVQ 80(DX), DI
	VMOVDQU8 Y1, K6, (R12)(DI*1)
amx_r1_next:
	ADDQ R13, R12
	ADDQ $256, SI
	ADDQ $8, R14
	ADDQ $8, R15
	DECQ R9
	JNZ amx_pair
	CMPQ blk-8(SP), $0
	JNE amx_store
	// Next panel.
	ADDQ $96, sgp-32(SP)
	ADDQ $8, nseg+112(FP)
	ADDQ bstride+136(FP), R10
	DECQ npanels+128(FP)
	JNZ amx_panel
amx_done:
	TILERELEASE
	VZEROUPPER
	RET
