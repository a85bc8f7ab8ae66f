package ops

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// Internal operators (domain "qinfer") emitted by the transformer fusion
// pass (ir/passes/rc_fuse.go) for the SVTR mixer of PP-OCR rec and similar
// graphs exported op by op:
//
//	LayerNorm(X, Scale, B)    LayerNormalization (axis, epsilon) at any opset
//	Swish(X)                  X·σ(alpha·X)
//	MatMulBias(A, B, bias)    A·B + bias, B 2-D, bias [N]; activation "" or
//	                          "Swish" (alpha) applied to the sum
//	ScaleResidual(X, G[, B])  X + X·G [+ up(B)]
//	UpsampleAdd(A, B)         A + up(B)
//	UpsampleConcat(X...)      Concat(up(X0), up(X1), ...) on axis 1
//
// where up is nearest upsampling of the last two axes of a 4-D tensor by
// the integer factors of attribute scales [sh, sw]. Each is computed in
// the order of the ops it replaces (same float32 roundings).

func init() {
	Register("qinfer", "LayerNorm", 1, cvNewLayerNorm)
	Register("qinfer", "Swish", 1, rcNewSwish)
	Register("qinfer", "MatMulBias", 1, rcNewMatMulBias)
	Register("", "Sigmoid", 1, rcNewSigmoid)
	Register("qinfer", "ScaleResidual", 1, rcNewResidual(true))
	Register("qinfer", "UpsampleAdd", 1, rcNewResidual(false))
	Register("qinfer", "UpsampleConcat", 1, rcNewUpConcat)
}

// rcActGrain is the element count a thread takes at least for the
// vectorised sigmoid (about half a nanosecond per element).
const rcActGrain = 1 << 13

// rcSigmoidInPlace32 runs linalg.Sigmoid32 over y (read from x) in chunks
// split over threads.
func rcSigmoid32(ctx *Context, x, y []float32, alpha float32, swish bool) {
	if zaSerialN(ctx, len(x), rcActGrain) {
		linalg.Sigmoid32(x, y, alpha, swish)
		return
	}
	ctx.Parallel(len(x), rcActGrain, func(lo, hi int) { linalg.Sigmoid32(x[lo:hi], y[lo:hi], alpha, swish) })
}

// rcNewSigmoid is Sigmoid: float32 through the vectorised kernel, other
// float types through the float64 definition.
func rcNewSigmoid(n *ir.Node, opset int) (Kernel, error) {
	return rcSigmoidKernel(1, false), nil
}

// rcNewSwish is qinfer.Swish: X·σ(alpha·X).
func rcNewSwish(n *ir.Node, opset int) (Kernel, error) {
	return rcSigmoidKernel(n.AttrFloat("alpha", 1), true), nil
}

func rcSigmoidKernel(alpha float32, swish bool) Kernel {
	a64 := float64(alpha)
	slow := ewFloatKernel(nil, func(v float64) float64 {
		s := ewSigmoid64(a64 * v) // float64 math: a float64 input keeps its precision
		if swish {
			s *= v
		}
		return s
	})
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		if x.DType() != tensor.Float32 {
			return slow.Run(ctx, in)
		}
		y, err := ctx.NewTensorUninit(tensor.Float32, x.Shape()...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		rcSigmoid32(ctx, x.Float32s(), y.Float32s(), alpha, swish)
		return ctx.One(y), nil
	})
}

// rcMatMulBias is qinfer.MatMulBias.
type rcMatMulBias struct {
	swish bool
	alpha float32
	// packed caches Bᵀ packed as SGEMM's A operand, shared by concurrent
	// sessions: with few rows in A, C = A·B runs as Cᵀ = Bᵀ·Aᵀ so that the
	// large constant matrix is packed once instead of on every run.
	packed atomic.Pointer[rcPackedW]
}

// rcPackedW is one weight matrix B (k×n) packed transposed, as cvPacked.
type rcPackedW struct {
	w    *tensor.Tensor
	vals []float32
	once sync.Once
	pa   *linalg.PackedA
}

// rcPackRows bounds the rows of A for which the transposed product with
// packed weights runs (the two transposes cost O(rows·(k+n))).
const rcPackRows = 256

