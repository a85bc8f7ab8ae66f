package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Normalisations: BatchNormalization, InstanceNormalization,
// LayerNormalization, GroupNormalization, LRN, MeanVarianceNormalization,
// LpNormalization. They compute in float64 and store in the input's type.

func init() {
	Register("", "BatchNormalization", 1, cvNewBatchNorm)
	Register("", "InstanceNormalization", 1, cvNewInstanceNorm)
	Register("", "LayerNormalization", 17, cvNewLayerNorm)
	Register("", "GroupNormalization", 18, cvNewGroupNorm)
	Register("", "LRN", 1, cvNewLRN)
	Register("", "MeanVarianceNormalization", 1, cvNewMVN)
	Register("", "LpNormalization", 1, cvNewLpNorm)
}

// cvToF64 converts a float tensor's elements to float64.
func cvToF64(ctx *Context, t *tensor.Tensor, what string) ([]float64, error) {
	if !t.DType().IsFloat() {
		return nil, ctx.Errf("%s dtype %v: %w", what, t.DType(), ErrUnsupported)
	}
	if d, ok := t.Data().([]float64); ok {
		return d, nil
	}
	f := tensor.ToFloat32(t)
	out := make([]float64, len(f))
	for i, v := range f {
		out[i] = float64(v)
	}
	return out, nil
}

// cvFromF64 builds a tensor of float type dt from float64 values.
func cvFromF64(ctx *Context, dt tensor.DType, shape []int, v []float64) (*tensor.Tensor, error) {
	if dt == tensor.Float64 {
		t, err := tensor.FromData(dt, shape, v)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return t, nil
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	t, err := tensor.FromFloat32(dt, shape, f)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return t, nil
}

// cvMeanVar returns the mean and population variance of x.
func cvMeanVar(x []float64) (mean, variance float64) {
	if len(x) == 0 {
		return 0, 0
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		d := v - mean
		variance += d * d
	}
	return mean, variance / float64(len(x))
}

// cvBatchNorm is a BatchNormalization node's kernel.
type cvBatchNorm struct {
	eps, momentum float64
	training      bool
	spatial       bool
}

func cvNewBatchNorm(n *ir.Node, opset int) (Kernel, error) {
	k := &cvBatchNorm{
		eps:      float64(n.AttrFloat("epsilon", 1e-5)),
		momentum: float64(n.AttrFloat("momentum", 0.9)),
		training: opset >= 14 && n.AttrInt("training_mode", 0) != 0,
		spatial:  opset >= 9 || n.AttrInt("spatial", 1) != 0,
	}
	return k, nil
}

func (k *cvBatchNorm) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 5); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 1 {
		return nil, ctx.Errf("X%v: %w", xs, tensor.ErrShape)
	}
	n, c := xs[0], 1
	if len(xs) > 1 {
		c = xs[1]
	}
	// Per-channel parameters; with spatial=0 (old opsets) one per
	// (channel, position).
	inner := 1
	if len(xs) > 2 {
		inner = tensor.Size(xs[2:])
	}
	pc := c
	if !k.spatial {
		pc = c * inner
	}
	var ps [4][]float64
	for i := range ps {
		p := in[i+1]
		if p.Len() != pc {
			return nil, ctx.Errf("parameter %d has shape %v, want %d values: %w", i+1, p.Shape(), pc, tensor.ErrShape)
		}
		v, err := cvToF64(ctx, p, "parameter")
		if err != nil {
			return nil, err
		}
		ps[i] = v
	}
	scale, bias, mean, variance := ps[0], ps[1], ps[2], ps[3]
	if !k.training && k.spatial && x.DType() == tensor.Float32 {
		return cvBatchNormF32(ctx, x, c, inner, scale, bias, mean, variance, k.eps)
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	var outs []*tensor.Tensor
	if k.training {
		// Batch statistics per channel, then running statistics.
		bm, bv := make([]float64, c), make([]float64, c)
		cnt := float64(n * inner)
		for ch := 0; ch < c; ch++ {
			var s float64
			for b := 0; b < n; b++ {
				for _, v := range xd[(b*c+ch)*inner : (b*c+ch+1)*inner] {
					s += v
				}
			}
			m := s / cnt
			var q float64
			for b := 0; b < n; b++ {
				for _, v := range xd[(b*c+ch)*inner : (b*c+ch+1)*inner] {
					q += (v - m) * (v - m)
				}
			}
			bm[ch], bv[ch] = m, q/cnt
		}
		rm, rv := make([]float64, c), make([]float64, c)
		for ch := 0; ch < c; ch++ {
			rm[ch] = mean[ch]*k.momentum + bm[ch]*(1-k.momentum)
			rv[ch] = variance[ch]*k.momentum + bv[ch]*(1-k.momentum)
		}
		mean, variance = bm, bv
		for i, v := range [][]float64{rm, rv} {
			t, err := cvFromF64(ctx, in[3+i].DType(), in[3+i].Shape(), v)
			if err != nil {
				return nil, err
			}
			outs = append(outs, t)
		}
	}
	y := make([]float64, len(xd))
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			base := (b*c + ch) * inner
			for i := 0; i < inner; i++ {
				p := ch
				if !k.spatial {
					p = ch*inner + i
				}
				y[base+i] = (xd[base+i]-mean[p])/math.Sqrt(variance[p]+k.eps)*scale[p] + bias[p]
			}
		}
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	return append([]*tensor.Tensor{yt}, outs...), nil
}

