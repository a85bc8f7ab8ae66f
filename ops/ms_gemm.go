package ops

// ONNX Runtime contrib (com.microsoft) quantized GEMM-family operators:
// QGemm, DynamicQuantizeMatMul, MatMulIntegerToFloat, MatMulNBits,
// GatherBlockQuantized, and the com.microsoft QuantizeLinear /
// DequantizeLinear (the ai.onnx kernels with 16- and 4-bit types allowed at
// any opset). The code here is the reference: integer accumulation through
// linalg.QGemmRef and linalg.QNBitsDequantize, requantization following
// MLAS's float32 steps. qw_msgemm.go holds the fast paths (packed B,
// linalg.QGemm / QGemmRequant / QNBitsGemm) the kernels take by default.

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register(ir.MSDomain, "QGemm", 1, msNewQGemm)
	Register(ir.MSDomain, "DynamicQuantizeMatMul", 1, msNewMatMulToFloat(true))
	Register(ir.MSDomain, "MatMulIntegerToFloat", 1, msNewMatMulToFloat(false))
	Register(ir.MSDomain, "MatMulNBits", 1, msNewMatMulNBits)
	Register(ir.MSDomain, "GatherBlockQuantized", 1, msNewGatherBlockQuantized)
	Register(ir.MSDomain, "QuantizeLinear", 1, msNewQDQ("QuantizeLinear"))
	Register(ir.MSDomain, "DequantizeLinear", 1, msNewQDQ("DequantizeLinear"))
}

// msQGemm runs linalg.QGemmRef on 8-bit a (m×k, lda) and b (k×n, ldb) of any
// signedness combination into c.
func msQGemm(m, n, k int, a *tensor.Tensor, aOff int, aZP []int32, b *tensor.Tensor, bOff int, bZP []int32, c []int32) {
	switch av := a.Data().(type) {
	case []uint8:
		switch bv := b.Data().(type) {
		case []uint8:
			linalg.QGemmRef(m, n, k, av[aOff:], k, aZP, bv[bOff:], n, bZP, c, n)
		case []int8:
			linalg.QGemmRef(m, n, k, av[aOff:], k, aZP, bv[bOff:], n, bZP, c, n)
		}
	case []int8:
		switch bv := b.Data().(type) {
		case []uint8:
			linalg.QGemmRef(m, n, k, av[aOff:], k, aZP, bv[bOff:], n, bZP, c, n)
		case []int8:
			linalg.QGemmRef(m, n, k, av[aOff:], k, aZP, bv[bOff:], n, bZP, c, n)
		}
	}
}

// msTranspose8 returns the transpose of an r×c 8-bit matrix.
func msTranspose8(t *tensor.Tensor, r, c int) *tensor.Tensor {
	out := tensor.Zeros(t.DType(), c, r)
	switch s := t.Data().(type) {
	case []uint8:
		d := out.Data().([]uint8)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				d[j*r+i] = s[i*c+j]
			}
		}
	case []int8:
		d := out.Data().([]int8)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				d[j*r+i] = s[i*c+j]
			}
		}
	}
	return out
}

// ---- QGemm ----

type msQGemmK struct {
	transA, transB bool
	alpha          float32
	qwPack         qwCache[*linalg.QPackedB] // B packed once (fast path)
	qwRef          bool                      // reference path only (tests)
}

func msNewQGemm(n *ir.Node, opset int) (Kernel, error) {
	return &msQGemmK{
		transA: n.AttrInt("transA", 0) != 0,
		transB: n.AttrInt("transB", 0) != 0,
		alpha:  n.AttrFloat("alpha", 1),
	}, nil
}

