package ops

import (
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	// Conv (+ activation) + MaxPool, made by passes.FuseConvMaxPool.
	Register("qinfer", "ConvMaxPool", 1, r18sNewConvPool)
}

// r18sConvPool is qinfer.ConvMaxPool's kernel: the convolution and the
// pool as their own kernels, which the float32 path bypasses for
// linalg.ConvMaxPoolPacked (the convolution output never leaves cache).
type r18sConvPool struct {
	conv *cvConv
	pool *cvPool
}

func r18sNewConvPool(n *ir.Node, opset int) (Kernel, error) {
	cn := &ir.Node{Name: n.Name, OpType: "FusedConv", Domain: "qinfer", Inputs: n.Inputs, Outputs: n.Outputs}
	pn := &ir.Node{Name: n.Name, OpType: "MaxPool", Inputs: n.Inputs[:min(1, len(n.Inputs))], Outputs: n.Outputs}
	for _, a := range n.Attrs {
		if name, ok := strings.CutPrefix(a.Name, "pool."); ok {
			c := *a
			c.Name = name
			pn.Attrs = append(pn.Attrs, &c)
		} else {
			cn.Attrs = append(cn.Attrs, a)
		}
	}
	ck, err := cvNewFusedConv(cn, opset)
	if err != nil {
		return nil, err
	}
	pk, err := cvNewPool("MaxPool")(pn, opset)
	if err != nil {
		return nil, err
	}
	return &r18sConvPool{conv: ck.(*cvConv), pool: pk.(*cvPool)}, nil
}

func (k *r18sConvPool) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if y, ok, err := k.fused(ctx, in); ok || err != nil {
		return y, err
	}
	out, err := k.conv.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	t := out[0]
	out, err = k.pool.Run(ctx, []*tensor.Tensor{t})
	if ctx != nil {
		ctx.Arena.Release(t)
	}
	return out, err
}

// fused runs the float32 path, reporting false (and nothing computed)
// when it does not apply.
func (k *r18sConvPool) fused(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, bool, error) {
	if len(in) < 2 || len(in) > 3 || in[0] == nil || in[1] == nil {
		return nil, false, nil
	}
	x, w, b := in[0], in[1], Opt(in, 2)
	if x.DType() != tensor.Float32 || w.DType() != tensor.Float32 || b != nil && b.DType() != tensor.Float32 {
		return nil, false, nil
	}
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 4 || k.conv.group != 1 || ctx == nil {
		return nil, false, nil
	}
	g, err := cvConvShapes(ctx, &k.conv.win, 1, xs, ws)
	if err != nil {
		return nil, true, err
	}
	if b != nil && (b.Rank() != 1 || b.Len() != ws[0]) {
		return nil, true, ctx.Errf("B%v for %d output channels: %w", b.Shape(), ws[0], tensor.ErrShape)
	}
	// resolve's geometry lives in per-step storage that the pool's
	// resolve reuses: keep the convolution's in locals.
	st := zaLocal[r18sConvPoolLocal](ctx)
	for d := range 2 {
		st.in[d], st.kernel[d], st.out[d] = xs[2+d], g.kernel[d], g.out[d]
		st.stride[d], st.dil[d], st.pad[d] = g.strides[d], g.dilations[d], g.padBegin[d]
	}
	lg := linalg.ConvGeom{In: st.in[:], Kernel: st.kernel[:], Out: st.out[:], Stride: st.stride[:], Dilation: st.dil[:], PadBegin: st.pad[:]}
	pg, err := k.pool.win.resolve(ctx, st.out[:], k.pool.win.kernel, k.pool.ceil)
	if err != nil {
		return nil, true, err
	}
	var p linalg.MaxPoolGeom
	for d := range 2 {
		if pg.dilations[d] != 1 {
			return nil, false, nil
		}
		p.Kernel[d], p.Stride[d], p.PadBegin[d], p.Out[d] = pg.kernel[d], pg.strides[d], pg.padBegin[d], pg.out[d]
	}
	ep := &st.ep
	*ep = linalg.Epilogue{}
	defer func() { *ep = linalg.Epilogue{} }()
	if b != nil {
		ep.RowBias = b.Float32s()
	}
	if k.conv.act != nil && !k.conv.act.epilogue(ep) {
		return nil, false, nil
	}
	pws := k.conv.cvPackedWeights(w, w.Float32s(), 1, ws[0], tensor.Size(ws[1:]))
	if pws == nil {
		return nil, false, nil
	}
	n, c, m := xs[0], xs[1], ws[0]
	oshape := append(append(zaShapeBuf(ctx), n, m), p.Out[0], p.Out[1])
	if err := ctx.CheckAlloc(tensor.Float32, tensor.Size(oshape)); err != nil {
		return nil, true, ctx.Errf("output %v: %w", oshape, err)
	}
	y, err := ctx.NewTensorUninit(tensor.Float32, oshape...) // every element is written
	if err != nil {
		return nil, true, ctx.Errf("output %v: %w", oshape, err)
	}
	xf, yf := x.Float32s(), y.Float32s()
	in1, on := c*xs[2]*xs[3], m*p.Out[0]*p.Out[1]
	threads := max(1, ctx.Threads)
	for i := range n {
		if !linalg.ConvMaxPoolPacked(threads, pws[0], xf[i*in1:(i+1)*in1], c, lg, ep, p, yf[i*on:(i+1)*on]) {
			ctx.Arena.Release(y)
			return nil, false, nil
		}
	}
	return ctx.One(y), true, nil
}

// r18sConvPoolLocal is a step's storage for the convolution geometry and
// epilogue.
type r18sConvPoolLocal struct {
	in, kernel, out, stride, dil, pad [2]int
	ep                                linalg.Epilogue
}
