//go:build !purego

package linalg

// q8tGemvVNNI512 is q8tGemvFn for qgemmKernVNNI512's packing (VPDPBUSD
// zmm, four k steps in flight).
//
//go:noescape
func q8tGemvVNNI512(a, b *byte, steps int, c *int32, rfix, cfix *int32, flags int)

func init() {
	if qhasAVX512VNNI { // qgemmVNNI512Impl.avail, set by an init that may run later
		q8tGemvFn, q8tGemvImpl = q8tGemvVNNI512, qgemmVNNI512Impl
	}
}
