package linalg

// Depthwise 3×3-row convolution of small and mid-size planes (uint8
// activations), up to 16 consecutive output pixels of a plane per vector
// whatever rows they lie on: q8Depthwise's row-by-row kernels fill 16
// lanes per output row, so a 7×7 or 14×14 map leaves lanes idle and
// every window is a border window with its masks computed on the fly.
// Here the per-group geometry, which is the same for every plane, is
// tabulated once per shape: where to load 64 bytes for kernel row 0
// (rows kh at +kh·W), which loaded bytes lie in the plane (masked loads:
// nothing outside it is read), the VPERMB index giving each lane its 4
// window bytes, which of them are inside the image (the others take the
// zero point, adding nothing to the centred sum), and where the group's
// pixels go. The kernel then runs every plane of a call through the
// table with no branches but the loops, and requantizes like q8DW3VBMI.

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// q8tDWEnt is the size of one table entry: idx [64]byte, base int64,
// load masks [3]uint64, merge masks [3]uint64, the group's first output
// pixel int32 and its store mask uint16.
const q8tDWEnt = 128

// q8tDWMaxP bounds the planes (output pixels) the table kernel takes,
// q8tDWMaxP2 those with column stride 2 (whose groups stop at row ends):
// larger ones have long rows the row kernels fill as well, and their
// tables would not stay in L1 (measured: 56×56 stride 1 and 28×28
// stride 2 gain 7-8%, 56×56 stride 2 loses 9%).
// Rows wider than q8tDWMaxOW are left to the row kernels too: most of
// their windows lie inside the image (measured: PP-OCR rec's 24×160 and
// 12×80 maps lose 12-17% here).
const (
	q8tDWMaxP  = 4096
	q8tDWMaxP2 = 1024
	q8tDWMaxOW = 64
)

// q8tDWTab is the group table of one geometry.
type q8tDWTab struct {
	groups int
	ent    []byte // groups × q8tDWEnt, 64-byte aligned
}

// q8tDWTabs caches tables per geometry (C ignored); nil entries record
// geometries the kernel does not take.
var q8tDWTabs struct {
	mu sync.Mutex
	m  map[Q8ConvGeom]*q8tDWTab
}

// q8tDWSmall enables the small-plane kernel (tests turn it off).
var q8tDWSmall = true

// q8tDWSmallFn is the assembly kernel (nil: none); see q8tDWSmallVBMI.
var q8tDWSmallFn func(y, x *byte, n, hw, p int, tab *byte, groups, w int, ws, rowc *int32, mult *float32, zp, xzp int32, lo, hi float32)

// q8tDWTable returns the table of g, or nil when the small kernel does
// not take it.
func q8tDWTable(g *Q8ConvGeom) *q8tDWTab {
	key := *g
	key.C = 0
	q8tDWTabs.mu.Lock()
	defer q8tDWTabs.mu.Unlock()
	if t, ok := q8tDWTabs.m[key]; ok {
		return t
	}
	t := q8tDWBuild(&key)
	if q8tDWTabs.m == nil {
		q8tDWTabs.m = map[Q8ConvGeom]*q8tDWTab{}
	}
	if len(q8tDWTabs.m) < 256 {
		q8tDWTabs.m[key] = t
	}
	return t
}

