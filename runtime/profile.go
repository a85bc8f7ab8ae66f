package runtime

import (
	"sort"
	"sync"
	"time"
)

// NodeTime is the time one node of a plan spent running, summed over every
// run of a session since it was created or last reset.
type NodeTime struct {
	OpType string        // e.g. "Conv"
	Domain string        // "" for ai.onnx
	Name   string        // the node's name, or its first output's name when it has none
	Depth  int           // 0 for the main graph, 1 for a node in a subgraph of a main-graph node, ...
	Total  time.Duration // wall time inside the kernel, summed over calls
	Calls  int           // kernel calls (a node in a Loop body runs once per iteration)
}

// Op returns "domain.op" ("op" for ai.onnx).
func (n NodeTime) Op() string {
	if n.Domain == "" {
		return n.OpType
	}
	return n.Domain + "." + n.OpType
}

// profiler accumulates per-step times of one session. A control-flow node's
// time includes the nodes of its subgraphs, which are also listed (Depth > 0).
type profiler struct {
	mu    sync.Mutex
	byStp map[*step]int // index into times
	times []NodeTime
}

func newProfiler() *profiler { return &profiler{byStp: map[*step]int{}} }

func (p *profiler) add(st *step, fr *frame, d time.Duration) {
	p.mu.Lock()
	i, ok := p.byStp[st]
	if !ok {
		n := st.node
		name := n.Name
		if name == "" && len(n.Outputs) > 0 {
			name = n.Outputs[0]
		}
		depth := 0
		for f := fr.parent; f != nil; f = f.parent {
			depth++
		}
		i = len(p.times)
		p.byStp[st] = i
		p.times = append(p.times, NodeTime{OpType: n.OpType, Domain: n.Domain, Name: name, Depth: depth})
	}
	p.times[i].Total += d
	p.times[i].Calls++
	p.mu.Unlock()
}

// Profile returns the time each node spent running, summed over the
// session's runs since it was created or ResetProfile was called, ordered by
// decreasing total time (ties: first run first). It returns nil unless the
// plan was compiled with Options.Profile. Nodes that never ran are absent.
func (s *Session) Profile() []NodeTime {
	if s.prof == nil {
		return nil
	}
	s.prof.mu.Lock()
	out := append([]NodeTime(nil), s.prof.times...)
	s.prof.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out
}

// ResetProfile clears the times gathered so far (for example after warm-up
// runs). It does nothing when profiling is off.
func (s *Session) ResetProfile() {
	if s.prof == nil {
		return
	}
	s.prof.mu.Lock()
	s.prof.byStp = map[*step]int{}
	s.prof.times = nil
	s.prof.mu.Unlock()
}
