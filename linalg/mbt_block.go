package linalg

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// IRBlock is one image of an inverted residual block (1x1 expansion E,
// depthwise convolution D, 1x1 projection P) on a small map, run by
// IRBlock.Run split over expansion channels instead of bands of rows.
//
// Bands of rows give each thread a band of a 14x14 or 7x7 map: a third
// more expanded rows recomputed at the band edges, products of 100
// columns or fewer, or (7x7, one band) three fork/joins per block. Here
// one fork runs two phases: each thread claims blocks of 64 (or 32)
// expansion channels and computes their expansion over the whole map
// into a private buffer, then their depthwise output (channels are
// independent, so no halo and no sharing); after every block is done the
// threads claim (projection channel block, pixel range) items. The
// threads wait for each other once, on a counter, and only for blocks
// another running thread has claimed, so a chunk the pool runs late on
// the caller never deadlocks.
type IRBlock struct {
	Threads int
	// E is the m_e×c expansion (nil: none; X is then D's input and the
	// block has c == e), EpE its epilogue (RowBias and Relu or Clip).
	E   *PackedA
	EpE Epilogue
	// X holds c planes of In[0]×In[1] of Geo.
	X []float32
	// Wd holds D's e kernels, Geo its geometry, EpD its epilogue.
	Wd  []float32
	Geo ConvGeom
	EpD Epilogue
	// P is the m×e projection, EpP its epilogue (RowBias, Residual
	// shaped like Y, Relu or Clip).
	P   *PackedA
	EpP Epilogue
	// Y receives m planes of Out[0]×Out[1] of Geo.
	Y []float32
	// Cache keeps the weights repacked for the block's kernels between
	// runs (one per block node; nil: repacked on every run).
	Cache *IRCache
}

// IRCache holds an IRBlock's repacked weights. The zero value is empty;
// it is safe for concurrent runs.
type IRCache struct {
	v atomic.Pointer[mbtCached]
}

// mbtCached is one IRCache entry: the packings and what they were made
// from.
type mbtCached struct {
	pe  *PackedA
	cpE *mbtPacked
	wd  *float32
	e   int
	wdp []float32
}

// packs returns the expansion's and the depthwise weights' packings
// (wdp nil unless dw), made on first use.
func (c *IRCache) packs(pe *PackedA, wd []float32, e int, dw bool) (*mbtPacked, []float32) {
	var old *mbtCached
	if c != nil {
		old = c.v.Load()
		if old != nil && old.pe == pe && old.wd == &wd[0] && old.e == e && (!dw || old.wdp != nil) {
			return old.cpE, old.wdp
		}
	}
	n := &mbtCached{pe: pe, wd: &wd[0], e: e}
	if old != nil && old.pe == pe {
		n.cpE = old.cpE
	} else if pe != nil {
		n.cpE = mbtPack(pe)
	}
	if dw {
		n.wdp = mbtDwPack(wd, e)
	}
	if c != nil {
		c.v.Store(n)
	}
	return n.cpE, n.wdp
}

// mbtScratch is one participant's buffers.
type mbtScratch struct {
	eb    []float32 // one channel block's expanded planes
	pad   [2]mbtPad // the blocked path's expanded block, 32 and 64 wide
	biasE [64]float32
	acc   []float32 // the ci kernels' accumulators
	tiles []ciTile
	epD   Epilogue
	_     [64]byte // no false sharing with the next participant's
}

// mbtJob is one IRBlock.Run: the plan and the work counters.
type mbtJob struct {
	b          *IRBlock
	tab        *ciTable
	cpE        *mbtPacked
	cpP        *ciPacked
	flE, flP   int
	cstE, cstP ciConsts
	offE, offP []int
	d          []float32 // the depthwise output, e planes
	eAll       []float32 // the expansion's output, e planes (pixel-vector tiles)
	// blocked: the channel-blocked path (see phase1Blocked), its
	// padded input geometry, clamps and packed depthwise weights.
	blocked        bool
	ph, pw, pt, pl int
	loHiE, loHiD   [2]float32
	wdp            []float32
	e, m           int
	hw, ohw        int
	n1             int // phase-1 items: expansion channel blocks
	pxc            int // pixel ranges per projection channel block
	n2             int // phase-2 items
	next1          atomic.Int32
	done1          atomic.Int32
	_              [64]byte
	next2          atomic.Int32
	_              [64]byte
	scr            []mbtScratch
	fn             func(i int)
}

