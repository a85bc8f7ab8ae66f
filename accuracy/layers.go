package accuracy

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// LayerSQNR is the agreement of one quantized activation with its float
// twin, pooled over the samples it was measured on.
type LayerSQNR struct {
	Tensor   string // the activation's name in the float model
	Producer string // "name (OpType)" of the float node that makes it
	Users    string // op types of the float nodes that read it
	SQNR     float64
	MaxAbs   float64
	Order    int // position of the producer in the float graph (-1: input)
}

// LayerSQNRs runs ref and cand on feeds with every quantized activation of
// cand (the output of a DequantizeLinear of a non-constant tensor) exposed,
// and returns each one's SQNR against the tensor of the same name in ref
// (a name ending in _dequantized matches the name without the suffix),
// worst first.
func LayerSQNRs(ref, cand *ir.Model, feeds []map[string]*tensor.Tensor, threads int) ([]LayerSQNR, error) {
	producer, users := map[string]*ir.Node{}, map[string][]string{}
	order := map[string]int{}
	refVals := map[string]bool{}
	for _, in := range ref.Graph.Inputs {
		refVals[in.Name] = true
	}
	for _, n := range ref.Graph.Nodes {
		for _, o := range n.Outputs {
			producer[o] = n
			order[o] = len(order)
			refVals[o] = true
		}
		for _, in := range n.Inputs {
			users[in] = append(users[in], n.OpType)
		}
	}
	type pair struct {
		cand, ref      string
		sig, noise, mx float64
	}
	var pairs []*pair
	for _, n := range cand.Graph.Nodes {
		if n.Domain != "" || n.OpType != "DequantizeLinear" || len(n.Outputs) != 1 || len(n.Inputs) == 0 {
			continue
		}
		if _, w := cand.Graph.Initializers[n.Inputs[0]]; w {
			continue
		}
		o := n.Outputs[0]
		twin := o
		if !refVals[twin] {
			twin = strings.TrimSuffix(o, "_dequantized")
		}
		if refVals[twin] {
			pairs = append(pairs, &pair{cand: o, ref: twin})
		}
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	ref, cand = ref.Clone(), cand.Clone()
	expose := func(m *ir.Model, names []string) {
		have := map[string]bool{}
		for _, o := range m.Graph.Outputs {
			have[o.Name] = true
		}
		for _, in := range m.Graph.Inputs {
			have[in.Name] = true
		}
		for _, n := range names {
			if !have[n] {
				have[n] = true
				m.Graph.Outputs = append(m.Graph.Outputs, &ir.ValueInfo{Name: n})
			}
		}
	}
	var rn, cn []string
	for _, p := range pairs {
		rn, cn = append(rn, p.ref), append(cn, p.cand)
	}
	expose(ref, rn)
	expose(cand, cn)
	rp, err := runtime.Compile(ref, runtime.Options{Threads: threads})
	if err != nil {
		return nil, err
	}
	cp, err := runtime.Compile(cand, runtime.Options{Threads: threads})
	if err != nil {
		return nil, err
	}
	rs, cs := rp.NewSession(), cp.NewSession()
	for _, feed := range feeds {
		ro, err := rs.Run(feed)
		if err != nil {
			return nil, err
		}
		co, err := cs.Run(feed)
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			r, c := ro[p.ref], co[p.cand]
			if r == nil {
				r = feed[p.ref]
			}
			if r == nil || c == nil || r.Len() != c.Len() {
				continue
			}
			rv, cv := tensor.ToFloat32(r), tensor.ToFloat32(c)
			for i := range rv {
				d := float64(rv[i]) - float64(cv[i])
				p.sig += float64(rv[i]) * float64(rv[i])
				p.noise += d * d
				p.mx = max(p.mx, math.Abs(d))
			}
		}
	}
	out := make([]LayerSQNR, 0, len(pairs))
	for _, p := range pairs {
		l := LayerSQNR{Tensor: p.ref, SQNR: math.Inf(1), MaxAbs: p.mx, Order: -1}
		if k, ok := order[p.ref]; ok {
			l.Order = k
		}
		if p.noise > 0 {
			l.SQNR = 10 * math.Log10(p.sig/p.noise)
		}
		if n := producer[p.ref]; n != nil {
			l.Producer = fmt.Sprintf("%s (%s)", n.Name, n.OpType)
		} else {
			l.Producer = "graph input"
		}
		l.Users = strings.Join(users[p.ref], ", ")
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SQNR < out[j].SQNR })
	return out, nil
}
