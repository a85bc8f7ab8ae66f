package linalg

import (
	"math"
	"sync"
	"unsafe"
)

// Direct convolution with vectors across output channels (the layout
// MLAS's NCHWc and oneDNN's direct kernels compute in), on the same
// zero-padded phase planes as convIndRun. A tile is p output pixels of one
// output row × nb*16 output channels: each k-step loads nb weight vectors
// (packed k × nb*16, contiguous, so never split across cache lines) and
// broadcasts one input value per pixel, p+nb loads for p*nb FMAs. Tiles
// follow the output rows exactly, so a 7x7 map wastes no lanes (the
// pixel-vector kernel computes 64 positions for its 49), and the last k
// block adds bias and residual, clamps and scatters the tile into NCHW C.

// ciMaxP is the widest pixel tile of the generated kernels (6 pixels × 4
// vectors = 24 accumulators, plus 4 weight and 2 broadcast registers).
const ciMaxP = 6

// Flags of ciKernelRef beyond kfLoad and kfBias.
const (
	ciFinal = 64  // last k block: epilogue, then write C
	ciRes   = 128 // add the residual before the clamps
)

// ciKC is the longest k block: 144 steps of 64 channels' weights are 36
// KiB, which stay in L1 while a row chunk's tiles walk them.
var ciKC = 144

// ciChunk is the number of tiles of a chunk: they share each weight
// block while it is in L1.
var ciChunk = 24

// ciAhead is how many weight blocks ahead the tiles prefetch.
var ciAhead = 2

// ciKernFn is a tile kernel: ciKernelRef with its p and nb fixed, on
// pointers.
type ciKernFn func(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr)

// ciTable holds the tile kernels by [nb-1][p-1].
type ciTable [4][ciMaxP]ciKernFn

// ciKerns is the active table (nil entries: the path is off). The amd64
// init fills it when the CPU has AVX-512.
var ciKerns *ciTable

// ciConsts are the kernels' constants: lane numbers, then the bits of
// the clamps' lo and hi.
type ciConsts struct{ v [18]int32 }

func (c *ciConsts) set(lo, hi float32) {
	for i := range 16 {
		c.v[i] = int32(i)
	}
	c.v[16], c.v[17] = int32(math.Float32bits(lo)), int32(math.Float32bits(hi))
}

// ciKernelRef defines the tile kernels: pixel j, channel o (o < nb*16) of
// the tile is
//
//	t = (acc[j*nb*16+o] if flags&kfLoad else 0) + Σ_s w[s*nb*16+o] * x[offs[s]/4+j]
//
// stored back to acc, or with ciFinal: plus bias[o] (kfBias), plus
// res[o*hw+j] (ciRes), clamped to [lo, hi] of cst (NaN kept), written to
// c[o*hw+j].
func ciKernelRef(p, nb, k int, w, x []float32, offs []int, acc []float32, flags int, c []float32, hw int, bias, res []float32, cst *ciConsts) {
	ciKernelStrideRef(1, p, nb, k, w, x, offs, acc, flags, c, hw, bias, res, cst)
}

// ciKernelStrideRef is ciKernelRef with pixel j's input at
// x[offs[s]/4+stride*j]: the kernels genCiStride makes (stride 2 for the
// stride-2 tiles, 64 for IRBlock's channel-blocked projection).
func ciKernelStrideRef(stride, p, nb, k int, w, x []float32, offs []int, acc []float32, flags int, c []float32, hw int, bias, res []float32, cst *ciConsts) {
	nw := nb * 16
	lo, hi := math.Float32frombits(uint32(cst.v[16])), math.Float32frombits(uint32(cst.v[17]))
	for j := 0; j < p; j++ {
		for o := 0; o < nw; o++ {
			var t float32
			if flags&kfLoad != 0 {
				t = acc[j*nw+o]
			}
			for s := 0; s < k; s++ {
				t += w[s*nw+o] * x[offs[s]/4+stride*j]
			}
			if flags&ciFinal == 0 {
				acc[j*nw+o] = t
				continue
			}
			if flags&kfBias != 0 {
				t += bias[o]
			}
			if flags&ciRes != 0 {
				t += res[o*hw+j]
			}
			if t < lo {
				t = lo
			}
			if t > hi {
				t = hi
			}
			c[o*hw+j] = t
		}
	}
}

// ciPacked is a PackedA repacked for the tile kernels: rows in blocks of
// 64 (the last one 16, 32 or 48), block at row i0 stored k × width at
// data[i0*k:].
type ciPacked struct{ data []float32 }

