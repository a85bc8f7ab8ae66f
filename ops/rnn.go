package ops

import (
	"math"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// RNN, GRU and LSTM (ai.onnx 7, 14; opset 14 adds layout).
//
// Inputs X [seq, batch, input] (layout 1: [batch, seq, input]), W
// [dirs, gates*H, input], R [dirs, gates*H, H] and the optional B
// [dirs, 2*gates*H], sequence_lens [batch], initial_h [dirs, batch, H]
// (layout 1: [batch, dirs, H]) and, for LSTM, initial_c and P [dirs, 3*H].
// Gate order is ONNX's: LSTM i, o, f, c; GRU z, r, h. Steps past a batch
// entry's sequence length leave its state unchanged and output zeros, so
// Y_h/Y_c hold the state at each sequence's last valid step (for the
// reverse direction: after step 0, having started at length-1).
//
// The input projection X·Wᵀ of every step is computed up front as one
// matrix product; each step then adds H·Rᵀ for the whole batch.

func init() {
	for _, v := range []int{7, 14} {
		Register("", "RNN", v, func(n *ir.Node, opset int) (Kernel, error) { return rnNewCell(n, opset, rnCellRNN) })
		Register("", "GRU", v, func(n *ir.Node, opset int) (Kernel, error) { return rnNewCell(n, opset, rnCellGRU) })
		Register("", "LSTM", v, func(n *ir.Node, opset int) (Kernel, error) { return rnNewCell(n, opset, rnCellLSTM) })
	}
}

type rnCellKind int

const (
	rnCellRNN rnCellKind = iota
	rnCellGRU
	rnCellLSTM
)

type rnActKind int

const (
	rnActSigmoid rnActKind = iota
	rnActTanh
	rnActRelu
	rnActHardSigmoid
	rnActLeakyRelu
	rnActThresholdedRelu
	rnActScaledTanh
	rnActAffine
	rnActElu
	rnActSoftsign
	rnActSoftplus
)

// rnAct is one activation function with its alpha and beta.
type rnAct struct {
	kind        rnActKind
	alpha, beta float64
}

// rnActInfo maps lower-case ONNX activation names to the kind, whether it
// consumes an alpha and a beta, and the default alpha and beta.
var rnActInfo = map[string]struct {
	kind              rnActKind
	useA, useB        bool
	defAlpha, defBeta float64
}{
	"sigmoid":         {rnActSigmoid, false, false, 0, 0},
	"tanh":            {rnActTanh, false, false, 0, 0},
	"relu":            {rnActRelu, false, false, 0, 0},
	"hardsigmoid":     {rnActHardSigmoid, true, true, 0.2, 0.5},
	"leakyrelu":       {rnActLeakyRelu, true, false, 0.01, 0},
	"thresholdedrelu": {rnActThresholdedRelu, true, false, 1, 0},
	"scaledtanh":      {rnActScaledTanh, true, true, 1, 1},
	"affine":          {rnActAffine, true, true, 1, 0},
	"elu":             {rnActElu, true, false, 1, 0},
	"softsign":        {rnActSoftsign, false, false, 0, 0},
	"softplus":        {rnActSoftplus, false, false, 0, 0},
}

// rnCell is the prepared configuration of one RNN/GRU/LSTM node.
type rnCell struct {
	kind        rnCellKind
	gates       int // 1, 3 or 4 blocks of H rows in W and R
	nacts       int // activations per direction: 1, 2 or 3
	dirs        int
	reverse     bool // direction == "reverse"
	hidden      int  // hidden_size attribute, or -1
	acts        []rnAct
	clip        float64 // 0: no clipping
	inputForget bool
	lbr         bool // GRU linear_before_reset
	layout      int
}

func rnNewCell(n *ir.Node, opset int, kind rnCellKind) (Kernel, error) {
	k := &rnCell{kind: kind, hidden: -1}
	var defActs []string
	switch kind {
	case rnCellRNN:
		k.gates, k.nacts = 1, 1
		defActs = []string{"Tanh"}
	case rnCellGRU:
		k.gates, k.nacts = 3, 2
		defActs = []string{"Sigmoid", "Tanh"}
	case rnCellLSTM:
		k.gates, k.nacts = 4, 3
		defActs = []string{"Sigmoid", "Tanh", "Tanh"}
	}
	switch d := n.AttrString("direction", "forward"); d {
	case "forward":
		k.dirs = 1
	case "reverse":
		k.dirs, k.reverse = 1, true
	case "bidirectional":
		k.dirs = 2
	default:
		return nil, NodeErrf(n, "direction %q: %w", d, ir.ErrInvalidModel)
	}
	if a := n.Attr("hidden_size"); a != nil {
		if a.I <= 0 || a.I > math.MaxInt32 {
			return nil, NodeErrf(n, "hidden_size %d: %w", a.I, ir.ErrInvalidModel)
		}
		k.hidden = int(a.I)
	}
	if a := n.Attr("clip"); a != nil {
		c := float64(a.F)
		if !(c > 0) {
			return nil, NodeErrf(n, "clip %g must be positive: %w", c, ir.ErrInvalidModel)
		}
		k.clip = c
	}
	k.inputForget = kind == rnCellLSTM && n.AttrInt("input_forget", 0) != 0
	k.lbr = kind == rnCellGRU && n.AttrInt("linear_before_reset", 0) != 0
	k.layout = int(n.AttrInt("layout", 0))
	if k.layout != 0 && k.layout != 1 {
		return nil, NodeErrf(n, "layout %d: %w", k.layout, ir.ErrInvalidModel)
	}
	if opset < 14 {
		k.layout = 0
	}

	names := n.AttrStrings("activations")
	if names == nil {
		for d := 0; d < k.dirs; d++ {
			names = append(names, defActs...)
		}
	} else if len(names) == k.nacts && k.dirs == 2 {
		names = append(append([]string{}, names...), names...)
	}
	if len(names) != k.nacts*k.dirs {
		return nil, NodeErrf(n, "%d activations, want %d: %w", len(names), k.nacts*k.dirs, ir.ErrInvalidModel)
	}
	alphas, betas := n.AttrFloats("activation_alpha"), n.AttrFloats("activation_beta")
	for _, name := range names {
		info, ok := rnActInfo[strings.ToLower(name)]
		if !ok {
			return nil, NodeErrf(n, "activation %q: %w", name, ErrUnsupported)
		}
		a := rnAct{kind: info.kind, alpha: info.defAlpha, beta: info.defBeta}
		if info.useA && len(alphas) > 0 {
			a.alpha, alphas = float64(alphas[0]), alphas[1:]
		}
		if info.useB && len(betas) > 0 {
			a.beta, betas = float64(betas[0]), betas[1:]
		}
		k.acts = append(k.acts, a)
	}
	return k, nil
}

// rnCellDims holds the validated dims of a run.
type rnCellDims struct {
	seq, batch, inp, hid int
}

// Run implements Kernel.
func (k *rnCell) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	dims, lens, err := k.check(ctx, in)
	if err != nil {
		return nil, err
	}
	dt := in[0].DType()
	nout := len(ctx.Node.Outputs)
	nout = min(max(nout, 1), 2)
	if k.kind == rnCellLSTM {
		nout = min(max(len(ctx.Node.Outputs), 1), 3)
	}
	switch dt {
	case tensor.Float32:
		return rnCellRun(ctx, k, in, dims, lens, nout, dt, func(t *tensor.Tensor) []float32 { return t.Data().([]float32) })
	case tensor.Float64:
		return rnCellRun(ctx, k, in, dims, lens, nout, dt, func(t *tensor.Tensor) []float64 { return t.Data().([]float64) })
	case tensor.Float16, tensor.BFloat16:
		return rnCellRun(ctx, k, in, dims, lens, nout, dt, tensor.ToFloat32)
	}
	return nil, DTypeErr(ctx, dt)
}

