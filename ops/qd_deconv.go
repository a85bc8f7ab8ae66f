package ops

// qinfer.QDeconvChain: the QDQ fusion pass's rewrite of
// DequantizeLinear → ConvTranspose [→ act] [→ ConvTranspose [→ act]] where
// every ConvTranspose has stride == kernel, no padding, group 1 and
// dilation 1 (the DB text-detection head: two 2×2 stride-2 upsamplers).
// The ConvTranspose weights are float in the model, so the arithmetic stays
// float32 as in ONNX Runtime; what the fusion saves is memory traffic.
// With stride == kernel every output pixel receives exactly one input
// pixel, so a ConvTranspose is a GEMM per input pixel with no overlap to
// add up, and a chain of them turns each input pixel into a private
// (kh1·kh2)×(kw1·kw2) output patch: the kernel runs bands of input rows
// through both GEMMs while the intermediate map is in cache instead of
// writing it out, and dequantizes the 8-bit input through a 256-entry table.
//
// Inputs: x (uint8 or int8 [N,C,H,W]), x_scale (float32 scalar), x_zero_point
// (optional, x's type), W1 (float32 [C,M1,kh1,kw1]), B1 (optional [M1]),
// W2 (optional float32 [M1,M2,kh2,kw2]), B2 (optional [M2]). Attributes
// activation / activation_params (after stage 1) and activation2 /
// activation2_params (after stage 2), as on qinfer.FusedConv.

import (
	"sync"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("qinfer", "QDeconvChain", 1, qdNewDeconv)
}

type qdDeconv struct {
	act1, act2 *pfAct
	pack       qwCache[*qdDeconvPack]
}

// qdDeconvPack holds both stages' weights as GEMM left operands whose rows
// are ordered (kernel position, output channel), so the rows of one kernel
// position of stage 1 are a contiguous input of stage 2.
type qdDeconvPack struct {
	a1, a2    *linalg.PackedA
	a2raw     []float32 // stage 2 unpacked, for SgemmSmallM
	c, m1, m2 int
	kh1, kw1  int
	kh2, kw2  int // 1×1 when there is no stage 2
	stage2    bool
}

func qdNewDeconv(n *ir.Node, opset int) (Kernel, error) {
	act1, err := pfNewAct(n)
	if err != nil {
		return nil, err
	}
	// Stage 2's activation is read the same way from a renamed view.
	view := &ir.Node{Name: n.Name, OpType: n.OpType, Domain: n.Domain}
	for _, a := range n.Attrs {
		switch a.Name {
		case "activation2":
			c := *a
			c.Name = "activation"
			view.Attrs = append(view.Attrs, &c)
		case "activation2_params":
			c := *a
			c.Name = "activation_params"
			view.Attrs = append(view.Attrs, &c)
		}
	}
	act2, err := pfNewAct(view)
	if err != nil {
		return nil, err
	}
	if act2 != nil && n.Input(5) == "" {
		return nil, NodeErrf(n, "activation2 without a second ConvTranspose: %w", ir.ErrInvalidModel)
	}
	return &qdDeconv{act1: act1, act2: act2}, nil
}

// qdDeconvWeights validates W (float32 [cin, m, kh, kw]) and returns it
// transposed to rows (kh·kw position, m) × cin.
func qdDeconvWeights(ctx *Context, w *tensor.Tensor, cin int, what string) (a []float32, m, kh, kw int, err error) {
	if w == nil || w.DType() != tensor.Float32 || w.Rank() != 4 {
		return nil, 0, 0, 0, ctx.Errf("%s must be float32 of rank 4: %w", what, tensor.ErrDType)
	}
	ws := w.Shape()
	if ws[0] != cin || cin < 1 || ws[1] < 1 || ws[2] < 1 || ws[3] < 1 {
		return nil, 0, 0, 0, ctx.Errf("%s%v for %d input channels: %w", what, ws, cin, tensor.ErrShape)
	}
	m, kh, kw = ws[1], ws[2], ws[3]
	k := kh * kw
	wd := w.Float32s()
	a = make([]float32, k*m*cin)
	for ci := 0; ci < cin; ci++ {
		for co := 0; co < m; co++ {
			for p := 0; p < k; p++ {
				a[(p*m+co)*cin+ci] = wd[(ci*m+co)*k+p]
			}
		}
	}
	return a, m, kh, kw, nil
}

