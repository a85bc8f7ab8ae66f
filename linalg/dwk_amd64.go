//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		dwkUse(&dwkImpl{name: "avx2",
			conv:    dwkConvSlices(dwkConvAVX2),
			even:    dwkEvenSlices(dwkEvenAVX2, 8),
			loadQ:   dwkLoadQSlices(dwkLoadQAVX2, 8),
			requant: dwkRequantSlices(dwkRequantAVX2, 8),
		})
	}
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW {
		dwkUse(&dwkImpl{name: "avx512",
			conv:    dwkConvSlices(dwkConvAVX512),
			even:    dwkEvenSlices(dwkEvenAVX512, 16),
			loadQ:   dwkLoadQSlices(dwkLoadQAVX512, 16),
			requant: dwkRequantSlices(dwkRequantAVX512, 16),

			copyRows:    dwkCopyRowsAVX512Slices,
			splitRows:   dwkSplitRowsAVX512Slices,
			requantRows: dwkRequantRowsAVX512Slices,
		})
	}
}

// dwkConvAVX2 and dwkConvAVX512 are dwkConvGeneric on n (a multiple of
// dwkBlock) outputs.
//
//go:noescape
func dwkConvAVX2(v *float32, n int, buf *float32, offs *int, ws *float32, ntaps int, bias, lo, hi float32, hs int)

//go:noescape
func dwkConvAVX512(v *float32, n int, buf *float32, offs *int, ws *float32, ntaps int, bias, lo, hi float32, hs int)

// dwkEvenAVX2 and dwkEvenAVX512 are dwkEvenGeneric on n outputs, a
// multiple of the vector width; they read src[:2n].
//
//go:noescape
func dwkEvenAVX2(dst, src *float32, n int)

//go:noescape
func dwkEvenAVX512(dst, src *float32, n int)

// dwkLoadQAVX2 and dwkLoadQAVX512 are dwkLoadQGeneric on n values, a
// multiple of the vector width.
//
//go:noescape
func dwkLoadQAVX2(dst *float32, src *byte, n int, zp int32, signed bool)

//go:noescape
func dwkLoadQAVX512(dst *float32, src *byte, n int, zp int32, signed bool)

// dwkRequantAVX2 and dwkRequantAVX512 are dwkRequantGeneric on n values,
// a multiple of the vector width.
//
//go:noescape
func dwkRequantAVX2(dst *byte, v *float32, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool)

//go:noescape
func dwkRequantAVX512(dst *byte, v *float32, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool)

// dwkConvSlices checks the bounds the assembly relies on.
func dwkConvSlices(f func(v *float32, n int, buf *float32, offs *int, ws *float32, ntaps int, bias, lo, hi float32, hs int)) func(v, buf []float32, offs []int, ws []float32, bias float32, a dwkAct) {
	return func(v, buf []float32, offs []int, ws []float32, bias float32, a dwkAct) {
		if len(v)%dwkBlock != 0 || len(offs) == 0 || len(v) == 0 {
			dwkConvGeneric(v, buf, offs, ws, bias, a)
			return
		}
		ws = ws[:len(offs)]
		for _, o := range offs {
			if o < 0 || o+len(v) > len(buf) {
				panic("linalg: depthwise tap offset out of range")
			}
		}
		hs := 0
		if a.hs {
			hs = 1
		}
		f(&v[0], len(v), &buf[0], &offs[0], &ws[0], len(offs), bias, a.lo, a.hi, hs)
	}
}

func dwkEvenSlices(f func(dst, src *float32, n int), vl int) func(dst, src []float32) {
	return func(dst, src []float32) {
		if len(dst) == 0 {
			return
		}
		m := len(dst)
		src = src[:min(len(src), 2*m)]
		// Whole vectors that read only inside src; the rest, when src
		// allows, as one more vector overlapping the last.
		n := min(m, len(src)/2) / vl * vl
		if n > 0 {
			f(&dst[0], &src[0], n)
		}
		if n < m && m >= vl && len(src) >= 2*m {
			f(&dst[m-vl], &src[2*(m-vl)], vl)
			return
		}
		dwkEvenGeneric(dst[n:], src[2*n:])
	}
}

