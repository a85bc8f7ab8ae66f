package ops

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
)

// pfAct is the activation of a fused node (qinfer.FusedConv), read from
// its activation / activation_params attributes. It means the same as the
// standalone ai.onnx operator it replaced.
type pfAct struct {
	op     string            // Relu, Clip, LeakyRelu, HardSigmoid, HardSwish, Sigmoid
	ep     linalg.Activation // the SGEMM epilogue equivalent, ActNone if none
	p0, p1 float32           // Clip min, max; LeakyRelu alpha; HardSigmoid alpha, beta
	post   bool              // activation_post: the result is act*ps + pt
	ps, pt float32
}

// pfNewAct reads a fused node's activation; nil means none.
func pfNewAct(n *ir.Node) (*pfAct, error) {
	op := n.AttrString("activation", "")
	ps := n.AttrFloats("activation_params")
	need := map[string]int{"": 0, "Relu": 0, "HardSwish": 0, "Sigmoid": 0, "LeakyRelu": 1, "Clip": 2, "HardSigmoid": 2}
	want, ok := need[op]
	if !ok {
		return nil, NodeErrf(n, "activation %q: %w", op, ErrUnsupported)
	}
	if len(ps) != want {
		return nil, NodeErrf(n, "activation %s has %d params, want %d: %w", op, len(ps), want, ir.ErrInvalidModel)
	}
	if op == "" {
		if n.Attr("activation_post") != nil {
			return nil, NodeErrf(n, "activation_post without activation: %w", ir.ErrInvalidModel)
		}
		return nil, nil
	}
	a := &pfAct{op: op}
	if pp := n.Attr("activation_post"); pp != nil {
		if len(pp.Floats) != 2 {
			return nil, NodeErrf(n, "activation_post has %d values, want 2: %w", len(pp.Floats), ir.ErrInvalidModel)
		}
		a.post, a.ps, a.pt = true, pp.Floats[0], pp.Floats[1]
	}
	if want > 0 {
		a.p0 = ps[0]
	}
	if want > 1 {
		a.p1 = ps[1]
	}
	switch op {
	case "Relu":
		a.ep = linalg.ActRelu
	case "Clip":
		a.ep = linalg.ActClip
	case "LeakyRelu":
		a.ep = linalg.ActLeakyRelu
	case "HardSwish":
		a.ep = linalg.ActHardSwish
	case "Sigmoid":
		a.ep = linalg.ActSigmoid
	}
	return a, nil
}

// epilogue adds a to ep when SGEMM's epilogue can compute it, reporting
// whether it did; otherwise the caller runs apply32 on the result.
func (a *pfAct) epilogue(ep *linalg.Epilogue) bool {
	if a == nil || a.ep == linalg.ActNone {
		return false
	}
	ep.Act, ep.Min, ep.Max, ep.Alpha = a.ep, a.p0, a.p1, a.p0
	ep.Post, ep.PostScale, ep.PostShift = a.post, a.ps, a.pt
	return true
}

// apply32 applies a in place.
func (a *pfAct) apply32(y []float32) {
	if a == nil {
		return
	}
	switch a.op {
	case "Relu":
		for i, v := range y {
			y[i] = max(v, 0)
		}
	case "Clip":
		lo, hi := a.p0, a.p1
		for i, v := range y {
			y[i] = min(max(v, lo), hi)
		}
	case "LeakyRelu":
		al := a.p0
		for i, v := range y {
			if v < 0 {
				y[i] = v * al
			}
		}
	case "HardSigmoid":
		// float32 arithmetic, as ONNX Runtime; Go's min/max keep NaN.
		al, be := a.p0, a.p1
		for i, v := range y {
			y[i] = max(0, min(1, al*v+be))
		}
	case "HardSwish":
		for i, v := range y {
			y[i] = v * max(0, min(1, v*(1.0/6)+0.5))
		}
	case "Sigmoid":
		// Vectorised (the DB head's 640×640 probability map).
		linalg.Sigmoid32(y, y, 1, false)
	}
	if a.post {
		s, t := a.ps, a.pt
		for i, v := range y {
			y[i] = v*s + t
		}
	}
}

// apply64 applies a in place.
func (a *pfAct) apply64(y []float64) {
	if a == nil {
		return
	}
	lo, hi, al, be := float64(a.p0), float64(a.p1), float64(a.p0), float64(a.p1)
	for i, v := range y {
		switch a.op {
		case "Relu":
			y[i] = math.Max(v, 0)
		case "Clip":
			y[i] = math.Min(math.Max(v, lo), hi)
		case "LeakyRelu":
			if v < 0 {
				y[i] = v * al
			}
		case "HardSigmoid":
			y[i] = math.Max(0, math.Min(1, al*v+be))
		case "HardSwish":
			y[i] = v * math.Max(0, math.Min(1, v/6+0.5))
		case "Sigmoid":
			y[i] = ewSigmoid64(v)
		}
		if a.post {
			y[i] = y[i]*float64(a.ps) + float64(a.pt)
		}
	}
}