// ciPack repacks pa (m a multiple of 16), from its source when it is
// lazy (so the SGEMM packing is never made) or from its SGEMM packing.
func ciPack(pa *PackedA) *ciPacked {
	m, k, mr, kcI := pa.m, pa.k, pa.impl.mr, pa.impl.kc
	d := make([]float32, m*k)
	if pa.src != nil {
		for i := 0; i < m; i++ {
			i0 := i / 64 * 64
			nw := min(64, m-i0)
			src := pa.src[i*pa.lda : i*pa.lda+k]
			dst := d[i0*k+i-i0:]
			for p, v := range src {
				dst[p*nw] = v
			}
		}
		return &ciPacked{data: d}
	}
	for pc := 0; pc < k; pc += kcI {
		kc := min(kcI, k-pc)
		blk := pa.data[pc*pa.mpad:]
		for i := 0; i < m; i++ {
			i0 := i / 64 * 64
			nw := min(64, m-i0)
			src := blk[i/mr*kc*mr+i%mr:]
			dst := d[i0*k+pc*nw+i-i0:]
			for p := 0; p < kc; p++ {
				dst[p*nw] = src[p*mr]
			}
		}
	}
	return &ciPacked{data: d}
}

var ciPackMu sync.Mutex

// ciPacked returns pa's repacking, made on first use.
func (pa *PackedA) ciPacked() *ciPacked {
	if p := pa.ci.Load(); p != nil {
		return p
	}
	ciPackMu.Lock()
	defer ciPackMu.Unlock()
	if p := pa.ci.Load(); p != nil {
		return p
	}
	p := ciPack(pa)
	pa.ci.Store(p)
	return p
}

// ciFlags returns the final-block flags computing ep, filling cst, and
// whether the kernels can run ep at all.
func ciFlags(ep *Epilogue, cst *ciConsts) (int, bool) {
	lo, hi, ok := ciClamp(ep)
	if !ok {
		return 0, false
	}
	flags := ciFinal
	if ep != nil && ep.RowBias != nil {
		flags |= kfBias
	}
	if ep != nil && ep.Residual != nil {
		flags |= ciRes
	}
	cst.set(lo, hi)
	return flags, true
}

// ciClamp returns the clamp bounds of ep's activation (none, Relu or
// Clip; ±Inf for a nil ep), false when the tile kernels cannot apply ep:
// another activation, a column bias or a Post map.
func ciClamp(ep *Epilogue) (lo, hi float32, ok bool) {
	lo, hi = float32(math.Inf(-1)), float32(math.Inf(1))
	if ep == nil {
		return lo, hi, true
	}
	if ep.Post || ep.ColBias != nil {
		return 0, 0, false
	}
	switch ep.Act {
	case ActNone:
	case ActRelu:
		lo = 0
	case ActClip:
		lo, hi = ep.Min, ep.Max
	default:
		return 0, 0, false
	}
	return lo, hi, true
}

// ciGetScratch takes a worker's tile scratch from ciScratchPool.
func ciGetScratch() *ciScratch {
	if s, _ := ciScratchPool.Get().(*ciScratch); s != nil {
		return s
	}
	return &ciScratch{}
}

// ciUsable reports whether convIndRun can hand a convolution to ciRun.
func ciUsable(tab *ciTable, m int, ep *Epilogue) bool {
	var cst ciConsts
	_, ok := ciFlags(ep, &cst)
	// A 16-channel block (nb 1: one weight load per pixel broadcast) is
	// load-bound and slower than the pixel-vector kernel.
	return tab != nil && !ciOff && m%16 == 0 && m%64 != 16 && ok
}

// ciOff disables the path (tests and benchmarks compare).
var ciOff bool

// ciTile is one tile: p pixels from output position dst, whose input
// starts at q[qoff].
type ciTile struct{ qoff, dst, p int }

// ciScratch is one worker's buffers, recycled.
type ciScratch struct {
	tiles []ciTile
	acc   []float32
	cst   ciConsts
}

var ciScratchPool sync.Pool

