package ops

import (
	"math"
	"slices"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// Pooling: AveragePool, MaxPool, LpPool, their Global forms, MaxUnpool.

func init() {
	for _, op := range []string{"AveragePool", "MaxPool", "LpPool"} {
		Register("", op, 1, cvNewPool(op))
	}
	RegisterFunc("", "GlobalAveragePool", 1, cvGlobalPool("avg"))
	RegisterFunc("", "GlobalMaxPool", 1, cvGlobalPool("max"))
	Register("", "GlobalLpPool", 1, func(n *ir.Node, opset int) (Kernel, error) {
		p, err := cvLpP(n, opset)
		if err != nil {
			return nil, err
		}
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return cvGlobalPoolRun(ctx, in, "lp", p)
		}), nil
	})
	Register("", "MaxUnpool", 9, cvNewMaxUnpool)
}

// cvLpP reads LpPool's p: a float before opset 2, an int after.
func cvLpP(n *ir.Node, opset int) (float64, error) {
	p := float64(2)
	if a := n.Attr("p"); a != nil {
		switch a.Type {
		case ir.AttrInt:
			p = float64(a.I)
		case ir.AttrFloat:
			p = float64(a.F)
		}
	}
	if p <= 0 {
		return 0, NodeErrf(n, "p = %v: %w", p, ir.ErrInvalidModel)
	}
	return p, nil
}

// cvPool is the kernel of AveragePool, MaxPool and LpPool.
type cvPool struct {
	op           string
	win          cvWindow
	ceil         bool
	includePad   bool
	storageOrder int
	p            float64
}

func cvNewPool(op string) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		w, err := cvReadWindow(n)
		if err != nil {
			return nil, err
		}
		if w.kernel == nil {
			return nil, NodeErrf(n, "kernel_shape is required: %w", ir.ErrInvalidModel)
		}
		k := &cvPool{op: op, win: w,
			ceil:         n.AttrInt("ceil_mode", 0) != 0,
			includePad:   n.AttrInt("count_include_pad", 0) != 0,
			storageOrder: int(n.AttrInt("storage_order", 0)),
		}
		if op == "LpPool" {
			if k.p, err = cvLpP(n, opset); err != nil {
				return nil, err
			}
		}
		return k, nil
	}
}

// cvPoolWindows lists, for each output position, the flat spatial input
// offset of each window element (-1 outside the input), and the number of
// window elements inside the padded input (count_include_pad divisor).
func cvPoolWindows(in []int, g *cvGeom) (offs, padded []int) {
	nd := len(in)
	on, kn := tensor.Size(g.out), tensor.Size(g.kernel)
	offs = make([]int, on*kn)
	padded = make([]int, on)
	oi, ki := make([]int, nd), make([]int, nd)
	for o := 0; o < on; o++ {
		r := o
		for d := nd - 1; d >= 0; d-- {
			oi[d], r = r%g.out[d], r/g.out[d]
		}
		cnt := 1
		for d := 0; d < nd; d++ {
			lo := oi[d]*g.strides[d] - g.padBegin[d]
			c := 0
			for kk := 0; kk < g.kernel[d]; kk++ {
				p := lo + kk*g.dilations[d]
				if p >= -g.padBegin[d] && p < in[d]+g.padEnd[d] {
					c++
				}
			}
			cnt *= c
		}
		padded[o] = cnt
		for kx := 0; kx < kn; kx++ {
			r := kx
			for d := nd - 1; d >= 0; d-- {
				ki[d], r = r%g.kernel[d], r/g.kernel[d]
			}
			off := 0
			for d := 0; d < nd; d++ {
				p := oi[d]*g.strides[d] - g.padBegin[d] + ki[d]*g.dilations[d]
				if p < 0 || p >= in[d] {
					off = -1
					break
				}
				off = off*in[d] + p
			}
			offs[o*kn+kx] = off
		}
	}
	return offs, padded
}

