//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

func init() {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512DQ || !cpu.X86.HasAVX512VL {
		return
	}
	r18sCiS2 = &ciTable{3: {r18sCiS2P1N4, r18sCiS2P2N4, r18sCiS2P3N4, r18sCiS2P4N4, r18sCiS2P5N4, r18sCiS2P6N4}}
}

// The stride-2 tile kernels (r18s_ci_amd64.s): ciKernP{p}N4 reading
// pixel j's input at byte offset offs[s]+8j.

//go:noescape
func r18sCiS2P1N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

//go:noescape
func r18sCiS2P2N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

//go:noescape
func r18sCiS2P3N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

//go:noescape
func r18sCiS2P4N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

//go:noescape
func r18sCiS2P5N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)

//go:noescape
func r18sCiS2P6N4(k int, w *float32, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias *float32, res *float32, cst *int32, pf uintptr)
