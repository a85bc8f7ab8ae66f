package quant

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkQuantizeSlice(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	src := make([]float32, 1<<16)
	for i := range src {
		src[i] = float32(r.NormFloat64())
	}
	dst := make([]int8, len(src))
	p := Params{Scale: 4.0 / 127}
	b.SetBytes(int64(4 * len(src)))
	b.ReportAllocs()
	for b.Loop() {
		QuantizeSlice(dst, src, p, -127, 127)
	}
}

func benchWeights(b *testing.B, s Scheme, opt WeightOptions) {
	r := rand.New(rand.NewPCG(1, 2))
	const k, n = 256, 256
	w := make([]float32, k*n)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	b.SetBytes(int64(4 * len(w)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := QuantizeWeights(w, []int{k, n}, s, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuantizeWeightsInt8PerChannelRTN(b *testing.B) {
	benchWeights(b, Scheme{Bits: 8, Signed: true, Symmetric: true, Granularity: ChannelAxis(1)}, WeightOptions{})
}

func BenchmarkQuantizeWeightsInt4Block32MSE(b *testing.B) {
	benchWeights(b, Scheme{Bits: 4, Granularity: BlockAxis(0, 32)}, WeightOptions{Clip: ClipMSE})
}

func BenchmarkPackMatMulNBits(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const k, n = 1024, 1024
	w := make([]float32, k*n)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	b.SetBytes(int64(4 * len(w)))
	b.ReportAllocs()
	for b.Loop() {
		PackMatMulNBits(w, k, n, 4, 32, true)
	}
}
