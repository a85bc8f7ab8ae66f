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
