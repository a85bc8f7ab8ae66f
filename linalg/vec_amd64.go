//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd _gen/vec && go generate"

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		dotUse("avx2", dotSlices(sdotAVX2))
	}
	if cpu.X86.HasAVX512F {
		dotUse("avx512", dotSlices(sdotAVX512))
		vecKern.dot4 = sdot4Slices
	}
}

// dotSlices adapts a pointer-form dot kernel to slices.
func dotSlices(f func(x, y *float32, n int) float32) func(x, y []float32) float32 {
	return func(x, y []float32) float32 {
		if len(x) == 0 {
			return 0
		}
		y = y[:len(x)]
		return f(&x[0], &y[0], len(x))
	}
}

// sdot4Slices is vecKern.dot4 on AVX-512: the kernel takes the whole
// 16-float blocks, sdotGeneric's loop the rest of each row.
func sdot4Slices(x, y []float32, ldy int) (out [4]float32) {
	n := len(x) &^ 15
	_ = y[3*ldy+len(x)-1] // the four rows are in y
	if n > 0 {
		sdot4AVX512(&x[0], &y[0], ldy, n, &out[0])
	}
	for i := n; i < len(x); i++ {
		for r := range out {
			out[r] += x[i] * y[r*ldy+i]
		}
	}
	return out
}
