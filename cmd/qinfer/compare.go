package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
	"github.com/spf13/cobra"
)

// cmpAcc accumulates agreement statistics of one tensor over many samples
// in constant memory.
type cmpAcc struct {
	sig, noise, dot, gg float64
	maxAbs              float64
	n                   int64
	rows, agree         int // top-1 over class-score rows
	classes             bool
	nan                 bool
}

func (a *cmpAcc) add(ref, got *tensor.Tensor) error {
	if fmt.Sprint(ref.Shape()) != fmt.Sprint(got.Shape()) {
		return fmt.Errorf("shapes %v and %v differ: %w", ref.Shape(), got.Shape(), tensor.ErrShape)
	}
	if ref.DType() == tensor.String || got.DType() == tensor.String || ref.DType() == tensor.Bool {
		return fmt.Errorf("cannot compare %v tensors: %w", ref.DType(), tensor.ErrDType)
	}
	r, g := tensor.ToFloat32(ref), tensor.ToFloat32(got)
	for i := range r {
		x, y := float64(r[i]), float64(g[i])
		d := x - y
		if d != d {
			a.nan = true
			continue
		}
		a.sig += x * x
		a.noise += d * d
		a.dot += x * y
		a.gg += y * y
		a.maxAbs = max(a.maxAbs, math.Abs(d))
	}
	a.n += int64(len(r))
	// Class scores: a float [rows, classes] tensor with classes >= 2.
	if ref.DType().IsFloat() && ref.Rank() == 2 && ref.Shape()[1] >= 2 {
		a.classes = true
		c := ref.Shape()[1]
		for row := 0; row < ref.Shape()[0]; row++ {
			a.rows++
			if cmpArgmax(r[row*c:(row+1)*c]) == cmpArgmax(g[row*c:(row+1)*c]) {
				a.agree++
			}
		}
	}
	return nil
}

func cmpArgmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// sqnr is 10·log10(Σref² / Σ(ref-got)²) in dB (+Inf when equal).
func (a *cmpAcc) sqnr() float64 {
	if a.nan {
		return math.NaN()
	}
	if a.noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(a.sig/a.noise)
}

func (a *cmpAcc) cosine() float64 {
	if a.sig == 0 && a.gg == 0 {
		return 1
	}
	if a.sig == 0 || a.gg == 0 {
		return 0
	}
	return a.dot / math.Sqrt(a.sig*a.gg)
}

// cmpPair matches a quantized tensor of the candidate with its float twin.
type cmpPair struct {
	cand, ref string
	weight    bool
	acc       cmpAcc
}

// cmpLayers finds the candidate's DequantizeLinear outputs and their float
// twins in the reference: the same name, or the name without the
// "_dequantized" suffix (graph inputs and weights shared with float ops).
func cmpLayers(ref, cand *ir.Model) []*cmpPair {
	refVals := map[string]bool{}
	for _, in := range ref.Graph.Inputs {
		refVals[in.Name] = true
	}
	for name := range ref.Graph.Initializers {
		refVals[name] = true
	}
	for _, n := range ref.Graph.Nodes {
		for _, o := range n.Outputs {
			refVals[o] = true
		}
	}
	var out []*cmpPair
	for _, n := range cand.Graph.Nodes {
		if n.Domain != "" || n.OpType != "DequantizeLinear" || len(n.Outputs) != 1 {
			continue
		}
		o := n.Outputs[0]
		twin := o
		if !refVals[twin] {
			twin = strings.TrimSuffix(o, "_dequantized")
		}
		if !refVals[twin] {
			continue
		}
		_, w := cand.Graph.Initializers[n.Input(0)]
		out = append(out, &cmpPair{cand: o, ref: twin, weight: w})
	}
	return out
}

// cmpAddOutputs appends names as graph outputs (skipping existing outputs,
// inputs and initializers) and returns which were added.
func cmpAddOutputs(m *ir.Model, names []string) {
	have := map[string]bool{}
	for _, o := range m.Graph.Outputs {
		have[o.Name] = true
	}
	for _, in := range m.Graph.Inputs {
		have[in.Name] = true
	}
	for name := range m.Graph.Initializers {
		have[name] = true
	}
	for _, n := range names {
		if !have[n] {
			have[n] = true
			m.Graph.Outputs = append(m.Graph.Outputs, &ir.ValueInfo{Name: n})
		}
	}
}

