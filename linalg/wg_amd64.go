//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

// wgInAVX512 is wgInGeneric on pointers, sizes in elements. Requires
// AVX512F.
//
//go:noescape
func wgInAVX512(q *float32, idx *int32, plane, pw, cin int, v *float32, xiS, strip int, tmp *float32)

// wgOutAVX512 is wgOutGeneric on pointers (cst's lo, hi, alpha must be
// the identities when their flags are clear: wgSetConsts). Requires
// AVX512F.
//
//go:noescape
func wgOutAVX512(m *float32, xiS, nv int, out *float32, hw, ow, ny, nx int, bias, res *float32, cst *wgConsts, tmp *float32)

// wgAVX512Impl runs the transforms in assembly and the products on the
// 8x32 SGEMM micro-kernel.
var wgAVX512Impl = &wgImpl{name: "avx512", in: wgInAVX512Slices, out: wgOutAVX512Slices, gemm: wgGemmAVX512}

func init() {
	if cpu.X86.HasAVX512F {
		wgImpls = append(wgImpls, wgAVX512Impl)
		wgKern = wgAVX512Impl
	}
}

// wgInAVX512Slices checks the extents wgInAVX512 reads and writes.
func wgInAVX512Slices(q []float32, idx *[16]int32, plane, pw, cin int, v []float32, xiS, strip int, tmp []float32) {
	if cin <= 0 {
		return
	}
	mx := int32(0)
	for _, o := range idx {
		mx = max(mx, o)
	}
	_ = q[(cin-1)*plane+int(mx)+5*pw+5]
	_ = v[35*xiS+strip+cin*8-1]
	_ = tmp[36*16-1]
	wgInAVX512(&q[0], &idx[0], plane, pw, cin, &v[0], xiS, strip, &tmp[0])
}

// wgOutAVX512Slices checks the extents wgOutAVX512 reads and writes.
func wgOutAVX512Slices(m []float32, xiS, nv int, out []float32, hw, ow, ny, nx int, bias, res []float32, cst *wgConsts, tmp []float32) {
	if nv <= 0 || ny <= 0 || nx <= 0 {
		return
	}
	_ = m[35*xiS+nv*16-1]
	last := (nv*16-1)*hw + (ny-1)*ow + nx - 1
	_ = out[last]
	var bp, rp *float32
	if cst.flags&wgBias != 0 {
		_ = bias[nv*16-1]
		bp = &bias[0]
	}
	if cst.flags&wgRes != 0 {
		_ = res[last]
		rp = &res[0]
	}
	_ = tmp[40*16-1]
	wgOutAVX512(&m[0], xiS, nv, &out[0], hw, ow, ny, nx, bp, rp, cst, &tmp[0])
}

// wgGemmAVX512 is wgGemmGeneric on the fused-epilogue SGEMM kernel with
// no flags (overwrite C, nothing added).
func wgGemmAVX512(k int, a, b, c []float32, ldc int) {
	_ = a[8*k-1]
	_ = b[32*k-1]
	_ = c[7*ldc+31]
	var z sgemmConsts
	sgemmKernelEpAVX512(k, &a[0], &b[0], &c[0], ldc, 0, nil, &z.zero[0])
}
