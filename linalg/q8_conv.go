// Integer convolution on NCHW planes as an implicit GEMM:
//
//	Y[m][p] = requant(Σ_k (W[m][k] - wZP[m]) · (X_k[p] - xZP) + bias[m])
//
// with k = (c, kh, kw) and p an output pixel. The weights are the A operand
// of the integer GEMM micro-kernels (packed once, Q8PackConvWeights); the
// activations are B, packed 32 output pixels (one panel) at a time straight
// from the image, so the output comes out channel-major with no transposes.
//
// To make every B row a contiguous run of bytes, pixels are numbered on a
// "virtual" grid OH × Wq with Wq >= OW: pixel q = oh·Wq + ow reads, for the
// tap (c, kh, kw), byte koff[k] + q of a source image. With stride 1 and no
// padding the source is X itself (Wq = W); otherwise it is X padded with the
// zero point and split into its stride phases (pixel (s·i + py, s·j + px)
// of the padded image goes to phase (py, px) at (i, j)), which turns any
// stride and dilation into unit-stride runs. Columns ow >= OW are computed
// and dropped.
//
// Sums: the kernel multiplies a = w + sa (u8, or s8 for aXor kernels, or
// int16) by b = x - sb (s8), so with α = sa + wZP and β = xZP - sb
//
//	Σ (w - wZP)(x - xZP) = Σ a·b - α·Σ_k b - β·Σ_k a + K·α·β
//
// The column sums Σ_k b come from the packer, the rest is per row: both go
// through the kernel's rfix/cfix fixups (cfix[32+j] = 1 carries the row
// constant, bias included), so the kernel's int32 tile is exactly the
// biased accumulator QGemmRef + bias gives (wrapping), then requantized like
// RequantRef.
//
// Fused path: for int8 weights with zero points 0 (what static
// quantization produces) and AVX-512 VNNI, the weights stay raw s8 and
// are broadcast while the raw u8 activations are the vector operand, so
// no column sums are needed (the row constant bias - xZP·Σw seeds the
// accumulators) and q8KernVNNI512 requantizes its tile in registers,
// storing bytes straight into the output.
//
// AMX path (amx.go): with AMX-INT8 tiles (CPUID and the OS's permission)
// and large enough M, K, the same fused setup runs on amxConvFn instead:
// weights row-major in 64-byte k chunks, activations packed as s8, 32×32
// blocks of TDPBSSD tiles requantized in registers and stored straight
// into the output planes.
//
// Use: Q8PackConvWeights once; per call Q8ConvPrepare, Fill over
// [0, Channels()) and Run over [0, Panels()) (both splittable across
// goroutines; or RunBlocks over [0, Blocks()) for few panels), then
// Release.

package linalg

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// Q8ConvWeights are the weights of one convolution group (M output
// channels × K = C·KH·KW taps, row-major like ONNX's [M, C, KH, KW]) packed
// for the integer micro-kernel in use when they were packed. Read-only
// after packing; safe for concurrent use.
type Q8ConvWeights struct {
	M, K   int
	impl   *qgemmImpl
	steps  int    // packed k steps
	stride int    // bytes per packed row
	rows   int    // M rounded up to the kernel's mr
	data   []byte // rows × stride, 64-byte aligned
	alpha  []int32
	rsum   []int32
	// fused: data holds the raw int8 weights for q8FusedFn (rsum their
	// row sums), block-interleaved (see q8KernFusedGeneric); see
	// q8FusedMode.
	fused bool
	// amx: (with fused) data holds the raw int8 weights row-major, K
	// padded with zeros to chunks of 64 bytes (stride = 64·chunks), rows
	// to amxMR, for amxConvFn.
	amx    bool
	chunks int
	// dw: depthwise weights from Q8PackDepthwise (the other fields but
	// M, K unused).
	dw *q8tDWPack
}

// amxImpl describes the AMX kernel's layout for the shared code.
var amxImpl = &qgemmImpl{name: "amx", layout: qLayoutS8x4, mr: amxMR, nr: qNR}

// bBytes is the size of one packed B panel: the AMX kernel reads whole
// 16-step chunks (steps past the packed ones meet zero weights).
func (pw *Q8ConvWeights) bBytes() int {
	if pw.amx {
		return max(pw.steps, 16*pw.chunks) * 128
	}
	return pw.steps * 128
}

// q8FusedImpl describes the fused kernel's layout for the shared code.
var q8FusedImpl = &qgemmImpl{name: "fused-requant", layout: qLayoutS8x4, mr: q8FusedMR, nr: qNR}

