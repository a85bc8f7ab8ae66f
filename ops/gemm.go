package ops

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// Matrix products: MatMul, MatMulInteger, Gemm.

func init() {
	RegisterFunc("", "MatMul", 1, cvMatMul)
	RegisterFunc("", "MatMulInteger", 10, cvMatMulInteger)
	Register("", "Gemm", 1, cvNewGemm)
}

// cvBatchPlan describes a broadcast batched matrix product: out[b] =
// A[aOff[b]] · B[bOff[b]], each A m×k, each B k×n (offsets in elements).
type cvBatchPlan struct {
	m, n, k    int
	out        []int
	aOff, bOff []int
	// scratch kept with a per-session plan
	zaBatch, zaTmp, zaAst, zaBst, zaIdx []int
}

// cvPlanMatMul applies numpy matmul rules: a 1-D A becomes 1×K and a 1-D B
// K×1 (the added dim is dropped from the result); batch dims broadcast.
// The plan lives in the step's per-session storage (one per Run).
func cvPlanMatMul(ctx *Context, as, bs []int) (*cvBatchPlan, error) {
	if len(as) == 0 || len(bs) == 0 {
		return nil, ctx.Errf("MatMul of scalars A%v B%v: %w", as, bs, tensor.ErrShape)
	}
	p := zaLocal[cvBatchPlan](ctx)
	// 1-D operands: no new shape slices, just the implied 1 dims.
	p.m, p.k, p.n = 1, as[len(as)-1], 1
	ab, bb := as[:0], bs[:0]
	if len(as) > 1 {
		p.m, ab = as[len(as)-2], as[:len(as)-2]
	}
	kb := bs[0]
	if len(bs) > 1 {
		kb, p.n, bb = bs[len(bs)-2], bs[len(bs)-1], bs[:len(bs)-2]
	}
	if kb != p.k {
		return nil, ctx.Errf("A%v and B%v: inner dims differ: %w", as, bs, tensor.ErrShape)
	}
	batch, ok := zaBroadcast2(p.zaBatch[:0], ab, bb)
	p.zaBatch = batch
	if !ok {
		return nil, ctx.Errf("A%v and B%v: batch dims do not broadcast: %w", as, bs, tensor.ErrShape)
	}
	p.out = append(p.out[:0], batch...)
	if len(as) > 1 {
		p.out = append(p.out, p.m)
	}
	if len(bs) > 1 {
		p.out = append(p.out, p.n)
	}
	if _, err := tensor.NumElements(p.out); err != nil {
		return nil, ctx.Errf("output %v: %w", p.out, err)
	}
	p.zaTmp = append(append(p.zaTmp[:0], 2), batch...)
	if _, err := alCheckShape(ctx, alIndex, p.zaTmp); err != nil {
		return nil, err
	}
	nb := tensor.Size(batch)
	p.aOff, p.bOff = zaZeroed(&p.aOff, nb), zaZeroed(&p.bOff, nb)
	p.zaAst = zaStridesInto(p.zaAst, ab, batch)
	p.zaBst = zaStridesInto(p.zaBst, bb, batch)
	ast, bst := p.zaAst, p.zaBst
	idx := zaZeroed(&p.zaIdx, len(batch))
	for i := 0; i < nb; i++ {
		ao, bo := 0, 0
		for d := range idx {
			ao += idx[d] * ast[d]
			bo += idx[d] * bst[d]
		}
		p.aOff[i], p.bOff[i] = ao*p.m*p.k, bo*p.k*p.n
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < batch[d] {
				break
			}
			idx[d] = 0
		}
	}
	return p, nil
}

func cvThreads(ctx *Context) int {
	if ctx != nil && ctx.Threads > 1 {
		return ctx.Threads
	}
	return 1
}

