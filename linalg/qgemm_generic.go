package linalg

import (
	"math"
	"unsafe"
)

// qgemmKernGeneric is the plain Go micro-kernel (layout qLayoutS8x4, mr=4,
// nr=qNR) and the meaning of the assembly ones:
//
//	for i < mr, j < nr:
//		acc := Σ_s Σ_t a[s][i][t] * b[s][j][t]   // u8 · s8 (a as s8 if aXor)
//		c[i*ldc+j] = acc + rfix[2i]*cfix[j] + rfix[2i+1]*cfix[qNR+j]
//
// a holds per k step mr little-endian dwords (4 bytes of row i), b per k
// step 128 bytes (qNR columns × 4 bytes), all wrapping int32 arithmetic.
func qgemmKernGeneric(a, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32) {
	const mr, nr = 4, qNR
	var acc [mr][nr]int32
	if steps > 0 {
		as := unsafe.Slice(a, steps*mr*4)
		bs := unsafe.Slice(b, steps*128)
		for s := 0; s < steps; s++ {
			ak := as[s*mr*4 : s*mr*4+mr*4]
			bk := bs[s*128 : s*128+128]
			for i := 0; i < mr; i++ {
				a0, a1, a2, a3 := int32(ak[4*i]), int32(ak[4*i+1]), int32(ak[4*i+2]), int32(ak[4*i+3])
				row := &acc[i]
				for j := 0; j < nr; j++ {
					row[j] += a0*int32(int8(bk[4*j])) + a1*int32(int8(bk[4*j+1])) + a2*int32(int8(bk[4*j+2])) + a3*int32(int8(bk[4*j+3]))
				}
			}
		}
	}
	rf := unsafe.Slice(rfix, 2*mr)
	cf := unsafe.Slice(cfix, 2*qNR)
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			cs[i*ldc+j] = acc[i][j] + rf[2*i]*cf[j] + rf[2*i+1]*cf[qNR+j]
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