// Q8PackConvWeights packs m rows of k weights (row r at w[r*k:]) with their
// zero points wZP (0 values: none, 1: per tensor, m: per row).
func Q8PackConvWeights[TW QInt](m, k int, w []TW, wZP []int32) *Q8ConvWeights {
	if m < 0 || k < 0 || len(w) < m*k || (len(wZP) > 1 && len(wZP) < m) {
		panic(fmt.Sprintf("linalg: Q8PackConvWeights %d×%d with %d weights and %d zero points", m, k, len(w), len(wZP)))
	}
	im := qkern.gemm
	signed := isSigned[TW]()
	fused := signed && (q8FusedMode == 1 || q8FusedMode == 0 && q8FusedFn != nil)
	for _, z := range wZP {
		fused = fused && z == 0
	}
	useAMX := fused && k > 0 && amxUse(m, k)
	if fused {
		im = q8FusedImpl
	}
	if useAMX {
		im = amxImpl
	}
	per := 4
	if im.layout == qLayoutI16x2 {
		per = 2
	}
	steps := (k + per - 1) / per
	rows := (m + im.mr - 1) / im.mr * im.mr
	pw := &Q8ConvWeights{M: m, K: k, impl: im, fused: fused, steps: steps, stride: steps * 4, rows: rows,
		alpha: make([]int32, rows), rsum: make([]int32, rows), amx: useAMX}
	if useAMX {
		pw.chunks = (k + 63) / 64
		pw.stride = 64 * pw.chunks
	}
	raw := make([]byte, rows*pw.stride+64)
	off := int((64 - uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%64) % 64)
	pw.data = raw[off : off+rows*pw.stride]
	// sa: a = w + sa must fit the kernel's A type.
	var sa int32
	switch {
	case im.layout == qLayoutI16x2:
	case im.aXor && !signed:
		sa = -128
	case !im.aXor && signed && !fused:
		sa = 128
	}
	wb := qbytes(w)
	for r := 0; r < m; r++ {
		row := pw.data[r*pw.stride : (r+1)*pw.stride]
		var sum int32
		for kk := 0; kk < k; kk++ {
			v := int32(wb[r*k+kk])
			if signed {
				v = int32(int8(v))
			}
			v += sa
			sum += v
			switch {
			case useAMX:
				row[kk] = byte(v)
			case fused:
				// Block-interleaved: per 8-row block, per k step, the 4
				// bytes of each row in turn (one 32-byte line per step).
				blk, i := r/q8FusedMR, r%q8FusedMR
				pw.data[blk*q8FusedMR*pw.stride+kk/4*32+i*4+kk%4] = byte(v)
			case per == 4:
				row[kk] = byte(v)
			default:
				row[2*kk] = byte(v)
				row[2*kk+1] = byte(v >> 8)
			}
		}
		var z int32
		switch len(wZP) {
		case 0:
		case 1:
			z = wZP[0]
		default:
			z = wZP[r]
		}
		pw.alpha[r] = sa + z
		pw.rsum[r] = sum
	}
	return pw
}

// Kernel returns the name of the micro-kernel the weights were packed for.
func (pw *Q8ConvWeights) Kernel() string { return pw.impl.name }

// Q8ConvGeom is the 2-D geometry of one convolution group: C input
// channels of H×W, a KH×KW kernel with strides, leading pads and
// dilations, and the OH×OW output (as ONNX computes it from the pads).
type Q8ConvGeom struct {
	C, H, W        int
	KH, KW, SH, SW int
	PH, PW, DH, DW int
	OH, OW         int
}

// Q8ConvJob is one image × group of a convolution, prepared by
// Q8ConvPrepare and computed by Run over ranges of panels (32 output pixels
// each), from any number of goroutines. Release returns its buffers.
type Q8ConvJob struct {
	g       Q8ConvGeom
	w       *Q8ConvWeights
	src     []byte
	koff    []int // per packed k row (K rounded up to a step): offset in src
	wq      int   // virtual row width
	panels  int
	xr      byte // source byte ^ xr = b (s8)
	xSigned bool
	rfix    []int32
	mult    []float32
	finite  bool
	y       []byte
	ySigned bool
	yZP     int32
	ylo     float32
	yhi     float32
	maxk    int     // largest tap offset
	srcBuf  *[]byte // pooled phase image
	meta    *[]int32
	koffBuf *[]int
	// Phase image filling (Fill): source, pad byte, plane rows, channel
	// stride, used phases; fill is the channel count (0: direct).
	x       []byte
	zp      byte
	hq      int
	cstride int
	phases  [16]int
	nph     int
	fill    int
	tab     []int // tap offsets within a channel
	zrow    int   // offset of the xr run (phase images)
	padK    bool  // koff covers whole steps (assembly packs them all)
}

var (
	q8BytePool  sync.Pool // *[]byte: phase images
	q8Int32Pool sync.Pool // *[]int32: rfix
	q8IntPool   sync.Pool // *[]int: koff
	q8WSPool    = sync.Pool{New: func() any { return new(q8WS) }}
)

// q8WS is one goroutine's scratch: a packed B panel, its fixups, the int32
// tile and the staged 8-bit tile.
type q8WS struct {
	raw   []byte
	bp    []byte
	cfix  [2 * qNR]int32
	tile  []int32
	stage []byte
	// AMX: per panel of a call, its output segments and their count.
	amxSegs []amxSeg
	amxN    []int
}

