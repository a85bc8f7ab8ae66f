package linalg

// SumU8 returns the sum of the bytes of x.
func SumU8(x []uint8) uint64 {
	return qdSumImpls[len(qdSumImpls)-1].fn(x)
}

type qdSumImpl struct {
	name string
	fn   func(x []uint8) uint64
}

// qdSumImpls lists the implementations this CPU runs, generic first; the
// last is used.
var qdSumImpls = []qdSumImpl{{"generic", qdSumGeneric}}

func qdSumGeneric(x []uint8) uint64 {
	var s uint64
	for _, v := range x {
		s += uint64(v)
	}
	return s
}
