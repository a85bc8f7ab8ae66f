package linalg

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestQ8MaxPoolPlanes checks Q8MaxPoolPlanes against a direct window
// maximum (taps outside the image skipped) on odd sizes, strides,
// kernels and pads, uint8 and int8.
func TestQ8MaxPoolPlanes(t *testing.T) {
	if q8MaxTapsFn == nil || q8PadFn == nil {
		t.Skip("no assembly")
	}
	r := rand.New(rand.NewSource(13))
	for _, hw := range []int{1, 2, 3, 7, 17, 63, 64, 65, 112, 130} {
		for _, k := range []int{1, 2, 3} {
			for _, s := range []int{1, 2} {
				for p := 0; p < k; p++ {
					for _, signed := range []bool{false, true} {
						H, W := hw, hw+r.Intn(3)
						OH, OW := (H+2*p-k)/s+1, (W+2*p-k)/s+1
						if OH < 1 || OW < 1 {
							continue
						}
						n := 3
						x := qFill[uint8](r, n*H*W, true)
						want := make([]byte, n*OH*OW)
						for c := 0; c < n; c++ {
							for oh := 0; oh < OH; oh++ {
								for ow := 0; ow < OW; ow++ {
									best := -1000
									for kh := 0; kh < k; kh++ {
										for kw := 0; kw < k; kw++ {
											ih, iw := oh*s-p+kh, ow*s-p+kw
											if ih < 0 || ih >= H || iw < 0 || iw >= W {
												continue
											}
											v := int(x[c*H*W+ih*W+iw])
											if signed {
												v = int(int8(v))
											}
											best = max(best, v)
										}
									}
									want[c*OH*OW+oh*OW+ow] = byte(best)
								}
							}
						}
						got := make([]byte, n*OH*OW+1)
						got[n*OH*OW] = 0xee
						name := fmt.Sprintf("hw=%d k=%d s=%d p=%d signed=%v", hw, k, s, p, signed)
						if !Q8MaxPoolPlanes(x, got, 0, n, H, W, OH, OW, k, k, s, s, p, p, signed) {
							t.Fatalf("%s: refused", name)
						}
						for i := range want {
							if got[i] != want[i] {
								t.Fatalf("%s: y[%d] = %d, want %d", name, i, got[i], want[i])
							}
						}
						if got[n*OH*OW] != 0xee {
							t.Fatalf("%s: wrote past the end", name)
						}
					}
				}
			}
		}
	}
}