func q8GetBytes(n int) *[]byte {
	if b, ok := q8BytePool.Get().(*[]byte); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]byte, n)
	return &b
}

func q8GetInt32s(n int) *[]int32 {
	if b, ok := q8Int32Pool.Get().(*[]int32); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]int32, n)
	return &b
}

// Q8ConvPrepare prepares the convolution of one image and group: x holds
// the group's C input planes (C·H·W values, channel-major), y receives its
// M output planes (M·OH·OW values). bias (M values) may be nil; mult holds
// M multipliers (x_scale·w_scale[m]/y_scale). After Fill and Run the
// result matches QGemmRef over the im2col matrix (padding = xZP) plus
// bias, then RequantRef. Strides may make at most 16 phases (SH·SW <= 16).
func Q8ConvPrepare[TX, TY QInt](job *Q8ConvJob, g *Q8ConvGeom, x []TX, xZP int32, pw *Q8ConvWeights, bias []int32, mult []float32, yZP int32, y []TY) {
	if g.C*g.KH*g.KW != pw.K || len(x) < g.C*g.H*g.W || len(y) < pw.M*g.OH*g.OW || len(mult) < pw.M ||
		(bias != nil && len(bias) < pw.M) || g.OH < 0 || g.OW < 0 || g.SH < 1 || g.SW < 1 || g.DH < 1 || g.DW < 1 {
		panic(fmt.Sprintf("linalg: Q8ConvPrepare %+v with %d weights rows of %d, %d x, %d y", *g, pw.M, pw.K, len(x), len(y)))
	}
	lo, hi := QRange[TY]()
	tab := job.tab
	*job = Q8ConvJob{tab: tab[:0], g: *g, w: pw, xSigned: isSigned[TX](), mult: mult[:pw.M], y: qbytes(y),
		ySigned: lo < 0, yZP: yZP, ylo: float32(lo - yZP), yhi: float32(hi - yZP)}
	if !job.xSigned {
		job.xr = 0x80
	}
	job.finite = true
	for _, v := range job.mult {
		if !(v >= -math.MaxFloat32 && v <= math.MaxFloat32) {
			job.finite = false
		}
	}
	// Row fixups: rfix[2r] = -α, rfix[2r+1] = bias - β·Σa + K·α·β.
	var sb int32
	if !job.xSigned {
		sb = 128
	}
	beta := xZP - sb
	job.meta = q8GetInt32s(2 * pw.rows)
	job.rfix = *job.meta
	if pw.fused {
		// rowc = bias - (xZP + sx)·Σw with b = x + sx (sx = 128 for int8
		// x, whose bytes are flipped), in rfix[:rows]; multipliers padded
		// to whole blocks in rfix[rows:] (as float32 bits).
		var sx int32
		if job.xSigned {
			sx = 128
		}
		rowc, mp := job.rfix[:pw.rows], job.rfix[pw.rows:]
		for r := range rowc {
			rowc[r], mp[r] = 0, 0
			if r < pw.M {
				rowc[r] = -(xZP + sx) * pw.rsum[r]
				if pw.amx {
					// b = x - 128 (uint8 x) or x (int8 x): 128 more per w.
					rowc[r] += 128 * pw.rsum[r]
				}
				if bias != nil {
					rowc[r] += bias[r]
				}
				mp[r] = int32(math.Float32bits(mult[r]))
			}
		}
		if !pw.amx {
			job.xr ^= 0x80 // b is the raw byte (uint8 x) or x ^ 0x80 (int8 x)
		}
		job.prepareSource(qbytes(x)[:g.C*g.H*g.W], byte(xZP))
		return
	}
	for r := 0; r < pw.rows; r++ {
		if r >= pw.M {
			job.rfix[2*r], job.rfix[2*r+1] = 0, 0
			continue
		}
		a := pw.alpha[r]
		c := -beta*pw.rsum[r] + int32(pw.K)*a*beta
		if bias != nil {
			c += bias[r]
		}
		job.rfix[2*r], job.rfix[2*r+1] = -a, c
	}
	job.prepareSource(qbytes(x)[:g.C*g.H*g.W], byte(xZP))
}