// packedT returns Bᵀ packed, packing on first use, or nil while another
// session repacks.
func (k *rcMatMulBias) packedT(w *tensor.Tensor, kk, n int) *linalg.PackedA {
	wf := w.Float32s()
	p := k.packed.Load()
	if p == nil || p.w != w || !(w.Frozen() || slices.Equal(p.vals, wf)) {
		vals := wf
		if !w.Frozen() {
			vals = slices.Clone(wf)
		}
		np := &rcPackedW{w: w, vals: vals}
		if !k.packed.CompareAndSwap(p, np) {
			return nil
		}
		p = np
	}
	p.once.Do(func() {
		wt := make([]float32, kk*n)
		for q := 0; q < kk; q++ {
			row := p.vals[q*n : (q+1)*n]
			for j, v := range row {
				wt[j*kk+q] = v
			}
		}
		p.pa = linalg.PackA(n, kk, wt, kk)
	})
	return p.pa
}

func rcNewMatMulBias(n *ir.Node, opset int) (Kernel, error) {
	k := &rcMatMulBias{alpha: n.AttrFloat("alpha", 1)}
	switch act := n.AttrString("activation", ""); act {
	case "":
	case "Swish":
		k.swish = true
	default:
		return nil, NodeErrf(n, "activation %q: %w", act, ErrUnsupported)
	}
	return k, nil
}

// rcMatMulBiasLocal is a step's per-session epilogue and transpose
// buffers.
type rcMatMulBiasLocal struct {
	ep     linalg.Epilogue
	at, ct []float32
}

func (k *rcMatMulBias) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	a, b, bias := in[0], in[1], in[2]
	if a.DType() != tensor.Float32 || b.DType() != tensor.Float32 || bias.DType() != tensor.Float32 {
		return nil, ctx.Errf("A %v, B %v, bias %v: want float32: %w", a.DType(), b.DType(), bias.DType(), tensor.ErrDType)
	}
	bs := b.Shape()
	if len(bs) != 2 || bias.Len() != bs[1] || len(bias.Shape()) != 1 {
		return nil, ctx.Errf("B%v and bias%v: want B 2-D and bias [N]: %w", bs, bias.Shape(), tensor.ErrShape)
	}
	p, err := cvPlanMatMul(ctx, a.Shape(), bs)
	if err != nil {
		return nil, err
	}
	y, err := ctx.NewTensorUninit(tensor.Float32, p.out...) // every element is written
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	n, kk := p.n, p.k
	rows := 0
	if n > 0 {
		rows = y.Len() / n
	}
	yd := y.Float32s()
	if rows > 0 && n > 0 {
		// B is shared by every batch and A is contiguous: one tall product.
		loc := zaLocal[rcMatMulBiasLocal](ctx)
		loc.ep = linalg.Epilogue{ColBias: bias.Float32s()}
		var pa *linalg.PackedA
		if rows > linalg.SmallM && rows <= rcPackRows && kk > 0 {
			pa = k.packedT(b, kk, n)
		}
		switch {
		case kk == 0:
			for r := 0; r < rows; r++ {
				copy(yd[r*n:(r+1)*n], loc.ep.ColBias)
			}
		case pa != nil:
			rcMatMulT(ctx, loc, pa, a.Float32s(), bias.Float32s(), yd, rows, n, kk)
		default:
			pfSgemm(cvThreads(ctx), false, false, rows, n, kk, 1, a.Float32s(), kk, b.Float32s(), n, 0, yd, n, &loc.ep)
		}
	}
	if k.swish {
		rcSigmoid32(ctx, yd, yd, k.alpha, true)
	}
	return ctx.One(y), nil
}

// rcMatMulT computes y (rows×n) = a (rows×kk) · B + bias as
// yᵀ = Bᵀ·aᵀ with Bᵀ packed in pa.
func rcMatMulT(ctx *Context, loc *rcMatMulBiasLocal, pa *linalg.PackedA, a, bias, y []float32, rows, n, kk int) {
	if cap(loc.at) < rows*kk {
		loc.at = make([]float32, rows*kk)
	}
	if cap(loc.ct) < rows*n {
		loc.ct = make([]float32, rows*n)
	}
	at, ct := loc.at[:rows*kk], loc.ct[:rows*n]
	for r := 0; r < rows; r++ {
		for q, v := range a[r*kk : (r+1)*kk] {
			at[q*rows+r] = v
		}
	}
	loc.ep = linalg.Epilogue{RowBias: bias}
	linalg.SgemmPackedEpilogue(cvThreads(ctx), pa, rows, at, rows, ct, rows, &loc.ep)
	grain := max(8, ewGrain/max(1, rows))
	if zaSerialN(ctx, n, grain) {
		rcTransposeBlk(ct, y, rows, n, 0, n)
	} else {
		ctx.Parallel(n, grain, func(lo, hi int) { rcTransposeBlk(ct, y, rows, n, lo, hi) })
	}
}