func compareCmd() *cobra.Command {
	var data, pre string
	var samples int
	var layers bool
	c := &cobra.Command{
		Use:   "compare REF CANDIDATE --data SPEC [--samples N] [--layers]",
		Short: "Compare a (quantized) candidate model with its float reference over a dataset",
		Long: `Run REF and CANDIDATE on every sample of --data and report, per graph output,
top-1 agreement (for [batch, classes] float outputs), cosine similarity, SQNR in
dB and the largest absolute error.

With --layers, also the SQNR of every quantized tensor of CANDIDATE (the
outputs of its DequantizeLinear nodes) against the tensor of the same name in
REF, worst first; a name ending in _dequantized matches the name without the
suffix ('qinfer quantize' keeps activation names stable this way).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" {
				return fmt.Errorf("compare: --data SPEC is required (npy:DIR, idx:FILE or images:DIR)")
			}
			ref, err := onnx.Load(args[0])
			if err != nil {
				return err
			}
			cand, err := onnx.Load(args[1])
			if err != nil {
				return err
			}
			ds, err := qzOpenData(ref, data, pre)
			if err != nil {
				return err
			}
			if samples > 0 {
				ds = eval.Limit(ds, samples)
			}
			candOuts := map[string]bool{}
			for _, o := range cand.Graph.Outputs {
				candOuts[o.Name] = true
			}
			var outs []*cmpPair
			for _, o := range ref.Graph.Outputs {
				if candOuts[o.Name] {
					outs = append(outs, &cmpPair{cand: o.Name, ref: o.Name})
				}
			}
			if len(outs) == 0 {
				return fmt.Errorf("compare: the models share no output name")
			}
			var pairs []*cmpPair
			if layers {
				pairs = cmpLayers(ref, cand)
				var rn, cn []string
				for _, p := range pairs {
					rn, cn = append(rn, p.ref), append(cn, p.cand)
				}
				ref, cand = ref.Clone(), cand.Clone()
				cmpAddOutputs(ref, rn)
				cmpAddOutputs(cand, cn)
			}
			rp, err := runtime.Compile(ref, runtime.Options{})
			if err != nil {
				return fmt.Errorf("compare: %s: %w", args[0], err)
			}
			cp, err := runtime.Compile(cand, runtime.Options{})
			if err != nil {
				return fmt.Errorf("compare: %s: %w", args[1], err)
			}
			rs, cs := rp.NewSession(), cp.NewSession()
			value := func(m *ir.Model, out, feed map[string]*tensor.Tensor, name string) *tensor.Tensor {
				if t := out[name]; t != nil {
					return t
				}
				if t := feed[name]; t != nil {
					return t
				}
				return m.Graph.Initializers[name]
			}
			n := 0
			pass := qzPass(ds)
			defer pass.stop()
			for {
				feed, err := pass.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
				ro, err := rs.RunContext(cmd.Context(), feed)
				if err != nil {
					return fmt.Errorf("compare: %s: %w", args[0], err)
				}
				co, err := cs.RunContext(cmd.Context(), feed)
				if err != nil {
					return fmt.Errorf("compare: %s: %w", args[1], err)
				}
				for _, p := range outs {
					if err := p.acc.add(ro[p.ref], co[p.cand]); err != nil {
						return fmt.Errorf("compare: output %q: %w", p.ref, err)
					}
				}
				for _, p := range pairs {
					if p.weight && n > 0 {
						continue
					}
					r, c := value(ref, ro, feed, p.ref), value(cand, co, feed, p.cand)
					if r == nil || c == nil {
						continue
					}
					if err := p.acc.add(r, c); err != nil {
						p.acc.nan = true // shapes differ (e.g. folded weights): not comparable
					}
				}
				n++
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d samples\n\n", n)
			nw := len("output")
			for _, p := range outs {
				nw = max(nw, len(p.ref))
			}
			fmt.Fprintf(w, "%-*s  %8s  %9s  %8s  %10s\n", nw, "output", "top-1 %", "cosine", "SQNR dB", "max |err|")
			for _, p := range outs {
				top := "-"
				if p.acc.classes && p.acc.rows > 0 {
					top = fmt.Sprintf("%.2f", 100*float64(p.acc.agree)/float64(p.acc.rows))
				}
				fmt.Fprintf(w, "%-*s  %8s  %9.6f  %8.2f  %10.4g\n", nw, p.ref, top, p.acc.cosine(), p.acc.sqnr(), p.acc.maxAbs)
			}
			if layers {
				var shown []*cmpPair
				for _, p := range pairs {
					if p.acc.n > 0 && !p.acc.nan {
						shown = append(shown, p)
					}
				}
				sort.SliceStable(shown, func(i, j int) bool { return shown[i].acc.sqnr() < shown[j].acc.sqnr() })
				lw := len("tensor")
				for _, p := range shown {
					lw = max(lw, len(p.cand))
				}
				fmt.Fprintf(w, "\nquantized tensors, worst first (%d):\n%-*s  %-10s  %8s  %9s  %10s\n", len(shown), lw, "tensor", "kind", "SQNR dB", "cosine", "max |err|")
				for _, p := range shown {
					kind := "activation"
					if p.weight {
						kind = "weight"
					}
					fmt.Fprintf(w, "%-*s  %-10s  %8.2f  %9.6f  %10.4g\n", lw, p.cand, kind, p.acc.sqnr(), p.acc.cosine(), p.acc.maxAbs)
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&data, "data", "", "dataset: npy:DIR, idx:FILE or images:DIR")
	c.Flags().IntVar(&samples, "samples", 0, "samples to compare (0: all)")
	c.Flags().BoolVar(&layers, "layers", false, "also compare every quantized tensor with its float twin")
	c.Flags().StringVar(&pre, "preprocess", "", "image preprocessing (see quantize)")
	return c
}
