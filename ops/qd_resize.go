package ops

import "github.com/qinfer/qinfer/linalg"

// qdNearestRows8 is qhNearestRows for 8-bit data: the column offsets,
// the same for every row, become a linalg.Gather8Plan (a VPERMB per 64
// outputs when each 64 outputs read within a 64-byte window, as integer
// upsampling does).
func qdNearestRows8(ctx *Context, src, dst []uint8, offs [][]int) {
	last := offs[len(offs)-1]
	if len(last) == 0 {
		return
	}
	qhNearestRows(ctx, src, dst, offs, linalg.NewGather8Plan(last).Run)
}
