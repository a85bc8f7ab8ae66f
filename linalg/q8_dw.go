// Integer depthwise convolution with uint8 activations: each plane is
// copied once into a zero-point-padded buffer, then for 16 output columns
// at a time VPERMB hands each column the 4 consecutive input bytes of a
// kernel row (taps kw = 4g..4g+3 of group g, stride 1 or 2) and VPDPBUSD
// multiplies them by the 4 centred s8 weights: the int32 sums are exact
// (Σ w·(x - xZP) + bias = Σ w·x + bias - xZP·Σw) and are requantized
// like RequantRef, so results match the reference bit for bit.

package linalg

import (
	"math"
	"sync"
)

// q8DWPlaneFn is the assembly plane kernel (nil: none); see
// q8DWPlaneVBMI.
var q8DWPlaneFn func(y *byte, oh, ow int, src *byte, rowStep, grpStep int, offs *int, ws *int32, ntaps int, idx *byte, rowc int32, mult float32, zp int32, lo, hi float32)

// q8DW3Fn is the assembly kernel for 3 kernel rows of at most 4 taps
// reading the unpadded plane (nil: none); see q8DW3VBMI.
var q8DW3Fn func(y *byte, oh, ow int, x *byte, h, w, sh, sw, ph, pw int, ws *int32, idx *byte, rowc int32, mult float32, zp, xzp int32, lo, hi float32)

// q8DWDirect enables q8DW3Fn (tests turn it off to cover the padded
// path on 3×3 kernels).
var q8DWDirect = true

// q8DWMaxTaps bounds KH·ceil(KW/4) (tap groups per output).
const q8DWMaxTaps = 32

// Q8DepthwiseOK reports whether Q8Depthwise takes the geometry (KW <= 8,
// strides 1 or 2 across, dilation 1, pads >= 0) on this machine.
func Q8DepthwiseOK(g *Q8ConvGeom) bool {
	return q8DWPlaneFn != nil && q8UseAsm && q8DWGeomOK(g)
}

func q8DWGeomOK(g *Q8ConvGeom) bool {
	return g.KW >= 1 && g.KW <= 8 && g.KH >= 1 && g.KH*((g.KW+3)/4) <= q8DWMaxTaps &&
		g.SW >= 1 && g.SW <= 2 && g.SH >= 1 && g.DH == 1 && g.DW == 1 && g.PH >= 0 && g.PW >= 0 &&
		g.OH >= 0 && g.OW >= 0
}

// Q8Depthwise computes n depthwise planes (plane c: x[c·H·W:], weights
// w[c·KH·KW:] centred on their zero point, bias[c] (bias nil: 0),
// multiplier mult[c]) into y[c·OH·OW:]:
//
//	y = saturate(roundHalfEven(float32(bias + Σ w·(x - xZP))·mult) + yZP)
//
// with taps outside the image adding nothing. It returns false, writing
// nothing, when Q8DepthwiseOK does not hold, a centred weight does not
// fit int8 or a multiplier is not finite.
func Q8Depthwise[TY QInt](y []TY, x []uint8, n int, g *Q8ConvGeom, w []int32, xZP int32, bias []int32, mult []float32, yZP int32) bool {
	if !Q8DepthwiseOK(g) {
		return false
	}
	return q8Depthwise(y, x, n, g, w, xZP, bias, mult, yZP, true)
}

