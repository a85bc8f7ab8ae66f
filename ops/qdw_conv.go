package ops

import (
	"math"
	"sync"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qdwConvF32 runs a 2-D depthwise float32 convolution (one input and one
// output channel per group) plane by plane: jobs planes of in input and
// on output values, kn weights each, plane j using group j%group. The
// kernel applies the bias, the residual res (nil: none, else y's shape;
// added before the activation) and every activation the SGEMM epilogue
// knows; the rest (HardSigmoid) follows per run of planes while in cache.
func qdwConvF32(threads int, x, w, bias, y []float32, jobs, group, in, on, kn int, lg linalg.ConvGeom, act *pfAct, res []float32) {
	var tmpl linalg.Epilogue
	var rest *pfAct
	if act != nil && !act.epilogue(&tmpl) {
		rest = act
	}
	// Runs of planes within one image share a kernel call; with an
	// activation left to apply, runs stay small enough to be in cache.
	run := group
	if rest != nil {
		run = max(1, (1<<13)/max(on, 1))
	}
	ParallelFor(threads, jobs, 1, func(a, b int) {
		ep := tmpl
		for j := a; j < b; {
			c := j % group
			k := min(b-j, group-c, run)
			ep.RowBias = nil
			if bias != nil {
				ep.RowBias = bias[c : c+k]
			}
			if res != nil {
				ep.Residual = res[j*on : (j+k)*on]
			}
			yj := y[j*on : (j+k)*on]
			linalg.DepthwiseConv2DPlanes(yj, x[j*in:(j+k)*in], w[c*kn:(c+k)*kn], k, lg, &ep)
			rest.apply32(yj)
			j += k
		}
	})
}

// qdwConv runs a depthwise QLinearConv (group == input == output
// channels) plane by plane with linalg.DepthwiseConv2DQ, falling back to
// the integer kernel (qwConvDWY) when that path cannot be exact.
func qdwConv(ctx *Context, x, w, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) {
	if !qdwExact(r, v) {
		qdwDispatch(ctx, x, w, out, r, v)
		return
	}
	switch {
	case x.DType() == tensor.Uint8 && w.DType() == tensor.Uint8:
		qdwConvX[uint8, uint8](ctx, x, w, out, r, v)
	case x.DType() == tensor.Uint8:
		qdwConvX[uint8, int8](ctx, x, w, out, r, v)
	case w.DType() == tensor.Uint8:
		qdwConvX[int8, uint8](ctx, x, w, out, r, v)
	default:
		qdwConvX[int8, int8](ctx, x, w, out, r, v)
	}
}

// qdwDispatch is the integer depthwise kernel of qw_conv.go.
func qdwDispatch(ctx *Context, x, w, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) {
	switch {
	case x.DType() == tensor.Uint8 && w.DType() == tensor.Uint8:
		qwConvDWY[uint8, uint8](ctx, x, w, out, r, v)
	case x.DType() == tensor.Uint8:
		qwConvDWY[uint8, int8](ctx, x, w, out, r, v)
	case w.DType() == tensor.Uint8:
		qwConvDWY[int8, uint8](ctx, x, w, out, r, v)
	default:
		qwConvDWY[int8, int8](ctx, x, w, out, r, v)
	}
}

// qdwExact reports whether linalg.DepthwiseConv2DQ takes every channel:
// few enough taps for exact float32 sums, finite multipliers >= 0 and
// a regular geometry.
func qdwExact(r *qsConvRun, v *qwConv2D) bool {
	if v.kh*v.kw > 256 || v.ph < 0 || v.pw < 0 || v.sh < 1 || v.sw < 1 || v.dh < 1 || v.dw < 1 {
		return false
	}
	for _, m := range r.mult {
		if !(m >= 0 && m <= math.MaxFloat32) {
			return false
		}
	}
	return true
}

func qdwConvX[TX, TW linalg.QInt](ctx *Context, x, w, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) {
	if out.DType() == tensor.Uint8 {
		qdwConvQ(ctx, tensor.Data[TX](x), tensor.Data[TW](w), tensor.Data[uint8](out), r, v)
	} else {
		qdwConvQ(ctx, tensor.Data[TX](x), tensor.Data[TW](w), tensor.Data[int8](out), r, v)
	}
}

// qdwConvQ runs runs of planes of one image through
// linalg.DepthwiseConv2DQPlanes, weights centred on their channel's zero
// point.
func qdwConvQ[TX, TW, TY linalg.QInt](ctx *Context, x []TX, w []TW, y []TY, r *qsConvRun, v *qwConv2D) {
	g := r.g
	C, hw, P := g.cin, v.h*v.w, g.outSize
	ks := v.kh * v.kw
	lg := linalg.ConvGeom{In: []int{v.h, v.w}, Kernel: []int{v.kh, v.kw}, Out: []int{v.oh, v.ow},
		Stride: []int{v.sh, v.sw}, Dilation: []int{v.dh, v.dw}, PadBegin: []int{v.ph, v.pw}}
	wp := qdwGetW(C * ks)
	defer qdwWPool.Put(wp)
	wc := *wp
	for ch := 0; ch < C; ch++ {
		for i := 0; i < ks; i++ {
			wc[ch*ks+i] = int32(w[ch*ks+i]) - r.wZ[ch]
		}
	}
	ctx.Parallel(g.batch*C, 1, func(a, b int) {
		for j := a; j < b; {
			c := j % C
			k := min(b-j, C-c)
			var bs []int32
			if r.bias != nil {
				bs = r.bias[c : c+k]
			}
			linalg.DepthwiseConv2DQPlanes(y[j*P:(j+k)*P], x[j*hw:(j+k)*hw], r.xZ, wc[c*ks:(c+k)*ks], bs, r.mult[c:c+k], r.yZ, k, lg)
			j += k
		}
	})
}

// qdwWPool recycles the centred weights of qdwConvQ between runs.
var qdwWPool sync.Pool

// qdwGetW returns a buffer of n int32 (contents undefined).
func qdwGetW(n int) *[]int32 {
	if b, ok := qdwWPool.Get().(*[]int32); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]int32, n)
	return &b
}
