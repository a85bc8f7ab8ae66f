package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestR18sPoolT checks the channels-last pool kernel against its Go twin
// on odd pixel counts, every channel width, NaN, ±Inf and the clamps.
func TestR18sPoolT(t *testing.T) {
	for _, nw := range []int{16, 32, 48, 64} {
		for _, n := range []int{1, 3, 7, 15, 16, 17, 33, 56, 63, 65} {
			name := fmt.Sprintf("nw=%d/n=%d", nw, n)
			r := rand.New(rand.NewSource(int64(nw*1000 + n)))
			cs := nw + 16*(n%2) // columns further apart than one pixel
			rows := make([][]float32, 3)
			for i := range rows {
				rows[i] = sgemmRandom(r, (2*n+1)*cs)
			}
			rows[1][5] = float32(math.NaN())
			rows[2][cs+3] = float32(math.Inf(1))
			rows[0][2*cs+7] = float32(math.Inf(-1))
			rows[2][(2*n)*cs+nw-1] = float32(math.NaN())
			bias := sgemmRandom(r, nw)
			ystride := n + 5
			for _, cl := range [][2]float32{{float32(math.Inf(-1)), float32(math.Inf(1))}, {0, float32(math.Inf(1))}, {-0.25, 0.5}} {
				want := make([]float32, nw*ystride)
				got := make([]float32, nw*ystride)
				for i := range want {
					want[i], got[i] = 7, 7
				}
				r18sPoolTGeneric(want, ystride, rows[0], rows[1], rows[2], cs, n, nw, bias, cl[0], cl[1])
				r18sPoolT(got, ystride, rows[0], rows[1], rows[2], cs, n, nw, bias, cl[0], cl[1])
				for i := range want {
					if !(want[i] == got[i] || math.IsNaN(float64(want[i])) && math.IsNaN(float64(got[i]))) {
						t.Fatalf("%s clamp %v: y[%d] (channel %d, pixel %d) = %v, want %v", name, cl, i, i/ystride, i%ystride, got[i], want[i])
					}
				}
			}
		}
	}
}