// prepareSource picks the source image and the tap offsets.
func (job *Q8ConvJob) prepareSource(x []byte, zp byte) {
	g := &job.g
	pw := job.w
	per := 4
	if pw.impl.layout == qLayoutI16x2 {
		per = 2
	}
	kpad := pw.steps * per
	kb, ok := q8IntPool.Get().(*[]int)
	if !ok || cap(*kb) < kpad {
		s := make([]int, kpad)
		kb = &s
	}
	job.koffBuf = kb
	job.koff = (*kb)[:kpad]
	direct := g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 &&
		g.OH <= g.H-(g.KH-1)*g.DH && g.OW <= g.W-(g.KW-1)*g.DW
	ks := g.KH * g.KW
	tab := job.tab[:0]
	var cstride int // koff[c·ks + t] = c·cstride + tab[t]
	if direct {
		job.src = x
		job.wq = g.W
		cstride = g.H * g.W
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				tab = append(tab, kh*g.DH*g.W+kw*g.DW)
			}
		}
	} else {
		// Phase images: Hq × Wq planes per channel and used phase.
		hq := g.OH + g.DH*(g.KH-1)/g.SH
		wq := g.OW + g.DW*(g.KW-1)/g.SW
		job.wq = wq
		plane := hq * wq
		// Phases some tap reads, numbered in order of first use.
		var pbuf, ibuf [16]int
		phases, idx := pbuf[:0], ibuf[:0]
		if g.SH*g.SW > len(ibuf) {
			// More phases than Fill's table: callers use the reference.
			panic(fmt.Sprintf("linalg: Q8ConvPrepare strides %d×%d: at most 16 phases", g.SH, g.SW))
		}
		for range g.SH * g.SW {
			idx = append(idx, -1)
		}
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				ph := (g.DH*kh%g.SH)*g.SW + g.DW*kw%g.SW
				if idx[ph] < 0 {
					idx[ph] = len(phases)
					phases = append(phases, ph)
				}
				tab = append(tab, idx[ph]*plane+g.DH*kh/g.SH*wq+g.DW*kw/g.SW)
			}
		}
		nph := len(phases)
		cstride = nph * plane
		maxt := 0
		for _, o := range tab {
			maxt = max(maxt, o)
		}
		panels := (g.OH*wq + qNR - 1) / qNR
		// Reads reach (C-1)·cstride + maxt + panels·32; after the planes
		// and that slack, a run of bytes equal to xr (b = 0) serves the
		// k rows that pad K to a whole step.
		end := max(g.C*cstride, (g.C-1)*cstride+maxt+panels*qNR)
		job.zrow = end
		n := end + panels*qNR + 64
		job.srcBuf = q8GetBytes(n)
		job.src = *job.srcBuf
		job.x, job.zp, job.hq, job.cstride = x, zp, hq, cstride
		job.nph = copy(job.phases[:], phases)
		job.fill = g.C
		// Slack after the planes is read only by dropped columns.
		clear(job.src[g.C*cstride : end])
		q8Fill(job.src[end:], job.xr)
	}
	job.tab = tab
	for c := 0; c < g.C; c++ {
		ko := job.koff[c*ks : (c+1)*ks]
		for t, o := range tab {
			ko[t] = c*cstride + o
		}
	}
	job.maxk = 0
	if g.C > 0 {
		for _, o := range tab {
			job.maxk = max(job.maxk, (g.C-1)*cstride+o)
		}
	}
	job.panels = (g.OH*job.wq + qNR - 1) / qNR
	// Padded k rows (K to a whole step) read the xr run (phase images) or
	// offset 0 (direct; the generic packer writes zeros for them).
	for k := pw.K; k < kpad; k++ {
		job.koff[k] = 0
		if !direct {
			job.koff[k] = job.zrow
			job.maxk = max(job.maxk, job.zrow)
		}
	}
	job.padK = !direct
}

// Channels reports how many input channels Fill must cover before Run (0
// when the job reads its input in place).
func (job *Q8ConvJob) Channels() int { return job.fill }

// Fill builds the padded phase planes of channels [c0, c1); Run needs all
// of them. Disjoint ranges may run concurrently.
func (job *Q8ConvJob) Fill(c0, c1 int) {
	g := &job.g
	wq := job.wq
	plane := job.hq * wq
	for c := c0; c < c1; c++ {
		for pi, ph := range job.phases[:job.nph] {
			py, px := ph/g.SW, ph%g.SW
			dst := job.src[c*job.cstride+pi*plane : c*job.cstride+(pi+1)*plane]
			q8PhasePlane(dst, job.x[c*g.H*g.W:], g, job.hq, wq, py, px, job.zp)
		}
	}
}

// q8PhasePlane fills dst (hq × wq) with phase (py, px) of the zero-padded
// plane at the start of x (which may run on into later planes):
// dst[i][j] = X[sh·i + py - ph][sw·j + px - pw], zp outside.
// q8MaskPool recycles q8PhasePlane's row-tail masks.
var q8MaskPool = sync.Pool{New: func() any { return new([4]uint64) }}