var mbtJobs = sync.Pool{New: func() any {
	j := &mbtJob{}
	j.fn = j.work
	return j
}}

// mbtPVMaxK is the deepest expansion run with the pixel-vector tiles.
var mbtPVMaxK = 32

// mbtOff disables IRBlock.Run (tests and benchmarks compare).
var mbtOff bool

// mbtPacked is an expansion's weights for the ci tiles in channel
// blocks of the given widths (each stored k × width at data[start·k:]).
type mbtPacked struct {
	data   []float32
	starts []int // block starts, then m
}

// mbtPartition returns the expansion's channel blocks: 64 wide, with the
// last of an odd count of 64s split in two 32s, so two threads get equal
// shares.
func mbtPartition(m int) []int {
	starts := []int{}
	q, r := m/64, m%64
	n64 := q
	if r == 0 && q%2 == 1 && q > 1 {
		n64 = q - 1
	}
	for i := 0; i < n64; i++ {
		starts = append(starts, i*64)
	}
	for s := n64 * 64; s < m; s += 32 {
		starts = append(starts, s)
	}
	return append(starts, m)
}

// mbtPack returns pa packed for the ci tiles in mbtPartition's blocks.
func mbtPack(pa *PackedA) *mbtPacked {
	cp := pa.ciPacked()
	m, k := pa.m, pa.k
	p := &mbtPacked{data: make([]float32, m*k), starts: mbtPartition(m)}
	for bi := 0; bi+1 < len(p.starts); bi++ {
		s0, s1 := p.starts[bi], p.starts[bi+1]
		nw := s1 - s0
		for i := s0; i < s1; i++ {
			i0 := i / 64 * 64
			cw := min(64, m-i0)
			for q := 0; q < k; q++ {
				p.data[s0*k+q*nw+i-s0] = cp.data[i0*k+q*cw+i-i0]
			}
		}
	}
	return p
}

// Run computes the block, reporting false (nothing done) when it cannot:
// no ci tiles on this CPU, channel counts not multiples of 32, or an
// activation of E or P the tiles do not fuse.
func (b *IRBlock) Run() bool {
	tab := ciKerns
	if tab == nil || mbtOff || b.P == nil {
		return false
	}
	e, m := b.P.k, b.P.m
	if m%32 != 0 || e%32 != 0 || (b.E != nil && b.E.m != e) {
		return false
	}
	j := mbtJobs.Get().(*mbtJob)
	defer mbtJobs.Put(j)
	var ok bool
	if j.flP, ok = ciFlags(&b.EpP, &j.cstP); !ok {
		return false
	}
	if b.E != nil {
		if j.flE, ok = ciFlags(&b.EpE, &j.cstE); !ok {
			return false
		}
	}
	g := &b.Geo
	j.b, j.tab, j.e, j.m = b, tab, e, m
	j.hw, j.ohw = g.In[0]*g.In[1], g.Out[0]*g.Out[1]
	j.cpP = b.P.ciPacked()
	j.offP = mbtOffs(j.offP, e, j.ohw)
	j.blocked = b.E != nil && mbtBlockedOK(b, &j.loHiE, &j.loHiD)
	j.cpE, j.wdp = nil, nil
	if b.E != nil {
		j.cpE, j.wdp = b.Cache.packs(b.E, b.Wd, e, j.blocked)
		j.offE = mbtOffs(j.offE, b.E.k, j.hw)
		j.n1 = len(j.cpE.starts) - 1
	} else {
		j.n1 = (e + 63) / 64
	}
	if j.blocked {
		j.pt, j.pl = g.PadBegin[0], g.PadBegin[1]
		j.ph = max(j.pt+g.In[0], (g.Out[0]-1)*g.Stride[0]+3)
		j.pw = max(j.pl+g.In[1], (g.Out[1]-1)*g.Stride[1]+3)
		for s := range j.offP {
			j.offP[s] = 4 * (s/64*j.ohw*64 + s%64)
		}
	}
	// No more participants than expansion blocks: one without a block
	// would only wait at the counter.
	threads := max(1, min(b.Threads, j.n1))
	j.pxc = 1
	if threads > 1 {
		// Enough pixel ranges that every thread gets projection items
		// of about equal size (ranges of at least two tiles).
		j.pxc = max(1, min(threads, j.ohw/(2*ciMaxP)))
	}
	j.n2 = (m + 63) / 64 * j.pxc
	if b.E != nil && b.E.k <= mbtPVMaxK && !j.blocked {
		if cap(j.eAll) < e*j.hw {
			j.eAll = make([]float32, e*j.hw)
		}
		j.eAll = j.eAll[:e*j.hw]
	}
	nd := (e + 63) / 64 * 64 * j.ohw
	if cap(j.d) < nd {
		j.d = make([]float32, nd)
	}
	j.d = j.d[:nd]
	if cap(j.scr) < threads {
		j.scr = make([]mbtScratch, threads)
	}
	j.scr = j.scr[:threads]
	j.next1.Store(0)
	j.done1.Store(0)
	j.next2.Store(0)
	if threads == 1 {
		j.work(0)
	} else {
		parallel(threads, j.fn)
	}
	j.b = nil
	return true
}