func (k *msQGemmK) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) < 6 || in[0] == nil || in[1] == nil || in[3] == nil || in[4] == nil {
		return nil, ctx.Errf("needs A, a_scale, a_zero_point, B, b_scale, b_zero_point: %w", ir.ErrInvalidModel)
	}
	a, b := in[0], in[3]
	if !msIs8(a.DType()) || !msIs8(b.DType()) {
		return nil, ctx.Errf("A %v and B %v must be 8-bit integers: %w", a.DType(), b.DType(), tensor.ErrDType)
	}
	if a.DType() == tensor.Int8 && b.DType() != tensor.Int8 {
		return nil, ctx.Errf("A int8 needs B int8, got %v: %w", b.DType(), tensor.ErrDType)
	}
	if a.Rank() != 2 || b.Rank() != 2 {
		return nil, ctx.Errf("A %v and B %v must be 2-D: %w", a.Shape(), b.Shape(), tensor.ErrShape)
	}
	m, kk := a.Shape()[0], a.Shape()[1]
	if k.transA {
		m, kk = kk, m
	}
	kb, n := b.Shape()[0], b.Shape()[1]
	if k.transB {
		kb, n = n, kb
	}
	if kb != kk {
		return nil, ctx.Errf("A %v and B %v (transA=%v transB=%v) disagree on K: %w", a.Shape(), b.Shape(), k.transA, k.transB, tensor.ErrShape)
	}
	as, err := msScale(ctx, in[1], "a_scale")
	if err != nil {
		return nil, err
	}
	az, err := msZeroPoint(ctx, in[2], a.DType(), "a_zero_point")
	if err != nil {
		return nil, err
	}
	bs, err := msScales(ctx, in[4], n, "b_scale")
	if err != nil {
		return nil, err
	}
	bz, err := msZeroPoints(ctx, Opt(in, 5), b.DType(), n, "b_zero_point")
	if err != nil {
		return nil, err
	}
	if in[5] != nil && in[5].Len() != len(bs) {
		return nil, ctx.Errf("b_zero_point has %d values, b_scale %d: %w", in[5].Len(), len(bs), tensor.ErrShape)
	}
	c := Opt(in, 6)
	ysT, yzT := Opt(in, 7), Opt(in, 8)
	var ys float32
	ydt := tensor.Float32
	if ysT != nil {
		if ys, err = msScale(ctx, ysT, "y_scale"); err != nil {
			return nil, err
		}
		ydt = a.DType()
		if yzT != nil {
			ydt = yzT.DType()
		}
	} else if yzT != nil {
		return nil, ctx.Errf("y_zero_point without y_scale: %w", ir.ErrInvalidModel)
	}
	yz, err := msZeroPoint(ctx, yzT, ydt, "y_zero_point")
	if err != nil {
		return nil, err
	}
	loc := zaLocal[zaQGemmLocal](ctx) // per-session scratch: no allocation per run
	loc.shape = [2]int{m, n}
	if _, err := alCheckShape(ctx, tensor.Int32, loc.shape[:]); err != nil {
		return nil, err
	}
	acc := zaGrowI32(&loc.acc, m*n)
	clear(acc)
	cRowConst := true // C is absent or the same for every row
	if c != nil {
		if c.DType() != tensor.Int32 {
			return nil, ctx.Errf("C has dtype %v, want int32: %w", c.DType(), tensor.ErrDType)
		}
		cs := c.Shape()
		cv := c.Data().([]int32)
		var rs, cst int // row and column strides into C
		switch {
		case c.Len() == 1 && len(cs) <= 2:
		case len(cs) == 1 && cs[0] == n, len(cs) == 2 && cs[0] == 1 && cs[1] == n:
			cst = 1
		case len(cs) == 2 && cs[0] == m && cs[1] == 1:
			rs = 1
		case len(cs) == 2 && cs[0] == m && cs[1] == n:
			rs, cst = n, 1
		default:
			return nil, ctx.Errf("C shape %v does not broadcast to [%d %d]: %w", cs, m, n, tensor.ErrShape)
		}
		cRowConst = rs == 0
		// Accumulate: C plus the product, in int32 (wrapping).
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				acc[i*n+j] = cv[i*rs+j*cst]
			}
		}
	}
	scales := zaGrowF32(&loc.scales, len(bs))
	for i, v := range bs {
		scales[i] = k.alpha * as * v
		if ysT != nil {
			scales[i] /= ys
		}
	}
	out, err := msNewOut(ctx, ydt, loc.shape[:])
	if err != nil {
		return nil, err
	}
	if k.transA {
		a = msTranspose8(a, kk, m)
	}
	switch {
	case !k.qwRef && kk > 0 && m > 0 && n > 0:
		pb, _ := k.qwPack.get(ctx.zaKeyOf(in[3], Opt(in, 5)), func() (*linalg.QPackedB, error) {
			return qwPackB(b, 0, kk, n, k.transB, bz), nil
		})
		if ydt != tensor.Float32 && cRowConst && qwFinite(scales) {
			// Fused: the row-invariant C is the bias of every row.
			var bias []int32
			if c != nil {
				bias = acc[:n]
			}
			qwGemmRequant(ctx.Threads, m, n, kk, a, 0, az, pb, bias, scales, yz, out)
			return ctx.One(out), nil
		}
		prod := make([]int32, m*n)
		qwGemm(ctx.Threads, m, n, kk, a, 0, az, pb, prod)
		for i := range acc {
			acc[i] += prod[i]
		}
	default:
		if k.transB {
			b = msTranspose8(b, n, kk)
		}
		prod := make([]int32, m*n)
		msQGemm(m, n, kk, a, 0, []int32{az}, b, 0, bz, prod)
		for i := range acc {
			acc[i] += prod[i]
		}
	}
	if ydt == tensor.Float32 {
		o := out.Float32s()
		for i, v := range acc {
			o[i] = float32(v) * scales[(i%n)%len(scales)]
		}
		return One(out), nil
	}
	lo64, hi64 := ydt.IntRange()
	for i, v := range acc {
		msStore(out, i, msRequant(v, scales[(i%n)%len(scales)], yz, int32(lo64), int32(hi64)))
	}
	return One(out), nil
}

