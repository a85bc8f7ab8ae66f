//go:generate go run . -out ../qgemm_amd64.s -nbits ../nbits_amd64.s -arm64 ../qgemm_arm64.s

// Command genq writes qinfer's integer GEMM assembly (linalg/qgemm_amd64.s).
//
// It is a plain text generator rather than avo: the kernels are short,
// fully unrolled over registers, and one instruction (the VEX-encoded
// AVX-VNNI VPDPBUSD) is unknown to the Go assembler, which only emits the
// EVEX form (needs AVX512VL). vexVPDPBUSD hand-encodes it as BYTEs.
//
// Micro-kernels compute, for one tile (the Go equivalent is
// qgemmKernGeneric in ../qgemm_generic.go):
//
//	for i < mr, j < nr:
//		acc := Σ_s Σ_t a[s][i][t] * b[s][j][t]        // t < 4 (u8·s8) or 2 (i16·i16)
//		c[i*ldc+j] = acc + rfix[2i]*cfix[j] + rfix[2i+1]*cfix[32+j]
//
// a is the A block (mr rows lda bytes apart, 4 bytes per k step), b the packed B panel
// (per k step 128 bytes: 32 columns × 4 bytes), cfix the panel's column
// sums and B zero points. One call runs mblocks consecutive row blocks
// (A, C and rfix advancing by mr rows); flags bit 0 /
// bit 1 enable the column-sum / zero-point fixup terms.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

var buf bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&buf, "\t"+format+"\n", args...) }
func label(l string)               { fmt.Fprintf(&buf, "%s:\n", l) }
func comment(s string)             { fmt.Fprintf(&buf, "\n// %s\n", s) }

// vexVPDPBUSD emits VEX.256.66.0F38.W0 50 /r: vpdpbusd ymm(dst), ymm(src1, u8), ymm(src2, s8).
func vexVPDPBUSD(dst, src1, src2 int) {
	r := 1
	if dst >= 8 {
		r = 0
	}
	b := 1
	if src2 >= 8 {
		b = 0
	}
	b1 := r<<7 | 1<<6 | b<<5 | 0x02
	b2 := (^src1&15)<<3 | 1<<2 | 0x01
	modrm := 0xC0 | (dst&7)<<3 | src2&7
	p("BYTE $0xC4; BYTE $0x%02X; BYTE $0x%02X; BYTE $0x50; BYTE $0x%02X // VPDPBUSD Y%d, Y%d, Y%d (VEX, AVX-VNNI)", b1, b2, modrm, src2, src1, dst)
}

func header(name, args string, frame int) {
	fmt.Fprintf(&buf, "\nTEXT ·%s(SB), NOSPLIT, $0-%d\n", name, frame)
	_ = args
}

func kernArgs() {
	p("MOVQ a+0(FP), AX")
	p("MOVQ lda+8(FP), R15")
	p("MOVQ b+16(FP), R10")
	p("MOVQ steps+24(FP), R11")
	p("MOVQ c+32(FP), R12")
	p("MOVQ ldc+40(FP), SI")
	p("SHLQ $2, SI")
	p("MOVQ rfix+48(FP), R8")
	p("MOVQ cfix+56(FP), R9")
	p("MOVQ mblocks+64(FP), R13")
}

const kernSig = "(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int)"

// Register use: AX, DX, R14 A rows 0, 3, 6 of the block (the others are
// addressed through R15 = lda in bytes), R10 B panel, BX B in the block,
// R11 steps, CX step counter, R12 C block, DI C row, SI ldc in bytes, R8
// rfix (advances per block), R9 cfix, R13 blocks left. flags bit 0 / 1:
// column-sum / B zero-point fixup terms.

// aRow returns the address of row i of the block at byte offset off.
func aRow(i, off int) string {
	switch i {
	case 0:
		return fmt.Sprintf("%d(AX)", off)
	case 1:
		return fmt.Sprintf("%d(AX)(R15*1)", off)
	case 2:
		return fmt.Sprintf("%d(AX)(R15*2)", off)
	case 3:
		return fmt.Sprintf("%d(DX)", off)
	case 4:
		return fmt.Sprintf("%d(AX)(R15*4)", off)
	case 5:
		return fmt.Sprintf("%d(DX)(R15*2)", off)
	case 6:
		return fmt.Sprintf("%d(R14)", off)
	case 7:
		return fmt.Sprintf("%d(R14)(R15*1)", off)
	}
	panic("row")
}

