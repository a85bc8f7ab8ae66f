package linalg

import (
	"fmt"
	"math/rand"
	"testing"
)

// BenchmarkQ8Depthwise compares Q8Depthwise with DepthwiseConv2DQPlanes
// on the MobileNetV2 depthwise layers (3×3, pad 1; one image, one thread).
func BenchmarkQ8Depthwise(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, l := range []struct{ c, hw, s int }{{32, 112, 1}, {96, 112, 2}, {144, 56, 1}, {144, 56, 2}, {192, 28, 1}, {384, 14, 1}, {960, 7, 1}} {
		o := (l.hw+2-3)/l.s + 1
		g := Q8ConvGeom{C: 1, H: l.hw, W: l.hw, KH: 3, KW: 3, SH: l.s, SW: l.s, PH: 1, PW: 1, DH: 1, DW: 1, OH: o, OW: o}
		x := qFill[uint8](r, l.c*l.hw*l.hw, false)
		w := make([]int32, l.c*9)
		for i := range w {
			w[i] = int32(r.Intn(255) - 127)
		}
		bias := make([]int32, l.c)
		mult := make([]float32, l.c)
		for i := range mult {
			mult[i] = 1e-3
		}
		y := make([]uint8, l.c*o*o)
		d := [12]int{l.hw, l.hw, 3, 3, o, o, l.s, l.s, 1, 1, 1, 1}
		lg := ConvGeom{In: d[0:2], Kernel: d[2:4], Out: d[4:6], Stride: d[6:8], Dilation: d[8:10], PadBegin: d[10:12]}
		for _, impl := range []string{"q8", "dwk"} {
			if impl == "q8" && !Q8DepthwiseOK(&g) {
				continue
			}
			b.Run(fmt.Sprintf("c%d_%d_s%d/%s", l.c, l.hw, l.s, impl), func(b *testing.B) {
				t0 := q8CPUTime()
				for b.Loop() {
					if impl == "q8" {
						Q8Depthwise(y, x, l.c, &g, w, 128, bias, mult, 128)
					} else {
						DepthwiseConv2DQPlanes(y, x, 128, w, bias, mult, 128, l.c, lg)
					}
				}
				b.ReportMetric(float64(q8CPUTime()-t0)/1e3/float64(b.N), "cpu-us/op")
			})
		}
	}
}
