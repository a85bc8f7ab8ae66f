package ops

// Byte-matrix transpose for the int8 convolution's layout changes
// (NCHW ↔ channels-last): 8×8 blocks transposed in registers (three
// rounds of masked shifts on uint64 rows), edges element by element.

import (
	"encoding/binary"
)

// qpTranspose8x8 transposes the 8×8 byte block held as 8 little-endian
// rows (row i = r[i], byte j = column j).
func qpTranspose8x8(r *[8]uint64) {
	// Swap 1×1 within 2×2, then 2×2 within 4×4, then 4×4 within 8×8.
	for i := 0; i < 8; i += 2 {
		a, b := r[i], r[i+1]
		t := ((a >> 8) ^ b) & 0x00FF00FF00FF00FF
		r[i], r[i+1] = a^(t<<8), b^t
	}
	for i := 0; i < 8; i += 4 {
		for j := i; j < i+2; j++ {
			a, b := r[j], r[j+2]
			t := ((a >> 16) ^ b) & 0x0000FFFF0000FFFF
			r[j], r[j+2] = a^(t<<16), b^t
		}
	}
	for j := 0; j < 4; j++ {
		a, b := r[j], r[j+4]
		t := ((a >> 32) ^ b) & 0x00000000FFFFFFFF
		r[j], r[j+4] = a^(t<<32), b^t
	}
}

// qpTransposeBytes writes dst (c×r) = srcᵀ for src r×c, rows [i0, i1) of
// src only.
func qpTransposeBytes(dst, src []byte, r, c, i0, i1 int) {
	var blk [8]uint64
	i := i0
	for ; i+8 <= i1; i += 8 {
		j := 0
		for ; j+8 <= c; j += 8 {
			for k := range blk {
				blk[k] = binary.LittleEndian.Uint64(src[(i+k)*c+j:])
			}
			qpTranspose8x8(&blk)
			for k := range blk {
				binary.LittleEndian.PutUint64(dst[(j+k)*r+i:], blk[k])
			}
		}
		for ; j < c; j++ {
			for k := 0; k < 8; k++ {
				dst[j*r+i+k] = src[(i+k)*c+j]
			}
		}
	}
	for ; i < i1; i++ {
		row := src[i*c : (i+1)*c]
		for j, e := range row {
			dst[j*r+i] = e
		}
	}
}
