//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// mbtDwAVX512 is mbtDwRef with ops 64, on pointers and byte strides.
//
//go:noescape
func mbtDwAVX512(in *float32, irs, ips, sx, sy int, w, bias, lohi, out *float32, oh, ow int)

// The projection tiles mbtPKernP{1..6}N{2,4} are generated with the ci
// kernels (_gen/ci.go genCiStride with stride 64, in sgemm_amd64.s).

// mbtBiasClipAVX512 is mbtBiasClipRef on a pointer.
//
//go:noescape
func mbtBiasClipAVX512(p *float32, nvec int, bias, lohi *float32)

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
