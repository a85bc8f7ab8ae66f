package linalg

import "unsafe"

// Blocked SGEMM (Goto/BLIS style), shared by every micro-kernel: a kc×nc
// panel of op(B) is packed into nr-wide column strips, an mc×kc block of
// op(A) into mr-tall row strips (alpha folded in), and the micro-kernel
// walks them one mr×nr tile of C at a time. Each kernel call covers at
// most kc steps, so long products stay preemptible.

// sgemmBufs holds the packing buffers of one goroutine.
type sgemmBufs struct {
	a []float32 // ceil(mc/mr)*mr × kc
	b []float32 // kc × ceil(nc/nr)*nr
	t []float32 // mr × nr edge tile, then mr entries of edge-tile row bias
	k sgemmConsts
}

// sgemmConsts holds the constants of the fused-epilogue micro-kernels
// (kernelEp's cst; the generator in _gen knows the byte offsets): a zero
// vector for memory operands, the clamp bounds, the hard swish constants
// and the post-activation affine.
type sgemmConsts struct {
	zero                 [16]float32
	lo, hi               float32
	sixth, half, one     float32
	postScale, postShift float32
	_                    [1]float32
}

func (impl *sgemmImpl) getBufs() *sgemmBufs {
	if p, ok := impl.pool.Get().(*sgemmBufs); ok {
		return p
	}
	mcr := (impl.mc + impl.mr - 1) / impl.mr * impl.mr
	ncr := (impl.nc + impl.nr - 1) / impl.nr * impl.nr
	return &sgemmBufs{a: make([]float32, mcr*impl.kc), b: make([]float32, ncr*impl.kc), t: make([]float32, impl.mr*impl.nr+impl.mr)}
}

// sgemmGeneric is the plain-Go SGEMM twin run on one goroutine. It has
// Sgemm's contract; arguments are already checked.
func sgemmGeneric(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemmBlocked(sgemmGenericImpl, transA, transB, m, n, k, alpha, a, lda, nil, 0, b, ldb, nil, beta, c, ldc, nil)
}

// sgemmBlocked runs SgemmEpilogue's contract on one goroutine with the
// micro-kernel of impl. A non-nil pa replaces A: its rows paRow.. are
// already packed for impl. A non-nil src replaces B: panels are packed
// straight from an image (implicit im2col).
func sgemmBlocked(impl *sgemmImpl, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, pa *PackedA, paRow int, b []float32, ldb int, src *im2colSrc, beta float32, c []float32, ldc int, ep *Epilogue) {
	if m == 0 || n == 0 {
		return
	}
	// With beta == 0 the first k block overwrites C (no clearing pass),
	// unless there is no product at all.
	overwrite := beta == 0 && alpha != 0 && k > 0
	if beta != 1 && !overwrite {
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
		if ep != nil {
			if ep.Residual != nil { // beta == 0: C is zero
				for i := 0; i < m; i++ {
					copy(c[i*ldc:i*ldc+n], ep.Residual[i*ldc:])
				}
			}
			ep.apply(c, ldc, 0, 0, m, n)
		}
		return
	}
	bufs := impl.getBufs()
	defer impl.pool.Put(bufs)
	kcMax, mcMax, ncMax := impl.kc, impl.mc, impl.nc
	for jc := 0; jc < n; jc += ncMax {
		nc := min(ncMax, n-jc)
		for pc := 0; pc < k; pc += kcMax {
			kc := min(kcMax, k-pc)
			if src != nil {
				src.pack(impl.nr, pc, jc, kc, nc, bufs.b)
			} else {
				sgemmPackB(impl.nr, transB, b, ldb, pc, jc, kc, nc, bufs.b)
			}
			for ic := 0; ic < m; ic += mcMax {
				mc := min(mcMax, m-ic)
				as := bufs.a
				if pa != nil {
					as = pa.block(paRow+ic, pc, mc, kc)
				} else {
					sgemmPackA(impl.mr, transA, a, lda, ic, pc, mc, kc, alpha, bufs.a)
				}
				tb := sgemmTileBlock{first: overwrite && pc == 0, last: pc+kc == k, ep: ep, i0: ic, j0: jc}
				sgemmMacro(impl, mc, nc, kc, as, bufs.b, bufs, c, ldc, &tb)
			}
		}
	}
}

