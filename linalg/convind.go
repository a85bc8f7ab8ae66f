package linalg

import "sync"

// Direct ("indirect GEMM") 2-D convolution: instead of packing im2col
// panels (kh*kw copies of the image), the image is copied once into
// zero-padded phase planes and the micro-kernel reads each k-step's nr
// values straight from them at a per-step offset.
//
// Padded coordinates: P[y][x] = img[y-pt][x-pl] (zero outside). With
// stride (sh, sw), P is split into sh*sw phase planes
// Q[py][px][y'][x'] = P[y'*sh+py][x'*sw+px], each ph × pw. Output (oy, ox)
// under kernel tap (ky, kx) reads P[oy*sh+ky*dh][ox*sw+kx*dw], which is
// Q[(ky*dh)%sh][(kx*dw)%sw][oy+(ky*dh)/sh][ox+(kx*dw)/sw]: for a fixed tap,
// consecutive ox are consecutive in the plane. Outputs are therefore
// computed on a virtual oh × pw grid (pw >= ow; columns ow..pw-1 are
// discarded), flattened, in tiles of nr consecutive positions; tap p's
// row of a tile starting at j is plane(p) + a(p)*pw + b(p) + j.

// convIndGeom is the layout of one direct convolution.
type convIndGeom struct {
	ih, iw, oh, ow, kh, kw int
	sh, sw, dh, dw, pt, pl int
	ph, pw                 int // phase plane size
	plane                  int // ph*pw
	chanLen                int // sh*sw*plane, one channel's phase planes
	// s2: one stride-2 padded plane per channel (r18sS2Layout), where a
	// ci tile at output (oy, ox) starts at q[2*oy*pw + 2*ox], not at
	// q[oy*pw + ox] (ciQoff).
	s2 bool
}

// ciQoff is where the ci tile at output (oy, ox) starts in q.
func (c *convIndGeom) ciQoff(oy, ox int) int {
	if c.s2 {
		return 2 * (oy*c.pw + ox)
	}
	return oy*c.pw + ox
}

func newConvIndGeom(g ConvGeom) convIndGeom {
	c := convIndGeom{
		ih: g.In[0], iw: g.In[1], oh: g.Out[0], ow: g.Out[1], kh: g.Kernel[0], kw: g.Kernel[1],
		sh: g.Stride[0], sw: g.Stride[1], dh: g.Dilation[0], dw: g.Dilation[1], pt: g.PadBegin[0], pl: g.PadBegin[1],
	}
	ihp := (c.oh-1)*c.sh + (c.kh-1)*c.dh + 1
	iwp := (c.ow-1)*c.sw + (c.kw-1)*c.dw + 1
	c.ph = (ihp + c.sh - 1) / c.sh
	c.pw = (iwp + c.sw - 1) / c.sw
	c.plane = c.ph * c.pw
	c.chanLen = c.sh * c.sw * c.plane
	return c
}

// convIndWorth reports whether the direct path computes few enough
// discarded positions (virtual columns past ow, the last partial tile) to
// beat packing im2col panels, and whether impl has the kernel.
func convIndWorth(impl *sgemmImpl, g ConvGeom) bool {
	if impl.kernelInd == nil || len(g.In) != 2 {
		return false
	}
	c := newConvIndGeom(g)
	n := c.oh * c.pw
	tiles := (n + impl.nr - 1) / impl.nr
	return 4*c.oh*c.ow >= 3*tiles*impl.nr // at least 75 % useful
}

// convIndBufs are one call's scratch buffers, recycled.
type convIndBufs struct {
	q    []float32 // phase planes of every channel, plus a tail
	offs []int     // per k-step byte offsets into q
	// job holds a multi-threaded step's arguments and fn is job.run,
	// bound once when the buffers are made: parallel(n, fn) then
	// allocates nothing (a closure would escape into the worker pool).
	job r18Job
	fn  func(i int)
}

