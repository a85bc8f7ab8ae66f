//go:build !purego

package linalg

// sgemmKernelEpNEON computes the 8x8 tile at c (row stride ldc) from a
// packed A strip (k×8) and a packed B strip (k×8) with the fused output
// stage selected by flags: sgemmTileRef with mr=8, nr=8.
//
//go:noescape
func sgemmKernelEpNEON(k int, a, b, c *float32, ldc int, flags int, bias *float32, cst *float32)

// convKernelIndNEON computes the 8x8 tile at c (row stride ldc) from a
// packed A strip (k×8) and B rows of 8 values at byte offsets offs[0..k)
// from b, with the fused output stage selected by flags: convKernelIndRef
// with mr=8, nr=8.
//
//go:noescape
func convKernelIndNEON(k int, a, b *float32, offs *int, c *float32, ldc int, flags int, bias *float32, cst *float32)