// check validates input shapes and dtypes and reads sequence_lens.
func (k *rnCell) check(ctx *Context, in []*tensor.Tensor) (rnCellDims, []int, error) {
	var d rnCellDims
	x, w, r := in[0], in[1], in[2]
	dt := x.DType()
	for i, t := range in {
		if t != nil && i != 4 && t.DType() != dt {
			return d, nil, ctx.Errf("input %d has dtype %v, X has %v: %w", i, t.DType(), dt, tensor.ErrDType)
		}
	}
	if x.Rank() != 3 || w.Rank() != 3 || r.Rank() != 3 {
		return d, nil, ctx.Errf("X %v, W %v, R %v must be rank 3: %w", x.Shape(), w.Shape(), r.Shape(), tensor.ErrShape)
	}
	d.seq, d.batch, d.inp = x.Dim(0), x.Dim(1), x.Dim(2)
	if k.layout == 1 {
		d.seq, d.batch = d.batch, d.seq
	}
	d.hid = r.Dim(2)
	if k.hidden >= 0 && k.hidden != d.hid {
		return d, nil, ctx.Errf("hidden_size %d but R is %v: %w", k.hidden, r.Shape(), tensor.ErrShape)
	}
	gh := k.gates * d.hid
	if w.Dim(0) != k.dirs || w.Dim(1) != gh || w.Dim(2) != d.inp {
		return d, nil, ctx.Errf("W shape %v, want [%d %d %d]: %w", w.Shape(), k.dirs, gh, d.inp, tensor.ErrShape)
	}
	if r.Dim(0) != k.dirs || r.Dim(1) != gh {
		return d, nil, ctx.Errf("R shape %v, want [%d %d %d]: %w", r.Shape(), k.dirs, gh, d.hid, tensor.ErrShape)
	}
	want := func(i int, name string, shape ...int) error {
		t := Opt(in, i)
		if t != nil && !tensor.SameShape(t.Shape(), shape) {
			return ctx.Errf("%s shape %v, want %v: %w", name, t.Shape(), shape, tensor.ErrShape)
		}
		return nil
	}
	if err := want(3, "B", k.dirs, 2*gh); err != nil {
		return d, nil, err
	}
	if err := want(4, "sequence_lens", d.batch); err != nil {
		return d, nil, err
	}
	hs := []int{k.dirs, d.batch, d.hid}
	if k.layout == 1 {
		hs = []int{d.batch, k.dirs, d.hid}
	}
	if err := want(5, "initial_h", hs...); err != nil {
		return d, nil, err
	}
	if k.kind == rnCellLSTM {
		if err := want(6, "initial_c", hs...); err != nil {
			return d, nil, err
		}
		if err := want(7, "P", k.dirs, 3*d.hid); err != nil {
			return d, nil, err
		}
	}
	// Y and the per-direction gate buffers are sized by these; check them
	// against the per-tensor cap (as float64, the widest compute type).
	if _, err := alCheckShape(ctx, tensor.Float64, []int{d.seq, k.dirs, d.batch, d.hid}); err != nil {
		return d, nil, err
	}
	if _, err := alCheckShape(ctx, tensor.Float64, []int{d.seq, d.batch, gh}); err != nil {
		return d, nil, err
	}
	lens := make([]int, d.batch)
	if sl := Opt(in, 4); sl != nil {
		v, err := sl.AsInt64s()
		if err != nil {
			return d, nil, ctx.Errf("sequence_lens: %w", err)
		}
		for b, l := range v {
			if l < 0 || l > int64(d.seq) {
				return d, nil, ctx.Errf("sequence_lens[%d] = %d outside [0, %d]: %w", b, l, d.seq, tensor.ErrShape)
			}
			lens[b] = int(l)
		}
	} else {
		for b := range lens {
			lens[b] = d.seq
		}
	}
	return d, lens, nil
}

