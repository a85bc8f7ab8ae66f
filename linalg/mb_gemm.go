package linalg

import "sync"

// SgemmPackedDirect is SgemmPackedEpilogue (C = ep(A·B), A packed by
// PackA, B k×n row-major with row stride ldb) reading B in place instead
// of packing it: the micro-kernel takes each k-step's nr values of B at a
// per-row offset (the direct convolution kernel), and full tiles are
// written straight into C. For the small operands of a pointwise
// convolution over a band of rows (B a few hundred KiB, already in L2)
// packing B is an extra pass over it that costs about as much as the
// product. Tiles go column-outer, so one tile's B column block (k×nr)
// stays in L1 for every row strip of A. Without a direct kernel, or
// when A is both tall and deep (then each tile's B columns do not stay in
// L1 beside a useful block of A, and B packed once is cheaper than B
// re-read per row block), it is SgemmPackedEpilogue.
func SgemmPackedDirect(threads int, pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue) {
	if mb3Ci(threads, pa, n, b, ldb, c, ldc, ep) {
		return
	}
	m, k := pa.m, pa.k
	impl := pa.impl
	if impl.kernelInd == nil || impl.kernelEp == nil || m == 0 || n == 0 || k == 0 || (m > mbDirectMaxM && k > mbDirectMaxK) {
		SgemmPackedEpilogue(threads, pa, n, b, ldb, c, ldc, ep)
		return
	}
	mb3Check(pa, n, b, ldb, c, ldc, ep)
	if ep != nil {
		if ep.RowBias == nil && ep.ColBias == nil && ep.Residual == nil && ep.Act == ActNone && !ep.Post {
			ep = nil
		}
	}
	if work := m * n * k; work/max(threads, 1) < 1<<19 {
		threads = max(1, work>>19)
	}
	nr, mr := impl.nr, impl.mr
	tiles, strips := (n+nr-1)/nr, (m+mr-1)/mr
	if threads <= 1 || (tiles < 2*threads && strips < threads) {
		mbDirect(pa, n, b, ldb, c, ldc, ep, 0, tiles, 0, m)
		return
	}
	mbDirectParallel(threads, pa, n, b, ldb, c, ldc, ep, tiles, strips)
}

// SgemmPackedDirect reads B in place when m <= mbDirectMaxM or k <=
// mbDirectMaxK (measured on MobileNetV2 and PP-OCR pointwise layers:
// small-M projections gain up to 1.5x, a 240x240 product over 960
// columns lost 10 %).
const (
	mbDirectMaxM = 64
	mbDirectMaxK = 64
)

// mbDirectParallel splits SgemmPackedDirect over goroutines: runs of
// tiles when there are enough, else runs of row strips.
func mbDirectParallel(threads int, pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue, tiles, strips int) {
	if tiles >= 2*threads {
		step := (tiles + threads - 1) / threads
		parallel((tiles+step-1)/step, func(i int) {
			mbDirect(pa, n, b, ldb, c, ldc, ep, i*step, min((i+1)*step, tiles), 0, pa.m)
		})
		return
	}
	mr := pa.impl.mr
	step := (strips + threads - 1) / threads * mr
	parallel((pa.m+step-1)/step, func(i int) {
		mbDirect(pa, n, b, ldb, c, ldc, ep, 0, tiles, i*step, min((i+1)*step, pa.m))
	})
}

// mbDirectBufs are one mbDirect call's scratch buffers, recycled.
type mbDirectBufs struct {
	offs, toffs []int     // byte offsets of B's rows: in place, in tail
	tail        []float32 // the last partial tile's B columns, zero padded
	tile        []float32 // an edge tile of C (mr×nr), then mr bias values
	k           sgemmConsts
}

var mbDirectPool sync.Pool

// mbDirect computes tiles [t0, t1) (nr columns each) of rows [m0, m1)
// (m0 a multiple of mr) of SgemmPackedDirect. Loop order: when A is the
// larger operand, row strips outer, so each strip of A is read once and
// B (small) is re-read from cache; else tiles outer over row blocks
// whose packed A stays in L1, so each tile's B columns are read once per
// block.
func mbDirect(pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue, t0, t1, m0, m1 int) {
	impl := pa.impl
	mr, nr, kcMax := impl.mr, impl.nr, impl.kc
	k := pa.k
	bf, _ := mbDirectPool.Get().(*mbDirectBufs)
	if bf == nil {
		bf = &mbDirectBufs{}
	}
	defer mbDirectPool.Put(bf)
	if cap(bf.offs) < k {
		bf.offs, bf.toffs = make([]int, k), make([]int, k)
	}
	offs, toffs := bf.offs[:k], bf.toffs[:k]
	for p := range offs {
		offs[p] = 4 * p * ldb
		toffs[p] = 4 * p * nr
	}
	if cap(bf.tile) < mr*nr+mr {
		bf.tile = make([]float32, mr*nr+mr)
	}
	bf.tail = bf.tail[:0]
	if n%nr != 0 && t1 == (n+nr-1)/nr {
		// The kernel reads nr values per row: the last tile's columns
		// are copied, zero padded.
		if cap(bf.tail) < k*nr {
			bf.tail = make([]float32, k*nr)
		}
		tl := bf.tail[:k*nr]
		clear(tl)
		j, cols := (t1-1)*nr, n%nr
		for p := 0; p < k; p++ {
			copy(tl[p*nr:p*nr+cols], b[p*ldb+j:p*ldb+j+cols])
		}
		bf.tail = tl
	}
	// tile runs one tile: full ones (one k block, an epilogue the
	// kernel fuses) straight into C, without mbDirectTile's per-tile
	// set-up, which cost a third of a K=16 expansion's time.
	fast := &mbFastTile{pa: pa, b: b, c: c, ldc: ldc, ep: ep, offs: offs, cst: &bf.k}
	fast.init(n)
	tile := func(t, is int) {
		if !fast.run(t, is) {
			mbDirectTile(pa, n, b, ldb, c, ldc, ep, t, is, bf)
		}
	}
	if m1-m0 > n {
		for is := m0; is < m1; is += mr {
			for t := t0; t < t1; t++ {
				tile(t, is)
			}
		}
		return
	}
	mcb := max(1, mbDirectA/(mr*min(k, kcMax))) * mr
	for mb0 := m0; mb0 < m1; mb0 += mcb {
		for t := t0; t < t1; t++ {
			for is := mb0; is < min(mb0+mcb, m1); is += mr {
				tile(t, is)
			}
		}
	}
}

