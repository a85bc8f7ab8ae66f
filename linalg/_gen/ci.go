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
// vector, the gathered residual, clamps and scatters the tile into C,
// where channel o of pixel j is c[o*hw + j]. Each pair of k-steps also
// prefetches two cache lines from pf into L2.
func genCi(p, nb int) {
	name := fmt.Sprintf("ciKernP%dN%d", p, nb)
	nw := nb * 16
	if p*nb+nb+2 > len(ciZ) {
		panic(name + ": too many registers")
	}
	acc := func(j, v int) VecPhysical { return ciZ[j*nb+v] }
	wv := ciZ[p*nb : p*nb+nb]
	bc := ciZ[p*nb+nb : p*nb+nb+2]
	TEXT(name, NOSPLIT, "func(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes a %d-pixel × %d-channel direct-convolution tile:", name, p, nw),
		fmt.Sprintf("ciKernelRef with p=%d, nb=%d. Requires AVX512F.", p, nb))
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
			VBROADCASTSS(Mem{Base: x, Index: R14, Scale: 1, Disp: 4 * j}, b)
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
	PREFETCHT1(Mem{Base: pf, Disp: 64})
	ADDQ(U8(128), pf)
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

	// Registers past the accumulators are free from here on.
	Label("final")
	free := ciZ[p*nb:]
	idx, tmp := free[0], free[1]
	cst := Load(Param("cst"), R12)
	hw := Load(Param("hw"), R8)
	_ = hw
	// idx = lane*hw; 16 rows of C are 64*hw bytes apart.
	VPBROADCASTD(R8L, idx)
	VPMULLD(Mem{Base: cst, Disp: ciCIota}, idx, idx)
	SHLQ(U8(6), hw)
	TESTQ(U32(kfBias), flags)
	JZ(LabelRef("nobias"))
	bias := Load(Param("bias"), R11)
	for v := 0; v < nb; v++ {
		for j := 0; j < p; j++ {
			VADDPS(Mem{Base: bias, Disp: v * 64}, acc(j, v), acc(j, v))
		}
	}
	Label("nobias")
	TESTQ(U32(ciRes), flags)
	JZ(LabelRef("nores"))
	res := Load(Param("res"), R11)
	for v := 0; v < nb; v++ {
		if v > 0 {
			ADDQ(hw, res)
		}
		for j := 0; j < p; j++ {
			KXNORW(K1, K1, K1)
			VXORPS(tmp, tmp, tmp)
			VGATHERDPS(Mem{Base: res, Index: idx, Scale: 4, Disp: 4 * j}, K1, tmp)
			VADDPS(tmp, acc(j, v), acc(j, v))
		}
	}
	Label("nores")
	TESTQ(U32(kfMax), flags)
	JZ(LabelRef("nomax"))
	VBROADCASTSS(Mem{Base: cst, Disp: ciCLo}, tmp)
	for j := 0; j < p; j++ {
		for v := 0; v < nb; v++ {
			VMAXPS(acc(j, v), tmp, acc(j, v))
		}
	}
	Label("nomax")
	TESTQ(U32(kfMin), flags)
	JZ(LabelRef("nomin"))
	VBROADCASTSS(Mem{Base: cst, Disp: ciCHi}, tmp)
	for j := 0; j < p; j++ {
		for v := 0; v < nb; v++ {
			VMINPS(acc(j, v), tmp, acc(j, v))
		}
	}
	Label("nomin")
	c := Load(Param("c"), R9)
	for v := 0; v < nb; v++ {
		if v > 0 {
			ADDQ(hw, c)
		}
		for j := 0; j < p; j++ {
			KXNORW(K1, K1, K1)
			VSCATTERDPS(acc(j, v), K1, Mem{Base: c, Index: idx, Scale: 4, Disp: 4 * j})
		}
	}
	VZEROUPPER()
	RET()
}

// genCiAll emits every tile shape the driver picks from.
func genCiAll() {
	for nb := 1; nb <= 4; nb++ {
		for p := 1; p <= ciMaxP; p++ {
			genCi(p, nb)
		}
	}
}

// ciMaxP is the widest pixel tile (6 × 4 vectors = 24 accumulators).
const ciMaxP = 6
