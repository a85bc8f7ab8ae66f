package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Flags of the output-channel-vector convolution kernels beyond the
// kf* ones (ciKernelRef in ../ci_conv.go).
const (
	ciFinal = 64  // last k block: epilogue, then scatter into NCHW C
	ciRes   = 128 // add the residual (gathered like C) before the clamps
)

// Byte offsets in ciConsts (../ci_conv.go).
const (
	ciCIota = 0 // 16 int32 lane numbers
	ciCLo   = 64
	ciCHi   = 68
)

// ciZ lists the zmm registers.
var ciZ = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
	Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}

// genCi emits ciKernP{p}N{nb}: a direct-convolution tile of p output
// pixels (consecutive in one output row) × nb*16 output channels, vectors
// across output channels. k-step s loads nb weight vectors (packed k ×
// nb*16) and broadcasts pixel j's input from x at byte offset offs[s]+4j.
// Accumulators live in registers; between k blocks they go to the acc
// buffer (p × nb*16, pixel-major); the last block (ciFinal) adds the bias
// vector, transposes the tile in registers into channel rows of p pixels,
// adds the residual rows, clamps to [lo, hi] and stores them (masked) into C, where
// channel o of pixel j is c[o*hw + j]. Each pair of k-steps also
// prefetches one cache line from pf on into L2.
func genCi(p, nb int) { genCiStride(fmt.Sprintf("ciKernP%dN%d", p, nb), p, nb, 1) }