// rnCellRun runs the recurrence in T (float32 or float64) and wraps the
// outputs in tensors of dtype dt.
func rnCellRun[T float32 | float64](ctx *Context, k *rnCell, in []*tensor.Tensor, d rnCellDims, lens []int, nout int, dt tensor.DType, get func(*tensor.Tensor) []T) ([]*tensor.Tensor, error) {
	opt := func(i int) []T {
		if t := Opt(in, i); t != nil {
			return get(t)
		}
		return nil
	}
	x, w, r := get(in[0]), get(in[1]), get(in[2])
	b, h0 := opt(3), opt(5)
	var c0, p []T
	if k.kind == rnCellLSTM {
		c0, p = opt(6), opt(7)
	}
	threads := 1
	if ctx.Threads > 1 {
		threads = ctx.Threads
	}
	y, yh, yc := rnRecur(k, d, lens, threads, x, w, r, b, h0, c0, p)

	yShape := []int{d.seq, k.dirs, d.batch, d.hid}
	hShape := []int{k.dirs, d.batch, d.hid}
	if k.layout == 1 {
		yShape = []int{d.batch, d.seq, k.dirs, d.hid}
		hShape = []int{d.batch, k.dirs, d.hid}
	}
	wrap := func(v []T, shape []int) (*tensor.Tensor, error) {
		switch any(v).(type) {
		case []float64:
			return tensor.FromData(dt, shape, v)
		}
		return tensor.FromFloat32(dt, shape, any(v).([]float32))
	}
	out := make([]*tensor.Tensor, nout)
	vals := [][]T{y, yh, yc}
	shapes := [][]int{yShape, hShape, hShape}
	for i := range out {
		t, err := wrap(vals[i], shapes[i])
		if err != nil {
			return nil, ctx.Errf("output %d: %w", i, err)
		}
		out[i] = t
	}
	return out, nil
}

