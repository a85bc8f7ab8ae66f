package quant

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/tensor"
)

// PackInt4 packs 4-bit codes two per byte, element 2i in the low nibble of
// byte i and element 2i+1 in the high nibble, as ONNX stores INT4/UINT4
// tensors and MatMulNBits stores its blocks. An odd count leaves the last
// high nibble 0. Only the low 4 bits of each code are kept.
func PackInt4[T int8 | uint8](src []T) []uint8 {
	out := make([]uint8, (len(src)+1)/2)
	for i, v := range src {
		out[i/2] |= (uint8(v) & 0xF) << (4 * (i & 1))
	}
	return out
}

// UnpackInt4 unpacks len(dst) 4-bit codes from packed (low nibble first),
// sign-extending when T is int8 (int4: -8..7) and not when T is uint8
// (uint4: 0..15).
func UnpackInt4[T int8 | uint8](dst []T, packed []uint8) error {
	if need := (len(dst) + 1) / 2; len(packed) < need {
		return fmt.Errorf("quant: UnpackInt4: %d codes need %d bytes, have %d: %w", len(dst), need, len(packed), tensor.ErrShape)
	}
	signed := ^T(0) < 0
	for i := range dst {
		v := packed[i/2] >> (4 * (i & 1)) & 0xF
		if signed && v >= 8 {
			dst[i] = T(int8(v) - 16)
		} else {
			dst[i] = T(v)
		}
	}
	return nil
}

// MatMulNBitsLayout holds the shapes of ONNX Runtime's com.microsoft
// MatMulNBits inputs for weights B of shape [K, N].
type MatMulNBitsLayout struct {
	K, N, Bits, BlockSize int
	BlocksPerCol          int // ceil(K / BlockSize)
	BlobSize              int // BlockSize * Bits / 8 bytes per block
	ZeroPointBytesPerCol  int // ceil(BlocksPerCol * Bits / 8)
}

// NewMatMulNBitsLayout validates the attributes (bits 2, 4 or 8; block size a
// power of two >= 16, as MatMulNBits requires) and returns the layout. B has
// shape [N, BlocksPerCol, BlobSize], scales [N * BlocksPerCol] (or [N,
// BlocksPerCol]), zero points [N * ZeroPointBytesPerCol] bytes.
func NewMatMulNBitsLayout(k, n, bits, blockSize int) (MatMulNBitsLayout, error) {
	if bits != 2 && bits != 4 && bits != 8 {
		return MatMulNBitsLayout{}, fmt.Errorf("%w: MatMulNBits bits %d (want 2, 4 or 8)", ErrScheme, bits)
	}
	if blockSize < 16 || blockSize&(blockSize-1) != 0 {
		return MatMulNBitsLayout{}, fmt.Errorf("%w: MatMulNBits block size %d (want a power of 2 >= 16)", ErrScheme, blockSize)
	}
	if k <= 0 || n <= 0 {
		return MatMulNBitsLayout{}, fmt.Errorf("quant: MatMulNBits K=%d N=%d: %w", k, n, tensor.ErrShape)
	}
	l := MatMulNBitsLayout{K: k, N: n, Bits: bits, BlockSize: blockSize}
	l.BlocksPerCol = (k + blockSize - 1) / blockSize
	l.BlobSize = blockSize * bits / 8
	l.ZeroPointBytesPerCol = (l.BlocksPerCol*bits + 7) / 8
	if _, err := tensor.NumElements([]int{n, l.BlocksPerCol, l.BlobSize}); err != nil {
		return MatMulNBitsLayout{}, err
	}
	return l, nil
}

// mlasParams is MLAS's blockwise rule (q4_dq.cpp range2scale /
// range2scalezp). Symmetric: the value of largest magnitude m (with its
// sign) gets scale m / -2^(bits-1) and the implicit zero point 2^(bits-1), so
// m maps to code 0 and the whole code range is used (the scale is negative
// when m > 0). Asymmetric: the range is widened to include 0, scale =
// (hi-lo)/(2^bits-1), zero point round(-lo/scale) clamped. An all-zero block
// gets scale 1 (MLAS stores 0; both dequantize to 0).
func mlasParams(lo, hi float32, bits int, symmetric bool) Params {
	mid := int32(1) << (bits - 1)
	if symmetric {
		m := hi
		if float32(math.Abs(float64(lo))) > float32(math.Abs(float64(hi))) {
			m = lo
		}
		s := m / -float32(mid)
		if s == 0 {
			s = 1
		}
		return Params{Scale: s, ZeroPoint: mid}
	}
	qmax := int32(1)<<bits - 1
	lo, hi = min(lo, 0), max(hi, 0)
	s := (hi - lo) / float32(qmax)
	if s == 0 {
		return Params{Scale: 1, ZeroPoint: 0}
	}
	zp := math.RoundToEven(float64(-lo / s))
	return Params{Scale: s, ZeroPoint: int32(min(max(zp, 0), float64(qmax)))}
}

