//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ {
		rcVexpUse(rcVexpKern{"avx512", rcMaxAVX512Slices, rcExpSumAVX512Slices, rcScaleAVX512Slices, rcSigmoidAVX512Slices, rcSumAVX512Slices})
	}
}

// rcExpSumAVX512 is rcExpSumGeneric over x[:n], y[:n] (n >= 0).
//
//go:noescape
func rcExpSumAVX512(x, y *float32, n int, shift float32) float32

// rcMaxAVX512 is rcMaxGeneric over x[:n] (n >= 1).
//
//go:noescape
func rcMaxAVX512(x *float32, n int) float32

// rcScaleAVX512 is rcScaleGeneric over y[:n].
//
//go:noescape
func rcScaleAVX512(y *float32, n int, s float32)

// rcSigmoidAVX512 is rcSigmoidGeneric over x[:n], y[:n]; swish is 0 or 1.
//
//go:noescape
func rcSigmoidAVX512(x, y *float32, n int, alpha float32, swish int)

// rcSumAVX512 is rcSumGeneric over x[:n].
//
//go:noescape
func rcSumAVX512(x *float32, n int) float32

func rcSumAVX512Slices(x []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	return rcSumAVX512(&x[0], len(x))
}

func rcMaxAVX512Slices(x []float32) float32 { return rcMaxAVX512(&x[0], len(x)) }

func rcExpSumAVX512Slices(x, y []float32, shift float32) float32 {
	if len(x) == 0 {
		return 0
	}
	y = y[:len(x)]
	return rcExpSumAVX512(&x[0], &y[0], len(x), shift)
}

func rcScaleAVX512Slices(y []float32, s float32) {
	if len(y) > 0 {
		rcScaleAVX512(&y[0], len(y), s)
	}
}

func rcSigmoidAVX512Slices(x, y []float32, alpha float32, swish bool) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	sw := 0
	if swish {
		sw = 1
	}
	rcSigmoidAVX512(&x[0], &y[0], len(x), alpha, sw)
}
