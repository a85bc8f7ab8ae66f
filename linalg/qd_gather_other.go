//go:build !amd64 || purego

package linalg

const qdGatherSIMD = false

func qdGather8K(dst, src *uint8, c *qdGChunk8, n int) { panic("linalg: no SIMD gather") }