func (k *cvPool) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 2 {
		return nil, ctx.Errf("X%v needs rank >= 2: %w", xs, tensor.ErrShape)
	}
	g, err := k.win.resolve(ctx, xs[2:], k.win.kernel, k.ceil)
	if err != nil {
		return nil, err
	}
	oshape := append(append(zaShapeBuf(ctx), xs[0], xs[1]), g.out...)
	if _, err := tensor.NumElements(oshape); err != nil {
		return nil, ctx.Errf("output %v: %w", slices.Clone(oshape), err)
	}
	if err := ctx.CheckAlloc(tensor.Int64, tensor.Size(g.out)*(tensor.Size(g.kernel)+1)); err != nil {
		return nil, ctx.Errf("pooling windows for output %v: %w", slices.Clone(oshape), err)
	}
	var win [2 * zaMaxND]int
	if _, err := alCheckShape(ctx, alIndex, append(append(win[:0], g.out...), g.kernel...)); err != nil {
		return nil, err
	}
	dt := x.DType()
	if k.op == "MaxPool" && len(xs) == 4 && (len(ctx.Node.Outputs) < 2 || ctx.Node.Outputs[1] == "") &&
		g.dilations[0] == 1 && g.dilations[1] == 1 && (dt == tensor.Float32 || dt == tensor.Uint8 || dt == tensor.Int8) {
		y, err := ctx.NewTensor(dt, oshape...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		switch dt {
		case tensor.Float32:
			cvMaxPool2DF32(ctx, tensor.Data[float32](x), tensor.Data[float32](y), xs, g)
		case tensor.Uint8:
			cvMaxPool2D(ctx, tensor.Data[uint8](x), tensor.Data[uint8](y), xs, g)
		case tensor.Int8:
			cvMaxPool2D(ctx, tensor.Data[int8](x), tensor.Data[int8](y), xs, g)
		}
		return ctx.One(y), nil
	}
	if k.op == "AveragePool" && dt == tensor.Float32 && len(xs) == 4 && rcAvgFits(xs, g) {
		y, err := ctx.NewTensorUninit(dt, oshape...) // every element is written
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		rcAvgPool2D(ctx, x.Float32s(), y.Float32s(), xs, g)
		return One(y), nil
	}
	offs, padded := cvPoolWindows(xs[2:], g)
	if k.op == "MaxPool" {
		y, err := ctx.NewTensor(dt, oshape...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		var idx []int64
		var ind *tensor.Tensor
		if len(ctx.Node.Outputs) > 1 && ctx.Node.Outputs[1] != "" {
			if ind, err = ctx.NewTensor(tensor.Int64, oshape...); err != nil {
				return nil, ctx.Errf("%w", err)
			}
			idx = tensor.Data[int64](ind)
		}
		switch dt {
		case tensor.Float32:
			cvMaxPool(tensor.Data[float32](x), tensor.Data[float32](y), idx, xs, g, offs, k.storageOrder)
		case tensor.Float64:
			cvMaxPool(tensor.Data[float64](x), tensor.Data[float64](y), idx, xs, g, offs, k.storageOrder)
		case tensor.Int8:
			cvMaxPool(tensor.Data[int8](x), tensor.Data[int8](y), idx, xs, g, offs, k.storageOrder)
		case tensor.Uint8:
			cvMaxPool(tensor.Data[uint8](x), tensor.Data[uint8](y), idx, xs, g, offs, k.storageOrder)
		case tensor.Float16, tensor.BFloat16:
			yf, err := alHeap(ctx)(tensor.Float32, oshape...)
			if err != nil {
				return nil, err
			}
			cvMaxPool(tensor.ToFloat32(x), yf.Float32s(), idx, xs, g, offs, k.storageOrder)
			if y, err = tensor.Cast(yf, dt); err != nil {
				return nil, ctx.Errf("%w", err)
			}
		default:
			return nil, DTypeErr(ctx, dt)
		}
		if ind != nil {
			return []*tensor.Tensor{y, ind}, nil
		}
		return One(y), nil
	}
	if !dt.IsFloat() {
		return nil, DTypeErr(ctx, dt)
	}
	var y *tensor.Tensor
	if dt == tensor.Float64 {
		if y, err = ctx.NewTensor(dt, oshape...); err != nil {
			return nil, ctx.Errf("%w", err)
		}
		k.avgLp(tensor.Data[float64](x), tensor.Data[float64](y), xs, g, offs, padded)
	} else {
		if y, err = ctx.NewTensor(tensor.Float32, oshape...); err != nil {
			return nil, ctx.Errf("%w", err)
		}
		k.avgLp(tensor.ToFloat32(x), y.Float32s(), xs, g, offs, padded)
		if dt != tensor.Float32 {
			if y, err = tensor.Cast(y, dt); err != nil {
				return nil, ctx.Errf("%w", err)
			}
		}
	}
	return One(y), nil
}

// avgLp computes AveragePool or LpPool over precomputed windows.
func (k *cvPool) avgLp(x, y any, xs []int, g *cvGeom, offs, padded []int) {
	switch x := x.(type) {
	case []float32:
		cvAvgLp(k, x, y.([]float32), xs, g, offs, padded)
	case []float64:
		cvAvgLp(k, x, y.([]float64), xs, g, offs, padded)
	}
}

func cvAvgLp[T float32 | float64](k *cvPool, x, y []T, xs []int, g *cvGeom, offs, padded []int) {
	planes := xs[0] * xs[1]
	in := tensor.Size(xs[2:])
	on, kn := tensor.Size(g.out), tensor.Size(g.kernel)
	for pl := 0; pl < planes; pl++ {
		xp := x[pl*in : (pl+1)*in]
		yp := y[pl*on : (pl+1)*on]
		for o := range yp {
			var s float64
			cnt := 0
			for _, off := range offs[o*kn : (o+1)*kn] {
				if off < 0 {
					continue
				}
				cnt++
				v := float64(xp[off])
				if k.op == "LpPool" {
					s += math.Pow(math.Abs(v), k.p)
				} else {
					s += v
				}
			}
			switch {
			case k.op == "LpPool":
				yp[o] = T(math.Pow(s, 1/k.p))
			case k.includePad:
				yp[o] = T(s / float64(padded[o]))
			case cnt > 0:
				yp[o] = T(s / float64(cnt))
			default:
				yp[o] = T(math.NaN())
			}
		}
	}
}

// cvMaxPool computes MaxPool and, when idx is non-nil, the flat argmax
// indices (row-major, or column-major over spatial dims for storageOrder 1).
func cvMaxPool[T tensor.Number](x, y []T, idx []int64, xs []int, g *cvGeom, offs []int, storageOrder int) {
	planes := xs[0] * xs[1]
	sp := xs[2:]
	in := tensor.Size(sp)
	on, kn := tensor.Size(g.out), tensor.Size(g.kernel)
	// Column-major spatial strides for storage_order 1.
	cm := make([]int, len(sp))
	acc := 1
	for d := range sp {
		cm[d] = acc
		acc *= sp[d]
	}
	for pl := 0; pl < planes; pl++ {
		xp := x[pl*in : (pl+1)*in]
		yp := y[pl*on : (pl+1)*on]
		for o := range yp {
			best, bi := T(0), -1
			for _, off := range offs[o*kn : (o+1)*kn] {
				if off < 0 {
					continue
				}
				if v := xp[off]; bi < 0 || v > best || v != v {
					best, bi = v, off
				}
			}
			if bi < 0 { // window entirely in padding
				if cvIsFloat[T]() {
					best = T(math.Inf(-1))
				}
				bi = 0
			}
			yp[o] = best
			if idx != nil {
				fi := bi
				if storageOrder == 1 {
					fi = 0
					r := bi
					for d := len(sp) - 1; d >= 0; d-- {
						fi += (r % sp[d]) * cm[d]
						r /= sp[d]
					}
				}
				idx[pl*on+o] = int64(pl*in + fi)
			}
		}
	}
}

// cvMaxPool2D is MaxPool over NCHW planes with unit dilation and no
// indices output, without per-position window tables: each output row
// scans the valid input rows of its window, split over planes. The first
// NaN in a window makes its maximum NaN (Go's max; cvMaxPool agrees), as
// in numpy's reference.
func cvMaxPool2D[T float32 | uint8 | int8](ctx *Context, x, y []T, xs []int, g *cvGeom) {
	planes, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, ox0, ox1, threads, grain := cvMaxPoolGeom(ctx, xs, g)
	ParallelFor(threads, planes, grain, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x[pl*ih*iw : (pl+1)*ih*iw]
			yp := y[pl*oh*ow : (pl+1)*oh*ow]
			for oy := 0; oy < oh; oy++ {
				yr := yp[oy*ow : (oy+1)*ow]
				iy0 := oy*sh - ph
				ky0, ky1 := max(0, -iy0), min(kh, ih-iy0)
				if ky0 >= ky1 { // window entirely in padding
					var v T
					if cvIsFloat[T]() {
						v = T(math.Inf(-1))
					}
					for i := range yr {
						yr[i] = v
					}
					continue
				}
				for ky := ky0; ky < ky1; ky++ {
					row := xp[(iy0+ky)*iw : (iy0+ky+1)*iw]
					first := ky == ky0
					cvMaxPoolEdges(yr, row, 0, ox0, kw, sw, pw, first)
					// Interior: no column clipping.
					for ox := ox0; ox < ox1; ox++ {
						w := row[ox*sw-pw : ox*sw-pw+kw]
						m := w[0]
						if !first {
							m = max(m, yr[ox])
						}
						for _, v := range w[1:] {
							m = max(m, v)
						}
						yr[ox] = m
					}
					cvMaxPoolEdges(yr, row, ox1, ow, kw, sw, pw, first)
				}
			}
		}
	})
}

