//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

var qdGatherSIMD = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI

// qdGather8K runs n chunks: masked 64-byte window load, VPERMB, masked
// store of 64 outputs per chunk. Requires AVX512F, BW, VBMI.
//
//go:noescape
func qdGather8K(dst, src *uint8, c *qdGChunk8, n int)
