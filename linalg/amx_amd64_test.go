//go:build !purego

package linalg

import (
	"fmt"
	"testing"
)

// BenchmarkAMXKernel compares the AMX and AVX-512 VNNI fused kernels on
// one 32-column panel of M rows × K (the weights of conv layers; B stays
// in L1/L2 as in the convolution).
func BenchmarkAMXKernel(b *testing.B) {
	for _, s := range []struct{ m, k int }{{64, 576}, {128, 1152}, {256, 2304}, {512, 4608}, {96, 16}, {960, 160}} {
		chunks := (s.k + 63) / 64
		steps := (s.k + 3) / 4
		a := make([]byte, s.m*64*chunks)
		bp := make([]byte, 2048*chunks)
		y := make([]byte, s.m*qNR)
		rowc := make([]int32, s.m)
		mult := make([]float32, s.m)
		tile := make([]int32, 2*amxMR*qNR)
		segs := [amxMaxSeg]amxSeg{{mask: ^uint32(0)}}
		one := [1]int{1}
		for i := range a {
			a[i] = byte(i * 7)
		}
		for i := range bp {
			bp[i] = byte(i * 13)
		}
		for i := range mult {
			mult[i] = 1e-3
		}
		ops := float64(2 * s.m * s.k * qNR)
		if amxReady() {
			b.Run(fmt.Sprintf("m%d_k%d/amx", s.m, s.k), func(b *testing.B) {
				t0 := q8CPUTime()
				for b.Loop() {
					amxKernConvS8(&a[0], 64*chunks, &bp[0], chunks, &y[0], qNR, &rowc[0], &mult[0], s.m/amxMR, 128, -128, 127, &tile[0], &amxCfg[0], &segs[0], &one[0], s.m, 1, 0, false)
				}
				b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
				b.ReportMetric(ops*float64(b.N)/(q8CPUTime()-t0).Seconds()/1e9, "cpu-GOP/s")
			})
		}
		if qhasAVX512VNNI {
			b.Run(fmt.Sprintf("m%d_k%d/vnni512", s.m, s.k), func(b *testing.B) {
				t0 := q8CPUTime()
				for b.Loop() {
					q8KernVNNI512(&a[0], 4*steps, &bp[0], steps, &y[0], qNR, &rowc[0], &mult[0], s.m/q8FusedMR, 128, -128, 127)
				}
				b.ReportMetric(ops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
				b.ReportMetric(ops*float64(b.N)/(q8CPUTime()-t0).Seconds()/1e9, "cpu-GOP/s")
			})
		}
	}
}

// BenchmarkAMXCallOverhead times a kernel call with no blocks (tile
// configuration and release only).
func BenchmarkAMXCallOverhead(b *testing.B) {
	if !amxReady() {
		b.Skip("no AMX")
	}
	var y [64]byte
	rowc := make([]int32, 32)
	mult := make([]float32, 32)
	tile := make([]int32, 2*amxMR*qNR)
	bp := make([]byte, 2048)
	a := make([]byte, 64*32)
	segs := [amxMaxSeg]amxSeg{{mask: ^uint32(0)}}
	one := [1]int{1}
	for _, nb := range []int{0, 1} {
		b.Run(fmt.Sprint(nb), func(b *testing.B) {
			for b.Loop() {
				amxKernConvS8(&a[0], 64, &bp[0], 1, &y[0], 0, &rowc[0], &mult[0], nb, 0, 0, 0, &tile[0], &amxCfg[0], &segs[0], &one[0], 0, 1, 0, false)
			}
		})
	}
}