// ---- DynamicQuantizeMatMul / MatMulIntegerToFloat ----

// msDynQuant quantizes x to uint8 the way ORT's DynamicQuantizeMatMul does:
// the range [min(x,0), max(x,0)] maps onto [0, 255].
func msDynQuant(x []float32) (*tensor.Tensor, float32, int32) {
	var lo, hi float32
	for _, v := range x {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	scale := float32(1)
	if hi != lo {
		scale = (hi - lo) / 255
	}
	zpf := 0 - lo/scale
	zpf = max(0, min(255, zpf))
	zp := int32(math.RoundToEven(float64(zpf)))
	q := make([]uint8, len(x))
	for i, v := range x {
		q[i] = uint8(msQuantize(v, scale, zp, 0, 255))
	}
	t, _ := tensor.FromData(tensor.Uint8, []int{len(x)}, q)
	return t, scale, zp
}

func msNewMatMulToFloat(dynamic bool) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		return &msMMFloat{dynamic: dynamic}, nil
	}
}

// msMMFloat is DynamicQuantizeMatMul (dynamic) or MatMulIntegerToFloat.
type msMMFloat struct {
	dynamic bool
	qwPack  qwCache[[]*linalg.QPackedB] // B matrices packed once (fast path)
	qwRef   bool                        // reference path only (tests)
}

func (mk *msMMFloat) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return msMatMulToFloat(ctx, in, mk)
}

