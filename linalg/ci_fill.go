package linalg

// The phase-plane fill of a stride-1 convolution copies every image row
// into a zero-bordered plane row; the rows are short (7 to 56 values), so
// per-row copy and clear calls cost more than the data movement. The
// SIMD twin moves a whole channel in one call.

// r18FillRows is the active row filler (r18FillRowsGeneric's SIMD twin,
// nil when there is none): for each of rows rows, dst row r (pw values
// from dst[r*pw]) becomes x0 zeros, src row r (iw values from src[r*iw]),
// then zeros to pw. The kernel needs x0 <= 16 and pw-x0-iw in [0, 16].
var r18FillRows func(dst, src []float32, rows, iw, pw, x0 int)

// r18FillRowsGeneric is r18FillRows in Go.
func r18FillRowsGeneric(dst, src []float32, rows, iw, pw, x0 int) {
	for r := 0; r < rows; r++ {
		d := dst[r*pw : (r+1)*pw]
		clear(d[:x0])
		copy(d[x0:x0+iw], src[r*iw:(r+1)*iw])
		clear(d[x0+iw:])
	}
}

// r18FillRows2 is the stride-2 row filler (nil when there is none): for
// each of rows rows, dst row r (pw values from dst[r*pw]) becomes x0
// zeros, src[r*sstride+2*i] for i < n, then zeros to pw. The kernel
// needs n >= 1, x0 <= 16 and pw-x0-n in [0, 16].
var r18FillRows2 func(dst, src []float32, rows, n, pw, x0, sstride int)

// r18FillRows2Generic is r18FillRows2 in Go.
func r18FillRows2Generic(dst, src []float32, rows, n, pw, x0, sstride int) {
	for r := 0; r < rows; r++ {
		d := dst[r*pw : (r+1)*pw]
		s := src[r*sstride : r*sstride+2*n-1]
		clear(d[:x0])
		for i := range n {
			d[x0+i] = s[2*i]
		}
		clear(d[x0+n:])
	}
}
