package ops

import (
	"math"
	"math/rand/v2"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ewNewRand returns a generator seeded from the seed attribute when given,
// else from the runtime's random source.
func ewNewRand(seed int64, hasSeed bool) *rand.Rand {
	if hasSeed {
		return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	}
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}

// ewSeed reads the float seed attribute used by the random ops.
func ewSeed(n *ir.Node) (int64, bool) {
	if n.Attr("seed") == nil {
		return 0, false
	}
	return int64(math.Float32bits(n.AttrFloat("seed", 0))), true
}

// ewRandomFactory builds RandomNormal/RandomUniform (like=false: shape and
// dtype from attributes) and their *Like forms (shape from the input, dtype
// from the attribute or the input).
func ewRandomFactory(normal, like bool) Factory {
	return func(n *ir.Node, opset int) (Kernel, error) {
		var p1, p2 float64
		if normal {
			p1, p2 = float64(n.AttrFloat("mean", 0)), float64(n.AttrFloat("scale", 1))
		} else {
			p1, p2 = float64(n.AttrFloat("low", 0)), float64(n.AttrFloat("high", 1))
		}
		seed, hasSeed := ewSeed(n)
		hasDT := n.Attr("dtype") != nil
		dt := tensor.DType(n.AttrInt("dtype", int64(tensor.Float32)))
		if hasDT && !dt.IsFloat() {
			return nil, NodeErrf(n, "dtype %v: %w", dt, ErrUnsupported)
		}
		var shape []int
		if !like {
			s := n.AttrInts("shape")
			if s == nil {
				return nil, NodeErrf(n, "shape attribute missing: %w", ir.ErrInvalidModel)
			}
			shape = Ints(s)
			if _, err := tensor.NumElements(shape); err != nil {
				return nil, NodeErrf(n, "%w", err)
			}
		}
		return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			sh, odt := shape, dt
			if like {
				if err := NeedInputs(ctx, in, 1); err != nil {
					return nil, err
				}
				sh = in[0].Shape()
				if !hasDT {
					odt = in[0].DType()
					if !odt.IsFloat() {
						return nil, DTypeErr(ctx, odt)
					}
				}
			}
			out, err := ctx.NewTensor(odt, sh...)
			if err != nil {
				return nil, ctx.Errf("%w", err)
			}
			rng := ewNewRand(seed, hasSeed)
			for i := 0; i < out.Len(); i++ {
				if normal {
					out.SetFloat64(i, p1+p2*rng.NormFloat64())
				} else {
					out.SetFloat64(i, p1+(p2-p1)*rng.Float64())
				}
			}
			return One(out), nil
		}), nil
	}
}

// ewBernoulliFactory draws 0/1 with the input as probabilities.
func ewBernoulliFactory(n *ir.Node, opset int) (Kernel, error) {
	seed, hasSeed := ewSeed(n)
	hasDT := n.Attr("dtype") != nil
	dt := tensor.DType(n.AttrInt("dtype", 0))
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		if !x.DType().IsFloat() {
			return nil, DTypeErr(ctx, x.DType())
		}
		odt := x.DType()
		if hasDT {
			odt = dt
		}
		out, err := ctx.NewTensor(odt, x.Shape()...)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		if odt == tensor.String {
			return nil, DTypeErr(ctx, odt)
		}
		rng := ewNewRand(seed, hasSeed)
		for i := 0; i < out.Len(); i++ {
			if rng.Float64() < x.Float64At(i) {
				out.SetFloat64(i, 1)
			}
		}
		return One(out), nil
	}), nil
}

func init() {
	Register("", "RandomNormal", 1, ewRandomFactory(true, false))
	Register("", "RandomUniform", 1, ewRandomFactory(false, false))
	Register("", "RandomNormalLike", 1, ewRandomFactory(true, true))
	Register("", "RandomUniformLike", 1, ewRandomFactory(false, true))
	Register("", "Bernoulli", 15, ewBernoulliFactory)
}
