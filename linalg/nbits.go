// int4 block-quantized GEMM (ONNX Runtime MatMulNBits): weights packed once
// by QNBitsPack, then QNBitsGemm. QNBitsDequantize + QNBitsGemmRef define
// the result.

package linalg

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// ErrQNBitsUnsupported is returned by QNBitsPack for layouts the fast int4
// kernels do not handle (Bits other than 4); callers fall back to
// QNBitsDequantize.
var ErrQNBitsUnsupported = errors.New("linalg: QNBits layout not supported by the packed kernels")

// nbitsGroup is the number of columns one kernel call covers.
const nbitsGroup = 16

// nbitsImpl is one int4 block kernel set. f32 is the float path (A stays
// float32); i8 the integer path (A quantized to int8 per block,
// accuracy_level 4), nil when unavailable. half: f32 covers 8 columns and
// is called twice per group.
type nbitsImpl struct {
	name  string
	f32   func(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32)
	i8    func(a unsafe.Pointer, b *byte, s, zs, ascale, asum *float32, blocks, bs int, out *float32)
	half  bool
	avail bool
}

var (
	nbitsGenericImpl = &nbitsImpl{name: "generic", f32: nbitsKernF32Generic, i8: nbitsKernI8Generic, avail: true}
	// nbitsImpls lists every int4 implementation, slowest first.
	nbitsImpls = []*nbitsImpl{nbitsGenericImpl}
)

func nbitsUse(name string) (restore func(), ok bool) {
	old := qkern.nbits
	for _, im := range nbitsImpls {
		if im.name == name && im.avail {
			qkern.nbits = im
			return func() { qkern.nbits = old }, true
		}
	}
	return func() {}, false
}

// QNBitsPacked is a MatMulNBits weight (4 bits) repacked for the int4
// kernels: groups of 16 columns, per 8 k 64 bytes (byte 4j+t holds k=8o+t
// in its low nibble and k=8o+4+t in its high nibble, column j), with
// per-group scales and scale·zero-point products as [block][16] float32.
// Build it once per weight; it is read-only afterwards.
type QNBitsPacked struct {
	L      QNBitsLayout
	groups int
	kp     int // K rounded up to whole blocks
	data   []byte
	s, zs  []float32
}

// QNBitsPack repacks ONNX Runtime MatMulNBits weights (see QNBitsLayout,
// QNBitsDequantize: b, scales and either packed zpPacked or float zpFloat
// zero points, both nil for the default 2^(Bits-1)). Only Bits == 4 is
// supported (ErrQNBitsUnsupported otherwise); g_idx is not: callers with
// g_idx use QNBitsDequantize.
func QNBitsPack(l QNBitsLayout, b []uint8, scales []float32, zpPacked []uint8, zpFloat []float32) (*QNBitsPacked, error) {
	if err := l.Check(); err != nil {
		return nil, err
	}
	if l.Bits != 4 {
		return nil, fmt.Errorf("%w: %d bits", ErrQNBitsUnsupported, l.Bits)
	}
	nb, blob, zb := l.Blocks(), l.BlobBytes(), l.ZeroPointBytes()
	switch {
	case len(b) < l.N*nb*blob:
		return nil, fmt.Errorf("linalg: QNBits B has %d bytes, want %d", len(b), l.N*nb*blob)
	case len(scales) < l.N*nb:
		return nil, fmt.Errorf("linalg: QNBits has %d scales, want %d", len(scales), l.N*nb)
	case zpPacked != nil && len(zpPacked) < l.N*zb:
		return nil, fmt.Errorf("linalg: QNBits has %d zero point bytes, want %d", len(zpPacked), l.N*zb)
	case zpFloat != nil && len(zpFloat) < l.N*nb:
		return nil, fmt.Errorf("linalg: QNBits has %d float zero points, want %d", len(zpFloat), l.N*nb)
	}
	groups := (l.N + nbitsGroup - 1) / nbitsGroup
	kp := nb * l.BlockSize
	pk := &QNBitsPacked{L: l, groups: groups, kp: kp,
		data: make([]byte, groups*kp/8*64),
		s:    make([]float32, groups*nb*nbitsGroup),
		zs:   make([]float32, groups*nb*nbitsGroup)}
	for n := 0; n < l.N; n++ {
		g, j := n/nbitsGroup, n%nbitsGroup
		col := b[n*nb*blob : (n+1)*nb*blob]
		gd := pk.data[g*kp/8*64:]
		for k := 0; k < l.K; k++ {
			q := byte(qnbitsGet(col, k, 4))
			o, t := k/8, k%8
			if t < 4 {
				gd[o*64+4*j+t] |= q
			} else {
				gd[o*64+4*j+t-4] |= q << 4
			}
		}
		for blk := 0; blk < nb; blk++ {
			zp := float32(8)
			switch {
			case zpPacked != nil:
				zp = float32(qnbitsGet(zpPacked[n*zb:(n+1)*zb], blk, 4))
			case zpFloat != nil:
				zp = zpFloat[n*nb+blk]
			}
			s := scales[n*nb+blk]
			pk.s[(g*nb+blk)*nbitsGroup+j] = s
			pk.zs[(g*nb+blk)*nbitsGroup+j] = s * zp
		}
	}
	return pk, nil
}

