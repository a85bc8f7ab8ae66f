//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ {
		r18sPoolT = r18sPoolTSlices
	}
}

// r18sPoolTAVX512 is r18sPoolTGeneric's kernel (strides in bytes, nq =
// nw/16; see the .s file).
//
//go:noescape
func r18sPoolTAVX512(y *float32, ystride int, r0, r1, r2 *float32, cs, n, nq int, bias, cst *float32)

func r18sPoolTSlices(y []float32, ystride int, r0, r1, r2 []float32, cs, n, nw int, bias []float32, lo, hi float32) {
	if n == 0 || nw == 0 {
		return
	}
	_ = y[(nw-1)*ystride+n-1]
	last := 2*n*cs + nw - 1 // column 2n, channel nw-1
	_, _, _ = r0[last], r1[last], r2[last]
	_ = bias[nw-1]
	cst := [2]float32{lo, hi}
	r18sPoolTAVX512(&y[0], 4*ystride, &r0[0], &r1[0], &r2[0], 4*cs, n, nw/16, &bias[0], &cst[0])
}
