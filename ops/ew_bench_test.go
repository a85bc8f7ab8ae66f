package ops

import (
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func BenchmarkEwAdd(b *testing.B) {
	for _, c := range []struct {
		name   string
		sa, sb []int
	}{
		{"same_1M", []int{1024, 1024}, []int{1024, 1024}},
		{"row_1M", []int{1024, 1024}, []int{1024}},
		{"col_1M", []int{1024, 1024}, []int{1024, 1}},
		{"scalar_1M", []int{1024, 1024}, []int{1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			x, y := tensor.Zeros(tensor.Float32, c.sa...), tensor.Zeros(tensor.Float32, c.sb...)
			n := &ir.Node{OpType: "Add", Inputs: []string{"a", "b"}, Outputs: []string{"c"}}
			k, _ := ewArithKernel(ewOpAdd)(n, 14)
			ctx := &Context{Node: n, Opset: 14, Threads: 1}
			b.SetBytes(int64(4 * x.Len()))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := k.Run(ctx, []*tensor.Tensor{x, y}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEwUnary(b *testing.B) {
	for _, op := range []string{"Relu", "Sigmoid", "Tanh"} {
		b.Run(op, func(b *testing.B) {
			x := tensor.Zeros(tensor.Float32, 1024, 1024)
			n := &ir.Node{OpType: op, Inputs: []string{"a"}, Outputs: []string{"c"}}
			f, _ := Lookup("", op, 14)
			k, _ := f(n, 14)
			ctx := &Context{Node: n, Opset: 14, Threads: 1}
			b.SetBytes(int64(4 * x.Len()))
			for i := 0; i < b.N; i++ {
				if _, err := k.Run(ctx, []*tensor.Tensor{x}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
