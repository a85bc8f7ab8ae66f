package ops

import "github.com/qinfer/qinfer/linalg"

// qdNearestRows8 is qhNearestRows for 8-bit data: the column offsets,
// the same for every row, become a linalg.Gather8Plan (a VPERMB per 64
// outputs when each 64 outputs read within a 64-byte window, as integer
// upsampling does), and a row repeating the previous row's source is a
// copy.
func qdNearestRows8(ctx *Context, src, dst []uint8, offs [][]int) {
	r := len(offs)
	last := offs[r-1]
	w := len(last)
	if w == 0 {
		return
	}
	plan := linalg.NewGather8Plan(last)
	rows := len(dst) / w
	grain := max(1, (1<<14)/w)
	ctx.Parallel(rows, grain, func(lo, hi int) {
		var idxBuf [8]int
		idx := idxBuf[:0]
		if r <= len(idxBuf) {
			idx = idxBuf[:r]
		} else {
			idx = make([]int, r)
		}
		// Multi-index of row lo over the leading axes.
		p := lo
		for d := r - 2; d >= 0; d-- {
			n := len(offs[d])
			idx[d] = p % n
			p /= n
		}
		prev := -1
		for row := lo; row < hi; row++ {
			base := 0
			for d := 0; d < r-1; d++ {
				base += offs[d][idx[d]]
			}
			drow := dst[row*w : (row+1)*w]
			if base == prev {
				copy(drow, dst[(row-1)*w:row*w])
			} else {
				plan.Run(drow, src[base:])
			}
			prev = base
			for d := r - 2; d >= 0; d-- {
				idx[d]++
				if idx[d] < len(offs[d]) {
					break
				}
				idx[d] = 0
			}
		}
	})
}