// rnRecur computes Y, Y_h and Y_c (nil unless LSTM) in the node's layout.
func rnRecur[T float32 | float64](k *rnCell, d rnCellDims, lens []int, threads int, x, w, r, b, h0, c0, p []T) (y, yh, yc []T) {
	seq, batch, inp, H := d.seq, d.batch, d.inp, d.hid
	G := k.gates
	GH := G * H
	// Offsets of (t, dir, b) in Y and (dir, b) in Y_h/initial_h for the layout.
	yOff := func(t, dir, bi int) int { return ((t*k.dirs+dir)*batch + bi) * H }
	hOff := func(dir, bi int) int { return (dir*batch + bi) * H }
	if k.layout == 1 {
		yOff = func(t, dir, bi int) int { return ((bi*seq+t)*k.dirs + dir) * H }
		hOff = func(dir, bi int) int { return (bi*k.dirs + dir) * H }
	}
	y = make([]T, seq*k.dirs*batch*H)
	yh = make([]T, k.dirs*batch*H)
	if k.kind == rnCellLSTM {
		yc = make([]T, k.dirs*batch*H)
	}

	// X in [seq][batch][inp] order.
	xs := x
	if k.layout == 1 {
		xs = make([]T, len(x))
		for bi := 0; bi < batch; bi++ {
			for t := 0; t < seq; t++ {
				copy(xs[(t*batch+bi)*inp:(t*batch+bi+1)*inp], x[(bi*seq+t)*inp:(bi*seq+t+1)*inp])
			}
		}
	}

	// Directions are independent: each gets its own buffers and writes its
	// own slots of Y, Y_h and Y_c.
	runDir := func(dir int) {
		xw := make([]T, seq*batch*GH) // X·Wᵀ + biases, per step and batch row
		wt := make([]T, inp*GH)       // Wᵀ of one direction
		rt := make([]T, H*GH)         // Rᵀ of one direction
		g := make([]T, batch*GH)      // gate pre-activations of one step
		hcur := make([]T, batch*H)    // hidden state
		ccur := make([]T, batch*H)    // LSTM cell state
		tmp := make([]T, batch*H)     // GRU scratch
		hnew := make([]T, batch*H)    // candidate state of one step
		cnew := make([]T, batch*H)    // candidate cell state of one step
		rbh := make([]T, H)           // GRU recurrence bias of the h gate
		rev := k.reverse || dir == 1
		acts := k.acts[dir*k.nacts : (dir+1)*k.nacts]
		wd := w[dir*GH*inp : (dir+1)*GH*inp]
		rd := r[dir*GH*H : (dir+1)*GH*H]
		for i := 0; i < GH; i++ {
			for j := 0; j < inp; j++ {
				wt[j*GH+i] = wd[i*inp+j]
			}
			for j := 0; j < H; j++ {
				rt[j*GH+i] = rd[i*H+j]
			}
		}
		// Input projection plus biases for every step at once.
		rnGemm(seq*batch, GH, inp, xs, inp, wt, GH, xw, GH)
		if b != nil {
			wb := b[dir*2*GH : dir*2*GH+GH]
			rb := b[dir*2*GH+GH : (dir+1)*2*GH]
			bias := make([]T, GH)
			for i := range bias {
				bias[i] = wb[i] + rb[i]
			}
			if k.lbr {
				// GRU linear_before_reset: Rbh goes inside r ⊙ (...).
				copy(bias[2*H:], wb[2*H:])
				copy(rbh, rb[2*H:])
			}
			for row := 0; row < seq*batch; row++ {
				xr := xw[row*GH : (row+1)*GH]
				for i, v := range bias {
					xr[i] += v
				}
			}
		}
		// Initial state.
		for bi := 0; bi < batch; bi++ {
			hs := hcur[bi*H : (bi+1)*H]
			cs := ccur[bi*H : (bi+1)*H]
			if h0 != nil {
				copy(hs, h0[hOff(dir, bi):hOff(dir, bi)+H])
			} else {
				clear(hs)
			}
			if c0 != nil {
				copy(cs, c0[hOff(dir, bi):hOff(dir, bi)+H])
			} else {
				clear(cs)
			}
		}
		var pi, po, pf []T
		if p != nil {
			pd := p[dir*3*H : (dir+1)*3*H]
			pi, po, pf = pd[:H], pd[H:2*H], pd[2*H:]
		}

		for s := 0; s < seq; s++ {
			t := s
			if rev {
				t = seq - 1 - s
			}
			copy(g, xw[t*batch*GH:(t+1)*batch*GH])
			switch k.kind {
			case rnCellRNN:
				rnGemm(batch, GH, H, hcur, H, rt, GH, g, GH)
				for bi := 0; bi < batch; bi++ {
					hn := hnew[bi*H : (bi+1)*H]
					copy(hn, g[bi*GH:bi*GH+H])
					rnActivate(acts[0], k.clip, hn)
				}
			case rnCellGRU:
				// z and r gates.
				rnGemm(batch, 2*H, H, hcur, H, rt, GH, g, GH)
				for bi := 0; bi < batch; bi++ {
					rnActivate(acts[0], k.clip, g[bi*GH:bi*GH+2*H])
				}
				clear(tmp)
				if k.lbr {
					// tmp = H·Rhᵀ + Rbh; h pre-activation += r ⊙ tmp.
					for bi := 0; bi < batch; bi++ {
						copy(tmp[bi*H:(bi+1)*H], rbh)
					}
					rnGemm(batch, H, H, hcur, H, rt[2*H:], GH, tmp, H)
					for bi := 0; bi < batch; bi++ {
						gr := g[bi*GH+H : bi*GH+2*H]
						gh := g[bi*GH+2*H : bi*GH+3*H]
						tb := tmp[bi*H : (bi+1)*H]
						for j := range gh {
							gh[j] += gr[j] * tb[j]
						}
					}
				} else {
					// tmp = r ⊙ H; h pre-activation += tmp·Rhᵀ.
					for i := range tmp {
						bi, j := i/H, i%H
						tmp[i] = g[bi*GH+H+j] * hcur[i]
					}
					if batch > 0 { // g is empty for an empty batch
						rnGemm(batch, H, H, tmp, H, rt[2*H:], GH, g[2*H:], GH)
					}
				}
				for bi := 0; bi < batch; bi++ {
					gz := g[bi*GH : bi*GH+H]
					gh := g[bi*GH+2*H : bi*GH+3*H]
					rnActivate(acts[1], k.clip, gh)
					hp := hcur[bi*H : (bi+1)*H]
					hn := hnew[bi*H : (bi+1)*H]
					for j := range hn {
						hn[j] = (1-gz[j])*gh[j] + gz[j]*hp[j]
					}
				}
			case rnCellLSTM:
				rnGemm(batch, GH, H, hcur, H, rt, GH, g, GH)
				for bi := 0; bi < batch; bi++ {
					gi := g[bi*GH : bi*GH+H]
					gout := g[bi*GH+H : bi*GH+2*H]
					gf := g[bi*GH+2*H : bi*GH+3*H]
					gc := g[bi*GH+3*H : bi*GH+4*H]
					cp := ccur[bi*H : (bi+1)*H]
					cn := cnew[bi*H : (bi+1)*H]
					hn := hnew[bi*H : (bi+1)*H]
					if pi != nil {
						for j := range gi {
							gi[j] += pi[j] * cp[j]
							gf[j] += pf[j] * cp[j]
						}
					}
					rnActivate(acts[0], k.clip, gi)
					if k.inputForget {
						for j := range gf {
							gf[j] = 1 - gi[j]
						}
					} else {
						rnActivate(acts[0], k.clip, gf)
					}
					rnActivate(acts[1], k.clip, gc)
					for j := range cn {
						cn[j] = gf[j]*cp[j] + gi[j]*gc[j]
					}
					if po != nil {
						for j := range gout {
							gout[j] += po[j] * cn[j]
						}
					}
					rnActivate(acts[0], k.clip, gout)
					copy(hn, cn)
					rnActivate(acts[2], k.clip, hn)
					for j := range hn {
						hn[j] *= gout[j]
					}
				}
			}
			// Commit the rows whose sequence covers step t.
			for bi := 0; bi < batch; bi++ {
				if t >= lens[bi] {
					continue
				}
				copy(hcur[bi*H:(bi+1)*H], hnew[bi*H:(bi+1)*H])
				copy(ccur[bi*H:(bi+1)*H], cnew[bi*H:(bi+1)*H])
				o := yOff(t, dir, bi)
				copy(y[o:o+H], hnew[bi*H:(bi+1)*H])
			}
		}
		for bi := 0; bi < batch; bi++ {
			o := hOff(dir, bi)
			copy(yh[o:o+H], hcur[bi*H:(bi+1)*H])
			if yc != nil {
				copy(yc[o:o+H], ccur[bi*H:(bi+1)*H])
			}
		}
	}
	ParallelFor(threads, k.dirs, 1, func(lo, hi int) {
		for dir := lo; dir < hi; dir++ {
			runDir(dir)
		}
	})
	return y, yh, yc
}

