package quant_test

import (
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/quant"
	"github.com/qinfer/qinfer/tensor"
)

// accScalar adds a float32 scalar constant.
func accScalar(b *rwtBuilder, v float32) string {
	name := b.name("c")
	b.g.AddInitializer(name, tensor.Scalar(v))
	return name
}

// accChainModel is PP-LCNet's block: x[N,32,4,4] → Conv 1x1 → Mul(s) →
// Add(b) → HardSwish → Mul(s2) → Add(b2) → Conv 1x1 → y[N,16,4,4], the
// second Conv summing its 32 inputs with positive weights (as a blur or an
// average does), so a common offset of its inputs adds up coherently.
func accChainModel(b1 float32) *ir.Model {
	b := rwtNew(7)
	h := b.node("Conv", []string{"x", b.rand("w", 0.3, 32, 32, 1, 1), b.rand("b", 0.1, 32)})
	h = b.node("Mul", []string{accScalar(b, 1.3841), h})
	h = b.node("Add", []string{h, accScalar(b, b1)})
	h = b.node("HardSwish", []string{h})
	h = b.node("Mul", []string{accScalar(b, 0.1675), h})
	h = b.node("Add", []string{h, accScalar(b, -0.2009)})
	w := b.rand("w", 0.01, 16, 32, 1, 1)
	for i := range b.g.Initializers[w].Float32s() {
		b.g.Initializers[w].Float32s()[i] += 1.0 / 32
	}
	y := b.node("Conv", []string{h, w})
	m := b.model("x", []int64{-1, 32, 4, 4}, y)
	m.Opsets[""] = 14
	return m
}

// accScaleAfter returns the scale of the QuantizeLinear that reads the
// output of the last node of type op (the graph's float twin name is the
// Q's input).
func accScaleAfter(t *testing.T, m *ir.Model, op string) float64 {
	t.Helper()
	prod := map[string]*ir.Node{}
	for _, n := range m.Graph.Nodes {
		for _, o := range n.Outputs {
			prod[o] = n
		}
	}
	s := -1.0
	for _, n := range m.Graph.Nodes {
		if p := prod[n.Input(0)]; n.OpType == "QuantizeLinear" && p != nil && p.OpType == op {
			s = float64(m.Graph.Initializers[n.Inputs[1]].Float32s()[0])
		}
	}
	if s < 0 {
		t.Fatalf("no QuantizeLinear after %s", op)
	}
	return s
}

// TestStaticChainOffset: a Q/DQ pair on every value of Conv → Mul → Add →
// HardSwish → Mul → Add rounds each Add(constant) onto a grid of the same
// step shifted by the constant, so every element moves by the same amount
// (up to half a step) and the next Conv sums that offset over its inputs.
// With one rounding per chain the output's mean error stays within half of
// its own quantization step.
func TestStaticChainOffset(t *testing.T) {
	for _, b1 := range []float32{0.5861, 0.3, 1.0564} {
		m := accChainModel(b1)
		cfg := quant.DefaultConfig(quant.Static)
		cfg.Samples = 8
		qm, rep, err := quant.Quantize(m, cfg, rwtSamples(m, 8, 2, 100), nil)
		if err != nil {
			t.Fatal(err)
		}
		y := m.Graph.Outputs[0].Name
		sy := accScaleAfter(t, qm, "Conv") // the output's step
		var sum, sq, sig, n float64
		for i := range 4 {
			feed := map[string]*tensor.Tensor{"x": rwtInput(uint64(500+i), 2, 32, 4, 4)}
			ref, _ := rwtRun(t, m, feed)
			got, p := rwtRun(t, qm, feed)
			rwtAssertInt8(t, p)
			r, g := rwtFloat32(ref[y]), rwtFloat32(got[y])
			for j := range r {
				d := float64(g[j]) - float64(r[j])
				sum += d
				sq += d * d
				sig += float64(r[j]) * float64(r[j])
				n++
			}
		}
		rms, mean := math.Sqrt(sq/n), sum/n
		t.Log(rep.Notes)
		t.Logf("b=%v: output step %.3g, RMS error %.3g, mean error %+.3g (%+.2f steps), SQNR %.1f dB",
			b1, sy, rms, mean, mean/sy, 10*math.Log10(sig/sq))
		// Rounding once per chain leaves no common offset; a Q/DQ on every
		// value left 0.9, 3.8 and 5.6 output steps here.
		if math.Abs(mean) > sy/2 {
			t.Errorf("b=%v: mean error %+.2f output steps, want within ±0.5 (an offset common to every element: one rounding per Add(constant))", b1, mean/sy)
		}
	}
}
