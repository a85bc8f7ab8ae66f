// Reference block-quantized (2/4/8-bit) weight dequantization and GEMM, the
// meaning of ONNX Runtime's MatMulNBits: plain loops, no packing.

package linalg

import "fmt"

// QNBitsLayout describes a block-quantized weight matrix B of logical shape
// K×N stored as ONNX Runtime's MatMulNBits does: for each column n, ceil(K /
// BlockSize) blocks of BlockSize·Bits/8 bytes; within a byte the element with
// the lower index sits in the lower bits.
type QNBitsLayout struct {
	N, K      int
	Bits      int // 2, 4 or 8
	BlockSize int // power of two, >= 16
}

// Blocks returns the number of blocks per column, ceil(K / BlockSize).
func (l QNBitsLayout) Blocks() int { return (l.K + l.BlockSize - 1) / l.BlockSize }

// BlobBytes returns the bytes of one block.
func (l QNBitsLayout) BlobBytes() int { return l.BlockSize * l.Bits / 8 }

// ZeroPointBytes returns the bytes of packed zero points per column.
func (l QNBitsLayout) ZeroPointBytes() int { return (l.Blocks()*l.Bits + 7) / 8 }

// Check validates the layout's fields.
func (l QNBitsLayout) Check() error {
	if l.Bits != 2 && l.Bits != 4 && l.Bits != 8 {
		return fmt.Errorf("linalg: QNBits bits %d, want 2, 4 or 8", l.Bits)
	}
	if l.BlockSize < 16 || l.BlockSize&(l.BlockSize-1) != 0 {
		return fmt.Errorf("linalg: QNBits block size %d, want a power of two >= 16", l.BlockSize)
	}
	if l.N < 0 || l.K < 0 {
		return fmt.Errorf("linalg: QNBits negative size N=%d K=%d", l.N, l.K)
	}
	return nil
}

// qnbitsGet extracts element i of a packed little-end-first bit stream.
func qnbitsGet(b []uint8, i, bits int) int32 {
	per := 8 / bits
	sh := (i % per) * bits
	return int32(b[i/per]>>sh) & (1<<bits - 1)
}

// QNBitsDequantize writes the float32 weights W (N×K row-major, W[n*K+k] =
// B[k][n]) of a packed matrix:
//
//	W[n][k] = (q[n][k] - zp[n][blk]) * scale[n][blk]
//
// where blk = k / BlockSize, or gIdx[k] when gIdx is non-nil. b holds
// N·Blocks()·BlobBytes() bytes, scales N·Blocks() values. Zero points come
// from zpPacked (N·ZeroPointBytes() bytes, packed like b), or zpFloat
// (N·Blocks() values), or default to 2^(Bits-1) when both are nil.
func QNBitsDequantize(l QNBitsLayout, w []float32, b []uint8, scales []float32, zpPacked []uint8, zpFloat []float32, gIdx []int32) error {
	if err := l.Check(); err != nil {
		return err
	}
	nb, blob, zb := l.Blocks(), l.BlobBytes(), l.ZeroPointBytes()
	switch {
	case len(w) < l.N*l.K:
		return fmt.Errorf("linalg: QNBits output has %d values, want %d", len(w), l.N*l.K)
	case len(b) < l.N*nb*blob:
		return fmt.Errorf("linalg: QNBits B has %d bytes, want %d", len(b), l.N*nb*blob)
	case len(scales) < l.N*nb:
		return fmt.Errorf("linalg: QNBits has %d scales, want %d", len(scales), l.N*nb)
	case zpPacked != nil && len(zpPacked) < l.N*zb:
		return fmt.Errorf("linalg: QNBits has %d zero point bytes, want %d", len(zpPacked), l.N*zb)
	case zpFloat != nil && len(zpFloat) < l.N*nb:
		return fmt.Errorf("linalg: QNBits has %d float zero points, want %d", len(zpFloat), l.N*nb)
	case gIdx != nil && len(gIdx) < l.K:
		return fmt.Errorf("linalg: QNBits g_idx has %d values, want %d", len(gIdx), l.K)
	}
	def := float32(int32(1) << (l.Bits - 1))
	for n := 0; n < l.N; n++ {
		col := b[n*nb*blob : (n+1)*nb*blob]
		for k := 0; k < l.K; k++ {
			blk := k / l.BlockSize
			if gIdx != nil {
				g := int(gIdx[k])
				if g < 0 || g >= nb {
					return fmt.Errorf("linalg: QNBits g_idx[%d] = %d outside [0, %d)", k, g, nb)
				}
				blk = g
			}
			q := float32(qnbitsGet(col, k, l.Bits))
			zp := def
			switch {
			case zpPacked != nil:
				zp = float32(qnbitsGet(zpPacked[n*zb:(n+1)*zb], blk, l.Bits))
			case zpFloat != nil:
				zp = zpFloat[n*nb+blk]
			}
			w[n*l.K+k] = (q - zp) * scales[n*nb+blk]
		}
	}
	return nil
}

// QNBitsGemmRef computes C (m×n) = A (m×k) · Wᵀ + bias with W the N×K
// dequantized weights from QNBitsDequantize, accumulating each dot product
// in float32 in index order. bias may be nil.
func QNBitsGemmRef(m, n, k int, a, w, bias, c []float32) {
	for i := 0; i < m; i++ {
		arow := a[i*k : (i+1)*k]
		for j := 0; j < n; j++ {
			wrow := w[j*k : (j+1)*k]
			var s float32
			for p, av := range arow {
				s += av * wrow[p]
			}
			if bias != nil {
				s += bias[j]
			}
			c[i*n+j] = s
		}
	}
}
