package ops

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// mbtThreadCPU returns the calling thread's CPU time in µs.
func mbtThreadCPU() float64 {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return float64(ts.Nano()) / 1000
}

// TestMbtTime compares the block paths on MobileNetV2's geometries,
// interleaved and by the fastest runs (the machine is shared): run with
// MBT_TIME=1 go test ./ops -run MbtTime -v.
func TestMbtTime(t *testing.T) {
	if os.Getenv("MBT_TIME") == "" {
		t.Skip("MBT_TIME not set")
	}
	blocks := []mbCase{
		{n: 1, c: 32, h: 28, w: 28, e: 192, m: 32, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 32, h: 28, w: 28, e: 192, m: 64, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 64, h: 14, w: 14, e: 384, m: 64, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 64, h: 14, w: 14, e: 384, m: 96, k: 3, stride: 1, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 96, h: 14, w: 14, e: 576, m: 96, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 96, h: 14, w: 14, e: 576, m: 160, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"},
		{n: 1, c: 160, h: 7, w: 7, e: 960, m: 160, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
		{n: 1, c: 160, h: 7, w: 7, e: 960, m: 320, k: 3, stride: 1, dil: 1, expand: true, act: "Clip"},
	}
	if os.Getenv("MBT_BIG") != "" {
		blocks = append(blocks,
			mbCase{n: 1, c: 24, h: 56, w: 56, e: 144, m: 24, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"},
			mbCase{n: 1, c: 24, h: 56, w: 56, e: 144, m: 32, k: 3, stride: 2, dil: 1, expand: true, act: "Clip"})
	}
	variants := []struct {
		name string
		set  func()
	}{
		{"bands", func() { mbtOff = true }},
		{"mbt", func() { mbtOff = false }},
	}
	defer func() { mbtOff = false; mbtMaxHW = 28 * 28 }()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mbtMaxHW = 56 * 56
	for _, th := range []int{1, 2} {
		for _, tc := range blocks {
			n, in := mbMake(tc, 1)
			k, err := mbNewBlock(n, 1)
			if err != nil {
				t.Fatal(err)
			}
			ctx := &Context{Node: n, Opset: 1, Threads: th, Arena: NewArena()}
			times := make([][]float64, len(variants))
			cpu := make([]float64, len(variants))
			for round := 0; round < 40; round++ {
				for vi, v := range variants {
					v.set()
					c0 := mbtThreadCPU()
					for r := 0; r < 10; r++ {
						t0 := time.Now()
						out, err := k.Run(ctx, in)
						if err != nil {
							t.Fatal(err)
						}
						times[vi] = append(times[vi], float64(time.Since(t0).Microseconds()))
						ctx.Arena.Release(out[0])
					}
					if c := mbtThreadCPU() - c0; round > 0 && (cpu[vi] == 0 || c < cpu[vi]) {
						cpu[vi] = c // the best round's caller-thread CPU time
					}
				}
			}
			line := fmt.Sprintf("t%d c%d h%d e%d m%d s%d:", th, tc.c, tc.h, tc.e, tc.m, tc.stride)
			for vi, v := range variants {
				ts := times[vi]
				slices.Sort(ts)
				line += fmt.Sprintf("  %s min %.0f med %.0f cpu %.0f", v.name, ts[0], ts[len(ts)/2], cpu[vi]/10)
			}
			t.Log(line)
		}
	}
}

// BenchmarkMbtBlock times one block for profiles: MBT_7 picks the 7x7
// one, MBT_28 the 28x28 one.
func BenchmarkMbtBlock(b *testing.B) {
	tc := mbCase{n: 1, c: 96, h: 14, w: 14, e: 576, m: 96, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"}
	if os.Getenv("MBT_7") != "" {
		tc = mbCase{n: 1, c: 160, h: 7, w: 7, e: 960, m: 160, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"}
	}
	if os.Getenv("MBT_28") != "" {
		tc = mbCase{n: 1, c: 32, h: 28, w: 28, e: 192, m: 32, k: 3, stride: 1, dil: 1, expand: true, residual: true, act: "Clip"}
	}
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprint("t", th), func(b *testing.B) {
			n, in := mbMake(tc, 1)
			k, _ := mbNewBlock(n, 1)
			ctx := &Context{Node: n, Opset: 1, Threads: th, Arena: NewArena()}
			for b.Loop() {
				out, _ := k.Run(ctx, in)
				ctx.Arena.Release(out[0])
			}
		})
	}
}