func dwkLoadQSlices(f func(dst *float32, src *byte, n int, zp int32, signed bool), vl int) func(dst []float32, src []byte, zp int32, signed bool) {
	return func(dst []float32, src []byte, zp int32, signed bool) {
		src = src[:len(dst)]
		n := len(dst) / vl * vl
		if n > 0 {
			f(&dst[0], &src[0], n, zp, signed)
		}
		if m := len(dst); n < m && m >= vl {
			f(&dst[m-vl], &src[m-vl], vl, zp, signed)
			return
		}
		dwkLoadQGeneric(dst[n:], src[n:], zp, signed)
	}
}

func dwkRequantSlices(f func(dst *byte, v *float32, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool), vl int) func(dst []byte, v []float32, bias int32, mult, flo, fhi float32, zp int32, signed bool) {
	return func(dst []byte, v []float32, bias int32, mult, flo, fhi float32, zp int32, signed bool) {
		dst = dst[:len(v)]
		n := len(v) / vl * vl
		if n > 0 {
			f(&dst[0], &v[0], n, bias, mult, flo, fhi, zp, signed)
		}
		if m := len(v); n < m && m >= vl {
			f(&dst[m-vl], &v[m-vl], vl, bias, mult, flo, fhi, zp, signed)
			return
		}
		dwkRequantGeneric(dst[n:], v[n:], bias, mult, flo, fhi, zp, signed)
	}
}

// dwkCopyRowsAVX512, dwkSplitRowsAVX512 and dwkRequantRowsAVX512 are the
// whole-plane forms of dwkImpl (rows >= 1, n >= 1), masking the last
// partial vector of each row.
//
//go:noescape
func dwkCopyRowsAVX512(dst *float32, ds int, src *float32, ss int, rows int, n int)

//go:noescape
func dwkSplitRowsAVX512(dA *float32, dB *float32, ds int, src *float32, ss int, rows int, n int)

//go:noescape
func dwkRequantRowsAVX512(dst *byte, ds int, v *float32, ss int, rows int, n int, bias int32, mult float32, flo float32, fhi float32, zp int32)

// dwkRowsFit panics unless rows rows of n values, stride st, fit in l.
func dwkRowsFit(l, st, rows, n int) {
	if rows < 1 || n < 1 || st < 0 || (rows-1)*st+n > l {
		panic("linalg: depthwise rows out of range")
	}
}

func dwkCopyRowsAVX512Slices(dst []float32, ds int, src []float32, ss, rows, n int) {
	dwkRowsFit(len(dst), ds, rows, n)
	dwkRowsFit(len(src), ss, rows, n)
	dwkCopyRowsAVX512(&dst[0], ds, &src[0], ss, rows, n)
}

func dwkSplitRowsAVX512Slices(dA, dB []float32, ds int, src []float32, ss, rows, n int) {
	dwkRowsFit(len(dA), ds, rows, (n+1)/2)
	if n/2 > 0 {
		dwkRowsFit(len(dB), ds, rows, n/2)
	} else {
		dB = dA // not written
	}
	dwkRowsFit(len(src), ss, rows, n)
	dwkSplitRowsAVX512(&dA[0], &dB[0], ds, &src[0], ss, rows, n)
}

func dwkRequantRowsAVX512Slices(dst []byte, ds int, v []float32, ss, rows, n int, bias int32, mult, flo, fhi float32, zp int32, signed bool) {
	dwkRowsFit(len(dst), ds, rows, n)
	dwkRowsFit(len(v), ss, rows, n)
	dwkRequantRowsAVX512(&dst[0], ds, &v[0], ss, rows, n, bias, mult, flo, fhi, zp)
}
