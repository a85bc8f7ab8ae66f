package linalg

// Stride-2 convolutions on the zero-padded image itself: the tile
// kernels of r18sCiS2 read pixel j's input 2j values on, so the fill is
// one padded copy per channel (r18FillRows) rather than a gather into
// four phase planes, which cost ResNet's stride-2 3x3 convolutions a
// tenth of their time.

// r18sCiS2 is the stride-2 tile table (64-channel blocks only; nil when
// there is none).
var r18sCiS2 *ciTable

// r18sS2Off disables the path (tests and benchmarks compare).
var r18sS2Off bool

// r18sS2Layout turns geo (stride 2 × 2, no dilation) into one padded
// plane per channel: row y, column x is the image at (y-pt, x-pl); output
// (oy, ox) under tap (ky, kx) reads plane[(2oy+ky)*pw + 2ox+kx]. It
// reports false, geo unchanged, when r18FillRows cannot fill the plane
// or the kernel is 1 wide or high.
func r18sS2Layout(geo *convIndGeom) bool {
	if geo.sh != 2 || geo.sw != 2 || geo.dh != 1 || geo.dw != 1 || geo.kh < 2 || geo.kw < 2 || r18FillRows == nil {
		// (A 1x1 kernel reads one phase plane in four: gathering it is
		// less than copying the whole image.)
		return false
	}
	ph := (geo.oh-1)*2 + geo.kh
	pw := (geo.ow-1)*2 + geo.kw
	if geo.pl > 16 || pw-geo.pl-geo.iw < 0 || pw-geo.pl-geo.iw > 16 || geo.pt > ph {
		return false
	}
	geo.ph, geo.pw = ph, pw
	geo.plane = ph * pw
	geo.chanLen = geo.plane
	geo.s2 = true
	return true
}

// r18sS2Fill writes channel ch of img into its padded plane.
func (c *convIndGeom) r18sS2Fill(q, img []float32, ch int) {
	src := img[ch*c.ih*c.iw : (ch+1)*c.ih*c.iw]
	pl := q[ch*c.chanLen : (ch+1)*c.chanLen]
	yA, yB := min(c.ph, c.pt), min(c.ph, c.ih+c.pt)
	clear(pl[:yA*c.pw])
	clear(pl[yB*c.pw:])
	if yB > yA {
		r18FillRows(pl[yA*c.pw:yB*c.pw], src, yB-yA, c.iw, c.pw, c.pl)
	}
}

// r18sS2Offsets fills offs with each k-step's byte offset into the
// padded planes, for k-steps (channel, ky, kx) in im2col order.
func (c *convIndGeom) r18sS2Offsets(offs []int, channels int) {
	p := 0
	for ch := 0; ch < channels; ch++ {
		for ky := 0; ky < c.kh; ky++ {
			for kx := 0; kx < c.kw; kx++ {
				offs[p] = 4 * (ch*c.chanLen + ky*c.pw + kx)
				p++
			}
		}
	}
}
