package passes

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// FoldBatchNorm folds an inference-mode BatchNormalization into the Conv
// (or ConvTranspose with group 1) that feeds it, when the Conv's weight,
// optional bias and all BN parameters are float32 initializers and the
// Conv output has no other reader:
//
//	W'[o,...] = W[o,...] * gamma[o] / sqrt(var[o] + eps)
//	b'[o]     = (b[o] - mean[o]) * gamma[o] / sqrt(var[o] + eps) + beta[o]
//
// New initializers get fresh names, so weights shared with other nodes are
// left untouched.
//
// It first folds an Add of a constant scalar or per-channel value into the
// bias of the Conv or ConvTranspose before it (b'[o] = b[o] + c[o]), so
// that exporters writing the bias as a separate Add (paddle2onnx's
// ConvTranspose → Add → BatchNormalization in PP-OCR's DB head) fold too.
func FoldBatchNorm(g *ir.Graph) bool {
	changed := dqFoldConvAdd(g)
	return foldBatchNorm(g) || changed
}

// dqFoldConvAdd folds Add(conv_out, c) with c a float32 constant that
// broadcasts as a scalar or along the channel axis only into the bias of
// the float32 Conv/ConvTranspose producing conv_out, when nothing else
// reads conv_out.
func dqFoldConvAdd(g *ir.Graph) bool { return fuseConvConst(g, false, true) }

func foldBatchNorm(g *ir.Graph) bool {
	readers := map[string]int{}
	for _, n := range g.Nodes {
		for _, in := range n.Uses() {
			readers[in]++
		}
	}
	for _, o := range g.Outputs {
		readers[o.Name]++
	}
	producer := fuseProducers(g)
	f32 := func(name string) []float32 {
		t, ok := g.Initializers[name]
		if !ok || t.DType() != tensor.Float32 {
			return nil
		}
		return t.Float32s()
	}
	removed := map[*ir.Node]bool{}
	changed := false
	for _, bn := range g.Nodes {
		if bn.OpType != "BatchNormalization" || bn.Domain != "" || len(bn.Inputs) < 5 || len(bn.Outputs) == 0 {
			continue
		}
		if bn.AttrInt("training_mode", 0) != 0 || countNonEmpty(bn.Outputs) != 1 {
			continue
		}
		conv := producer[bn.Inputs[0]]
		if conv == nil || conv.Domain != "" || (conv.OpType != "Conv" && conv.OpType != "ConvTranspose") || readers[bn.Inputs[0]] != 1 || removed[conv] {
			continue
		}
		if conv.OpType == "ConvTranspose" && conv.AttrInt("group", 1) != 1 {
			continue
		}
		wt, ok := g.Initializers[conv.Input(1)]
		if !ok || wt.DType() != tensor.Float32 || wt.Rank() < 3 {
			continue
		}
		gamma, beta, mean, vr := f32(bn.Inputs[1]), f32(bn.Inputs[2]), f32(bn.Inputs[3]), f32(bn.Inputs[4])
		outC := wt.Shape()[0]
		if conv.OpType == "ConvTranspose" {
			outC = wt.Shape()[1]
		}
		if len(gamma) != outC || len(beta) != outC || len(mean) != outC || len(vr) != outC {
			continue
		}
		var bias []float32
		if b := conv.Input(2); b != "" {
			if bias = f32(b); len(bias) != outC {
				continue
			}
		}
		eps := float64(bn.AttrFloat("epsilon", 1e-5))
		scale := make([]float64, outC)
		for o := range scale {
			scale[o] = float64(gamma[o]) / math.Sqrt(float64(vr[o])+eps)
		}
		w := wt.Float32s()
		nw := make([]float32, len(w))
		if conv.OpType == "Conv" {
			per := len(w) / outC
			for o := 0; o < outC; o++ {
				for i := o * per; i < (o+1)*per; i++ {
					nw[i] = float32(float64(w[i]) * scale[o])
				}
			}
		} else { // ConvTranspose weight: [C_in, C_out, k...]
			inner := len(w) / (wt.Shape()[0] * outC)
			for i := range w {
				o := (i / inner) % outC
				nw[i] = float32(float64(w[i]) * scale[o])
			}
		}
		nb := make([]float32, outC)
		for o := range nb {
			b := 0.0
			if bias != nil {
				b = float64(bias[o])
			}
			nb[o] = float32((b-float64(mean[o]))*scale[o] + float64(beta[o]))
		}
		wName := uniqueName(g, conv.Input(1)+"_bnfold")
		bName := uniqueName(g, bn.Outputs[0]+"_bias_bnfold")
		g.AddInitializer(wName, tensor.Must(tensor.FromData(tensor.Float32, wt.Shape(), nw)))
		g.AddInitializer(bName, tensor.Must(tensor.FromData(tensor.Float32, []int{outC}, nb)))
		inputs := []string{conv.Input(0), wName, bName}
		conv.Inputs = inputs
		conv.Outputs = []string{bn.Outputs[0]}
		removed[bn] = true
		changed = true
	}
	if changed {
		var nodes []*ir.Node
		for _, n := range g.Nodes {
			if !removed[n] {
				nodes = append(nodes, n)
			}
		}
		g.Nodes = nodes
		RemoveDeadNodes(g)
	}
	return changed
}

func countNonEmpty(ss []string) int {
	c := 0
	for _, s := range ss {
		if s != "" {
			c++
		}
	}
	return c
}

// uniqueName returns base, or base with a numeric suffix, unused in g.
func uniqueName(g *ir.Graph, base string) string {
	used := func(s string) bool {
		if _, ok := g.Initializers[s]; ok {
			return true
		}
		for _, n := range g.Nodes {
			for _, o := range n.Outputs {
				if o == s {
					return true
				}
			}
		}
		for _, in := range g.Inputs {
			if in.Name == s {
				return true
			}
		}
		return false
	}
	name := base
	for i := 1; used(name); i++ {
		name = base + "_" + itoa(i)
	}
	return name
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b[p:])
}