// sgemmPackA copies the mc×kc block of alpha*op(A) at (i0,p0) into dst as
// ceil(mc/mr) strips, each kc×mr with rows padded by zeros.
func sgemmPackA(mr int, trans bool, a []float32, lda, i0, p0, mc, kc int, alpha float32, dst []float32) {
	for is := 0; is < mc; is += mr {
		rows := min(mr, mc-is)
		d := dst[is*kc : is*kc+kc*mr]
		if rows < mr {
			clear(d)
		}
		if trans {
			// Rows of A's storage are columns of op(A): copy runs of
			// `rows` contiguous values per k step.
			for p := 0; p < kc; p++ {
				src := a[(p0+p)*lda+i0+is : (p0+p)*lda+i0+is+rows]
				o := d[p*mr : p*mr+rows]
				for r, v := range src {
					o[r] = alpha * v
				}
			}
			continue
		}
		if rows == 8 && mr == 8 {
			sgemmPackA8(a[(i0+is)*lda+p0:], lda, kc, alpha, d)
			continue
		}
		for r := 0; r < rows; r++ {
			i := i0 + is + r
			src := a[i*lda+p0 : i*lda+p0+kc]
			for p, v := range src {
				d[p*mr+r] = alpha * v
			}
		}
	}
}

// sgemmPackA8 packs eight full rows of A (row i at a[i*lda:], kc values
// each) into d k step by k step: eight reads, one contiguous 32-byte
// write. Row by row, every write would touch a different cache line.
func sgemmPackA8(a []float32, lda, kc int, alpha float32, d []float32) {
	r0 := a[:kc]
	r1 := a[lda : lda+kc]
	r2 := a[2*lda : 2*lda+kc]
	r3 := a[3*lda : 3*lda+kc]
	r4 := a[4*lda : 4*lda+kc]
	r5 := a[5*lda : 5*lda+kc]
	r6 := a[6*lda : 6*lda+kc]
	r7 := a[7*lda : 7*lda+kc]
	d = d[:8*kc]
	if alpha == 1 {
		for p := range r0 {
			o := d[8*p : 8*p+8 : 8*p+8]
			o[0], o[1], o[2], o[3] = r0[p], r1[p], r2[p], r3[p]
			o[4], o[5], o[6], o[7] = r4[p], r5[p], r6[p], r7[p]
		}
		return
	}
	for p := range r0 {
		o := d[8*p : 8*p+8 : 8*p+8]
		o[0], o[1], o[2], o[3] = alpha*r0[p], alpha*r1[p], alpha*r2[p], alpha*r3[p]
		o[4], o[5], o[6], o[7] = alpha*r4[p], alpha*r5[p], alpha*r6[p], alpha*r7[p]
	}
}

// sgemmPackB copies the kc×nc panel of op(B) at (p0,j0) into dst as
// ceil(nc/nr) strips, each kc×nr with columns padded by zeros.
func sgemmPackB(nr int, trans bool, b []float32, ldb, p0, j0, kc, nc int, dst []float32) {
	for js := 0; js < nc; js += nr {
		cols := min(nr, nc-js)
		d := dst[js*kc : js*kc+kc*nr]
		if trans {
			if cols < nr {
				clear(d)
			}
			for cc := 0; cc < cols; cc++ {
				src := b[(j0+js+cc)*ldb+p0 : (j0+js+cc)*ldb+p0+kc]
				for p, v := range src {
					d[p*nr+cc] = v
				}
			}
			continue
		}
		for p := 0; p < kc; p++ {
			src := b[(p0+p)*ldb+j0+js:]
			o := d[p*nr : p*nr+nr]
			if cols == nr {
				copy(o, src[:nr])
			} else {
				copy(o, src[:cols])
				clear(o[cols:])
			}
		}
	}
}

// sgemmTileBlock tells sgemmMacro where its block lies: first (the
// block's product overwrites C) and last k block (the epilogue ep runs on
// each tile as it is finished, while it is in cache), and the block's
// offset (i0, j0) in C.
type sgemmTileBlock struct {
	first, last bool
	ep          *Epilogue
	i0, j0      int
}

