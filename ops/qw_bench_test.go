package ops

import (
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

// BenchmarkQLinearConvResNet is a ResNet 3×3 layer: 1×64×56×56 input,
// 64×64×3×3 weights, u8 activations × s8 weights, fast path vs reference.
func BenchmarkQLinearConvResNet(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	c := qwConvCase{n: 1, cin: 64, cout: 64, group: 1, in: []int{56, 56}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1,
		xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.002}
	in := qwConvInputs(r, c)
	for _, mode := range []string{"fast", "ref"} {
		b.Run(mode, func(b *testing.B) {
			k, n := qwKernel(b, "", "QLinearConv", 10, c.attrs())
			k.(*qsConv).qwRef = mode == "ref"
			if _, err := qwRun(k, n, 2, in...); err != nil { // packs the weights
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := qwRun(k, n, 2, in...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(2*64*64*9*56*56)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}

// BenchmarkQLinearConvDepthwise is a MobileNet depthwise layer
// (1×128×56×56, 3×3, group 128).
func BenchmarkQLinearConvDepthwise(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	c := qwConvCase{n: 1, cin: 128, cout: 128, group: 128, in: []int{56, 56}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1,
		xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02}
	in := qwConvInputs(r, c)
	for _, mode := range []string{"fast", "ref"} {
		b.Run(mode, func(b *testing.B) {
			k, n := qwKernel(b, "", "QLinearConv", 10, c.attrs())
			k.(*qsConv).qwRef = mode == "ref"
			if _, err := qwRun(k, n, 2, in...); err != nil { // packs the weights
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := qwRun(k, n, 2, in...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQLinearMatMul512 is a 512×512×512 u8×s8 → u8 QLinearMatMul
// with per-column B parameters, fast path vs reference.
func BenchmarkQLinearMatMul512(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	const n = 512
	in := []*tensor.Tensor{qwRand8(r, tensor.Uint8, n, n), tensor.Scalar(float32(0.02)), tensor.Scalar(uint8(128)),
		qwRand8(r, tensor.Int8, n, n), qwScales(r, n, 0.001, 0.002), qwZP(tensor.Int8, []int{n}, 128),
		tensor.Scalar(float32(0.5)), tensor.Scalar(uint8(128))}
	for _, mode := range []string{"fast", "ref"} {
		b.Run(mode, func(b *testing.B) {
			k, nd := qwKernel(b, "", "QLinearMatMul", 21, nil)
			k.(*qsQLMatMul).qwRef = mode == "ref"
			if _, err := qwRun(k, nd, 2, in...); err != nil { // packs the weights
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := qwRun(k, nd, 2, in...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(2*n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
		})
	}
}

// BenchmarkMatMulNBits4096 is a 1×4096 · (4096×4096, 4 bits, block 32,
// packed zero points) MatMulNBits: float path, int8 path, reference.
func BenchmarkMatMulNBits4096(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	const k, n, bs = 4096, 4096, 32
	nb := k / bs
	bq := make([]uint8, n*nb*bs/2)
	for i := range bq {
		bq[i] = uint8(r.Intn(256))
	}
	zp := make([]uint8, n*((nb+1)/2))
	for i := range zp {
		zp[i] = uint8(r.Intn(256))
	}
	a := qwScales(r, k, -1, 1)
	a, _ = a.Reshape(1, k)
	in := []*tensor.Tensor{a, tensor.From([]int{n, nb, bs / 2}, bq), qwScales(r, n*nb, 0.01, 0.1), tensor.From([]int{len(zp)}, zp)}
	for _, mode := range []string{"f32", "int8", "ref"} {
		b.Run(mode, func(b *testing.B) {
			acc := 0
			if mode == "int8" {
				acc = 4
			}
			kr, nd := qwKernel(b, "com.microsoft", "MatMulNBits", 1, map[string]any{"K": k, "N": n, "bits": 4, "block_size": bs, "accuracy_level": acc})
			kr.(*msNBits).qwRef = mode == "ref"
			if _, err := qwRun(kr, nd, 2, in...); err != nil { // packs the weights
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := qwRun(kr, nd, 2, in...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
