//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// mbtDwAVX512 is mbtDwRef with ops 64, on pointers and byte strides.
//
//go:noescape
func mbtDwAVX512(in *float32, irs, ips, sx, sy int, w, bias, lohi, out *float32, oh, ow int)

// mbtBiasClipAVX512 is mbtBiasClipRef on a pointer.
//
//go:noescape
func mbtBiasClipAVX512(p *float32, nvec int, bias, lohi *float32)

// mbtPKernP1N2 is ciKernP1N2 reading pixel j of x at x[64j]
// (mbtPKernRef with p=1, nb=2).
//
//go:noescape
func mbtPKernP1N2(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP2N2 is ciKernP2N2 reading pixel j of x at x[64j]
// (mbtPKernRef with p=2, nb=2).
//
//go:noescape
func mbtPKernP2N2(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP3N2 is ciKernP3N2 reading pixel j of x at x[64j]
// (mbtPKernRef with p=3, nb=2).
//
//go:noescape
func mbtPKernP3N2(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP4N2 is ciKernP4N2 reading pixel j of x at x[64j]
// (mbtPKernRef with p=4, nb=2).
//
//go:noescape
func mbtPKernP4N2(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP5N2 is ciKernP5N2 reading pixel j of x at x[64j]
// (mbtPKernRef with p=5, nb=2).
//
//go:noescape
func mbtPKernP5N2(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP6N2 is ciKernP6N2 reading pixel j of x at x[64j]
// (mbtPKernRef with p=6, nb=2).
//
//go:noescape
func mbtPKernP6N2(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP1N4 is ciKernP1N4 reading pixel j of x at x[64j]
// (mbtPKernRef with p=1, nb=4).
//
//go:noescape
func mbtPKernP1N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP2N4 is ciKernP2N4 reading pixel j of x at x[64j]
// (mbtPKernRef with p=2, nb=4).
//
//go:noescape
func mbtPKernP2N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP3N4 is ciKernP3N4 reading pixel j of x at x[64j]
// (mbtPKernRef with p=3, nb=4).
//
//go:noescape
func mbtPKernP3N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP4N4 is ciKernP4N4 reading pixel j of x at x[64j]
// (mbtPKernRef with p=4, nb=4).
//
//go:noescape
func mbtPKernP4N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP5N4 is ciKernP5N4 reading pixel j of x at x[64j]
// (mbtPKernRef with p=5, nb=4).
//
//go:noescape
func mbtPKernP5N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// mbtPKernP6N4 is ciKernP6N4 reading pixel j of x at x[64j]
// (mbtPKernRef with p=6, nb=4).
//
//go:noescape
func mbtPKernP6N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

// The kernels need what the ci tiles need: AVX-512 F, DQ and VL.
func init() {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512DQ || !cpu.X86.HasAVX512VL {
		return
	}
	mbtK = &mbtKernels{
		dw: func(in []float32, irs, ips, sx, sy int, w, bias, lohi, out []float32, ops, oh, ow int) {
			if oh <= 0 || ow <= 0 {
				return
			}
			if ops != 64 {
				mbtDwRef(in, irs, ips, sx, sy, w, bias, lohi, out, ops, oh, ow)
				return
			}
			_ = in[(oh-1)*sy*irs+2*irs+(ow-1)*sx*ips+2*ips+15]
			_ = out[(oh*ow-1)*ops+15]
			_, _, _ = w[143], bias[15], lohi[1]
			mbtDwAVX512(&in[0], 4*irs, 4*ips, sx, sy, &w[0], &bias[0], &lohi[0], &out[0], oh, ow)
		},
		biasClip: func(p []float32, bias, lohi []float32) {
			if len(p) < 16 {
				return
			}
			_, _ = bias[63], lohi[1]
			mbtBiasClipAVX512(&p[0], len(p)/16, &bias[0], &lohi[0])
		},
		pk: [2][ciMaxP]ciKernFn{
			{mbtPKernP1N2, mbtPKernP2N2, mbtPKernP3N2, mbtPKernP4N2, mbtPKernP5N2, mbtPKernP6N2},
			{mbtPKernP1N4, mbtPKernP2N4, mbtPKernP3N4, mbtPKernP4N4, mbtPKernP5N4, mbtPKernP6N4},
		},
	}
}
