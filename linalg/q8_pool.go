// Quantized max pooling on NCHW planes: each plane is split into the
// stride phases of its padded image (as the convolution's Fill does, pad
// value the type's minimum), so every kernel tap reads a unit-stride run
// and an output row is the byte-wise maximum of KH·KW vectors.

package linalg

import "sync"

// q8MaxTapsFn is the assembly tap maximum (nil: none); see
// q8MaxTapsAVX512.
var q8MaxTapsFn func(dst *byte, oh, ow int, src *byte, wq int, tab *int, ntaps int, signed bool)

// Q8MaxPoolPlanes max-pools planes [lo, hi) of x (H×W bytes each, int8
// when signed, else uint8) into y (OH×OW each) with a KH×KW window,
// strides SH, SW and leading pads PT, PL (trailing padding as OH, OW
// imply). It returns false, doing nothing, when the machine has no
// kernel for it, a stride is over 2, or a window would lie wholly in
// the padding.
func Q8MaxPoolPlanes(x, y []byte, lo, hi, H, W, OH, OW, KH, KW, SH, SW, PT, PL int, signed bool) bool {
	if q8MaxTapsFn == nil || q8PadFn == nil || !q8UseAsm || SH < 1 || SW < 1 || SH > 2 || SW > 2 ||
		KH < 1 || KW < 1 || KH*KW > 64 || PT < 0 || PL < 0 || PT >= KH || PL >= KW || H < 1 || W < 1 || OH < 1 || OW < 1 ||
		(OH-1)*SH-PT >= H || (OW-1)*SW-PL >= W {
		return false
	}
	g := Q8ConvGeom{C: 1, H: H, W: W, KH: KH, KW: KW, SH: SH, SW: SW, PH: PT, PW: PL, DH: 1, DW: 1, OH: OH, OW: OW}
	hq := OH + (KH-1)/SH
	wq := OW + (KW-1)/SW
	plane := hq * wq
	var pbuf, ibuf [4]int
	phases, idx := pbuf[:0], ibuf[:SH*SW]
	for i := range idx {
		idx[i] = -1
	}
	// tab goes to the kernel through a function variable, so it comes
	// from a pool: on the stack it would move to the heap on every call.
	tp := q8TapPool.Get().(*[64]int)
	defer q8TapPool.Put(tp)
	tab := tp
	for kh := 0; kh < KH; kh++ {
		for kw := 0; kw < KW; kw++ {
			ph := (kh%SH)*SW + kw%SW
			if idx[ph] < 0 {
				idx[ph] = len(phases)
				phases = append(phases, ph)
			}
			tab[kh*KW+kw] = idx[ph]*plane + kh/SH*wq + kw/SW
		}
	}
	buf := q8GetBytes(len(phases)*plane + 64)
	defer q8BytePool.Put(buf)
	src := *buf
	var pad byte
	if signed {
		pad = 0x80
	}
	for p := lo; p < hi; p++ {
		xp := x[p*H*W : (p+1)*H*W]
		for i, ph := range phases {
			q8PhasePlane(src[i*plane:(i+1)*plane], xp, &g, hq, wq, ph/SW, ph%SW, pad)
		}
		q8MaxTapsFn(&y[p*OH*OW], OH, OW, &src[0], wq, &tab[0], KH*KW, signed)
	}
	return true
}

// q8TapPool recycles the max-pool kernel's tap offset tables.
var q8TapPool = sync.Pool{New: func() any { return new([64]int) }}
