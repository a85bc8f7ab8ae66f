package main

import (
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
	"github.com/spf13/cobra"
)

func infoCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "info MODEL",
		Short: "Describe and validate a model: inputs, outputs, opsets, operators, parameters",
		Long: `Describe a model: inputs and outputs with dtypes and shapes (symbolic dims by
name), opset imports, operator histogram, parameter count and bytes by dtype.
The model is fully validated (decode, graph checks, kernel selection); an
invalid model prints the error and exits non-zero, so info doubles as a checker.`,
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
			return nil
		},
	}
	return c
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