// rcResidual is qinfer.ScaleResidual (gate) or qinfer.UpsampleAdd.
type rcResidual struct {
	gate   bool
	sh, sw int // upsampling factors of the B input
}

func rcNewResidual(gate bool) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		k := &rcResidual{gate: gate}
		sc := n.AttrInts("scales")
		if sc != nil || !gate {
			if len(sc) != 2 || sc[0] < 1 || sc[1] < 1 || sc[0] > 1<<10 || sc[1] > 1<<10 {
				return nil, NodeErrf(n, "scales %v: want two factors in [1, 1024]: %w", sc, ir.ErrInvalidModel)
			}
			k.sh, k.sw = int(sc[0]), int(sc[1])
		}
		return k, nil
	}
}

func (k *rcResidual) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	var g, b *tensor.Tensor
	if k.gate {
		g, b = in[1], Opt(in, 2)
	} else {
		b = in[1]
	}
	if b != nil && k.sh == 0 {
		return nil, ctx.Errf("input B without scales: %w", ir.ErrInvalidModel)
	}
	if y, ok, err := rcResidualFast(ctx, x, g, b, k.sh, k.sw); err != nil {
		return nil, err
	} else if ok {
		return ctx.One(y), nil
	}
	// The general case: the ops it replaces, one after the other.
	y := x
	if g != nil {
		t, err := ewArith(ctx, ewOpMul, x, g)
		if err != nil {
			return nil, err
		}
		if y, err = ewArith(ctx, ewOpAdd, x, t); err != nil {
			return nil, err
		}
	}
	if b != nil {
		u, err := rcUpsample(ctx, b, k.sh, k.sw)
		if err != nil {
			return nil, err
		}
		if y, err = ewArith(ctx, ewOpAdd, y, u); err != nil {
			return nil, err
		}
	}
	return ctx.One(y), nil
}

// rcUpsample is the nearest upsampling of B's last two axes (B 4-D).
func rcUpsample(ctx *Context, b *tensor.Tensor, sh, sw int) (*tensor.Tensor, error) {
	bs := b.Shape()
	if len(bs) != 4 {
		return nil, ctx.Errf("B%v: want 4-D: %w", bs, tensor.ErrShape)
	}
	os := []int{bs[0], bs[1], bs[2] * sh, bs[3] * sw}
	u, err := ctx.NewTensorUninit(b.DType(), os...) // every element is written
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	switch d := b.Data().(type) {
	case []float32:
		rcUpsampleT(d, u.Float32s(), bs, sh, sw)
	case []float64:
		rcUpsampleT(d, tensor.Data[float64](u), bs, sh, sw)
	case []uint16:
		rcUpsampleT(d, tensor.Data[uint16](u), bs, sh, sw)
	case []int64:
		rcUpsampleT(d, tensor.Data[int64](u), bs, sh, sw)
	case []int32:
		rcUpsampleT(d, tensor.Data[int32](u), bs, sh, sw)
	case []int8:
		rcUpsampleT(d, tensor.Data[int8](u), bs, sh, sw)
	case []uint8:
		rcUpsampleT(d, tensor.Data[uint8](u), bs, sh, sw)
	default:
		return nil, DTypeErr(ctx, b.DType())
	}
	return u, nil
}

func rcUpsampleT[T any](src, dst []T, bs []int, sh, sw int) {
	oh, ow := bs[2]*sh, bs[3]*sw
	for p := 0; p < bs[0]*bs[1]; p++ {
		for h := 0; h < oh; h++ {
			row := dst[(p*oh+h)*ow : (p*oh+h+1)*ow]
			srow := src[(p*bs[2]+h/sh)*bs[3]:]
			for w := range row {
				row[w] = srow[w/sw]
			}
		}
	}
}