// ciRun computes C = ep(W · Im2col) from the phase planes bufs.q (offsets
// bufs.offs per k-step) with the kernels of tab; cp is W repacked (ciPack).
func ciRun(tab *ciTable, threads int, m, k int, cp *ciPacked, bufs *convIndBufs, geo *convIndGeom, c []float32, ep *Epilogue) {
	q, offs := bufs.q, bufs.offs
	hw := geo.oh * geo.ow
	tpr := (geo.ow + ciMaxP - 1) / ciMaxP // tiles per output row
	rowsPer := max(1, ciChunk/tpr)
	rch := (geo.oh + rowsPer - 1) / rowsPer
	obs := (m + 63) / 64
	items := rch * obs
	if work := m * hw * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	threads = min(threads, items)
	if threads <= 1 {
		// No closure on the serial path: geo stays on the caller's stack.
		ciItems(tab, m, k, cp, q, offs, geo, c, ep, rowsPer, rch, tpr, 0, items)
		return
	}
	bufs.job = r18Job{kind: r18Ci, geo: *geo, q: q, offs: offs, c: c, m: m, k: k, ep: ep, tab: tab, cp: cp,
		rowsPer: rowsPer, rch: rch, tpr: tpr, items: items, n: threads}
	bufs.r18Parallel(threads)
}

// ciItems runs work items [i0, i1) of ciRun: item it is output-channel
// block it/rch and row chunk it%rch.
func ciItems(tab *ciTable, m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, c []float32, ep *Epilogue, rowsPer, rch, tpr, i0, i1 int) {
	s := ciGetScratch()
	defer ciScratchPool.Put(s)
	if n := rowsPer * tpr * ciMaxP * 64; cap(s.acc) < n {
		s.acc = make([]float32, n)
	}
	fl, _ := ciFlags(ep, &s.cst)
	for it := i0; it < i1; it++ {
		ob, rc := it/rch, it%rch
		ciItem(tab, s, fl, m, k, cp, q, offs, geo, c, geo.oh*geo.ow, 0, ep, ob*64, rc*rowsPer, min(geo.oh, (rc+1)*rowsPer), tpr)
	}
}

// ciItem computes output channels oc0..oc0+64 (fewer at the end) of
// output rows oy0..oy1 into c, whose channels are hw apart and whose
// first row is output row row0 (a band of rows: the fused pool's).
func ciItem(tab *ciTable, s *ciScratch, fl, m, k int, cp *ciPacked, q []float32, offs []int, geo *convIndGeom, c []float32, hw, row0 int, ep *Epilogue, oc0, oy0, oy1, tpr int) {
	nw := min(64, m-oc0)
	nb := nw / 16
	s.tiles = s.tiles[:0]
	base, extra := geo.ow/tpr, geo.ow%tpr
	for oy := oy0; oy < oy1; oy++ {
		ox := 0
		for t := 0; t < tpr; t++ {
			p := base
			if t < extra {
				p++
			}
			s.tiles = append(s.tiles, ciTile{qoff: geo.ciQoff(oy, ox), dst: (oy-row0)*geo.ow + ox, p: p})
			ox += p
		}
	}
	var bias *float32
	var res []float32
	if ep != nil {
		if ep.RowBias != nil {
			bias = &ep.RowBias[oc0]
		}
		res = ep.Residual
	}
	cst := &s.cst.v[0]
	w := cp.data[oc0*k : oc0*k+k*nw]
	ct := c[oc0*hw : (oc0+nw-1)*hw+(oy1-row0)*geo.ow]
	// Even k blocks of at most ciKC steps (K=147, the stem, is 74+73,
	// not 144+3).
	kb := (k + ciKC - 1) / ciKC
	if k <= ciKC+ciKC/8 {
		kb = 1 // the stem's 147 steps: one pass, no accumulator round trip (38 KiB of weights)
	}
	kcb := (k + kb - 1) / kb
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		flags := 0
		if pc > 0 {
			flags = kfLoad
		}
		if pc+kc == k {
			flags |= fl
		}
		// The tiles share out prefetching the weights ciAhead blocks on
		// (memory order: this channel block's later k blocks, then the
		// next channel block's).
		pfAt := min(len(cp.data)-1, oc0*k+(pc+ciAhead*kcb)*nw)
		pfBase := uintptr(unsafe.Pointer(&cp.data[pfAt]))
		pfLen := uintptr(4 * kcb * nw)
		pfShare := uintptr(kcb * 32) // bytes each tile prefetches (a line per 2 k-steps)
		wb := &w[pc*nw]
		for ti, t := range s.tiles {
			var rp *float32
			if res != nil {
				rp = &res[oc0*hw+t.dst]
			}
			pf := pfBase + uintptr(ti)*pfShare%pfLen
			tab[nb-1][t.p-1](kc, wb, &q[t.qoff], &offs[pc], &s.acc[ti*ciMaxP*64], flags, &ct[t.dst], hw, bias, rp, cst, pf)
		}
	}
}
