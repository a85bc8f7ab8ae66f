//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd _gen && go generate"

// Tile shapes and blocking were picked by benchmark at 512³ on a Xeon
// with AVX-512 (48 KiB L1d, 2 MiB L2): 8x32 beat 12x32 and 14x32 (those
// need more memory-operand broadcasts per FMA and leave edge tiles on
// channel counts that are multiples of 8), kc=256 keeps one packed B strip
// (32 KiB) in L1, mc=128 keeps the packed A block in L2.
var (
	sgemmAVX2Impl = &sgemmImpl{
		name: "avx2", mr: 6, nr: 16, kc: 256, mc: 144, nc: 2048,
		kernel: sgemmKernelAVX2, kernelEp: sgemmKernelEpAVX2, kernelInd: convKernelIndAVX2,
	}
	sgemmAVX512Impl = &sgemmImpl{
		name: "avx512", mr: 8, nr: 32, kc: 256, mc: 128, nc: 2048,
		kernel: sgemmKernelAVX512, kernelEp: sgemmKernelEpAVX512, kernelInd: convKernelIndAVX512,
	}
)

// x/sys/cpu honours GODEBUG (cpu.avx512f=off, cpu.all=off), so these
// flags already reflect what the user allowed.
func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sgemmUse(sgemmAVX2Impl)
		sgemmPeaks = append(sgemmPeaks, sgemmPeak{"avx2", fmaPeakAVX2, 14 * 8 * 2})
		axpyImpls = append(axpyImpls, axpyImpl{"avx2", axpyAVX2Slices})
		kern.axpy = axpyAVX2Slices
	}
	if cpu.X86.HasAVX512F {
		sgemmUse(sgemmAVX512Impl)
		sgemmPeaks = append(sgemmPeaks, sgemmPeak{"avx512", fmaPeakAVX512, 30 * 16 * 2})
	}
}

// axpyAVX2Slices is dwAxpy with the AVX2 loop.
func axpyAVX2Slices(alpha float32, x, y []float32) {
	if len(y) == 0 {
		return
	}
	x = x[:len(y)]
	axpyAVX2(alpha, &x[0], &y[0], len(y))
}