// Kinds of r18Job.
const (
	r18Fill      = iota + 1 // phase planes, step channels per chunk
	r18Tiles                // convIndBlock, step tiles per chunk
	r18TileRow              // convIndBlock, step rows per chunk
	r18Ci                   // ciItems, an even share of items per chunk
	r18sConvPool            // r18sPoolRows, an even share of pooled rows per chunk
	mb0RowsJob              // mb0Chunk, an even share of output rows per chunk (step: channels)
)

// r18Job is the state the chunks of one parallel step share; it is
// cleared after the step so the pool holds on to no caller's slices.
type r18Job struct {
	kind         int
	geo          convIndGeom
	img, q, c    []float32
	offs         []int
	n, step      int // fill: channels; tiles: tiles or rows; ci: chunks
	impl         *sgemmImpl
	pa           *PackedA
	m, k         int
	ep           *Epilogue
	tab          *ciTable
	cp           *ciPacked
	rowsPer, rch int
	tpr, items   int
	pool         MaxPoolGeom
}

// run is chunk i of the job.
func (j *r18Job) run(i int) {
	switch j.kind {
	case r18Fill:
		// Units: channels of padded planes, or phase planes (a first
		// layer's 3 channels split evenly over 2 threads as 12 planes).
		ph := j.geo.sh * j.geo.sw
		for u := i * j.step; u < min((i+1)*j.step, j.n); u++ {
			if j.geo.s2 {
				j.geo.r18sS2Fill(j.q, j.img, u)
				continue
			}
			j.geo.fillPhase(j.q, j.img, u/ph, u%ph/j.geo.sw, u%j.geo.sw)
		}
	case r18Tiles:
		convIndBlock(j.impl, j.pa, j.q, 0, j.offs, &j.geo, j.c, j.m, j.k, j.ep, i*j.step, min((i+1)*j.step, j.n), 0, j.m)
	case r18TileRow:
		convIndBlock(j.impl, j.pa, j.q, 0, j.offs, &j.geo, j.c, j.m, j.k, j.ep, 0, j.n, i*j.step, min((i+1)*j.step, j.m))
	case r18Ci:
		ciItems(j.tab, j.m, j.k, j.cp, j.q, j.offs, &j.geo, j.c, j.ep, j.rowsPer, j.rch, j.tpr, i*j.items/j.n, (i+1)*j.items/j.n)
	case r18sConvPool:
		r18sRows(j.tab, j.m, j.k, j.cp, j.q, j.offs, &j.geo, j.ep, &j.pool, j.c, i*j.pool.Out[0]/j.n, (i+1)*j.pool.Out[0]/j.n)
	case mb0RowsJob:
		mb0Chunk(j.m, j.k, j.cp, j.img, j.step, &j.geo, j.c, j.ep, i*j.geo.oh/j.n, (i+1)*j.geo.oh/j.n)
	}
}

// r18Parallel runs bufs' job (set by the caller) in n chunks, then
// clears it.
func (b *convIndBufs) r18Parallel(n int) {
	parallel(n, b.fn)
	b.job = r18Job{}
}

var convIndPool sync.Pool

func convIndGet(qn, k int) *convIndBufs {
	b, _ := convIndPool.Get().(*convIndBufs)
	if b == nil {
		b = &convIndBufs{}
		b.fn = b.job.run
	}
	if cap(b.q) < qn {
		b.q = make([]float32, qn)
	}
	b.q = b.q[:qn]
	if cap(b.offs) < k {
		b.offs = make([]int, k)
	}
	b.offs = b.offs[:k]
	return b
}

// convIndTile is one worker's tile buffers.
type convIndTile struct {
	c        []float32 // accumulators of a chunk of tiles, rows × nr each
	bias     []float32 // mr entries: an edge strip's row bias, zero padded
	segs     []convIndSeg
	segStart []int // per tile of the chunk: its first entry in segs
	k        sgemmConsts
}

// convIndSeg is a run of tile columns col..col+cnt that are the output
// positions dst..dst+cnt (row-major over oh × ow).
type convIndSeg struct{ col, dst, cnt int }

