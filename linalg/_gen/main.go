//go:generate go run . -out ../sgemm_amd64.s -stubs ../sgemm_stub_amd64.go -pkg linalg

// Command _gen writes linalg's amd64 assembly with avo: the SGEMM
// micro-kernels (AVX2+FMA 6x16, AVX-512 8x32) and the FMA peak loops used
// by BenchmarkPeakFMA.
//
// Each micro-kernel has the meaning of sgemmKernelGeneric in
// ../sgemm_generic.go, for its own tile shape mr×nr:
//
//	for p := 0; p < k; p++ {
//		for i := 0; i < mr; i++ {
//			for j := 0; j < nr; j++ {
//				c[i*ldc+j] += a[p*mr+i] * b[p*nr+j]
//			}
//		}
//	}
//
// a is a packed A strip (k×mr, alpha already folded in), b a packed B strip
// (k×nr), c the top-left element of a full mr×nr tile of C with row stride
// ldc. The accumulators start from C, so no separate add pass is needed.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// debug adds a check that k >= 0 (a negative k would loop ~forever).
const debug = false

func main() {
	ConstraintExpr("!purego")
	genKernel("sgemmKernelAVX2", 6, 2, false)
	genKernel("sgemmKernelAVX512", 8, 2, true)
	genKernelEp("sgemmKernelEpAVX2", 6, 2, false, false)
	genKernelEp("sgemmKernelEpAVX512", 8, 2, true, false)
	genKernelEp("convKernelIndAVX2", 6, 2, false, true)
	genKernelEp("convKernelIndAVX512", 8, 2, true, true)
	genAxpy()
	genMaxF32()
	genMaxU8()
	genCiAll()
	genPeak("fmaPeakAVX2", false, 14)
	genPeak("fmaPeakAVX512", true, 30)
	Generate()
}

