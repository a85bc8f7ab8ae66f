package ops

import "github.com/qinfer/qinfer/linalg"

// pfSgemm is linalg.SgemmEpilogue, or linalg.SgemmSmallM when op(A) has
// so few rows that packing B would cost about as much as the product.
func pfSgemm(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep *linalg.Epilogue) {
	if m <= linalg.SmallM {
		linalg.SgemmSmallM(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
		return
	}
	linalg.SgemmEpilogue(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
}
