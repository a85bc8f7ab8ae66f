package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Reductions: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd,
// ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare, and
// ArgMax/ArgMin.
//
// A reduction walks its input once in memory order. Adjacent dims with the
// same role (kept or reduced) are merged first, so the common layouts become
// (outer, reduced, inner) and the innermost merged dim is a tight loop:
// either a running reduction into one accumulator (innermost reduced) or an
// element-wise update of a row of accumulators (innermost kept). Floats
// accumulate in float64, integers in int64/uint64 (wrapping like numpy then
// casting back).

type imReduceKind int

const (
	imRSum imReduceKind = iota
	imRMean
	imRMax
	imRMin
	imRProd
	imRL1
	imRL2
	imRLogSum
	imRLogSumExp
	imRSumSquare
)

func init() {
	type def struct {
		name      string
		kind      imReduceKind
		axesInput int // opset from which axes is an input
		opsets    []int
	}
	defs := []def{
		{"ReduceSum", imRSum, 13, []int{1, 11, 13}},
		{"ReduceMean", imRMean, 18, []int{1, 11, 13, 18}},
		{"ReduceMax", imRMax, 18, []int{1, 11, 12, 13, 18, 20}},
		{"ReduceMin", imRMin, 18, []int{1, 11, 12, 13, 18, 20}},
		{"ReduceProd", imRProd, 18, []int{1, 11, 13, 18}},
		{"ReduceL1", imRL1, 18, []int{1, 11, 13, 18}},
		{"ReduceL2", imRL2, 18, []int{1, 11, 13, 18}},
		{"ReduceLogSum", imRLogSum, 18, []int{1, 11, 13, 18}},
		{"ReduceLogSumExp", imRLogSumExp, 18, []int{1, 11, 13, 18}},
		{"ReduceSumSquare", imRSumSquare, 18, []int{1, 11, 13, 18}},
	}
	for _, d := range defs {
		d := d
		for _, since := range d.opsets {
			Register("", d.name, since, func(n *ir.Node, opset int) (Kernel, error) {
				return imNewReduce(n, opset, d.kind, d.axesInput)
			})
		}
	}
	for _, since := range []int{1, 11, 12, 13} {
		Register("", "ArgMax", since, func(n *ir.Node, opset int) (Kernel, error) { return imNewArg(n, true) })
		Register("", "ArgMin", since, func(n *ir.Node, opset int) (Kernel, error) { return imNewArg(n, false) })
	}
}

type imReduce struct {
	kind      imReduceKind
	axesAttr  []int64
	axesInput bool
	keepdims  bool
	noop      bool
}

func imNewReduce(n *ir.Node, opset int, kind imReduceKind, axesInputSince int) (Kernel, error) {
	k := &imReduce{
		kind:      kind,
		keepdims:  n.AttrInt("keepdims", 1) != 0,
		axesInput: opset >= axesInputSince,
	}
	if k.axesInput {
		k.noop = n.AttrInt("noop_with_empty_axes", 0) != 0
	} else {
		k.axesAttr = n.AttrInts("axes")
	}
	return k, nil
}