func msMatMulToFloat(ctx *Context, in []*tensor.Tensor, mk *msMMFloat) ([]*tensor.Tensor, error) {
	dynamic := mk.dynamic
	// DynamicQuantizeMatMul: A(float), B, b_scale, b_zero_point, bias.
	// MatMulIntegerToFloat: A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias.
	var a, b, aST, bST, aZT, bZT, bias *tensor.Tensor
	if dynamic {
		if len(in) < 3 || in[0] == nil || in[1] == nil || in[2] == nil {
			return nil, ctx.Errf("needs A, B, b_scale: %w", ir.ErrInvalidModel)
		}
		a, b, bST, bZT, bias = in[0], in[1], in[2], Opt(in, 3), Opt(in, 4)
		if a.DType() != tensor.Float32 {
			return nil, ctx.Errf("A has dtype %v, want float32: %w", a.DType(), tensor.ErrDType)
		}
	} else {
		if len(in) < 4 || in[0] == nil || in[1] == nil || in[2] == nil || in[3] == nil {
			return nil, ctx.Errf("needs A, B, a_scale, b_scale: %w", ir.ErrInvalidModel)
		}
		a, b, aST, bST, aZT, bZT, bias = in[0], in[1], in[2], in[3], Opt(in, 4), Opt(in, 5), Opt(in, 6)
		if !msIs8(a.DType()) {
			return nil, ctx.Errf("A has dtype %v, want int8 or uint8: %w", a.DType(), tensor.ErrDType)
		}
	}
	if !msIs8(b.DType()) {
		return nil, ctx.Errf("B has dtype %v, want int8 or uint8: %w", b.DType(), tensor.ErrDType)
	}
	if a.Rank() < 1 || b.Rank() < 2 {
		return nil, ctx.Errf("A %v must be at least 1-D and B %v at least 2-D: %w", a.Shape(), b.Shape(), tensor.ErrShape)
	}
	ash := a.Shape()
	if len(ash) == 1 {
		ash = []int{1, ash[0]}
	}
	bsh := b.Shape()
	m, k := ash[len(ash)-2], ash[len(ash)-1]
	kb, n := bsh[len(bsh)-2], bsh[len(bsh)-1]
	if k != kb {
		return nil, ctx.Errf("A %v and B %v disagree on K: %w", a.Shape(), b.Shape(), tensor.ErrShape)
	}
	batch, err := tensor.Broadcast(ash[:len(ash)-2], bsh[:len(bsh)-2])
	if err != nil {
		return nil, ctx.Errf("batch dims of A %v and B %v: %w", a.Shape(), b.Shape(), err)
	}
	bs, err := msScales(ctx, bST, n, "b_scale")
	if err != nil {
		return nil, err
	}
	bz, err := msZeroPoints(ctx, bZT, b.DType(), n, "b_zero_point")
	if err != nil {
		return nil, err
	}
	var biasV []float32
	if bias != nil {
		if bias.DType() != tensor.Float32 || bias.Len() != n || bias.Rank() != 1 {
			return nil, ctx.Errf("bias %v %v, want float32 [%d]: %w", bias.DType(), bias.Shape(), n, tensor.ErrShape)
		}
		biasV = bias.Float32s()
	}
	var as float32
	var az int32
	qa := a
	if dynamic {
		qa, as, az = msDynQuant(a.Float32s())
	} else {
		if as, err = msScale(ctx, aST, "a_scale"); err != nil {
			return nil, err
		}
		if az, err = msZeroPoint(ctx, aZT, a.DType(), "a_zero_point"); err != nil {
			return nil, err
		}
	}
	oshape := append(append([]int(nil), batch...), m, n)
	if a.Rank() == 1 {
		oshape = append(append([]int(nil), batch...), n)
	}
	out, err := msNewOut(ctx, tensor.Float32, oshape)
	if err != nil {
		return nil, err
	}
	mult := make([]float32, len(bs))
	for i, v := range bs {
		mult[i] = as * v
	}
	nbatch := tensor.Size(batch)
	abatch := ash[:len(ash)-2]
	bbatch := bsh[:len(bsh)-2]
	ast := tensor.BroadcastStrides(abatch, batch)
	bst := tensor.BroadcastStrides(bbatch, batch)
	bt := tensor.Strides(batch)
	o := out.Float32s()
	if !mk.qwRef && k > 0 && m > 0 && n > 0 && nbatch > 0 {
		nbm := b.Len() / (k * n)
		packs, _ := mk.qwPack.get(ctx.zaKeyOf(b, bZT), func() ([]*linalg.QPackedB, error) {
			ps := make([]*linalg.QPackedB, nbm)
			for j := range ps {
				ps[j] = qwPackB(b, j*k*n, k, n, false, bz)
			}
			return ps, nil
		})
		acc := make([]int32, nbatch*m*n)
		if len(bbatch) == 0 {
			// One B: the batches of A are one tall product.
			qwGemm(ctx.Threads, nbatch*m, n, k, qa, 0, az, packs[0], acc)
		} else {
			for bi := 0; bi < nbatch; bi++ {
				ai, bj, rem := 0, 0, bi
				for d := range batch {
					x := rem / bt[d]
					rem -= x * bt[d]
					ai += x * ast[d]
					bj += x * bst[d]
				}
				qwGemm(ctx.Threads, m, n, k, qa, ai*m*k, az, packs[bj], acc[bi*m*n:(bi+1)*m*n])
			}
		}
		for i, v := range acc {
			j := i % n
			y := float32(v) * mult[j%len(mult)]
			if biasV != nil {
				y += biasV[j]
			}
			o[i] = y
		}
		return One(out), nil
	}
	acc := make([]int32, m*n)
	for bi := 0; bi < nbatch; bi++ {
		ai, bj, rem := 0, 0, bi
		for d := range batch {
			x := rem / bt[d]
			rem -= x * bt[d]
			ai += x * ast[d]
			bj += x * bst[d]
		}
		msQGemm(m, n, k, qa, ai*m*k, []int32{az}, b, bj*k*n, bz, acc)
		dst := o[bi*m*n : (bi+1)*m*n]
		for i, v := range acc {
			j := i % n
			y := float32(v) * mult[j%len(mult)]
			if biasV != nil {
				y += biasV[j]
			}
			dst[i] = y
		}
	}
	return One(out), nil
}