// qdDeconvBias expands B ([m] or nil) to one value per GEMM row.
func qdDeconvBias(ctx *Context, b *tensor.Tensor, m, k int, what string) ([]float32, error) {
	if b == nil {
		return nil, nil
	}
	if b.DType() != tensor.Float32 || b.Len() != m {
		return nil, ctx.Errf("%s is %v %v, want float32 [%d]: %w", what, b.DType(), b.Shape(), m, tensor.ErrShape)
	}
	bd := b.Float32s()
	bias := make([]float32, k*m)
	for p := 0; p < k; p++ {
		copy(bias[p*m:(p+1)*m], bd)
	}
	return bias, nil
}

func (k *qdDeconv) packFor(ctx *Context, c int, w1, w2 *tensor.Tensor) (*qdDeconvPack, error) {
	build := func() (*qdDeconvPack, error) {
		p := &qdDeconvPack{c: c, kh2: 1, kw2: 1}
		a1, m1, kh1, kw1, err := qdDeconvWeights(ctx, w1, c, "W1")
		if err != nil {
			return nil, err
		}
		p.m1, p.kh1, p.kw1 = m1, kh1, kw1
		p.a1 = linalg.PackA(kh1*kw1*m1, c, a1, c)
		if w2 != nil {
			a2, m2, kh2, kw2, err := qdDeconvWeights(ctx, w2, m1, "W2")
			if err != nil {
				return nil, err
			}
			p.stage2, p.m2, p.kh2, p.kw2 = true, m2, kh2, kw2
			p.a2 = linalg.PackA(kh2*kw2*m2, m1, a2, m1)
			p.a2raw = a2
		}
		return p, nil
	}
	p, err := k.pack.get(qwKeyOf(w1, w2), build)
	if err != nil {
		return nil, err
	}
	if p.c != c {
		// A constant weight cannot change its shape; X's can.
		return nil, ctx.Errf("X has %d channels, W1 wants %d: %w", c, p.c, tensor.ErrShape)
	}
	return p, nil
}

// qdDeconvBufs are one worker's band buffers.
type qdDeconvBufs struct{ x, mid, out2 []float32 }

var qdDeconvPool = sync.Pool{New: func() any { return new(qdDeconvBufs) }}

