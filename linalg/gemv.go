package linalg

import (
	"runtime"
	"slices"
)

// SmallM is the largest row count of op(A) for which SgemmSmallM is
// faster than the packed SGEMM: with so few rows, packing B costs about
// as much as the product itself.
const SmallM = 4

// SgemmSmallM has SgemmEpilogue's contract but does not pack: each row of
// C is a set of dot products with the rows of B (transB, B stored n×k)
// or a sum of scaled rows of B (!transB, B stored k×n). It is meant for
// m <= SmallM (matrix-vector products, batch-1 fully connected layers)
// and correct for any m. Columns of C are split over up to threads
// goroutines (threads <= 0 means GOMAXPROCS).
func SgemmSmallM(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep *Epilogue) {
	sgemmCheck(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if ep != nil && ((ep.RowBias != nil && len(ep.RowBias) < m) || (ep.ColBias != nil && len(ep.ColBias) < n)) {
		panic("linalg: SgemmSmallM bias shorter than the product")
	}
	if m == 0 || n == 0 {
		return
	}
	// Rows of alpha*op(A), contiguous.
	var rowBuf [SmallM][]float32
	var rows [][]float32
	if m <= SmallM {
		rows = rowBuf[:m] // on the stack: the serial path allocates nothing
	} else {
		rows = make([][]float32, m)
	}
	for i := range rows {
		if !transA && alpha == 1 {
			rows[i] = a[i*lda : i*lda+k]
			continue
		}
		r := make([]float32, k)
		for p := range r {
			if transA {
				r[p] = alpha * a[p*lda+i]
			} else {
				r[p] = alpha * a[i*lda+p]
			}
		}
		rows[i] = r
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	// At least ~256K multiply-adds per goroutine.
	threads = max(1, min(threads, m*n*k>>18, (n+15)/16))
	if threads == 1 {
		gemvCols(transB, rows, 0, n, k, b, ldb, beta, c, ldc, ep)
		return
	}
	gemvParallel(threads, transB, slices.Clone(rows), n, k, b, ldb, beta, c, ldc, ep)
}

// gemvParallel is SgemmSmallM's split over threads (a function of its own,
// so the serial path's rows do not escape).
func gemvParallel(threads int, transB bool, rows [][]float32, n, k int, b []float32, ldb int, beta float32, c []float32, ldc int, ep *Epilogue) {
	step := ((n+threads-1)/threads + 15) / 16 * 16
	parallel((n+step-1)/step, func(i int) {
		gemvCols(transB, rows, i*step, min(n, (i+1)*step), k, b, ldb, beta, c, ldc, ep)
	})
}

// gemvCols computes columns j0..j1 of C = rows·op(B) + beta*C and runs
// the epilogue on them.
func gemvCols(transB bool, rows [][]float32, j0, j1, k int, b []float32, ldb int, beta float32, c []float32, ldc int, ep *Epilogue) {
	m := len(rows)
	if transB {
		dot := vecKern.dot
		j := j0
		if k >= 64 {
			// Four rows of B at a time: a layer's weights come from L3
			// or memory, and four streams keep more loads in flight.
			for ; j+4 <= j1; j += 4 {
				for i, r := range rows {
					d := vecKern.dot4(r, b[j*ldb:], ldb)
					for q, v := range d {
						if beta != 0 {
							v += beta * c[i*ldc+j+q]
						}
						c[i*ldc+j+q] = v
					}
				}
			}
		}
		for ; j < j1; j++ {
			brow := b[j*ldb : j*ldb+k]
			for i, r := range rows {
				v := dot(r, brow)
				if beta != 0 {
					v += beta * c[i*ldc+j]
				}
				c[i*ldc+j] = v
			}
		}
	} else {
		// Blocks of columns whose m rows of C stay in L1 while B's rows
		// stream past.
		blk := max(64, 4096/m)
		for jb := j0; jb < j1; jb += blk {
			je := min(j1, jb+blk)
			gemvAxpyBlock(rows, jb, je, k, b, ldb, beta, c, ldc)
		}
	}
	if ep != nil {
		ep.apply(c, ldc, 0, j0, m, j1-j0)
	}
}

// gemvAxpyBlock computes columns j0..j1 of C = rows·B + beta*C, B stored
// k×n, as m sums of scaled rows of B.
func gemvAxpyBlock(rows [][]float32, j0, j1, k int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	axpy := kern.axpy
	for i := range rows {
		crow := c[i*ldc+j0 : i*ldc+j1]
		if beta == 0 {
			clear(crow)
		} else if beta != 1 {
			for j := range crow {
				crow[j] *= beta
			}
		}
	}
	for p := 0; p < k; p++ {
		brow := b[p*ldb+j0 : p*ldb+j1]
		for i, r := range rows {
			axpy(r[p], brow, c[i*ldc+j0:i*ldc+j1])
		}
	}
}
