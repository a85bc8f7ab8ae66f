// Fast 8-bit integer GEMM: B packed once (QPackB), then QGemm (int32 out)
// or QGemmRequant (8-bit out). QGemmRef and RequantRef define the results.

package linalg

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// QPackedB is a K×N 8-bit matrix B packed for the integer GEMM kernels,
// with its zero points and column sums. Build it once per weight with
// QPackB or QPackBTrans; it is read-only afterwards and safe for concurrent
// use. It records the micro-kernel chosen when it was packed.
type QPackedB struct {
	K, N   int
	signed bool // B was int8
	impl   *qgemmImpl
	steps  int    // packed k steps per panel
	data   []byte // panels × steps × 128 bytes, 64-byte aligned
	// cfix holds per panel qNR column sums of the shifted B (b_s = b, or
	// b-128 for uint8 B) then qNR shifted zero points (bz - 128 for uint8).
	cfix  []int32
	hasBZ bool // some shifted zero point is non-zero: A row sums needed
}

// QPackB packs B (row-major k×n, leading dimension ldb) with zero points
// bZP (0 values: none, 1: per tensor, n: per column).
func QPackB[TB QInt](k, n int, b []TB, ldb int, bZP []int32) *QPackedB {
	if k > 0 && n > 0 && (ldb < n || len(b) < (k-1)*ldb+n) {
		panic(fmt.Sprintf("linalg: QPackB B has %d values, ldb %d, want %d×%d", len(b), ldb, k, n))
	}
	return qpackB(k, n, qbytes(b), ldb, 1, isSigned[TB](), bZP)
}

// QPackBTrans packs B given as its transpose: bt is row-major n×k with
// leading dimension ldb (B[k][j] = bt[j*ldb+k]), e.g. a [out, in] weight.
func QPackBTrans[TB QInt](k, n int, bt []TB, ldb int, bZP []int32) *QPackedB {
	if k > 0 && n > 0 && (ldb < k || len(bt) < (n-1)*ldb+k) {
		panic(fmt.Sprintf("linalg: QPackBTrans B has %d values, ldb %d, want %d×%d", len(bt), ldb, n, k))
	}
	return qpackB(k, n, qbytes(bt), 1, ldb, isSigned[TB](), bZP)
}

func isSigned[T QInt]() bool { lo, _ := QRange[T](); return lo < 0 }

// qpackB packs element (kk, j) = src[kk*sk + j*sj].
func qpackB(k, n int, src []byte, sk, sj int, signed bool, bZP []int32) *QPackedB {
	if k < 0 || n < 0 || (len(bZP) > 1 && len(bZP) < n) {
		panic(fmt.Sprintf("linalg: QPackB k=%d n=%d with %d zero points", k, n, len(bZP)))
	}
	im := qkern.gemm
	per := 4 // k per step
	if im.layout == qLayoutI16x2 {
		per = 2
	}
	steps := (k + per - 1) / per
	panels := (n + qNR - 1) / qNR
	pb := &QPackedB{K: k, N: n, signed: signed, impl: im, steps: steps}
	raw := make([]byte, panels*steps*128+64)
	off := int((64 - uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%64) % 64)
	pb.data = raw[off : off+panels*steps*128]
	pb.cfix = make([]int32, panels*2*qNR)
	var shift int32 // b_s = b - shift
	if !signed {
		shift = 128
	}
	for j := 0; j < n; j++ {
		p, jj := j/qNR, j%qNR
		panel := pb.data[p*steps*128:]
		var sum int32
		for kk := 0; kk < k; kk++ {
			v := int32(src[kk*sk+j*sj])
			if signed {
				v = int32(int8(v))
			}
			v -= shift
			sum += v
			s, t := kk/per, kk%per
			if per == 4 {
				panel[s*128+jj*4+t] = byte(int8(v))
			} else {
				binary.LittleEndian.PutUint16(panel[s*128+jj*4+2*t:], uint16(int16(v)))
			}
		}
		var z int32
		switch len(bZP) {
		case 0:
		case 1:
			z = bZP[0]
		default:
			z = bZP[j]
		}
		z -= shift
		pb.cfix[p*2*qNR+jj] = sum
		pb.cfix[p*2*qNR+qNR+jj] = z
		if z != 0 {
			pb.hasBZ = true
		}
	}
	return pb
}