func (k *qdDeconv) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 4); err != nil {
		return nil, err
	}
	x, xs, xz, w1, b1, w2, b2 := in[0], in[1], Opt(in, 2), in[3], Opt(in, 4), Opt(in, 5), Opt(in, 6)
	if x.DType() != tensor.Uint8 && x.DType() != tensor.Int8 {
		return nil, ctx.Errf("x dtype %v, want uint8 or int8: %w", x.DType(), tensor.ErrDType)
	}
	if x.Rank() != 4 {
		return nil, ctx.Errf("x%v must have rank 4: %w", x.Shape(), tensor.ErrShape)
	}
	if xs.DType() != tensor.Float32 || xs.Len() != 1 {
		return nil, ctx.Errf("x_scale must be one float32: %w", tensor.ErrShape)
	}
	if xz != nil && (xz.DType() != x.DType() || xz.Len() != 1) {
		return nil, ctx.Errf("x_zero_point must be one %v: %w", x.DType(), tensor.ErrShape)
	}
	if w2 == nil && k.act2 != nil {
		return nil, ctx.Errf("activation2 without W2: %w", ir.ErrInvalidModel)
	}
	sh := x.Shape()
	nb, c, h, w := sh[0], sh[1], sh[2], sh[3]
	p, err := k.packFor(ctx, c, w1, w2)
	if err != nil {
		return nil, err
	}
	if w2 == nil && b2 != nil {
		return nil, ctx.Errf("B2 without W2: %w", ir.ErrInvalidModel)
	}
	bias1, err := qdDeconvBias(ctx, b1, p.m1, p.kh1*p.kw1, "B1")
	if err != nil {
		return nil, err
	}
	bias2, err := qdDeconvBias(ctx, b2, p.m2, p.kh2*p.kw2, "B2")
	if err != nil {
		return nil, err
	}
	// DequantizeLinear as the DQ kernel computes it: (x − zp)·scale,
	// one float32 rounding.
	sc := xs.Float32s()[0]
	zp := int32(0)
	if xz != nil {
		zp = int32(xz.Int64At(0))
	}
	signed := x.DType() == tensor.Int8
	src := qfByteData(x)
	mOut, fh, fw := p.m1, p.kh1, p.kw1
	if p.stage2 {
		mOut, fh, fw = p.m2, p.kh1*p.kh2, p.kw1*p.kw2
	}
	oh, err := zaNumElements2(h, fh)
	if err != nil {
		return nil, ctx.Errf("output height: %w", err)
	}
	ow, err := zaNumElements2(w, fw)
	if err != nil {
		return nil, ctx.Errf("output width: %w", err)
	}
	oshape := []int{nb, mOut, oh, ow}
	total, err := tensor.NumElements(oshape)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	if err := ctx.CheckAlloc(tensor.Float32, total); err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	y, err := ctx.NewTensorUninit(tensor.Float32, oshape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	if total == 0 {
		return ctx.One(y), nil
	}
	// Bands of whole input rows, ~768 pixels: stage 1's output for a band
	// (kh1·kw1·M1 rows) stays in L2.
	rows := max(1, min(h, 768/max(1, w)))
	bandsPer := (h + rows - 1) / rows
	// Per-worker scratch: the band's stage-1 and stage-2 results can be
	// larger than the output when M1 is wide.
	bandN := rows * w
	for _, sz := range [][2]int{{p.kh1 * p.kw1 * p.m1, bandN}, {p.kh1 * p.kw1 * p.kh2 * p.kw2 * p.m2, bandN}} {
		n, err := zaNumElements2(sz[0], sz[1])
		if err == nil {
			err = ctx.CheckAlloc(tensor.Float32, n)
		}
		if err != nil {
			return nil, ctx.Errf("band buffers: %w", err)
		}
	}
	yd := y.Float32s()
	var ep1, ep2 linalg.Epilogue
	ep1.RowBias = bias1
	post1 := qdEpilogue(k.act1, &ep1)
	ep2.RowBias = bias2
	post2 := qdEpilogue(k.act2, &ep2)
	ctx.Parallel(nb*bandsPer, 1, func(lo, hi int) {
		bufs := qdDeconvPool.Get().(*qdDeconvBufs)
		defer qdDeconvPool.Put(bufs)
		for bi := lo; bi < hi; bi++ {
			img, y0 := bi/bandsPer, (bi%bandsPer)*rows
			y1 := min(h, y0+rows)
			n := (y1 - y0) * w
			xb := zaGrowF32(&bufs.x, c*n)
			for ci := 0; ci < c; ci++ {
				s := src[((img*c+ci)*h+y0)*w:][:n]
				linalg.Dequantize8(xb[ci*n:(ci+1)*n], s, sc, zp, signed)
			}
			r1 := p.kh1 * p.kw1 * p.m1
			mid := zaGrowF32(&bufs.mid, r1*n)
			linalg.SgemmPackedEpilogue(1, p.a1, n, xb, n, mid, n, &ep1)
			if post1 {
				k.act1.apply32(mid[:r1*n])
			}
			ybase := yd[img*mOut*oh*ow:]
			if !p.stage2 {
				qdScatter(ybase, mid, p.m1, p.kh1, p.kw1, 1, 1, y0, y1, w, oh, ow)
				continue
			}
			r2 := p.kh2 * p.kw2 * p.m2
			k1n := p.kh1 * p.kw1
			out2 := zaGrowF32(&bufs.out2, k1n*r2*n)
			for k1 := 0; k1 < k1n; k1++ {
				b, o := mid[k1*p.m1*n:], out2[k1*r2*n:(k1+1)*r2*n]
				if r2 <= linalg.SmallM {
					// A few rows: packing B would cost more than the product.
					linalg.SgemmSmallM(1, false, false, r2, n, p.m1, 1, p.a2raw, p.m1, b, n, 0, o, n, &ep2)
				} else {
					linalg.SgemmPackedEpilogue(1, p.a2, n, b, n, o, n, &ep2)
				}
			}
			if post2 {
				k.act2.apply32(out2[:k1n*r2*n])
			}
			qdScatter(ybase, out2, p.m2, p.kh1, p.kw1, p.kh2, p.kw2, y0, y1, w, oh, ow)
		}
	})
	return ctx.One(y), nil
}

