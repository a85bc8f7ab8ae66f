package ops

// Depthwise QLinearConv on small and mid-size planes (uint8 activations, 3
// kernel rows of at most 4 taps) through linalg.Q8DepthwisePacked: the weights are
// packed once per weight tensor (cached in qsConv.q8Pack, which depthwise
// convolutions do not otherwise use), and the planes go to the pool
// through a recycled job, so a run neither re-centres the weights nor
// allocates.

import (
	"sync"
	"sync/atomic"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// q8tDWJob is one call's state, with its method value bound once.
type q8tDWJob struct {
	x      []uint8
	yu     []uint8
	yi     []int8
	g      linalg.Q8ConvGeom
	pw     *linalg.Q8ConvWeights
	r      *qsConvRun
	C      int
	hw, P  int
	failed atomic.Bool
	run    func(lo, hi int)
}

var q8tDWJobs = sync.Pool{New: func() any {
	j := new(q8tDWJob)
	j.run = j.planes
	return j
}}

// q8tDWConv runs the depthwise convolution through the packed small-plane
// kernel, reporting false (having written nothing) when it does not take
// the case.
func q8tDWConv(ctx *Context, c *qsConv, x, w, wZP, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) bool {
	if c == nil || v.kh != 3 || v.kw > 4 || v.oh*v.ow > 4096 || len(r.mult) < r.g.cout {
		return false
	}
	g := linalg.Q8ConvGeom{C: 1, H: v.h, W: v.w, KH: v.kh, KW: v.kw, OH: v.oh, OW: v.ow, SH: v.sh, SW: v.sw,
		DH: v.dh, DW: v.dw, PH: v.ph, PW: v.pw}
	if !linalg.Q8DepthwiseOK(&g) {
		return false
	}
	C := r.g.cin
	packs, err := c.q8Pack.get(ctx.zaKeyOf(w, wZP), func() ([]*linalg.Q8ConvWeights, error) {
		if w.DType() == tensor.Uint8 {
			return []*linalg.Q8ConvWeights{linalg.Q8PackDepthwise(C, v.kh, v.kw, tensor.Data[uint8](w), r.wZ)}, nil
		}
		return []*linalg.Q8ConvWeights{linalg.Q8PackDepthwise(C, v.kh, v.kw, tensor.Data[int8](w), r.wZ)}, nil
	})
	if err != nil || len(packs) != 1 || !linalg.Q8DepthwisePackedOK(&g, packs[0]) {
		return false
	}
	j := q8tDWJobs.Get().(*q8tDWJob)
	defer q8tDWJobs.Put(j)
	j.x, j.yu, j.yi = tensor.Data[uint8](x), nil, nil
	if out.DType() == tensor.Uint8 {
		j.yu = tensor.Data[uint8](out)
	} else {
		j.yi = tensor.Data[int8](out)
	}
	j.g, j.pw, j.r, j.C, j.hw, j.P = g, packs[0], r, C, v.h*v.w, v.oh*v.ow
	j.failed.Store(false)
	n := r.g.batch * C
	ctx.Parallel(n, max(1, 4096/j.P), j.run)
	ok := !j.failed.Load()
	j.x, j.yu, j.yi, j.pw, j.r = nil, nil, nil, nil, nil
	return ok
}

// planes computes planes [a, b) (image j/C, channel j%C), in runs within
// one image.
func (j *q8tDWJob) planes(a, b int) {
	r := j.r
	for p := a; p < b; {
		c := p % j.C
		k := min(b-p, j.C-c)
		x := j.x[p*j.hw : (p+k)*j.hw]
		var ok bool
		if j.yu != nil {
			ok = linalg.Q8DepthwisePacked(j.yu[p*j.P:(p+k)*j.P], x, c, k, &j.g, j.pw, r.xZ, r.bias, r.mult, r.yZ)
		} else {
			ok = linalg.Q8DepthwisePacked(j.yi[p*j.P:(p+k)*j.P], x, c, k, &j.g, j.pw, r.xZ, r.bias, r.mult, r.yZ)
		}
		if !ok {
			j.failed.Store(true)
			return
		}
		p += k
	}
}
