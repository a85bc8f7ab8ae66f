package linalg

import (
	"sync"
	"sync/atomic"
)

// PackedA is a left operand (e.g. convolution weights, m×k, not
// transposed, alpha 1) packed once into the layout the active SGEMM
// kernel reads, so repeated products skip packing it. It is immutable and
// safe for concurrent use. It stays bound to the kernel it was packed
// for.
type PackedA struct {
	impl *sgemmImpl
	m, k int
	mpad int                      // m rounded up to the kernel's mr
	data []float32                // per kc block of k: ceil(m/mr) strips of kc×mr
	ci   atomic.Pointer[ciPacked] // the direct-convolution repacking, made on first use
	wg   atomic.Pointer[wgPacked] // the Winograd weights (wg_conv.go), made on first use

	// A lazy PackedA (PackALazy) keeps its source and packs data on first
	// use, so weights that only the direct-convolution kernels read are
	// never held in both layouts.
	src  []float32
	lda  int
	once sync.Once
}

// PackA packs the m×k row-major matrix a (row stride lda).
func PackA(m, k int, a []float32, lda int) *PackedA {
	sgemmCheckMat("A", m, k, a, lda)
	impl := kern.sgemm
	mr := impl.mr
	p := &PackedA{impl: impl, m: m, k: k, mpad: (m + mr - 1) / mr * mr}
	p.pack(a, lda)
	return p
}

// PackALazy is PackA for a matrix that never changes afterwards (frozen
// weights): it keeps a and packs on first use, into the layout of the
// kernel that first reads it, so a matrix only the direct-convolution
// kernels read is never packed for the SGEMM kernels too.
func PackALazy(m, k int, a []float32, lda int) *PackedA {
	sgemmCheckMat("A", m, k, a, lda)
	impl := kern.sgemm
	mr := impl.mr
	return &PackedA{impl: impl, m: m, k: k, mpad: (m + mr - 1) / mr * mr, src: a, lda: lda}
}

func (p *PackedA) pack(a []float32, lda int) {
	impl := p.impl
	p.data = make([]float32, p.mpad*p.k)
	for pc := 0; pc < p.k; pc += impl.kc {
		kc := min(impl.kc, p.k-pc)
		sgemmPackA(impl.mr, false, a, lda, 0, pc, p.m, kc, 1, p.data[pc*p.mpad:pc*p.mpad+kc*p.mpad])
	}
}

// packed returns the SGEMM packing, making a lazy one's on first use.
func (p *PackedA) packed() []float32 {
	if p.src != nil {
		p.once.Do(func() { p.pack(p.src, p.lda) })
	}
	return p.data
}

// Rows returns m. Cols returns k.
func (p *PackedA) Rows() int { return p.m }

// Cols returns k, the reduction length.
func (p *PackedA) Cols() int { return p.k }

// block returns the packed strips of rows i0..i0+mc (i0 a multiple of mr)
// for the k block starting at pc (of depth kc).
func (p *PackedA) block(i0, pc, mc, kc int) []float32 {
	mr := p.impl.mr
	off := pc*p.mpad + i0/mr*kc*mr
	return p.packed()[off : off+(mc+mr-1)/mr*kc*mr]
}

// kernel returns the implementation p was packed for, or the active one
// when p is nil.
func (p *PackedA) kernel() *sgemmImpl {
	if p == nil {
		return kern.sgemm
	}
	return p.impl
}
