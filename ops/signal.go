package ops

import (
	"math"
	"math/bits"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// DFT (ai.onnx 17, 20), STFT (17), HannWindow, HammingWindow,
// BlackmanWindow and MelWeightMatrix (17).
//
// Transforms run in complex128: radix-2 FFT for power-of-two lengths and
// Bluestein's chirp-z algorithm (built on the radix-2 FFT) otherwise.

func init() {
	Register("", "DFT", 17, rnNewDFT)
	Register("", "DFT", 20, rnNewDFT)
	Register("", "STFT", 17, rnNewSTFT)
	Register("", "HannWindow", 17, func(n *ir.Node, _ int) (Kernel, error) { return rnNewWindow(n, rnHann) })
	Register("", "HammingWindow", 17, func(n *ir.Node, _ int) (Kernel, error) { return rnNewWindow(n, rnHamming) })
	Register("", "BlackmanWindow", 17, func(n *ir.Node, _ int) (Kernel, error) { return rnNewWindow(n, rnBlackman) })
	Register("", "MelWeightMatrix", 17, rnNewMel)
}

// rnFFT is a prepared transform of one length.
type rnFFT struct {
	n  int
	tw []complex128 // exp(-2πi k/n), k < n/2 (power-of-two n)
	// Bluestein (n not a power of two): chirp w_k = exp(-πi k²/n), the FFT
	// of the padded conjugate chirp, and the inner power-of-two transform.
	chirp []complex128
	bfft  []complex128
	inner *rnFFT
}

// scratch returns the work buffer transform needs (nil for powers of two).
// A plan is shared read-only; each goroutine brings its own scratch.
func (f *rnFFT) scratch() []complex128 {
	if f.inner == nil {
		return nil
	}
	return make([]complex128, f.inner.n)
}

func rnNewFFT(n int) *rnFFT {
	f := &rnFFT{n: n}
	if n <= 1 {
		return f
	}
	if n&(n-1) == 0 {
		f.tw = make([]complex128, n/2)
		for k := range f.tw {
			s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
			f.tw[k] = complex(c, s)
		}
		return f
	}
	m := 1 << bits.Len(uint(2*n-2))
	f.inner = rnNewFFT(m)
	f.chirp = make([]complex128, n)
	for k := range f.chirp {
		// k² mod 2n keeps the angle small and exact.
		kk := (int64(k) * int64(k)) % int64(2*n)
		s, c := math.Sincos(-math.Pi * float64(kk) / float64(n))
		f.chirp[k] = complex(c, s)
	}
	f.bfft = make([]complex128, m)
	f.bfft[0] = rnConj(f.chirp[0])
	for k := 1; k < n; k++ {
		f.bfft[k] = rnConj(f.chirp[k])
		f.bfft[m-k] = rnConj(f.chirp[k])
	}
	f.inner.forward(f.bfft, nil)
	return f
}

func rnConj(c complex128) complex128 { return complex(real(c), -imag(c)) }

// transform replaces x (len n) by its DFT, or by the unnormalised inverse
// DFT when inverse is set. work comes from f.scratch.
func (f *rnFFT) transform(x []complex128, inverse bool, work []complex128) {
	if inverse {
		for i, v := range x {
			x[i] = rnConj(v)
		}
	}
	f.forward(x, work)
	if inverse {
		for i, v := range x {
			x[i] = rnConj(v)
		}
	}
}

func (f *rnFFT) forward(x, work []complex128) {
	n := f.n
	if n <= 1 {
		return
	}
	if f.inner == nil {
		// Iterative radix-2 decimation in time.
		shift := bits.UintSize - bits.Len(uint(n-1))
		for i := 0; i < n; i++ {
			j := int(bits.Reverse(uint(i)) >> shift)
			if j > i {
				x[i], x[j] = x[j], x[i]
			}
		}
		for size := 2; size <= n; size <<= 1 {
			half, step := size/2, n/size
			for start := 0; start < n; start += size {
				for j := 0; j < half; j++ {
					a := x[start+j]
					b := x[start+j+half] * f.tw[j*step]
					x[start+j] = a + b
					x[start+j+half] = a - b
				}
			}
		}
		return
	}
	// Bluestein: X_k = w_k · Σ_j (x_j w_j) conj(w_{k-j}).
	m := f.inner.n
	a := work
	for k := 0; k < n; k++ {
		a[k] = x[k] * f.chirp[k]
	}
	clear(a[n:])
	f.inner.forward(a, nil)
	for i := range a {
		a[i] *= f.bfft[i]
	}
	f.inner.transform(a, true, nil)
	scale := complex(1/float64(m), 0)
	for k := 0; k < n; k++ {
		x[k] = a[k] * f.chirp[k] * scale
	}
}

// rnDFT is a prepared DFT node.
type rnDFT struct {
	opset             int
	axis              int64
	inverse, onesided bool
}

func rnNewDFT(n *ir.Node, opset int) (Kernel, error) {
	k := &rnDFT{opset: opset}
	k.inverse = n.AttrInt("inverse", 0) != 0
	k.onesided = n.AttrInt("onesided", 0) != 0
	if opset < 20 {
		k.axis = n.AttrInt("axis", 1)
	} else {
		k.axis = -2
	}
	return k, nil
}

// Run implements Kernel.
func (k *rnDFT) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	dt := x.DType()
	if !rnIsFloat(dt) {
		return nil, DTypeErr(ctx, dt)
	}
	xs := x.Shape()
	rank := len(xs)
	if rank < 2 || (xs[rank-1] != 1 && xs[rank-1] != 2) {
		return nil, ctx.Errf("input shape %v must end in 1 (real) or 2 (complex): %w", xs, tensor.ErrShape)
	}
	axis := k.axis
	if k.opset >= 20 {
		if a := Opt(in, 2); a != nil {
			v, err := rnScalarInt(ctx, a, "axis")
			if err != nil {
				return nil, err
			}
			axis = v
		}
		if axis < 0 {
			axis += int64(rank)
		}
	} else if axis < 0 {
		axis += int64(rank - 1)
	}
	if axis < 0 || axis > int64(rank-2) {
		return nil, ctx.Errf("axis %d out of range for input %v: %w", axis, xs, tensor.ErrShape)
	}
	ax := int(axis)
	L := xs[ax]
	n := L
	if dl := Opt(in, 1); dl != nil {
		v, err := rnScalarInt(ctx, dl, "dft_length")
		if err != nil {
			return nil, err
		}
		if v <= 0 || v > tensor.MaxElements {
			return nil, ctx.Errf("dft_length %d: %w", v, tensor.ErrShape)
		}
		n = int(v)
	}
	outLen := n
	if k.onesided {
		outLen = n/2 + 1
	}
	oshape := append([]int{}, xs...)
	oshape[ax] = outLen
	oshape[rank-1] = 2
	total, err := alCheckShape(ctx, tensor.Float64, oshape)
	if err != nil {
		return nil, err
	}
	// FFT plans and buffers: up to 4n complex128 (Bluestein).
	if _, err := alCheckDims(ctx, tensor.Float64, 8, n); err != nil {
		return nil, err
	}
	outer, inner := 1, 1
	for _, d := range xs[:ax] {
		outer *= d
	}
	for _, d := range xs[ax+1 : rank-1] {
		inner *= d
	}
	comp := xs[rank-1]
	v := rnF64(x)
	out := make([]float64, total)
	if total > 0 {
		plan := rnNewFFT(n)
		scale := 1.0
		if k.inverse {
			scale = 1 / float64(n)
		}
		ctx.Parallel(outer*inner, max(1, 4096/n), func(lo, hi int) {
			buf := make([]complex128, n)
			work := plan.scratch()
			for s := lo; s < hi; s++ {
				o, i := s/inner, s%inner
				clear(buf)
				for j := 0; j < min(L, n); j++ {
					p := ((o*L+j)*inner + i) * comp
					if comp == 2 {
						buf[j] = complex(v[p], v[p+1])
					} else {
						buf[j] = complex(v[p], 0)
					}
				}
				plan.transform(buf, k.inverse, work)
				for j := 0; j < outLen; j++ {
					p := ((o*outLen+j)*inner + i) * 2
					out[p] = real(buf[j]) * scale
					out[p+1] = imag(buf[j]) * scale
				}
			}
		})
	}
	t, err := rnFromF64(dt, oshape, out)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(t), nil
}

