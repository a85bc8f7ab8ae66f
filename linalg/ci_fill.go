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