func q8PhasePlane(dst, x []byte, g *Q8ConvGeom, hq, wq, py, px int, zp byte) {
	// Columns j0 <= j < j1 are inside the image.
	j0 := max(0, (g.PW-px+g.SW-1)/g.SW)
	j1 := 0
	if last := g.W - 1 + g.PW - px; last >= 0 {
		j1 = min(wq, last/g.SW+1)
	}
	j1 = max(j1, j0)
	// Rows i0 <= i < i1 are inside the image.
	i0 := max(0, (g.PH-py+g.SH-1)/g.SH)
	i1 := 0
	if last := g.H - 1 + g.PH - py; last >= 0 {
		i1 = min(hq, last/g.SH+1)
	}
	i1 = max(i1, i0)
	if q8PadFn != nil && q8UseAsm && g.SW <= 2 {
		n := j1 - j0
		if n <= 0 {
			i1 = i0
		}
		var src *byte
		if i1 > i0 {
			src = &x[(g.SH*i0+py-g.PH)*g.W+g.SW*j0+px-g.PW]
		} else {
			src = &dst[0] // not read
		}
		// The kernel is called through a function variable, so the
		// compiler must assume it keeps its pointer arguments: masks come
		// from a pool rather than the stack, which would move to the heap.
		masks := q8MaskPool.Get().(*[4]uint64)
		defer q8MaskPool.Put(masks)
		*masks = [4]uint64{}
		masks[0] = q8Mask(wq % 64)
		if g.SW == 1 {
			masks[1] = q8Mask(n % 64)
		} else if n > 0 {
			t := n - 64*((n-1)/64)
			masks[1] = q8Mask(t)
			masks[2] = q8Mask(min(2*t-1, 64))
			masks[3] = q8Mask(max(2*t-1-64, 0))
		}
		q8PadFn(&dst[0], hq, wq, src, g.SH*g.W, i0, i1, j0, n, g.SW, zp, &masks[0])
		return
	}
	// Rows in order, each inside part before its borders: q8Even may
	// write past a row's inside part into later bytes of the plane, which
	// are written afterwards.
	q8Fill(dst[:i0*wq], zp)
	n := j1 - j0
	for i := i0; i < i1; i++ {
		row := dst[i*wq : (i+1)*wq]
		if n > 0 {
			ih := g.SH*i + py - g.PH
			iw0 := g.SW*j0 + px - g.PW
			xrow := x[ih*g.W+iw0:]
			switch g.SW {
			case 1:
				copy(row[j0:j1], xrow)
			case 2:
				q8Even(dst[i*wq+j0:], n, xrow)
			default:
				for j := j0; j < j1; j++ {
					row[j] = xrow[(j-j0)*g.SW]
				}
			}
		}
		for j := range j0 {
			row[j] = zp
		}
		for j := j1; j < wq; j++ {
			row[j] = zp
		}
	}
	q8Fill(dst[i1*wq:hq*wq], zp)
}

// q8Mask is a mask of the n (<= 64) low bits.
func q8Mask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return uint64(1)<<n - 1
}

// q8Even sets d[j] = s[2j] for j < n. The vector loop reads 64 source
// bytes per 32 outputs and writes whole 32-byte blocks while d (which may
// extend past n) and s have room; the rest goes byte by byte.
func q8Even(d []byte, n int, s []byte) {
	done := 0
	if q8EvenFn != nil && q8UseAsm {
		nv := min((n+31)/32*32, len(d)/32*32, len(s)/64*32)
		if nv > 0 {
			q8EvenFn(&d[0], &s[0], nv)
			done = min(nv, n)
		}
	}
	if done < n {
		d = d[:n]
		s = s[:2*n-1]
		for j := done; j < n; j++ {
			d[j] = s[2*j]
		}
	}
}

// q8Fill sets d to v: a few bytes, then doubling copies.
func q8Fill(d []byte, v byte) {
	if len(d) == 0 {
		return
	}
	if v == 0 {
		clear(d)
		return
	}
	n := min(len(d), 16)
	for i := range n {
		d[i] = v
	}
	for n < len(d) {
		n += copy(d[n:], d[:n])
	}
}

// Panels reports the number of 32-pixel panels of the job.
func (job *Q8ConvJob) Panels() int { return job.panels }

// Work estimates the multiply-adds of one panel (for splitting).
func (job *Q8ConvJob) Work() int { return job.w.rows * job.w.steps * 4 * qNR }

// Release returns the job's pooled buffers; the job must not run after.
func (job *Q8ConvJob) Release() {
	if job.srcBuf != nil {
		q8BytePool.Put(job.srcBuf)
		job.srcBuf = nil
	}
	if job.meta != nil {
		q8Int32Pool.Put(job.meta)
		job.meta = nil
	}
	if job.koffBuf != nil {
		q8IntPool.Put(job.koffBuf)
		job.koffBuf = nil
	}
	job.src, job.rfix, job.koff = nil, nil, nil
}