// rnSTFT is a prepared STFT node.
type rnSTFT struct{ onesided bool }

func rnNewSTFT(n *ir.Node, _ int) (Kernel, error) {
	return &rnSTFT{onesided: n.AttrInt("onesided", 1) != 0}, nil
}

// Run implements Kernel.
func (k *rnSTFT) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 2); err != nil {
		return nil, err
	}
	x := in[0]
	dt := x.DType()
	if !rnIsFloat(dt) {
		return nil, DTypeErr(ctx, dt)
	}
	xs := x.Shape()
	if len(xs) != 3 || (xs[2] != 1 && xs[2] != 2) {
		return nil, ctx.Errf("signal shape %v, want [batch, length, 1 or 2]: %w", xs, tensor.ErrShape)
	}
	batch, L, comp := xs[0], xs[1], xs[2]
	step, err := rnScalarInt(ctx, in[1], "frame_step")
	if err != nil {
		return nil, err
	}
	var win []float64
	fl := int64(L)
	if w := Opt(in, 2); w != nil {
		if w.Rank() != 1 || !rnIsFloat(w.DType()) {
			return nil, ctx.Errf("window must be a 1-D float tensor, is %v %v: %w", w.DType(), w.Shape(), tensor.ErrShape)
		}
		win = rnF64(w)
		fl = int64(len(win))
	}
	if f := Opt(in, 3); f != nil {
		v, err := rnScalarInt(ctx, f, "frame_length")
		if err != nil {
			return nil, err
		}
		if win != nil && v != int64(len(win)) {
			return nil, ctx.Errf("frame_length %d but window has %d values: %w", v, len(win), tensor.ErrShape)
		}
		fl = v
	}
	if step <= 0 || fl <= 0 || fl > int64(L) {
		return nil, ctx.Errf("frame_step %d, frame_length %d for signal length %d: %w", step, fl, L, tensor.ErrShape)
	}
	n := int(fl)
	frames := 1 + (L-n)/int(step)
	bins := n
	if k.onesided {
		bins = n/2 + 1
	}
	oshape := []int{batch, frames, bins, 2}
	total, err := alCheckShape(ctx, tensor.Float64, oshape)
	if err != nil {
		return nil, err
	}
	if _, err := alCheckDims(ctx, tensor.Float64, 8, n); err != nil {
		return nil, err
	}
	v := rnF64(x)
	out := make([]float64, total)
	plan := rnNewFFT(n)
	ctx.Parallel(batch*frames, max(1, 4096/n), func(lo, hi int) {
		buf := make([]complex128, n)
		work := plan.scratch()
		for s := lo; s < hi; s++ {
			b, f := s/frames, s%frames
			start := f * int(step)
			for j := 0; j < n; j++ {
				p := (b*L + start + j) * comp
				c := complex(v[p], 0)
				if comp == 2 {
					c = complex(v[p], v[p+1])
				}
				if win != nil {
					c *= complex(win[j], 0)
				}
				buf[j] = c
			}
			plan.transform(buf, false, work)
			o := s * bins * 2
			for j := 0; j < bins; j++ {
				out[o+2*j] = real(buf[j])
				out[o+2*j+1] = imag(buf[j])
			}
		}
	})
	t, err := rnFromF64(dt, oshape, out)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	return One(t), nil
}

