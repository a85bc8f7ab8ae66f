package linalg

import (
	"math"
	"unsafe"
)

// qgemmKernGeneric is the plain Go micro-kernel (layout qLayoutS8x4, mr=4,
// nr=qNR) and the meaning of the assembly ones:
//
//	for blk < mblocks, i < mr, j < nr:   // r = blk*mr + i
//		acc := Σ_s Σ_t a[r*lda + 4s + t] * b[s][j][t]   // u8 · s8 (a as s8 if aXor)
//		c[r*ldc+j] = acc + rfix[2r]*cfix[j]*(flags&1) + rfix[2r+1]*cfix[qNR+j]*(flags>>1&1)
//
// a holds rows of at least 4·steps bytes, lda bytes apart; b per k step 128
// bytes (qNR columns × 4 bytes); all wrapping int32 arithmetic.
func qgemmKernGeneric(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int) {
	const mr, nr = 4, qNR
	rows := mblocks * mr
	if rows == 0 {
		return
	}
	as := unsafe.Slice(a, (rows-1)*lda+4*steps)
	bs := unsafe.Slice(b, steps*128)
	rf := unsafe.Slice(rfix, 2*rows)
	cf := unsafe.Slice(cfix, 2*qNR)
	cs := unsafe.Slice(c, (rows-1)*ldc+nr)
	f0, f1 := int32(flags&1), int32(flags>>1&1)
	for r := 0; r < rows; r++ {
		var acc [nr]int32
		arow := as[r*lda : r*lda+4*steps]
		for s := 0; s < steps; s++ {
			bk := bs[s*128 : s*128+128]
			a0, a1, a2, a3 := int32(arow[4*s]), int32(arow[4*s+1]), int32(arow[4*s+2]), int32(arow[4*s+3])
			for j := 0; j < nr; j++ {
				acc[j] += a0*int32(int8(bk[4*j])) + a1*int32(int8(bk[4*j+1])) + a2*int32(int8(bk[4*j+2])) + a3*int32(int8(bk[4*j+3]))
			}
		}
		r0, r1 := rf[2*r]*f0, rf[2*r+1]*f1
		crow := cs[r*ldc : r*ldc+nr]
		for j := range crow {
			crow[j] = acc[j] + r0*cf[j] + r1*cf[qNR+j]
		}
	}
}

// qrequantRowGeneric is the plain Go requantizer and the meaning of the
// assembly ones. lo and hi are the output range minus zp, as float32:
//
//	f := float32(acc[j] + bias[j]) * mult[j]
//	dst[j] = NaN(f) ? 0 : roundHalfEven(min(max(f, lo), hi)) + zp
//
// which equals RequantRef (clamping an integer range before rounding is the
// same as after) for |zp| < 2^24.
func qrequantRowGeneric(dst []byte, acc, bias []int32, mult []float32, zp int32, lo, hi float32, signed bool) {
	for j, v := range acc {
		f := float32(v+bias[j]) * mult[j]
		var r int32
		if f == f {
			f = min(max(f, lo), hi)
			r = int32(math.RoundToEven(float64(f))) + zp
		}
		if signed {
			dst[j] = byte(int8(r))
		} else {
			dst[j] = byte(r)
		}
	}
}
