package linalg

import (
	"fmt"
	"runtime"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major float32
// matrices, where op(X) is X or its transpose. op(A) is m×k, op(B) is k×n
// and C is m×n. lda, ldb and ldc are the row strides of A, B and C as
// stored (A is m×k when !transA and k×m when transA; likewise B). With beta
// == 0, C is overwritten without being read (NaNs in C do not propagate).
// It runs on the calling goroutine; see SgemmParallel.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmParallel(1, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmParallel is Sgemm split over up to threads goroutines (threads <= 0
// means GOMAXPROCS). Small products run on the calling goroutine.
func SgemmParallel(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmEpilogue(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// SgemmPackedEpilogue is SgemmEpilogue with A packed once by PackA (m is
// pa.Rows(), k is pa.Cols(), alpha 1, beta 0) and B k×n row-major (row
// stride ldb): C = ep(A·B).
func SgemmPackedEpilogue(threads int, pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue) {
	m, k := pa.m, pa.k
	sgemmCheckMat("B", k, n, b, ldb)
	sgemmCheckMat("C", m, n, c, ldc)
	sgemmRun(threads, false, false, m, n, k, 1, nil, k, pa, b, ldb, nil, 0, c, ldc, ep)
}

// SgemmEpilogue is SgemmParallel followed by the output stage ep (nil
// means none): C = ep(alpha*op(A)*op(B) + beta*C). The epilogue runs on
// each block of C right after its last k-block, while it is still in
// cache. ep.RowBias must have m entries and ep.ColBias n, when set.
func SgemmEpilogue(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep *Epilogue) {
	sgemmCheck(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmRun(threads, transA, transB, m, n, k, alpha, a, lda, nil, b, ldb, nil, beta, c, ldc, ep)
}

// sgemmRun is SgemmEpilogue after argument checks; a non-nil pa replaces
// A (a, lda, transA and alpha are then unused; alpha must be 1) and a
// non-nil src replaces B (b, ldb and transB are then unused).
func sgemmRun(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, pa *PackedA, b []float32, ldb int, src *im2colSrc, beta float32, c []float32, ldc int, ep *Epilogue) {
	if ep != nil {
		if (ep.RowBias != nil && len(ep.RowBias) < m) || (ep.ColBias != nil && len(ep.ColBias) < n) {
			panic(fmt.Sprintf("linalg: Sgemm %dx%d with bias of %d rows, %d columns", m, n, len(ep.RowBias), len(ep.ColBias)))
		}
		if ep.Residual != nil {
			if beta != 0 {
				panic("linalg: Sgemm epilogue with a residual needs beta == 0")
			}
			if m > 0 && n > 0 && len(ep.Residual) < (m-1)*ldc+n {
				panic(fmt.Sprintf("linalg: Sgemm %dx%d with a residual of %d elements", m, n, len(ep.Residual)))
			}
		}
		if ep.RowBias == nil && ep.ColBias == nil && ep.Residual == nil && ep.Act == ActNone && !ep.Post {
			ep = nil
		}
	}
	if m == 0 || n == 0 {
		return
	}
	impl := pa.kernel() // assigned once, so goroutines capture it by value
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	// Work per goroutine should be at least ~1 MFLOP to pay for the spawn.
	if work := m * n * k; work/threads < 1<<19 {
		threads = work >> 19
		if threads < 1 {
			threads = 1
		}
	}
	if threads == 1 {
		sgemmBlocked(impl, transA, transB, m, n, k, alpha, a, lda, pa, 0, b, ldb, src, beta, c, ldc, ep)
		return
	}
	// Split the larger of M and N into contiguous ranges, aligned to the
	// micro-tile, and run the serial blocked kernel on each sub-product.
	if n >= m {
		step := (n + threads - 1) / threads
		step = (step + impl.nr - 1) / impl.nr * impl.nr
		var srcc *im2colSrc
		if src != nil {
			srcc = src.shift(0) // a copy: src itself must not escape
		}
		parallel((n+step-1)/step, func(i int) {
			j0 := i * step
			nn := min(step, n-j0)
			bj, srcj := b, (*im2colSrc)(nil)
			if srcc == nil {
				bj = b[sgemmOff(transB, 0, j0, ldb):]
			} else {
				srcj = srcc.shift(j0)
			}
			sgemmBlocked(impl, transA, transB, m, nn, k, alpha, a, lda, pa, 0, bj, ldb, srcj, beta, c[j0:], ldc, ep.sub(0, j0, m, nn, ldc))
		})
		return
	}
	step := (m + threads - 1) / threads
	step = (step + impl.mr - 1) / impl.mr * impl.mr
	var srcc *im2colSrc
	if src != nil {
		srcc = src.shift(0) // a copy: src itself must not escape (callers keep it on the stack)
	}
	parallel((m+step-1)/step, func(i int) {
		i0 := i * step
		mm := min(step, m-i0)
		ai := a
		if pa == nil {
			ai = a[sgemmOff(transA, i0, 0, lda):]
		}
		var srci *im2colSrc
		if srcc != nil {
			srci = srcc.shift(0) // each chunk packs through its own view
		}
		sgemmBlocked(impl, transA, transB, mm, n, k, alpha, ai, lda, pa, i0, b, ldb, srci, beta, c[i0*ldc:], ldc, ep.sub(i0, 0, mm, n, ldc))
	})
}

// sgemmOff returns the offset of logical element (row r, col col) of op(X)
// in X's storage, for slicing sub-matrices.
func sgemmOff(trans bool, r, col, ld int) int {
	if trans {
		return col*ld + r
	}
	return r*ld + col
}

func sgemmCheck(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("linalg: Sgemm negative size m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	sgemmCheckMat("A", ar, ac, a, lda)
	sgemmCheckMat("B", br, bc, b, ldb)
	sgemmCheckMat("C", m, n, c, ldc)
}

func sgemmCheckMat(name string, rows, cols int, x []float32, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols || len(x) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("linalg: Sgemm %s is %dx%d with ld=%d but has %d elements", name, rows, cols, ld, len(x)))
	}
}

// sgemmRef is the obviously correct triple loop that defines Sgemm.
// Accumulation is in float64 so that it serves as an accurate oracle.
func sgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			var v float32
			if alpha != 0 {
				v = alpha * float32(s)
			}
			if beta != 0 {
				v += beta * c[i*ldc+j]
			}
			c[i*ldc+j] = v
		}
	}
}