// q8tDWBuild builds the table of g (nil: not taken): 3 kernel rows of at
// most 4 taps, dilation 1. Groups take up to 16 consecutive output pixels
// whose windows lie within 64 bytes, so a group crosses rows only where
// the next row's windows are near (small or stride-1 maps).
func q8tDWBuild(g *Q8ConvGeom) *q8tDWTab {
	P := g.OH * g.OW
	if g.KH != 3 || g.KW < 1 || g.KW > 4 || g.DH != 1 || g.DW != 1 || g.SH < 1 || g.SW < 1 ||
		P <= 0 || P > q8tDWMaxP || (g.SW > 1 && P > q8tDWMaxP2) || g.OW > q8tDWMaxOW || g.H <= 0 || g.W <= 0 || g.PH < 0 || g.PW < 0 {
		return nil
	}
	start := func(p int) int { return (p/g.OW*g.SH-g.PH)*g.W + p%g.OW*g.SW - g.PW }
	// Greedy groups: [p0, p0+cnt) with all window starts within 60 bytes.
	var firsts []int
	for p := 0; p < P; {
		firsts = append(firsts, p)
		lo, hi := start(p), start(p)
		q := p + 1
		for ; q < P && q-p < 16; q++ {
			s := start(q)
			if max(hi, s)-min(lo, s)+3 > 63 {
				break
			}
			lo, hi = min(lo, s), max(hi, s)
		}
		p = q
	}
	groups := len(firsts)
	if groups > P/8+1 {
		return nil // lanes mostly idle: the row kernels do better
	}
	raw := make([]byte, groups*q8tDWEnt+64)
	off := int((64 - uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%64) % 64)
	t := &q8tDWTab{groups: groups, ent: raw[off : off+groups*q8tDWEnt]}
	hw := g.H * g.W
	for gi, p0 := range firsts {
		e := t.ent[gi*q8tDWEnt : (gi+1)*q8tDWEnt]
		cnt := P - p0
		if gi+1 < groups {
			cnt = firsts[gi+1] - p0
		}
		base := math.MaxInt
		for j := 0; j < cnt; j++ {
			base = min(base, start(p0+j))
		}
		var mm [3]uint64
		for j := 0; j < cnt; j++ {
			p := p0 + j
			oh, ow := p/g.OW, p%g.OW
			for tp := 0; tp < 4; tp++ {
				e[4*j+tp] = byte(start(p) - base + tp)
				iw := ow*g.SW - g.PW + tp
				if tp >= g.KW || iw < 0 || iw >= g.W {
					continue
				}
				for kh := 0; kh < 3; kh++ {
					if ih := oh*g.SH - g.PH + kh; ih >= 0 && ih < g.H {
						mm[kh] |= 1 << (4*j + tp)
					}
				}
			}
		}
		*(*int64)(unsafe.Pointer(&e[64])) = int64(base)
		for kh := 0; kh < 3; kh++ {
			// Loaded bytes inside the plane.
			var lm uint64
			for b := 0; b < 64; b++ {
				if o := base + kh*g.W + b; o >= 0 && o < hw {
					lm |= 1 << b
				}
			}
			*(*uint64)(unsafe.Pointer(&e[72+8*kh])) = lm
			*(*uint64)(unsafe.Pointer(&e[96+8*kh])) = mm[kh]
		}
		*(*int32)(unsafe.Pointer(&e[120])) = int32(p0)
		*(*uint16)(unsafe.Pointer(&e[124])) = uint16(q8Mask(cnt))
	}
	return t
}

// q8tDWRun computes n planes with the table t: ws holds each plane's 3
// weight dwords (4 s8 taps per kernel row), rowc its row constant.
func q8tDWRun(y, x []byte, n int, g *Q8ConvGeom, t *q8tDWTab, ws, rowc []int32, mult []float32, zp, xzp int32, lo, hi float32, signed, asm bool) {
	hw, P := g.H*g.W, g.OH*g.OW
	if asm && q8tDWSmallFn != nil {
		q8tDWSmallFn(&y[0], &x[0], n, hw, P, &t.ent[0], t.groups, g.W, &ws[0], &rowc[0], &mult[0], zp, xzp, lo, hi)
		return
	}
	q8tDWSmallGeneric(y, x, n, hw, P, t, g.W, ws, rowc, mult, zp, xzp, lo, hi, signed)
}