// mbFastTile runs mbDirect's full tiles when the whole of k is one
// kernel call with its epilogue fused.
type mbFastTile struct {
	pa        *PackedA
	b, c      []float32
	ldc       int
	ep        *Epilogue
	offs      []int
	cst       *sgemmConsts
	ok        bool
	flags     int
	fullCols  int // tiles of nr full columns
	fullRows  int // rows in full strips of mr
	res, bias []float32
}

func (f *mbFastTile) init(n int) {
	impl := f.pa.impl
	if f.pa.k > impl.kc {
		return
	}
	tb := sgemmTileBlock{first: true, last: true, ep: f.ep}
	flags, fused := tb.fused(impl, f.cst)
	if !fused {
		return
	}
	if f.ep != nil {
		f.res, f.bias = f.ep.Residual, f.ep.RowBias
	}
	if f.res != nil {
		flags |= kfLoad
	}
	f.ok, f.flags = true, flags
	f.fullCols, f.fullRows = n/impl.nr, f.pa.m/impl.mr*impl.mr
}

// run computes tile t of the strip at row is when it is a full one,
// reporting whether it did.
func (f *mbFastTile) run(t, is int) bool {
	if !f.ok || t >= f.fullCols || is >= f.fullRows {
		return false
	}
	impl := f.pa.impl
	mr, nr, ldc := impl.mr, impl.nr, f.ldc
	j := t * nr
	dst := f.c[is*ldc+j : (is+mr-1)*ldc+j+nr]
	if f.res != nil {
		for r := 0; r < mr; r++ {
			copy(dst[r*ldc:r*ldc+nr], f.res[(is+r)*ldc+j:])
		}
	}
	var bias *float32
	if f.flags&kfBias != 0 {
		bias = &f.bias[is]
	}
	a := f.pa.block(is, 0, mr, f.pa.k)
	impl.kernelInd(f.pa.k, &a[0], &f.b[j], &f.offs[0], &dst[0], ldc, f.flags, bias, &f.cst.zero[0])
	return true
}

// mbDirectA is about how many floats of packed A one row block of
// mbDirect holds (24 KiB, half of L1).
const mbDirectA = 6 << 10

// mbDirectTile computes the mr×nr tile of C at row is, tile t (columns
// t·nr on) over all of k, with mbDirect's buffers bf.
func mbDirectTile(pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue, t, is int, bf *mbDirectBufs) {
	impl := pa.impl
	mr, nr, kcMax := impl.mr, impl.nr, impl.kc
	m, k := pa.m, pa.k
	j := t * nr
	cols := min(nr, n-j)
	bp, bo := &b[j], bf.offs
	if cols < nr {
		bp, bo = &bf.tail[0], bf.toffs
	}
	tile, ebias := bf.tile[:mr*nr], bf.tile[mr*nr:mr*nr+mr]
	cst := &bf.k
	var res []float32
	if ep != nil {
		res = ep.Residual
	}
	rows := min(mr, m-is)
	full := rows == mr && cols == nr
	// dst is where the tile accumulates: C itself, or tile.
	var dst []float32
	ld := ldc
	if full {
		dst = c[is*ldc+j : (is+mr-1)*ldc+j+nr]
		if res != nil {
			for r := 0; r < mr; r++ {
				copy(dst[r*ldc:r*ldc+nr], res[(is+r)*ldc+j:])
			}
		}
	} else {
		dst, ld = tile, nr
		clear(tile)
		for r := 0; r < rows && res != nil; r++ {
			copy(tile[r*nr:r*nr+cols], res[(is+r)*ldc+j:])
		}
	}
	post := false
	for pc := 0; pc < k; pc += kcMax {
		kc := min(kcMax, k-pc)
		tb := sgemmTileBlock{first: pc == 0, last: pc+kc == k, ep: ep}
		flags, fused := tb.fused(impl, cst)
		if !fused { // an epilogue the kernel cannot run: plain product
			flags, post = 0, true
			if !tb.first {
				flags = kfLoad
			}
		}
		if res != nil || !full {
			flags |= kfLoad // onto the residual, or the cleared tile
		}
		var bias *float32
		if flags&kfBias != 0 {
			if rows == mr {
				bias = &ep.RowBias[is]
			} else {
				clear(ebias)
				copy(ebias, ep.RowBias[is:is+rows])
				bias = &ebias[0]
			}
		}
		a := pa.block(is, pc, mr, kc)
		impl.kernelInd(kc, &a[0], bp, &bo[pc], &dst[0], ld, flags, bias, &cst.zero[0])
	}
	if !full {
		for r := 0; r < rows; r++ {
			copy(c[(is+r)*ldc+j:(is+r)*ldc+j+cols], tile[r*nr:r*nr+cols])
		}
	}
	if post && ep != nil {
		ep.apply(c, ldc, is, j, rows, cols)
	}
}