// genCiStride is genCi reading pixel j's input at byte offset
// offs[s]+4·stride·j: stride 2 lets a stride-2 convolution read its
// zero-padded image in place (the r18sCiS2 kernels), where stride 1
// needs phase planes.
func genCiStride(name string, p, nb, stride int) {
	nw := nb * 16
	if p*nb+nb+2 > len(ciZ) {
		panic(name + ": too many registers")
	}
	acc := func(j, v int) VecPhysical { return ciZ[j*nb+v] }
	wv := ciZ[p*nb : p*nb+nb]
	bc := ciZ[p*nb+nb : p*nb+nb+2]
	TEXT(name, NOSPLIT, "func(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)")
	Pragma("noescape")
	if stride == 1 {
		Doc(fmt.Sprintf("%s computes a %d-pixel × %d-channel direct-convolution tile:", name, p, nw),
			fmt.Sprintf("ciKernelRef with p=%d, nb=%d. Requires AVX512F.", p, nb))
	} else {
		Doc(fmt.Sprintf("%s computes a %d-pixel × %d-channel direct-convolution tile whose", name, p, nw),
			fmt.Sprintf("pixels are %d input values apart: ciKernelRef with p=%d, nb=%d and x read at", stride, p, nb),
			fmt.Sprintf("offs[s]/4+%d·j. Requires AVX512F.", stride))
	}
	k := Load(Param("k"), RCX)
	w := Load(Param("w"), RSI)
	x := Load(Param("x"), RDI)
	offs := Load(Param("offs"), R13)
	ab := Load(Param("acc"), RDX)
	flags := Load(Param("flags"), R10)
	pf := Load(Param("pf"), RBX)

	TESTQ(U32(kfLoad), flags)
	JNZ(LabelRef("load"))
	for j := 0; j < p; j++ {
		for v := 0; v < nb; v++ {
			VXORPS(acc(j, v), acc(j, v), acc(j, v))
		}
	}
	JMP(LabelRef("loop2"))
	Label("load")
	for j := 0; j < p; j++ {
		for v := 0; v < nb; v++ {
			VMOVUPS(Mem{Base: ab, Disp: (j*nb + v) * 64}, acc(j, v))
		}
	}
	step := func(u int) {
		MOVQ(Mem{Base: offs, Disp: u * 8}, R14)
		for v := 0; v < nb; v++ {
			VMOVUPS(Mem{Base: w, Disp: (u*nw + v*16) * 4}, wv[v])
		}
		for j := 0; j < p; j++ {
			b := bc[j%2]
			VBROADCASTSS(Mem{Base: x, Index: R14, Scale: 1, Disp: 4 * stride * j}, b)
			for v := 0; v < nb; v++ {
				VFMADD231PS(wv[v], b, acc(j, v))
			}
		}
	}
	const unroll = 2
	Label("loop2")
	CMPQ(k, U8(unroll))
	JL(LabelRef("tail"))
	PREFETCHT0(Mem{Base: w, Disp: 2048})
	// The next weight block, into L2, a share per tile: the first tile
	// of a block then does not wait for memory (ResNet's 512-channel
	// layers stream 9 MiB of weights per convolution).
	PREFETCHT1(Mem{Base: pf})
	ADDQ(U8(64), pf)
	for u := 0; u < unroll; u++ {
		step(u)
	}
	ADDQ(U32(unroll*nw*4), w)
	ADDQ(U8(unroll*8), offs)
	SUBQ(U8(unroll), k)
	JMP(LabelRef("loop2"))
	Label("tail")
	TESTQ(k, k)
	JE(LabelRef("done"))
	step(0)

	Label("done")
	TESTQ(U32(ciFinal), flags)
	JNZ(LabelRef("final"))
	for j := 0; j < p; j++ {
		for v := 0; v < nb; v++ {
			VMOVUPS(acc(j, v), Mem{Base: ab, Disp: (j*nb + v) * 64})
		}
	}
	VZEROUPPER()
	RET()

	// Registers past the accumulators are free from here on; each
	// vector's accumulators are freed once it is transposed.
	Label("final")
	var free []VecPhysical
	free = append(free, ciZ[p*nb:]...)
	alloc := func() VecPhysical {
		r := free[len(free)-1]
		free = free[:len(free)-1]
		return r
	}
	release := func(r VecPhysical) { free = append(free, r) }
	TESTQ(U32(kfBias), flags)
	JZ(LabelRef("nobias"))
	bias := Load(Param("bias"), R11)
	for v := 0; v < nb; v++ {
		for j := 0; j < p; j++ {
			VADDPS(Mem{Base: bias, Disp: v * 64}, acc(j, v), acc(j, v))
		}
	}
	Label("nobias")
	hw := Load(Param("hw"), R8)
	SHLQ(U8(2), hw) // bytes between rows of C
	c := Load(Param("c"), R9)
	res := Load(Param("res"), R11)
	cst := Load(Param("cst"), R12)
	MOVL(U32(1<<p-1), EAX)
	KMOVW(EAX, K2)
	var lo, hi VecPhysical // the clamps, loaded once registers are free
	for v := 0; v < nb; v++ {
		// Transpose the p (padded to 8) pixel rows × 16 channels into
		// 8 registers of two 8-pixel channel rows each.
		r := make([]VecPhysical, 8)
		for j := range r {
			r[j] = acc(min(j, p-1), v)
		}
		t := make([]VecPhysical, 8)
		for i := 0; i < 4; i++ {
			t[2*i] = alloc()
			VUNPCKLPS(r[2*i+1], r[2*i], t[2*i])
			t[2*i+1] = alloc()
			VUNPCKHPS(r[2*i+1], r[2*i], t[2*i+1])
		}
		for j := 0; j < p; j++ {
			release(acc(j, v))
		}
		if v == 0 {
			lo, hi = alloc(), alloc()
			VBROADCASTSS(Mem{Base: cst, Disp: ciCLo}, lo)
			VBROADCASTSS(Mem{Base: cst, Disp: ciCHi}, hi)
		}
		sv := make([]VecPhysical, 8) // sv[e], sv[e+4]: column 4L+e of pixels 0-3, 4-7 in lane L
		for h := 0; h < 2; h++ {
			lo, hi := t[4*h], t[4*h+1]     // pixels 4h, 4h+1
			lo2, hi2 := t[4*h+2], t[4*h+3] // pixels 4h+2, 4h+3
			sv[4*h+0] = alloc()
			VSHUFPS(U8(0x44), lo2, lo, sv[4*h+0])
			sv[4*h+1] = alloc()
			VSHUFPS(U8(0xEE), lo2, lo, sv[4*h+1])
			release(lo)
			release(lo2)
			sv[4*h+2] = alloc()
			VSHUFPS(U8(0x44), hi2, hi, sv[4*h+2])
			sv[4*h+3] = alloc()
			VSHUFPS(U8(0xEE), hi2, hi, sv[4*h+3])
			release(hi)
			release(hi2)
		}
		// Row pointers: channel 16v+e at (R9), +4 rows at (R9)(R8*4),
		// +8 at (SI), +12 at (SI)(R8*4); the same for res in R11/DI.
		for e := 0; e < 4; e++ {
			a, b := sv[e], sv[e+4]
			u1, u2 := alloc(), alloc()
			VSHUFF32X4(U8(0x44), b, a, u1)
			VSHUFF32X4(U8(0xEE), b, a, u2)
			release(a)
			release(b)
			VSHUFF32X4(U8(0xD8), u1, u1, u1) // channels e | e+4
			VSHUFF32X4(U8(0xD8), u2, u2, u2) // channels e+8 | e+12
			LEAQ(Mem{Base: c, Index: hw, Scale: 8}, RSI)
			LEAQ(Mem{Base: res, Index: hw, Scale: 8}, RDI)
			yh := alloc()
			for ui, u := range []VecPhysical{u1, u2} {
				cb, rb := c, res
				if ui == 1 {
					cb, rb = RSI, RDI
				}
				VEXTRACTF32X8(U8(1), u, yh.AsY())
				for half, y := range []Register{u.AsY(), yh.AsY()} {
					cm := Mem{Base: cb}
					rm := Mem{Base: rb}
					if half == 1 {
						cm = Mem{Base: cb, Index: hw, Scale: 4}
						rm = Mem{Base: rb, Index: hw, Scale: 4}
					}
					ciEpilogueRow(flags, y, lo.AsY(), hi.AsY(), cm, rm, fmt.Sprintf("v%de%du%dh%d", v, e, ui, half))
				}
				release(u)
			}
			release(yh)
			ADDQ(hw, c)
			ADDQ(hw, res)
		}
		// Next 16 channels: 12 rows on from channel 16v+4.
		LEAQ(Mem{Base: c, Index: hw, Scale: 8}, c)
		ADDQ(hw, c)
		ADDQ(hw, c)
		ADDQ(hw, c)
		ADDQ(hw, c)
		LEAQ(Mem{Base: res, Index: hw, Scale: 8}, res)
		ADDQ(hw, res)
		ADDQ(hw, res)
		ADDQ(hw, res)
		ADDQ(hw, res)
	}
	VZEROUPPER()
	RET()
}