// Run reduces in[0] over the axes.
func (k *imReduce) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	axes := k.axesAttr
	if k.axesInput {
		var err error
		if axes, err = ShapeArg(ctx, Opt(in, 1), "axes"); err != nil {
			return nil, err
		}
		if len(axes) == 0 && k.noop {
			return One(x), nil
		}
	}
	rank := x.Rank()
	mask := make([]bool, rank)
	if len(axes) == 0 {
		for i := range mask {
			mask[i] = true
		}
	}
	for _, a := range axes {
		ax, err := tensor.NormAxis(int(a), rank)
		if err != nil {
			return nil, ctx.Errf("axes %v: %w", axes, err)
		}
		if rank > 0 {
			mask[ax] = true
		}
	}
	var outShape []int
	for i, d := range x.Shape() {
		switch {
		case !mask[i]:
			outShape = append(outShape, d)
		case k.keepdims:
			outShape = append(outShape, 1)
		}
	}
	// Output and float64/int64 accumulators: an empty input does not bound
	// the kept dims.
	if _, err := alCheckShape(ctx, tensor.Float64, outShape); err != nil {
		return nil, err
	}
	g := imReduceGeom(x.Shape(), mask)
	dt := x.DType()
	var out *tensor.Tensor
	var err error
	switch dt {
	case tensor.Float32:
		out, err = imReduceFloat(k.kind, g, tensor.Data[float32](x), dt, outShape)
	case tensor.Float64:
		out, err = imReduceFloat(k.kind, g, tensor.Data[float64](x), dt, outShape)
	case tensor.Float16, tensor.BFloat16:
		var o *tensor.Tensor
		o, err = imReduceFloat(k.kind, g, tensor.ToFloat32(x), tensor.Float32, outShape)
		if err == nil {
			out, err = tensor.FromFloat32(dt, outShape, o.Float32s())
		}
	case tensor.Int8:
		out, err = imReduceInt(k.kind, g, tensor.Data[int8](x), dt, outShape)
	case tensor.Int16:
		out, err = imReduceInt(k.kind, g, tensor.Data[int16](x), dt, outShape)
	case tensor.Int32:
		out, err = imReduceInt(k.kind, g, tensor.Data[int32](x), dt, outShape)
	case tensor.Int64:
		out, err = imReduceInt(k.kind, g, tensor.Data[int64](x), dt, outShape)
	case tensor.Uint8:
		out, err = imReduceUint(k.kind, g, tensor.Data[uint8](x), dt, outShape)
	case tensor.Uint16:
		out, err = imReduceUint(k.kind, g, tensor.Data[uint16](x), dt, outShape)
	case tensor.Uint32:
		out, err = imReduceUint(k.kind, g, tensor.Data[uint32](x), dt, outShape)
	case tensor.Uint64:
		out, err = imReduceUint(k.kind, g, tensor.Data[uint64](x), dt, outShape)
	case tensor.Bool:
		// ReduceMax/ReduceMin accept bool (opset 20): any / all.
		if k.kind != imRMax && k.kind != imRMin {
			return nil, DTypeErr(ctx, dt)
		}
		b := tensor.Data[bool](x)
		u := make([]uint8, len(b))
		for i, v := range b {
			if v {
				u[i] = 1
			}
		}
		var o *tensor.Tensor
		if o, err = imReduceUint(k.kind, g, u, tensor.Uint8, outShape); err == nil {
			out, err = tensor.Cast(o, tensor.Bool)
		}
	default:
		return nil, DTypeErr(ctx, dt)
	}
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(out), nil
}

// imGeom is an input shape with adjacent dims of the same role merged.
type imGeom struct {
	dims   []int  // merged dims
	red    []bool // merged dim is reduced
	outStr []int  // output stride of each merged dim (0 when reduced)
	outLen int    // number of output elements
	count  int    // elements reduced into each output
	inLen  int    // number of input elements
}

func imReduceGeom(shape []int, mask []bool) imGeom {
	var g imGeom
	g.count, g.outLen, g.inLen = 1, 1, 1
	for i, d := range shape {
		g.inLen *= d
		if mask[i] {
			g.count *= d
		} else {
			g.outLen *= d
		}
		if d == 1 {
			continue // size-1 dims change nothing
		}
		if n := len(g.dims); n > 0 && g.red[n-1] == mask[i] {
			g.dims[n-1] *= d
			continue
		}
		g.dims = append(g.dims, d)
		g.red = append(g.red, mask[i])
	}
	if len(g.dims) == 0 {
		g.dims, g.red = []int{1}, []bool{true}
	}
	g.outStr = make([]int, len(g.dims))
	acc := 1
	for i := len(g.dims) - 1; i >= 0; i-- {
		if !g.red[i] {
			g.outStr[i] = acc
			acc *= g.dims[i]
		}
	}
	return g
}

