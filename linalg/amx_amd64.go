//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// amxKernConvS8 is the assembly amxConvFn (AMX-INT8 TDPBSSD, AVX-512
// requantization).
//
//go:noescape
func amxKernConvS8(a *byte, lda int, b *byte, chunks int, y *byte, ldy int, rowc *int32, mult *float32, mblocks int, zp int32, lo, hi float32, tile *int32, cfg *byte, segs *amxSeg, nseg *int, rows int, npanels int, bstride int, signed bool)

func init() {
	if cpu.X86.HasAMXTile && cpu.X86.HasAMXInt8 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI {
		amxConvFn = amxKernConvS8
		amxPermFn = amxRequestPerm
	}
}