// rcResidualFast computes float32 X [N,C,H,W] + X·G + up(B) for G (nil:
// none) holding one value per plane and B (nil: none) of exactly X's
// shape divided by the factors; ok is false when the general path must
// run.
func rcResidualFast(ctx *Context, x, g, b *tensor.Tensor, sh, sw int) (y *tensor.Tensor, ok bool, err error) {
	xs := x.Shape()
	if x.DType() != tensor.Float32 || len(xs) != 4 {
		return nil, false, nil
	}
	n, c, h, w := xs[0], xs[1], xs[2], xs[3]
	var gd []float32
	gPerN := false
	if g != nil {
		gs := g.Shape()
		if g.DType() != tensor.Float32 || len(gs) > 4 {
			return nil, false, nil
		}
		full := []int{1, 1, 1, 1}
		copy(full[4-len(gs):], gs)
		if full[2] != 1 || full[3] != 1 || (full[0] != 1 && full[0] != n) || (full[1] != 1 && full[1] != c) {
			return nil, false, nil
		}
		if full[1] != c && c != 1 {
			return nil, false, nil // one value for all channels: rare, general path
		}
		gd, gPerN = g.Float32s(), full[0] == n && n > 1
	}
	var bd []float32
	if b != nil {
		bs := b.Shape()
		if b.DType() != tensor.Float32 || len(bs) != 4 || bs[0] != n || bs[1] != c || bs[2]*sh != h || bs[3]*sw != w {
			return nil, false, nil
		}
		bd = b.Float32s()
	}
	y, err = ctx.NewTensorUninit(tensor.Float32, xs...) // every row is written
	if err != nil {
		return nil, true, ctx.Errf("%w", err)
	}
	a := rcResArgs{xd: x.Float32s(), yd: y.Float32s(), gd: gd, bd: bd, c: c, h: h, w: w, sh: sh, sw: sw, gPerN: gPerN}
	rows := n * c * h
	grain := max(1, ewGrain/max(1, w))
	if zaSerialN(ctx, rows, grain) {
		a.rows(0, rows) // a stays on the stack: no allocation
	} else {
		a.parallel(ctx, rows, grain)
	}
	return y, true, nil
}

// rcResArgs are rcResidualFast's operands: y = x + x·g (+ up(b)) by rows.
type rcResArgs struct {
	xd, yd, gd, bd  []float32
	c, h, w, sh, sw int
	gPerN           bool
}

// rows computes output rows [lo, hi) (a row is w values of one plane).
func (a *rcResArgs) rows(lo, hi int) {
	h, w := a.h, a.w
	for r := lo; r < hi; r++ {
		pl := r / h
		xr, yr := a.xd[r*w:(r+1)*w], a.yd[r*w:(r+1)*w]
		if a.gd != nil {
			gi := pl % a.c
			if a.gPerN {
				gi = pl
			}
			s := a.gd[gi]
			for j, v := range xr {
				t := v * s
				yr[j] = v + float32(t)
			}
		} else {
			copy(yr, xr)
		}
		if a.bd != nil {
			hb, wb := h/a.sh, w/a.sw
			br := a.bd[(pl*hb+(r%h)/a.sh)*wb : (pl*hb+(r%h)/a.sh+1)*wb]
			rcAddUp(yr, br, a.sw)
		}
	}
}

// parallel runs rows over [0, n) on ctx's threads. Its receiver is a
// copy, so only this path moves the operands to the heap; the serial
// caller keeps them on its stack.
func (a rcResArgs) parallel(ctx *Context, n, grain int) {
	ctx.Parallel(n, grain, a.rows)
}

// rcAddUp adds b, each element repeated sw times, to y (len(y) = sw·len(b)).
func rcAddUp(y, b []float32, sw int) {
	switch sw {
	case 1:
		y = y[:len(b)]
		for j, v := range b {
			y[j] += v
		}
	case 2:
		y = y[:2*len(b)]
		for j, v := range b {
			y[2*j] += v
			y[2*j+1] += v
		}
	default:
		for j, v := range b {
			seg := y[j*sw : (j+1)*sw]
			for i := range seg {
				seg[i] += v
			}
		}
	}
}

// rcUpConcat is qinfer.UpsampleConcat: per input factors (sh, sw).
type rcUpConcat struct{ sc []int }

func rcNewUpConcat(n *ir.Node, opset int) (Kernel, error) {
	sc := n.AttrInts("scales")
	if len(sc) != 2*len(n.Inputs) || n.AttrInt("axis", 1) != 1 {
		return nil, NodeErrf(n, "scales %v for %d inputs, axis %d: %w", sc, len(n.Inputs), n.AttrInt("axis", 1), ir.ErrInvalidModel)
	}
	k := &rcUpConcat{sc: make([]int, len(sc))}
	for i, v := range sc {
		if v < 1 || v > 1<<10 {
			return nil, NodeErrf(n, "scale %d out of [1, 1024]: %w", v, ir.ErrInvalidModel)
		}
		k.sc[i] = int(v)
	}
	return k, nil
}