// rnGemm computes C[m×n] += A[m×k]·B[k×n] with row strides lda, ldb, ldc,
// looping i-k-j so the inner loop runs along rows of B and C; k is unrolled
// by four so each pass over a row of C folds in four rows of B.
func rnGemm[T float32 | float64](m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		ai := a[i*lda : i*lda+k]
		p := 0
		for ; p+4 <= k; p += 4 {
			a0, a1, a2, a3 := ai[p], ai[p+1], ai[p+2], ai[p+3]
			b0 := b[p*ldb : p*ldb+n]
			b1 := b[(p+1)*ldb : (p+1)*ldb+n]
			b2 := b[(p+2)*ldb : (p+2)*ldb+n]
			b3 := b[(p+3)*ldb : (p+3)*ldb+n]
			b0, b1, b2, b3 = b0[:len(ci)], b1[:len(ci)], b2[:len(ci)], b3[:len(ci)]
			for j := range ci {
				ci[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]
			}
		}
		for ; p < k; p++ {
			av := ai[p]
			bp := b[p*ldb : p*ldb+n]
			bp = bp[:len(ci)]
			for j := range ci {
				ci[j] += av * bp[j]
			}
		}
	}
}

// rnActivate applies a in place to v, clipping inputs to [-clip, clip]
// first when clip > 0.
func rnActivate[T float32 | float64](a rnAct, clip float64, v []T) {
	if clip > 0 {
		lo, hi := T(-clip), T(clip)
		for i, x := range v {
			if x < lo {
				v[i] = lo
			} else if x > hi {
				v[i] = hi
			}
		}
	}
	alpha, beta := a.alpha, a.beta
	switch a.kind {
	case rnActSigmoid:
		for i, x := range v {
			v[i] = T(1 / (1 + math.Exp(-float64(x))))
		}
	case rnActTanh:
		for i, x := range v {
			v[i] = T(math.Tanh(float64(x)))
		}
	case rnActRelu:
		for i, x := range v {
			if x < 0 {
				v[i] = 0
			}
		}
	case rnActHardSigmoid:
		for i, x := range v {
			v[i] = T(math.Max(0, math.Min(1, alpha*float64(x)+beta)))
		}
	case rnActLeakyRelu:
		for i, x := range v {
			if x < 0 {
				v[i] = T(alpha * float64(x))
			}
		}
	case rnActThresholdedRelu:
		for i, x := range v {
			if !(float64(x) > alpha) {
				v[i] = 0
			}
		}
	case rnActScaledTanh:
		for i, x := range v {
			v[i] = T(alpha * math.Tanh(beta*float64(x)))
		}
	case rnActAffine:
		for i, x := range v {
			v[i] = T(alpha*float64(x) + beta)
		}
	case rnActElu:
		for i, x := range v {
			if x < 0 {
				v[i] = T(alpha * (math.Exp(float64(x)) - 1))
			}
		}
	case rnActSoftsign:
		for i, x := range v {
			f := float64(x)
			v[i] = T(f / (1 + math.Abs(f)))
		}
	case rnActSoftplus:
		for i, x := range v {
			f := float64(x)
			if f > 30 {
				v[i] = x
			} else {
				v[i] = T(math.Log1p(math.Exp(f)))
			}
		}
	}
}
