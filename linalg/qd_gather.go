package linalg

// Byte gathers with a fixed offset pattern (nearest-neighbour Resize of
// 8-bit tensors: every output row reads the same column offsets from its
// source row).

// Gather8Plan is a prepared gather dst[j] = src[offs[j]].
type Gather8Plan struct {
	offs   []int32
	span   int         // max offset + 1: src must hold at least span bytes
	chunks []qdGChunk8 // SIMD form, nil when not available
}

// qdGChunk8 is 64 (or fewer, at the end) outputs whose sources lie in one
// 64-byte window: dst[c·64+i] = src[off+idx[i]]. The layout is read by
// assembly.
type qdGChunk8 struct {
	off   int64
	lmask uint64 // bytes of the window to load (within span)
	smask uint64 // outputs to store
	idx   [64]uint8
}

// NewGather8Plan prepares the gather of offs (all >= 0).
func NewGather8Plan(offs []int) *Gather8Plan {
	p := &Gather8Plan{offs: make([]int32, len(offs))}
	for i, o := range offs {
		p.offs[i] = int32(o)
		p.span = max(p.span, o+1)
	}
	if !qdGatherSIMD {
		return p
	}
	for c0 := 0; c0 < len(offs); c0 += 64 {
		c1 := min(len(offs), c0+64)
		lo, hi := offs[c0], offs[c0]
		for _, o := range offs[c0:c1] {
			lo, hi = min(lo, o), max(hi, o)
		}
		if hi-lo >= 64 {
			p.chunks = nil // a window cannot cover the chunk
			return p
		}
		ch := qdGChunk8{off: int64(lo)}
		n := c1 - c0
		ch.smask = ^uint64(0) >> (64 - n)
		ch.lmask = ^uint64(0) >> (64 - min(64, p.span-lo))
		for i, o := range offs[c0:c1] {
			ch.idx[i] = uint8(o - lo)
		}
		p.chunks = append(p.chunks, ch)
	}
	return p
}

// Len is the number of outputs.
func (p *Gather8Plan) Len() int { return len(p.offs) }

// Span is the number of source bytes the gather reads from.
func (p *Gather8Plan) Span() int { return p.span }

// Run sets dst[j] = src[offs[j]]; len(dst) >= Len() and len(src) >= Span().
func (p *Gather8Plan) Run(dst, src []uint8) {
	dst, src = dst[:len(p.offs)], src[:p.span]
	if len(p.chunks) > 0 {
		qdGather8K(&dst[0], &src[0], &p.chunks[0], len(p.chunks))
		return
	}
	for j, o := range p.offs {
		dst[j] = src[o]
	}
}
