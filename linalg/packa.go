package linalg

import "sync/atomic"

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
}

// PackA packs the m×k row-major matrix a (row stride lda).
func PackA(m, k int, a []float32, lda int) *PackedA {
	sgemmCheckMat("A", m, k, a, lda)
	impl := kern.sgemm
	mr := impl.mr
	p := &PackedA{impl: impl, m: m, k: k, mpad: (m + mr - 1) / mr * mr}
	p.data = make([]float32, p.mpad*k)
	for pc := 0; pc < k; pc += impl.kc {
		kc := min(impl.kc, k-pc)
		sgemmPackA(mr, false, a, lda, 0, pc, m, kc, 1, p.data[pc*p.mpad:pc*p.mpad+kc*p.mpad])
	}
	return p
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
	return p.data[off : off+(mc+mr-1)/mr*kc*mr]
}

// kernel returns the implementation p was packed for, or the active one
// when p is nil.
func (p *PackedA) kernel() *sgemmImpl {
	if p == nil {
		return kern.sgemm
	}
	return p.impl
}
