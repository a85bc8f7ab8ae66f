package ops

// Fast QLinearMatMul: B packed once per weight (linalg.QPackB, per-column
// zero points) and linalg.QGemmRequant per batch matrix when the batch has
// one a_scale and one y_zero_point; per-row a_scale or per-column
// y_zero_point take linalg.QGemm to int32 and the reference
// requantization per row. Results are bit-identical to qsMMRun.

import (
	"slices"

	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qwPackedMat is one packed B matrix and the zero points it was packed
// with.
type qwPackedMat struct {
	pb *linalg.QPackedB
	bz []int32
}

// qwMatMulFast computes p.out; false means "use the reference" (K = 0).
func (qk *qsQLMatMul) qwMatMulFast(ctx *Context, a, b, bZP *tensor.Tensor, p *qsMMArgs) (bool, error) {
	if p.k == 0 {
		return false, nil
	}
	if len(p.aIdx) == 0 || p.m == 0 || p.n == 0 {
		return true, nil
	}
	packs, err := qk.qwPack.get(ctx.zaKeyOf(b, bZP), func() ([]qwPackedMat, error) {
		if b.DType() == tensor.Uint8 {
			return qwPackMats(tensor.Data[uint8](b), p), nil
		}
		return qwPackMats(tensor.Data[int8](b), p), nil
	})
	if err != nil {
		return false, err
	}
	switch {
	case a.DType() == tensor.Uint8 && b.DType() == tensor.Uint8:
		qwMMDispatchY[uint8, uint8](ctx, a, b, p, packs)
	case a.DType() == tensor.Uint8:
		qwMMDispatchY[uint8, int8](ctx, a, b, p, packs)
	case b.DType() == tensor.Uint8:
		qwMMDispatchY[int8, uint8](ctx, a, b, p, packs)
	default:
		qwMMDispatchY[int8, int8](ctx, a, b, p, packs)
	}
	return true, nil
}

// qwMMColZP returns batch bi's b zero points as int32.
func qwMMColZP(p *qsMMArgs, bi int) []int32 {
	bz := make([]int32, p.n)
	for j := range bz {
		bz[j] = int32(p.bZ[bi*p.n+j])
	}
	return bz
}

// qwPackMats packs every B matrix with the zero points of the first batch
// that reads it.
func qwPackMats[TB linalg.QInt](b []TB, p *qsMMArgs) []qwPackedMat {
	k, n := p.k, p.n
	mats := make([]qwPackedMat, len(b)/(k*n))
	for bi, j := range p.bIdx {
		if mats[j].pb != nil {
			continue
		}
		bz := qwMMColZP(p, bi)
		mats[j] = qwPackedMat{pb: linalg.QPackB(k, n, b[j*k*n:(j+1)*k*n], n, bz), bz: bz}
	}
	return mats
}

func qwMMDispatchY[TA, TB linalg.QInt](ctx *Context, a, b *tensor.Tensor, p *qsMMArgs, packs []qwPackedMat) {
	if p.out.DType() == tensor.Uint8 {
		qwMMRun[TA, TB](ctx, tensor.Data[TA](a), tensor.Data[TB](b), tensor.Data[uint8](p.out), p, packs)
	} else {
		qwMMRun[TA, TB](ctx, tensor.Data[TA](a), tensor.Data[TB](b), tensor.Data[int8](p.out), p, packs)
	}
}

func qwMMRun[TA, TB, TY linalg.QInt](ctx *Context, a []TA, b []TB, y []TY, p *qsMMArgs, packs []qwPackedMat) {
	m, n, k := p.m, p.n, p.k
	nb := len(p.aIdx)
	threads := max(ctx.Threads, 1)
	one := func(bi, threads int, acc []int32) []int32 {
		pm := packs[p.bIdx[bi]]
		if bz := qwMMColZP(p, bi); !slices.Equal(bz, pm.bz) {
			// b_zero_point varies along a batch dim b lacks: pack again.
			j := p.bIdx[bi]
			pm.pb = linalg.QPackB(k, n, b[j*k*n:(j+1)*k*n], n, bz)
		}
		aZ := make([]int32, m)
		for i := range aZ {
			aZ[i] = int32(p.aZ[bi*m+i])
		}
		av := a[p.aIdx[bi]*m*k : (p.aIdx[bi]+1)*m*k]
		yv := y[bi*m*n : (bi+1)*m*n]
		aS, yZ := p.aS[bi*m:(bi+1)*m], p.yZ[bi*n:(bi+1)*n]
		mult := make([]float32, n)
		if qwAllSame(aS) && qwAllSame(yZ) {
			as := float32(aS[0])
			for j := range mult {
				// a_scale * b_scale / y_scale in float32, as the reference.
				mult[j] = as * float32(p.bS[bi*n+j]) / float32(p.yS[bi*n+j])
			}
			linalg.QGemmRequant(threads, m, n, k, av, k, aZ, pm.pb, nil, mult, int32(yZ[0]), yv, n)
			return acc
		}
		acc = slices.Grow(acc[:0], m*n)[:m*n]
		linalg.QGemm(threads, m, n, k, av, k, aZ, pm.pb, acc, n)
		yz := make([]int32, n)
		for j := range yz {
			yz[j] = int32(yZ[j])
		}
		for i := 0; i < m; i++ {
			as := float32(aS[i])
			for j := range mult {
				mult[j] = as * float32(p.bS[bi*n+j]) / float32(p.yS[bi*n+j])
			}
			linalg.RequantRef(yv[i*n:(i+1)*n], acc[i*n:(i+1)*n], mult, yz)
		}
		return acc
	}
	if nb > 1 && m*n*k < 1<<20 {
		// Many small products: one goroutine per batch range.
		ctx.Parallel(nb, 1, func(lo, hi int) {
			var acc []int32
			for bi := lo; bi < hi; bi++ {
				acc = one(bi, 1, acc)
			}
		})
		return
	}
	var acc []int32
	for bi := 0; bi < nb; bi++ {
		acc = one(bi, threads, acc)
	}
}

// qwAllSame reports whether every value of v equals the first.
func qwAllSame(v []float64) bool {
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}

// qwFloat64s returns the values of a (small parameter) tensor as float64
// without boxing each element.
func qwFloat64s(t *tensor.Tensor) []float64 {
	out := make([]float64, t.Len())
	switch t.DType() {
	case tensor.Float32:
		for i, v := range t.Float32s() {
			out[i] = float64(v)
		}
	case tensor.Uint8:
		for i, v := range tensor.Data[uint8](t) {
			out[i] = float64(v)
		}
	case tensor.Int8:
		for i, v := range tensor.Data[int8](t) {
			out[i] = float64(v)
		}
	default:
		for i := range out {
			out[i] = t.Float64At(i)
		}
	}
	return out
}