// QNBits accuracy levels accepted by QNBitsGemm (ONNX Runtime's
// accuracy_level attribute): QNBitsAccF32 keeps A in float32;
// QNBitsAccInt8 quantizes A to int8 per block (symmetric, round half to
// even) and uses integer dot products.
const (
	QNBitsAccF32  = 0
	QNBitsAccInt8 = 4
)

// QNBitsGemm computes C (m×N, leading dimension ldc) = A (m×K, lda) · Wᵀ +
// bias with W the dequantized packed weight (as QNBitsDequantize), bias nil
// or N values. accuracy is QNBitsAccF32 or QNBitsAccInt8 (any other value
// means F32; Int8 falls back to F32 where the CPU lacks an int8 kernel).
// Results match QNBitsGemmRef up to float32 summation order (and, for
// Int8, A's quantization). threads goroutines split the columns.
func QNBitsGemm(threads, m int, a []float32, lda int, pk *QNBitsPacked, bias []float32, c []float32, ldc int, accuracy int) {
	l := pk.L
	n, k := l.N, l.K
	switch {
	case m < 0:
		panic("linalg: QNBitsGemm negative m")
	case m > 0 && k > 0 && (lda < k || len(a) < (m-1)*lda+k):
		panic(fmt.Sprintf("linalg: QNBitsGemm A has %d values, lda %d, want %d×%d", len(a), lda, m, k))
	case m > 0 && n > 0 && (ldc < n || len(c) < (m-1)*ldc+n):
		panic(fmt.Sprintf("linalg: QNBitsGemm C has %d values, ldc %d, want %d×%d", len(c), ldc, m, n))
	case bias != nil && len(bias) < n:
		panic(fmt.Sprintf("linalg: QNBitsGemm has %d bias values, want %d", len(bias), n))
	}
	if m == 0 || n == 0 {
		return
	}
	im := qkern.nbits
	useI8 := accuracy == QNBitsAccInt8 && im.i8 != nil
	// Prepare A once: padded rows, per-block sums (and scales for int8).
	nb := l.Blocks()
	ap := nbitsPrepPool.Get().(*nbitsPrep)
	defer nbitsPrepPool.Put(ap)
	ap.prepare(m, a, lda, k, pk.kp, l.BlockSize, useI8)
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if w := m * n * k >> 20; w < threads {
		threads = max(w, 1)
	}
	threads = min(threads, pk.groups)
	run := func(g0, g1 int) {
		var out [nbitsGroup]float32
		for g := g0; g < g1; g++ {
			bd := pk.data[g*pk.kp/8*64:]
			s, zs := &pk.s[g*nb*nbitsGroup], &pk.zs[g*nb*nbitsGroup]
			for i := 0; i < m; i++ {
				var aptr unsafe.Pointer
				var asc *float32
				kern := im.f32
				if useI8 {
					kern, aptr, asc = im.i8, unsafe.Pointer(&ap.a8[i*pk.kp]), &ap.ascale[i*nb]
				} else {
					aptr = unsafe.Pointer(&ap.af[i*pk.kp])
				}
				if im.half && !useI8 {
					kern(aptr, &bd[0], s, zs, asc, &ap.asum[i*nb], nb, l.BlockSize, &out[0])
					kern(aptr, &bd[32], (*float32)(unsafe.Add(unsafe.Pointer(s), 32)), (*float32)(unsafe.Add(unsafe.Pointer(zs), 32)), asc, &ap.asum[i*nb], nb, l.BlockSize, &out[8])
				} else {
					kern(aptr, &bd[0], s, zs, asc, &ap.asum[i*nb], nb, l.BlockSize, &out[0])
				}
				j0 := g * nbitsGroup
				crow := c[i*ldc+j0 : i*ldc+min(j0+nbitsGroup, n)]
				for j := range crow {
					v := out[j]
					if bias != nil {
						v += bias[j0+j]
					}
					crow[j] = v
				}
			}
		}
	}
	if threads <= 1 {
		run(0, pk.groups)
		return
	}
	per := (pk.groups + threads - 1) / threads
	parallel((pk.groups+per-1)/per, func(i int) {
		run(i*per, min((i+1)*per, pk.groups))
	})
}