// rowBases sets DX (and R14 when mr > 6) from AX.
func rowBases(mr int) {
	p("LEAQ (AX)(R15*2), DX")
	p("ADDQ R15, DX")
	if mr > 6 {
		p("LEAQ (DX)(R15*2), R14")
		p("ADDQ R15, R14")
	}
}

func advanceRows(mr, by int) {
	p("ADDQ $%d, AX", by)
	p("ADDQ $%d, DX", by)
	if mr > 6 {
		p("ADDQ $%d, R14", by)
	}
}

// nextBlock moves AX from the end of a block's rows to the next block.
func nextBlock(mr int) {
	p("MOVQ R11, DI")
	p("SHLQ $2, DI")
	p("SUBQ DI, AX")
	switch mr {
	case 8:
		p("LEAQ (AX)(R15*8), AX")
	case 6:
		p("LEAQ (AX)(R15*4), AX")
		p("LEAQ (AX)(R15*2), AX")
	default:
		panic("mr")
	}
}

// kernVNNI512: mr=8, nr=32 (two zmm per row), VPDPBUSD zmm.
func kernVNNI512() {
	const mr = 8
	comment("func qgemmKernVNNI512" + kernSig)
	comment("Requires: AVX512F, AVX512_VNNI. Tile 8×32, A u8 rows, B s8 4-groups.")
	header("qgemmKernVNNI512", "", 80)
	kernArgs()
	label("vnni512_block")
	rowBases(mr)
	for i := 0; i < 2*mr; i++ {
		p("VPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	p("MOVQ R10, BX")
	p("MOVQ R11, CX")
	p("CMPQ CX, $2")
	p("JLT vnni512_tail")
	label("vnni512_loop2")
	for u := 0; u < 2; u++ {
		p("VMOVDQU32 %d(BX), Z16", u*128)
		p("VMOVDQU32 %d(BX), Z17", u*128+64)
		for i := 0; i < mr; i++ {
			r := 18 + (u*mr+i)%8
			p("VPBROADCASTD %s, Z%d", aRow(i, 4*u), r)
			p("VPDPBUSD Z16, Z%d, Z%d", r, 2*i)
			p("VPDPBUSD Z17, Z%d, Z%d", r, 2*i+1)
		}
	}
	p("ADDQ $256, BX")
	advanceRows(mr, 8)
	p("SUBQ $2, CX")
	p("CMPQ CX, $2")
	p("JGE vnni512_loop2")
	label("vnni512_tail")
	p("TESTQ CX, CX")
	p("JZ vnni512_fix")
	p("VMOVDQU32 (BX), Z16")
	p("VMOVDQU32 64(BX), Z17")
	for i := 0; i < mr; i++ {
		r := 18 + i%8
		p("VPBROADCASTD %s, Z%d", aRow(i, 0), r)
		p("VPDPBUSD Z16, Z%d, Z%d", r, 2*i)
		p("VPDPBUSD Z17, Z%d, Z%d", r, 2*i+1)
	}
	p("ADDQ $4, AX")
	label("vnni512_fix")
	p("MOVQ flags+72(FP), DI")
	p("BTQ $0, DI")
	p("JCC vnni512_fixbz")
	p("VMOVDQU32 (R9), Z16")
	p("VMOVDQU32 64(R9), Z17")
	for i := 0; i < mr; i++ {
		p("VPBROADCASTD %d(R8), Z18", 8*i)
		p("VPMULLD Z16, Z18, Z22")
		p("VPMULLD Z17, Z18, Z23")
		p("VPADDD Z22, Z%d, Z%d", 2*i, 2*i)
		p("VPADDD Z23, Z%d, Z%d", 2*i+1, 2*i+1)
	}
	label("vnni512_fixbz")
	p("BTQ $1, DI")
	p("JCC vnni512_store")
	p("VMOVDQU32 128(R9), Z20")
	p("VMOVDQU32 192(R9), Z21")
	for i := 0; i < mr; i++ {
		p("VPBROADCASTD %d(R8), Z19", 8*i+4)
		p("VPMULLD Z20, Z19, Z24")
		p("VPMULLD Z21, Z19, Z25")
		p("VPADDD Z24, Z%d, Z%d", 2*i, 2*i)
		p("VPADDD Z25, Z%d, Z%d", 2*i+1, 2*i+1)
	}
	label("vnni512_store")
	p("MOVQ R12, DI")
	for i := 0; i < mr; i++ {
		p("VMOVDQU32 Z%d, (DI)", 2*i)
		p("VMOVDQU32 Z%d, 64(DI)", 2*i+1)
		p("ADDQ SI, DI")
	}
	p("MOVQ DI, R12")
	p("ADDQ $%d, R8", 8*mr)
	nextBlock(mr)
	p("DECQ R13")
	p("JNZ vnni512_block")
	p("VZEROUPPER")
	p("RET")
}

// kernYMM: mr=6, nr=16 (two ymm per row). vnni selects VEX VPDPBUSD on u8/s8
// 4-groups; otherwise VPMADDWD+VPADDD on int16 pairs (exact AVX2).
func kernYMM(name string, vnni bool) {
	const mr = 6
	comment("func " + name + kernSig)
	if vnni {
		comment("Requires: AVX2, AVX-VNNI. Tile 6×16, A u8 rows, B s8 4-groups.")
	} else {
		comment("Requires: AVX2. Tile 6×16, A and B int16 pairs, VPMADDWD (exact, no saturation).")
	}
	header(name, "", 80)
	kernArgs()
	label(name + "_block")
	rowBases(mr)
	for i := 0; i < 2*mr; i++ {
		p("VPXOR Y%d, Y%d, Y%d", i, i, i)
	}
	p("MOVQ R10, BX")
	p("MOVQ R11, CX")
	p("TESTQ CX, CX")
	p("JZ %s_fix", name)
	label(name + "_loop")
	p("VMOVDQU (BX), Y12")
	p("VMOVDQU 32(BX), Y13")
	for i := 0; i < mr; i++ {
		if vnni {
			r := 14 + i%2
			p("VPBROADCASTD %s, Y%d", aRow(i, 0), r)
			vexVPDPBUSD(2*i, r, 12)
			vexVPDPBUSD(2*i+1, r, 13)
		} else {
			p("VPBROADCASTD %s, Y14", aRow(i, 0))
			p("VPMADDWD Y12, Y14, Y15")
			p("VPADDD Y15, Y%d, Y%d", 2*i, 2*i)
			p("VPMADDWD Y13, Y14, Y15")
			p("VPADDD Y15, Y%d, Y%d", 2*i+1, 2*i+1)
		}
	}
	p("ADDQ $128, BX")
	advanceRows(mr, 4)
	p("DECQ CX")
	p("JNZ %s_loop", name)
	label(name + "_fix")
	p("MOVQ flags+72(FP), DI")
	p("BTQ $0, DI")
	p("JCC %s_fixbz", name)
	for h := 0; h < 2; h++ {
		p("VMOVDQU %d(R9), Y12", 32*h)
		for i := 0; i < mr; i++ {
			p("VPBROADCASTD %d(R8), Y14", 8*i)
			p("VPMULLD Y12, Y14, Y14")
			p("VPADDD Y14, Y%d, Y%d", 2*i+h, 2*i+h)
		}
	}
	label(name + "_fixbz")
	p("BTQ $1, DI")
	p("JCC %s_store", name)
	for h := 0; h < 2; h++ {
		p("VMOVDQU %d(R9), Y13", 128+32*h)
		for i := 0; i < mr; i++ {
			p("VPBROADCASTD %d(R8), Y15", 8*i+4)
			p("VPMULLD Y13, Y15, Y15")
			p("VPADDD Y15, Y%d, Y%d", 2*i+h, 2*i+h)
		}
	}
	label(name + "_store")
	p("MOVQ R12, DI")
	for i := 0; i < mr; i++ {
		p("VMOVDQU Y%d, (DI)", 2*i)
		p("VMOVDQU Y%d, 32(DI)", 2*i+1)
		p("ADDQ SI, DI")
	}
	p("MOVQ DI, R12")
	p("ADDQ $%d, R8", 8*mr)
	nextBlock(mr)
	p("DECQ R13")
	p("JNZ %s_block", name)
	p("VZEROUPPER")
	p("RET")
}

// requantAVX2 converts n (a multiple of 8) int32 values:
//
//	v := acc[j] + bias[j]
//	f := min(max(float32(v)*mult[j], lo), hi)   // lo, hi = range - zp
//	dst[j] = NaN(f) ? 0 : roundEven(f) + zp      // as uint8 (or int8)
func requantAVX2() {
	comment("func qrequantAVX2(dst *byte, acc, bias *int32, mult *float32, n int, zp int32, lo, hi float32, signed bool)")
	comment("Requires: AVX2. n is a multiple of 8.")
	header("qrequantAVX2", "", 53)
	p("MOVQ dst+0(FP), DI")
	p("MOVQ acc+8(FP), SI")
	p("MOVQ bias+16(FP), DX")
	p("MOVQ mult+24(FP), R8")
	p("MOVQ n+32(FP), CX")
	p("MOVL zp+40(FP), R10")
	p("VMOVD R10, X13")
	p("VPBROADCASTD X13, Y13")
	p("VMOVSS lo+44(FP), X14")
	p("VBROADCASTSS X14, Y14")
	p("VMOVSS hi+48(FP), X15")
	p("VBROADCASTSS X15, Y15")
	p("MOVBLZX signed+52(FP), R9")
	p("SHRQ $3, CX")
	p("JZ requant_done")
	label("requant_loop")
	p("VMOVDQU (SI), Y0")
	p("VPADDD (DX), Y0, Y0")
	p("VCVTDQ2PS Y0, Y0")
	p("VMULPS (R8), Y0, Y0")
	p("VCMPPS $7, Y0, Y0, Y1") // ordered: all ones where not NaN
	p("VMAXPS Y14, Y0, Y0")
	p("VMINPS Y15, Y0, Y0")
	p("VCVTPS2DQ Y0, Y0")
	p("VPADDD Y13, Y0, Y0")
	p("VPAND Y1, Y0, Y0")
	p("VEXTRACTI128 $1, Y0, X1")
	p("VPACKSSDW X1, X0, X0")
	p("TESTQ R9, R9")
	p("JNZ requant_s8")
	p("VPACKUSWB X0, X0, X0")
	p("JMP requant_store")
	label("requant_s8")
	p("VPACKSSWB X0, X0, X0")
	label("requant_store")
	p("MOVQ X0, (DI)")
	p("ADDQ $8, DI")
	p("ADDQ $32, SI")
	p("ADDQ $32, DX")
	p("ADDQ $32, R8")
	p("DECQ CX")
	p("JNZ requant_loop")
	label("requant_done")
	p("VZEROUPPER")
	p("RET")
}

// peakVNNI512 runs n iterations of 16 independent VPDPBUSD zmm.
func peakVNNI512() {
	comment("func qpeakVNNI512(n int)")
	comment("Requires: AVX512F, AVX512_VNNI. 16 independent VPDPBUSD zmm per iteration.")
	header("qpeakVNNI512", "", 8)
	p("MOVQ n+0(FP), CX")
	p("VPXORD Z16, Z16, Z16")
	p("VPXORD Z17, Z17, Z17")
	for i := 0; i < 16; i++ {
		p("VPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	label("peak_loop")
	for i := 0; i < 16; i++ {
		p("VPDPBUSD Z16, Z17, Z%d", i)
	}
	p("DECQ CX")
	p("JNZ peak_loop")
	p("VZEROUPPER")
	p("RET")
}

func main() {
	out := flag.String("out", "../qgemm_amd64.s", "output file")
	nbOut := flag.String("nbits", "../nbits_amd64.s", "int4 kernels output file")
	armOut := flag.String("arm64", "../qgemm_arm64.s", "arm64 kernels output file")
	flag.Parse()
	buf.WriteString("// Code generated by command: go run . -out ../qgemm_amd64.s (linalg/_genq). DO NOT EDIT.\n\n//go:build !purego\n\n#include \"textflag.h\"\n")
	kernVNNI512()
	kernYMM("qgemmKernAVXVNNI", true)
	kernYMM("qgemmKernAVX2", false)
	requantAVX2()
	peakVNNI512()
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	genNBits()
	if err := os.WriteFile(*nbOut, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	genARM64()
	if err := os.WriteFile(*armOut, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