// mbtOffs returns k byte offsets of planes of n floats, in buf.
func mbtOffs(buf []int, k, n int) []int {
	if cap(buf) < k {
		buf = make([]int, k)
	}
	buf = buf[:k]
	for s := range buf {
		buf[s] = 4 * s * n
	}
	return buf
}

// work is participant i's share: phase-1 blocks until none are left, a
// wait for the ones other threads still run, then phase-2 items.
func (j *mbtJob) work(i int) {
	s := &j.scr[i]
	if n := ciChunk * ciMaxP * 64; cap(s.acc) < n {
		s.acc = make([]float32, n)
	}
	n1 := int32(j.n1)
	for {
		it := j.next1.Add(1) - 1
		if it >= n1 {
			break
		}
		j.phase1(s, int(it))
		j.done1.Add(1)
	}
	for spins := 0; j.done1.Load() < n1; spins++ {
		if spins > 16 {
			runtime.Gosched()
		}
	}
	n2 := int32(j.n2)
	for {
		it := j.next2.Add(1) - 1
		if it >= n2 {
			break
		}
		ob, pc := int(it)/j.pxc, int(it)%j.pxc
		p0, p1 := pc*j.ohw/j.pxc, (pc+1)*j.ohw/j.pxc
		oc0 := ob * 64
		nw := min(64, j.m-oc0)
		b := j.b
		var bias *float32
		if b.EpP.RowBias != nil {
			bias = &b.EpP.RowBias[oc0]
		}
		var res []float32
		if b.EpP.Residual != nil {
			res = b.EpP.Residual[oc0*j.ohw:]
		}
		mbtTiles(j.tab, s, j.flP, &j.cstP, j.e, nw, j.cpP.data[oc0*j.e:oc0*j.e+j.e*nw], b.Y[oc0*j.ohw:], res, j.ohw, bias, j.d, j.offP, p0, p1, j.blocked)
	}
}

// phase1 runs expansion channel block it and its depthwise convolution.
func (j *mbtJob) phase1(s *mbtScratch, it int) {
	if j.blocked {
		j.phase1Blocked(s, it)
		return
	}
	b := j.b
	g := &b.Geo
	kk := g.Kernel[0] * g.Kernel[1]
	var c0, c1 int
	var src []float32
	if j.cpE != nil {
		c0, c1 = j.cpE.starts[it], j.cpE.starts[it+1]
		nw := c1 - c0
		if b.E.k <= mbtPVMaxK && b.E.impl.kernelInd != nil {
			// A short expansion: the pixel-vector tiles, whose
			// epilogue stores rows of C as they are; the ci tiles'
			// transposing epilogue costs as much as 32 k-steps.
			nr := b.E.impl.nr
			mbDirect(b.E, j.hw, b.X, j.hw, j.eAll, j.hw, &b.EpE, 0, (j.hw+nr-1)/nr, c0, c1)
			src = j.eAll[c0*j.hw : c1*j.hw]
			goto dw
		}
		if cap(s.eb) < nw*j.hw {
			s.eb = make([]float32, 64*j.hw)
		}
		src = s.eb[:nw*j.hw]
		var bias *float32
		if b.EpE.RowBias != nil {
			bias = &b.EpE.RowBias[c0]
		}
		k := b.E.k
		mbtTiles(j.tab, s, j.flE, &j.cstE, k, nw, j.cpE.data[c0*k:c1*k], src, nil, j.hw, bias, b.X, j.offE, 0, j.hw, false)
	} else {
		c0, c1 = it*64, min(j.e, (it+1)*64)
		src = b.X[c0*j.hw : c1*j.hw]
	}
dw:
	s.epD = b.EpD
	if s.epD.RowBias != nil {
		s.epD.RowBias = s.epD.RowBias[c0:c1]
	}
	DepthwiseConv2DPlanes(j.d[c0*j.ohw:c1*j.ohw], src, b.Wd[c0*kk:c1*kk], c1-c0, *g, &s.epD)
}