// Kernel returns the name of the micro-kernel B was packed for.
func (pb *QPackedB) Kernel() string { return pb.impl.name }

// QGemm computes the zero-point corrected product of A (m×k, row-major,
// leading dimension lda, uint8 or int8) and a packed B:
//
//	C[i*ldc+j] = Σ_k (A[i][k] - aZP[i]) * (B[k][j] - bZP[j])
//
// exactly like QGemmRef (int32, wrapping). aZP holds 0, 1 or m values.
// threads goroutines share the output tiles (<= 0: GOMAXPROCS); each
// kernel call covers one tile, so long products stay preemptible.
func QGemm[TA QInt](threads, m, n, k int, a []TA, lda int, aZP []int32, pb *QPackedB, c []int32, ldc int) {
	qgemmCheck(m, n, k, len(a), lda, len(aZP), pb)
	if m == 0 || n == 0 {
		return
	}
	if ldc < n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("linalg: QGemm C has %d values, ldc %d, want %d×%d", len(c), ldc, m, n))
	}
	q := qgemmCall{m: m, n: n, k: k, a: qbytes(a), lda: lda, aSigned: isSigned[TA](), aZP: aZP, pb: pb, c: c, ldc: ldc}
	q.run(threads)
}

// QGemmRequant computes the product like QGemm, then requantizes it to
// 8 bits like RequantRef (float32 multiply, round half to even, saturate):
//
//	acc := Σ_k (A[i][k] - aZP[i]) * (B[k][j] - bZP[j]) + bias[j]
//	Y[i*ldy+j] = saturate(roundHalfEven(float32(acc) * mult[j]) + yZP)
//
// bias (int32, n values) may be nil; mult holds 1 (per tensor) or n (per
// output column) values, e.g. aScale*bScale[j]/yScale.
func QGemmRequant[TA, TY QInt](threads, m, n, k int, a []TA, lda int, aZP []int32, pb *QPackedB, bias []int32, mult []float32, yZP int32, y []TY, ldy int) {
	qgemmCheck(m, n, k, len(a), lda, len(aZP), pb)
	if m == 0 || n == 0 {
		return
	}
	switch {
	case ldy < n || len(y) < (m-1)*ldy+n:
		panic(fmt.Sprintf("linalg: QGemmRequant Y has %d values, ldy %d, want %d×%d", len(y), ldy, m, n))
	case bias != nil && len(bias) < n:
		panic(fmt.Sprintf("linalg: QGemmRequant has %d bias values, want %d", len(bias), n))
	case len(mult) != 1 && len(mult) < n:
		panic(fmt.Sprintf("linalg: QGemmRequant has %d multipliers, want 1 or %d", len(mult), n))
	}
	lo, hi := QRange[TY]()
	q := qgemmCall{m: m, n: n, k: k, a: qbytes(a), lda: lda, aSigned: isSigned[TA](), aZP: aZP, pb: pb,
		y: qbytes(y), ldy: ldy, ySigned: lo < 0, bias: bias, mult: mult, yZP: yZP,
		ylo: float32(lo - yZP), yhi: float32(hi - yZP)}
	q.run(threads)
}

func qgemmCheck(m, n, k, la, lda, naz int, pb *QPackedB) {
	switch {
	case pb == nil || pb.K != k || pb.N != n:
		panic(fmt.Sprintf("linalg: QGemm %d×%d×%d with a packed B that does not match", m, n, k))
	case m < 0:
		panic("linalg: QGemm negative m")
	case m > 0 && k > 0 && (lda < k || la < (m-1)*lda+k):
		panic(fmt.Sprintf("linalg: QGemm A has %d values, lda %d, want %d×%d", la, lda, m, k))
	case naz > 1 && naz < m:
		panic(fmt.Sprintf("linalg: QGemm has %d A zero points, want 1 or %d", naz, m))
	}
}

// qgemmCall is one QGemm / QGemmRequant invocation.
type qgemmCall struct {
	m, n, k int
	a       []byte
	lda     int
	aSigned bool
	aZP     []int32
	pb      *QPackedB
	// int32 output
	c   []int32
	ldc int
	// 8-bit output
	y        []byte
	ldy      int
	ySigned  bool
	bias     []int32
	mult     []float32
	yZP      int32
	ylo, yhi float32
}

// qgemmWS is one goroutine's scratch space.
type qgemmWS struct {
	apack []byte
	rfix  []int32
	tile  []int32
	buf   []int32
	mulv  []float32
	biasv []int32
}