// cvMaxPool2DF32 is cvMaxPool2D for float32, separably: the rows of each
// output row's window are reduced with SIMD (linalg.MaxFloat32s), then
// the kw columns of each window. Same results, NaN included.
func cvMaxPool2DF32(ctx *Context, x, y []float32, xs []int, g *cvGeom) {
	planes, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, ox0, ox1, threads, grain := cvMaxPoolGeom(ctx, xs, g)
	a := cvMaxPoolF32{x: x, y: y, ih: ih, iw: iw, oh: oh, ow: ow, kh: kh, kw: kw, sh: sh, sw: sw, ph: ph, pw: pw, ox0: ox0, ox1: ox1}
	if threads <= 1 || planes/max(1, grain) <= 1 {
		// No closure on the serial path, row buffers kept per session:
		// nothing is allocated.
		sc := zaLocal[cvMaxPoolScratch](ctx)
		if cap(sc.vm) < iw {
			sc.vm, sc.hm = make([]float32, iw), make([]float32, iw)
		}
		a.planes(0, planes, sc.vm[:iw], sc.hm[:iw])
		return
	}
	ah := a // only this path's copy escapes into the pool
	ParallelFor(threads, planes, grain, func(lo, hi int) {
		ah.planes(lo, hi, make([]float32, iw), make([]float32, iw))
	})
}