// imWalk calls row(off, n, o, inner) for each innermost run of the input:
// elements x[off:off+n] map to accumulator o (innermost dim reduced) or to
// accumulators o..o+n-1 (innermost dim kept, inner == true).
func imWalk(g imGeom, row func(off, n, o int, inner bool)) {
	if g.inLen == 0 {
		return
	}
	r := len(g.dims)
	last := g.dims[r-1]
	inner := !g.red[r-1]
	idx := make([]int, r)
	o := 0
	for off := 0; off < g.inLen; off += last {
		row(off, last, o, inner)
		// advance the odometer over dims [0, r-1)
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			o += g.outStr[d]
			if idx[d] < g.dims[d] {
				break
			}
			o -= g.outStr[d] * idx[d]
			idx[d] = 0
		}
	}
}

// imReduceFloat reduces a float32/float64 slice with float64 accumulators.
func imReduceFloat[T float32 | float64](kind imReduceKind, g imGeom, x []T, dt tensor.DType, outShape []int) (*tensor.Tensor, error) {
	out, err := tensor.New(dt, outShape...)
	if err != nil {
		return nil, err
	}
	acc := make([]float64, g.outLen)
	var mx []float64
	switch kind {
	case imRMax, imRLogSumExp:
		imFill(acc, math.Inf(-1))
	case imRMin:
		imFill(acc, math.Inf(1))
	case imRProd:
		imFill(acc, 1)
	}
	if kind == imRLogSumExp {
		imWalk(g, func(off, n, o int, inner bool) { imRowExtF(acc, x, off, n, o, inner, true) })
		mx = acc
		acc = make([]float64, g.outLen)
		// Infinite maxima would turn exp(x-max) into NaN; shift by 0 there.
		for i, m := range mx {
			if math.IsInf(m, 0) {
				mx[i] = 0
			}
		}
	}
	imWalk(g, func(off, n, o int, inner bool) {
		xs := x[off : off+n]
		if inner {
			a := acc[o : o+n]
			switch kind {
			case imRSum, imRMean:
				for i, v := range xs {
					a[i] += float64(v)
				}
			case imRProd:
				for i, v := range xs {
					a[i] *= float64(v)
				}
			case imRL1:
				for i, v := range xs {
					a[i] += math.Abs(float64(v))
				}
			case imRL2, imRSumSquare:
				for i, v := range xs {
					a[i] += float64(v) * float64(v)
				}
			case imRLogSum:
				for i, v := range xs {
					a[i] += float64(v)
				}
			case imRLogSumExp:
				m := mx[o : o+n]
				for i, v := range xs {
					a[i] += math.Exp(float64(v) - m[i])
				}
			case imRMax, imRMin:
				imRowExtF(acc, x, off, n, o, inner, kind == imRMax)
			}
			return
		}
		s := acc[o]
		switch kind {
		case imRSum, imRMean, imRLogSum:
			for _, v := range xs {
				s += float64(v)
			}
		case imRProd:
			for _, v := range xs {
				s *= float64(v)
			}
		case imRL1:
			for _, v := range xs {
				s += math.Abs(float64(v))
			}
		case imRL2, imRSumSquare:
			for _, v := range xs {
				s += float64(v) * float64(v)
			}
		case imRLogSumExp:
			m := mx[o]
			for _, v := range xs {
				s += math.Exp(float64(v) - m)
			}
		case imRMax, imRMin:
			imRowExtF(acc, x, off, n, o, false, kind == imRMax)
			return
		}
		acc[o] = s
	})
	od := tensor.Data[T](out)
	for i, a := range acc {
		switch kind {
		case imRMean:
			a /= float64(g.count)
		case imRL2:
			a = math.Sqrt(a)
		case imRLogSum:
			a = math.Log(a)
		case imRLogSumExp:
			a = math.Log(a) + mx[i]
		}
		od[i] = T(a)
	}
	return out, nil
}

