//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// qgemmKernSDOT is qgemmKernGeneric for mr=4, nr=16 (half a panel) with
// SDOT (Armv8.2 dotprod) on A given as signed bytes a_u^0x80 (aXor).
//
//go:noescape
func qgemmKernSDOT(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int)

var qgemmSDOTImpl = &qgemmImpl{name: "sdot", layout: qLayoutS8x4, mr: 4, nr: 16, aXor: true, kern: qgemmKernSDOT}

func init() {
	qgemmSDOTImpl.avail = cpu.ARM64.HasASIMDDP
	qgemmImpls = append(qgemmImpls, qgemmSDOTImpl)
	qkernBest()
}
