//go:generate go run . -out ../../vec_amd64.s -stubs ../../vec_stub_amd64.go -pkg linalg

// Command vec writes linalg's amd64 vector kernels with avo: the dot
// products behind the small-M SGEMM path (gemv.go). Each has the meaning
// of its generic twin in ../../vec.go:
//
//	var s float32
//	for i := 0; i < n; i++ {
//		s += x[i] * y[i]
//	}
//	return s
//
// (summed in a different order: four vector accumulators, then lanes).
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego")
	genDot("sdotAVX2", false)
	genDot("sdotAVX512", true)
	genDot4()
	Generate()
}

// genDot emits a dot product: 4 accumulators of 8 (ymm) or 16 (zmm)
// lanes, then single vectors, then scalars.
func genDot(name string, avx512 bool) {
	TEXT(name, NOSPLIT, "func(x, y *float32, n int) float32")
	Pragma("noescape")
	lanes := 8
	acc := []VecPhysical{Y0, Y1, Y2, Y3}
	isa := "AVX2, FMA3"
	if avx512 {
		lanes = 16
		acc = []VecPhysical{Z0, Z1, Z2, Z3}
		isa = "AVX512F"
	}
	Doc(name + " returns the dot product of x[:n] and y[:n]: sdotGeneric. Requires " + isa + ".")
	x := Load(Param("x"), RSI)
	y := Load(Param("y"), RDI)
	n := Load(Param("n"), RCX)
	for _, r := range acc {
		VXORPS(r, r, r)
	}
	VXORPS(X4, X4, X4) // scalar tail
	vb := 4 * lanes
	Label(name + "_loop4")
	CMPQ(n, U8(4*lanes))
	JL(LabelRef(name + "_loop1"))
	for i, r := range acc {
		tmp := []VecPhysical{Y5, Y6, Y7, Y8}[i]
		if avx512 {
			tmp = []VecPhysical{Z5, Z6, Z7, Z8}[i]
		}
		VMOVUPS(Mem{Base: x, Disp: vb * i}, tmp)
		VFMADD231PS(Mem{Base: y, Disp: vb * i}, tmp, r)
	}
	ADDQ(U32(4*vb), x)
	ADDQ(U32(4*vb), y)
	SUBQ(U8(4*lanes), n)
	JMP(LabelRef(name + "_loop4"))
	Label(name + "_loop1")
	CMPQ(n, U8(lanes))
	JL(LabelRef(name + "_reduce"))
	t := VecPhysical(Y5)
	if avx512 {
		t = Z5
	}
	VMOVUPS(Mem{Base: x}, t)
	VFMADD231PS(Mem{Base: y}, t, acc[0])
	ADDQ(U8(vb), x)
	ADDQ(U8(vb), y)
	SUBQ(U8(lanes), n)
	JMP(LabelRef(name + "_loop1"))
	Label(name + "_reduce")
	VADDPS(acc[1], acc[0], acc[0])
	VADDPS(acc[3], acc[2], acc[2])
	VADDPS(acc[2], acc[0], acc[0])
	if avx512 {
		VEXTRACTF64X4(U8(1), Z0, Y1)
		VADDPS(Y1, Y0, Y0)
	}
	VEXTRACTF128(U8(1), Y0, X1)
	VADDPS(X1, X0, X0)
	VMOVHLPS(X0, X0, X1)
	VADDPS(X1, X0, X0)
	VMOVSHDUP(X0, X1)
	VADDSS(X1, X0, X0)
	Label(name + "_tail")
	TESTQ(n, n)
	JE(LabelRef(name + "_done"))
	VMOVSS(Mem{Base: x}, X1)
	VFMADD231SS(Mem{Base: y}, X1, X4)
	ADDQ(U8(4), x)
	ADDQ(U8(4), y)
	DECQ(n)
	JMP(LabelRef(name + "_tail"))
	Label(name + "_done")
	VADDSS(X4, X0, X0)
	VZEROUPPER()
	Store(X0, ReturnIndex(0))
	RET()
}

// genDot4 emits sdot4AVX512: four dot products of x with the rows y,
// y+ldy, y+2*ldy, y+3*ldy over n floats (n a multiple of 16), stored to
// out[0..3]. Four rows stream at once, so a matrix-vector product whose
// matrix comes from L3 or memory keeps four times as many loads in
// flight as row-by-row dots; x is loaded once for the four rows.
func genDot4() {
	TEXT("sdot4AVX512", NOSPLIT, "func(x, y *float32, ldy, n int, out *float32)")
	Pragma("noescape")
	Doc("sdot4AVX512 stores the dot products of x[:n] with the four rows y[r*ldy:][:n] in out[r] (n a multiple of 16): sdot4Generic. Requires AVX512F.")
	x := Load(Param("x"), RSI)
	y0 := Load(Param("y"), RDI)
	ld := Load(Param("ldy"), RDX)
	n := Load(Param("n"), RCX)
	out := Load(Param("out"), R8)
	SHLQ(U8(2), ld)
	y1, y2, y3 := R9, R10, R11
	LEAQ(Mem{Base: y0, Index: ld, Scale: 1}, y1)
	LEAQ(Mem{Base: y1, Index: ld, Scale: 1}, y2)
	LEAQ(Mem{Base: y2, Index: ld, Scale: 1}, y3)
	rows := []Register{y0, y1, y2, y3}
	acc := []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7} // row r: Z(r), Z(r+4)
	for _, r := range acc {
		VXORPS(r, r, r)
	}
	XORQ(RAX, RAX) // byte offset
	SHLQ(U8(2), n)
	Label("sdot4_loop2")
	MOVQ(n, RBX)
	SUBQ(RAX, RBX)
	CMPQ(RBX, U8(128))
	JL(LabelRef("sdot4_loop1"))
	VMOVUPS(Mem{Base: x, Index: RAX, Scale: 1}, Z8)
	VMOVUPS(Mem{Base: x, Index: RAX, Scale: 1, Disp: 64}, Z9)
	for r, y := range rows {
		VFMADD231PS(Mem{Base: y, Index: RAX, Scale: 1}, Z8, acc[r])
		VFMADD231PS(Mem{Base: y, Index: RAX, Scale: 1, Disp: 64}, Z9, acc[r+4])
	}
	ADDQ(U8(128), RAX)
	JMP(LabelRef("sdot4_loop2"))
	Label("sdot4_loop1")
	CMPQ(RAX, n)
	JGE(LabelRef("sdot4_reduce"))
	VMOVUPS(Mem{Base: x, Index: RAX, Scale: 1}, Z8)
	for r, y := range rows {
		VFMADD231PS(Mem{Base: y, Index: RAX, Scale: 1}, Z8, acc[r])
	}
	ADDQ(U8(64), RAX)
	JMP(LabelRef("sdot4_loop1"))
	Label("sdot4_reduce")
	for r := 0; r < 4; r++ {
		a := acc[r]
		VADDPS(acc[r+4], a, a)
		VEXTRACTF64X4(U8(1), a, Y8)
		ya := []VecPhysical{Y0, Y1, Y2, Y3}[r]
		xa := []VecPhysical{X0, X1, X2, X3}[r]
		VADDPS(Y8, ya, ya)
		VEXTRACTF128(U8(1), ya, X8)
		VADDPS(X8, xa, xa)
		VMOVHLPS(xa, xa, X8)
		VADDPS(X8, xa, xa)
		VMOVSHDUP(xa, X8)
		VADDSS(X8, xa, xa)
		VMOVSS(xa, Mem{Base: out, Disp: 4 * r})
	}
	VZEROUPPER()
	RET()
}