// genKernel emits an mr × (nv vectors) micro-kernel. With avx512 the vectors
// are zmm (16 lanes), otherwise ymm (8 lanes); A is broadcast with
// VBROADCASTSS into two alternating registers (see stepFMAs).
func genKernel(name string, mr, nv int, avx512 bool) {
	lanes, vb := 8, 32
	vecs := []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	isa := "AVX2, FMA3"
	if avx512 {
		lanes, vb = 16, 64
		vecs = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
			Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}
		isa = "AVX512F"
	}
	nr := nv * lanes
	nacc := mr * nv
	need := nacc + nv
	if !avx512 || nv > 1 {
		need += 2
	}
	if need > len(vecs) {
		panic(fmt.Sprintf("%s: %d vector registers needed", name, need))
	}
	acc := func(i, v int) VecPhysical { return vecs[i*nv+v] }
	bv := vecs[nacc : nacc+nv]

	TEXT(name, NOSPLIT, "func(k int, a, b, c *float32, ldc int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s adds the %dx%d product of a packed A strip (k×%d) and a packed", name, mr, nr, mr),
		fmt.Sprintf("B strip (k×%d) into the tile at c (row stride ldc): sgemmKernelGeneric", nr),
		fmt.Sprintf("with mr=%d, nr=%d. Requires %s.", mr, nr, isa))
	k := Load(Param("k"), RCX)
	a := Load(Param("a"), RSI)
	b := Load(Param("b"), RDI)
	c := Load(Param("c"), RDX)
	ldc := Load(Param("ldc"), R8)
	SHLQ(U8(2), ldc)
	if debug {
		TESTQ(k, k)
		JGE(LabelRef("kok"))
		UD2()
		Label("kok")
	}

	Comment("Accumulators start as the C tile.")
	MOVQ(c, R9)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VMOVUPS(Mem{Base: R9, Disp: v * vb}, acc(i, v))
		}
		if i < mr-1 {
			ADDQ(ldc, R9)
		}
	}

	step := func(off int) {
		for v := 0; v < nv; v++ {
			VMOVUPS(Mem{Base: b, Disp: (off*nr + v*lanes) * 4}, bv[v])
		}
		stepFMAs(a, off, mr, nv, avx512, vecs[nacc+nv:], bv, acc)
	}

	const unroll = 4
	Comment(fmt.Sprintf("Main loop: %d k-steps per iteration.", unroll))
	Label("loop4")
	CMPQ(k, U8(unroll))
	JL(LabelRef("tail"))
	for u := 0; u < unroll; u++ {
		step(u)
	}
	ADDQ(U32(unroll*mr*4), a)
	ADDQ(U32(unroll*nr*4), b)
	SUBQ(U8(unroll), k)
	JMP(LabelRef("loop4"))

	Label("tail")
	TESTQ(k, k)
	JE(LabelRef("store"))
	step(0)
	ADDQ(U32(mr*4), a)
	ADDQ(U32(nr*4), b)
	DECQ(k)
	JMP(LabelRef("tail"))

	Label("store")
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VMOVUPS(acc(i, v), Mem{Base: c, Disp: v * vb})
		}
		if i < mr-1 {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

// Flags of the fused-epilogue kernels (sgemmTileRef in ../sgemm_generic.go).
const (
	kfLoad   = 1  // accumulators start from C (else from zero)
	kfBias   = 2  // add bias[i] to row i
	kfMax    = 4  // t = max(lo, t)
	kfMin    = 8  // t = min(hi, t)
	kfHswish = 16 // t = t * min(max(t*(1/6) + 0.5, 0), 1)
	kfPost   = 32 // t = t*ps + pt
)

// Byte offsets in sgemmConsts (../sgemm_generic.go): 16 zeros, then the
// scalars.
const (
	cZero  = 0
	cLo    = 64
	cHi    = 68
	cSixth = 72
	cHalf  = 76
	cOne   = 80
	cPS    = 84
	cPT    = 88
)

// genKernelEp emits an mr × (nv vectors) micro-kernel with a fused output
// stage: the tile becomes A·B, plus C when flags&kfLoad, plus bias[i] on
// row i when flags&kfBias, then clamped below by lo (kfMax) and above by
// hi (kfMin), NaN kept (the accumulator is the second source of
// VMAXPS/VMINPS, which is returned when either operand is NaN), then hard
// swish (kfHswish: its gate clamps NaN to 0 but the product with the NaN
// input stays NaN) and the affine t*ps + pt (kfPost). Constants come from
// cst, an sgemmConsts.
//
// With indirect, B is not packed: k-step p reads its nr values at byte
// offset offs[p] from b (an int per step), which is how the direct
// convolution (../convind.go) walks the padded image without im2col.
func genKernelEp(name string, mr, nv int, avx512, indirect bool) {
	lanes, vb := 8, 32
	vecs := []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	isa := "AVX2, FMA3"
	if avx512 {
		lanes, vb = 16, 64
		vecs = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
			Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}
		isa = "AVX512F"
	}
	nr := nv * lanes
	nacc := mr * nv
	need := nacc + nv + 2 // the AVX2 broadcasts; hard swish constants with AVX-512
	if avx512 {
		need++
	}
	if need > len(vecs) || nv < 2 {
		panic(fmt.Sprintf("%s: %d vector registers needed", name, need))
	}
	acc := func(i, v int) VecPhysical { return vecs[i*nv+v] }
	bv := vecs[nacc : nacc+nv]

	if indirect {
		TEXT(name, NOSPLIT, "func(k int, a, b *float32, offs *int, c *float32, ldc int, flags int, bias *float32, cst *float32)")
		Pragma("noescape")
		Doc(fmt.Sprintf("%s computes the %dx%d tile at c (row stride ldc) from a packed A", name, mr, nr),
			fmt.Sprintf("strip (k×%d) and B rows of %d values at byte offsets offs[0..k) from b,", mr, nr),
			fmt.Sprintf("with the fused output stage selected by flags: convKernelIndRef with mr=%d,", mr),
			fmt.Sprintf("nr=%d. Requires %s.", nr, isa))
	} else {
		TEXT(name, NOSPLIT, "func(k int, a, b, c *float32, ldc int, flags int, bias *float32, cst *float32)")
		Pragma("noescape")
		Doc(fmt.Sprintf("%s computes the %dx%d tile at c (row stride ldc) from a packed A", name, mr, nr),
			fmt.Sprintf("strip (k×%d) and a packed B strip (k×%d) with the fused output stage", mr, nr),
			fmt.Sprintf("selected by flags: sgemmTileRef with mr=%d, nr=%d. Requires %s.", mr, nr, isa))
	}
	k := Load(Param("k"), RCX)
	a := Load(Param("a"), RSI)
	b := Load(Param("b"), RDI)
	var offs Register
	if indirect {
		offs = Load(Param("offs"), R13)
	}
	c := Load(Param("c"), RDX)
	ldc := Load(Param("ldc"), R8)
	flags := Load(Param("flags"), R10)
	SHLQ(U8(2), ldc)

	Comment("Accumulators start as the C tile (kfLoad) or zero.")
	TESTQ(U32(kfLoad), flags)
	JNZ(LabelRef("loadc"))
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VXORPS(acc(i, v), acc(i, v), acc(i, v))
		}
	}
	JMP(LabelRef("loop4"))
	Label("loadc")
	MOVQ(c, R9)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VMOVUPS(Mem{Base: R9, Disp: v * vb}, acc(i, v))
		}
		if i < mr-1 {
			ADDQ(ldc, R9)
		}
	}

	step := func(off int) {
		if indirect {
			MOVQ(Mem{Base: offs, Disp: off * 8}, R14)
			for v := 0; v < nv; v++ {
				VMOVUPS(Mem{Base: b, Index: R14, Scale: 1, Disp: v * lanes * 4}, bv[v])
			}
		} else {
			for v := 0; v < nv; v++ {
				VMOVUPS(Mem{Base: b, Disp: (off*nr + v*lanes) * 4}, bv[v])
			}
		}
		stepFMAs(a, off, mr, nv, avx512, vecs[nacc+nv:], bv, acc)
	}
	advance := func(steps int) {
		ADDQ(U32(steps*mr*4), a)
		if indirect {
			ADDQ(U32(steps*8), offs)
		} else {
			ADDQ(U32(steps*nr*4), b)
		}
	}

	const unroll = 4
	Comment(fmt.Sprintf("Main loop: %d k-steps per iteration.", unroll))
	Label("loop4")
	CMPQ(k, U8(unroll))
	JL(LabelRef("tail"))
	// Prefetch the packed A strip ~1 KiB ahead: large weight matrices
	// (ResNet's 512-channel layers) stream from L3, each strip once.
	for off := 0; off < unroll*mr*4; off += 64 {
		PREFETCHT0(Mem{Base: a, Disp: 1024 + off})
	}
	for u := 0; u < unroll; u++ {
		step(u)
	}
	advance(unroll)
	SUBQ(U8(unroll), k)
	JMP(LabelRef("loop4"))

	Label("tail")
	TESTQ(k, k)
	JE(LabelRef("epilogue"))
	step(0)
	advance(1)
	DECQ(k)
	JMP(LabelRef("tail"))

	// The B (and AVX2 broadcast) registers are free from here on.
	Label("epilogue")
	cst := Load(Param("cst"), R12)
	cm := func(off int) Mem { return Mem{Base: cst, Disp: off} }
	t0, t1 := bv[0], bv[1]
	TESTQ(U32(kfBias), flags)
	JZ(LabelRef("nobias"))
	bias := Load(Param("bias"), R11)
	for i := 0; i < mr; i++ {
		VBROADCASTSS(Mem{Base: bias, Disp: i * 4}, t0)
		for v := 0; v < nv; v++ {
			VADDPS(t0, acc(i, v), acc(i, v))
		}
	}
	Label("nobias")
	TESTQ(U32(kfMax), flags)
	JZ(LabelRef("nomax"))
	VBROADCASTSS(cm(cLo), t0)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VMAXPS(acc(i, v), t0, acc(i, v))
		}
	}
	Label("nomax")
	TESTQ(U32(kfMin), flags)
	JZ(LabelRef("nomin"))
	VBROADCASTSS(cm(cHi), t1)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VMINPS(acc(i, v), t1, acc(i, v))
		}
	}
	Label("nomin")
	TESTQ(U32(kfHswish), flags)
	JZ(LabelRef("nohswish"))
	{
		// gate = min(max(t*(1/6) + 0.5, 0), 1); t *= gate.
		var c6, half, one VecPhysical
		if avx512 {
			c6, half, one = vecs[nacc+nv], vecs[nacc+nv+1], vecs[nacc+nv+2]
		} else {
			c6, half, one = t1, vecs[nacc+nv], vecs[nacc+nv+1]
		}
		VBROADCASTSS(cm(cSixth), c6)
		VBROADCASTSS(cm(cHalf), half)
		VBROADCASTSS(cm(cOne), one)
		for i := 0; i < mr; i++ {
			for v := 0; v < nv; v++ {
				VMOVAPS(acc(i, v), t0)
				VFMADD213PS(half, c6, t0)
				VMAXPS(cm(cZero), t0, t0)
				VMINPS(one, t0, t0)
				VMULPS(t0, acc(i, v), acc(i, v))
			}
		}
	}
	Label("nohswish")
	TESTQ(U32(kfPost), flags)
	JZ(LabelRef("store"))
	VBROADCASTSS(cm(cPS), t0)
	VBROADCASTSS(cm(cPT), t1)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VFMADD213PS(t1, t0, acc(i, v))
		}
	}

	Label("store")
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			VMOVUPS(acc(i, v), Mem{Base: c, Disp: v * vb})
		}
		if i < mr-1 {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

// genPeak emits a loop of independent FMAs on registers only: n iterations
// of `chains` FMAs (ymm: 8 lanes, zmm: 16 lanes, 2 flops per lane).
func genPeak(name string, avx512 bool, chains int) {
	TEXT(name, NOSPLIT, "func(n int)")
	Doc(fmt.Sprintf("%s runs n iterations of %d independent register-only FMAs,", name, chains),
		"to measure the core's peak FMA throughput.")
	n := Load(Param("n"), RCX)
	var regs []VecPhysical
	if avx512 {
		regs = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
			Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}
	} else {
		regs = []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	}
	x, y := regs[len(regs)-2], regs[len(regs)-1]
	for _, r := range regs[:chains] {
		VXORPS(r, r, r)
	}
	VXORPS(x, x, x)
	VXORPS(y, y, y)
	TESTQ(n, n)
	JE(LabelRef("done"))
	Label("loop")
	for i := 0; i < chains; i++ {
		VFMADD231PS(x, y, regs[i])
	}
	DECQ(n)
	JNE(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// genAxpy emits y[i] += alpha*x[i] for i < n (dwAxpy in ../dwconv.go),
// 32 then 8 floats per step, then scalars.
func genAxpy() {
	TEXT("axpyAVX2", NOSPLIT, "func(alpha float32, x, y *float32, n int)")
	Pragma("noescape")
	Doc("axpyAVX2 adds alpha*x[i] into y[i] for i < n: dwAxpy. Requires AVX, FMA3.")
	VBROADCASTSS(NewParamAddr("alpha", 0), Y0)
	x := Load(Param("x"), RSI)
	y := Load(Param("y"), RDI)
	n := Load(Param("n"), RCX)
	ys := []VecPhysical{Y1, Y2, Y3, Y4}
	Label("loop32")
	CMPQ(n, U8(32))
	JL(LabelRef("loop8"))
	for i, r := range ys {
		VMOVUPS(Mem{Base: y, Disp: 32 * i}, r)
		VFMADD231PS(Mem{Base: x, Disp: 32 * i}, Y0, r)
		VMOVUPS(r, Mem{Base: y, Disp: 32 * i})
	}
	ADDQ(U8(128), x)
	ADDQ(U8(128), y)
	SUBQ(U8(32), n)
	JMP(LabelRef("loop32"))
	Label("loop8")
	CMPQ(n, U8(8))
	JL(LabelRef("tail"))
	VMOVUPS(Mem{Base: y}, Y1)
	VFMADD231PS(Mem{Base: x}, Y0, Y1)
	VMOVUPS(Y1, Mem{Base: y})
	ADDQ(U8(32), x)
	ADDQ(U8(32), y)
	SUBQ(U8(8), n)
	JMP(LabelRef("loop8"))
	Label("tail")
	TESTQ(n, n)
	JE(LabelRef("done"))
	VMOVSS(Mem{Base: y}, X1)
	VFMADD231SS(Mem{Base: x}, X0, X1)
	VMOVSS(X1, Mem{Base: y})
	ADDQ(U8(4), x)
	ADDQ(U8(4), y)
	DECQ(n)
	JMP(LabelRef("tail"))
	Label("done")
	VZEROUPPER()
	RET()
}

// paramAddr is the frame address of a scalar parameter.
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// genMaxF32 emits maxF32AVX2: dst[i] = max(a[i], b[i]) for i < n (n a
// multiple of 8), NaN when either is NaN like Go's max: VMAXPS returns its
// second source b when either operand is NaN, and a NaN a is blended back
// in.
func genMaxF32() {
	TEXT("maxF32AVX2", NOSPLIT, "func(dst, a, b *float32, n int)")
	Pragma("noescape")
	Doc("maxF32AVX2 sets dst[i] = max(a[i], b[i]) for i < n, n a multiple of 8,",
		"NaN when either is NaN: maxFloat32sGeneric. Requires AVX.")
	d := Load(Param("dst"), RDI)
	a := Load(Param("a"), RSI)
	b := Load(Param("b"), RDX)
	n := Load(Param("n"), RCX)
	Label("loop")
	CMPQ(n, U8(8))
	JL(LabelRef("done"))
	VMOVUPS(Mem{Base: a}, Y0)
	VMOVUPS(Mem{Base: b}, Y1)
	VMAXPS(Y1, Y0, Y2)        // max(a, b); b where unordered
	VCMPPS(U8(3), Y0, Y0, Y3) // a is NaN
	VBLENDVPS(Y3, Y0, Y2, Y2) // take a where a is NaN
	VMOVUPS(Y2, Mem{Base: d})
	ADDQ(U8(32), a)
	ADDQ(U8(32), b)
	ADDQ(U8(32), d)
	SUBQ(U8(8), n)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// genMaxU8 emits maxU8AVX2: dst[i] = max(a[i], b[i]) (unsigned) for i < n,
// n a multiple of 16.
func genMaxU8() {
	TEXT("maxU8AVX2", NOSPLIT, "func(dst, a, b *byte, n int)")
	Pragma("noescape")
	Doc("maxU8AVX2 sets dst[i] = max(a[i], b[i]) for i < n, n a multiple of 16:",
		"maxUint8sGeneric. Requires AVX2.")
	d := Load(Param("dst"), RDI)
	a := Load(Param("a"), RSI)
	b := Load(Param("b"), RDX)
	n := Load(Param("n"), RCX)
	Label("loop")
	CMPQ(n, U8(32))
	JL(LabelRef("half"))
	VMOVDQU(Mem{Base: a}, Y0)
	VPMAXUB(Mem{Base: b}, Y0, Y0)
	VMOVDQU(Y0, Mem{Base: d})
	ADDQ(U8(32), a)
	ADDQ(U8(32), b)
	ADDQ(U8(32), d)
	SUBQ(U8(32), n)
	JMP(LabelRef("loop"))
	Label("half")
	CMPQ(n, U8(16))
	JL(LabelRef("done"))
	VMOVDQU(Mem{Base: a}, X0)
	VPMAXUB(Mem{Base: b}, X0, X0)
	VMOVDQU(X0, Mem{Base: d})
	Label("done")
	VZEROUPPER()
	RET()
}

// stepFMAs emits one k-step's FMAs of a micro-kernel: A element i of step
// off (broadcast into one of the two alternating registers bc, or by the
// FMA's memory operand for a one-vector zmm tile) times each B register,
// into acc(i, v).
func stepFMAs(a Register, off, mr, nv int, avx512 bool, bc, bv []VecPhysical, acc func(i, v int) VecPhysical) {
	for i := 0; i < mr; i++ {
		am := Mem{Base: a, Disp: (off*mr + i) * 4}
		if avx512 && nv == 1 {
			VFMADD231PS_BCST(am, bv[0], acc(i, 0))
			continue
		}
		// One broadcast load feeds all nv FMAs: with the FMA's memory
		// operand each of them would load it again, and at 9 loads per 8
		// FMAs a zmm kernel is bound by the load ports, not the FMAs.
		VBROADCASTSS(am, bc[i%2])
		for v := 0; v < nv; v++ {
			VFMADD231PS(bv[v], bc[i%2], acc(i, v))
		}
	}
}