// cvMaxPoolScratch is a step's per-session row buffers for the serial
// cvMaxPool2DF32.
type cvMaxPoolScratch struct{ vm, hm []float32 }

// cvMaxPoolF32 is one cvMaxPool2DF32 call's operands and geometry.
type cvMaxPoolF32 struct {
	x, y                                             []float32
	ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, ox0, ox1 int
}

// planes pools planes [lo, hi); vm and hm are row buffers of iw values.
func (a *cvMaxPoolF32) planes(lo, hi int, vm, hm []float32) {
	x, y := a.x, a.y
	ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, ox0, ox1 := a.ih, a.iw, a.oh, a.ow, a.kh, a.kw, a.sh, a.sw, a.ph, a.pw, a.ox0, a.ox1
	for pl := lo; pl < hi; pl++ {
		xp := x[pl*ih*iw : (pl+1)*ih*iw]
		yp := y[pl*oh*ow : (pl+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			yr := yp[oy*ow : (oy+1)*ow]
			iy0 := oy*sh - ph
			ky0, ky1 := max(0, -iy0), min(kh, ih-iy0)
			if ky0 >= ky1 { // window entirely in padding
				for i := range yr {
					yr[i] = float32(math.Inf(-1))
				}
				continue
			}
			if kh == 3 && kw == 3 && sh == 2 && sw == 2 && ky0 == 0 && ky1 == 3 {
				// ResNet's stem pool: one fused pass over the three rows.
				r0, r1, r2 := xp[iy0*iw:(iy0+1)*iw], xp[(iy0+1)*iw:(iy0+2)*iw], xp[(iy0+2)*iw:(iy0+3)*iw]
				if ox1 > ox0 {
					c0 := ox0*2 - pw
					linalg.MaxPoolRow3S2(yr[ox0:ox1], r0[c0:], r1[c0:], r2[c0:])
				}
				r18MaxPoolEdges3(yr, r0, r1, r2, 0, ox0, pw)
				r18MaxPoolEdges3(yr, r0, r1, r2, ox1, ow, pw)
				continue
			}
			copy(vm, xp[(iy0+ky0)*iw:(iy0+ky0+1)*iw])
			for ky := ky0 + 1; ky < ky1; ky++ {
				linalg.MaxFloat32s(vm, vm, xp[(iy0+ky)*iw:(iy0+ky+1)*iw])
			}
			cvMaxPoolEdges(yr, vm, 0, ox0, kw, sw, pw, true)
			if sw > 1 && kw > 1 && ox1-ox0 > 8 {
				// Window maxima at every column with SIMD, then
				// every sw-th one.
				c0, n := ox0*sw-pw, (ox1-1-ox0)*sw+1
				h := hm[:n]
				linalg.MaxFloat32s(h, vm[c0:], vm[c0+1:])
				for k := 2; k < kw; k++ {
					linalg.MaxFloat32s(h, h, vm[c0+k:])
				}
				for ox := ox0; ox < ox1; ox++ {
					yr[ox] = h[(ox-ox0)*sw]
				}
			} else if kw == 3 {
				for ox := ox0; ox < ox1; ox++ {
					w := vm[ox*sw-pw : ox*sw-pw+3 : ox*sw-pw+3]
					yr[ox] = max(w[0], w[1], w[2])
				}
			} else {
				for ox := ox0; ox < ox1; ox++ {
					w := vm[ox*sw-pw : ox*sw-pw+kw]
					m := w[0]
					for _, v := range w[1:] {
						m = max(m, v)
					}
					yr[ox] = m
				}
			}
			cvMaxPoolEdges(yr, vm, ox1, ow, kw, sw, pw, true)
		}
	}
}

// r18MaxPoolEdges3 sets output columns [lo, hi) of a 3x3, stride-2 pool
// row from its three input rows, clipping each window to the row.
func r18MaxPoolEdges3(yr, r0, r1, r2 []float32, lo, hi, pw int) {
	iw := len(r0)
	r1, r2 = r1[:iw], r2[:iw]
	for ox := lo; ox < hi; ox++ {
		a, b := max(0, ox*2-pw), min(iw, ox*2-pw+3)
		if a >= b {
			yr[ox] = float32(math.Inf(-1))
			continue
		}
		m := r0[a]
		for c := a; c < b; c++ {
			m = max(m, r0[c], r1[c], r2[c])
		}
		yr[ox] = m
	}
}

// cvMaxPoolGeom unpacks the 2-D MaxPool geometry for the fast paths:
// output columns [ox0, ox1) have their whole window inside the row, and
// planes are split over threads in chunks of grain.
func cvMaxPoolGeom(ctx *Context, xs []int, g *cvGeom) (planes, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, ox0, ox1, threads, grain int) {
	planes, ih, iw = xs[0]*xs[1], xs[2], xs[3]
	oh, ow = g.out[0], g.out[1]
	kh, kw = g.kernel[0], g.kernel[1]
	sh, sw = g.strides[0], g.strides[1]
	ph, pw = g.padBegin[0], g.padBegin[1]
	ox0 = min(ow, (pw+sw-1)/sw)
	ox1 = ox0
	if iw-kw+pw >= 0 {
		ox1 = max(ox0, min(ow, (iw-kw+pw)/sw+1))
	}
	threads = 1
	if ctx != nil {
		threads = ctx.Threads
	}
	grain = max(1, (1<<16)/max(1, oh*ow*kh*kw))
	return
}

// cvMaxPoolEdges updates output columns [lo, hi) of one output row from
// one input row, clipping each window to the row.
func cvMaxPoolEdges[T float32 | uint8 | int8](yr, row []T, lo, hi, kw, sw, pw int, first bool) {
	iw := len(row)
	for ox := lo; ox < hi; ox++ {
		ix0 := ox*sw - pw
		a, b := max(0, ix0), min(iw, ix0+kw)
		if a >= b {
			if first {
				var v T
				if cvIsFloat[T]() {
					v = T(math.Inf(-1))
				}
				yr[ox] = v
			}
			continue
		}
		m := row[a]
		if !first {
			m = max(m, yr[ox])
		}
		for _, v := range row[a+1 : b] {
			m = max(m, v)
		}
		yr[ox] = m
	}
}

// cvIsFloat reports whether T is a float type.
func cvIsFloat[T tensor.Number]() bool {
	var one T = 1
	return one/2 != 0
}

// cvGlobalPool returns GlobalAveragePool or GlobalMaxPool.
func cvGlobalPool(kind string) func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		return cvGlobalPoolRun(ctx, in, kind, 2)
	}
}

