// AMX-INT8 path of the integer convolution (see q8_conv.go): on CPUs with
// AMX tiles, TDPBSSD multiplies a 16×64 s8 weight tile by a 64×16 s8
// activation tile (16 k steps of the 32-column VNNI panel the packer
// already builds, 128 bytes apart) into a 16×16 int32 tile, about eight
// times the VNNI throughput. The weights stay row-major (K padded to
// 64-byte chunks with zeros), the activations are packed as for the
// fused path but as s8 (x - 128 for uint8 x), so with weight zero points
// 0 only a per-row constant corrects the sums and the output stays
// channel-major like the VNNI path's.

package linalg

import (
	"sync"
)

// amxMR is the row block of the AMX kernel (two 16-row tiles).
const amxMR = 32

var (
	// amxConvFn computes mblocks 32×32 tiles: for row r and column j
	//	acc := Σ_c Σ_{i<64} int8(a[r·lda+64c+i]) · int8(b[2048c+128(i/4)+4j+i%4]) + rowc[r]
	//	y[r·ldy+j] = requant(acc, mult[r]) (finite multipliers)
	// tile is 1024 int32 of scratch, cfg the tile configuration.
	amxConvFn func(a *byte, lda int, b *byte, chunks int, y *byte, ldy int, rowc *int32, mult *float32, mblocks int, zp int32, lo, hi float32, tile *int32, cfg *byte)
	// amxPermFn asks the OS for the tile state (nil: no AMX).
	amxPermFn func() bool
	// amxMode: 0 uses AMX when the CPU and OS allow it, 1 always (the Go
	// twin stands in without hardware), 2 never. For tests.
	amxMode = 0

	amxOnce sync.Once
	amxOK   bool
	// amxCfg is the tile configuration: palette 1, tiles 0-7 of 16 rows
	// × 64 bytes.
	amxCfg = func() (c [64]byte) {
		c[0] = 1
		for i := 0; i < 8; i++ {
			c[16+2*i] = 64
			c[48+i] = 16
		}
		return c
	}()
)

// amxReady reports whether the AMX kernel can run, asking the OS for
// the tile state once per process.
func amxReady() bool {
	amxOnce.Do(func() {
		amxOK = amxConvFn != nil && amxPermFn != nil && amxPermFn()
	})
	return amxOK
}

// amxUse reports whether weights packed now take the AMX path.
func amxUse() bool {
	switch amxMode {
	case 1:
		return true
	case 2:
		return false
	}
	return amxReady()
}

// amxKernGeneric is the Go twin of amxConvFn for rows rows, with
// qrequantRowGeneric's NaN handling (any multiplier).
func amxKernGeneric(a []byte, lda int, b []byte, chunks int, y []byte, ldy int, rowc []int32, mult []float32, rows int, zp int32, lo, hi float32, signed bool) {
	for r := 0; r < rows; r++ {
		var acc [qNR]int32
		ar := a[r*lda : r*lda+64*chunks]
		for c := 0; c < chunks; c++ {
			for i := 0; i < 64; i++ {
				av := int32(int8(ar[64*c+i]))
				if av == 0 {
					continue
				}
				bk := b[2048*c+128*(i/4)+i%4:]
				for j := 0; j < qNR; j++ {
					acc[j] += av * int32(int8(bk[4*j]))
				}
			}
		}
		for j := range acc {
			acc[j] += rowc[r]
		}
		q8RequantGeneric(y[r*ldy:], 0, acc[:], 1, mult[r:r+1], zp, lo, hi, signed)
	}
}
