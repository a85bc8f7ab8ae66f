package eval

import (
	"fmt"
	"image"
	"image/draw"
	"math"
	"strconv"
	"strings"

	xdraw "golang.org/x/image/draw"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// MaxImageSide caps the height and width a Preprocessor produces.
const MaxImageSide = 1 << 14

// Preprocess is a parsed --preprocess spec. Zero fields mean "take it from
// the model input's shape, or use the default". See ParsePreprocess.
type Preprocess struct {
	// H, W: the resize target (0: the model's dims, else the image's size).
	// With Pad, W is the maximum width.
	H, W int
	// Pad keeps the aspect ratio: the image is scaled to height H, its width
	// rounded up to a multiple of 8 (at most W) and the right side padded
	// with zeros (after normalisation), as OCR recognisers want.
	Pad bool
	// Mean and Std hold 1 value (all channels) or one per channel; the output
	// is (pixel*scale - mean) / std.
	Mean, Std []float32
	// Layout is "NCHW", "NHWC" or "" (inferred from the model's shape).
	Layout string
	// Color is "RGB", "BGR", "GRAY" or "" (GRAY for 1 channel, else RGB).
	Color string
	// ScaleDiv, when non-zero, divides pixels (0..255) by it ("scale=1/255");
	// else ScaleMul multiplies them. Both zero: divide by 255.
	ScaleDiv, ScaleMul float32
}

// ParsePreprocess parses a comma-separated spec such as
//
//	resize=224x224,mean=0.485,0.456,0.406,std=0.229,0.224,0.225,layout=NCHW,color=RGB,scale=1/255
//
// Keys: resize=HxW, pad (keep aspect, pad width: resize=48x320,pad),
// mean=a[,b,c], std=a[,b,c], layout=NCHW|NHWC, color=RGB|BGR|GRAY,
// scale=1/D or a number. Bare numbers after mean= or std= continue the list.
// An empty spec gives all defaults.
func ParsePreprocess(s string) (*Preprocess, error) {
	p := &Preprocess{}
	var list *[]float32
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		key, val, hasVal := strings.Cut(f, "=")
		if !hasVal {
			if key == "pad" {
				p.Pad, list = true, nil
				continue
			}
			v, err := strconv.ParseFloat(key, 32)
			if list == nil || err != nil {
				return nil, fmt.Errorf("eval: preprocess %q: %q is not key=value: %w", s, f, ErrSpec)
			}
			*list = append(*list, float32(v))
			continue
		}
		list = nil
		switch strings.ToLower(key) {
		case "resize":
			hs, ws, ok := strings.Cut(strings.ToLower(val), "x")
			h, err1 := strconv.Atoi(hs)
			w, err2 := strconv.Atoi(ws)
			if !ok || err1 != nil || err2 != nil || h <= 0 || w <= 0 || h > MaxImageSide || w > MaxImageSide {
				return nil, fmt.Errorf("eval: preprocess: resize=%q, want HxW with 1..%d: %w", val, MaxImageSide, ErrSpec)
			}
			p.H, p.W = h, w
		case "mean", "std":
			v, err := strconv.ParseFloat(val, 32)
			if err != nil {
				return nil, fmt.Errorf("eval: preprocess: %s=%q is not a number: %w", key, val, ErrSpec)
			}
			list = &p.Mean
			if key == "std" {
				list = &p.Std
			}
			*list = append((*list)[:0], float32(v))
		case "layout":
			p.Layout = strings.ToUpper(val)
			if p.Layout != "NCHW" && p.Layout != "NHWC" {
				return nil, fmt.Errorf("eval: preprocess: layout=%q, want NCHW or NHWC: %w", val, ErrSpec)
			}
		case "color":
			p.Color = strings.ToUpper(val)
			if p.Color != "RGB" && p.Color != "BGR" && p.Color != "GRAY" {
				return nil, fmt.Errorf("eval: preprocess: color=%q, want RGB, BGR or GRAY: %w", val, ErrSpec)
			}
		case "scale":
			if num, den, ok := strings.Cut(val, "/"); ok {
				n, err1 := strconv.ParseFloat(num, 32)
				d, err2 := strconv.ParseFloat(den, 32)
				if err1 != nil || err2 != nil || n != 1 || d <= 0 || math.IsInf(d, 0) {
					return nil, fmt.Errorf("eval: preprocess: scale=%q, want 1/D with D > 0 or a number: %w", val, ErrSpec)
				}
				p.ScaleDiv, p.ScaleMul = float32(d), 0
				continue
			}
			v, err := strconv.ParseFloat(val, 32)
			if err != nil || v <= 0 || math.IsInf(v, 0) {
				return nil, fmt.Errorf("eval: preprocess: scale=%q, want 1/D or a positive number: %w", val, ErrSpec)
			}
			p.ScaleDiv, p.ScaleMul = 0, float32(v)
		default:
			return nil, fmt.Errorf("eval: preprocess: unknown key %q (want resize, pad, mean, std, layout, color, scale): %w", key, ErrSpec)
		}
	}
	for _, v := range p.Std {
		if v == 0 || math.IsNaN(float64(v)) {
			return nil, fmt.Errorf("eval: preprocess: std must be non-zero: %w", ErrSpec)
		}
	}
	if p.Pad && p.H == 0 {
		return nil, fmt.Errorf("eval: preprocess: pad needs resize=HxMAXW: %w", ErrSpec)
	}
	return p, nil
}

