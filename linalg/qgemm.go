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
	apack []uint32
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
	// At least ~1M multiply-adds per goroutine.
	if w := q.m * q.n * max(q.k, 1) >> 20; w < threads {
		threads = max(w, 1)
	}
	if threads == 1 {
		q.work(0, q.m, 0, panels)
		return
	}
	var wg sync.WaitGroup
	if mblocks >= 2*threads || mblocks >= panels {
		threads = min(threads, mblocks)
		per := (mblocks + threads - 1) / threads
		for b0 := 0; b0 < mblocks; b0 += per {
			r0, r1 := b0*im.mr, min((b0+per)*im.mr, q.m)
			wg.Add(1)
			go func() { defer wg.Done(); q.work(r0, r1, 0, panels) }()
		}
	} else {
		threads = min(threads, panels)
		per := (panels + threads - 1) / threads
		for p0 := 0; p0 < panels; p0 += per {
			p1 := min(p0+per, panels)
			wg.Add(1)
			go func() { defer wg.Done(); q.work(0, q.m, p0, p1) }()
		}
	}
	wg.Wait()
}

// work computes rows [r0, r1) × panels [p0, p1).
func (q *qgemmCall) work(r0, r1, p0, p1 int) {
	pb, im := q.pb, q.pb.impl
	mr, steps := im.mr, pb.steps
	ws := qgemmPool.Get().(*qgemmWS)
	defer qgemmPool.Put(ws)
	ws.apack = qgrow(ws.apack, max(mr*steps, 1))
	ws.rfix = qgrow(ws.rfix, 2*mr)
	ws.tile = qgrow(ws.tile, mr*qNR)
	chunk := max(1, qChunkBytes/max(steps*128, 1)) // panels per chunk
	chunk = min(chunk, p1-p0)
	requant := q.y != nil
	if requant {
		ws.buf = qgrow(ws.buf, mr*chunk*qNR)
		ws.mulv = qgrow(ws.mulv, chunk*qNR)
		ws.biasv = qgrow(ws.biasv, chunk*qNR)
	}
	halves := qNR / im.nr
	for pc := p0; pc < p1; pc += chunk {
		pe := min(pc+chunk, p1)
		jc, je := pc*qNR, min(pe*qNR, q.n)
		if requant {
			q.fillEpilogue(ws, jc, je)
		}
		for i0 := r0; i0 < r1; i0 += mr {
			rows := min(mr, q.m-i0)
			q.packA(ws, i0, rows)
			for p := pc; p < pe; p++ {
				bp := pb.data[p*steps*128:]
				for h := 0; h < halves; h++ {
					j0 := p*qNR + h*im.nr
					if j0 >= q.n {
						break
					}
					cols := min(im.nr, q.n-j0)
					bptr := (*byte)(nil)
					if steps > 0 {
						bptr = &bp[h*im.nr*4]
					}
					cf := &pb.cfix[p*2*qNR+h*im.nr]
					ap := (*byte)(unsafe.Pointer(&ws.apack[0]))
					switch {
					case requant:
						ld := (pe - pc) * qNR
						im.kern(ap, bptr, steps, &ws.buf[j0-jc], ld, &ws.rfix[0], cf)
					case rows == mr && cols == im.nr:
						im.kern(ap, bptr, steps, &q.c[i0*q.ldc+j0], q.ldc, &ws.rfix[0], cf)
					default:
						im.kern(ap, bptr, steps, &ws.tile[0], im.nr, &ws.rfix[0], cf)
						for i := 0; i < rows; i++ {
							copy(q.c[(i0+i)*q.ldc+j0:(i0+i)*q.ldc+j0+cols], ws.tile[i*im.nr:])
						}
					}
				}
			}
			if requant {
				ld := (pe - pc) * qNR
				for i := 0; i < rows; i++ {
					off := (i0+i)*q.ldy + jc
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

// packA packs rows [i0, i0+rows) of A into ws.apack in the kernel's layout
// (per k step, mr dwords) and fills ws.rfix with each row's fixups:
// rfix[2i] multiplies the column sums, rfix[2i+1] the B zero points.
func (q *qgemmCall) packA(ws *qgemmWS, i0, rows int) {
	im, pb := q.pb.impl, q.pb
	mr, steps, k := im.mr, pb.steps, q.k
	var sx uint32 // A byte → a_u (unsigned) XOR
	if q.aSigned {
		sx = 0x80808080
	}
	var kx uint32 // a_u → kernel's A byte XOR
	if im.aXor {
		kx = 0x80808080
	}
	dst := ws.apack
	for i := 0; i < mr; i++ {
		if i >= rows {
			for s := 0; s < steps; s++ {
				dst[s*mr+i] = 0
			}
			ws.rfix[2*i], ws.rfix[2*i+1] = 0, 0
			continue
		}
		row := q.a[(i0+i)*q.lda : (i0+i)*q.lda+k]
		var rowSum int32
		if im.layout == qLayoutS8x4 {
			full := k / 4
			var acc uint32
			for s := 0; s < full; s++ {
				w := binary.LittleEndian.Uint32(row[4*s:]) ^ sx
				dst[s*mr+i] = w ^ kx
				acc += w&0x00ff00ff + (w>>8)&0x00ff00ff
				if s&127 == 127 {
					rowSum += int32(acc&0xffff + acc>>16)
					acc = 0
				}
			}
			rowSum += int32(acc&0xffff + acc>>16)
			if full < steps {
				var w uint32
				for t := 0; t < k-4*full; t++ {
					b := uint32(row[4*full+t]) ^ sx&0xff
					rowSum += int32(b)
					w |= b << (8 * t)
				}
				// Padding k lanes meet zero B bytes: any value works.
				dst[full*mr+i] = w ^ kx
			}
		} else {
			for s := 0; s < steps; s++ {
				b0 := uint32(row[2*s]) ^ sx&0xff
				var b1 uint32
				if 2*s+1 < k {
					b1 = uint32(row[2*s+1]) ^ sx&0xff
				}
				rowSum += int32(b0 + b1)
				dst[s*mr+i] = b0 | b1<<16
			}
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
		// C = D - az·colsum + bz·(K·az - rowsum), D = Σ a_u·b_s; a kernel
		// on a_u-128 computes D - 128·colsum.
		ws.rfix[2*i] = -az
		if im.aXor {
			ws.rfix[2*i] += 128
		}
		ws.rfix[2*i+1] = 0
		if pb.hasBZ {
			ws.rfix[2*i+1] = int32(k)*az - rowSum
		}
	}
}
