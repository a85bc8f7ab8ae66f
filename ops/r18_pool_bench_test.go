package ops

import "testing"

// BenchmarkR18MaxPool is ResNet-18's MaxPool 3x3/2 pad 1 on its stem's
// 64x112x112 output, one thread.
func BenchmarkR18MaxPool(b *testing.B) {
	g := &cvGeom{kernel: []int{3, 3}, strides: []int{2, 2}, dilations: []int{1, 1}, padBegin: []int{1, 1}, padEnd: []int{1, 1}, out: []int{56, 56}}
	xs := []int{1, 64, 112, 112}
	x, y := make([]float32, 64*112*112), make([]float32, 64*56*56)
	for i := range x {
		x[i] = float32(i%251) - 100
	}
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		cvMaxPool2DF32(nil, x, y, xs, g)
	}
}