// q8tDWSmallGeneric is the Go twin of q8tDWSmallFn: it follows the table
// exactly (masked loads, VPERMB, merge with the zero point), so tests of
// it check the table as well.
func q8tDWSmallGeneric(y, x []byte, n, hw, P int, t *q8tDWTab, w int, ws, rowc []int32, mult []float32, zp, xzp int32, lo, hi float32, signed bool) {
	var acc [16]int32
	for c := 0; c < n; c++ {
		xc := x[c*hw : (c+1)*hw]
		for gi := 0; gi < t.groups; gi++ {
			e := t.ent[gi*q8tDWEnt:]
			base := int(*(*int64)(unsafe.Pointer(&e[64])))
			for j := range acc {
				acc[j] = rowc[c]
			}
			for kh := 0; kh < 3; kh++ {
				lm := *(*uint64)(unsafe.Pointer(&e[72+8*kh]))
				mm := *(*uint64)(unsafe.Pointer(&e[96+8*kh]))
				var ld [64]byte
				for b := 0; b < 64; b++ {
					if lm>>b&1 != 0 {
						ld[b] = xc[base+kh*w+b]
					}
				}
				d := uint32(ws[3*c+kh])
				for j := 0; j < 16; j++ {
					for tp := 0; tp < 4; tp++ {
						v := int32(xzp & 0xff)
						if mm>>(4*j+tp)&1 != 0 {
							v = int32(ld[e[4*j+tp]&63])
						}
						acc[j] += int32(int8(d>>(8*tp))) * v
					}
				}
			}
			p0 := int(*(*int32)(unsafe.Pointer(&e[120])))
			sm := *(*uint16)(unsafe.Pointer(&e[124]))
			for j := 0; j < 16; j++ {
				if sm>>j&1 == 0 {
					continue
				}
				p := p0 + j
				f := float32(acc[j]) * mult[c]
				var q int32
				if f == f {
					f = min(max(f, lo), hi)
					q = int32(math.RoundToEven(float64(f))) + zp
				}
				if signed {
					y[c*P+p] = byte(int8(q))
				} else {
					y[c*P+p] = byte(q)
				}
			}
		}
	}
}

// q8tDWPlanes packs each plane's weights (centred, int8) into 3 dwords
// and its row constant bias - xZP·Σw, then runs the small kernel on all
// n planes at once.
func q8tDWPlanes(y, x []byte, n int, g *Q8ConvGeom, t *q8tDWTab, w []int32, xZP int32, bias []int32, mult []float32, yZP int32, lo, hi float32, signed, asm bool) {
	buf := q8GetInt32s(4 * n)
	defer q8Int32Pool.Put(buf)
	ws, rowc := (*buf)[:3*n], (*buf)[3*n:4*n]
	ks := 3 * g.KW
	for c := 0; c < n; c++ {
		wc := w[c*ks : (c+1)*ks]
		var sum int32
		for kh := 0; kh < 3; kh++ {
			var d uint32
			for kw := 0; kw < g.KW; kw++ {
				v := wc[kh*g.KW+kw]
				sum += v
				d |= uint32(uint8(int8(v))) << (8 * kw)
			}
			ws[3*c+kh] = int32(d)
		}
		rowc[c] = -xZP * sum
		if bias != nil {
			rowc[c] += bias[c]
		}
	}
	q8tDWRun(y, x, n, g, t, ws, rowc, mult, yZP, xZP, lo, hi, signed, asm)
}

// q8tDWPack is Q8PackDepthwise's packing: per channel, 3 dwords of 4 s8
// taps (kernel rows of at most 4 taps) and the sum of the centred taps;
// ok false when the geometry or a centred weight does not fit.
type q8tDWPack struct {
	kh, kw int
	ws     []int32 // 3 per channel
	sum    []int32
	ok     bool
}

