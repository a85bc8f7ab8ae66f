package ops

// Depthwise 3×3 rows for QLinearConv (dilation 1, stride 1 or 2): one
// output row from its three input rows in a single pass, the interior with
// all nine taps unrolled, the borders tap by tap. Sums are the int32 sums
// of qwConvDW (x and w already centred on their zero points), so the
// result is identical.

// qpDW3x3Row sets acc[ow] = bias + Σ taps for output row with input rows
// rows[0..2] (nil: outside the image, contributing 0), column stride sw
// and left padding pw.
func qpDW3x3Row(acc []int32, rows *[3][]int32, w *[9]int32, bias int32, sw, pw, width int) {
	// Interior: 0 <= ow*sw-pw and ow*sw-pw+2 < width.
	lo := min((pw+sw-1)/sw, len(acc))
	hi := max(lo, min(len(acc), (width-3+pw)/sw+1))
	for ow := 0; ow < lo; ow++ {
		acc[ow] = qpDW3x3Edge(rows, w, bias, ow*sw-pw, width)
	}
	for ow := hi; ow < len(acc); ow++ {
		acc[ow] = qpDW3x3Edge(rows, w, bias, ow*sw-pw, width)
	}
	if lo >= hi {
		return
	}
	a := acc[lo:hi]
	for i := range a {
		a[i] = bias
	}
	for kh, x := range rows {
		if x == nil {
			continue
		}
		w0, w1, w2 := w[kh*3], w[kh*3+1], w[kh*3+2]
		c := lo*sw - pw
		if sw == 1 {
			x0 := x[c : c+len(a)]
			x1 := x[c+1 : c+1+len(a)]
			x2 := x[c+2 : c+2+len(a)]
			for i := range a {
				a[i] += x0[i]*w0 + x1[i]*w1 + x2[i]*w2
			}
			continue
		}
		xs := x[c : c+2*len(a)+1]
		for i := range a {
			t := xs[2*i : 2*i+3 : 2*i+3]
			a[i] += t[0]*w0 + t[1]*w1 + t[2]*w2
		}
	}
}

// qpDW3x3Edge is one border output whose window starts at column c.
func qpDW3x3Edge(rows *[3][]int32, w *[9]int32, bias int32, c, width int) int32 {
	s := bias
	for kh, x := range rows {
		if x == nil {
			continue
		}
		for t := 0; t < 3; t++ {
			if p := c + t; p >= 0 && p < width {
				s += x[p] * w[kh*3+t]
			}
		}
	}
	return s
}
