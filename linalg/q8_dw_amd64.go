//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// q8DWPlaneVBMI is the assembly q8DWPlaneFn (AVX-512 VBMI + VNNI).
//
//go:noescape
func q8DWPlaneVBMI(y *byte, oh, ow int, src *byte, rowStep, grpStep int, offs *int, ws *int32, ntaps int, idx *byte, rowc int32, mult float32, zp int32, lo, hi float32)

// q8DW3VBMI is the assembly q8DW3Fn (AVX-512 VBMI + VNNI).
//
//go:noescape
func q8DW3VBMI(y *byte, oh, ow int, x *byte, h, w, sh, sw, ph, pw int, ws *int32, idx *byte, rowc int32, mult float32, zp, xzp int32, lo, hi float32)

func init() {
	if qhasAVX512VNNI && cpu.X86.HasAVX512VBMI && cpu.X86.HasAVX512BW {
		q8DWPlaneFn = q8DWPlaneVBMI
		q8DW3Fn = q8DW3VBMI
	}
}
