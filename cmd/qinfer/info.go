package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
	"github.com/spf13/cobra"
)

func infoCmd() *cobra.Command {
	var plan bool
	c := &cobra.Command{
		Use:   "info MODEL",
		Short: "Describe and validate a model: inputs, outputs, opsets, operators, parameters",
		Long: `Describe a model: inputs and outputs with dtypes and shapes (symbolic dims by
name), opset imports, operator histogram, parameter count and bytes by dtype.
The model is fully validated (decode, graph checks, kernel selection); an
invalid model prints the error and exits non-zero, so info doubles as a checker.

With --plan, the model is compiled with optimization (constant folding, QDQ
fusion) and every step is listed with its kind (int8, float, shape, control),
followed by a summary naming the Conv/MatMul/Gemm nodes still in float.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := onnx.Load(args[0])
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintf(w, "model\t%s\n", args[0])
			if m.ProducerName != "" {
				fmt.Fprintf(w, "producer\t%s %s\n", m.ProducerName, m.ProducerVersion)
			}
			fmt.Fprintf(w, "ir_version\t%d\n", m.IRVersion)
			var doms []string
			for d := range m.Opsets {
				doms = append(doms, d)
			}
			sort.Strings(doms)
			for _, d := range doms {
				name := d
				if name == "" {
					name = "ai.onnx"
				}
				fmt.Fprintf(w, "opset\t%s %d\n", name, m.Opsets[d])
			}
			for _, in := range m.Graph.RealInputs() {
				fmt.Fprintf(w, "input\t%s\t%v\n", in.Name, in.Type)
			}
			for _, o := range m.Graph.Outputs {
				fmt.Fprintf(w, "output\t%s\t%v\n", o.Name, o.Type)
			}
			hist := map[string]int{}
			countOps(m.Graph, hist)
			var opsNames []string
			for k := range hist {
				opsNames = append(opsNames, k)
			}
			sort.Slice(opsNames, func(i, j int) bool {
				if hist[opsNames[i]] != hist[opsNames[j]] {
					return hist[opsNames[i]] > hist[opsNames[j]]
				}
				return opsNames[i] < opsNames[j]
			})
			for _, k := range opsNames {
				fmt.Fprintf(w, "op\t%s\t%d\n", k, hist[k])
			}
			params := map[tensor.DType][2]int64{}
			countParams(m.Graph, params)
			var total, totalBytes int64
			var dts []tensor.DType
			for dt := range params {
				dts = append(dts, dt)
			}
			sort.Slice(dts, func(i, j int) bool { return dts[i] < dts[j] })
			for _, dt := range dts {
				p := params[dt]
				fmt.Fprintf(w, "params\t%v\t%d elements\t%d bytes\n", dt, p[0], p[1])
				total += p[0]
				totalBytes += p[1]
			}
			fmt.Fprintf(w, "params\ttotal\t%d elements\t%d bytes\n", total, totalBytes)
			w.Flush()
			if _, err := runtime.Compile(m, runtime.Options{Threads: 1, NoOptimize: true}); err != nil {
				return fmt.Errorf("invalid model: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "valid: yes")
			if plan {
				p, err := runtime.Compile(m, runtime.Options{Threads: 1})
				if err != nil {
					return fmt.Errorf("compile: %w", err)
				}
				printPlan(cmd.OutOrStdout(), p.Nodes())
			}
			return nil
		},
	}
	c.Flags().BoolVar(&plan, "plan", false, "compile with optimization and list the execution plan (int8/float/shape/control per node)")
	return c
}

// printPlan writes one line per plan node and a summary line.
func printPlan(out io.Writer, nodes []runtime.PlanNode) {
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "plan\t#\top\tname\tkind\n")
	counts := map[string]int{}
	var slow []string
	for _, n := range nodes {
		note := ""
		if n.Note != "" {
			note = "\t(" + n.Note + ")"
		}
		fmt.Fprintf(w, "plan\t%d\t%s\t%s\t%s%s\n", n.Index, n.Op(), n.Name, n.Kind, note)
		counts[n.Kind]++
		if n.Note != "" {
			slow = append(slow, fmt.Sprintf("%s %q", n.OpType, n.Name))
		}
	}
	w.Flush()
	line := fmt.Sprintf("%d nodes: %d int8, %d float, %d shape, %d control", len(nodes),
		counts[runtime.KindInt8], counts[runtime.KindFloat], counts[runtime.KindShape], counts[runtime.KindControl])
	if len(slow) > 0 {
		line += fmt.Sprintf(" (float Conv/MatMul/Gemm: %s)", strings.Join(slow, ", "))
	} else {
		line += " (no float Conv/MatMul/Gemm)"
	}
	fmt.Fprintln(out, line)
}

func countOps(g *ir.Graph, hist map[string]int) {
	for _, n := range g.Nodes {
		k := n.OpType
		if n.Domain != "" {
			k = n.Domain + "." + k
		}
		hist[k]++
		for _, sg := range n.Subgraphs() {
			countOps(sg, hist)
		}
	}
}

func countParams(g *ir.Graph, acc map[tensor.DType][2]int64) {
	for _, t := range g.Initializers {
		p := acc[t.DType()]
		p[0] += int64(t.Len())
		p[1] += int64(t.Len()) * int64(t.DType().WireBits()) / 8
		acc[t.DType()] = p
	}
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			countParams(sg, acc)
		}
	}
}