// ---- MatMulNBits ----

type msNBits struct {
	lay      linalg.QNBitsLayout
	accuracy int                           // accuracy_level: 4 quantizes A to int8
	qwPack   qwCache[*linalg.QNBitsPacked] // weights packed once (fast path)
	qwRef    bool                          // reference path only (tests)
}

func msNewMatMulNBits(n *ir.Node, opset int) (Kernel, error) {
	for _, a := range []string{"K", "N"} {
		if n.Attr(a) == nil {
			return nil, NodeErrf(n, "attribute %s is required: %w", a, ir.ErrInvalidModel)
		}
	}
	k := &msNBits{lay: linalg.QNBitsLayout{
		K:         int(n.AttrInt("K", 0)),
		N:         int(n.AttrInt("N", 0)),
		Bits:      int(n.AttrInt("bits", 4)),
		BlockSize: int(n.AttrInt("block_size", 0)),
	}, accuracy: int(n.AttrInt("accuracy_level", 0))}
	if err := k.lay.Check(); err != nil {
		return nil, NodeErrf(n, "%v: %w", err, ir.ErrInvalidModel)
	}
	if k.lay.K < 1 || k.lay.N < 1 || k.lay.K > 1<<30 || k.lay.N > 1<<30 {
		return nil, NodeErrf(n, "K=%d N=%d out of range: %w", k.lay.K, k.lay.N, ir.ErrInvalidModel)
	}
	return k, nil
}

