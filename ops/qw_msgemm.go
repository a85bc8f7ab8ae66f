package ops

// Fast paths of the com.microsoft quantized GEMM family (ms_gemm.go):
// QGemm, MatMulIntegerToFloat and DynamicQuantizeMatMul pack B once with
// linalg.QPackB / QPackBTrans and run linalg.QGemm (or QGemmRequant when
// QGemm's output is 8-bit and C is the same for every row); MatMulNBits
// with 4 bits, uint8 or default zero points and no g_idx packs once with
// linalg.QNBitsPack and runs linalg.QNBitsGemm. Other cases keep the
// reference code in ms_gemm.go.

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qwPackB packs the 8-bit matrix of b at element offset off as a k×n B
// (given as n×k when trans) with zero points bz (1 or n values).
func qwPackB(b *tensor.Tensor, off, k, n int, trans bool, bz []int32) *linalg.QPackedB {
	switch v := b.Data().(type) {
	case []uint8:
		if trans {
			return linalg.QPackBTrans(k, n, v[off:off+k*n], k, bz)
		}
		return linalg.QPackB(k, n, v[off:off+k*n], n, bz)
	case []int8:
		if trans {
			return linalg.QPackBTrans(k, n, v[off:off+k*n], k, bz)
		}
		return linalg.QPackB(k, n, v[off:off+k*n], n, bz)
	}
	panic("ops: qwPackB on a non-8-bit tensor")
}

// qwGemm runs linalg.QGemm on the 8-bit A of a (m×k at element offset
// off) with zero point az into c (m×n).
func qwGemm(threads, m, n, k int, a *tensor.Tensor, off int, az int32, pb *linalg.QPackedB, c []int32) {
	zp := []int32{az}
	switch v := a.Data().(type) {
	case []uint8:
		linalg.QGemm(threads, m, n, k, v[off:off+m*k], k, zp, pb, c, n)
	case []int8:
		linalg.QGemm(threads, m, n, k, v[off:off+m*k], k, zp, pb, c, n)
	}
}

// qwGemmRequant runs linalg.QGemmRequant into the 8-bit tensor y (m×n).
func qwGemmRequant(threads, m, n, k int, a *tensor.Tensor, off int, az int32, pb *linalg.QPackedB, bias []int32, mult []float32, yz int32, y *tensor.Tensor) {
	switch v := a.Data().(type) {
	case []uint8:
		qwGemmRequantY(threads, m, n, k, v[off:off+m*k], az, pb, bias, mult, yz, y)
	case []int8:
		qwGemmRequantY(threads, m, n, k, v[off:off+m*k], az, pb, bias, mult, yz, y)
	}
}

func qwGemmRequantY[TA linalg.QInt](threads, m, n, k int, a []TA, az int32, pb *linalg.QPackedB, bias []int32, mult []float32, yz int32, y *tensor.Tensor) {
	zp := []int32{az}
	switch yv := y.Data().(type) {
	case []uint8:
		linalg.QGemmRequant(threads, m, n, k, a, k, zp, pb, bias, mult, yz, yv, n)
	case []int8:
		linalg.QGemmRequant(threads, m, n, k, a, k, zp, pb, bias, mult, yz, yv, n)
	}
}

// qwFinite reports whether every value is finite (then float32(acc)·v is
// never NaN, the one case where the fused requantizer and msRequant
// disagree).
func qwFinite(v []float32) bool {
	for _, x := range v {
		if x != x || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// qwNBitsScales reads MatMulNBits scales as float32, rejecting NaN and
// infinities.
func qwNBitsScales(ctx *Context, sc *tensor.Tensor) ([]float32, error) {
	scales := tensor.ToFloat32(sc)
	for i, v := range scales {
		if v != v || math.IsInf(float64(v), 0) {
			return nil, ctx.Errf("scales[%d] = %v: %w", i, v, ir.ErrInvalidModel)
		}
	}
	return scales, nil
}

// qwRun is MatMulNBits through the packed int4 kernels (Bits 4, no g_idx,
// uint8 or default zero points; the caller checked A, B and scales).
func (k *msNBits) qwRun(ctx *Context, a, b, sc, zpT, biasT *tensor.Tensor) ([]*tensor.Tensor, error) {
	l := k.lay
	if zpT != nil && zpT.Len() != l.N*l.ZeroPointBytes() {
		return nil, ctx.Errf("zero_points has %d bytes, want %d: %w", zpT.Len(), l.N*l.ZeroPointBytes(), tensor.ErrShape)
	}
	var bias []float32
	if biasT != nil {
		if biasT.DType() != a.DType() || biasT.Len() != l.N {
			return nil, ctx.Errf("bias %v %v, want %v [%d]: %w", biasT.DType(), biasT.Shape(), a.DType(), l.N, tensor.ErrShape)
		}
		bias = tensor.ToFloat32(biasT)
	}
	pk, err := k.qwPack.get(ctx.zaKeyOf(b, sc, zpT), func() (*linalg.QNBitsPacked, error) {
		scales, err := qwNBitsScales(ctx, sc)
		if err != nil {
			return nil, err
		}
		var zp []uint8
		if zpT != nil {
			zp = zpT.Data().([]uint8)
		}
		pk, err := linalg.QNBitsPack(l, b.Data().([]uint8), scales, zp, nil)
		if err != nil {
			return nil, ctx.Errf("%v: %w", err, ir.ErrInvalidModel)
		}
		return pk, nil
	})
	if err != nil {
		return nil, err
	}
	oshape := append(append([]int(nil), a.Shape()[:a.Rank()-1]...), l.N)
	m := a.Len() / l.K
	if _, err := alCheckDims(ctx, tensor.Float32, m, l.N); err != nil {
		return nil, err
	}
	c := make([]float32, m*l.N)
	acc := linalg.QNBitsAccF32
	if k.accuracy == 4 {
		acc = linalg.QNBitsAccInt8
	}
	linalg.QNBitsGemm(ctx.Threads, m, tensor.ToFloat32(a), l.K, pk, bias, c, l.N, acc)
	out, err := tensor.FromFloat32(a.DType(), oshape, c)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(out), nil
}
