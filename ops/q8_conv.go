package ops

// Non-depthwise 2-D QLinearConv on NCHW planes through linalg's implicit
// GEMM (linalg.Q8ConvPrepare): the weights, packed once per group, are the
// GEMM's A; the activations are packed 32 output pixels at a time straight
// from the image, and the output is written channel-major, so no layout
// transposes or im2col matrix are needed. Panels are split over the
// persistent worker pool.

import (
	"sync"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// q8Job is a pooled job with its method values bound once (a method value
// passed to Parallel would allocate per call).
type q8Job struct {
	linalg.Q8ConvJob
	run, fill, runBlocks func(lo, hi int)
}

// q8JobPool recycles the per-call job state.
var q8JobPool = sync.Pool{New: func() any {
	j := new(q8Job)
	j.run, j.fill, j.runBlocks = j.Run, j.Fill, j.RunBlocks
	return j
}}

// q8ConvPack packs each group's weights ([mg, cg·kh·kw] rows) with their
// zero points.
func q8ConvPack[TW linalg.QInt](w []TW, r *qsConvRun) []*linalg.Q8ConvWeights {
	g := r.g
	mg := g.cout / g.group
	kk := g.cin / g.group * g.kSize
	packs := make([]*linalg.Q8ConvWeights, g.group)
	for gr := range packs {
		m0 := gr * mg
		packs[gr] = linalg.Q8PackConvWeights(mg, kk, w[m0*kk:(m0+mg)*kk], r.wZ[m0:m0+mg])
	}
	return packs
}

// q8ConvFast runs the convolution; c.q8Pack caches the packed weights.
func (c *qsConv) q8ConvFast(ctx *Context, x, w, wZP, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) error {
	packs, err := c.q8Pack.get(ctx.zaKeyOf(w, wZP), func() ([]*linalg.Q8ConvWeights, error) {
		if w.DType() == tensor.Uint8 {
			return q8ConvPack(tensor.Data[uint8](w), r), nil
		}
		return q8ConvPack(tensor.Data[int8](w), r), nil
	})
	if err != nil {
		return err
	}
	switch {
	case x.DType() == tensor.Uint8 && out.DType() == tensor.Uint8:
		q8ConvRun(ctx, tensor.Data[uint8](x), tensor.Data[uint8](out), r, v, packs)
	case x.DType() == tensor.Uint8:
		q8ConvRun(ctx, tensor.Data[uint8](x), tensor.Data[int8](out), r, v, packs)
	case out.DType() == tensor.Uint8:
		q8ConvRun(ctx, tensor.Data[int8](x), tensor.Data[uint8](out), r, v, packs)
	default:
		q8ConvRun(ctx, tensor.Data[int8](x), tensor.Data[int8](out), r, v, packs)
	}
	return nil
}

// q8ConvRun computes every image and group, each split over panels.
func q8ConvRun[TX, TY linalg.QInt](ctx *Context, x []TX, y []TY, r *qsConvRun, v *qwConv2D, packs []*linalg.Q8ConvWeights) {
	g := r.g
	cg, mg := g.cin/g.group, g.cout/g.group
	hw, P := v.h*v.w, g.outSize
	geo := linalg.Q8ConvGeom{C: cg, H: v.h, W: v.w, KH: v.kh, KW: v.kw, SH: v.sh, SW: v.sw,
		PH: v.ph, PW: v.pw, DH: v.dh, DW: v.dw, OH: v.oh, OW: v.ow}
	qj := q8JobPool.Get().(*q8Job)
	defer q8JobPool.Put(qj)
	job := &qj.Q8ConvJob
	for b := 0; b < g.batch; b++ {
		for gr := 0; gr < g.group; gr++ {
			m0 := gr * mg
			xs := x[(b*g.cin+gr*cg)*hw : (b*g.cin+(gr+1)*cg)*hw]
			ys := y[(b*g.cout+m0)*P : (b*g.cout+m0+mg)*P]
			var bias []int32
			if r.bias != nil {
				bias = r.bias[m0 : m0+mg]
			}
			linalg.Q8ConvPrepare(job, &geo, xs, r.xZ, packs[gr], bias, r.mult[m0:m0+mg], r.yZ, ys)
			if n := job.Channels(); n > 0 {
				ctx.Parallel(n, max(1, (32<<10)/max(hw, 1)), qj.fill)
			}
			// Few panels but many row blocks (deep layers on small maps):
			// split the rows, so each thread streams only its share of
			// the weights. Else at least ~256K multiply-adds per chunk.
			if nb := job.Blocks(); ctx.Threads > 1 && job.Panels() < 4*ctx.Threads && nb >= 2*ctx.Threads {
				ctx.Parallel(nb, 1, qj.runBlocks)
			} else {
				grain := max(1, (256<<10)/max(job.Work(), 1))
				ctx.Parallel(job.Panels(), grain, qj.run)
			}
			job.Release()
		}
	}
}
