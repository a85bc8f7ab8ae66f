package ops

// qinfer.QMaxPool: MaxPool on uint8/int8 tensors, emitted by the QDQ fusion
// pass (ir/passes/qdq.go) for DQ → MaxPool → Q. Attributes and meaning are
// MaxPool's (ai.onnx, opset 12+) for one output: padding never wins (it acts
// as the type's minimum) and a window lying wholly in padding gives 0, as
// the plain MaxPool kernel does. The fast path covers 2-D NCHW pooling
// without dilation (auto_pad NOTSET or VALID): a vertical max of the
// window's rows (8 bytes per step, SWAR), then a strided horizontal max.
// Everything else runs the registered MaxPool kernel.

import (
	"encoding/binary"
	"unsafe"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("qinfer", "QMaxPool", 1, qpNewMaxPool)
}

type qpMaxPool struct {
	fallback Kernel
	fast     bool // 2-D geometry the fast path handles
	kernel   [2]int
	strides  [2]int
	pads     [4]int
	ceil     bool
}

func qpNewMaxPool(n *ir.Node, opset int) (Kernel, error) {
	f, err := Lookup("", "MaxPool", 22)
	if err != nil {
		return nil, NodeErrf(n, "MaxPool: %w", err)
	}
	fb, err := f(n, 22)
	if err != nil {
		return nil, err
	}
	k := &qpMaxPool{fallback: fb, ceil: n.AttrInt("ceil_mode", 0) != 0}
	ks, st, pd, dl := n.AttrInts("kernel_shape"), n.AttrInts("strides"), n.AttrInts("pads"), n.AttrInts("dilations")
	ap := n.AttrString("auto_pad", "NOTSET")
	k.fast = len(ks) == 2 && (ap == "NOTSET" || ap == "" || ap == "VALID") &&
		(st == nil || len(st) == 2) && (pd == nil || len(pd) == 4 || ap == "VALID") &&
		(len(n.Outputs) < 2 || n.Outputs[1] == "")
	for _, d := range dl {
		k.fast = k.fast && d == 1
	}
	if !k.fast {
		return k, nil
	}
	for i := 0; i < 2; i++ {
		k.kernel[i], k.strides[i] = int(ks[i]), 1
		if st != nil {
			k.strides[i] = int(st[i])
		}
		k.fast = k.fast && k.kernel[i] >= 1 && k.strides[i] >= 1 && k.kernel[i] <= 1<<20 && k.strides[i] <= 1<<20
	}
	if pd != nil && ap != "VALID" {
		for i := range k.pads {
			k.pads[i] = int(pd[i])
			k.fast = k.fast && k.pads[i] >= 0 && k.pads[i] < k.kernel[i%2]
		}
	}
	return k, nil
}

// outSize is MaxPool's output extent for one dimension, or -1.
func (k *qpMaxPool) outSize(in, d int) int {
	s, kk := k.strides[d], k.kernel[d]
	span := in + k.pads[d] + k.pads[d+2] - kk
	if span < 0 {
		return -1
	}
	if !k.ceil {
		return span/s + 1
	}
	o := (span+s-1)/s + 1
	if (o-1)*s >= in+k.pads[d] {
		o--
	}
	return o
}

func (k *qpMaxPool) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	dt := x.DType()
	xs := x.Shape()
	if !k.fast || !msIs8(dt) || len(xs) != 4 || x.Len() == 0 {
		return k.fallback.Run(ctx, in)
	}
	oh, ow := k.outSize(xs[2], 0), k.outSize(xs[3], 1)
	if oh < 1 || ow < 1 {
		return k.fallback.Run(ctx, in)
	}
	y, err := ctx.NewTensor(dt, xs[0], xs[1], oh, ow)
	if err != nil {
		return nil, ctx.Errf("output: %w", err)
	}
	g := qpPoolGeom{h: xs[2], w: xs[3], oh: oh, ow: ow, kh: k.kernel[0], kw: k.kernel[1],
		sh: k.strides[0], sw: k.strides[1], pt: k.pads[0], pl: k.pads[1]}
	planes := xs[0] * xs[1]
	grain := max(1, (1<<16)/(g.h*g.w))
	if dt == tensor.Uint8 {
		xv, yv := tensor.Data[uint8](x), tensor.Data[uint8](y)
		if zaSerialN(ctx, planes, grain) { // no closure: nothing escapes
			qpMaxPlanes(xv, yv, 0, planes, &g, false)
		} else {
			gh := g
			ctx.Parallel(planes, grain, func(lo, hi int) { qpMaxPlanes(xv, yv, lo, hi, &gh, false) })
		}
	} else {
		// int8 runs as uint8 with the sign bit flipped (order preserving).
		xv, yv := qpBytes(tensor.Data[int8](x)), qpBytes(tensor.Data[int8](y))
		if zaSerialN(ctx, planes, grain) {
			qpMaxPlanes(xv, yv, 0, planes, &g, true)
		} else {
			gh := g
			ctx.Parallel(planes, grain, func(lo, hi int) { qpMaxPlanes(xv, yv, lo, hi, &gh, true) })
		}
	}
	return ctx.One(y), nil
}

type qpPoolGeom struct {
	h, w, oh, ow, kh, kw, sh, sw, pt, pl int
}

