// Reference integer GEMM and requantization kernels: plain, exact Go loops
// that define what the quantized fast paths must compute.

package linalg

import "math"

// QInt is the set of 8-bit quantized element types.
type QInt interface{ ~int8 | ~uint8 }

// QGemmRef computes the zero-point corrected integer product
//
//	C[i*ldc+j] = Σ_k (A[i*lda+k] - aZP[i]) * (B[k*ldb+j] - bZP[j])
//
// for i < m, j < n, k < kk, accumulating in int32 (wrapping on overflow, as
// the ONNX spec allows). aZP holds 0 values (zero point 0), 1 value (per
// tensor) or m values (per row); bZP holds 0, 1 or n values (per column).
// A is row-major m×kk with leading dimension lda, B row-major kk×n with ldb,
// C row-major m×n with ldc. It panics on slices that are too short, as
// indexing would; callers check shapes first.
func QGemmRef[TA, TB QInt](m, n, kk int, a []TA, lda int, aZP []int32, b []TB, ldb int, bZP []int32, c []int32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	bz := make([]int32, n)
	switch len(bZP) {
	case 0:
	case 1:
		for j := range bz {
			bz[j] = bZP[0]
		}
	default:
		copy(bz, bZP[:n])
	}
	for i := 0; i < m; i++ {
		var az int32
		switch len(aZP) {
		case 0:
		case 1:
			az = aZP[0]
		default:
			az = aZP[i]
		}
		crow := c[i*ldc : i*ldc+n]
		for j := range crow {
			crow[j] = 0
		}
		arow := a[i*lda : i*lda+kk]
		for k, av := range arow {
			x := int32(av) - az
			if x == 0 {
				continue
			}
			brow := b[k*ldb : k*ldb+n]
			for j, bv := range brow {
				crow[j] += x * (int32(bv) - bz[j])
			}
		}
	}
}

// RequantRef converts int32 accumulators to 8-bit values the way ONNX
// Runtime's MlasRequantizeOutput does, entirely in float32:
//
//	dst[j] = saturate(roundHalfEven(float32(acc[j]) * mult[j]) + zp[j])
//
// The int32 → float32 conversion rounds (to nearest even) for |acc| > 2^24,
// and the product is one float32 multiply; both match MLAS bit for bit.
// mult and zp hold either one value (applied to every element) or len(acc)
// values (per element, e.g. per column of a row).
func RequantRef[T QInt](dst []T, acc []int32, mult []float32, zp []int32) {
	lo, hi := QRange[T]()
	for j, v := range acc {
		var mu float32
		var z int32
		if len(mult) == 1 {
			mu = mult[0]
		} else {
			mu = mult[j]
		}
		if len(zp) == 1 {
			z = zp[0]
		} else if len(zp) > 1 {
			z = zp[j]
		}
		f := float32(v) * mu
		dst[j] = T(QSaturate(math.RoundToEven(float64(f))+float64(z), lo, hi))
	}
}

// QRange returns the smallest and largest value of T as int32.
func QRange[T QInt]() (lo, hi int32) {
	var z T
	if T(z-1) > z { // unsigned
		return 0, math.MaxUint8
	}
	return math.MinInt8, math.MaxInt8
}

// QSaturate clamps an already rounded float to [lo, hi]; NaN gives 0
// clamped into the range.
func QSaturate(f float64, lo, hi int32) int32 {
	switch {
	case f != f:
		return min(max(0, lo), hi)
	case f <= float64(lo):
		return lo
	case f >= float64(hi):
		return hi
	}
	return int32(f)
}