// imRowExtF folds one input run into max (isMax) or min accumulators;
// NaN wins and stays.
func imRowExtF[T float32 | float64](acc []float64, x []T, off, n, o int, inner, isMax bool) {
	xs := x[off : off+n]
	if inner {
		a := acc[o : o+n]
		for i, v := range xs {
			f := float64(v)
			if f != f || (isMax && f > a[i]) || (!isMax && f < a[i]) {
				a[i] = f
			}
		}
		return
	}
	s := acc[o]
	for _, v := range xs {
		f := float64(v)
		if f != f || (isMax && f > s) || (!isMax && f < s) {
			s = f
		}
	}
	acc[o] = s
}

func imFill[T any](a []T, v T) {
	for i := range a {
		a[i] = v
	}
}

// imReduceInt reduces a signed integer slice with int64 accumulators
// (float64 for L2, LogSum and LogSumExp); results are cast back to T.
func imReduceInt[T int8 | int16 | int32 | int64](kind imReduceKind, g imGeom, x []T, dt tensor.DType, outShape []int) (*tensor.Tensor, error) {
	switch kind {
	case imRL2, imRLogSum, imRLogSumExp:
		return imReduceIntViaFloat(kind, g, x, dt, outShape)
	}
	lo, hi := dt.IntRange()
	return imReduceInteger[T, int64](kind, g, x, dt, outShape, lo, hi)
}

// imReduceUint is imReduceInt for unsigned types (uint64 accumulators).
func imReduceUint[T uint8 | uint16 | uint32 | uint64](kind imReduceKind, g imGeom, x []T, dt tensor.DType, outShape []int) (*tensor.Tensor, error) {
	switch kind {
	case imRL2, imRLogSum, imRLogSumExp:
		return imReduceIntViaFloat(kind, g, x, dt, outShape)
	}
	_, hi := dt.IntRange()
	h := uint64(hi)
	if dt == tensor.Uint64 {
		h = math.MaxUint64
	}
	return imReduceInteger[T, uint64](kind, g, x, dt, outShape, 0, h)
}

func imReduceIntViaFloat[T tensor.Number](kind imReduceKind, g imGeom, x []T, dt tensor.DType, outShape []int) (*tensor.Tensor, error) {
	f := make([]float64, len(x))
	for i, v := range x {
		f[i] = float64(v)
	}
	o, err := imReduceFloat(kind, g, f, tensor.Float64, outShape)
	if err != nil {
		return nil, err
	}
	return tensor.Cast(o, dt)
}

func imReduceInteger[T tensor.Number, A int64 | uint64](kind imReduceKind, g imGeom, x []T, dt tensor.DType, outShape []int, lo, hi A) (*tensor.Tensor, error) {
	out, err := tensor.New(dt, outShape...)
	if err != nil {
		return nil, err
	}
	acc := make([]A, g.outLen)
	switch kind {
	case imRMax:
		imFill(acc, lo)
	case imRMin:
		imFill(acc, hi)
	case imRProd:
		imFill(acc, 1)
	}
	imWalk(g, func(off, n, o int, inner bool) {
		xs := x[off : off+n]
		if inner {
			a := acc[o : o+n]
			switch kind {
			case imRSum, imRMean:
				for i, v := range xs {
					a[i] += A(v)
				}
			case imRProd:
				for i, v := range xs {
					a[i] *= A(v)
				}
			case imRL1:
				for i, v := range xs {
					a[i] += imAbs(A(v))
				}
			case imRSumSquare:
				for i, v := range xs {
					a[i] += A(v) * A(v)
				}
			case imRMax:
				for i, v := range xs {
					if A(v) > a[i] {
						a[i] = A(v)
					}
				}
			case imRMin:
				for i, v := range xs {
					if A(v) < a[i] {
						a[i] = A(v)
					}
				}
			}
			return
		}
		s := acc[o]
		switch kind {
		case imRSum, imRMean:
			for _, v := range xs {
				s += A(v)
			}
		case imRProd:
			for _, v := range xs {
				s *= A(v)
			}
		case imRL1:
			for _, v := range xs {
				s += imAbs(A(v))
			}
		case imRSumSquare:
			for _, v := range xs {
				s += A(v) * A(v)
			}
		case imRMax:
			for _, v := range xs {
				if A(v) > s {
					s = A(v)
				}
			}
		case imRMin:
			for _, v := range xs {
				if A(v) < s {
					s = A(v)
				}
			}
		}
		acc[o] = s
	})
	od := tensor.Data[T](out)
	for i, a := range acc {
		if kind == imRMean {
			if g.count == 0 {
				a = 0
			} else {
				a /= A(g.count)
			}
		}
		od[i] = T(a)
	}
	return out, nil
}