// mbtTiles computes nw output channels (weights w, k × nw) over pixels
// [p0, p1) of planes of hw floats: c[o·hw+px] = ep(Σ_s w[s·nw+o] ·
// q[offs[s]/4+px] + bias[o] + res[o·hw+px]), in chunks of ciChunk tiles
// of at most ciMaxP pixels that share each k block of w while it is in
// L1.
func mbtTiles(tab *ciTable, s *mbtScratch, fl int, cst *ciConsts, k, nw int, w, c, res []float32, hw int, bias *float32, q []float32, offs []int, p0, p1 int, blocked bool) {
	nb := nw / 16
	qs := 1 // q's pixel stride
	if blocked {
		qs = 64
	}
	nt := (p1 - p0 + ciMaxP - 1) / ciMaxP
	base, extra := (p1-p0)/max(nt, 1), (p1-p0)%max(nt, 1)
	kb := (k + ciKC - 1) / ciKC
	if k <= ciKC+ciKC/8 {
		kb = 1
	}
	kcb := (k + kb - 1) / kb
	cv := &cst.v[0]
	for t0 := 0; t0 < nt; t0 += ciChunk {
		s.tiles = s.tiles[:0]
		px := p0 + t0*base + min(t0, extra)
		for t := t0; t < min(nt, t0+ciChunk); t++ {
			p := base
			if t < extra {
				p++
			}
			s.tiles = append(s.tiles, ciTile{qoff: px, dst: px, p: p})
			px += p
		}
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			flags := 0
			if pc > 0 {
				flags = kfLoad
			}
			if pc+kc == k {
				flags |= fl
			}
			pfBase := uintptr(unsafe.Pointer(&w[min(len(w)-1, (pc+ciAhead*kcb)*nw)]))
			pfLen := uintptr(4 * kcb * nw)
			pfShare := uintptr(kcb * 32)
			wb := &w[pc*nw]
			for ti, t := range s.tiles {
				var rp *float32
				if res != nil {
					rp = &res[t.dst]
				}
				pf := pfBase + uintptr(ti)*pfShare%pfLen
				fn := tab[nb-1][t.p-1]
				if blocked {
					fn = mbtK.pk[nb/2-1][t.p-1]
				}
				fn(kc, wb, &q[t.qoff*qs], &offs[pc], &s.acc[ti*ciMaxP*64], flags, &c[t.dst], hw, bias, rp, cv, pf)
			}
		}
	}
}

// mbtPad is a zero-padded channel-blocked buffer: its border stays zero
// between blocks of the same geometry (key).
type mbtPad struct {
	buf []float32
	key [6]int
}

// mbtKC is the longest k block of the blocked expansion: 128 steps of
// 64 channels' weights are 32 KiB, which stay in L1 beside the tiles'
// inputs (160 steps measured slower on MobileNetV2's 7x7 blocks).
var mbtKC = 128

// mbtZeros is a bias of nothing.
var mbtZeros [64]float32

// mbtBlockedOK reports whether the block can run channel-blocked (a 3x3
// undilated depthwise convolution, clamps or nothing for activations),
// filling the expansion's and the depthwise convolution's clamps.
func mbtBlockedOK(b *IRBlock, le, ld *[2]float32) bool {
	g := &b.Geo
	if mbtK == nil || mbtNoBlocked || g.Kernel[0] != 3 || g.Kernel[1] != 3 || g.Dilation[0] != 1 || g.Dilation[1] != 1 {
		return false
	}
	var ok bool
	if le[0], le[1], ok = ciClamp(&b.EpE); !ok {
		return false
	}
	if b.EpD.Residual != nil {
		return false
	}
	ld[0], ld[1], ok = ciClamp(&b.EpD)
	return ok
}