func cvGlobalPoolRun(ctx *Context, in []*tensor.Tensor, kind string, p float64) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 2 {
		return nil, ctx.Errf("X%v needs rank >= 2: %w", xs, tensor.ErrShape)
	}
	dt := x.DType()
	if !dt.IsFloat() {
		return nil, DTypeErr(ctx, dt)
	}
	oshape := append(zaShapeBuf(ctx), xs[0], xs[1])
	for range xs[2:] {
		oshape = append(oshape, 1)
	}
	if _, err := alCheckShape(ctx, tensor.Float64, xs[:2]); err != nil {
		return nil, err
	}
	planes := xs[0] * xs[1]
	in0 := tensor.Size(xs[2:])
	if kind == "avg" && dt == tensor.Float32 {
		// The squeeze-and-excite pooling of mobile nets: float32 sums in
		// eight lanes, planes split over threads.
		y, err := ctx.NewTensor(dt, oshape...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		xd, yd := x.Float32s(), y.Float32s()
		if grain := max(1, 1<<15/max(1, in0)); zaSerialN(ctx, planes, grain) {
			for pl := range planes { // no closure: nothing escapes
				yd[pl] = cvMean32(xd[pl*in0 : (pl+1)*in0])
			}
		} else {
			ParallelFor(ctx.Threads, planes, grain, func(lo, hi int) {
				for pl := lo; pl < hi; pl++ {
					yd[pl] = cvMean32(xd[pl*in0 : (pl+1)*in0])
				}
			})
		}
		return ctx.One(y), nil
	}
	out := make([]float64, planes)
	var xd64 []float64
	var xd32 []float32
	if dt == tensor.Float64 {
		xd64 = tensor.Data[float64](x)
	} else {
		xd32 = tensor.ToFloat32(x)
	}
	for pl := 0; pl < planes; pl++ {
		var s float64
		if kind == "max" {
			s = math.Inf(-1)
		}
		for i := pl * in0; i < (pl+1)*in0; i++ {
			var v float64
			if xd64 != nil {
				v = xd64[i]
			} else {
				v = float64(xd32[i])
			}
			switch kind {
			case "max":
				if v > s || v != v {
					s = v
				}
			case "avg":
				s += v
			case "lp":
				s += math.Pow(math.Abs(v), p)
			}
		}
		switch kind {
		case "avg":
			s /= float64(in0)
		case "lp":
			s = math.Pow(s, 1/p)
		}
		out[pl] = s
	}
	y, err := ctx.NewTensor(dt, oshape...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	for i, v := range out {
		y.SetFloat64(i, v)
	}
	return One(y), nil
}

// cvMaxUnpool is a MaxUnpool node's kernel.
type cvMaxUnpool struct{ win cvWindow }

func cvNewMaxUnpool(n *ir.Node, opset int) (Kernel, error) {
	w, err := cvReadWindow(n)
	if err != nil {
		return nil, err
	}
	if w.kernel == nil {
		return nil, NodeErrf(n, "kernel_shape is required: %w", ir.ErrInvalidModel)
	}
	return &cvMaxUnpool{win: w}, nil
}

func (k *cvMaxUnpool) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x, ind := in[0], in[1]
	xs := x.Shape()
	if len(xs) < 3 || !tensor.SameShape(xs, ind.Shape()) {
		return nil, ctx.Errf("X%v and I%v must match with rank >= 3: %w", xs, ind.Shape(), tensor.ErrShape)
	}
	nd := len(xs) - 2
	if len(k.win.kernel) != nd {
		return nil, ctx.Errf("kernel_shape %v for %d spatial dims: %w", k.win.kernel, nd, ir.ErrInvalidModel)
	}
	strides, ok := cvDefault(k.win.strides, nd, 1)
	pads, ok2 := cvDefault(k.win.pads, 2*nd, 0)
	if !ok || !ok2 {
		return nil, ctx.Errf("strides/pads do not fit %d spatial dims: %w", nd, ir.ErrInvalidModel)
	}
	// The default output is the shape the pooled input had; indices refer
	// to it. An explicit output_shape keeps each element's coordinates.
	dshape := []int{xs[0], xs[1]}
	for i := 0; i < nd; i++ {
		dshape = append(dshape, (xs[2+i]-1)*strides[i]-pads[i]-pads[i+nd]+k.win.kernel[i])
	}
	oshape := dshape
	if osT := Opt(in, 2); osT != nil {
		v, err := ShapeArg(ctx, osT, "output_shape")
		if err != nil {
			return nil, err
		}
		if len(v) != len(xs) || int(v[0]) != xs[0] || int(v[1]) != xs[1] {
			return nil, ctx.Errf("output_shape %v for X%v: %w", v, xs, tensor.ErrShape)
		}
		oshape = Ints(v)
	}
	y, err := ctx.NewTensor(x.DType(), oshape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	idx, err := ind.AsInt64s()
	if err != nil {
		return nil, ctx.Errf("I: %w", err)
	}
	if !tensor.SameShape(oshape, dshape) {
		if idx, err = cvRemapIndices(idx, dshape, oshape); err != nil {
			return nil, ctx.Errf("I: %w", err)
		}
	}
	total := int64(y.Len())
	switch xd := x.Data().(type) {
	case []float32:
		err = cvScatter(xd, tensor.Data[float32](y), idx, total)
	case []float64:
		err = cvScatter(xd, tensor.Data[float64](y), idx, total)
	case []uint16:
		err = cvScatter(xd, tensor.Data[uint16](y), idx, total)
	case []int8:
		err = cvScatter(xd, tensor.Data[int8](y), idx, total)
	case []uint8:
		err = cvScatter(xd, tensor.Data[uint8](y), idx, total)
	case []int32:
		err = cvScatter(xd, tensor.Data[int32](y), idx, total)
	case []int64:
		err = cvScatter(xd, tensor.Data[int64](y), idx, total)
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(y), nil
}

func cvScatter[T any](x, y []T, idx []int64, total int64) error {
	for i, j := range idx {
		if j < 0 || j >= total {
			return tensor.ErrShape
		}
		y[j] = x[i]
	}
	return nil
}

// cvRemapIndices maps flat indices into shape from to flat indices into
// shape to with the same coordinates (an error when outside).
func cvRemapIndices(idx []int64, from, to []int) ([]int64, error) {
	out := make([]int64, len(idx))
	total := int64(tensor.Size(from))
	for i, j := range idx {
		if j < 0 || j >= total {
			return nil, tensor.ErrShape
		}
		r, f, mul := j, int64(0), int64(1)
		for d := len(from) - 1; d >= 0; d-- {
			c := r % int64(from[d])
			r /= int64(from[d])
			if c >= int64(to[d]) {
				return nil, tensor.ErrShape
			}
			f += c * mul
			mul *= int64(to[d])
		}
		out[i] = f
	}
	return out, nil
}

// cvMean32 is the mean of x (NaN for empty x, as 0/0), summed in
// float32 lanes by linalg.Sum32 (vectorised: squeeze-excite pooling reads
// whole feature maps).
func cvMean32(x []float32) float32 {
	return float32(float64(linalg.Sum32(x)) / float64(len(x)))
}

// rcAvgFits reports whether every 2-D pooling window lies inside the
// input (no padding, no partial ceil-mode window, unit dilation), where
// the average is over the full window whatever count_include_pad says.
func rcAvgFits(xs []int, g *cvGeom) bool {
	for d := 0; d < 2; d++ {
		if g.dilations[d] != 1 || g.padBegin[d] != 0 || g.out[d] < 1 || (g.out[d]-1)*g.strides[d]+g.kernel[d] > xs[2+d] {
			return false
		}
	}
	return true
}

// rcAvgPool2D is AveragePool over NCHW float32 planes whose windows all
// fit (rcAvgFits): the same float64 sums in the same order as cvAvgLp,
// without window tables, planes split over threads.
func rcAvgPool2D(ctx *Context, x, y []float32, xs []int, g *cvGeom) {
	planes, ih, iw := xs[0]*xs[1], xs[2], xs[3]
	oh, ow, kh, kw, sh, sw := g.out[0], g.out[1], g.kernel[0], g.kernel[1], g.strides[0], g.strides[1]
	inv := float64(kh * kw)
	body := func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x[pl*ih*iw : (pl+1)*ih*iw]
			yp := y[pl*oh*ow : (pl+1)*oh*ow]
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					var s float64
					for ky := 0; ky < kh; ky++ {
						row := xp[(oy*sh+ky)*iw+ox*sw:][:kw]
						for _, v := range row {
							s += float64(v)
						}
					}
					yp[oy*ow+ox] = float32(s / inv)
				}
			}
		}
	}
	grain := max(1, ewGrain/max(1, ih*iw))
	if zaSerialN(ctx, planes, grain) {
		body(0, planes)
		return
	}
	ctx.Parallel(planes, grain, body)
}
