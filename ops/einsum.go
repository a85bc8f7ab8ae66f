package ops

import (
	"math"
	"sort"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// Einsum, Det and Col2Im.

func init() {
	Register("", "Einsum", 12, cvNewEinsum)
	RegisterFunc("", "Det", 11, cvDet)
	Register("", "Col2Im", 18, cvNewCol2Im)
}

// cvEinsum holds a parsed equation. Labels are bytes 'a'..'z', 'A'..'Z';
// ellipsis dims get labels from cvEll on, numbered from the right.
type cvEinsum struct {
	inputs   []string // per input: term, "..." kept as is
	output   string   // explicit output term, or "" with implicit set
	implicit bool
}

const cvEll = 128 // first pseudo-label for ellipsis dims

func cvNewEinsum(n *ir.Node, opset int) (Kernel, error) {
	eq := strings.ReplaceAll(n.AttrString("equation", ""), " ", "")
	if eq == "" {
		return nil, NodeErrf(n, "equation is required: %w", ir.ErrInvalidModel)
	}
	k := &cvEinsum{}
	lhs := eq
	if i := strings.Index(eq, "->"); i >= 0 {
		lhs, k.output = eq[:i], eq[i+2:]
	} else {
		k.implicit = true
	}
	k.inputs = strings.Split(lhs, ",")
	for _, t := range append(append([]string{}, k.inputs...), k.output) {
		rest := strings.Replace(t, "...", "", 1)
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return nil, NodeErrf(n, "equation %q: bad term %q: %w", eq, t, ir.ErrInvalidModel)
			}
		}
	}
	return k, nil
}

// labels expands a term against a rank into one label per dim.
func (k *cvEinsum) labels(ctx *Context, term string, rank int) ([]int, int, error) {
	var out []int
	nEll := 0
	if i := strings.Index(term, "..."); i >= 0 {
		nEll = rank - (len(term) - 3)
		if nEll < 0 {
			return nil, 0, ctx.Errf("term %q does not fit rank %d: %w", term, rank, tensor.ErrShape)
		}
		for _, c := range term[:i] {
			out = append(out, int(c))
		}
		for e := nEll - 1; e >= 0; e-- {
			out = append(out, cvEll+e)
		}
		for _, c := range term[i+3:] {
			out = append(out, int(c))
		}
	} else {
		if len(term) != rank {
			return nil, 0, ctx.Errf("term %q does not fit rank %d: %w", term, rank, tensor.ErrShape)
		}
		for _, c := range term {
			out = append(out, int(c))
		}
	}
	return out, nEll, nil
}