// Run computes panels [p0, p1).
func (job *Q8ConvJob) Run(p0, p1 int) {
	pw := job.w
	im := pw.impl
	if pw.M == 0 || p0 >= p1 {
		return
	}
	ws := q8WSPool.Get().(*q8WS)
	defer q8WSPool.Put(ws)
	nb := pw.steps * 128
	if cap(ws.raw) < nb+64 {
		ws.raw = make([]byte, nb+64)
	}
	off := int((64 - uintptr(unsafe.Pointer(unsafe.SliceData(ws.raw)))%64) % 64)
	ws.bp = ws.raw[off : off+nb]
	ws.tile = qgrow(ws.tile, max(pw.rows, 2*amxMR)*qNR)
	ws.stage = qgrow(ws.stage, pw.rows*qNR+qNR)
	for j := qNR; j < 2*qNR; j++ {
		ws.cfix[j] = 1
	}
	g := &job.g
	P := g.OH * g.OW
	pv := g.OH * job.wq
	mblocks := pw.rows / im.mr
	if pw.fused {
		job.runFused(ws, p0, p1, 0, mblocks)
		return
	}
	for p := p0; p < p1; p++ {
		q0 := p * qNR
		job.pack(ws, ws.bp, q0)
		var bptr, aptr *byte
		if pw.steps > 0 {
			bptr, aptr = &ws.bp[0], &pw.data[0]
		}
		for h := 0; h < qNR/im.nr; h++ {
			var bh *byte
			if bptr != nil {
				bh = &ws.bp[h*im.nr*4]
			}
			im.kern(aptr, pw.stride, bh, pw.steps, &ws.tile[h*im.nr], qNR, &job.rfix[0], &ws.cfix[h*im.nr], mblocks, 3)
		}
		// Output segments: runs of valid pixels in this panel.
		qe := min(q0+qNR, pv)
		if job.wq == g.OW && qe-q0 == qNR {
			job.requant(job.y[q0:], P, ws.tile, pw.M)
			continue
		}
		job.requant(ws.stage, qNR, ws.tile, pw.M)
		job.scatter(ws.stage, q0, qe, p == p1-1, 0, pw.M)
	}
}

// Blocks reports how many row blocks RunBlocks splits (0: the job runs
// by panels only).
func (job *Q8ConvJob) Blocks() int {
	if !job.w.fused || job.w.M == 0 {
		return 0
	}
	return job.w.rows / job.w.impl.mr
}

// RunBlocks computes row blocks [b0, b1) of every panel: for jobs with
// few panels and many output channels, so that each goroutine streams
// only its rows' weights. Disjoint ranges may run concurrently (not
// together with Run).
func (job *Q8ConvJob) RunBlocks(b0, b1 int) {
	if b0 >= b1 || job.Blocks() == 0 {
		return
	}
	ws := q8WSPool.Get().(*q8WS)
	defer q8WSPool.Put(ws)
	pw := job.w
	ws.tile = qgrow(ws.tile, max(pw.rows, 2*amxMR)*qNR)
	ws.stage = qgrow(ws.stage, pw.rows*qNR+qNR)
	job.runFused(ws, 0, job.panels, b0, b1)
}

// runFused computes row blocks [blo, bhi) of panels [p0, p1) with the
// fused kernel.
func (job *Q8ConvJob) runFused(ws *q8WS, p0, p1, blo, bhi int) {
	pw := job.w
	g := &job.g
	P := g.OH * g.OW
	pv := g.OH * job.wq
	rowc := job.rfix[:pw.rows]
	mult := unsafe.Slice((*float32)(unsafe.Pointer(&job.rfix[pw.rows])), pw.rows)
	mr := pw.impl.mr
	full := pw.M / mr
	nblk := bhi - blo
	asm := job.finite && q8FusedFn != nil && q8UseAsm && pw.steps > 0
	nb := pw.bBytes()
	// Weights that do not stay in L2 are streamed once per chunk of
	// panels instead of once per panel: a chunk's B panels are packed
	// first (L2), then each group of row blocks (L1) meets all of them.
	chunk, gb := 1, nblk
	if pw.rows*pw.stride > q8BigA {
		chunk = max(1, min(p1-p0, q8ChunkB/max(nb, 1)))
		gb = max(1, q8GroupA/(mr*pw.stride))
	} else if pw.amx {
		chunk = max(1, min(p1-p0, amxChunkB/max(nb, 1)))
	}
	if cap(ws.raw) < chunk*nb+64 {
		ws.raw = make([]byte, chunk*nb+64)
	}
	off := int((64 - uintptr(unsafe.Pointer(unsafe.SliceData(ws.raw)))%64) % 64)
	bps := ws.raw[off : off+chunk*nb]
	kern := func(bp []byte, blk0, n int, y []byte, ldy int) {
		r0 := blk0 * mr
		if asm {
			q8FusedFn(&pw.data[r0*pw.stride], pw.stride, &bp[0], pw.steps, &y[0], ldy, &rowc[r0], &mult[r0], n, job.yZP, job.ylo, job.yhi)
			return
		}
		q8KernFusedGeneric(pw.data[r0*pw.stride:], pw.stride, bp, pw.steps, y, ldy, rowc[r0:], mult[r0:], n*q8FusedMR, job.yZP, job.ylo, job.yhi, job.ySigned)
	}
	for pc := p0; pc < p1; pc += chunk {
		pe := min(pc+chunk, p1)
		for p := pc; p < pe; p++ {
			job.pack(ws, bps[(p-pc)*nb:(p-pc+1)*nb], p*qNR)
		}
		for b0 := blo; b0 < bhi; b0 += gb {
			b1 := min(b0+gb, bhi)
			if pw.amx {
				job.amxPanels(ws, bps, nb, pc, pe, b0, b1, p1-1)
				continue
			}
			for p := pc; p < pe; p++ {
				bp := bps[(p-pc)*nb : (p-pc+1)*nb]
				q0 := p * qNR
				qe := min(q0+qNR, pv)
				if job.wq == g.OW && qe-q0 == qNR {
					if fb := min(b1, full); fb > b0 {
						kern(bp, b0, fb-b0, job.y[b0*mr*P+q0:], P)
					}
					if full < b1 && full >= b0 && full*mr < pw.M {
						kern(bp, full, 1, ws.stage, qNR)
						for r := full * mr; r < pw.M; r++ {
							copy(job.y[r*P+q0:r*P+q0+qNR], ws.stage[(r-full*mr)*qNR:])
						}
					}
					continue
				}
				r0 := b0 * mr
				kern(bp, b0, b1-b0, ws.stage[r0*qNR:], qNR)
				job.scatter(ws.stage, q0, qe, p == p1-1, r0, min(b1*mr, pw.M))
			}
		}
	}
}

