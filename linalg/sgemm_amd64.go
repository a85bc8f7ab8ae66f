//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd _gen && go generate"

var (
	sgemmAVX2Impl = &sgemmImpl{
		name: "avx2", mr: 6, nr: 16, kc: 256, mc: 144, nc: 2048,
		kernel: sgemmKernelAVX2,
	}
	sgemmAVX512Impl = &sgemmImpl{
		name: "avx512", mr: 8, nr: 32, kc: 256, mc: 192, nc: 2048,
		kernel: sgemmKernelAVX512,
	}
)

// x/sys/cpu honours GODEBUG (cpu.avx512f=off, cpu.all=off), so these
// flags already reflect what the user allowed.
func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sgemmUse(sgemmAVX2Impl)
	}
	if cpu.X86.HasAVX512F {
		sgemmUse(sgemmAVX512Impl)
	}
}
