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

// TestR18FillRows2 is TestR18FillRows for the stride-2 filler, with
// source rows 2n-1 values apart at the tightest (nothing read past them).
func TestR18FillRows2(t *testing.T) {
	if r18FillRows2 == nil {
		t.Skip("no SIMD row filler on this CPU")
	}
	r := rand.New(rand.NewSource(5))
	for _, n := range []int{1, 2, 3, 7, 15, 16, 17, 28, 31, 32, 33, 56, 65, 115} {
		for _, x0 := range []int{0, 1, 16} {
			for _, right := range []int{0, 1, 16} {
				for _, rows := range []int{0, 1, 3} {
					for _, extra := range []int{0, 1, 9} {
						sstride := 2*n - 1 + extra
						pw := x0 + n + right
						src := sgemmRandom(r, max(0, (rows-1)*sstride+2*n-1))
						want := sgemmRandom(r, rows*pw+5)
						got := append([]float32(nil), want...)
						r18FillRows2Generic(want, src, rows, n, pw, x0, sstride)
						r18FillRows2(got[:rows*pw], src, rows, n, pw, x0, sstride)
						for i := range want {
							if got[i] != want[i] {
								t.Fatalf("n=%d x0=%d right=%d rows=%d stride=%d: dst[%d] = %v, want %v", n, x0, right, rows, sstride, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