func (k *cvEinsum) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(in) != len(k.inputs) {
		return nil, ctx.Errf("equation has %d inputs, node has %d: %w", len(k.inputs), len(in), ir.ErrInvalidModel)
	}
	if err := NeedInputs(ctx, in, len(in)); err != nil {
		return nil, err
	}
	dt := in[0].DType()
	size := map[int]int{}
	count := map[int]int{}
	maxEll := 0
	labs := make([][]int, len(in))
	for i, t := range in {
		if t.DType() != dt {
			return nil, ctx.Errf("inputs mix %v and %v: %w", dt, t.DType(), tensor.ErrDType)
		}
		l, ne, err := k.labels(ctx, k.inputs[i], t.Rank())
		if err != nil {
			return nil, err
		}
		maxEll = max(maxEll, ne)
		labs[i] = l
		for d, lb := range l {
			s := t.Shape()[d]
			if old, ok := size[lb]; ok && old != s {
				if lb >= cvEll && (old == 1 || s == 1) {
					size[lb] = max(old, s)
				} else {
					return nil, ctx.Errf("label %q has sizes %d and %d: %w", rune(lb), old, s, tensor.ErrShape)
				}
			} else if !ok {
				size[lb] = s
			}
		}
		seen := map[int]bool{}
		for _, lb := range l {
			if !seen[lb] {
				count[lb]++
				seen[lb] = true
			}
		}
	}
	// Output labels.
	var outL []int
	if k.implicit {
		for e := maxEll - 1; e >= 0; e-- {
			outL = append(outL, cvEll+e)
		}
		var letters []int
		for lb, c := range count {
			if lb < cvEll && c == 1 {
				// A label repeated inside one input is summed too.
				rep := false
				for _, l := range labs {
					n := 0
					for _, x := range l {
						if x == lb {
							n++
						}
					}
					rep = rep || n > 1
				}
				if !rep {
					letters = append(letters, lb)
				}
			}
		}
		sort.Ints(letters)
		outL = append(outL, letters...)
	} else {
		l, _, err := k.labels(ctx, k.output, len(strings.Replace(k.output, "...", "", 1))+cvIf(strings.Contains(k.output, "..."), maxEll, 0))
		if err != nil {
			return nil, err
		}
		for _, lb := range l {
			if _, ok := size[lb]; !ok {
				return nil, ctx.Errf("output label %q not in inputs: %w", rune(lb), ir.ErrInvalidModel)
			}
		}
		outL = l
	}
	// All labels: output first, then summed ones.
	all := append([]int{}, outL...)
	inOut := map[int]bool{}
	for _, lb := range outL {
		if inOut[lb] {
			return nil, ctx.Errf("output label %q repeated: %w", rune(lb), ir.ErrInvalidModel)
		}
		inOut[lb] = true
	}
	var summed []int
	for lb := range size {
		if !inOut[lb] {
			summed = append(summed, lb)
		}
	}
	sort.Ints(summed)
	all = append(all, summed...)
	dims := make([]int, len(all))
	pos := map[int]int{}
	for i, lb := range all {
		dims[i] = size[lb]
		pos[lb] = i
	}
	// Per input, stride of each label position (repeated labels add up:
	// diagonals; broadcast size-1 ellipsis dims get 0).
	strides := make([][]int, len(in))
	for i, t := range in {
		st := make([]int, len(all))
		ts := tensor.Strides(t.Shape())
		for d, lb := range labs[i] {
			if t.Shape()[d] == 1 && size[lb] != 1 {
				continue
			}
			st[pos[lb]] += ts[d]
		}
		strides[i] = st
	}
	oshape := make([]int, len(outL))
	for i := range outL {
		oshape[i] = dims[i]
	}
	if _, err := tensor.NumElements(dims); err != nil {
		return nil, ctx.Errf("index space %v: %w", dims, err)
	}
	if _, err := alCheckShape(ctx, tensor.Float64, oshape); err != nil {
		return nil, err
	}
	switch {
	case dt.IsFloat():
		vals := make([][]float64, len(in))
		for i, t := range in {
			v, err := cvToF64(ctx, t, "input")
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		y := cvEinsumCore(vals, strides, dims, tensor.Size(oshape))
		return cvOne(cvFromF64(ctx, dt, oshape, y))
	case dt.IsInt():
		vals := make([][]int64, len(in))
		for i, t := range in {
			v, err := t.AsInt64s()
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			vals[i] = v
		}
		y := cvEinsumCore(vals, strides, dims, tensor.Size(oshape))
		out, err := ctx.NewTensor(dt, oshape...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		for i, v := range y {
			out.SetInt64(i, v)
		}
		return One(out), nil
	}
	return nil, DTypeErr(ctx, dt)
}

func cvIf(c bool, a, b int) int {
	if c {
		return a
	}
	return b
}

func cvOne(t *tensor.Tensor, err error) ([]*tensor.Tensor, error) {
	if err != nil {
		return nil, err
	}
	return One(t), nil
}

// cvEinsumCore walks the whole index space (output labels outermost) and
// accumulates the product of the inputs into the output element.
func cvEinsumCore[T float64 | int64](vals [][]T, strides [][]int, dims []int, outN int) []T {
	y := make([]T, outN)
	total := tensor.Size(dims)
	if total == 0 {
		return y
	}
	perOut := total / max(outN, 1)
	idx := make([]int, len(dims))
	offs := make([]int, len(vals))
	for it := 0; it < total; it++ {
		p := T(1)
		for i, v := range vals {
			p *= v[offs[i]]
		}
		y[it/perOut] += p
		for d := len(dims) - 1; d >= 0; d-- {
			idx[d]++
			for i := range offs {
				offs[i] += strides[i][d]
			}
			if idx[d] < dims[d] {
				break
			}
			for i := range offs {
				offs[i] -= strides[i][d] * dims[d]
			}
			idx[d] = 0
		}
	}
	return y
}

// cvDet computes determinants of the trailing square matrices by LU
// decomposition with partial pivoting.
func cvDet(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	xs := x.Shape()
	if len(xs) < 2 || xs[len(xs)-1] != xs[len(xs)-2] {
		return nil, ctx.Errf("X%v is not a stack of square matrices: %w", xs, tensor.ErrShape)
	}
	xd, err := cvToF64(ctx, x, "X")
	if err != nil {
		return nil, err
	}
	n := xs[len(xs)-1]
	batch := xs[:len(xs)-2]
	if _, err := alCheckShape(ctx, tensor.Float64, batch); err != nil {
		return nil, err
	}
	if _, err := alCheckDims(ctx, tensor.Float64, n, n); err != nil {
		return nil, err
	}
	nb := tensor.Size(batch)
	out := make([]float64, nb)
	a := make([]float64, n*n)
	for b := 0; b < nb; b++ {
		copy(a, xd[b*n*n:(b+1)*n*n])
		out[b] = cvLUDet(a, n)
	}
	return cvOne(cvFromF64(ctx, x.DType(), batch, out))
}

// cvLUDet destroys a (n×n) and returns its determinant.
func cvLUDet(a []float64, n int) float64 {
	det := 1.0
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r*n+c]) > math.Abs(a[p*n+c]) {
				p = r
			}
		}
		if a[p*n+c] == 0 {
			return 0
		}
		if p != c {
			for j := 0; j < n; j++ {
				a[p*n+j], a[c*n+j] = a[c*n+j], a[p*n+j]
			}
			det = -det
		}
		piv := a[c*n+c]
		det *= piv
		for r := c + 1; r < n; r++ {
			f := a[r*n+c] / piv
			if f == 0 {
				continue
			}
			for j := c; j < n; j++ {
				a[r*n+j] -= f * a[c*n+j]
			}
		}
	}
	return det
}