func (k *msNBits) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) < 3 || in[0] == nil || in[1] == nil || in[2] == nil {
		return nil, ctx.Errf("needs A, B, scales: %w", ir.ErrInvalidModel)
	}
	a, b, sc := in[0], in[1], in[2]
	zpT, gT, biasT := Opt(in, 3), Opt(in, 4), Opt(in, 5)
	l := k.lay
	if a.DType() != tensor.Float32 && a.DType() != tensor.Float16 {
		return nil, ctx.Errf("A has dtype %v, want float32 or float16: %w", a.DType(), tensor.ErrDType)
	}
	if a.Rank() < 1 || a.Shape()[a.Rank()-1] != l.K {
		return nil, ctx.Errf("A %v: last dim must be K=%d: %w", a.Shape(), l.K, tensor.ErrShape)
	}
	nb, blob := l.Blocks(), l.BlobBytes()
	if b.DType() != tensor.Uint8 || b.Len() != l.N*nb*blob {
		return nil, ctx.Errf("B %v %v, want uint8 with %d×%d×%d bytes: %w", b.DType(), b.Shape(), l.N, nb, blob, tensor.ErrShape)
	}
	if sc.DType() != a.DType() || sc.Len() != l.N*nb {
		return nil, ctx.Errf("scales %v %v, want %v with %d values: %w", sc.DType(), sc.Shape(), a.DType(), l.N*nb, tensor.ErrShape)
	}
	if !k.qwRef && l.Bits == 4 && gT == nil && (zpT == nil || zpT.DType() == tensor.Uint8) {
		return k.qwRun(ctx, a, b, sc, zpT, biasT)
	}
	scales, err := qwNBitsScales(ctx, sc)
	if err != nil {
		return nil, err
	}
	var zpPacked []uint8
	var zpFloat []float32
	if zpT != nil {
		switch {
		case zpT.DType() == tensor.Uint8:
			if zpT.Len() != l.N*l.ZeroPointBytes() {
				return nil, ctx.Errf("zero_points has %d bytes, want %d: %w", zpT.Len(), l.N*l.ZeroPointBytes(), tensor.ErrShape)
			}
			zpPacked = zpT.Data().([]uint8)
		case zpT.DType() == a.DType():
			if zpT.Len() != l.N*nb {
				return nil, ctx.Errf("zero_points has %d values, want %d: %w", zpT.Len(), l.N*nb, tensor.ErrShape)
			}
			zpFloat = tensor.ToFloat32(zpT)
		default:
			return nil, ctx.Errf("zero_points has dtype %v, want uint8 or %v: %w", zpT.DType(), a.DType(), tensor.ErrDType)
		}
	}
	var gIdx []int32
	if gT != nil {
		if gT.DType() != tensor.Int32 || gT.Len() != l.K {
			return nil, ctx.Errf("g_idx %v %v, want int32 [%d]: %w", gT.DType(), gT.Shape(), l.K, tensor.ErrShape)
		}
		gIdx = gT.Data().([]int32)
	}
	var bias []float32
	if biasT != nil {
		if biasT.DType() != a.DType() || biasT.Len() != l.N {
			return nil, ctx.Errf("bias %v %v, want %v [%d]: %w", biasT.DType(), biasT.Shape(), a.DType(), l.N, tensor.ErrShape)
		}
		bias = tensor.ToFloat32(biasT)
	}
	if _, err := alCheckDims(ctx, tensor.Float32, l.N, l.K); err != nil {
		return nil, err
	}
	w := make([]float32, l.N*l.K)
	if err := linalg.QNBitsDequantize(l, w, b.Data().([]uint8), scales, zpPacked, zpFloat, gIdx); err != nil {
		return nil, ctx.Errf("%v: %w", err, ir.ErrInvalidModel)
	}
	oshape := append(append([]int(nil), a.Shape()[:a.Rank()-1]...), l.N)
	m := a.Len() / l.K
	if _, err := alCheckDims(ctx, tensor.Float32, m, l.N); err != nil {
		return nil, err
	}
	c := make([]float32, m*l.N)
	av := tensor.ToFloat32(a)
	ctx.Parallel(m, 1, func(lo, hi int) {
		linalg.QNBitsGemmRef(hi-lo, l.N, l.K, av[lo*l.K:hi*l.K], w, bias, c[lo*l.N:hi*l.N])
	})
	out, err := tensor.FromFloat32(a.DType(), oshape, c)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(out), nil
}

// ---- GatherBlockQuantized ----

type msGBQ struct {
	gatherAxis, quantAxis, block, bits int
}