// q8Depthwise is Q8Depthwise with the assembly kernel or (asm false) its
// Go twin.
func q8Depthwise[TY QInt](y []TY, x []uint8, n int, g *Q8ConvGeom, w []int32, xZP int32, bias []int32, mult []float32, yZP int32, asm bool) bool {
	if !q8DWGeomOK(g) {
		return false
	}
	ks := g.KH * g.KW
	if n <= 0 {
		return true
	}
	w = w[:n*ks]
	for _, v := range w {
		if v < -128 || v > 127 {
			return false
		}
	}
	for _, m := range mult[:n] {
		if !(m >= -math.MaxFloat32 && m <= math.MaxFloat32) {
			return false
		}
	}
	if g.OH == 0 || g.OW == 0 {
		return true
	}
	H, W, P := g.H, g.W, g.OH*g.OW
	x = x[:n*H*W]
	yb := qbytes(y)[:n*P]
	lo, hi := QRange[TY]()
	flo, fhi := float32(lo-yZP), float32(hi-yZP)
	if q8tDWSmall && g.KH == 3 && g.KW <= 4 && P <= q8tDWMaxP {
		if t := q8tDWTable(g); t != nil {
			q8tDWPlanes(yb, x, n, g, t, w, xZP, bias, mult, yZP, flo, fhi, lo < 0, asm)
			return true
		}
	}
	// Padded plane: the rows and columns the windows start in, plus a
	// vector of slack for the last window's 64-byte read.
	hp := (g.OH-1)*g.SH + g.KH
	ng := (g.KW + 3) / 4
	wp := max((g.OW-1)*g.SW+4*ng, 16*g.SW)
	buf := q8GetBytes(hp*wp + 128)
	defer q8BytePool.Put(buf)
	pad := *buf
	// The tables go to the kernels through function variables, so they
	// come from a pool: stack arrays would move to the heap every call.
	sc := q8DWScratchPool.Get().(*q8DWScratch)
	defer q8DWScratchPool.Put(sc)
	offs, ws, idx := &sc.offs, &sc.ws, &sc.idx
	*offs, *ws, *idx = [q8DWMaxTaps]int{}, [q8DWMaxTaps]int32{}, [64]byte{}
	for j := 0; j < 16; j++ {
		for t := 0; t < 4; t++ {
			idx[4*j+t] = byte(g.SW*j + t)
		}
	}
	nt := 0
	for kh := 0; kh < g.KH; kh++ {
		for gi := 0; gi < ng; gi++ {
			offs[nt] = kh*wp + 4*gi
			nt++
		}
	}
	zp := byte(xZP)
	clear(pad[hp*wp:])
	g1 := *g
	g1.SH, g1.SW = 1, 1
	// Three kernel rows of at most 4 taps read the plane in place
	// (H·W > 0: the kernel takes its address).
	direct := q8DW3Fn != nil && q8DWDirect && g.KH == 3 && ng == 1 && H*W > 0
	for c := 0; c < n; c++ {
		// Weights in groups of 4 taps (missing taps 0), row constant.
		wc := w[c*ks : (c+1)*ks]
		var sum int32
		if g.KW == 3 && g.KH == 3 {
			// The common 3×3 kernel without the general loops.
			for kh := 0; kh < 3; kh++ {
				r := wc[3*kh : 3*kh+3 : 3*kh+3]
				sum += r[0] + r[1] + r[2]
				ws[kh] = int32(uint32(uint8(r[0])) | uint32(uint8(r[1]))<<8 | uint32(uint8(r[2]))<<16)
			}
		}
		for kh := 0; kh < g.KH && (g.KW != 3 || g.KH != 3); kh++ {
			for gi := 0; gi < ng; gi++ {
				var d uint32
				for t := 0; t < 4; t++ {
					if kw := 4*gi + t; kw < g.KW {
						v := wc[kh*g.KW+kw]
						sum += v
						d |= uint32(uint8(int8(v))) << (8 * t)
					}
				}
				ws[kh*ng+gi] = int32(d)
			}
		}
		rowc := -xZP * sum
		if bias != nil {
			rowc += bias[c]
		}
		xc := x[c*H*W : (c+1)*H*W]
		yc := yb[c*P : (c+1)*P]
		if asm && direct {
			q8DW3Fn(&yc[0], g.OH, g.OW, &xc[0], H, W, g.SH, g.SW, g.PH, g.PW, &ws[0], &idx[0], rowc, mult[c], yZP, xZP, flo, fhi)
			continue
		}
		// The padded plane: row i is input row i - PH, column j input
		// column j - PW, zp outside (a phase plane of stride 1).
		q8PhasePlane(pad[:hp*wp], xc, &g1, hp, wp, 0, 0, zp)
		if asm {
			q8DWPlaneFn(&yc[0], g.OH, g.OW, &pad[0], g.SH*wp, 16*g.SW, &offs[0], &ws[0], nt, &idx[0], rowc, mult[c], yZP, flo, fhi)
			continue
		}
		q8DWPlaneGeneric(yc, g.OH, g.OW, pad, g.SH*wp, g.SW, offs[:nt], ws[:nt], rowc, mult[c], yZP, flo, fhi, lo < 0)
	}
	return true
}

// q8DWPlaneGeneric is the Go twin of q8DWPlaneFn (column stride sw).
func q8DWPlaneGeneric(y []byte, oh, ow int, src []byte, rowStep, sw int, offs []int, ws []int32, rowc int32, mult float32, zp int32, lo, hi float32, signed bool) {
	acc := make([]int32, ow)
	for r := 0; r < oh; r++ {
		for j := range acc {
			s := rowc
			base := r*rowStep + j*sw
			for i, o := range offs {
				d := uint32(ws[i])
				for t := 0; t < 4; t++ {
					s += int32(int8(d>>(8*t))) * int32(src[base+o+t])
				}
			}
			acc[j] = s
		}
		for j, v := range acc {
			f := float32(v) * mult
			var q int32
			if f == f {
				f = min(max(f, lo), hi)
				q = int32(math.RoundToEven(float64(f))) + zp
			}
			if signed {
				y[r*ow+j] = byte(int8(q))
			} else {
				y[r*ow+j] = byte(q)
			}
		}
	}
}

// q8DWScratch is q8Depthwise's per-call tap tables, recycled.
type q8DWScratch struct {
	offs [q8DWMaxTaps]int
	ws   [q8DWMaxTaps]int32
	idx  [64]byte
}

var q8DWScratchPool = sync.Pool{New: func() any { return new(q8DWScratch) }}