var convIndTilePool sync.Pool

// fill writes channel ch of img into its phase planes.
func (c *convIndGeom) fill(q, img []float32, ch int) {
	for py := 0; py < c.sh; py++ {
		for px := 0; px < c.sw; px++ {
			c.fillPhase(q, img, ch, py, px)
		}
	}
}

// fillPhase writes phase plane (py, px) of channel ch of img.
func (c *convIndGeom) fillPhase(q, img []float32, ch, py, px int) {
	src := img[ch*c.ih*c.iw : (ch+1)*c.ih*c.iw]
	dst := q[ch*c.chanLen : (ch+1)*c.chanLen]
	if !c.phaseUsed(py, px) {
		return // no tap reads it (a strided 1x1 reads phase 0 only)
	}
	pl := dst[(py*c.sw+px)*c.plane : (py*c.sw+px+1)*c.plane]
	// Plane columns x' with input column x'*sw+px-pl in [0, iw).
	x0 := max(0, (c.pl-px+c.sw-1)/c.sw)
	x1 := min(c.pw, (c.iw+c.pl-px+c.sw-1)/c.sw)
	if x1 < x0 {
		x1 = x0
	}
	if f := r18FillRows; f != nil && c.sh == 1 && c.sw == 1 && x1-x0 == c.iw && x0 <= 16 && c.pw-x1 <= 16 {
		// Every image row lands whole in a plane row: one call
		// for the channel's rows inside the image.
		yA, yB := max(0, c.pt-py), min(c.ph, c.ih+c.pt-py)
		yB = max(yA, yB)
		clear(pl[:yA*c.pw])
		clear(pl[yB*c.pw:])
		f(pl[yA*c.pw:yB*c.pw], src[(yA+py-c.pt)*c.iw:], yB-yA, c.iw, c.pw, x0)
		return
	}
	if f := r18FillRows2; f != nil && c.sw == 2 && x1 > x0 && x0 <= 16 && c.pw-x1 <= 16 {
		// Plane rows whose image row y*sh+py-pt is inside.
		yA := max(0, (c.pt-py+c.sh-1)/c.sh)
		yB := max(yA, min(c.ph, (c.ih+c.pt-py+c.sh-1)/c.sh))
		clear(pl[:yA*c.pw])
		clear(pl[yB*c.pw:])
		if yB > yA {
			iy := yA*c.sh + py - c.pt
			f(pl[yA*c.pw:yB*c.pw], src[iy*c.iw+x0*2+px-c.pl:], yB-yA, x1-x0, c.pw, x0, c.sh*c.iw)
		}
		return
	}
	for y := 0; y < c.ph; y++ {
		row := pl[y*c.pw : (y+1)*c.pw]
		iy := y*c.sh + py - c.pt
		if iy < 0 || iy >= c.ih {
			clear(row)
			continue
		}
		irow := src[iy*c.iw : (iy+1)*c.iw]
		clear(row[:x0])
		clear(row[x1:])
		if c.sw == 1 {
			copy(row[x0:x1], irow[x0+px-c.pl:])
			continue
		}
		ix := x0*c.sw + px - c.pl
		for x := x0; x < x1; x++ {
			row[x] = irow[ix]
			ix += c.sw
		}
	}
}

// phaseUsed reports whether some kernel tap reads phase plane (py, px).
func (c *convIndGeom) phaseUsed(py, px int) bool {
	y, x := false, false
	for ky := 0; ky < c.kh && !y; ky++ {
		y = ky*c.dh%c.sh == py
	}
	for kx := 0; kx < c.kw && !x; kx++ {
		x = kx*c.dw%c.sw == px
	}
	return y && x
}

// offsets fills offs with each k-step's byte offset into q, for k-steps
// (channel, ky, kx) in im2col order.
func (c *convIndGeom) offsets(offs []int, channels int) {
	p := 0
	for ch := 0; ch < channels; ch++ {
		for ky := 0; ky < c.kh; ky++ {
			ay, py := ky*c.dh/c.sh, ky*c.dh%c.sh
			for kx := 0; kx < c.kw; kx++ {
				bx, px := kx*c.dw/c.sw, kx*c.dw%c.sw
				offs[p] = 4 * (ch*c.chanLen + (py*c.sw+px)*c.plane + ay*c.pw + bx)
				p++
			}
		}
	}
}

