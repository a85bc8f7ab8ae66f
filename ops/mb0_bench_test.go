package ops

import (
	"fmt"
	"testing"
)

// BenchmarkMb0F1 times MobileNetV2's first block (depthwise 32 →
// project 16 at 112x112) with its output recycled, as in a session.
func BenchmarkMb0F1(b *testing.B) {
	tc := mbCase{n: 1, c: 32, h: 112, w: 112, e: 32, m: 16, k: 3, stride: 1, dil: 1, act: "Clip"}
	n, in := mbMake(tc, 1)
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", th), func(b *testing.B) {
			k, err := mbNewBlock(n, 1)
			if err != nil {
				b.Fatal(err)
			}
			ctx := &Context{Node: n, Opset: 1, Threads: th, Arena: NewArena()}
			c0 := mbCPUTime()
			for b.Loop() {
				out, err := k.Run(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				ctx.Arena.Release(out[0])
			}
			// CPU time is steadier than wall time on a shared machine
			// (at 1 thread; at 2 it counts the workers' idle polling).
			b.ReportMetric(float64(mbCPUTime()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