// cvBatchNormF32 is inference BatchNormalization on float32: the
// per-channel affine y = x*a + b with a = scale/sqrt(var+eps) and
// b = bias - mean*a computed once in float64, split over planes.
func cvBatchNormF32(ctx *Context, x *tensor.Tensor, c, inner int, scale, bias, mean, variance []float64, eps float64) ([]*tensor.Tensor, error) {
	y, err := ctx.NewTensor(tensor.Float32, x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	a, b := make([]float32, c), make([]float32, c)
	for ch := range a {
		s := scale[ch] / math.Sqrt(variance[ch]+eps)
		a[ch], b[ch] = float32(s), float32(bias[ch]-mean[ch]*s)
	}
	xd, yd := x.Float32s(), y.Float32s()
	planes := 0
	if inner > 0 {
		planes = len(xd) / inner
	}
	ParallelFor(ctx.Threads, planes, max(1, 1<<15/max(1, inner)), func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			av, bv := a[pl%c], b[pl%c]
			yp := yd[pl*inner : (pl+1)*inner]
			for i, v := range xd[pl*inner : (pl+1)*inner] {
				yp[i] = v*av + bv
			}
		}
	})
	return One(y), nil
}

// cvNormGroups normalises x in contiguous groups of size inner (mean 0,
// variance 1, then eps), returning y and per-group mean and 1/std.
func cvNormGroups(x []float64, inner int, eps float64) (y, mean, inv []float64) {
	y = make([]float64, len(x))
	groups := 0
	if inner > 0 {
		groups = len(x) / inner
	}
	mean, inv = make([]float64, groups), make([]float64, groups)
	for g := 0; g < groups; g++ {
		seg := x[g*inner : (g+1)*inner]
		m, v := cvMeanVar(seg)
		is := 1 / math.Sqrt(v+eps)
		mean[g], inv[g] = m, is
		out := y[g*inner : (g+1)*inner]
		for i, xv := range seg {
			out[i] = (xv - m) * is
		}
	}
	return y, mean, inv
}

type cvInstanceNorm struct{ eps float64 }

func cvNewInstanceNorm(n *ir.Node, opset int) (Kernel, error) {
	return &cvInstanceNorm{eps: float64(n.AttrFloat("epsilon", 1e-5))}, nil
}

func (k *cvInstanceNorm) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 2 {
		return nil, ctx.Errf("X%v needs rank >= 2: %w", xs, tensor.ErrShape)
	}
	c := xs[1]
	if in[1].Len() != c || in[2].Len() != c {
		return nil, ctx.Errf("scale%v, B%v for %d channels: %w", in[1].Shape(), in[2].Shape(), c, tensor.ErrShape)
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	scale, err := cvToF64(ctx, in[1], "scale")
	if err != nil {
		return nil, err
	}
	bias, err := cvToF64(ctx, in[2], "B")
	if err != nil {
		return nil, err
	}
	inner := tensor.Size(xs[2:])
	y, _, _ := cvNormGroups(xd, inner, k.eps)
	for i := range y {
		ch := (i / max(inner, 1)) % c
		y[i] = y[i]*scale[ch] + bias[ch]
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	return One(yt), nil
}

type cvLayerNorm struct {
	axis int
	eps  float64
}

func cvNewLayerNorm(n *ir.Node, opset int) (Kernel, error) {
	return &cvLayerNorm{axis: int(n.AttrInt("axis", -1)), eps: float64(n.AttrFloat("epsilon", 1e-5))}, nil
}

// cvBroadcastTo expands v (shape s) to shape out by unidirectional
// broadcasting; nil v stays nil.
func cvBroadcastTo(ctx *Context, v []float64, s, out []int, what string) ([]float64, error) {
	if v == nil {
		return nil, nil
	}
	if b, err := tensor.Broadcast(s, out); err != nil || !tensor.SameShape(b, out) {
		return nil, ctx.Errf("%s%v does not broadcast to %v: %w", what, s, out, tensor.ErrShape)
	}
	if tensor.SameShape(s, out) {
		return v, nil
	}
	st := tensor.BroadcastStrides(s, out)
	n := tensor.Size(out)
	r := make([]float64, n)
	idx := make([]int, len(out))
	for i := 0; i < n; i++ {
		off := 0
		for d := range idx {
			off += idx[d] * st[d]
		}
		r[i] = v[off]
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < out[d] {
				break
			}
			idx[d] = 0
		}
	}
	return r, nil
}

