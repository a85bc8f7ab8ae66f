package linalg

// Element-wise maxima for pooling: the vertical pass of MaxPool takes the
// maximum of whole input rows, which vectorises.

// vmax is the table of active element-wise max kernels (generic twins,
// upgraded by vmax_amd64.go).
var vmax = struct {
	f32 func(dst, a, b []float32) // n a multiple of vmaxF32Step
	u8  func(dst, a, b []uint8)   // n a multiple of vmaxU8Step
	// steps: the lengths the fast kernels take in one go; tails run in Go.
	f32Step, u8Step int
}{maxFloat32sGeneric, maxUint8sGeneric, 1, 1}

// MaxFloat32s sets dst[i] = max(a[i], b[i]) for i < len(dst), with Go's
// max semantics (NaN if either is NaN). a and b need at least len(dst)
// elements; dst may alias a or b.
func MaxFloat32s(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	n := len(dst) / vmax.f32Step * vmax.f32Step
	if n > 0 {
		vmax.f32(dst[:n], a[:n], b[:n])
	}
	maxFloat32sGeneric(dst[n:], a[n:], b[n:])
}

// MaxUint8s sets dst[i] = max(a[i], b[i]) for i < len(dst). a and b need
// at least len(dst) elements; dst may alias a or b.
func MaxUint8s(dst, a, b []uint8) {
	a, b = a[:len(dst)], b[:len(dst)]
	n := len(dst) / vmax.u8Step * vmax.u8Step
	if n > 0 {
		vmax.u8(dst[:n], a[:n], b[:n])
	}
	maxUint8sGeneric(dst[n:], a[n:], b[n:])
}

// maxFloat32sGeneric is MaxFloat32s in Go, the twin of the SIMD kernels.
func maxFloat32sGeneric(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = max(a[i], b[i])
	}
}

// maxUint8sGeneric is MaxUint8s in Go, the twin of the SIMD kernels.
func maxUint8sGeneric(dst, a, b []uint8) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = max(a[i], b[i])
	}
}