// Flags of the fused-epilogue micro-kernels (sgemmTileRef).
const (
	kfLoad   = 1  // accumulators start from C (else from zero)
	kfBias   = 2  // add bias[i] to row i
	kfMax    = 4  // t = max(lo, t)
	kfMin    = 8  // t = min(hi, t)
	kfHswish = 16 // t = t * min(max(t*(1/6) + 0.5, 0), 1)
	kfPost   = 32 // t = t*ps + pt
)

// fused returns the kernelEp flags that compute ep, filling k with its
// constants, and whether ep can be fused at all (a column bias or another
// activation runs in Go on the finished tile).
func (tb *sgemmTileBlock) fused(impl *sgemmImpl, k *sgemmConsts) (flags int, ok bool) {
	if impl.kernelEp == nil {
		return 0, false
	}
	if !tb.first {
		flags |= kfLoad
	}
	ep := tb.ep
	if !tb.last || ep == nil {
		return flags, true
	}
	if ep.ColBias != nil {
		return 0, false
	}
	if ep.RowBias != nil {
		flags |= kfBias
	}
	switch ep.Act {
	case ActNone:
	case ActRelu:
		flags |= kfMax
		k.lo = 0
	case ActClip:
		flags |= kfMax | kfMin
		k.lo, k.hi = ep.Min, ep.Max
	case ActHardSwish:
		flags |= kfHswish
		k.sixth, k.half, k.one = 1.0/6, 0.5, 1
	default:
		return 0, false
	}
	if ep.Post {
		flags |= kfPost
		k.postScale, k.postShift = ep.PostScale, ep.PostShift
	}
	return flags, true
}

// sgemmMacro multiplies a packed mc×kc A block by a packed kc×nc B panel
// into the block of c at (tb.i0, tb.j0), a micro-tile at a time, adding to
// C or overwriting it (tb.first) and running the epilogue on the last k
// block. Full tiles go straight to the micro-kernel; edge tiles through
// the zero-padded mr×nr scratch tile.
func sgemmMacro(impl *sgemmImpl, mc, nc, kc int, pa, pb []float32, bufs *sgemmBufs, c []float32, ldc int, tb *sgemmTileBlock) {
	mr, nr, kernel := impl.mr, impl.nr, impl.kernel
	tile, cst := bufs.t, &bufs.k.zero[0]
	flags, fused := tb.fused(impl, &bufs.k)
	post := tb.last && tb.ep != nil && !fused // epilogue in Go per tile
	var res []float32                         // the first k block starts from the residual
	if tb.first && tb.ep != nil {
		res = tb.ep.Residual
	}
	ebias := tile[mr*nr : mr*nr+mr] // row bias of an edge tile, zero padded
	// Tile order: column strips outer keeps one packed B strip hot for
	// all rows; with a short k block (1x1 convolutions of few channels)
	// the kernel is bound by storing C, and rows outer writes a few rows
	// of C sequentially instead of touching every row per strip.
	nJ, nI := (nc+nr-1)/nr, (mc+mr-1)/mr
	rowsOuter := kc <= 64 && nJ > 1
	for t := 0; t < nJ*nI; t++ {
		ji, ii := t/nI, t%nI
		if rowsOuter {
			ii, ji = t/nJ, t%nJ
		}
		js, is := ji*nr, ii*mr
		cols := min(nr, nc-js)
		bs := pb[js*kc : js*kc+kc*nr]
		{
			rows := min(mr, mc-is)
			as := pa[is*kc : is*kc+kc*mr]
			ci, cj := tb.i0+is, tb.j0+js // tile origin in C
			var bias *float32
			if fused && flags&kfBias != 0 {
				if rows == mr {
					bias = &tb.ep.RowBias[ci]
				} else {
					clear(ebias)
					copy(ebias, tb.ep.RowBias[ci:ci+rows])
					bias = &ebias[0]
				}
			}
			if rows == mr && cols == nr {
				ct := c[ci*ldc+cj : (ci+mr-1)*ldc+cj+nr] // bounds check for the kernel
				switch {
				case res != nil:
					// The product accumulates onto the residual.
					for r := 0; r < mr; r++ {
						copy(ct[r*ldc:r*ldc+nr], res[(ci+r)*ldc+cj:])
					}
					if fused {
						impl.kernelEp(kc, &as[0], &bs[0], &ct[0], ldc, flags|kfLoad, bias, cst)
					} else {
						kernel(kc, &as[0], &bs[0], &ct[0], ldc)
					}
				case fused:
					impl.kernelEp(kc, &as[0], &bs[0], &ct[0], ldc, flags, bias, cst)
				case tb.first:
					for r := 0; r < mr; r++ {
						clear(ct[r*ldc : r*ldc+nr])
					}
					fallthrough
				default:
					kernel(kc, &as[0], &bs[0], &ct[0], ldc)
				}
				if post {
					tb.ep.apply(c, ldc, ci, cj, mr, nr)
				}
				continue
			}
			t := tile[:mr*nr]
			if tb.first {
				clear(t)
				for r := 0; r < rows && res != nil; r++ {
					copy(t[r*nr:r*nr+cols], res[(ci+r)*ldc+cj:])
				}
			} else {
				for r := 0; r < rows; r++ {
					copy(t[r*nr:r*nr+cols], c[(ci+r)*ldc+cj:])
				}
			}
			if fused {
				f := flags
				if res != nil {
					f |= kfLoad
				}
				impl.kernelEp(kc, &as[0], &bs[0], &t[0], nr, f, bias, cst)
			} else {
				kernel(kc, &as[0], &bs[0], &t[0], nr)
			}
			for r := 0; r < rows; r++ {
				copy(c[(ci+r)*ldc+cj:(ci+r)*ldc+cj+cols], t[r*nr:])
			}
			if post {
				tb.ep.apply(c, ldc, ci, cj, rows, cols)
			}
		}
	}
}

