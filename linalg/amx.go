// AMX-INT8 path of the integer convolution (see q8_conv.go): on CPUs with
// AMX tiles, TDPBSSD multiplies a 16×64 s8 weight tile by a 64×16 s8
// activation tile (16 k steps of the 32-column VNNI panel the packer
// already builds, 128 bytes apart) into a 16×16 int32 tile, about eight
// times the VNNI throughput. The weights stay row-major (K padded to
// 64-byte chunks with zeros), the activations are packed as for the
// fused path but as s8 (x - 128 for uint8 x), so with weight zero points
// 0 only a per-row constant corrects the sums and the output stays
// channel-major like the VNNI path's.

package linalg

import (
	"sync"
	"unsafe"
)

// amxMR is the row block of the AMX kernel (two 16-row tiles).
const amxMR = 32

// amxSeg is one run of a panel's columns stored by the AMX kernel:
// columns set in mask go to the row's base + off + column.
type amxSeg struct {
	off  int
	mask uint32
	_    uint32
}

// amxMaxSeg bounds the segments of one kernel call.
const amxMaxSeg = 6

var (
	// amxConvFn computes, for each of npanels B panels (bstride bytes
	// apart), mblocks 32×32 tiles: for row r and column j
	//	acc := Σ_c Σ_{i<64} int8(a[r·lda+64c+i]) · int8(b[2048c+128(i/4)+4j+i%4]) + rowc[r]
	//	v := requant(acc, mult[r]) (finite multipliers)
	// and for rows r < rows and each of the panel's nseg[p] (1 to
	// amxMaxSeg) segments s (segs[amxMaxSeg·p+s]) whose mask has bit j:
	// y[r·ldy + off + j] = v (int8 with signed). tile is 2048 int32 of
	// scratch, cfg the tile configuration.
	amxConvFn func(a *byte, lda int, b *byte, chunks int, y *byte, ldy int, rowc *int32, mult *float32, mblocks int, zp int32, lo, hi float32, tile *int32, cfg *byte, segs *amxSeg, nseg *int, rows int, npanels int, bstride int, signed bool)
	// amxPermFn asks the OS for the tile state (nil: no AMX).
	amxPermFn func() bool
	// amxMode: 0 uses AMX when the CPU and OS allow it, 1 always (the Go
	// twin stands in without hardware), 2 never. For tests.
	amxMode = 0

	amxOnce sync.Once
	amxOK   bool
	// amxCfg is the tile configuration: palette 1, tiles 0-7 of 16 rows
	// × 64 bytes.
	amxCfg = func() (c [64]byte) {
		c[0] = 1
		for i := 0; i < 8; i++ {
			c[16+2*i] = 64
			c[48+i] = 16
		}
		return c
	}()
)

// amxReady reports whether the AMX kernel can run, asking the OS for
// the tile state once per process.
func amxReady() bool {
	amxOnce.Do(func() {
		amxOK = amxConvFn != nil && amxPermFn != nil && amxPermFn()
	})
	return amxOK
}

// amxUse reports whether m×k weights packed now take the AMX path.
// With few taps, few rows or little work per pixel the VNNI kernel is
// as fast or faster: the tile path's fixed costs per panel and block
// (tile configuration, the tile store before requantization, rows
// padded to 32) outweigh its multiply throughput (measured on the 1×1
// and 3×3 layers of MobileNetV2, ResNet18 and PP-OCR det).
func amxUse(m, k int) bool {
	switch amxMode {
	case 1:
		return true
	case 2:
		return false
	}
	return m >= amxMinM && k >= amxMinK && m*k >= amxMinMK && amxReady()
}

// Shape thresholds of the AMX path (see amxUse).
const (
	amxMinM  = 16
	amxMinK  = 48
	amxMinMK = 4096
)

// amxKernGeneric is the Go twin of amxConvFn for rows rows (y0: the
// index of the kernel's y), with qrequantRowGeneric's NaN handling (any
// multiplier).
func amxKernGeneric(a []byte, lda int, b []byte, chunks int, y []byte, y0, ldy int, rowc []int32, mult []float32, rows int, zp int32, lo, hi float32, signed bool, segs []amxSeg) {
	var row [qNR]byte
	for r := 0; r < rows; r++ {
		var acc [qNR]int32
		ar := a[r*lda : r*lda+64*chunks]
		for c := 0; c < chunks; c++ {
			for i := 0; i < 64; i++ {
				av := int32(int8(ar[64*c+i]))
				if av == 0 {
					continue
				}
				bk := b[2048*c+128*(i/4)+i%4:]
				for j := 0; j < qNR; j++ {
					acc[j] += av * int32(int8(bk[4*j]))
				}
			}
		}
		for j := range acc {
			acc[j] += rowc[r]
		}
		q8RequantGeneric(row[:], 0, acc[:], 1, mult[r:r+1], zp, lo, hi, signed)
		for _, sg := range segs {
			for j := 0; j < qNR; j++ {
				if sg.mask>>j&1 != 0 {
					y[y0+r*ldy+sg.off+j] = row[j]
				}
			}
		}
	}
}

