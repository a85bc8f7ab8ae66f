package linalg

// Byte lookup tables (qinfer.QLookup: one 256-entry table replaces a
// DequantizeLinear → elementwise op → QuantizeLinear chain).

// qdLookupImpl is one implementation of Lookup8 on a slice pair of equal
// length.
type qdLookupImpl struct {
	name string
	fn   func(dst, src []uint8, tab *[256]uint8)
}

// qdLookupImpls lists the implementations this CPU runs, generic first;
// the last one is used. Tests compare every entry with the generic one.
var qdLookupImpls = []qdLookupImpl{{"generic", qdLookupGeneric}}

// qdLookupChunk bounds one assembly call so a long slice does not hold
// off goroutine preemption.
const qdLookupChunk = 1 << 16

// Lookup8 sets dst[i] = tab[src[i]] for every i < len(src); dst must be at
// least as long as src.
func Lookup8(dst, src []uint8, tab *[256]uint8) {
	dst = dst[:len(src)]
	fn := qdLookupImpls[len(qdLookupImpls)-1].fn
	for len(src) > 0 {
		n := min(len(src), qdLookupChunk)
		fn(dst[:n], src[:n], tab)
		dst, src = dst[n:], src[n:]
	}
}

// Lookup8Kernel names the implementation Lookup8 uses.
func Lookup8Kernel() string { return qdLookupImpls[len(qdLookupImpls)-1].name }

func qdLookupGeneric(dst, src []uint8, tab *[256]uint8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = tab[v]
	}
}