// Chunking thresholds of runFused: packed weights above q8BigA bytes are
// streamed per chunk of up to q8ChunkB bytes of B panels, q8GroupA bytes
// of weights at a time. Variables for tests.
var (
	q8BigA   = 256 << 10
	q8ChunkB = 512 << 10
	q8GroupA = 32 << 10
)

// scatter copies the valid pixels of the staged panel [q0, qe) (rows of
// 32 bytes) to the output planes. Unless exact, a segment is stored as
// all 32 bytes: the extra bytes land on later pixels of the same plane
// that this goroutine writes afterwards (later segments of this panel or
// the next panel), so the caller must pass exact for the last panel of a
// range and when a segment could run past the plane.
func (job *Q8ConvJob) scatter(stage []byte, q0, qe int, exact bool, r0, r1 int) {
	g := &job.g
	P := g.OH * g.OW
	for q := q0; q < qe; {
		oh, ow := q/job.wq, q%job.wq
		if ow >= g.OW {
			q += job.wq - ow
			continue
		}
		n := min(g.OW-ow, qe-q)
		yo, so := oh*g.OW+ow, q-q0
		if !exact && yo+qNR <= P {
			// 32 bytes from the segment start (stage has 32 bytes of
			// slack past its last row).
			for r := r0; r < r1; r++ {
				*(*[qNR]byte)(job.y[r*P+yo:]) = *(*[qNR]byte)(stage[r*qNR+so:])
			}
		} else {
			for r := r0; r < r1; r++ {
				copy(job.y[r*P+yo:r*P+yo+n], stage[r*qNR+so:])
			}
		}
		q += n
	}
}

// requant converts rows×32 tile values into dst (rows ldy bytes apart).
func (job *Q8ConvJob) requant(dst []byte, ldy int, tile []int32, rows int) {
	if job.finite && q8RequantFn != nil && q8UseAsm {
		q8RequantFn(&dst[0], ldy, &tile[0], rows, &job.mult[0], job.yZP, job.ylo, job.yhi, job.ySigned)
		return
	}
	q8RequantGeneric(dst, ldy, tile, rows, job.mult, job.yZP, job.ylo, job.yhi, job.ySigned)
}

// q8RequantGeneric is the plain Go tile requantizer and the meaning of the
// assembly ones: qrequantRowGeneric on each row of 32 with mult[r].
func q8RequantGeneric(dst []byte, ldy int, tile []int32, rows int, mult []float32, zp int32, lo, hi float32, signed bool) {
	for r := 0; r < rows; r++ {
		acc := tile[r*qNR : (r+1)*qNR]
		d := dst[r*ldy:]
		m := mult[r]
		for j, v := range acc {
			f := float32(v) * m
			var q int32
			if f == f {
				f = min(max(f, lo), hi)
				q = int32(math.RoundToEven(float64(f))) + zp
			}
			if j < len(d) {
				if signed {
					d[j] = byte(int8(q))
				} else {
					d[j] = byte(q)
				}
			}
		}
	}
}

// pack writes the B panel of virtual pixels [q0, q0+32) into bp and
// its column sums into ws.cfix[:32].
func (job *Q8ConvJob) pack(ws *q8WS, bp []byte, q0 int) {
	pw := job.w
	full := pw.K / 4
	if job.padK {
		full = pw.steps
	}
	if pw.impl.layout != qLayoutS8x4 || !q8UseAsm {
		full = 0
	}
	// The assembly packers read 32 bytes per k row, so only steps whose
	// rows all lie inside src; offsets grow with k, so those are a prefix
	// (only the last panels of a job read in place lose a few steps).
	if full > 0 && job.maxk+q0+qNR > len(job.src) {
		for full > 0 && job.koff[4*full-1]+q0+qNR > len(job.src) {
			full--
		}
	}
	switch {
	case pw.fused:
		if full > 0 && q8InterleaveFn != nil {
			q8InterleaveFn(&bp[0], &job.src[q0], &job.koff[0], full, job.xr)
		} else {
			full = 0
		}
	case full > 0 && q8PackFn != nil:
		q8PackFn(&bp[0], &job.src[q0], &job.koff[0], full, &ws.cfix[0], job.xr)
	default:
		full = 0
		clear(ws.cfix[:qNR])
	}
	job.packGeneric(ws, bp, q0, full)
}

