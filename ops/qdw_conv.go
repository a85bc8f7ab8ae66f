package ops

import (
	"math"
	"sync"
	"unsafe"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qdwPlanesF32 runs planes [lo, hi) of a 2-D depthwise float32
// convolution (one input and one output channel per group): planes of in
// input and on output values, kn weights each, plane j using group
// j%group. The kernel applies the bias, the residual res (nil: none,
// else y's shape; added before the activation) and every activation the
// SGEMM epilogue knows; the rest (HardSigmoid) follows per run of planes
// while in cache. Nothing here allocates.
func qdwPlanesF32(x, w, bias, y, res []float32, lo, hi, group, in, on, kn int, lg *linalg.ConvGeom, act *pfAct) {
	var ep linalg.Epilogue
	var rest *pfAct
	if act != nil && !act.epilogue(&ep) {
		rest = act
	}
	// Runs of planes within one image share a kernel call; with an
	// activation left to apply, runs stay small enough to be in cache.
	run := group
	if rest != nil {
		run = max(1, (1<<13)/max(on, 1))
	}
	for j := lo; j < hi; {
		c := j % group
		k := min(hi-j, group-c, run)
		ep.RowBias = nil
		if bias != nil {
			ep.RowBias = bias[c : c+k]
		}
		if res != nil {
			ep.Residual = res[j*on : (j+k)*on]
		}
		yj := y[j*on : (j+k)*on]
		linalg.DepthwiseConv2DPlanes(yj, x[j*in:(j+k)*in], w[c*kn:(c+k)*kn], k, *lg, &ep)
		rest.apply32(yj)
		j += k
	}
}

// qdwConv runs a depthwise QLinearConv (group == input == output
// channels) plane by plane with linalg.DepthwiseConv2DQ, falling back to
// the integer kernel (qwConvDWY) when that path cannot be exact.
func (c *qsConv) qdwConv(ctx *Context, x, w, wZP, out *tensor.Tensor, r *qsConvRun, v *qwConv2D) {
	if !qdwExact(r, v) {
		qdwDispatch(ctx, x, w, out, r, v)
		return
	}
	if x.DType() == tensor.Uint8 && q8tDWConv(ctx, c, x, w, wZP, out, r, v) {
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
	// The geometry lives in a stack array (linalg does not keep it) and
	// the centred weights in session scratch: no allocation per run.
	d := [12]int{v.h, v.w, v.kh, v.kw, v.oh, v.ow, v.sh, v.sw, v.dh, v.dw, v.ph, v.pw}
	wc := zaI32s(ctx, 0, C*ks)
	for ch := 0; ch < C; ch++ {
		for i := 0; i < ks; i++ {
			wc[ch*ks+i] = int32(w[ch*ks+i]) - r.wZ[ch]
		}
	}
	if zaSerialN(ctx, g.batch*C, 1) {
		qdwRunQ(x, y, r, wc, 0, g.batch*C, C, hw, P, ks, d) // no closure: no allocation
		return
	}
	j := q8tDWQJobs.Get().(*q8tDWQJob)
	defer q8tDWQJobs.Put(j)
	_, j.xs = any(x).([]int8)
	_, j.ys = any(y).([]int8)
	j.x, j.y, j.r, j.wc = q8tBytes(x), q8tBytes(y), r, wc
	j.C, j.hw, j.P, j.ks, j.d = C, hw, P, ks, d
	ctx.Parallel(g.batch*C, 1, j.run)
	j.x, j.y, j.r, j.wc = nil, nil, nil, nil
}

// q8tDWQJob is a parallel qdwConvQ call (8-bit data as bytes, with their
// signedness), its method value bound once so a run allocates nothing.
type q8tDWQJob struct {
	x, y         []uint8
	xs, ys       bool
	r            *qsConvRun
	wc           []int32
	C, hw, P, ks int
	d            [12]int
	run          func(a, b int)
}

var q8tDWQJobs = sync.Pool{New: func() any {
	j := new(q8tDWQJob)
	j.run = j.planes
	return j
}}

// planes runs qdwRunQ on planes [a, b) with the call's types.
func (j *q8tDWQJob) planes(a, b int) {
	switch {
	case !j.xs && !j.ys:
		qdwRunQ(j.x, j.y, j.r, j.wc, a, b, j.C, j.hw, j.P, j.ks, j.d)
	case !j.xs:
		qdwRunQ(j.x, q8tI8(j.y), j.r, j.wc, a, b, j.C, j.hw, j.P, j.ks, j.d)
	case !j.ys:
		qdwRunQ(q8tI8(j.x), j.y, j.r, j.wc, a, b, j.C, j.hw, j.P, j.ks, j.d)
	default:
		qdwRunQ(q8tI8(j.x), q8tI8(j.y), j.r, j.wc, a, b, j.C, j.hw, j.P, j.ks, j.d)
	}
}

// q8tBytes views an 8-bit slice as bytes (same size and layout).
func q8tBytes[T linalg.QInt](s []T) []uint8 {
	return unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// q8tI8 views bytes as int8 (same size and layout).
func q8tI8(s []uint8) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// qdwRunQ runs planes [a, b) of qdwConvQ, in runs within one image.
func qdwRunQ[TX, TY linalg.QInt](x []TX, y []TY, r *qsConvRun, wc []int32, a, b, C, hw, P, ks int, d [12]int) {
	lg := linalg.ConvGeom{In: d[0:2], Kernel: d[2:4], Out: d[4:6], Stride: d[6:8], Dilation: d[8:10], PadBegin: d[10:12]}
	// uint8 activations take the integer VPDPBUSD kernel when it covers
	// the geometry (it refuses weights that do not fit int8).
	qg := linalg.Q8ConvGeom{C: 1, H: d[0], W: d[1], KH: d[2], KW: d[3], OH: d[4], OW: d[5], SH: d[6], SW: d[7], DH: d[8], DW: d[9], PH: d[10], PW: d[11]}
	xu, _ := any(x).([]uint8)
	q8 := xu != nil && linalg.Q8DepthwiseOK(&qg)
	for j := a; j < b; {
		c := j % C
		k := min(b-j, C-c)
		var bs []int32
		if r.bias != nil {
			bs = r.bias[c : c+k]
		}
		if !q8 || !linalg.Q8Depthwise(y[j*P:(j+k)*P], xu[j*hw:(j+k)*hw], k, &qg, wc[c*ks:(c+k)*ks], r.xZ, bs, r.mult[c:c+k], r.yZ) {
			linalg.DepthwiseConv2DQPlanes(y[j*P:(j+k)*P], x[j*hw:(j+k)*hw], r.xZ, wc[c*ks:(c+k)*ks], bs, r.mult[c:c+k], r.yZ, k, lg)
		}
		j += k
	}
}