// Q8PackDepthwise packs the weights of c depthwise planes (kh×kw taps
// each, row-major like ONNX's [C, 1, KH, KW]) centred on their zero
// points wZP (0 values: none, 1: per tensor, c: per channel) for
// Q8DepthwisePacked, once per weight tensor.
func Q8PackDepthwise[TW QInt](c, kh, kw int, w []TW, wZP []int32) *Q8ConvWeights {
	ks := kh * kw
	if c < 0 || ks <= 0 || len(w) < c*ks || (len(wZP) > 1 && len(wZP) < c) {
		panic(fmt.Sprintf("linalg: Q8PackDepthwise %d planes of %d×%d with %d weights and %d zero points", c, kh, kw, len(w), len(wZP)))
	}
	d := &q8tDWPack{kh: kh, kw: kw, ok: kh == 3 && kw <= 4}
	pw := &Q8ConvWeights{M: c, K: ks, dw: d}
	if !d.ok {
		return pw
	}
	d.ws, d.sum = make([]int32, 3*c), make([]int32, c)
	signed := isSigned[TW]()
	wb := qbytes(w)
	for ch := 0; ch < c; ch++ {
		var z int32
		switch len(wZP) {
		case 0:
		case 1:
			z = wZP[0]
		default:
			z = wZP[ch]
		}
		var sum int32
		for r := 0; r < 3; r++ {
			var dw uint32
			for t := 0; t < kw; t++ {
				v := int32(wb[ch*ks+r*kw+t])
				if signed {
					v = int32(int8(v))
				}
				v -= z
				if v < -128 || v > 127 {
					d.ok = false
				}
				sum += v
				dw |= uint32(uint8(int8(v))) << (8 * t)
			}
			d.ws[3*ch+r] = int32(dw)
		}
		d.sum[ch] = sum
	}
	return pw
}

// Q8DepthwisePacked computes n depthwise planes of channels [c0, c0+n)
// like Q8Depthwise, with weights from Q8PackDepthwise and bias and mult
// indexed by channel (bias nil: 0). It returns false, writing nothing,
// when the packed small-plane kernel does not take the case (the caller
// then uses Q8Depthwise or the reference).
func Q8DepthwisePacked[TY QInt](y []TY, x []uint8, c0, n int, g *Q8ConvGeom, pw *Q8ConvWeights, xZP int32, bias []int32, mult []float32, yZP int32) bool {
	d := pw.dw
	if d == nil || !d.ok || !q8tDWSmall || !Q8DepthwiseOK(g) || g.KH != d.kh || g.KW != d.kw || c0 < 0 || c0+n > pw.M || n <= 0 {
		return false
	}
	P := g.OH * g.OW
	if P > q8tDWMaxP {
		return false
	}
	t := q8tDWTable(g)
	if t == nil {
		return false
	}
	for _, m := range mult[c0 : c0+n] {
		if !(m >= -math.MaxFloat32 && m <= math.MaxFloat32) {
			return false
		}
	}
	hw := g.H * g.W
	x = x[:n*hw]
	yb := qbytes(y)[:n*P]
	lo, hi := QRange[TY]()
	buf := q8GetInt32s(n)
	defer q8Int32Pool.Put(buf)
	rowc := (*buf)[:n]
	for i, s := range d.sum[c0 : c0+n] {
		rowc[i] = -xZP * s
	}
	if bias != nil {
		for i, b := range bias[c0 : c0+n] {
			rowc[i] += b
		}
	}
	q8tDWRun(yb, x, n, g, t, d.ws[3*c0:3*(c0+n)], rowc, mult[c0:c0+n], yZP, xZP, float32(lo-yZP), float32(hi-yZP), lo < 0, true)
	return true
}

// Q8DepthwisePackedOK reports whether Q8DepthwisePacked takes geometry g
// (C ignored) with the packed weights pw, given finite multipliers.
func Q8DepthwisePackedOK(g *Q8ConvGeom, pw *Q8ConvWeights) bool {
	d := pw.dw
	return d != nil && d.ok && q8tDWSmall && Q8DepthwiseOK(g) && g.KH == d.kh && g.KW == d.kw &&
		g.OH*g.OW <= q8tDWMaxP && q8tDWTable(g) != nil
}
