//go:build !purego

package linalg

//go:generate /usr/bin/python3 _gen/wgasm.py wg_amd64.s

import (
	"math/bits"

	"golang.org/x/sys/cpu"
)

// The assembly kernels are wgImpl's functions on pointers, sizes in
// elements; each requires AVX512F. The *Slices wrappers check the
// extents they touch.

//go:noescape
func wgTinAVX512(src *float32, stride int, dst *float32, n int)

//go:noescape
func wgTinPadAVX512(src *float32, cstride int, dst *float32, n int, masks *uint16, offs *int)

//go:noescape
func wgInAVX512(q *float32, cbS, pitch, ncb int, v *float32, xiS int, tmp *float32)

// wgGemmAVX512 needs k a multiple of 4.
//
//go:noescape
func wgGemmAVX512(k int, a *float32, lda int, b *float32, c *float32, ldc int)

//go:noescape
func wgOutAVX512(m *float32, xiS, nv int, o *float32, cvS, pitch int, bias *float32, tmp *float32)

// wgToutAVX512 applies the clamp and the leaky slope always (wgSetConsts
// makes them identities when unused).
//
//go:noescape
func wgToutAVX512(src *float32, n int, dst *float32, hw int, res *float32, cst *wgConsts)

// wgAVX512Impl is the AVX-512 kernel set.
var wgAVX512Impl = &wgImpl{name: "avx512", tin: wgTinAVX512Slices, tinPad: wgTinPadAVX512Slices, in: wgInAVX512Slices,
	gemm: wgGemmAVX512Slices, out: wgOutAVX512Slices, tout: wgToutAVX512Slices}

func init() {
	if cpu.X86.HasAVX512F {
		wgImpls = append(wgImpls, wgAVX512Impl)
		wgKern = wgAVX512Impl
	}
}

func wgTinAVX512Slices(src []float32, stride int, dst []float32, n int) {
	if n <= 0 {
		return
	}
	_ = src[15*stride+n-1]
	_ = dst[n*16-1]
	wgTinAVX512(&src[0], stride, &dst[0], n)
}

func wgTinPadAVX512Slices(img []float32, row, cstride int, dst []float32, n int, masks []uint16, offs []int) {
	if n <= 0 {
		return
	}
	_ = dst[n*256-1]
	_, _ = masks[n-1], offs[n-1]
	// The lanes read: a chunk's set lanes must lie inside img.
	for k := 0; k < n; k++ {
		if m := masks[k]; m != 0 {
			lo := row + offs[k] + bits.TrailingZeros16(m)
			hi := row + 15*cstride + offs[k] + 15 - bits.LeadingZeros16(m)
			_, _ = img[lo], img[hi]
		}
	}
	wgTinPadAVX512(&img[row], cstride, &dst[0], n, &masks[0], &offs[0])
}

func wgInAVX512Slices(q []float32, cbS, pitch, ncb int, v []float32, xiS int, tmp []float32) {
	if ncb <= 0 {
		return
	}
	_ = q[(ncb-1)*cbS+(5*pitch+5)*16+15]
	_ = v[35*xiS+ncb*16-1]
	_ = tmp[36*16-1]
	wgInAVX512(&q[0], cbS, pitch, ncb, &v[0], xiS, &tmp[0])
}

func wgGemmAVX512Slices(k int, a []float32, lda int, b, c []float32, ldc int) {
	if k%4 != 0 {
		panic("linalg: wgGemmAVX512 needs k a multiple of 4")
	}
	if k > 0 {
		_ = a[7*lda+k-1]
		_ = b[32*k-1]
	}
	_ = c[7*ldc+31]
	wgGemmAVX512(k, &a[0], lda, &b[0], &c[0], ldc)
}

func wgOutAVX512Slices(m []float32, xiS, nv int, o []float32, cvS, pitch int, bias []float32, tmp []float32) {
	if nv <= 0 {
		return
	}
	_ = m[35*xiS+nv*16-1]
	_ = o[(nv-1)*cvS+(3*pitch+3)*16+15]
	_ = tmp[24*16-1]
	var bp *float32
	if bias != nil {
		_ = bias[nv*16-1]
		bp = &bias[0]
	}
	wgOutAVX512(&m[0], xiS, nv, &o[0], cvS, pitch, bp, &tmp[0])
}

func wgToutAVX512Slices(src []float32, n int, dst []float32, hw int, res []float32, cst *wgConsts) {
	if n <= 0 {
		return
	}
	_ = src[(n+15)/16*256-1]
	_ = dst[15*hw+n-1]
	var rp *float32
	if cst.flags&wgRes != 0 {
		_ = res[15*hw+n-1]
		rp = &res[0]
	}
	wgToutAVX512(&src[0], n, &dst[0], hw, rp, cst)
}