// convIndRun computes C = ep(W · Im2col(img)) for one image and group by
// the direct method; pa is W packed for impl (impl.kernelInd != nil).
// C is m × (oh*ow) row-major.
func convIndRun(threads int, pa *PackedA, img []float32, channels int, g ConvGeom, c []float32, ep *Epilogue) {
	impl := pa.impl
	geo := newConvIndGeom(g)
	k := pa.k
	nr := impl.nr
	n := geo.oh * geo.pw // virtual positions
	tiles := (n + nr - 1) / nr
	if ep != nil && ep.RowBias == nil && ep.ColBias == nil && ep.Residual == nil && ep.Act == ActNone && !ep.Post {
		ep = nil
	}
	if geo.kh == 1 && geo.kw == 1 && geo.sh == 1 && geo.sw == 1 && geo.pt == 0 && geo.pl == 0 && geo.oh == geo.ih && geo.ow == geo.iw {
		// A pointwise convolution reads B straight from the image: its
		// phase plane is the image itself.
		convInd1x1(threads, pa, img, channels, &geo, c, ep)
		return
	}
	if mb0Usable(&geo, pa.m, k, channels, ep) {
		mb0Run(threads, pa.m, k, pa.ciPacked(), img, channels, &geo, c, ep)
		return
	}
	ci := ciUsable(ciKerns, pa.m, ep)
	tab := ciKerns
	if ci && pa.m%64 == 0 && r18sCiS2 != nil && !r18sS2Off && r18sS2Layout(&geo) {
		tab = r18sCiS2
	}
	bufs := convIndGet(channels*geo.chanLen+geo.pw+nr, k)
	defer convIndPool.Put(bufs)
	bufs.r18sFill(threads, &geo, img, channels)
	if n := geo.oh * geo.ow; !r18sDsOff && geo.kh == 1 && geo.kw == 1 && !geo.s2 && geo.ph == geo.oh && geo.pw == geo.ow && n <= mb3CiMaxN {
		// A strided 1x1 convolution (ResNet's downsampling) on a small
		// map: its one phase plane is compact, so the output rows are
		// one row of n pixels (SgemmPackedDirect's ci tiles), 6-pixel
		// tiles where the 7x7 map's rows make tiles of 4 and 3.
		SgemmPackedDirect(threads, pa, n, bufs.q, geo.chanLen, c, n, ep)
		return
	}
	if ci {
		ciRun(tab, threads, pa.m, k, pa.ciPacked(), bufs, &geo, c, ep)
		return
	}
	convIndTiles(threads, pa, bufs, &geo, c, ep, tiles)
}

// convIndTiles computes tiles [0, tiles) whose B rows are in bufs.q
// (from q[0]) on up to threads goroutines.
func convIndTiles(threads int, pa *PackedA, bufs *convIndBufs, geo *convIndGeom, c []float32, ep *Epilogue, tiles int) {
	q, offs := bufs.q, bufs.offs
	impl := pa.impl
	m, k := pa.m, pa.k
	n := tiles * impl.nr
	if work := m * n * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	mStrips := (m + impl.mr - 1) / impl.mr
	if threads <= 1 || (tiles < 2*threads && mStrips < threads) {
		// No closure on the serial path: nothing escapes, nothing is
		// allocated per call.
		convIndBlock(impl, pa, q, 0, offs, geo, c, m, k, ep, 0, tiles, 0, m)
		return
	}
	// (q holds every tile's B rows: qoff 0.)
	bufs.job = r18Job{geo: *geo, q: q, offs: offs, c: c, impl: impl, pa: pa, m: m, k: k, ep: ep, n: tiles}
	if tiles >= 2*threads {
		// Many tiles: each chunk takes a run of them, all rows.
		step := (tiles + threads - 1) / threads
		bufs.job.kind, bufs.job.step = r18Tiles, step
		bufs.r18Parallel((tiles + step - 1) / step)
		return
	}
	// Few tiles (small images, many channels): split the rows, so each
	// chunk reads only its share of the weights.
	step := (mStrips + threads - 1) / threads * impl.mr
	bufs.job.kind, bufs.job.step = r18TileRow, step
	bufs.r18Parallel((m + step - 1) / step)
}

