package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// ewSmMode selects Softmax, LogSoftmax or Hardmax.
type ewSmMode int

const (
	ewSoftmax ewSmMode = iota
	ewLogSoftmax
	ewHardmax
)

// ewSoftmaxT computes the mode over the middle axis of x laid out as
// [outer, l, inner].
func ewSoftmaxT[T ewFloat](ctx *Context, mode ewSmMode, x []T, outer, l, inner int) []T {
	y := MakeSlice[T](ctx, len(x))
	if l == 0 {
		return y
	}
	grain := (ewGrain + l - 1) / l
	if zaSerialN(ctx, outer*inner, grain) {
		zaSoftmaxRows(mode, x, y, l, inner, 0, outer*inner) // no closure: no allocation
		return y
	}
	ctx.Parallel(outer*inner, grain, func(lo, hi int) { zaSoftmaxRows(mode, x, y, l, inner, lo, hi) })
	return y
}

func ewSoftmaxFactory(mode ewSmMode) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		def := int64(-1)
		if opset < 13 {
			def = 1
		}
		axis := int(n.AttrInt("axis", def))
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			if err := NeedInputs(ctx, in, 1); err != nil {
				return nil, err
			}
			x := in[0]
			sh := x.Shape()
			ax, err := tensor.NormAxis(axis, len(sh))
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			outer := tensor.Size(sh[:min(ax, len(sh))])
			var l, inner int
			if opset < 13 {
				l, inner = tensor.Size(sh[min(ax, len(sh)):]), 1
			} else if len(sh) == 0 {
				l, inner = 1, 1
			} else {
				l, inner = sh[ax], tensor.Size(sh[ax+1:])
			}
			var t *tensor.Tensor
			switch x.DType() {
			case tensor.Float32:
				if inner == 1 && mode != ewHardmax {
					// Every element is written: no clearing.
					if t, err = ctx.NewTensorUninit(tensor.Float32, sh...); err == nil {
						rcSoftmax32(ctx, mode, x.Float32s(), t.Float32s(), outer, l)
					}
				} else {
					t, err = zaWrap(ctx, x.DType(), sh, ewSoftmaxT(ctx, mode, x.Float32s(), outer, l, inner))
				}
			case tensor.Float64:
				t, err = zaWrap(ctx, x.DType(), sh, ewSoftmaxT(ctx, mode, tensor.Data[float64](x), outer, l, inner))
			case tensor.Float16, tensor.BFloat16:
				t, err = tensor.FromFloat32(x.DType(), sh, ewSoftmaxT(ctx, mode, tensor.ToFloat32(x), outer, l, inner))
			default:
				return nil, DTypeErr(ctx, x.DType())
			}
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			return ctx.One(t), nil
		}), nil
	}
}

func init() {
	for _, o := range []struct {
		name string
		mode ewSmMode
	}{{"Softmax", ewSoftmax}, {"LogSoftmax", ewLogSoftmax}, {"Hardmax", ewHardmax}} {
		Register("", o.name, 1, ewSoftmaxFactory(o.mode))
		Register("", o.name, 13, ewSoftmaxFactory(o.mode))
	}
}

// zaSoftmaxRows computes rows [lo, hi) of ewSoftmaxT.
func zaSoftmaxRows[T ewFloat](mode ewSmMode, x, y []T, l, inner, lo, hi int) {
	for r := lo; r < hi; r++ {
		base := (r/inner)*l*inner + r%inner
		mx := x[base]
		arg := 0
		for j := 1; j < l; j++ {
			v := x[base+j*inner]
			if v > mx || (v != v && mx == mx) {
				mx, arg = v, j
			}
		}
		switch mode {
		case ewHardmax:
			y[base+arg*inner] = 1
		case ewSoftmax:
			var sum float64
			for j := 0; j < l; j++ {
				e := math.Exp(float64(x[base+j*inner] - mx))
				y[base+j*inner] = T(e)
				sum += e
			}
			inv := 1 / sum
			for j := 0; j < l; j++ {
				y[base+j*inner] = T(float64(y[base+j*inner]) * inv)
			}
		case ewLogSoftmax:
			var sum float64
			for j := 0; j < l; j++ {
				sum += math.Exp(float64(x[base+j*inner] - mx))
			}
			ls := math.Log(sum)
			for j := 0; j < l; j++ {
				y[base+j*inner] = T(float64(x[base+j*inner]-mx) - ls)
			}
		}
	}
}

// rcSoftmaxGrain is the number of elements a thread takes at least: a
// vectorised row costs about a third of a nanosecond per element.
const rcSoftmaxGrain = 1 << 14

// rcSoftmax32 sets y to Softmax or LogSoftmax of float32 rows of length l
// laid out contiguously (the axis is the innermost): float32 arithmetic with
// the vectorised exponential of linalg, rows split over threads.
func rcSoftmax32(ctx *Context, mode ewSmMode, x, y []float32, outer, l int) {
	if l == 0 {
		return
	}
	grain := (rcSoftmaxGrain + l - 1) / l
	if zaSerialN(ctx, outer, grain) {
		rcSoftmaxRows(mode, x, y, l, 0, outer)
		return
	}
	ctx.Parallel(outer, grain, func(lo, hi int) { rcSoftmaxRows(mode, x, y, l, lo, hi) })
}

// rcSoftmaxRows computes rows [lo, hi) of rcSoftmax32.
func rcSoftmaxRows(mode ewSmMode, x, y []float32, l, lo, hi int) {
	for r := lo; r < hi; r++ {
		xr, yr := x[r*l:(r+1)*l], y[r*l:(r+1)*l]
		if mode == ewSoftmax {
			linalg.Softmax32(xr, yr)
			continue
		}
		// LogSoftmax: x - max - log Σ e^(x-max); y holds the exponentials
		// until it is overwritten.
		mx := linalg.Max32(xr)
		ls := float32(math.Log(float64(linalg.ExpSum32(xr, yr, mx))))
		for j, v := range xr {
			yr[j] = v - mx - ls
		}
	}
}
