//go:build !purego

package linalg

// sgemmKernelNEON adds the 8x8 product of a packed A strip (k×8) and a
// packed B strip (k×8) into the tile at c (row stride ldc):
// sgemmKernelRef with mr=8, nr=8.
//
//go:noescape
func sgemmKernelNEON(k int, a, b, c *float32, ldc int)

// fmaPeakNEON runs n iterations of 16 independent register-only FMLAs.
func fmaPeakNEON(n int)

var sgemmNEONImpl = &sgemmImpl{
	name: "neon", mr: 8, nr: 8, kc: 256, mc: 128, nc: 2048,
	kernel: sgemmKernelNEON, kernelEp: sgemmKernelEpNEON, kernelInd: convKernelIndNEON,
}

// Advanced SIMD is mandatory on arm64.
func init() {
	sgemmUse(sgemmNEONImpl)
	sgemmPeaks = append(sgemmPeaks, sgemmPeak{"neon", fmaPeakNEON, 16 * 4 * 2})
}
