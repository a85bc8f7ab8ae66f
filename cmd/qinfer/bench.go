package main

import (
	"fmt"
	"os"

	"github.com/qinfer/qinfer/bench"
	"github.com/spf13/cobra"
)

func benchCmd() *cobra.Command {
	var cfg bench.Config
	var inputs, dims []string
	var asJSON bool
	var top int
	var cpuProfile string
	c := &cobra.Command{
		Use:   "bench MODEL [--threads N] [--runs R] [--warmup W] [--ort] [--json] [-i NAME=FILE.npy ...] [--dim NAME=VALUE ...] [--profile]",
		Short: "Measure a model's latency, throughput and memory, optionally against ONNX Runtime",
		Long: `Load and compile MODEL, build its inputs, run W warm-up and R timed
inferences on one session, and print min/median latency, throughput, the
process's peak RSS and the model's size on disk (with external data).

Inputs not given with -i are random with a fixed seed in their declared
dtype and shape; symbolic dims are sized with --dim NAME=VALUE (unset ones
become 1, with a warning). With --ort the same file runs in ONNX Runtime
(node + onnxruntime-node from scripts/testdata.sh, a child process) with the
same inputs and threads, and the ratio qinfer/ORT of the medians is printed.
--profile adds per-node times (top --top nodes, and totals per op type);
--cpuprofile FILE writes a Go CPU profile of the timed runs.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if cfg.Dims, err = bench.ParseDims(dims); err != nil {
				return err
			}
			if cfg.Inputs, err = bench.LoadInputs(inputs); err != nil {
				return err
			}
			cfg.Log = cmd.ErrOrStderr()
			if cpuProfile != "" {
				pf, err := os.Create(cpuProfile)
				if err != nil {
					return err
				}
				defer pf.Close()
				cfg.CPUProfile = pf
			}
			res, err := bench.Run(cmd.Context(), args[0], cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				err = res.WriteJSON(out)
			} else {
				err = res.WriteText(out)
				if err == nil && cfg.Profile {
					fmt.Fprintln(out)
					err = res.WriteProfile(out, top)
				}
			}
			if err != nil {
				return err
			}
			if res.ORTError != "" {
				return &exitError{code: 1, msg: "bench: ONNX Runtime failed (qinfer results above)"}
			}
			return nil
		},
	}
	f := c.Flags()
	f.IntVar(&cfg.Threads, "threads", 0, "threads for qinfer and ORT (0: all cores)")
	f.IntVar(&cfg.Runs, "runs", 10, "timed runs")
	f.IntVar(&cfg.Warmup, "warmup", 3, "untimed warm-up runs")
	f.BoolVar(&cfg.ORT, "ort", false, "also run the model in ONNX Runtime and print the ratio")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	f.StringArrayVarP(&inputs, "input", "i", nil, "input as NAME=FILE.npy (repeatable)")
	f.StringArrayVar(&dims, "dim", nil, "symbolic dim size as NAME=VALUE (repeatable)")
	f.BoolVar(&cfg.Profile, "profile", false, "time every node (table with --json: the profile field)")
	f.IntVar(&top, "top", 20, "nodes listed by --profile (0: all)")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a Go CPU profile of the timed runs to FILE (go tool pprof)")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed of the random inputs")
	return c
}