// Preprocessor turns images into float32 tensors shaped for one model input
// with a batch dimension of 1. Build it with Preprocess.For.
type Preprocessor struct {
	rank       int  // model input rank: 2 (N x H*W), 3 (N x H x W) or 4
	nhwc       bool // channel last (rank 4)
	channels   int
	h, w       int // 0: from the image
	pad        bool
	fixedW     bool // the model fixes the width: pad mode pads to it
	gray, bgr  bool
	mean, std  []float32 // one per channel
	div, mul   float32
	inputName  string
	flatPixels int // rank 2: H*W the model wants (0: unknown)
}

// For resolves the spec against a model input: layout, channels and size
// come from the input's declared shape when the spec leaves them open. vi may
// be nil (NCHW, sizes from the spec or the image).
func (p *Preprocess) For(vi *ir.ValueInfo) (*Preprocessor, error) {
	if p == nil {
		p = &Preprocess{}
	}
	pp := &Preprocessor{rank: 4, h: p.H, w: p.W, pad: p.Pad, div: p.ScaleDiv, mul: p.ScaleMul}
	if pp.div == 0 && pp.mul == 0 {
		pp.div = 255
	}
	var dims []ir.Dim
	if vi != nil {
		pp.inputName = vi.Name
		if vi.Type != nil {
			if vi.Type.Elem != tensor.Undefined && vi.Type.Elem != tensor.Float32 {
				return nil, fmt.Errorf("eval: model input %q is %v; image preprocessing makes float32: %w", vi.Name, vi.Type, tensor.ErrDType)
			}
			if vi.Type.HasShape {
				dims = vi.Type.Shape
				pp.rank = len(dims)
			}
		}
	}
	known := func(i int) int {
		if i >= 0 && i < len(dims) && dims[i].Known() {
			return int(dims[i].Value)
		}
		return 0
	}
	hAxis, wAxis, cAxis := -1, -1, -1
	switch pp.rank {
	case 4:
		switch {
		case p.Layout != "":
			pp.nhwc = p.Layout == "NHWC"
		case known(1) == 1 || known(1) == 3:
			pp.nhwc = false
		case known(3) == 1 || known(3) == 3:
			pp.nhwc = true
		}
		hAxis, wAxis, cAxis = 2, 3, 1
		if pp.nhwc {
			hAxis, wAxis, cAxis = 1, 2, 3
		}
	case 3:
		hAxis, wAxis = 1, 2
	case 2:
		pp.flatPixels = known(1)
	default:
		return nil, fmt.Errorf("eval: model input %q has rank %d; images fit rank 2, 3 or 4: %w", pp.inputName, pp.rank, tensor.ErrShape)
	}
	switch c := known(cAxis); {
	case cAxis < 0:
		pp.channels = 1
	case c != 0:
		pp.channels = c
	case p.Color == "GRAY":
		pp.channels = 1
	default:
		pp.channels = 3
	}
	if pp.channels != 1 && pp.channels != 3 {
		return nil, fmt.Errorf("eval: model input %q wants %d channels; images give 1 or 3: %w", pp.inputName, pp.channels, tensor.ErrShape)
	}
	switch p.Color {
	case "GRAY":
		if pp.channels != 1 {
			return nil, fmt.Errorf("eval: preprocess color=GRAY but model input %q wants %d channels: %w", pp.inputName, pp.channels, tensor.ErrShape)
		}
	case "RGB", "BGR":
		if pp.channels != 3 {
			return nil, fmt.Errorf("eval: preprocess color=%s but model input %q wants 1 channel: %w", p.Color, pp.inputName, tensor.ErrShape)
		}
	}
	pp.gray = pp.channels == 1
	pp.bgr = p.Color == "BGR"
	if hAxis >= 0 {
		if mh := known(hAxis); mh != 0 {
			if pp.h != 0 && pp.h != mh {
				return nil, fmt.Errorf("eval: preprocess resize height %d but model input %q wants %d: %w", pp.h, pp.inputName, mh, tensor.ErrShape)
			}
			pp.h = mh
		}
		if mw := known(wAxis); mw != 0 {
			if pp.w != 0 && pp.w != mw && !pp.pad {
				return nil, fmt.Errorf("eval: preprocess resize width %d but model input %q wants %d: %w", pp.w, pp.inputName, mw, tensor.ErrShape)
			}
			pp.w, pp.fixedW = mw, true
		}
	}
	if pp.h > MaxImageSide || pp.w > MaxImageSide {
		return nil, fmt.Errorf("eval: model input %q wants %dx%d images, over %d: %w", pp.inputName, pp.h, pp.w, MaxImageSide, tensor.ErrLimit)
	}
	var err error
	if pp.mean, err = perChannel("mean", p.Mean, 0, pp.channels); err != nil {
		return nil, err
	}
	if pp.std, err = perChannel("std", p.Std, 1, pp.channels); err != nil {
		return nil, err
	}
	return pp, nil
}