// qpMaxPlanes pools planes [lo, hi). With signed, the bytes are int8.
func qpMaxPlanes(x, y []uint8, lo, hi int, g *qpPoolGeom, signed bool) {
	if linalg.Q8MaxPoolPlanes(x, y, lo, hi, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, signed) {
		return
	}
	var flip uint8
	if signed {
		flip = 0x80
	}
	tmp := make([]uint8, g.w, 2*g.w+1) // column maxima, then window maxima
	for p := lo; p < hi; p++ {
		xp := x[p*g.h*g.w : (p+1)*g.h*g.w]
		yp := y[p*g.oh*g.ow : (p+1)*g.oh*g.ow]
		for oy := 0; oy < g.oh; oy++ {
			yr := yp[oy*g.ow : (oy+1)*g.ow]
			r0 := max(oy*g.sh-g.pt, 0)
			r1 := min(oy*g.sh-g.pt+g.kh, g.h)
			if r0 >= r1 { // window rows wholly in padding
				clear(yr)
				continue
			}
			// tmp holds the column maxima in unsigned order.
			copy(tmp, xp[r0*g.w:(r0+1)*g.w])
			if signed {
				qpXorBytes(tmp, 0x80)
			}
			for r := r0 + 1; r < r1; r++ {
				qpMaxBytes(tmp, xp[r*g.w:(r+1)*g.w], signed)
			}
			qpMaxRow(yr, tmp, g, flip)
		}
	}
}

// qpMaxRow pools one row of column maxima horizontally into yr, undoing the
// sign flip.
func qpMaxRow(yr, tmp []uint8, g *qpPoolGeom, flip uint8) {
	kw, sw, pl, w := g.kw, g.sw, g.pl, g.w
	// Interior outputs [a, b): the window lies inside the row.
	a := min((pl+sw-1)/sw, len(yr))
	b := max(a, min(len(yr), (w-kw+pl)/sw+1))
	for ox := range yr[:a] {
		yr[ox] = qpMaxEdge(tmp, ox*sw-pl, kw, w, flip) ^ flip
	}
	switch {
	case sw > 1 && kw > 1 && b-a > 8 && (b-1)*sw-pl+kw <= w:
		// Window maxima at every column with SIMD (kw-1 passes over
		// shifted rows), then every sw-th one.
		c0 := a*sw - pl
		n := (b-1-a)*sw + 1
		if cap(tmp) < w+n {
			break // no room for the scratch row: scalar below
		}
		h := tmp[w : w+n]
		linalg.MaxUint8s(h, tmp[c0:], tmp[c0+1:])
		for k := 2; k < kw; k++ {
			linalg.MaxUint8s(h, h, tmp[c0+k:])
		}
		for ox := a; ox < b; ox++ {
			yr[ox] = h[(ox-a)*sw] ^ flip
		}
		a = b
	}
	switch {
	case a == b:
	case kw == 3:
		for ox := a; ox < b; ox++ {
			c := ox*sw - pl
			t := tmp[c : c+3 : c+3]
			yr[ox] = max(t[0], t[1], t[2]) ^ flip
		}
	case kw == 2:
		for ox := a; ox < b; ox++ {
			c := ox*sw - pl
			t := tmp[c : c+2 : c+2]
			yr[ox] = max(t[0], t[1]) ^ flip
		}
	default:
		for ox := a; ox < b; ox++ {
			c := ox*sw - pl
			m := tmp[c]
			for _, v := range tmp[c+1 : c+kw] {
				m = max(m, v)
			}
			yr[ox] = m ^ flip
		}
	}
	for ox := b; ox < len(yr); ox++ {
		yr[ox] = qpMaxEdge(tmp, ox*sw-pl, kw, w, flip) ^ flip
	}
}

// qpMaxEdge is the maximum of tmp over the window [c0, c0+kw) clipped to
// [0, w); a window wholly outside gives flip, which the caller's flip
// turns into 0 (MaxPool's value for an all-padding window).
func qpMaxEdge(tmp []uint8, c0, kw, w int, flip uint8) uint8 {
	c1 := min(c0+kw, w)
	c0 = max(c0, 0)
	if c0 >= c1 {
		return flip
	}
	m := tmp[c0]
	for _, v := range tmp[c0+1 : c1] {
		m = max(m, v)
	}
	return m
}

// qpXorBytes flips bits of every byte of d.
func qpXorBytes(d []uint8, bits uint8) {
	for i := range d {
		d[i] ^= bits
	}
}

const (
	qpHi8 = 0x8080808080808080
	qpLo8 = 0x0101010101010101
)

// qpMaxU64 is the bytewise unsigned maximum of a and b.
func qpMaxU64(a, b uint64) uint64 {
	// High bit of each byte of t: low 7 bits of b >= low 7 bits of a.
	t := (b | qpHi8) - (a &^ qpHi8)
	ge := ((b &^ a) | (^(a ^ b) & t)) & qpHi8 // b >= a per byte
	mask := (ge >> 7) * 0xFF
	return a ^ ((a ^ b) & mask)
}

// qpMaxBytes sets d[i] = max(d[i], s[i]) (unsigned order); with signed, s
// holds int8 bytes, flipped to unsigned order first.
func qpMaxBytes(d, s []uint8, signed bool) {
	if !signed {
		linalg.MaxUint8s(d, d, s)
		return
	}
	s = s[:len(d)]
	var flip uint64
	var fb uint8
	if signed {
		flip, fb = qpHi8, 0x80
	}
	i := 0
	for ; i+8 <= len(d); i += 8 {
		a := binary.LittleEndian.Uint64(d[i:])
		b := binary.LittleEndian.Uint64(s[i:]) ^ flip
		binary.LittleEndian.PutUint64(d[i:], qpMaxU64(a, b))
	}
	for ; i < len(d); i++ {
		d[i] = max(d[i], s[i]^fb)
	}
}

// qpBytes views int8 data as bytes.
func qpBytes(s []int8) []uint8 {
	return unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