var qgemmPool = sync.Pool{New: func() any { return new(qgemmWS) }}

func qgrow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// qChunkBytes bounds the packed B bytes one column chunk keeps hot (L2).
const qChunkBytes = 512 << 10

func (q *qgemmCall) run(threads int) {
	im := q.pb.impl
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	panels := (q.n + qNR - 1) / qNR
	mblocks := (q.m + im.mr - 1) / im.mr
	// At least ~1M multiply-adds per goroutine, counting whole row blocks:
	// the kernel computes mr rows even for a single-row product (a
	// classifier's GEMV), which costs about as much as mr rows.
	if w := mblocks * im.mr * q.n * max(q.k, 1) >> 20; w < threads {
		threads = max(w, 1)
	}
	if threads == 1 {
		q.work(0, q.m, 0, panels)
		return
	}
	sp := qgemmSplits.Get().(*qgemmSplit)
	defer qgemmSplits.Put(sp)
	sp.q = *q // the chunks share this pooled copy: q stays on the caller's stack
	sp.panels = panels
	if mblocks >= 2*threads || mblocks >= panels {
		threads = min(threads, mblocks)
		sp.per = (mblocks + threads - 1) / threads
		parallel((mblocks+sp.per-1)/sp.per, sp.rows)
	} else {
		threads = min(threads, panels)
		sp.per = (panels + threads - 1) / threads
		parallel((panels+sp.per-1)/sp.per, sp.cols)
	}
	sp.q = qgemmCall{} // drop the operands
}

// qgemmSplit is one multi-threaded qgemmCall: a copy of the call and its
// chunk size, with the chunk functions bound once (a closure or method
// value made per call would be heap-allocated).
type qgemmSplit struct {
	q          qgemmCall
	per        int
	panels     int
	rows, cols func(i int)
}

var qgemmSplits = sync.Pool{New: func() any {
	sp := new(qgemmSplit)
	sp.rows, sp.cols = sp.runRows, sp.runCols
	return sp
}}

// runRows computes row-block chunk i over every panel.
func (sp *qgemmSplit) runRows(i int) {
	mr := sp.q.pb.impl.mr
	b0 := i * sp.per
	sp.q.work(b0*mr, min((b0+sp.per)*mr, sp.q.m), 0, sp.panels)
}

// runCols computes panel chunk i over every row.
func (sp *qgemmSplit) runCols(i int) {
	sp.q.work(0, sp.q.m, i*sp.per, min((i+1)*sp.per, sp.panels))
}

// qMCBytes bounds the packed A of one row group (kept in L2 while the B
// panels of a chunk stream through L1).
const qMCBytes = 128 << 10