// cvMatMulF32 runs a planned batched product on float32 data.
func cvMatMulF32(ctx *Context, p *cvBatchPlan, a, b, c []float32) {
	m, n, k := p.m, p.n, p.k
	nb := len(p.aOff)
	threads := cvThreads(ctx)
	// B shared by every batch and A contiguous: one tall product.
	shared := true
	for i := range p.bOff {
		if p.bOff[i] != 0 || p.aOff[i] != i*m*k {
			shared = false
			break
		}
	}
	if shared && nb > 1 {
		pfSgemm(threads, false, false, nb*m, n, k, 1, a, k, b, n, 0, c, n, nil)
		return
	}
	if m <= linalg.SmallM {
		// Matrix-vector products: no packing, B streamed once per batch.
		for i := 0; i < nb; i++ {
			linalg.SgemmSmallM(threads, false, false, m, n, k, 1, a[p.aOff[i]:], k, b[p.bOff[i]:], n, 0, c[i*m*n:], n, nil)
		}
		return
	}
	if nb >= threads && threads > 1 {
		ctx.Parallel(nb, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				linalg.Sgemm(false, false, m, n, k, 1, a[p.aOff[i]:], k, b[p.bOff[i]:], n, 0, c[i*m*n:], n)
			}
		})
		return
	}
	for i := 0; i < nb; i++ {
		linalg.SgemmParallel(threads, false, false, m, n, k, 1, a[p.aOff[i]:], k, b[p.bOff[i]:], n, 0, c[i*m*n:], n)
	}
}

// cvMatMulGen is the plain batched product for non-float32 numbers.
func cvMatMulGen[T tensor.Number](p *cvBatchPlan, a, b, c []T) {
	m, n, k := p.m, p.n, p.k
	for bi := range p.aOff {
		ab, bb, cb := a[p.aOff[bi]:], b[p.bOff[bi]:], c[bi*m*n:(bi+1)*m*n]
		clear(cb)
		for i := 0; i < m; i++ {
			crow := cb[i*n : (i+1)*n]
			for q := 0; q < k; q++ {
				av := ab[i*k+q]
				brow := bb[q*n : (q+1)*n]
				for j := range crow {
					crow[j] += av * brow[j]
				}
			}
		}
	}
}

