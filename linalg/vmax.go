package linalg

// Element-wise maxima for pooling: the vertical pass of MaxPool takes the
// maximum of whole input rows, which vectorises.

// vmax is the table of active element-wise max kernels (generic twins,
// upgraded by vmax_amd64.go).
var vmax = struct {
	f32 func(dst, a, b []float32) // n a multiple of vmaxF32Step
	u8  func(dst, a, b []uint8)   // n a multiple of vmaxU8Step
	// pool3s2 is MaxPoolRow3S2 (len(y) >= 1, rows checked).
	pool3s2 func(y, r0, r1, r2 []float32)
	// steps: the lengths the fast kernels take in one go; tails run in Go.
	f32Step, u8Step int
}{maxFloat32sGeneric, maxUint8sGeneric, maxPoolRow3S2Generic, 1, 1}

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

// MaxPoolRow3S2 computes one output row of a 3x3, stride-2 max pooling
// from its three input rows, all inside the image: y[j] is the maximum of
// r0, r1 and r2 at columns 2j, 2j+1 and 2j+2 (NaN if any of them is NaN,
// as Go's max). The rows need 2*len(y)+1 elements. ResNet's stem pool
// spends most of its time here, so it is one fused kernel rather than
// row-wise MaxFloat32s passes.
func MaxPoolRow3S2(y, r0, r1, r2 []float32) {
	if len(y) == 0 {
		return
	}
	n := 2*len(y) + 1
	vmax.pool3s2(y, r0[:n], r1[:n], r2[:n])
}

// maxPoolRow3S2Generic is MaxPoolRow3S2 in Go, the twin of the SIMD
// kernel.
func maxPoolRow3S2Generic(y, r0, r1, r2 []float32) {
	n := 2*len(y) + 1
	r0, r1, r2 = r0[:n], r1[:n], r2[:n]
	for j := range y {
		c := 2 * j
		y[j] = max(r0[c], r0[c+1], r0[c+2], r1[c], r1[c+1], r1[c+2], r2[c], r2[c+1], r2[c+2])
	}
}