// cvCol2Im is a Col2Im node's kernel.
type cvCol2Im struct {
	strides, dilations, pads []int
}

func cvNewCol2Im(n *ir.Node, opset int) (Kernel, error) {
	w, err := cvReadWindow(n)
	if err != nil {
		return nil, err
	}
	return &cvCol2Im{strides: w.strides, dilations: w.dilations, pads: w.pads}, nil
}

func (k *cvCol2Im) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 3); err != nil {
		return nil, err
	}
	x := in[0]
	img, err := ShapeArg(ctx, in[1], "image_shape")
	if err != nil {
		return nil, err
	}
	blk, err := ShapeArg(ctx, in[2], "block_shape")
	if err != nil {
		return nil, err
	}
	nd := len(img)
	xs := x.Shape()
	if len(blk) != nd || nd == 0 || len(xs) != 3 {
		return nil, ctx.Errf("input%v, image_shape %v, block_shape %v: %w", xs, img, blk, tensor.ErrShape)
	}
	win := cvWindow{autoPad: "NOTSET", strides: k.strides, dilations: k.dilations, pads: k.pads}
	for _, v := range append(append([]int64{}, img...), blk...) {
		if v < 1 {
			return nil, ctx.Errf("image_shape %v, block_shape %v: %w", img, blk, tensor.ErrShape)
		}
	}
	g, err := win.resolve(ctx, Ints(img), Ints(blk), false)
	if err != nil {
		return nil, err
	}
	kn := tensor.Size(g.kernel)
	if xs[1]%kn != 0 || xs[2] != tensor.Size(g.out) {
		return nil, ctx.Errf("input%v does not fit blocks %v over image %v: %w", xs, blk, img, tensor.ErrShape)
	}
	c := xs[1] / kn
	oshape := append([]int{xs[0], c}, Ints(img)...)
	y, err := ctx.NewTensor(tensor.Float32, oshape...)
	if err != nil {
		return nil, ctx.Errf("output %v: %w", oshape, err)
	}
	if !x.DType().IsFloat() {
		return nil, DTypeErr(ctx, x.DType())
	}
	xf, yf := tensor.ToFloat32(x), y.Float32s()
	in0, per := tensor.Size(Ints(img))*c, xs[1]*xs[2]
	lg := g.linalg(Ints(img))
	for b := 0; b < xs[0]; b++ {
		linalg.Col2im(yf[b*in0:(b+1)*in0], xf[b*per:(b+1)*per], c, lg)
	}
	if x.DType() != tensor.Float32 {
		if y, err = tensor.Cast(y, x.DType()); err != nil {
			return nil, ctx.Errf("%w", err)
		}
	}
	return One(y), nil
}