func msNewGatherBlockQuantized(n *ir.Node, opset int) (Kernel, error) {
	k := &msGBQ{
		gatherAxis: int(n.AttrInt("gather_axis", 0)),
		quantAxis:  int(n.AttrInt("quantize_axis", 1)),
		block:      int(n.AttrInt("block_size", 128)),
		bits:       int(n.AttrInt("bits", 4)),
	}
	if k.block < 16 || k.block&(k.block-1) != 0 {
		return nil, NodeErrf(n, "block_size %d must be a power of two >= 16: %w", k.block, ir.ErrInvalidModel)
	}
	if k.bits != 2 && k.bits != 4 && k.bits != 8 {
		return nil, NodeErrf(n, "bits %d, want 2, 4 or 8: %w", k.bits, ir.ErrInvalidModel)
	}
	return k, nil
}

func (k *msGBQ) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) < 3 || in[0] == nil || in[1] == nil || in[2] == nil {
		return nil, ctx.Errf("needs data, indices, scales: %w", ir.ErrInvalidModel)
	}
	data, idxT, sc, zpT := in[0], in[1], in[2], Opt(in, 3)
	dt := data.DType()
	comp := 1
	switch dt {
	case tensor.Int4, tensor.Uint4:
		if k.bits != 4 {
			return nil, ctx.Errf("bits %d with %v data, want 4: %w", k.bits, dt, ir.ErrInvalidModel)
		}
	case tensor.Uint8:
		comp = 8 / k.bits
	default:
		return nil, DTypeErr(ctx, dt)
	}
	if idxT.DType() != tensor.Int32 && idxT.DType() != tensor.Int64 {
		return nil, ctx.Errf("indices have dtype %v, want int32 or int64: %w", idxT.DType(), tensor.ErrDType)
	}
	if sc.DType() != tensor.Float32 && sc.DType() != tensor.Float16 {
		return nil, ctx.Errf("scales have dtype %v, want float32 or float16: %w", sc.DType(), tensor.ErrDType)
	}
	dsh := data.Shape()
	r := len(dsh)
	if r == 0 {
		return nil, ctx.Errf("data must not be a scalar: %w", tensor.ErrShape)
	}
	ga, err := tensor.NormAxis(k.gatherAxis, r)
	if err != nil {
		return nil, ctx.Errf("gather_axis %d for rank %d: %w", k.gatherAxis, r, tensor.ErrShape)
	}
	qa, err := tensor.NormAxis(k.quantAxis, r)
	if err != nil {
		return nil, ctx.Errf("quantize_axis %d for rank %d: %w", k.quantAxis, r, tensor.ErrShape)
	}
	if dt == tensor.Uint8 && (ga != 0 || qa != r-1 || ga == qa) {
		return nil, ctx.Errf("uint8 data needs gather_axis 0 and quantize_axis last (got %d, %d): %w", ga, qa, ir.ErrInvalidModel)
	}
	ssh := sc.Shape()
	if len(ssh) != r {
		return nil, ctx.Errf("scales %v must have the rank of data %v: %w", ssh, dsh, tensor.ErrShape)
	}
	for i := 0; i < r; i++ {
		want := dsh[i]
		if i == qa {
			want = (dsh[i]*comp + k.block - 1) / k.block
		}
		if ssh[i] != want {
			return nil, ctx.Errf("scales %v do not match data %v with block_size %d: %w", ssh, dsh, k.block, tensor.ErrShape)
		}
	}
	if zpT != nil {
		if zpT.DType() != dt {
			return nil, ctx.Errf("zero_points have dtype %v, want %v: %w", zpT.DType(), dt, tensor.ErrDType)
		}
		zsh := zpT.Shape()
		ok := len(zsh) == r
		for i := 0; ok && i < r; i++ {
			want := ssh[i]
			if comp > 1 && i == qa {
				want = (ssh[i] + comp - 1) / comp
			}
			ok = zsh[i] == want
		}
		if !ok {
			return nil, ctx.Errf("zero_points %v do not match scales %v: %w", zsh, ssh, tensor.ErrShape)
		}
	}
	ish := idxT.Shape()
	oshape := append(append(append([]int(nil), dsh[:ga]...), ish...), dsh[ga+1:]...)
	if comp > 1 {
		oshape[len(oshape)-1] *= comp
	}
	out, err := msNewOut(ctx, sc.DType(), oshape)
	if err != nil {
		return nil, err
	}
	gBlock := tensor.Size(dsh[ga+1:]) * comp
	gDim := dsh[ga]
	gM := tensor.Size(dsh[:ga])
	gN := idxT.Len()
	qDim := dsh[qa] * comp
	qN := tensor.Size(dsh[qa+1:])
	qFull := qDim * qN
	sFull := (qDim + k.block - 1) / k.block * qN
	idx, _ := idxT.AsInt64s()
	scales := tensor.ToFloat32(sc)
	var raw []uint8
	var vals []int32
	if dt == tensor.Uint8 {
		raw = data.Data().([]uint8)
	} else {
		vals = msInt4s(data)
	}
	var zraw []uint8
	var zvals []int32
	if zpT != nil {
		if dt == tensor.Uint8 {
			zraw = zpT.Data().([]uint8)
		} else {
			zvals = msInt4s(zpT)
		}
	}
	o := make([]float32, out.Len())
	for mn := 0; mn < gM*gN; mn++ {
		gm, gn := mn/gN, mn%gN
		iv := idx[gn]
		if iv < -int64(gDim) || iv >= int64(gDim) {
			return nil, ctx.Errf("index %d out of range [%d, %d): %w", iv, -gDim, gDim, tensor.ErrShape)
		}
		if iv < 0 {
			iv += int64(gDim)
		}
		base := gm*gDim*gBlock + int(iv)*gBlock
		for i := 0; i < gBlock; i++ {
			di := base + i
			var q int32
			switch {
			case vals != nil:
				q = vals[di]
			case k.bits == 8:
				q = int32(raw[di])
			default:
				q = qnGet(raw, di, k.bits)
			}
			x, y, z := di/qFull, di%qFull/qN, di%qN
			si := x*sFull + y/k.block*qN + z
			var zp int32
			switch {
			case zvals != nil:
				zp = zvals[si]
			case zraw != nil && k.bits == 8:
				zp = int32(zraw[si])
			case zraw != nil:
				per := (sFull + comp - 1) / comp
				row, col := si/sFull, si%sFull
				zp = qnGet(zraw[row*per:], col, k.bits)
			case dt == tensor.Uint8:
				zp = 1 << (k.bits - 1)
			}
			o[mn*gBlock+i] = float32(q-zp) * scales[si]
		}
	}
	res, err := tensor.FromFloat32(sc.DType(), oshape, o)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(res), nil
}

// qnGet extracts element i of a packed low-bits-first stream of bits-wide values.
func qnGet(b []uint8, i, bits int) int32 {
	per := 8 / bits
	return int32(b[i/per]>>((i%per)*bits)) & (1<<bits - 1)
}

// msInt4s reads int4/uint4 tensors as int32 values.
func msInt4s(t *tensor.Tensor) []int32 {
	out := make([]int32, t.Len())
	switch d := t.Data().(type) {
	case []int8:
		for i, v := range d {
			out[i] = int32(v)
		}
	case []uint8:
		for i, v := range d {
			out[i] = int32(v)
		}
	}
	return out
}

// ---- com.microsoft QuantizeLinear / DequantizeLinear ----

func msNewQDQ(op string) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		f, err := Lookup("", op, 21)
		if err != nil {
			return nil, NodeErrf(n, "%w", err)
		}
		// The ai.onnx kernel reads axis/block_size/saturate from the node;
		// com.microsoft's attributes are a subset with the same meaning.
		return f(n, 21)
	}
}