// ciEpilogueRow finishes one channel row y (p pixels, mask K2): adds the
// residual row at rm (ciRes), clamps to [lo, hi] (NaN kept: y is the
// second source), stores to cm.
func ciEpilogueRow(flags Register, y, lo, hi Register, cm, rm Mem, id string) {
	TESTQ(U32(ciRes), flags)
	JZ(LabelRef("nores" + id))
	VADDPS(rm, y, K2, y)
	Label("nores" + id)
	VMAXPS(y, lo, y)
	VMINPS(y, hi, y)
	VMOVUPS(y, K2, cm)
}

// genCiAll emits every tile shape the driver picks from.
func genCiAll() {
	for nb := 1; nb <= 4; nb++ {
		for p := 1; p <= ciMaxP; p++ {
			genCi(p, nb)
		}
	}
	for p := 1; p <= ciMaxP; p++ {
		genCiStride(fmt.Sprintf("r18sCiS2P%dN4", p), p, 4, 2)
	}
	// IRBlock's projection reads the channel-blocked depthwise output,
	// pixel j 64 floats after pixel j-1 (mbtPKernRef).
	for _, nb := range []int{2, 4} {
		for p := 1; p <= ciMaxP; p++ {
			genCiStride(fmt.Sprintf("mbtPKernP%dN%d", p, nb), p, nb, 64)
		}
	}
}

// ciMaxP is the widest pixel tile (6 × 4 vectors = 24 accumulators).
const ciMaxP = 6