// nbitsPrep holds A prepared for the kernels: af (float path) or a8 and
// ascale (int8 path) per row padded to kp, and per-block sums asum
// (Σ a, or ascale·Σ a8).
type nbitsPrep struct {
	af     []float32
	a8     []int8
	ascale []float32
	asum   []float32
}

var nbitsPrepPool = sync.Pool{New: func() any { return new(nbitsPrep) }}

func (p *nbitsPrep) prepare(m int, a []float32, lda, k, kp, bs int, i8 bool) {
	nb := kp / bs
	p.asum = qgrow(p.asum, m*nb)
	if !i8 {
		p.af = qgrow(p.af, m*kp)
		for i := 0; i < m; i++ {
			row := p.af[i*kp : (i+1)*kp]
			copy(row, a[i*lda:i*lda+k])
			clear(row[k:])
			for blk := 0; blk < nb; blk++ {
				var s float32
				for _, v := range row[blk*bs : (blk+1)*bs] {
					s += v
				}
				p.asum[i*nb+blk] = s
			}
		}
		return
	}
	p.a8 = qgrow(p.a8, m*kp)
	p.ascale = qgrow(p.ascale, m*nb)
	for i := 0; i < m; i++ {
		src := a[i*lda : i*lda+k]
		for blk := 0; blk < nb; blk++ {
			lo, hi := blk*bs, min((blk+1)*bs, k)
			dst := p.a8[i*kp+blk*bs : i*kp+(blk+1)*bs]
			var amax float32
			if lo < hi {
				for _, v := range src[lo:hi] {
					amax = max(amax, float32(math.Abs(float64(v))))
				}
			}
			sc := amax / 127
			var sum int32
			if sc == 0 || sc != sc || math.IsInf(float64(sc), 0) {
				clear(dst)
				sc = 0
			} else {
				inv := 1 / sc
				for t := range dst {
					var q int8
					if lo+t < hi {
						q = int8(max(-127, min(127, math.RoundToEven(float64(src[lo+t]*inv)))))
					}
					dst[t] = q
					sum += int32(q)
				}
			}
			p.ascale[i*nb+blk] = sc
			p.asum[i*nb+blk] = sc * float32(sum)
		}
	}
}

// Kernel returns the name of the int4 kernels in use.
func (pk *QNBitsPacked) Kernel() string { return qkern.nbits.name }