func imAbs[A int64 | uint64](v A) A {
	if v < 0 {
		return -v
	}
	return v
}

// imArg is ArgMax / ArgMin.
type imArg struct {
	isMax    bool
	axis     int
	keepdims bool
	last     bool
}

func imNewArg(n *ir.Node, isMax bool) (Kernel, error) {
	return &imArg{
		isMax:    isMax,
		axis:     int(n.AttrInt("axis", 0)),
		keepdims: n.AttrInt("keepdims", 1) != 0,
		last:     n.AttrInt("select_last_index", 0) != 0,
	}, nil
}

// Run computes the index of the largest (smallest) element along the axis.
func (k *imArg) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	shape := x.Shape()
	if x.Rank() == 0 {
		return nil, ctx.Errf("input is a scalar: %w", tensor.ErrShape)
	}
	ax, err := tensor.NormAxis(k.axis, x.Rank())
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	outer, inner := 1, 1
	for i := 0; i < ax; i++ {
		outer *= shape[i]
	}
	for i := ax + 1; i < len(shape); i++ {
		inner *= shape[i]
	}
	r := shape[ax]
	if r == 0 && outer*inner > 0 {
		return nil, ctx.Errf("%s over an empty axis %d of %v: %w", ctx.Node.OpType, ax, shape, tensor.ErrShape)
	}
	var outShape []int
	for i, d := range shape {
		switch {
		case i != ax:
			outShape = append(outShape, d)
		case k.keepdims:
			outShape = append(outShape, 1)
		}
	}
	out, err := ctx.NewTensor(tensor.Int64, outShape...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	od := out.Int64s()
	switch x.DType() {
	case tensor.Float32:
		imArgRun(tensor.Data[float32](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Float64:
		imArgRun(tensor.Data[float64](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Float16, tensor.BFloat16:
		imArgRun(tensor.ToFloat32(x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Int8:
		imArgRun(tensor.Data[int8](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Int16:
		imArgRun(tensor.Data[int16](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Int32:
		imArgRun(tensor.Data[int32](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Int64:
		imArgRun(tensor.Data[int64](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Uint8:
		imArgRun(tensor.Data[uint8](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Uint16:
		imArgRun(tensor.Data[uint16](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Uint32:
		imArgRun(tensor.Data[uint32](x), od, outer, r, inner, k.isMax, k.last)
	case tensor.Uint64:
		imArgRun(tensor.Data[uint64](x), od, outer, r, inner, k.isMax, k.last)
	default:
		return nil, DTypeErr(ctx, x.DType())
	}
	return One(out), nil
}

// imArgRun writes, for each (outer, inner) pair, the index along the middle
// axis of the extreme value. Ties go to the first index, or the last with
// last set. NaN counts as the extreme (numpy's rule).
func imArgRun[T tensor.Number](x []T, out []int64, outer, r, inner int, isMax, last bool) {
	for o := 0; o < outer; o++ {
		base := o * r * inner
		res := out[o*inner : (o+1)*inner]
		for i := range res {
			best := x[base+i]
			bi := 0
			if best != best {
				res[i] = 0
				continue
			}
			for j := 1; j < r; j++ {
				v := x[base+j*inner+i]
				if v != v {
					bi = j
					break
				}
				var better bool
				if isMax {
					better = v > best || (last && v == best)
				} else {
					better = v < best || (last && v == best)
				}
				if better {
					best, bi = v, j
				}
			}
			res[i] = int64(bi)
		}
	}
}
