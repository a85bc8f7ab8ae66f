package linalg

// Vector kernels (dot products) for the small-M SGEMM path in gemv.go.
// vecKern starts with the generic twins; vec_amd64.go upgrades them.

// dotImpl names one implementation of vecKern.dot.
type dotImpl struct {
	name string
	fn   func(x, y []float32) float32
}

// vecKern is the table of active vector kernels.
var vecKern = struct {
	dot     func(x, y []float32) float32 // Σ x[i]*y[i] over len(x) (len(y) >= len(x))
	dotName string
	// dot4 returns the dot products of x with y[r*ldy:][:len(x)] for
	// r < 4: four rows of a matrix at once (see sdot4Generic).
	dot4 func(x, y []float32, ldy int) [4]float32
}{dot: sdotGeneric, dotName: "generic", dot4: sdot4Generic}

// dotImpls lists every dot this CPU can run, generic first and the
// active one last; tests run each of them.
var dotImpls = []dotImpl{{"generic", sdotGeneric}}

// dotUse registers fn as available and makes it the active dot.
func dotUse(name string, fn func(x, y []float32) float32) {
	dotImpls = append(dotImpls, dotImpl{name, fn})
	vecKern.dot, vecKern.dotName = fn, name
}

// sdotGeneric returns Σ x[i]*y[i] for i < len(x); y must be at least as
// long. Four partial sums let the compiler overlap the multiplies.
func sdotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xx := x[i : i+4 : i+4]
		yy := y[i : i+4 : i+4]
		s0 += xx[0] * yy[0]
		s1 += xx[1] * yy[1]
		s2 += xx[2] * yy[2]
		s3 += xx[3] * yy[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// sdot4Generic returns the dot products of x with the rows
// y[r*ldy : r*ldy+len(x)], r < 4 (each as sdotGeneric computes it).
func sdot4Generic(x, y []float32, ldy int) (out [4]float32) {
	for r := range out {
		out[r] = sdotGeneric(x, y[r*ldy:])
	}
	return out
}