// work computes rows [r0, r1) × panels [p0, p1); r0 is a multiple of mr.
// Loops: column chunks (packed B in L2) › row groups (A in L2) › panels (B
// panel in L1) › one kernel call over the group's row blocks.
func (q *qgemmCall) work(r0, r1, p0, p1 int) {
	pb, im := q.pb, q.pb.impl
	mr, nr, steps := im.mr, im.nr, pb.steps
	ws := qgemmPool.Get().(*qgemmWS)
	defer qgemmPool.Put(ws)
	stride := steps * 4 // bytes per packed A row
	gb := max(1, qMCBytes/max(mr*stride, 1))
	gb = min(gb, (r1-r0+mr-1)/mr)
	chunk := max(1, qChunkBytes/max(steps*128, 1)) // panels per chunk
	requant := q.y != nil
	if requant {
		chunk = min(chunk, 8)
	}
	chunk = min(chunk, p1-p0)
	// A is read in place when its bytes are already what the kernel wants
	// and whole 4-byte steps fit in each row; otherwise rows are packed.
	direct := im.layout == qLayoutS8x4 && q.aSigned == im.aXor && q.k > 0 && q.k%4 == 0
	ws.apack = qgrow(ws.apack, max(gb*mr*stride, 1))
	ws.rfix = qgrow(ws.rfix, gb*2*mr)
	ws.tile = qgrow(ws.tile, gb*mr*nr)
	if requant {
		ws.buf = qgrow(ws.buf, gb*mr*chunk*qNR)
		ws.mulv = qgrow(ws.mulv, chunk*qNR)
		ws.biasv = qgrow(ws.biasv, chunk*qNR)
	}
	halves := qNR / nr
	for pc := p0; pc < p1; pc += chunk {
		pe := min(pc+chunk, p1)
		jc, je := pc*qNR, min(pe*qNR, q.n)
		ld := (pe - pc) * qNR // requant buffer row length
		if requant {
			q.fillEpilogue(ws, jc, je)
		}
		for g0 := r0; g0 < r1; g0 += gb * mr {
			rows := min(gb*mr, r1-g0)
			nblk, full := (rows+mr-1)/mr, rows/mr
			flags := q.rowFix(ws.rfix, g0, rows, nblk*mr)
			// ap/lda: the full blocks; tp: the last partial block, packed.
			var ap, tp *byte
			lda := stride
			switch {
			case direct && full > 0:
				ap, lda = &q.a[g0*q.lda], q.lda
				if full < nblk {
					q.packA(ws.apack, stride, g0+full*mr, rows-full*mr)
					tp = &ws.apack[0]
				}
			default:
				q.packA(ws.apack, stride, g0, rows)
				ap = &ws.apack[0]
				if full < nblk {
					tp = &ws.apack[full*mr*stride]
				}
			}
			for p := pc; p < pe; p++ {
				bp := pb.data[p*steps*128:]
				for h := 0; h < halves; h++ {
					j0 := p*qNR + h*nr
					if j0 >= q.n {
						break
					}
					cols := min(nr, q.n-j0)
					var bptr *byte
					if steps > 0 {
						bptr = &bp[h*nr*4]
					}
					cf := &pb.cfix[p*2*qNR+h*nr]
					switch {
					case requant:
						if full > 0 {
							im.kern(ap, lda, bptr, steps, &ws.buf[j0-jc], ld, &ws.rfix[0], cf, full, flags)
						}
						if full < nblk {
							q8tTailKern(im, rows-full*mr, tp, stride, bptr, steps, &ws.buf[full*mr*ld+j0-jc], ld, &ws.rfix[full*2*mr], cf, 1, flags)
						}
					case cols == nr:
						if full > 0 {
							im.kern(ap, lda, bptr, steps, &q.c[g0*q.ldc+j0], q.ldc, &ws.rfix[0], cf, full, flags)
						}
						if full < nblk {
							q8tTailKern(im, rows-full*mr, tp, stride, bptr, steps, &ws.tile[0], nr, &ws.rfix[full*2*mr], cf, 1, flags)
							for i := full * mr; i < rows; i++ {
								copy(q.c[(g0+i)*q.ldc+j0:(g0+i)*q.ldc+j0+cols], ws.tile[(i-full*mr)*nr:])
							}
						}
					default:
						if full > 0 {
							im.kern(ap, lda, bptr, steps, &ws.tile[0], nr, &ws.rfix[0], cf, full, flags)
						}
						if full < nblk {
							q8tTailKern(im, rows-full*mr, tp, stride, bptr, steps, &ws.tile[full*mr*nr], nr, &ws.rfix[full*2*mr], cf, 1, flags)
						}
						for i := 0; i < rows; i++ {
							copy(q.c[(g0+i)*q.ldc+j0:(g0+i)*q.ldc+j0+cols], ws.tile[i*nr:])
						}
					}
				}
			}
			if requant {
				for i := 0; i < rows; i++ {
					off := (g0+i)*q.ldy + jc
					q.requantRow(q.y[off:off+je-jc], ws.buf[i*ld:i*ld+je-jc], ws)
				}
			}
		}
	}
}

// fillEpilogue expands the multipliers and bias of columns [jc, je).
func (q *qgemmCall) fillEpilogue(ws *qgemmWS, jc, je int) {
	mv, bv := ws.mulv[:je-jc], ws.biasv[:je-jc]
	if len(q.mult) == 1 {
		for j := range mv {
			mv[j] = q.mult[0]
		}
	} else {
		copy(mv, q.mult[jc:je])
	}
	if q.bias == nil {
		clear(bv)
	} else {
		copy(bv, q.bias[jc:je])
	}
}