func perChannel(name string, v []float32, def float32, c int) ([]float32, error) {
	out := make([]float32, c)
	switch len(v) {
	case 0:
		for i := range out {
			out[i] = def
		}
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	case c:
		copy(out, v)
	default:
		return nil, fmt.Errorf("eval: preprocess %s has %d values for %d channels: %w", name, len(v), c, ErrSpec)
	}
	return out, nil
}

// Apply converts img into a float32 tensor with batch dimension 1 (shape
// 1xCxHxW, 1xHxWxC, 1xHxW or 1x(H*W) following the model input). Pixels are
// composited on black when they carry alpha.
func (pp *Preprocessor) Apply(img image.Image) (*tensor.Tensor, error) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 {
		return nil, fmt.Errorf("eval: empty %dx%d image: %w", sw, sh, ErrData)
	}
	th, tw := pp.h, pp.w
	if th == 0 {
		th = sh
	}
	if tw == 0 && !pp.pad {
		tw = sw
	}
	rw := tw // width of the resized image inside the output
	if pp.pad {
		rw = int(math.Ceil(float64(th) * float64(sw) / float64(sh)))
		rw = max(1, rw)
		ow := (rw + 7) / 8 * 8
		if tw == 0 || (ow < tw && !pp.fixedW) {
			tw = ow
		}
		rw = min(rw, tw)
	}
	if th > MaxImageSide || tw > MaxImageSide {
		return nil, fmt.Errorf("eval: image would be %dx%d, over %d: %w", th, tw, MaxImageSide, tensor.ErrLimit)
	}
	if pp.rank == 2 && pp.flatPixels != 0 && th*tw != pp.flatPixels {
		return nil, fmt.Errorf("eval: %dx%d image gives %d pixels, model input %q wants %d: %w", th, tw, th*tw, pp.inputName, pp.flatPixels, tensor.ErrShape)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, rw, th))
	if rw == sw && th == sh {
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	} else {
		xdraw.BiLinear.Scale(rgba, rgba.Bounds(), img, b, xdraw.Src, nil)
	}
	c := pp.channels
	var shape []int
	switch {
	case pp.rank == 2:
		shape = []int{1, th * tw}
	case pp.rank == 3:
		shape = []int{1, th, tw}
	case pp.nhwc:
		shape = []int{1, th, tw, c}
	default:
		shape = []int{1, c, th, tw}
	}
	t, err := tensor.New(tensor.Float32, shape...)
	if err != nil {
		return nil, err
	}
	out := t.Float32s()
	// Per channel and pixel value: (pixel*scale - mean) / std, in the order
	// numpy/PyTorch pipelines compute it (no fused a*x+b, which rounds
	// differently).
	var lut [3][256]float32
	for ch := 0; ch < c; ch++ {
		for v := 0; v < 256; v++ {
			x := float32(v)
			if pp.div != 0 {
				x /= pp.div
			} else {
				x *= pp.mul
			}
			lut[ch][v] = (x - pp.mean[ch]) / pp.std[ch]
		}
	}
	// Pad columns (x >= rw) stay 0, the value after normalisation.
	chStride, pxStride := th*tw, 1
	if pp.nhwc {
		chStride, pxStride = 1, c
	}
	for y := 0; y < th; y++ {
		row := rgba.Pix[y*rgba.Stride:]
		for x := 0; x < rw; x++ {
			px := row[4*x : 4*x+3 : 4*x+3]
			base := (y*tw + x) * pxStride
			if pp.gray {
				r, g, bl := uint32(px[0])*0x101, uint32(px[1])*0x101, uint32(px[2])*0x101
				luma := (19595*r + 38470*g + 7471*bl + 1<<15) >> 24
				out[base] = lut[0][luma]
				continue
			}
			r, g, bl := px[0], px[1], px[2]
			if pp.bgr {
				r, bl = bl, r
			}
			out[base] = lut[0][r]
			out[base+chStride] = lut[1][g]
			out[base+2*chStride] = lut[2][bl]
		}
	}
	return t, nil
}