// mbtNoBlocked disables the blocked path (tests compare).
var mbtNoBlocked bool

// mbtDwPack returns the depthwise weights wd (e kernels of 3x3) as
// mbtDwRef takes them: per 16 channels, 9 taps of 16 lanes.
func mbtDwPack(wd []float32, e int) []float32 {
	p := make([]float32, e*9)
	for c := 0; c < e; c++ {
		g, l := c/16, c%16
		for t := 0; t < 9; t++ {
			p[(g*9+t)*16+l] = wd[c*9+t]
		}
	}
	return p
}

// phase1Blocked runs expansion channel block it channel-blocked: the
// expansion tiles store their raw sums pixel-major (nw channels per
// pixel, no transposing epilogue) into a zero-padded buffer, a pass adds
// the bias and clamps, and the depthwise kernel runs on 16-channel
// vectors into the block's slot of the depthwise output (64 channels a
// pixel, which the projection tiles read).
func (j *mbtJob) phase1Blocked(s *mbtScratch, it int) {
	b := j.b
	g := &b.Geo
	h, w := g.In[0], g.In[1]
	c0, c1 := j.cpE.starts[it], j.cpE.starts[it+1]
	nw := c1 - c0
	nb := nw / 16
	pd := &s.pad[nw/32-1]
	n := j.ph * j.pw * nw
	if key := [6]int{j.ph, j.pw, j.pt, j.pl, h, w}; pd.key != key || len(pd.buf) != n {
		if cap(pd.buf) < n {
			pd.buf = make([]float32, n)
		}
		pd.buf = pd.buf[:n]
		clear(pd.buf)
		pd.key = key
	}
	buf := pd.buf
	// The expansion's bias pattern (64 floats: a 32-wide block twice).
	be := mbtZeros[:]
	if b.EpE.RowBias != nil {
		be = s.biasE[:]
		for i := range be {
			be[i] = b.EpE.RowBias[c0+i%nw]
		}
	}
	k := b.E.k
	wE := j.cpE.data[c0*k : c1*k]
	kb := (k + mbtKC - 1) / mbtKC
	kcb := (k + kb - 1) / kb
	tpr := (w + ciMaxP - 1) / ciMaxP
	base, extra := w/tpr, w%tpr
	rowsPer := max(1, ciChunk/tpr)
	cv := &j.cstE.v[0]
	for y0 := 0; y0 < h; y0 += rowsPer {
		y1 := min(h, y0+rowsPer)
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			flags := 0
			if pc > 0 {
				flags = kfLoad
			}
			wb := &wE[pc*nw]
			pf := uintptr(unsafe.Pointer(&wE[min(len(wE)-1, (pc+kcb)*nw)]))
			for y := y0; y < y1; y++ {
				x0 := 0
				for t := 0; t < tpr; t++ {
					p := base
					if t < extra {
						p++
					}
					acc := &buf[((j.pt+y)*j.pw+j.pl+x0)*nw]
					j.tab[nb-1][p-1](kc, wb, &b.X[y*w+x0], &j.offE[pc], acc, flags, acc, 0, nil, nil, cv, pf)
					x0 += p
				}
			}
		}
		// Bias and clamp while the chunk's rows are in L1.
		for y := y0; y < y1; y++ {
			r := ((j.pt+y)*j.pw + j.pl) * nw
			mbtK.biasClip(buf[r:r+w*nw], be, j.loHiE[:])
		}
	}
	blk, off := c0/64, c0%64
	for v := 0; v < nb; v++ {
		c := c0 + 16*v
		bd := mbtZeros[:16]
		if b.EpD.RowBias != nil {
			bd = b.EpD.RowBias[c : c+16]
		}
		mbtK.dw(buf[16*v:], j.pw*nw, nw, g.Stride[1], g.Stride[0], j.wdp[c*9:c*9+144], bd, j.loHiD[:],
			j.d[blk*j.ohw*64+off+16*v:], 64, g.Out[0], g.Out[1])
	}
}
