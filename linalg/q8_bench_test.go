package linalg

import (
	"fmt"
	"math/rand"
	"syscall"
	"testing"
	"time"
)

// q8CPUTime is the process's user+system CPU time: on a shared machine it
// tracks the work done better than wall time.
func q8CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQ8Conv times one image of Q8ConvPrepare + Run on one thread
// (u8 activations, s8 symmetric weights, u8 output).
func BenchmarkQ8Conv(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, l := range []struct{ c, m, hw, k, s, p int }{
		{16, 96, 112, 1, 1, 0}, {32, 16, 112, 1, 1, 0}, {96, 24, 56, 1, 1, 0}, {24, 144, 56, 1, 1, 0}, {144, 24, 56, 1, 1, 0}, {32, 192, 28, 1, 1, 0}, {64, 384, 14, 1, 1, 0}, {96, 24, 80, 3, 1, 1}, {96, 48, 40, 3, 1, 1}, {48, 96, 40, 1, 1, 0}, {384, 96, 20, 1, 1, 0}, {160, 960, 7, 1, 1, 0}, {960, 160, 7, 1, 1, 0}, {64, 64, 56, 3, 1, 1}, {64, 128, 56, 3, 2, 1}, {512, 512, 7, 3, 1, 1}, {3, 64, 224, 7, 2, 3},
	} {
		o := (l.hw+2*l.p-l.k)/l.s + 1
		g := Q8ConvGeom{C: l.c, H: l.hw, W: l.hw, KH: l.k, KW: l.k, SH: l.s, SW: l.s, PH: l.p, PW: l.p, DH: 1, DW: 1, OH: o, OW: o}
		K := l.c * l.k * l.k
		x := qFill[uint8](r, l.c*l.hw*l.hw, false)
		w := qFill[int8](r, l.m*K, false)
		y := make([]uint8, l.m*o*o)
		mult := make([]float32, l.m)
		for i := range mult {
			mult[i] = 1e-3
		}
		for _, mode := range []int{2, 1} {
			old := amxMode
			amxMode = mode
			pw := Q8PackConvWeights(l.m, K, w, nil)
			amxMode = old
			b.Run(fmt.Sprintf("c%d_m%d_%d_k%d_s%d/%s", l.c, l.m, l.hw, l.k, l.s, pw.Kernel()), func(b *testing.B) {
				var job Q8ConvJob
				b.ReportAllocs()
				t0 := q8CPUTime()
				for b.Loop() {
					Q8ConvPrepare(&job, &g, x, 128, pw, nil, mult, 128, y)
					job.Fill(0, job.Channels())
					job.Run(0, job.Panels())
					job.Release()
				}
				b.ReportMetric(float64(2*l.m*K*o*o)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
				b.ReportMetric(float64(q8CPUTime()-t0)/1e3/float64(b.N), "cpu-us/op")
			})
		}
	}
}

// BenchmarkQ8ConvPrepare times building the padded phase image alone.
func BenchmarkQ8ConvPrepare(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, l := range []struct{ c, hw, k, s, p int }{{64, 56, 3, 1, 1}, {64, 56, 3, 2, 1}, {512, 7, 3, 1, 1}, {3, 224, 7, 2, 3}} {
		o := (l.hw+2*l.p-l.k)/l.s + 1
		g := Q8ConvGeom{C: l.c, H: l.hw, W: l.hw, KH: l.k, KW: l.k, SH: l.s, SW: l.s, PH: l.p, PW: l.p, DH: 1, DW: 1, OH: o, OW: o}
		K := l.c * l.k * l.k
		x := qFill[uint8](r, l.c*l.hw*l.hw, false)
		pw := Q8PackConvWeights(8, K, qFill[int8](r, 8*K, false), nil)
		y := make([]uint8, 8*o*o)
		mult := make([]float32, 8)
		b.Run(fmt.Sprintf("c%d_%d_k%d_s%d", l.c, l.hw, l.k, l.s), func(b *testing.B) {
			var job Q8ConvJob
			t0 := q8CPUTime()
			for b.Loop() {
				Q8ConvPrepare(&job, &g, x, 128, pw, nil, mult, 128, y)
				job.Fill(0, job.Channels())
				job.Release()
			}
			b.ReportMetric(float64(q8CPUTime()-t0)/1e3/float64(b.N), "cpu-us/op")
		})
	}
}