func cvMatMul(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	a, b := in[0], in[1]
	dt := a.DType()
	if b.DType() != dt {
		return nil, ctx.Errf("A is %v, B is %v: %w", dt, b.DType(), tensor.ErrDType)
	}
	p, err := cvPlanMatMul(ctx, a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	switch dt {
	case tensor.Float32, tensor.Float16, tensor.BFloat16:
		alloc := alHeap(ctx)
		if dt == tensor.Float32 {
			alloc = ctx.NewTensor // recycled by the session's arena
		}
		y, err := alloc(tensor.Float32, p.out...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		cvMatMulF32(ctx, p, tensor.ToFloat32(a), tensor.ToFloat32(b), y.Float32s())
		if dt != tensor.Float32 {
			if y, err = tensor.Cast(y, dt); err != nil {
				return nil, ctx.Errf("%w", err)
			}
		}
		return ctx.One(y), nil
	}
	y, err := ctx.NewTensor(dt, p.out...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	switch dt {
	case tensor.Float64:
		cvMatMulGen(p, tensor.Data[float64](a), tensor.Data[float64](b), tensor.Data[float64](y))
	case tensor.Int32:
		cvMatMulGen(p, tensor.Data[int32](a), tensor.Data[int32](b), tensor.Data[int32](y))
	case tensor.Int64:
		cvMatMulGen(p, tensor.Data[int64](a), tensor.Data[int64](b), tensor.Data[int64](y))
	case tensor.Uint32:
		cvMatMulGen(p, tensor.Data[uint32](a), tensor.Data[uint32](b), tensor.Data[uint32](y))
	case tensor.Uint64:
		cvMatMulGen(p, tensor.Data[uint64](a), tensor.Data[uint64](b), tensor.Data[uint64](y))
	case tensor.Int8:
		cvMatMulGen(p, tensor.Data[int8](a), tensor.Data[int8](b), tensor.Data[int8](y))
	case tensor.Uint8:
		cvMatMulGen(p, tensor.Data[uint8](a), tensor.Data[uint8](b), tensor.Data[uint8](y))
	case tensor.Int16:
		cvMatMulGen(p, tensor.Data[int16](a), tensor.Data[int16](b), tensor.Data[int16](y))
	default:
		return nil, DTypeErr(ctx, dt)
	}
	return One(y), nil
}

// cvWidenZP widens a u8/s8 matrix stack to int32 and subtracts zero points:
// zp is a scalar, or (perRow) one value per row of the last two dims, or
// (!perRow) one per column.
func cvWidenZP(ctx *Context, t, zp *tensor.Tensor, perRow bool, what string) ([]int32, error) {
	s := t.Shape()
	rows, cols := 1, s[len(s)-1]
	if len(s) >= 2 {
		rows = s[len(s)-2]
	}
	x, err := cvInt8s(ctx, t, nil, 1, what)
	if err != nil {
		return nil, err
	}
	if zp == nil {
		return x, nil
	}
	if zp.DType() != t.DType() {
		return nil, ctx.Errf("%s zero point dtype %v, want %v: %w", what, zp.DType(), t.DType(), tensor.ErrDType)
	}
	z := make([]int32, zp.Len())
	for i := range z {
		z[i] = int32(zp.Int64At(i))
	}
	switch {
	case len(z) == 1:
		for i := range x {
			x[i] -= z[0]
		}
	case perRow && len(z) == rows && cols > 0:
		for i := range x {
			x[i] -= z[(i/cols)%rows]
		}
	case !perRow && len(z) == cols:
		for i := range x {
			x[i] -= z[i%cols]
		}
	default:
		return nil, ctx.Errf("%s zero point shape %v for %v: %w", what, zp.Shape(), s, tensor.ErrShape)
	}
	return x, nil
}

func cvMatMulInteger(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	a, b := in[0], in[1]
	p, err := cvPlanMatMul(ctx, a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	ai, err := cvWidenZP(ctx, a, Opt(in, 2), true, "A")
	if err != nil {
		return nil, err
	}
	bi, err := cvWidenZP(ctx, b, Opt(in, 3), false, "B")
	if err != nil {
		return nil, err
	}
	y, err := ctx.NewTensor(tensor.Int32, p.out...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	cvMatMulGen(p, ai, bi, tensor.Data[int32](y))
	return One(y), nil
}

// cvGemm is a Gemm node's kernel.
type cvGemm struct {
	transA, transB bool
	alpha, beta    float32
}

func cvNewGemm(n *ir.Node, opset int) (Kernel, error) {
	return &cvGemm{
		transA: n.AttrInt("transA", 0) != 0,
		transB: n.AttrInt("transB", 0) != 0,
		alpha:  n.AttrFloat("alpha", 1),
		beta:   n.AttrFloat("beta", 1),
	}, nil
}

// cvGemmLocal is a Gemm step's per-session scratch.
type cvGemmLocal struct {
	out, cst [2]int
	ep       linalg.Epilogue
}

func (g *cvGemm) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	a, b, c := in[0], in[1], Opt(in, 2)
	dt := a.DType()
	if b.DType() != dt || (c != nil && c.DType() != dt) {
		return nil, ctx.Errf("A, B, C dtypes differ: %w", tensor.ErrDType)
	}
	as, bs := a.Shape(), b.Shape()
	if len(as) != 2 || len(bs) != 2 {
		return nil, ctx.Errf("A%v and B%v must be 2-D: %w", as, bs, tensor.ErrShape)
	}
	m, k := as[0], as[1]
	if g.transA {
		m, k = k, m
	}
	kb, n := bs[0], bs[1]
	if g.transB {
		kb, n = n, kb
	}
	if kb != k {
		return nil, ctx.Errf("A%v, B%v (transA=%v transB=%v): inner dims differ: %w", as, bs, g.transA, g.transB, tensor.ErrShape)
	}
	// Shape, strides and epilogue live in the step's per-session storage.
	loc := zaLocal[cvGemmLocal](ctx)
	loc.out = [2]int{m, n}
	out := loc.out[:]
	var cst []int
	if c != nil {
		if !zaCovers(out, c.Shape()) {
			return nil, ctx.Errf("C%v does not broadcast to %v: %w", c.Shape(), out, tensor.ErrShape)
		}
		cst = zaStridesInto(loc.cst[:0], c.Shape(), out)
	}
	lda, ldb := as[1], bs[1]
	switch dt {
	case tensor.Float32, tensor.Float16, tensor.BFloat16:
		alloc := alHeap(ctx)
		if dt == tensor.Float32 {
			alloc = ctx.NewTensor // recycled by the session's arena
		}
		y, err := alloc(tensor.Float32, out...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		yd := y.Float32s()
		beta := float32(0)
		var ep *linalg.Epilogue
		if c != nil && g.beta != 0 {
			cf := tensor.ToFloat32(c)
			switch {
			case n > 1 && cst[1] == 1 && (cst[0] == 0 || m == 1):
				// A bias row (1-D C or 1×n): fused as a column bias.
				loc.ep = linalg.Epilogue{ColBias: cvScaled(cf[:n], g.beta)}
				ep = &loc.ep
			case m > 1 && n > 1 && cst[0] == 1 && cst[1] == 0:
				// A bias column (m×1): fused as a row bias.
				loc.ep = linalg.Epilogue{RowBias: cvScaled(cf[:m], g.beta)}
				ep = &loc.ep
			default:
				cvFillC(yd, cf, cst, m, n, g.beta)
				beta = 1
			}
		}
		pfSgemm(cvThreads(ctx), g.transA, g.transB, m, n, k, g.alpha, tensor.ToFloat32(a), lda, tensor.ToFloat32(b), ldb, beta, yd, n, ep)
		if dt != tensor.Float32 {
			if y, err = tensor.Cast(y, dt); err != nil {
				return nil, ctx.Errf("%w", err)
			}
		}
		return ctx.One(y), nil
	case tensor.Float64:
		return cvGemmGen[float64](ctx, g, a, b, c, cst, m, n, k)
	case tensor.Int32:
		return cvGemmGen[int32](ctx, g, a, b, c, cst, m, n, k)
	case tensor.Int64:
		return cvGemmGen[int64](ctx, g, a, b, c, cst, m, n, k)
	case tensor.Uint32:
		return cvGemmGen[uint32](ctx, g, a, b, c, cst, m, n, k)
	case tensor.Uint64:
		return cvGemmGen[uint64](ctx, g, a, b, c, cst, m, n, k)
	}
	return nil, DTypeErr(ctx, dt)
}

// cvScaled returns beta*v (v itself when beta is 1).
func cvScaled(v []float32, beta float32) []float32 {
	if beta == 1 {
		return v
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = beta * x
	}
	return out
}

// cvFillC writes beta*C, broadcast with strides st, into the m×n matrix y.
func cvFillC[T tensor.Number](y, c []T, st []int, m, n int, beta T) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			y[i*n+j] = beta * c[i*st[0]+j*st[1]]
		}
	}
}

func cvGemmGen[T tensor.Number](ctx *Context, g *cvGemm, a, b, c *tensor.Tensor, cst []int, m, n, k int) ([]*tensor.Tensor, error) {
	y, err := ctx.NewTensor(a.DType(), m, n)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	ad, bd, yd := tensor.Data[T](a), tensor.Data[T](b), tensor.Data[T](y)
	lda, ldb := a.Shape()[1], b.Shape()[1]
	alpha, beta := T(g.alpha), T(g.beta)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s T
			for p := 0; p < k; p++ {
				var av, bv T
				if g.transA {
					av = ad[p*lda+i]
				} else {
					av = ad[i*lda+p]
				}
				if g.transB {
					bv = bd[j*ldb+p]
				} else {
					bv = bd[p*ldb+j]
				}
				s += av * bv
			}
			yd[i*n+j] = alpha * s
		}
	}
	if c != nil {
		cd := tensor.Data[T](c)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				yd[i*n+j] += beta * cd[i*cst[0]+j*cst[1]]
			}
		}
	}
	return One(y), nil
}