// qdScatter writes a band's results src into the image y (m channels of
// oh×ow): src row ((kyA·kwA+kxA)·KB + kyB·kwB+kxB)·m + co (KB = khB·kwB)
// holds, for the band's input pixels (rows y0..y1 of width w), output
// channel co at stage-1 kernel position (kyA, kxA) and stage-2 position
// (kyB, kxB) (khB = kwB = 1 for one stage). Input pixel (iy, ix) lands at
// row (iy·khA + kyA)·khB + kyB, column (ix·kwA + kxA)·kwB + kxB, so each
// output row is written front to back from kwA·kwB source rows.
func qdScatter(y, src []float32, m, khA, kwA, khB, kwB, y0, y1, w, oh, ow int) {
	n := (y1 - y0) * w
	kb := khB * kwB
	q := kwA * kwB
	var rowsBuf [16][]float32
	rows := rowsBuf[:0]
	if q > len(rowsBuf) {
		rows = make([][]float32, q)
	}
	rows = rows[:q]
	for co := 0; co < m; co++ {
		plane := y[co*oh*ow : (co+1)*oh*ow]
		for iy := y0; iy < y1; iy++ {
			off := (iy - y0) * w
			for kyA := 0; kyA < khA; kyA++ {
				for kyB := 0; kyB < khB; kyB++ {
					for kxA := 0; kxA < kwA; kxA++ {
						for kxB := 0; kxB < kwB; kxB++ {
							r := ((kyA*kwA+kxA)*kb+kyB*kwB+kxB)*m + co
							rows[kxA*kwB+kxB] = src[r*n+off : r*n+off+w]
						}
					}
					oy := (iy*khA+kyA)*khB + kyB
					dst := plane[oy*ow : oy*ow+w*q]
					if q == 4 {
						r0, r1, r2, r3 := rows[0][:w], rows[1][:w], rows[2][:w], rows[3][:w]
						for ix := range r0 {
							d := dst[4*ix : 4*ix+4 : 4*ix+4]
							d[0], d[1], d[2], d[3] = r0[ix], r1[ix], r2[ix], r3[ix]
						}
						continue
					}
					for j, r := range rows {
						for ix, v := range r {
							dst[ix*q+j] = v
						}
					}
				}
			}
		}
	}
}

// qdEpilogue puts a into ep when SGEMM's epilogue computes it cheaply and
// reports whether the caller must apply it afterwards instead (apply32).
// Sigmoid runs afterwards: apply32's SIMD linalg.Sigmoid32 is many times
// faster than the epilogue's float64 math.Exp.
func qdEpilogue(a *pfAct, ep *linalg.Epilogue) bool {
	if a == nil {
		return false
	}
	if a.op == "Sigmoid" {
		return true
	}
	return !a.epilogue(ep)
}