type rnWindowKind int

const (
	rnHann rnWindowKind = iota
	rnHamming
	rnBlackman
)

// rnOutType reads and checks the output_datatype attribute (default float).
func rnOutType(n *ir.Node) (tensor.DType, error) {
	dt := tensor.DType(n.AttrInt("output_datatype", int64(tensor.Float32)))
	if v := n.AttrInt("output_datatype", 1); v < 0 || v > 255 || !dt.Supported() || !(dt.IsFloat() || dt.IsInt()) {
		return 0, NodeErrf(n, "output_datatype %d: %w", v, ErrUnsupported)
	}
	return dt, nil
}

func rnNewWindow(n *ir.Node, kind rnWindowKind) (Kernel, error) {
	dt, err := rnOutType(n)
	if err != nil {
		return nil, err
	}
	periodic := n.AttrInt("periodic", 1) != 0
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		size, err := rnScalarInt(ctx, in[0], "size")
		if err != nil {
			return nil, err
		}
		if size < 0 || size > tensor.MaxElements {
			return nil, ctx.Errf("size %d: %w", size, tensor.ErrShape)
		}
		if _, err := alCheckDims(ctx, tensor.Float64, int(size)); err != nil {
			return nil, err
		}
		v := rnWindowValues(kind, int(size), periodic)
		t, err := rnFromF64(dt, []int{int(size)}, v)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(t), nil
	}), nil
}

