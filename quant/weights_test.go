package quant

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/tensor"
)

func TestQuantizeWeightsPerChannel(t *testing.T) {
	// [2, 3] weights, per channel along axis 0 (rows) and axis 1 (columns).
	w := []float32{
		-1, 0.5, 1,
		2, -4, 0,
	}
	q, err := QuantizeWeights(w, []int{2, 3}, Scheme{Bits: 8, Signed: true, Symmetric: true, Granularity: ChannelAxis(0)}, WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Scale.Shape(); len(got) != 1 || got[0] != 2 {
		t.Fatalf("scale shape %v", got)
	}
	s := q.Scale.Float32s()
	if s[0] != float32(1.0/127) || s[1] != float32(4.0/127) {
		t.Errorf("scales %v", s)
	}
	wantQ := []int8{-127, 64, 127, 64, -127, 0} // 0.5·127 = 63.5 → 64 (half even)
	gotQ := q.Values.Data().([]int8)
	for i := range wantQ {
		if gotQ[i] != wantQ[i] {
			t.Fatalf("codes %v, want %v", gotQ, wantQ)
		}
	}
	if q.Values.DType() != tensor.Int8 || q.ZeroPoint.DType() != tensor.Int8 || q.Axis != 0 {
		t.Errorf("dtypes %v %v axis %d", q.Values.DType(), q.ZeroPoint.DType(), q.Axis)
	}

	// Columns, negative axis, uint8 asymmetric.
	q, err = QuantizeWeights(w, []int{2, 3}, Scheme{Bits: 8, Granularity: ChannelAxis(-1)}, WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	zp := q.ZeroPoint.Data().([]uint8)
	// col0 [-1,2]: zp 85; col1 [-4,0.5]: scale 4.5/255, zp round(4/(4.5/255)) = 227; col2 [0,1]: zp 0.
	if q.Axis != 1 || zp[0] != 85 || zp[1] != 227 || zp[2] != 0 {
		t.Errorf("axis %d zero points %v", q.Axis, zp)
	}
	back, err := q.Dequantize()
	if err != nil {
		t.Fatal(err)
	}
	for i := range w {
		if d := math.Abs(float64(back[i] - w[i])); d > float64(q.Params[i%3].Scale)/2+1e-6 {
			t.Errorf("w[%d] = %g dequantizes to %g", i, w[i], back[i])
		}
	}
}

func TestQuantizeWeightsPerBlock(t *testing.T) {
	// [5, 2] blocked along axis 0 with block 2: 3 blocks per column, the last short.
	w := []float32{
		1.1, -8,
		-2, 4.4,
		7, 0,
		-7, 1,
		0.5, 2,
	}
	s := Scheme{Bits: 4, Signed: true, Symmetric: true, Granularity: BlockAxis(0, 2)}
	q, err := QuantizeWeights(w, []int{5, 2}, s, WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sh := q.Scale.Shape(); len(sh) != 2 || sh[0] != 3 || sh[1] != 2 {
		t.Fatalf("scale shape %v, want [3 2]", sh)
	}
	wantS := []float32{2.0 / 7, 8.0 / 7, 1, 1.0 / 7, 0.5 / 7, 2.0 / 7}
	for i, v := range q.Scale.Float32s() {
		if math.Abs(float64(v-wantS[i])) > 1e-7 {
			t.Fatalf("scales %v, want %v", q.Scale.Float32s(), wantS)
		}
	}
	if q.Values.DType() != tensor.Int4 || q.BlockSize != 2 {
		t.Errorf("dtype %v block %d", q.Values.DType(), q.BlockSize)
	}
	wantQ := []int8{4, -7, -7, 4, 7, 0, -7, 7, 7, 7}
	for i, v := range q.Values.Data().([]int8) {
		if v != wantQ[i] {
			t.Fatalf("codes %v, want %v", q.Values.Data(), wantQ)
		}
	}
	// Blocks along the last axis of a 3-D tensor.
	w3 := make([]float32, 2*3*40)
	for i := range w3 {
		w3[i] = float32(math.Sin(float64(i)))
	}
	q, err = QuantizeWeights(w3, []int{2, 3, 40}, Scheme{Bits: 4, Granularity: BlockAxis(2, 16)}, WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sh := q.Scale.Shape(); len(sh) != 3 || sh[2] != 3 {
		t.Fatalf("scale shape %v", sh)
	}
	back, _ := q.Dequantize()
	if sq, _ := SQNR(w3, back); sq < 20 {
		t.Errorf("uint4 block 16 SQNR %.1f dB", sq)
	}
}

func TestQuantizeWeightsErrors(t *testing.T) {
	w := []float32{1, 2, 3, 4}
	tests := []struct {
		name  string
		shape []int
		s     Scheme
		opt   WeightOptions
		w     []float32
		want  error
	}{
		{"axis out of range", []int{2, 2}, Scheme{Bits: 8, Granularity: ChannelAxis(2)}, WeightOptions{}, w, ErrScheme},
		{"length mismatch", []int{3, 2}, Int8Sym, WeightOptions{}, w, tensor.ErrShape},
		{"negative dim", []int{-2, -2}, Int8Sym, WeightOptions{}, w, tensor.ErrShape},
		{"bad bits", []int{4}, Scheme{Bits: 3}, WeightOptions{}, w, ErrScheme},
		{"bad clip grid", []int{4}, Int8Sym, WeightOptions{Clip: ClipMSE, ClipMin: 2}, w, ErrScheme},
		{"inf weight", []int{4}, Int8Sym, WeightOptions{}, []float32{1, float32(math.Inf(1)), 0, 0}, ErrRange},
		{"nan weight", []int{4}, Int8Sym, WeightOptions{}, []float32{1, float32(math.NaN()), 0, 0}, ErrRange},
	}
	for _, tc := range tests {
		if _, err := QuantizeWeights(tc.w, tc.shape, tc.s, tc.opt); err == nil || (!errors.Is(err, tc.want) && !errors.Is(err, tensor.ErrLimit)) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
	// Empty tensors quantize to empty tensors.
	q, err := QuantizeWeights(nil, []int{0, 3}, Scheme{Bits: 8, Granularity: ChannelAxis(1)}, WeightOptions{Clip: ClipMSE})
	if err != nil || q.Values.Len() != 0 || q.Scale.Len() != 3 {
		t.Errorf("empty: %v %v", q, err)
	}
}

// weightSQNR quantizes w with and without MSE clipping and returns both SQNRs.
func weightSQNR(t testing.TB, w []float32, shape []int, s Scheme) (rtn, mse float64) {
	for i, opt := range []WeightOptions{{}, {Clip: ClipMSE}} {
		q, err := QuantizeWeights(w, shape, s, opt)
		if err != nil {
			t.Fatal(err)
		}
		back, err := q.Dequantize()
		if err != nil {
			t.Fatal(err)
		}
		v, _ := SQNR(w, back)
		if i == 0 {
			rtn = v
		} else {
			mse = v
		}
	}
	return rtn, mse
}

func nbitsSQNR(t testing.TB, w []float32, k, n, bits, block int, sym bool) (rtn, mse float64) {
	for i, opt := range []WeightOptions{{}, {Clip: ClipMSE}} {
		p, s, z, err := PackMatMulNBitsOpt(w, k, n, bits, block, sym, opt)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnpackMatMulNBits(p, s, z, k, n, bits, block)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := SQNR(w, back)
		if i == 0 {
			rtn = v
		} else {
			mse = v
		}
	}
	return rtn, mse
}

var sqnrSchemes = []struct {
	name string
	s    Scheme // for [K, N] weights (channels along axis 1, blocks along 0)
}{
	{"int8 sym per-channel", Scheme{Bits: 8, Signed: true, Symmetric: true, Granularity: ChannelAxis(1)}},
	{"int4 sym block32", Scheme{Bits: 4, Signed: true, Symmetric: true, Granularity: BlockAxis(0, 32)}},
	{"uint4 asym block32", Scheme{Bits: 4, Granularity: BlockAxis(0, 32)}},
	{"uint4 asym block128", Scheme{Bits: 4, Granularity: BlockAxis(0, 128)}},
}

func reportSQNR(t *testing.T, label string, w []float32, k, n int) {
	for _, sc := range sqnrSchemes {
		s := sc.s
		if s.Granularity.Kind == PerBlock && k < s.Granularity.BlockSize {
			continue
		}
		rtn, mse := weightSQNR(t, w, []int{k, n}, s)
		t.Logf("%-34s %-22s RTN %6.2f dB  MSE-clip %6.2f dB  gain %+5.2f dB", label, sc.name, rtn, mse, mse-rtn)
		if mse < rtn-1e-9 {
			t.Errorf("%s %s: MSE clipping lost SQNR: %.3f < %.3f", label, sc.name, mse, rtn)
		}
	}
	if k >= 32 {
		rtn, mse := nbitsSQNR(t, w, k, n, 4, 32, true)
		t.Logf("%-34s %-22s RTN %6.2f dB  MSE-clip %6.2f dB  gain %+5.2f dB", label, "MatMulNBits4 sym b32", rtn, mse, mse-rtn)
		if mse < rtn-1e-9 {
			t.Errorf("%s MatMulNBits: MSE clipping lost SQNR", label)
		}
	}
}

// TestWeightSQNRGain logs the SQNR gain of MSE-optimal clipping over
// round-to-nearest on synthetic and real weights (go test -v -run SQNRGain).
func TestWeightSQNRGain(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const k, n = 512, 256
	gauss := make([]float32, k*n)
	lap := make([]float32, k*n)
	for i := range gauss {
		gauss[i] = float32(r.NormFloat64() * 0.02)
		lap[i] = float32(r.ExpFloat64() * 0.02)
		if r.IntN(2) == 0 {
			lap[i] = -lap[i]
		}
	}
	reportSQNR(t, "gaussian 512x256", gauss, k, n)
	reportSQNR(t, "laplacian 512x256", lap, k, n)

	// Real weights: every 2-D initializer of the PyTorch-converted test models,
	// and PP-OCR's recogniser when available (QINFER_PPOCR_REC or a cache).
	var models []string
	if m, _ := filepath.Glob("/usr/share/libonnx-testdata/data/pytorch-converted/*/model.onnx"); len(m) > 0 {
		models = append(models, m...)
	}
	for _, p := range []string{os.Getenv("QINFER_PPOCR_REC"), "../.cache/ppocr/ch_PP-OCRv4_rec_infer.onnx"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				models = append(models, p)
				break
			}
		}
	}
	var realW []float32
	realK, realN := 0, 0
	for _, path := range models {
		m, err := onnx.Load(path)
		if err != nil {
			t.Logf("%s: %v", path, err)
			continue
		}
		// Weights are initializers or, in Paddle exports, Constant nodes.
		consts := map[string]*tensor.Tensor{}
		names := append([]string{}, m.Graph.InitOrder...)
		for name, init := range m.Graph.Initializers {
			consts[name] = init
		}
		for _, nd := range m.Graph.Nodes {
			if v := nd.AttrTensor("value"); nd.OpType == "Constant" && v != nil && len(nd.Outputs) == 1 {
				consts[nd.Outputs[0]] = v
				names = append(names, nd.Outputs[0])
			}
		}
		isPPOCR := filepath.Base(filepath.Dir(path)) == "ppocr"
		var ppW []float32
		ppK, ppN := 0, 0
		for _, name := range names {
			init := consts[name]
			if init.DType() != tensor.Float32 || init.Rank() < 2 || init.Len() < 256 {
				continue
			}
			// View as [K, N]: 2-D weights are MatMul B as stored; Conv weights
			// [M, C, kh, kw] become [C·kh·kw, M] (output channels as columns).
			sh := init.Shape()
			src := init.Float32s()
			kk, nn := sh[0], sh[1]
			wt := src
			if init.Rank() > 2 {
				nn = sh[0]
				kk = init.Len() / nn
				wt = make([]float32, init.Len())
				for o := range nn {
					for i := range kk {
						wt[i*nn+o] = src[o*kk+i]
					}
				}
			}
			if isPPOCR {
				if kk >= 128 && len(wt) > len(ppW) {
					ppW, ppK, ppN = wt, kk, nn
				}
				continue
			}
			if kk >= 32 && len(wt) > len(realW) {
				realW, realK, realN = wt, kk, nn
			}
		}
		if ppW != nil {
			reportSQNR(t, fmt.Sprintf("ppocr-rec largest %dx%d", ppK, ppN), ppW, ppK, ppN)
			// Also a MatMul weight as stored: Paddle FC weights are [K, N] already.
		}
	}
	if realW != nil {
		reportSQNR(t, fmt.Sprintf("pytorch-converted %dx%d", realK, realN), realW, realK, realN)
	}
}
