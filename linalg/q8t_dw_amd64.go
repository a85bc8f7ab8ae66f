//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// q8tDWSmallVBMI is the assembly q8tDWSmallFn (AVX-512 VBMI + VNNI).
//
//go:noescape
func q8tDWSmallVBMI(y, x *byte, n, hw, p int, tab *byte, groups, w int, ws, rowc *int32, mult *float32, zp, xzp int32, lo, hi float32)

func init() {
	if qhasAVX512VNNI && cpu.X86.HasAVX512VBMI && cpu.X86.HasAVX512BW {
		q8tDWSmallFn = q8tDWSmallVBMI
	}
}