func (k *rcUpConcat) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, len(k.sc)/2); err != nil {
		return nil, err
	}
	if y, ok, err := k.fast(ctx, in); err != nil {
		return nil, err
	} else if ok {
		return ctx.One(y), nil
	}
	up := make([]*tensor.Tensor, len(in))
	for i, t := range in {
		up[i] = t
		if k.sc[2*i] != 1 || k.sc[2*i+1] != 1 {
			u, err := rcUpsample(ctx, t, k.sc[2*i], k.sc[2*i+1])
			if err != nil {
				return nil, err
			}
			up[i] = u
		}
	}
	return shConcat(ctx, up)
}

// fast concatenates float32 4-D inputs whose upsampled shapes agree off
// axis 1, writing each output row straight from its input row.
func (k *rcUpConcat) fast(ctx *Context, in []*tensor.Tensor) (*tensor.Tensor, bool, error) {
	var n, h, w, ctot int
	for i, t := range in {
		s := t.Shape()
		if t.DType() != tensor.Float32 || len(s) != 4 {
			return nil, false, nil
		}
		th, tw := s[2]*k.sc[2*i], s[3]*k.sc[2*i+1]
		if i == 0 {
			n, h, w = s[0], th, tw
		} else if s[0] != n || th != h || tw != w {
			return nil, false, nil
		}
		ctot += s[1]
	}
	y, err := ctx.NewTensorUninit(tensor.Float32, n, ctot, h, w) // every row is written
	if err != nil {
		return nil, true, ctx.Errf("%w", err)
	}
	u := rcUpArgs{in: in, sc: k.sc, yd: y.Float32s(), ctot: ctot, h: h, w: w}
	rows := n * ctot * h
	grain := max(1, ewGrain/max(1, w))
	if zaSerialN(ctx, rows, grain) {
		u.rows(0, rows) // u stays on the stack: no allocation
	} else {
		u.parallel(ctx, rows, grain)
	}
	return y, true, nil
}

// rcUpArgs are rcUpConcat.fast's operands.
type rcUpArgs struct {
	in         []*tensor.Tensor
	sc         []int
	yd         []float32
	ctot, h, w int
}

// rows writes output rows [lo, hi) (w values of one output plane each).
func (u *rcUpArgs) rows(lo, hi int) {
	ctot, h, w, in := u.ctot, u.h, u.w, u.in
	for r := lo; r < hi; r++ {
		b, c, oh := r/(ctot*h), (r/h)%ctot, r%h
		i := 0
		for ; c >= in[i].Shape()[1]; i++ {
			c -= in[i].Shape()[1]
		}
		s := in[i].Shape()
		sh, sw := u.sc[2*i], u.sc[2*i+1]
		src := in[i].Float32s()[((b*s[1]+c)*s[2]+oh/sh)*s[3]:][:s[3]]
		dst := u.yd[r*w : (r+1)*w]
		switch sw {
		case 1:
			copy(dst, src)
		case 2:
			for j, v := range src {
				dst[2*j], dst[2*j+1] = v, v
			}
		default:
			for j, v := range src {
				seg := dst[j*sw : (j+1)*sw]
				for q := range seg {
					seg[q] = v
				}
			}
		}
	}
}

// parallel runs rows over [0, n) on ctx's threads (a copy of the
// operands escapes here, not on the serial path).
func (u rcUpArgs) parallel(ctx *Context, n, grain int) {
	ctx.Parallel(n, grain, u.rows)
}

// rcTransposeBlk writes columns [lo, hi) of y (rows×n) from ct (n×rows):
// y[r][j] = ct[j][r], eight columns at a time (eight source streams, one
// contiguous 32-byte write per row).
func rcTransposeBlk(ct, y []float32, rows, n, lo, hi int) {
	j := lo
	for ; j+8 <= hi; j += 8 {
		c0 := ct[j*rows : (j+1)*rows]
		c1 := ct[(j+1)*rows:][:len(c0)]
		c2 := ct[(j+2)*rows:][:len(c0)]
		c3 := ct[(j+3)*rows:][:len(c0)]
		c4 := ct[(j+4)*rows:][:len(c0)]
		c5 := ct[(j+5)*rows:][:len(c0)]
		c6 := ct[(j+6)*rows:][:len(c0)]
		c7 := ct[(j+7)*rows:][:len(c0)]
		for r := range c0 {
			d := y[r*n+j:][:8]
			d[0], d[1], d[2], d[3] = c0[r], c1[r], c2[r], c3[r]
			d[4], d[5], d[6], d[7] = c4[r], c5[r], c6[r], c7[r]
		}
	}
	for ; j < hi; j++ {
		for r, v := range ct[j*rows : (j+1)*rows] {
			y[r*n+j] = v
		}
	}
}
