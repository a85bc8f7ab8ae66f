package ops

import (
	"fmt"
	"math/rand"
	"syscall"
	"testing"
	"time"

	"github.com/qinfer/qinfer/tensor"
)

// q8BenchLayers are QLinearConv layers of ResNet-18 and MobileNetV2.
var q8BenchLayers = []struct {
	name                   string
	cin, cout, hw, k, s, p int
}{
	{"r18conv1_3x64_7x7s2_224", 3, 64, 224, 7, 2, 3},
	{"r18l1_64x64_3x3_56", 64, 64, 56, 3, 1, 1},
	{"r18l2_64x128_3x3s2_56", 64, 128, 56, 3, 2, 1},
	{"r18ds_64x128_1x1s2_56", 64, 128, 56, 1, 2, 0},
	{"r18l4_512x512_3x3_7", 512, 512, 7, 3, 1, 1},
	{"mnv2_16x96_1x1_112", 16, 96, 112, 1, 1, 0},
	{"mnv2_32x16_1x1_112", 32, 16, 112, 1, 1, 0},
	{"mnv2_144x24_1x1_56", 144, 24, 56, 1, 1, 0},
	{"mnv2_960x160_1x1_7", 960, 160, 7, 1, 1, 0},
}

// BenchmarkQ8Conv times the non-depthwise QLinearConv layers (u8 x s8,
// per-channel symmetric weights) on 1 and 2 threads, on the NCHW
// implicit-GEMM path and the older channels-last im2col one.
func BenchmarkQ8Conv(b *testing.B) {
	for _, l := range q8BenchLayers {
		r := rand.New(rand.NewSource(1))
		c := qwConvCase{n: 1, cin: l.cin, cout: l.cout, group: 1, in: []int{l.hw, l.hw}, kern: []int{l.k, l.k}, stride: l.s, pad: l.p, dil: 1,
			xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.002}
		in := qwConvInputs(r, c)
		in[5] = qwZP(tensor.Int8, []int{l.cout}, 128) // symmetric weights (int8 0)
		oh := (l.hw+2*l.p-l.k)/l.s + 1
		ops := float64(2 * l.cin * l.cout * l.k * l.k * oh * oh)
		for _, th := range []int{1, 2} {
			for _, nhwc := range []bool{true, false} {
				path := "nchw"
				if nhwc {
					path = "old-nhwc"
				}
				b.Run(fmt.Sprintf("%s/t%d/%s", l.name, th, path), func(b *testing.B) {
					defer func(old bool) { qwNHWC = old }(qwNHWC)
					qwNHWC = nhwc
					k, n := qwKernel(b, "", "QLinearConv", 10, c.attrs())
					// The session arena recycles the output, as in the runtime.
					ctx := &Context{Node: n, Opset: 21, Threads: th, Arena: NewArena()}
					run := func() {
						out, err := k.Run(ctx, in)
						if err != nil {
							b.Fatal(err)
						}
						ctx.Arena.Release(out[0])
					}
					run()
					b.ReportAllocs()
					t0 := q8CPU()
					for b.Loop() {
						run()
					}
					b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
					b.ReportMetric(float64(q8CPU()-t0)/1e3/float64(b.N), "cpu-us/op")
				})
			}
		}
	}
}

// q8CPU is the process's user+system CPU time (steadier than wall time on
// a shared machine).
func q8CPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
