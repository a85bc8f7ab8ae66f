package ops

import "github.com/qinfer/qinfer/linalg"

// mbtMaxHW is the largest input map (pixels) run split over expansion
// channels (linalg.IRBlock) rather than in bands of rows.
var mbtMaxHW = 28 * 28

// mbtOff disables the channel-split path (tests and benchmarks compare).
var mbtOff bool

// mbtIR is the channel-split run's operands, kept in the job so that
// building them allocates nothing.
type mbtIR struct {
	blk                    linalg.IRBlock
	in, k, out, st, dl, pb [2]int
}

// mbtRun runs the block split over expansion channels when the map is
// small, reporting whether it did (then y is complete).
func (j *mbJob) mbtRun(threads int, cache *linalg.IRCache) bool {
	g := &j.g
	if mbtOff || j.pe == nil || g.h*g.w > mbtMaxHW || g.kh != 3 || g.kw != 3 || g.dh != 1 || g.dw != 1 {
		// Only MobileNetV2's 3x3 blocks were measured split over
		// channels.
		return false
	}
	r := &j.ir
	b := &r.blk
	*b = linalg.IRBlock{Threads: threads, E: j.pe, P: j.pp, Wd: j.wd, Cache: cache}
	b.EpE.RowBias, b.EpD.RowBias, b.EpP.RowBias = j.be, j.bd, j.bp
	if (j.ae != nil && !j.ae.epilogue(&b.EpE)) || (j.ad != nil && !j.ad.epilogue(&b.EpD)) || (j.ap != nil && !j.ap.epilogue(&b.EpP)) {
		return false
	}
	r.in, r.k, r.out = [2]int{g.h, g.w}, [2]int{g.kh, g.kw}, [2]int{g.oh, g.ow}
	r.st, r.dl, r.pb = [2]int{g.sh, g.sw}, [2]int{g.dh, g.dw}, [2]int{g.pt, g.pl}
	b.Geo = linalg.ConvGeom{In: r.in[:], Kernel: r.k[:], Out: r.out[:], Stride: r.st[:], Dilation: r.dl[:], PadBegin: r.pb[:]}
	hw, ohw := g.h*g.w, g.oh*g.ow
	for i := 0; i < g.n; i++ {
		b.X = j.x[i*g.c*hw : (i+1)*g.c*hw]
		b.Y = j.y[i*g.m*ohw : (i+1)*g.m*ohw]
		if j.z != nil {
			b.EpP.Residual = j.z[i*g.m*ohw : (i+1)*g.m*ohw]
		}
		if !b.Run() {
			// Run's answer does not depend on the image: a refusal
			// comes on the first, before anything is written.
			return false
		}
	}
	return true
}