// convInd1x1 is convIndRun for a 1x1, stride-1, unpadded convolution:
// B is the image itself, read in place by SgemmPackedDirect.
func convInd1x1(threads int, pa *PackedA, img []float32, channels int, geo *convIndGeom, c []float32, ep *Epilogue) {
	n := geo.oh * geo.ow
	SgemmPackedDirect(threads, pa, n, img[:channels*n], n, c, n, ep)
}

func on(geo convIndGeom) int { return geo.oh * geo.ow }

// convIndBlock computes output tiles [t0, t1) for rows [m0, m1) (m0 a
// multiple of mr) of convIndRun; tile t's B rows start at q[t*nr-qoff]. Tiles go in chunks that share each
// packed weight strip while it is in cache: for a few large-channel
// tiles (ResNet's 7x7 layers) the weights are then read from memory once
// per chunk instead of once per tile.
func convIndBlock(impl *sgemmImpl, pa *PackedA, q []float32, qoff int, offs []int, geo *convIndGeom, c []float32, m, k int, ep *Epilogue, t0, t1, m0, m1 int) {
	mr, nr := impl.mr, impl.nr
	rows := (m1 - m0 + mr - 1) / mr * mr
	tileLen := rows * nr
	// Chunk: accumulators and one k block of B rows per tile within
	// about 512 KiB (L2).
	chunk := max(1, min(16, (512<<10)/(4*tileLen), (512<<10)/(4*impl.kc*nr)))
	chunk = min(chunk, t1-t0)
	tb, _ := convIndTilePool.Get().(*convIndTile)
	if tb == nil {
		tb = &convIndTile{}
	}
	defer convIndTilePool.Put(tb)
	if cap(tb.c) < chunk*tileLen {
		tb.c = make([]float32, chunk*tileLen)
	}
	if cap(tb.bias) < mr {
		tb.bias = make([]float32, mr)
	}
	if cap(tb.segStart) < chunk+1 {
		tb.segStart = make([]int, chunk+1)
	}
	ct, eb := tb.c[:chunk*tileLen], tb.bias[:mr]
	on := geo.oh * geo.ow
	cst := &tb.k
	var res []float32
	if ep != nil {
		res = ep.Residual
	}
	for tc := t0; tc < t1; tc += chunk {
		te := min(tc+chunk, t1)
		// Output segments of each tile of the chunk.
		tb.segs = tb.segs[:0]
		ss := tb.segStart[:te-tc+1]
		for t := tc; t < te; t++ {
			ss[t-tc] = len(tb.segs)
			tb.segs = convIndSegments(geo, t*nr, nr, tb.segs)
		}
		ss[te-tc] = len(tb.segs)
		if res != nil {
			// The product accumulates onto the residual: gather it.
			for t := tc; t < te; t++ {
				ctt := ct[(t-tc)*tileLen:]
				for _, sg := range tb.segs[ss[t-tc]:ss[t-tc+1]] {
					for i := m0; i < m1; i++ {
						copy(ctt[(i-m0)*nr+sg.col:(i-m0)*nr+sg.col+sg.cnt], res[i*on+sg.dst:])
					}
				}
			}
		}
		for pc := 0; pc < k; pc += impl.kc {
			kc := min(impl.kc, k-pc)
			blkInfo := sgemmTileBlock{first: pc == 0, last: pc+kc == k, ep: ep}
			flags, fused := blkInfo.fused(impl, cst)
			if !fused { // an epilogue the kernel cannot run: plain product
				flags = 0
				if !blkInfo.first {
					flags = kfLoad
				}
			}
			if res != nil {
				flags |= kfLoad
			}
			blk := pa.block(0, pc, m, kc)
			for is := m0; is < m1; is += mr {
				var bias *float32
				if flags&kfBias != 0 {
					if is+mr <= m {
						bias = &ep.RowBias[is]
					} else {
						clear(eb)
						copy(eb, ep.RowBias[is:m])
						bias = &eb[0]
					}
				}
				a := &blk[is*kc]
				for t := tc; t < te; t++ {
					impl.kernelInd(kc, a, &q[t*nr-qoff], &offs[pc], &ct[(t-tc)*tileLen+(is-m0)*nr], nr, flags, bias, &cst.zero[0])
				}
			}
			if blkInfo.last && ep != nil && !fused {
				e := *ep
				if e.RowBias != nil {
					e.RowBias = e.RowBias[m0:m1]
				}
				for t := tc; t < te; t++ {
					e.apply(ct[(t-tc)*tileLen:], nr, 0, 0, m1-m0, nr)
				}
			}
		}
		for t := tc; t < te; t++ {
			ctt := ct[(t-tc)*tileLen:]
			for _, sg := range tb.segs[ss[t-tc]:ss[t-tc+1]] {
				for i := m0; i < m1; i++ {
					copy(c[i*on+sg.dst:i*on+sg.dst+sg.cnt], ctt[(i-m0)*nr+sg.col:])
				}
			}
		}
	}
}

