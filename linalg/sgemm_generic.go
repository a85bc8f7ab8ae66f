package linalg

import "sync"

// Blocking of the generic SGEMM (Goto/BLIS style): a kc×nc panel of B is
// packed into nr-wide column strips, an mc×kc block of A into mr-tall row
// strips (alpha folded in), and an mr×nr micro-kernel walks them.
const (
	sgemmMR = 4
	sgemmNR = 8
	sgemmKC = 256
	sgemmMC = 72
	sgemmNC = 512
)

// sgemmBufs holds the packing buffers of one goroutine.
type sgemmBufs struct {
	a []float32 // sgemmMC × sgemmKC
	b []float32 // sgemmKC × sgemmNC
}

var sgemmPool = sync.Pool{New: func() any {
	return &sgemmBufs{
		a: make([]float32, sgemmMC*sgemmKC),
		b: make([]float32, sgemmKC*sgemmNC),
	}
}}

// sgemmGeneric is the plain-Go blocked SGEMM run on one goroutine. It has
// Sgemm's contract; arguments are already checked.
func sgemmGeneric(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if beta != 1 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
			} else {
				for j := range row {
					row[j] *= beta
				}
			}
		}
	}
	if alpha == 0 || k == 0 {
		return
	}
	bufs := sgemmPool.Get().(*sgemmBufs)
	defer sgemmPool.Put(bufs)
	for jc := 0; jc < n; jc += sgemmNC {
		nc := min(sgemmNC, n-jc)
		for pc := 0; pc < k; pc += sgemmKC {
			kc := min(sgemmKC, k-pc)
			sgemmPackB(transB, b, ldb, pc, jc, kc, nc, bufs.b)
			for ic := 0; ic < m; ic += sgemmMC {
				mc := min(sgemmMC, m-ic)
				sgemmPackA(transA, a, lda, ic, pc, mc, kc, alpha, bufs.a)
				sgemmMacro(mc, nc, kc, bufs.a, bufs.b, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// sgemmPackA copies the mc×kc block of alpha*op(A) at (i0,p0) into dst as
// ceil(mc/MR) strips, each kc×MR with rows padded by zeros.
func sgemmPackA(trans bool, a []float32, lda, i0, p0, mc, kc int, alpha float32, dst []float32) {
	for is := 0; is < mc; is += sgemmMR {
		rows := min(sgemmMR, mc-is)
		d := dst[is*kc : is*kc+kc*sgemmMR]
		if rows < sgemmMR {
			clear(d)
		}
		for r := 0; r < rows; r++ {
			i := i0 + is + r
			if trans {
				for p := 0; p < kc; p++ {
					d[p*sgemmMR+r] = alpha * a[(p0+p)*lda+i]
				}
			} else {
				src := a[i*lda+p0 : i*lda+p0+kc]
				for p, v := range src {
					d[p*sgemmMR+r] = alpha * v
				}
			}
		}
	}
}

// sgemmPackB copies the kc×nc panel of op(B) at (p0,j0) into dst as
// ceil(nc/NR) strips, each kc×NR with columns padded by zeros.
func sgemmPackB(trans bool, b []float32, ldb, p0, j0, kc, nc int, dst []float32) {
	for js := 0; js < nc; js += sgemmNR {
		cols := min(sgemmNR, nc-js)
		d := dst[js*kc : js*kc+kc*sgemmNR]
		if trans {
			if cols < sgemmNR {
				clear(d)
			}
			for cc := 0; cc < cols; cc++ {
				src := b[(j0+js+cc)*ldb+p0 : (j0+js+cc)*ldb+p0+kc]
				for p, v := range src {
					d[p*sgemmNR+cc] = v
				}
			}
			continue
		}
		for p := 0; p < kc; p++ {
			src := b[(p0+p)*ldb+j0+js:]
			o := d[p*sgemmNR : p*sgemmNR+sgemmNR]
			if cols == sgemmNR {
				copy(o, src[:sgemmNR])
			} else {
				copy(o, src[:cols])
				clear(o[cols:])
			}
		}
	}
}

// sgemmMacro multiplies a packed mc×kc A block by a packed kc×nc B panel and
// adds the result into C.
func sgemmMacro(mc, nc, kc int, pa, pb []float32, c []float32, ldc int) {
	var tile [sgemmMR * sgemmNR]float32
	for js := 0; js < nc; js += sgemmNR {
		cols := min(sgemmNR, nc-js)
		bs := pb[js*kc : js*kc+kc*sgemmNR]
		for is := 0; is < mc; is += sgemmMR {
			rows := min(sgemmMR, mc-is)
			as := pa[is*kc : is*kc+kc*sgemmMR]
			if rows == sgemmMR && cols == sgemmNR {
				sgemmKernel4x8(kc, as, bs, c[is*ldc+js:], ldc)
				continue
			}
			clear(tile[:])
			sgemmKernel4x8(kc, as, bs, tile[:], sgemmNR)
			for r := 0; r < rows; r++ {
				cr := c[(is+r)*ldc+js : (is+r)*ldc+js+cols]
				for j := range cr {
					cr[j] += tile[r*sgemmNR+j]
				}
			}
		}
	}
}

// sgemmKernel4x8 adds the 4×8 product of a packed A strip (kc×4) and a
// packed B strip (kc×8) into c (row stride ldc). Accumulators live in
// locals so the compiler can keep them in registers.
func sgemmKernel4x8(kc int, a, b []float32, c []float32, ldc int) {
	var c00, c01, c02, c03, c04, c05, c06, c07 float32
	var c10, c11, c12, c13, c14, c15, c16, c17 float32
	var c20, c21, c22, c23, c24, c25, c26, c27 float32
	var c30, c31, c32, c33, c34, c35, c36, c37 float32
	a = a[:kc*4]
	b = b[:kc*8]
	for p := 0; p < kc; p++ {
		av := a[p*4 : p*4+4 : p*4+4]
		bv := b[p*8 : p*8+8 : p*8+8]
		b0, b1, b2, b3, b4, b5, b6, b7 := bv[0], bv[1], bv[2], bv[3], bv[4], bv[5], bv[6], bv[7]
		a0 := av[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c04 += a0 * b4
		c05 += a0 * b5
		c06 += a0 * b6
		c07 += a0 * b7
		a1 := av[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c14 += a1 * b4
		c15 += a1 * b5
		c16 += a1 * b6
		c17 += a1 * b7
		a2 := av[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c24 += a2 * b4
		c25 += a2 * b5
		c26 += a2 * b6
		c27 += a2 * b7
		a3 := av[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		c34 += a3 * b4
		c35 += a3 * b5
		c36 += a3 * b6
		c37 += a3 * b7
	}
	r := c[0:8:8]
	r[0] += c00
	r[1] += c01
	r[2] += c02
	r[3] += c03
	r[4] += c04
	r[5] += c05
	r[6] += c06
	r[7] += c07
	r = c[ldc : ldc+8 : ldc+8]
	r[0] += c10
	r[1] += c11
	r[2] += c12
	r[3] += c13
	r[4] += c14
	r[5] += c15
	r[6] += c16
	r[7] += c17
	r = c[2*ldc : 2*ldc+8 : 2*ldc+8]
	r[0] += c20
	r[1] += c21
	r[2] += c22
	r[3] += c23
	r[4] += c24
	r[5] += c25
	r[6] += c26
	r[7] += c27
	r = c[3*ldc : 3*ldc+8 : 3*ldc+8]
	r[0] += c30
	r[1] += c31
	r[2] += c32
	r[3] += c33
	r[4] += c34
	r[5] += c35
	r[6] += c36
	r[7] += c37
}