// PackMatMulNBits quantizes w, row-major [K, N] (the B input of MatMul), into
// ONNX Runtime's MatMulNBits layout with round-to-nearest, as
// matmul_4bits_quantizer.py (MLAS MlasQuantizeBlockwise) does: blocks of
// blockSize along K per output column n; packed is [N][BlocksPerCol][BlobSize]
// with codes low bits first, the tail of the last block padded with the code
// of 0; scales is [N][BlocksPerCol]; zeroPoints is [N][ZeroPointBytesPerCol]
// packed the same way, or nil when symmetric (the kernel's default zero point
// 2^(bits-1) applies). Codes round half to even.
func PackMatMulNBits(w []float32, k, n, bits, blockSize int, symmetric bool) (packed []uint8, scales []float32, zeroPoints []uint8, err error) {
	return PackMatMulNBitsOpt(w, k, n, bits, blockSize, symmetric, WeightOptions{})
}

// PackMatMulNBitsOpt is PackMatMulNBits with weight options (ClipMSE picks
// each block's clip ratio minimising its squared error).
func PackMatMulNBitsOpt(w []float32, k, n, bits, blockSize int, symmetric bool, opt WeightOptions) (packed []uint8, scales []float32, zeroPoints []uint8, err error) {
	l, err := NewMatMulNBitsLayout(k, n, bits, blockSize)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(w) != k*n {
		return nil, nil, nil, fmt.Errorf("quant: PackMatMulNBits: [%d, %d] needs %d weights, have %d: %w", k, n, k*n, len(w), tensor.ErrShape)
	}
	steps, clipLo, err := opt.grid()
	if err != nil {
		return nil, nil, nil, err
	}
	qmax := int32(1)<<bits - 1
	pf := func(lo, hi float32) (Params, error) { return mlasParams(lo, hi, bits, symmetric), nil }
	packed = make([]uint8, n*l.BlocksPerCol*l.BlobSize)
	scales = make([]float32, n*l.BlocksPerCol)
	if !symmetric {
		zeroPoints = make([]uint8, n*l.ZeroPointBytesPerCol)
	}
	perByte := 8 / bits
	buf := make([]float32, blockSize)
	for col := range n {
		for b := range l.BlocksPerCol {
			k0, k1 := b*blockSize, min((b+1)*blockSize, k)
			x := buf[:k1-k0]
			for i := range x {
				x[i] = w[(k0+i)*n+col]
			}
			p, err := chooseParams(x, pf, 0, qmax, opt.Clip, steps, clipLo)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("quant: PackMatMulNBits column %d block %d: %w", col, b, err)
			}
			gi := col*l.BlocksPerCol + b
			scales[gi] = p.Scale
			blob := packed[gi*l.BlobSize : (gi+1)*l.BlobSize]
			for i := range blockSize {
				q := p.ZeroPoint // padding: the code of 0
				if i < len(x) {
					q = QuantizeValue(x[i], p, 0, qmax)
				}
				blob[i/perByte] |= uint8(q) << (bits * (i % perByte))
			}
			if zeroPoints != nil {
				zb := zeroPoints[col*l.ZeroPointBytesPerCol:]
				zb[b/perByte] |= uint8(p.ZeroPoint) << (bits * (b % perByte))
			}
		}
	}
	return packed, scales, zeroPoints, nil
}

// UnpackMatMulNBits dequantizes MatMulNBits inputs back to a row-major
// [K, N] float32 matrix: w[k][n] = (code - zp) * scale, with zp read from
// zeroPoints (packed) or 2^(bits-1) when zeroPoints is nil.
func UnpackMatMulNBits(packed []uint8, scales []float32, zeroPoints []uint8, k, n, bits, blockSize int) ([]float32, error) {
	l, err := NewMatMulNBitsLayout(k, n, bits, blockSize)
	if err != nil {
		return nil, err
	}
	if len(packed) != n*l.BlocksPerCol*l.BlobSize || len(scales) != n*l.BlocksPerCol ||
		(zeroPoints != nil && len(zeroPoints) != n*l.ZeroPointBytesPerCol) {
		return nil, fmt.Errorf("quant: UnpackMatMulNBits: sizes %d/%d/%d do not fit K=%d N=%d bits=%d block=%d: %w",
			len(packed), len(scales), len(zeroPoints), k, n, bits, blockSize, tensor.ErrShape)
	}
	perByte := 8 / bits
	mask := uint8(1)<<bits - 1
	out := make([]float32, k*n)
	for col := range n {
		for b := range l.BlocksPerCol {
			gi := col*l.BlocksPerCol + b
			zp := int32(1) << (bits - 1)
			if zeroPoints != nil {
				zp = int32(zeroPoints[col*l.ZeroPointBytesPerCol+b/perByte] >> (bits * (b % perByte)) & mask)
			}
			blob := packed[gi*l.BlobSize:]
			for i := 0; i < blockSize && b*blockSize+i < k; i++ {
				q := int32(blob[i/perByte] >> (bits * (i % perByte)) & mask)
				out[(b*blockSize+i)*n+col] = float32(q-zp) * scales[gi]
			}
		}
	}
	return out, nil
}