// amxSegments sets the segments of the virtual pixels [q0, qe) of a
// panel (runs of valid output pixels); false if they need more than
// amxMaxSeg.
func (job *Q8ConvJob) amxSegments(segs *[amxMaxSeg]amxSeg, q0, qe int) (int, bool) {
	g := &job.g
	n := 0
	for q := q0; q < qe; {
		oh, ow := q/job.wq, q%job.wq
		if ow >= g.OW {
			q += job.wq - ow
			continue
		}
		k := min(g.OW-ow, qe-q)
		if n == amxMaxSeg {
			return 0, false
		}
		so := q - q0
		segs[n] = amxSeg{off: oh*g.OW + ow - so, mask: uint32((uint64(1)<<k - 1) << so)}
		n++
		q += k
	}
	return n, true
}

// amxChunkB bounds the packed B panels one AMX call sweeps (L2).
const amxChunkB = 192 << 10

// amxPanels computes row blocks [b0, b1) of panels [pc, pe) whose packed
// B panels are nb bytes apart in bps, storing straight into the output
// planes: runs of panels go to one kernel call (one tile configuration);
// a panel with too many pixel runs goes through the stage. last is the
// goroutine's last panel.
func (job *Q8ConvJob) amxPanels(ws *q8WS, bps []byte, nb, pc, pe, b0, b1, last int) {
	pw := job.w
	g := &job.g
	P := g.OH * g.OW
	pv := g.OH * job.wq
	r0 := b0 * amxMR
	rows := min(b1*amxMR, pw.M) - r0
	if rows <= 0 {
		return
	}
	np := pe - pc
	ws.amxSegs = qgrow(ws.amxSegs, np*amxMaxSeg)
	ws.amxN = qgrow(ws.amxN, np)
	start := pc
	flush := func(end int) {
		if end > start {
			i := start - pc
			job.amxCall(ws, bps[i*nb:], nb, end-start, b0, b1-b0, job.y, r0*P, P, rows, ws.amxSegs[i*amxMaxSeg:], ws.amxN[i:])
		}
	}
	for p := pc; p < pe; p++ {
		q0 := p * qNR
		qe := min(q0+qNR, pv)
		i := p - pc
		n, ok := job.amxSegments((*[amxMaxSeg]amxSeg)(ws.amxSegs[i*amxMaxSeg:]), q0, qe)
		ws.amxN[i] = n
		if ok && n > 0 {
			continue
		}
		flush(p)
		start = p + 1
		if !ok {
			one := [amxMaxSeg]amxSeg{{mask: ^uint32(0)}}
			n1 := [1]int{1}
			job.amxCall(ws, bps[i*nb:], nb, 1, b0, b1-b0, ws.stage, r0*qNR, qNR, rows, one[:], n1[:])
			job.scatter(ws.stage, q0, qe, p == last, r0, r0+rows)
		}
	}
	flush(pe)
}

// amxCall runs the kernel (or its twin) on npanels panels × nb row
// blocks from b0.
func (job *Q8ConvJob) amxCall(ws *q8WS, bp []byte, bstride, npanels, b0, nb int, y []byte, y0, ldy, rows int, segs []amxSeg, nseg []int) {
	pw := job.w
	r0 := b0 * amxMR
	rowc := job.rfix[r0:pw.rows]
	mult := unsafe.Slice((*float32)(unsafe.Pointer(&job.rfix[pw.rows+r0])), pw.rows-r0)
	if job.finite && amxConvFn != nil && q8UseAsm && amxReady() {
		_ = segs[npanels*amxMaxSeg-1]
		_ = nseg[npanels-1]
		amxConvFn(&pw.data[r0*pw.stride], pw.stride, &bp[0], pw.chunks, &y[y0], ldy, &rowc[0], &mult[0], nb,
			job.yZP, job.ylo, job.yhi, &ws.tile[0], &amxCfg[0], &segs[0], &nseg[0], rows, npanels, bstride, job.ySigned)
		return
	}
	for i := 0; i < npanels; i++ {
		amxKernGeneric(pw.data[r0*pw.stride:], pw.stride, bp[i*bstride:], pw.chunks, y, y0, ldy, rowc, mult, rows,
			job.yZP, job.ylo, job.yhi, job.ySigned, segs[i*amxMaxSeg:i*amxMaxSeg+nseg[i]])
	}
}