// rnWindowValues computes a window of the given size; N is size for a
// periodic window and size-1 for a symmetric one (a size-1 window is [1]).
func rnWindowValues(kind rnWindowKind, size int, periodic bool) []float64 {
	v := make([]float64, size)
	N := float64(size)
	if !periodic {
		N--
	}
	if size == 1 && !periodic {
		v[0] = 1
		return v
	}
	for i := range v {
		a := 2 * math.Pi * float64(i) / N
		switch kind {
		case rnHann:
			v[i] = 0.5 - 0.5*math.Cos(a)
		case rnHamming:
			v[i] = 25.0/46 - 21.0/46*math.Cos(a)
		case rnBlackman:
			v[i] = 0.42 - 0.5*math.Cos(a) + 0.08*math.Cos(2*a)
		}
	}
	return v
}

func rnNewMel(n *ir.Node, _ int) (Kernel, error) {
	dt, err := rnOutType(n)
	if err != nil {
		return nil, err
	}
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 5); err != nil {
			return nil, err
		}
		bins, err := rnScalarInt(ctx, in[0], "num_mel_bins")
		if err != nil {
			return nil, err
		}
		dftLen, err := rnScalarInt(ctx, in[1], "dft_length")
		if err != nil {
			return nil, err
		}
		rate, err := rnScalarInt(ctx, in[2], "sample_rate")
		if err != nil {
			return nil, err
		}
		lo, err := rnScalarFloat(ctx, in[3], "lower_edge_hertz")
		if err != nil {
			return nil, err
		}
		hi, err := rnScalarFloat(ctx, in[4], "upper_edge_hertz")
		if err != nil {
			return nil, err
		}
		if bins <= 0 || dftLen <= 0 || rate <= 0 || bins > tensor.MaxElements || dftLen > tensor.MaxElements {
			return nil, ctx.Errf("num_mel_bins %d, dft_length %d, sample_rate %d must be positive: %w", bins, dftLen, rate, tensor.ErrShape)
		}
		if !(lo >= 0 && hi > lo) {
			return nil, ctx.Errf("lower_edge_hertz %g, upper_edge_hertz %g: %w", lo, hi, tensor.ErrShape)
		}
		spec := int(dftLen/2 + 1)
		shape := []int{spec, int(bins)}
		total, err := alCheckShape(ctx, tensor.Float64, shape)
		if err != nil {
			return nil, err
		}
		out := make([]float64, total)
		nb := int(bins)
		// Bin edges: num_mel_bins+2 points evenly spaced in mel (the
		// ONNX reference divides the mel range by num_mel_bins+2), mapped
		// back to Hz and then to (floored) spectrogram bins.
		hz2mel := func(f float64) float64 { return 2595 * math.Log10(1+f/700) }
		loMel, hiMel := hz2mel(lo), hz2mel(hi)
		step := (hiMel - loMel) / float64(nb+2)
		edge := make([]int, nb+2)
		for i := range edge {
			hz := 700 * (math.Pow(10, (float64(i)*step+loMel)/2595) - 1)
			e := math.Floor(float64(dftLen+1) * hz / float64(rate))
			if !(e >= 0 && e <= float64(tensor.MaxElements)) {
				return nil, ctx.Errf("upper_edge_hertz %g too high for sample_rate %d: %w", hi, rate, tensor.ErrShape)
			}
			edge[i] = int(e)
		}
		set := func(j, i int, val float64) {
			if j >= 0 && j < spec {
				out[j*nb+i] = val
			}
		}
		for i := 0; i < nb; i++ {
			l, c, h := edge[i], edge[i+1], edge[i+2]
			if c == l {
				set(c, i, 1)
			} else {
				for j := l; j <= min(c, spec-1); j++ {
					set(j, i, float64(j-l)/float64(c-l))
				}
			}
			if h > c {
				for j := c; j < min(h, spec); j++ {
					set(j, i, float64(h-j)/float64(h-c))
				}
			}
		}
		t, err := rnFromF64(dt, shape, out)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(t), nil
	}), nil
}