// sgemmTileRef defines every fused-epilogue micro-kernel (kernelEp): the
// mr×nr tile t at c becomes A·B (plus c when flags&kfLoad), plus bias[i]
// on row i (kfBias), then max(lo, t) (kfMax), min(hi, t) (kfMin), hard
// swish (kfHswish) and t*ps + pt (kfPost), with the constants of k; a NaN
// element stays NaN. The kernels use fused multiply-adds in the last two
// steps, so they may differ from this reference in the last bit.
func sgemmTileRef(mr, nr, kk int, a, b, c []float32, ldc int, flags int, bias []float32, k *sgemmConsts) {
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var t float32
			if flags&kfLoad != 0 {
				t = c[i*ldc+j]
			}
			for p := 0; p < kk; p++ {
				t += a[p*mr+i] * b[p*nr+j]
			}
			if flags&kfBias != 0 {
				t += bias[i]
			}
			if flags&kfMax != 0 && k.lo > t {
				t = k.lo
			}
			if flags&kfMin != 0 && k.hi < t {
				t = k.hi
			}
			if flags&kfHswish != 0 {
				g := t*k.sixth + k.half
				if !(g > 0) { // NaN gates to 0, as VMAXPS with the zero second
					g = 0
				}
				t *= min(g, k.one)
			}
			if flags&kfPost != 0 {
				t = t*k.postScale + k.postShift
			}
			c[i*ldc+j] = t
		}
	}
}

// sgemmKernelRef defines every micro-kernel: it adds the mr×nr product of
// a packed A strip (k×mr) and a packed B strip (k×nr) into c.
func sgemmKernelRef(mr, nr, k int, a, b, c []float32, ldc int) {
	for p := 0; p < k; p++ {
		for i := 0; i < mr; i++ {
			for j := 0; j < nr; j++ {
				c[i*ldc+j] += a[p*mr+i] * b[p*nr+j]
			}
		}
	}
}

// sgemmKernelGeneric is the generic 4×8 micro-kernel (sgemmKernelRef with
// mr=4, nr=8) in the table's pointer form.
func sgemmKernelGeneric(k int, a, b, c *float32, ldc int) {
	sgemmKernel4x8(k, unsafe.Slice(a, k*4), unsafe.Slice(b, k*8), unsafe.Slice(c, 3*ldc+8), ldc)
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