func (k *cvLayerNorm) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	axis, err := tensor.NormAxis(k.axis, len(xs))
	if err != nil {
		return nil, ctx.Errf("axis: %w", err)
	}
	if y, ok, err := zaLayerNormF32(ctx, k.eps, axis, in); err != nil {
		return nil, err
	} else if ok {
		return ctx.One(y), nil // float32 fast path: no scratch, arena output
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	norm := xs[axis:]
	inner := tensor.Size(norm)
	sc, err := cvToF64(ctx, in[1], "Scale")
	if err != nil {
		return nil, err
	}
	if sc, err = cvBroadcastTo(ctx, sc, in[1].Shape(), norm, "Scale"); err != nil {
		return nil, err
	}
	var bias []float64
	if b := Opt(in, 2); b != nil {
		if bias, err = cvToF64(ctx, b, "B"); err != nil {
			return nil, err
		}
		if bias, err = cvBroadcastTo(ctx, bias, b.Shape(), norm, "B"); err != nil {
			return nil, err
		}
	}
	y, mean, inv := cvNormGroups(xd, inner, k.eps)
	for i := range y {
		j := i % max(inner, 1)
		y[i] *= sc[j]
		if bias != nil {
			y[i] += bias[j]
		}
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	outs := []*tensor.Tensor{yt}
	if len(ctx.Node.Outputs) > 1 {
		// Mean and InvStdDev: X's shape with the normalised dims set to 1,
		// in stash_type (float32).
		ss := append([]int{}, xs...)
		for d := axis; d < len(ss); d++ {
			ss[d] = 1
		}
		for _, v := range [][]float64{mean, inv} {
			t, err := cvFromF64(ctx, tensor.Float32, ss, v)
			if err != nil {
				return nil, err
			}
			outs = append(outs, t)
		}
	}
	return outs, nil
}

type cvGroupNorm struct {
	groups   int
	eps      float64
	perGroup bool // opset 18: scale and bias have one value per group
}

func cvNewGroupNorm(n *ir.Node, opset int) (Kernel, error) {
	a := n.Attr("num_groups")
	if a == nil || a.I < 1 {
		return nil, NodeErrf(n, "num_groups must be >= 1: %w", ir.ErrInvalidModel)
	}
	return &cvGroupNorm{groups: int(a.I), eps: float64(n.AttrFloat("epsilon", 1e-5)), perGroup: opset < 21}, nil
}

func (k *cvGroupNorm) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 2 || xs[1]%k.groups != 0 {
		return nil, ctx.Errf("X%v does not split into %d groups: %w", xs, k.groups, tensor.ErrShape)
	}
	c := xs[1]
	want := c
	if k.perGroup {
		want = k.groups
	}
	// Accept either layout, as files in the wild mix them up.
	if in[1].Len() != want && in[1].Len() != c && in[1].Len() != k.groups {
		return nil, ctx.Errf("scale%v for %d channels, %d groups: %w", in[1].Shape(), c, k.groups, tensor.ErrShape)
	}
	if in[2].Len() != in[1].Len() {
		return nil, ctx.Errf("bias%v and scale%v differ: %w", in[2].Shape(), in[1].Shape(), tensor.ErrShape)
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	scale, err := cvToF64(ctx, in[1], "scale")
	if err != nil {
		return nil, err
	}
	bias, err := cvToF64(ctx, in[2], "bias")
	if err != nil {
		return nil, err
	}
	spatial := tensor.Size(xs[2:])
	y, _, _ := cvNormGroups(xd, c/k.groups*spatial, k.eps)
	cpg := c / k.groups
	for i := range y {
		ch := (i / max(spatial, 1)) % c
		p := ch
		if len(scale) != c {
			p = ch / cpg
		}
		y[i] = y[i]*scale[p] + bias[p]
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	return One(yt), nil
}

type cvLRN struct {
	size              int
	alpha, beta, bias float64
}

func cvNewLRN(n *ir.Node, opset int) (Kernel, error) {
	a := n.Attr("size")
	if a == nil || a.I < 1 {
		return nil, NodeErrf(n, "size must be >= 1: %w", ir.ErrInvalidModel)
	}
	return &cvLRN{size: int(a.I), alpha: float64(n.AttrFloat("alpha", 1e-4)), beta: float64(n.AttrFloat("beta", 0.75)), bias: float64(n.AttrFloat("bias", 1))}, nil
}

func (k *cvLRN) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 2 {
		return nil, ctx.Errf("X%v needs rank >= 2: %w", xs, tensor.ErrShape)
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	n, c, inner := xs[0], xs[1], tensor.Size(xs[2:])
	lo, hi := (k.size-1)/2, (k.size-1+1)/2 // floor and ceil of (size-1)/2
	y := make([]float64, len(xd))
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for i := 0; i < inner; i++ {
				var s float64
				for cc := max(0, ch-lo); cc <= min(c-1, ch+hi); cc++ {
					v := xd[(b*c+cc)*inner+i]
					s += v * v
				}
				p := (b*c+ch)*inner + i
				y[p] = xd[p] / math.Pow(k.bias+k.alpha/float64(k.size)*s, k.beta)
			}
		}
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	return One(yt), nil
}

type cvMVN struct{ axes []int64 }

func cvNewMVN(n *ir.Node, opset int) (Kernel, error) {
	axes := n.AttrInts("axes")
	if axes == nil {
		axes = []int64{0, 2, 3}
	}
	return &cvMVN{axes: axes}, nil
}

// cvReduceIndex maps each flat index of shape to the flat index of its
// group when the given axes are reduced, and returns the group count.
func cvReduceIndex(shape []int, reduced []bool) ([]int, int) {
	n := tensor.Size(shape)
	out := make([]int, n)
	idx := make([]int, len(shape))
	groups := 1
	for d, s := range shape {
		if !reduced[d] {
			groups *= s
		}
	}
	for i := 0; i < n; i++ {
		g := 0
		for d, v := range idx {
			if !reduced[d] {
				g = g*shape[d] + v
			}
		}
		out[i] = g
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, groups
}

func (k *cvMVN) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	reduced := make([]bool, len(xs))
	for _, a := range k.axes {
		ax, err := tensor.NormAxis(int(a), len(xs))
		if err != nil {
			return nil, ctx.Errf("axes %v: %w", k.axes, err)
		}
		reduced[ax] = true
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	if err := alCheckKept(ctx, xs, reduced); err != nil {
		return nil, err
	}
	gi, groups := cvReduceIndex(xs, reduced)
	sum, sq, cnt := make([]float64, groups), make([]float64, groups), make([]float64, groups)
	for i, v := range xd {
		sum[gi[i]] += v
		sq[gi[i]] += v * v
		cnt[gi[i]]++
	}
	y := make([]float64, len(xd))
	for i, v := range xd {
		g := gi[i]
		m := sum[g] / cnt[g]
		variance := sq[g]/cnt[g] - m*m
		y[i] = (v - m) / (math.Sqrt(max(variance, 0)) + 1e-9)
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	return One(yt), nil
}

type cvLpNorm struct {
	axis int
	p    int
}

func cvNewLpNorm(n *ir.Node, opset int) (Kernel, error) {
	p := int(n.AttrInt("p", 2))
	if p != 1 && p != 2 {
		return nil, NodeErrf(n, "p = %d, want 1 or 2: %w", p, ir.ErrInvalidModel)
	}
	return &cvLpNorm{axis: int(n.AttrInt("axis", -1)), p: p}, nil
}

func (k *cvLpNorm) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	axis, err := tensor.NormAxis(k.axis, len(xs))
	if err != nil {
		return nil, ctx.Errf("axis: %w", err)
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	reduced := make([]bool, len(xs))
	if len(xs) > 0 {
		reduced[axis] = true
	}
	if err := alCheckKept(ctx, xs, reduced); err != nil {
		return nil, err
	}
	gi, groups := cvReduceIndex(xs, reduced)
	norm := make([]float64, groups)
	for i, v := range xd {
		if k.p == 1 {
			norm[gi[i]] += math.Abs(v)
		} else {
			norm[gi[i]] += v * v
		}
	}
	if k.p == 2 {
		for i := range norm {
			norm[i] = math.Sqrt(norm[i])
		}
	}
	y := make([]float64, len(xd))
	for i, v := range xd {
		if nv := norm[gi[i]]; nv != 0 {
			y[i] = v / nv
		}
	}
	yt, err := cvFromF64(ctx, x.DType(), xs, y)
	if err != nil {
		return nil, err
	}
	return One(yt), nil
}
