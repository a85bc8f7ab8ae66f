//go:build linux && !purego

package linalg

import (
	"fmt"
	"math/rand"
	"runtime"
	"syscall"
	"testing"
	"unsafe"
)

// The benchmarks here report GFLOP/s over the goroutine's thread CPU time
// (cpuGFLOP/s) as well as wall time: on a shared machine the wall clock
// mostly measures the other tenants.

// ciThreadCPU is the calling thread's CPU time in seconds.
func ciThreadCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkCiVs times ConvGemmPacked on ResNet-18 layers with the
// channel-vector tiles (ci) and with the pixel-vector kernel (ciOff).
func BenchmarkCiVs(b *testing.B) {
	for _, cs := range []struct {
		name                 string
		c, h, w, m, k, s, pd int
	}{
		{"l1_64x56", 64, 56, 56, 64, 3, 1, 1},
		{"l2_128x28", 128, 28, 28, 128, 3, 1, 1},
		{"l3_256x14", 256, 14, 14, 256, 3, 1, 1},
		{"l4_512x7", 512, 7, 7, 512, 3, 1, 1},
		{"stem", 3, 224, 224, 64, 7, 2, 3},
		{"s2_64to128", 64, 56, 56, 128, 3, 2, 1},
	} {
		oh := (cs.h+2*cs.pd-cs.k)/cs.s + 1
		ow := (cs.w+2*cs.pd-cs.k)/cs.s + 1
		g := ConvGeom{In: []int{cs.h, cs.w}, Kernel: []int{cs.k, cs.k}, Out: []int{oh, ow}, Stride: []int{cs.s, cs.s}, Dilation: []int{1, 1}, PadBegin: []int{cs.pd, cs.pd}}
		r := rand.New(rand.NewSource(1))
		kk := cs.c * cs.k * cs.k
		pw := PackA(cs.m, kk, sgemmRandom(r, cs.m*kk), kk)
		img := sgemmRandom(r, cs.c*cs.h*cs.w)
		out := make([]float32, cs.m*oh*ow)
		ep := &Epilogue{RowBias: sgemmRandom(r, cs.m), Act: ActRelu}
		flops := 2 * float64(cs.m*kk*oh*ow)
		for _, off := range []bool{false, true} {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/ciOff=%v/threads=%d", cs.name, off, th), func(b *testing.B) {
					ciOff = off
					defer func() { ciOff = false }()
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					t0 := ciThreadCPU()
					for b.Loop() {
						ConvGemmPacked(th, pw, img, cs.c, g, out, ep)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					if th == 1 {
						b.ReportMetric(flops*float64(b.N)/(ciThreadCPU()-t0)/1e9, "cpuGFLOP/s")
					}
				})
			}
		}
	}
}

// BenchmarkCiL4Cold is the ResNet-18 stage-4 conv with 8 weight sets in
// rotation (75 MB), so that weights stream from memory as in the model.
func BenchmarkCiL4Cold(b *testing.B) {
	const c, h, m = 512, 7, 512
	g := ConvGeom{In: []int{h, h}, Kernel: []int{3, 3}, Out: []int{h, h}, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadBegin: []int{1, 1}}
	r := rand.New(rand.NewSource(1))
	kk := c * 9
	var pws []*PackedA
	for range 8 {
		pws = append(pws, PackA(m, kk, sgemmRandom(r, m*kk), kk))
	}
	img := sgemmRandom(r, c*h*h)
	out := make([]float32, m*h*h)
	ep := &Epilogue{RowBias: sgemmRandom(r, m), Act: ActRelu}
	flops := 2 * float64(m*kk*h*h)
	for _, off := range []bool{false, true} {
		b.Run(fmt.Sprintf("ciOff=%v", off), func(b *testing.B) {
			ciOff = off
			defer func() { ciOff = false }()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			t0 := ciThreadCPU()
			i := 0
			for b.Loop() {
				ConvGemmPacked(1, pws[i%8], img, c, g, out, ep)
				i++
			}
			b.ReportMetric(flops*float64(b.N)/(ciThreadCPU()-t0)/1e9, "cpuGFLOP/s")
		})
	}
}

// BenchmarkCiTile times the 64-channel tile kernels alone on L1-resident
// data (k=96), plain and with the final transpose-and-store stage, next to
// the register-only FMA peak.
func BenchmarkCiTile(b *testing.B) {
	if ciKerns == nil {
		b.Skip("no tile kernels on this CPU")
	}
	const k = 96
	w := make([]float32, k*64)
	x := make([]float32, 4096)
	offs := make([]int, k)
	for s := range offs {
		offs[s] = 4 * (s * 37 % 3000)
	}
	acc := make([]float32, ciMaxP*64)
	c := make([]float32, 64*64)
	var cst ciConsts
	cst.set(0, 6)
	for p := 1; p <= ciMaxP; p++ {
		for _, fin := range []int{0, ciFinal} {
			b.Run(fmt.Sprintf("p=%d/final=%v", p, fin != 0), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				t0 := ciThreadCPU()
				for b.Loop() {
					for range 100 {
						ciKerns[3][p-1](k, &w[0], &x[0], &offs[0], &acc[0], kfLoad|fin, &c[0], 64, nil, nil, &cst.v[0], uintptr(unsafe.Pointer(&w[0])))
					}
				}
				b.ReportMetric(float64(2*p*64*k*100)*float64(b.N)/(ciThreadCPU()-t0)/1e9, "cpuGFLOP/s")
			})
		}
	}
	if len(sgemmPeaks) > 0 {
		p := sgemmPeaks[len(sgemmPeaks)-1]
		b.Run("peak/"+p.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			t0 := ciThreadCPU()
			for b.Loop() {
				p.run(1 << 16)
			}
			b.ReportMetric(float64(p.flops)*(1<<16)*float64(b.N)/(ciThreadCPU()-t0)/1e9, "cpuGFLOP/s")
		})
	}
}
