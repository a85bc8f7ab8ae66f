package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MB formats a byte count in megabytes (10^6), or "n/a" for nil.
func MB(b *int64) string {
	if b == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(*b)/1e6)
}

// WriteJSON writes r as one JSON object on one line.
func (r *Result) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// WriteText writes r for people: latency, throughput, memory and, when
// present, the ONNX Runtime comparison.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	size := r.ModelBytes
	fmt.Fprintf(&b, "model       %s (%s)\n", r.Model, MB(&size))
	names := make([]string, 0, len(r.Inputs))
	for n := range r.Inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "input       %s %s\n", n, r.Inputs[n])
	}
	fmt.Fprintf(&b, "threads     %d\n", r.Threads)
	fmt.Fprintf(&b, "load        %.1f ms (load + compile)\n", r.LoadMs)
	fmt.Fprintf(&b, "runs        %d timed after %d warm-up\n", r.Runs, r.Warmup)
	fmt.Fprintf(&b, "latency     min %.3f ms  median %.3f ms  mean %.3f ms\n", r.MinMs, r.MedianMs, r.MeanMs)
	fmt.Fprintf(&b, "throughput  %.2f inferences/s\n", r.Throughput)
	fmt.Fprintf(&b, "peak RSS    %s\n", MB(r.PeakRSSBytes))
	switch {
	case r.ORTMedianMs != nil:
		fmt.Fprintf(&b, "ORT         min %.3f ms  median %.3f ms", *r.ORTMinMs, *r.ORTMedianMs)
		if r.ORTPeakRSSBytes != nil {
			fmt.Fprintf(&b, "  peak RSS %s", MB(r.ORTPeakRSSBytes))
		}
		b.WriteString("\n")
		if r.Ratio != nil {
			fmt.Fprintf(&b, "ratio       %.2f (qinfer median / ORT median; < 1: qinfer faster)\n", *r.Ratio)
		}
	case r.ORTError != "":
		fmt.Fprintf(&b, "ORT         failed: %s\n", r.ORTError)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteProfile writes the top nodes by total time (all nodes when top <= 0)
// with their share of the main graph's node time, then the totals per
// operator type. Times are per timed run. Nodes inside subgraphs are
// listed but counted in their control-flow node, not twice.
func (r *Result) WriteProfile(w io.Writer, top int) error {
	if len(r.Profile) == 0 {
		_, err := fmt.Fprintln(w, "no profile (run with profiling on)")
		return err
	}
	runs := float64(max(r.Runs, 1))
	var sum float64
	type agg struct {
		op    string
		nodes int
		ms    float64
	}
	byOp := map[string]*agg{}
	for _, p := range r.Profile {
		if p.Depth > 0 {
			continue
		}
		sum += p.TotalMs
		a := byOp[p.Op]
		if a == nil {
			a = &agg{op: p.Op}
			byOp[p.Op] = a
		}
		a.nodes++
		a.ms += p.TotalMs
	}
	pct := func(v float64) float64 {
		if sum == 0 {
			return 0
		}
		return 100 * v / sum
	}
	var b strings.Builder
	n := len(r.Profile)
	if top > 0 && top < n {
		n = top
	}
	fmt.Fprintf(&b, "top %d of %d nodes: %.3f ms/run in nodes (median run %.3f ms)\n", n, len(r.Profile), sum/runs, r.MedianMs)
	fmt.Fprintf(&b, "%4s  %10s  %6s  %6s  %-22s  %s\n", "#", "ms/run", "%", "calls", "op", "name")
	for i, p := range r.Profile[:n] {
		name := p.Name
		share := fmt.Sprintf("%6.1f", pct(p.TotalMs))
		if p.Depth > 0 {
			name += fmt.Sprintf("  (subgraph depth %d)", p.Depth)
			share = fmt.Sprintf("%6s", "-")
		}
		fmt.Fprintf(&b, "%4d  %10.3f  %s  %6d  %-22s  %s\n", i+1, p.TotalMs/runs, share, p.Calls, p.Op, name)
	}
	ops := make([]*agg, 0, len(byOp))
	for _, a := range byOp {
		ops = append(ops, a)
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].ms != ops[j].ms {
			return ops[i].ms > ops[j].ms
		}
		return ops[i].op < ops[j].op
	})
	fmt.Fprintf(&b, "\nby op type (main graph)\n%-22s  %6s  %10s  %6s\n", "op", "nodes", "ms/run", "%")
	for _, a := range ops {
		fmt.Fprintf(&b, "%-22s  %6d  %10.3f  %6.1f\n", a.op, a.nodes, a.ms/runs, pct(a.ms))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
