package linalg

import (
	"math/rand"
	"testing"
)

// TestR18FillRows checks the SIMD row filler against its Go twin on odd
// widths (whole and partial 16-lane chunks) and border sizes, and that it
// writes nothing past the rows.
func TestR18FillRows(t *testing.T) {
	if r18FillRows == nil {
		t.Skip("no SIMD row filler on this CPU")
	}
	r := rand.New(rand.NewSource(4))
	for _, iw := range []int{1, 3, 7, 14, 15, 16, 17, 28, 31, 32, 33, 56, 63, 65, 257} {
		for _, x0 := range []int{0, 1, 3, 16} {
			for _, right := range []int{0, 1, 2, 16} {
				for _, rows := range []int{0, 1, 3, 7} {
					pw := x0 + iw + right
					src := sgemmRandom(r, rows*iw)
					want := sgemmRandom(r, rows*pw+5)
					got := append([]float32(nil), want...)
					r18FillRowsGeneric(want, src, rows, iw, pw, x0)
					r18FillRows(got[:rows*pw], src, rows, iw, pw, x0)
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("iw=%d x0=%d right=%d rows=%d: dst[%d] = %v, want %v", iw, x0, right, rows, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
