package linalg

// A single-row tail for the integer GEMM: the micro-kernels compute whole
// mr-row blocks, so a 1-row product (a classifier's GEMV, M = 1) costs
// as much as mr rows. q8tGemvFn computes one row of a 32-column panel
// with the same fixups, doing a block's work for one row only.

// q8tGemvFn computes row 0 of qgemmKernGeneric's tile for one block of
// q8tGemvImpl's layout (nil: none):
//
//	acc := Σ_s Σ_t a[4s + t] * b[s][j][t]
//	c[j] = acc + rfix[0]*cfix[j]*(flags&1) + rfix[1]*cfix[qNR+j]*(flags>>1&1)
var q8tGemvFn func(a, b *byte, steps int, c *int32, rfix, cfix *int32, flags int)

// q8tGemvImpl is the micro-kernel whose packing q8tGemvFn reads (nil:
// none).
var q8tGemvImpl *qgemmImpl

// q8tTailKern runs im's kernel on the last row block, which holds rem
// rows, through q8tGemvFn when rem is 1 (the other rows of a block are
// padding nobody reads).
func q8tTailKern(im *qgemmImpl, rem int, a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int) {
	if rem == 1 && mblocks == 1 && im == q8tGemvImpl && q8tGemvFn != nil && b != nil {
		q8tGemvFn(a, b, steps, c, rfix, cfix, flags)
		return
	}
	im.kern(a, lda, b, steps, c, ldc, rfix, cfix, mblocks, flags)
}
