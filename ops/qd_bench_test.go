package ops

import (
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// BenchmarkQDDeconvDetHead: the PP-OCRv4 det head at 640×640 input
// (24×160×160 uint8 → two 2×2 stride-2 ConvTransposes → 1×640×640).
func BenchmarkQDDeconvDetHead(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	x := tensor.Zeros(tensor.Uint8, 1, 24, 160, 160)
	for i, d := 0, x.Data().([]uint8); i < len(d); i++ {
		d[i] = uint8(rng.Intn(256))
	}
	rnd := func(shape ...int) *tensor.Tensor {
		t := tensor.Zeros(tensor.Float32, shape...)
		for i, d := 0, t.Float32s(); i < len(d); i++ {
			d[i] = float32(rng.NormFloat64() * 0.1)
		}
		return t
	}
	in := []*tensor.Tensor{x, tensor.Scalar(float32(0.02)), tensor.Scalar(uint8(3)),
		rnd(24, 24, 2, 2), rnd(24), rnd(24, 1, 2, 2), rnd(1)}
	n := &ir.Node{Name: "head", OpType: "QDeconvChain", Domain: "qinfer", Outputs: []string{"y"}, Inputs: []string{"x", "s", "z", "w1", "b1", "w2", "b2"},
		Attrs: []*ir.Attr{{Name: "activation", Type: ir.AttrString, S: "Relu"}, {Name: "activation_params", Type: ir.AttrFloats},
			{Name: "activation2", Type: ir.AttrString, S: "Sigmoid"}, {Name: "activation2_params", Type: ir.AttrFloats}}}
	k, err := qdNewDeconv(n, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, th := range []int{1, 2} {
		b.Run(map[int]string{1: "1thread", 2: "2threads"}[th], func(b *testing.B) {
			ctx := &Context{Node: n, Threads: th}
			for b.Loop() {
				if _, err := k.Run(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