// convIndSegments appends the output segments of the tile starting at
// virtual position j0 to segs.
func convIndSegments(geo *convIndGeom, j0, nr int, segs []convIndSeg) []convIndSeg {
	n := geo.oh * geo.pw
	for col := 0; col < nr && j0+col < n; {
		j := j0 + col
		oy, ox := j/geo.pw, j%geo.pw
		if ox >= geo.ow { // discarded columns up to the next row
			col += geo.pw - ox
			continue
		}
		cnt := min(geo.ow-ox, nr-col)
		segs = append(segs, convIndSeg{col, oy*geo.ow + ox, cnt})
		col += cnt
	}
	return segs
}

// convKernelIndRef defines the indirect micro-kernels (kernelInd): it is
// sgemmTileRef with B's row p read as b[offs[p]/4 : offs[p]/4+nr].
func convKernelIndRef(mr, nr, kk int, a, b []float32, offs []int, c []float32, ldc int, flags int, bias []float32, k *sgemmConsts) {
	pb := make([]float32, kk*nr)
	for p := 0; p < kk; p++ {
		copy(pb[p*nr:(p+1)*nr], b[offs[p]/4:])
	}
	sgemmTileRef(mr, nr, kk, a, pb, c, ldc, flags, bias, k)
}

// r18sFill writes img's channels into bufs.q (phase planes, or padded
// planes for geo.s2) on up to threads goroutines, clears the tail and
// sets bufs.offs.
func (bufs *convIndBufs) r18sFill(threads int, geo *convIndGeom, img []float32, channels int) {
	q := bufs.q
	clear(q[channels*geo.chanLen:])
	units := channels
	if !geo.s2 {
		units *= geo.sh * geo.sw
	}
	if threads > 1 && units > 1 {
		step := (units + threads - 1) / threads
		bufs.job = r18Job{kind: r18Fill, geo: *geo, q: q, img: img, n: units, step: step}
		bufs.r18Parallel((units + step - 1) / step)
	} else {
		for ch := 0; ch < channels; ch++ {
			if geo.s2 {
				geo.r18sS2Fill(q, img, ch)
				continue
			}
			geo.fill(q, img, ch)
		}
	}
	if geo.s2 {
		geo.r18sS2Offsets(bufs.offs, channels)
	} else {
		geo.offsets(bufs.offs, channels)
	}
}

// r18sDsOff disables the strided-1x1 path (tests and benchmarks
// compare).
var r18sDsOff bool
