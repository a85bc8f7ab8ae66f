package ops

// QLinearGlobalAveragePool's channel sums on channels-first 8-bit data,
// eight bytes at a time in a uint64 (SWAR): a classifier's pool has a
// thousand or more channels of a few dozen pixels, where a call, a type
// switch and a vector kernel's setup per channel cost more than the sum.
// Long uint8 rows (squeeze-excitation pools over whole maps) still take
// the vector sum.

import (
	"encoding/binary"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// q8tGAP computes outputs [0, n) of a channels-first pool (channel i is
// x's bytes [i·img, (i+1)·img)) serially, with msRequant's rounding, and
// reports whether it took the case (8-bit x and out of one dtype).
func q8tGAP(x, out *tensor.Tensor, n, img int, bias int32, scale float32, yz, lo, hi int32) bool {
	dt := x.DType()
	if (dt != tensor.Uint8 && dt != tensor.Int8) || out.DType() != dt || n > out.Len() || n*img > x.Len() {
		return false
	}
	xb, ob := qfByteData(x), qfByteData(out)
	// int8 bytes are summed as x ^ 0x80 = x + 128.
	var flip uint64
	var off int32
	if dt == tensor.Int8 {
		flip, off = 0x8080808080808080, -128*int32(img)
	}
	// Long uint8 rows go to the vector sum, whose setup is then paid off.
	long := dt == tensor.Uint8 && img >= 128
	for i := 0; i < n; i++ {
		row := xb[i*img : (i+1)*img]
		var acc int32
		if long {
			acc = int32(linalg.SumU8(row))
		} else {
			acc = int32(q8tSumBytes(row, flip)) + off
		}
		v := msRequant(bias+acc, scale, yz, lo, hi)
		ob[i] = uint8(v) // int8 stores the same low byte
	}
	return true
}

// q8tSumBytes returns the sum of the bytes of row, each XORed with the
// byte of flip.
func q8tSumBytes(row []uint8, flip uint64) uint64 {
	const lanes = 0x00ff00ff00ff00ff
	var total uint64
	for len(row) >= 8 {
		// 16-bit lanes gather 2 bytes per word; the fold adds the 4 lanes
		// in the top one, exact while they total below 2¹⁶ (and so carry
		// nothing into it): at most 32 words (16320 per lane) per fold.
		k := min(len(row)/8, 32)
		var s uint64
		for i := 0; i < k; i++ {
			w := binary.LittleEndian.Uint64(row[8*i:]) ^ flip
			s += w&lanes + w>>8&lanes
		}
		total += (s * 0x0001000100010001) >> 48
		row = row[8*k:]
	}
	for _, b := range row {
		total += uint64(b ^ uint8(flip))
	}
	return total
}
