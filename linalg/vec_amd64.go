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