func (q *qgemmCall) requantRow(dst []byte, acc []int32, ws *qgemmWS) {
	rq := qkern.requant
	n := len(acc)
	done := 0
	if rq.fn != nil && n >= rq.step {
		done = n / rq.step * rq.step
		rq.fn(&dst[0], &acc[0], &ws.biasv[0], &ws.mulv[0], done, q.yZP, q.ylo, q.yhi, q.ySigned)
	}
	if done < n {
		qrequantRowGeneric(dst[done:n], acc[done:n], ws.biasv[done:n], ws.mulv[done:n], q.yZP, q.ylo, q.yhi, q.ySigned)
	}
}

// packA writes rows [i0, i0+rows) of A, rounded up to a whole block with
// zero rows, into dst (stride bytes per row) as the kernel wants them:
// bytes a_u (^0x80 for aXor kernels) for qLayoutS8x4, int16 pairs of a_u
// for qLayoutI16x2, zero-padded to whole steps (padding meets zero B).
func (q *qgemmCall) packA(dst []byte, stride, i0, rows int) {
	im := q.pb.impl
	k := q.k
	var x byte // source byte → kernel byte
	if q.aSigned != im.aXor {
		x = 0x80
	}
	var sx uint16 // source byte → a_u
	if q.aSigned {
		sx = 0x80
	}
	nrows := (rows + im.mr - 1) / im.mr * im.mr
	for i := 0; i < nrows; i++ {
		d := dst[i*stride : (i+1)*stride]
		if i >= rows {
			clear(d)
			continue
		}
		src := q.a[(i0+i)*q.lda : (i0+i)*q.lda+k]
		if im.layout == qLayoutS8x4 {
			n := copy(d, src)
			if x != 0 {
				qxorBytes(d[:n], x)
			}
			clear(d[n:])
		} else {
			for t, v := range src {
				binary.LittleEndian.PutUint16(d[2*t:], uint16(v)^sx)
			}
			clear(d[2*k:])
		}
	}
}

// qxorBytes XORs every byte of d with x, 8 bytes at a time.
func qxorBytes(d []byte, x byte) {
	x8 := uint64(x) * 0x0101010101010101
	n := len(d) &^ 7
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(d[i:], binary.LittleEndian.Uint64(d[i:])^x8)
	}
	for i := n; i < len(d); i++ {
		d[i] ^= x
	}
}

// qrowSum returns Σ (b ^ x) over the bytes of row, 8 at a time (SWAR).
func qrowSum(row []byte, x byte) int32 {
	x8 := uint64(x) * 0x0101010101010101
	const m = 0x00ff00ff00ff00ff
	var sum uint64
	n := len(row) &^ 7
	for i0 := 0; i0 < n; i0 += 8 * 128 {
		var acc uint64 // 4 lanes of 16 bits, each gains <= 510 per word
		for i := i0; i < min(i0+8*128, n); i += 8 {
			w := binary.LittleEndian.Uint64(row[i:]) ^ x8
			acc += w&m + (w>>8)&m
		}
		sum += acc&0xffff + acc>>16&0xffff + acc>>32&0xffff + acc>>48
	}
	for _, b := range row[n:] {
		sum += uint64(b ^ x)
	}
	return int32(sum)
}

// rowFix fills rfix for rows [i0, i0+rows) (zero up to nrows) and returns
// the kernel flags: rfix[2i] multiplies the column sums, rfix[2i+1] the B
// zero points. With D = Σ a_u·b_s:
//
//	C = D - az·colsum + bz·(K·az - rowsum(a_u))
//
// and a kernel on a_u-128 (aXor) computes D - 128·colsum.
func (q *qgemmCall) rowFix(rfix []int32, i0, rows, nrows int) (flags int) {
	im, pb := q.pb.impl, q.pb
	var sx byte
	if q.aSigned {
		sx = 0x80
	}
	for i := 0; i < nrows; i++ {
		if i >= rows {
			rfix[2*i], rfix[2*i+1] = 0, 0
			continue
		}
		var az int32
		switch len(q.aZP) {
		case 0:
		case 1:
			az = q.aZP[0]
		default:
			az = q.aZP[i0+i]
		}
		if q.aSigned {
			az += 128
		}
		rfix[2*i] = -az
		if im.aXor {
			rfix[2*i] += 128
		}
		if rfix[2*i] != 0 {
			flags |= 1
		}
		rfix[2*i+1] = 0
		if pb.hasBZ {
			row := q.a[(i0+i)*q.lda : (i0+i)*q.lda+q.k]
			rfix[2*i+1] = int32(q.k)*az - qrowSum(row, sx)
			flags |= 2
		}
	}
	return flags
}
