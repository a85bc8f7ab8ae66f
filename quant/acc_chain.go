package quant

import (
	"maps"
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// accMaxChain bounds the elementwise ops left between one DQ and one Q: the
// runtime's QDQ fusion folds a chain into one lookup table only up to 16 ops.
const accMaxChain = 15

// accEvalSamples is how many calibration samples Static keeps to choose
// between the two ways of quantizing elementwise chains.
const accEvalSamples = 4

// accTableOps maps each selected node FuseQDQ turns into a lookup table (a
// unary activation, or Add/Mul of one activation and a constant scalar) to
// the index of its data input.
func accTableOps(nodes []*rwStaticNode) map[*ir.Node]int {
	out := map[*ir.Node]int{}
	for _, sn := range nodes {
		n := sn.n
		if len(n.Outputs) != 1 || len(sn.acts) != 1 {
			continue
		}
		switch n.OpType {
		case "Add", "Mul":
			if len(n.Inputs) == 2 && len(sn.weights) == 0 {
				out[n] = sn.acts[0]
			}
		case "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "HardSwish", "HardSigmoid":
			out[n] = 0
		}
	}
	return out
}

// accChainValues returns the values inside chains of lookup-table ops
// (PP-LCNet's Conv → Mul → Add → HardSwish → Mul → Add), which can be left
// float: the chain keeps one Q/DQ pair at each end and FuseQDQ evaluates
// it exactly on the 256 input codes as one table, so the values between
// are rounded once, at the end, instead of once per op. Either way the run
// costs one table per chain.
func (r *rwGraph) accChainValues(nodes []*rwStaticNode, quantT map[string]bool, cfg Config) map[string]bool {
	table := accTableOps(nodes)
	depth := map[string]int{} // chain position of values left float
	for _, sn := range nodes {
		n := sn.n
		i, ok := table[n]
		if !ok {
			continue
		}
		d := 1
		if in := n.Inputs[i]; depth[in] > 0 {
			d = depth[in] + 1
		} else if !quantT[in] {
			continue // no DQ starts the chain (e.g. Conv → Relu folded)
		}
		t := n.Outputs[0]
		if d >= accMaxChain || !quantT[t] || r.isOutput(t) {
			continue
		}
		if _, ok := cfg.Overrides.Tensor(t); ok {
			continue
		}
		cs := r.consumers(t)
		if len(cs) != 1 {
			continue
		}
		if j, ok := table[cs[0]]; !ok || cs[0].Inputs[j] != t {
			continue
		}
		depth[t] = d
	}
	out := make(map[string]bool, len(depth))
	for t := range depth {
		out[t] = true
	}
	return out
}

// accRecorder passes samples through and keeps the first max of them.
type accRecorder struct {
	src  Samples
	max  int
	kept []map[string]*tensor.Tensor
}

// Next returns the source's next sample.
func (a *accRecorder) Next() (map[string]*tensor.Tensor, error) {
	s, err := a.src.Next()
	if err == nil && len(a.kept) < a.max {
		a.kept = append(a.kept, s)
	}
	return s, err
}

// accWith returns a copy of the model with Q/DQ pairs on the quantized
// activations acts, except those in skip (r itself is left as it was).
func (r *rwGraph) accWith(acts []string, quantT, skip map[string]bool, params map[string]Params, schemes map[string]Scheme) *ir.Model {
	save := *r
	defer func() { *r = save }()
	m := r.m.Clone()
	r.m, r.g, r.names = m, m.Graph, maps.Clone(r.names)
	for _, t := range acts {
		if quantT[t] && !skip[t] {
			r.insertQDQ(t, params[t], schemes[t])
		}
	}
	return m
}

// accOutputNoise runs ref and cand on feeds and returns the squared error of
// cand's float outputs against ref's, summed; ok is false when a model does
// not compile or run (the caller then keeps its default).
func accOutputNoise(ref, cand *ir.Model, feeds []map[string]*tensor.Tensor) (noise float64, ok bool) {
	rp, err := runtime.Compile(ref, runtime.Options{})
	if err != nil {
		return 0, false
	}
	cp, err := runtime.Compile(cand, runtime.Options{})
	if err != nil {
		return 0, false
	}
	rs, cs := rp.NewSession(), cp.NewSession()
	for _, f := range feeds {
		ro, err := rs.Run(f)
		if err != nil {
			return 0, false
		}
		co, err := cs.Run(f)
		if err != nil {
			return 0, false
		}
		for _, o := range rp.Outputs {
			a, b := ro[o.Name], co[o.Name]
			if a == nil || b == nil || a.DType() != tensor.Float32 || b.DType() != tensor.Float32 || a.Len() != b.Len() {
				continue
			}
			av, bv := a.Float32s(), b.Float32s()
			for i := range av {
				d := float64(bv[i]) - float64(av[i])
				noise += d * d
			}
		}
	}
	return noise, !math.IsNaN(noise) && !math.IsInf(noise, 0)
}

// accPreferFloatChains decides, on the calibration samples kept, whether
// the values of elementwise chains (see accChainValues) stay float: it
// quantizes the model both ways and keeps the one whose outputs are closer
// to the float model's.
//
// Neither way is better for every model, and the difference is not noise.
// Requantizing every value of a chain rounds once per op, and an Add of a
// constant b maps its input grid onto an output grid of (nearly) the same
// step s, so every element moves by the same s·round(b/s) - b, up to s/2:
// an offset, not noise, which the next Conv sums coherently. On PP-OCRv4 rec
// (static int8 minmax) one rounding per chain raised the mean per-layer
// SQNR from 10.6 to 15.4 dB and the logits' SQNR from 11.5 to 15.8 dB (CER
// on 100 lines 1.80 % → 0.00 %; 2–3 dB better output SQNR with every
// calibration set tried). On PP-OCRv4 det the same change also raised the
// mean per-layer SQNR (6.7 → 7.9 dB), yet the probability map, computed by
// the float ConvTranspose head, lost 0.6–0.7 dB on every page set tried
// (IoU 0.897 → 0.882): the offsets there happen to cancel part of the
// map's other errors. Only the end-to-end error tells the two apart.
func (r *rwGraph) accPreferFloatChains(ref *ir.Model, feeds []map[string]*tensor.Tensor, acts []string, quantT, chain map[string]bool,
	params map[string]Params, schemes map[string]Scheme) bool {
	if len(chain) == 0 || len(feeds) == 0 {
		return false
	}
	perValue, ok := accOutputNoise(ref, r.accWith(acts, quantT, nil, params, schemes), feeds)
	if !ok {
		return false
	}
	floatChains, ok := accOutputNoise(ref, r.accWith(acts, quantT, chain, params, schemes), feeds)
	return ok && floatChains < perValue
}