// packGeneric packs k steps from step s0 on (bytes past src read as 0;
// they only reach dropped columns) and adds their column sums.
func (job *Q8ConvJob) packGeneric(ws *q8WS, bp []byte, q0, s0 int) {
	pw := job.w
	K := pw.K
	i16 := pw.impl.layout == qLayoutI16x2
	per := 4
	if i16 {
		per = 2
	}
	for s := s0; s < pw.steps; s++ {
		d := bp[s*128 : (s+1)*128]
		for t := 0; t < per; t++ {
			k := s*per + t
			for j := 0; j < qNR; j++ {
				var b int32
				if k < K {
					o := job.koff[k] + q0 + j
					if o < len(job.src) {
						b = int32(int8(job.src[o] ^ job.xr))
					}
					ws.cfix[j] += b
				}
				if i16 {
					d[4*j+2*t] = byte(b)
					d[4*j+2*t+1] = byte(b >> 8)
				} else {
					d[4*j+t] = byte(b)
				}
			}
		}
	}
}

// Assembly entry points (nil when absent) and a switch for tests.
var (
	// q8PackFn packs steps full k steps of a panel (layout qLayoutS8x4):
	// for step s, t < 4, column j < 32: dst[128s+4j+t] = src[koff[4s+t]+j]^xr;
	// cs[j] = Σ of the int8 values of column j.
	q8PackFn func(dst, src *byte, koff *int, steps int, cs *int32, xr byte)
	// q8RequantFn is q8RequantGeneric for finite multipliers.
	q8RequantFn func(dst *byte, ldy int, acc *int32, rows int, mult *float32, zp int32, lo, hi float32, signed bool)
	// q8EvenFn sets dst[j] = src[2j] for j < n, n a multiple of 32 (reads
	// 2n bytes).
	q8EvenFn func(dst, src *byte, n int)
	// q8PadFn fills a phase plane (stride 1 or 2 across): see
	// q8PadPlaneAVX512.
	q8PadFn  func(dst *byte, hq, wq int, src *byte, srcStride, i0, i1, j0, n, sw int, zp byte, masks *uint64)
	q8UseAsm = true
)

// The fused path (u8·s8 with weight zero points 0, the usual static
// quantization): A holds the raw int8 weights, B the raw activation bytes
// (^0x80 for int8 activations), so no column sums are needed, and the
// kernel requantizes its tile itself.
var (
	// q8FusedFn computes mblocks 8×32 tiles: for row r and column j
	//	acc := Σ_s Σ_t int8(A[r][4s+t]) · uint8(b[128s+4j+t]) + rowc[r]
	// with A block-interleaved as in q8KernFusedGeneric
	//	y[r·ldy+j] = requant(acc, mult[r]) (finite multipliers)
	q8FusedFn func(a *byte, lda int, b *byte, steps int, y *byte, ldy int, rowc *int32, mult *float32, mblocks int, zp int32, lo, hi float32)
	// q8InterleaveFn is q8PackFn without the column sums.
	q8InterleaveFn func(dst, src *byte, koff *int, steps int, xr byte)
	// q8FusedMode: 0 picks the fused path when q8FusedFn exists, 1 always
	// (the Go twin stands in), 2 never. For tests.
	q8FusedMode = 0
)

// q8FusedMR is the fused kernel's row block.
const q8FusedMR = 8

// q8KernFusedGeneric is the Go twin of q8FusedFn, with qrequantRowGeneric's
// NaN handling (any multiplier). a holds blocks of 8 rows, block-
// interleaved: row r's k = 4s+t at a[(r/8)·8·lda + 32s + 4(r%8) + t]
// (lda = 4·steps).
func q8KernFusedGeneric(a []byte, lda int, b []byte, steps int, y []byte, ldy int, rowc []int32, mult []float32, rows int, zp int32, lo, hi float32, signed bool) {
	for r := 0; r < rows; r++ {
		var acc [qNR]int32
		blk := a[r/q8FusedMR*q8FusedMR*lda:]
		for s := 0; s < steps; s++ {
			bk := b[s*128 : s*128+128]
			ak := blk[32*s+4*(r%q8FusedMR):]
			a0, a1, a2, a3 := int32(int8(ak[0])), int32(int8(ak[1])), int32(int8(ak[2])), int32(int8(ak[3]))
			for j := 0; j < qNR; j++ {
				acc[j] += a0*int32(bk[4*j]) + a1*int32(bk[4*j+1]) + a2*int32(bk[4*j+2]) + a3*int32(bk[4*j+3])
			}
		}
		for j := range acc {
			acc[j] += rowc[r]
		}
		q8RequantGeneric(y[r*ldy:], 0, acc[:], 1, mult[r:r+1], zp, lo, hi, signed)
	}
}
