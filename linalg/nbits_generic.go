package linalg

import "unsafe"

// nbitsKernF32Generic is the plain Go float-path int4 kernel and the meaning
// of the assembly ones: one row a (float32, padded to whole blocks) against
// one packed group of 16 columns,
//
//	out[j] = Σ_blk s[blk][j]·Σ_{k in blk} q[k][j]·a[k] - zs[blk][j]·asum[blk]
//
// with q the unsigned nibbles, zs = scale·zero point, asum[blk] = Σ a.
func nbitsKernF32Generic(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32) {
	af := unsafe.Slice((*float32)(a), blocks*bs)
	nbitsKernGeneric(blocks, bs, b, s, zs, nil, asum, out, func(k int) float32 { return af[k] })
}

// nbitsKernI8Generic is the int8-path twin: a is int8, and the block dot is
// scaled by ascale[blk] (asum[blk] = ascale·Σ a8).
func nbitsKernI8Generic(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32) {
	a8 := unsafe.Slice((*int8)(a), blocks*bs)
	nbitsKernGeneric(blocks, bs, b, s, zs, ascale, asum, out, func(k int) float32 { return float32(a8[k]) })
}

func nbitsKernGeneric(blocks, bs int, b *byte, s, zs, ascale, asum *float32, out *float32, av func(int) float32) {
	const g = nbitsGroup
	bd := unsafe.Slice(b, blocks*bs/8*64)
	sv := unsafe.Slice(s, blocks*g)
	zv := unsafe.Slice(zs, blocks*g)
	sm := unsafe.Slice(asum, blocks)
	ov := unsafe.Slice(out, g)
	var sc []float32
	if ascale != nil {
		sc = unsafe.Slice(ascale, blocks)
	}
	var acc [g]float32
	for blk := 0; blk < blocks; blk++ {
		var dot [g]float32
		for k := blk * bs; k < (blk+1)*bs; k++ {
			o, t := k/8, k%8
			x := av(k)
			for j := 0; j < g; j++ {
				v := bd[o*64+4*j+t%4]
				if t >= 4 {
					v >>= 4
				}
				dot[j] += float32(v&15) * x
			}
		}
		for j := 0; j < g; j++ {
			d := dot[j]
			if sc != nil {
				d *= sc[blk]
			}
			acc[j] += d*sv[blk*g+j] - zv[blk*g+j]*sm[blk]
		}
	}
	copy(ov, acc[:])
}
