package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
	"github.com/spf13/cobra"
)

// sanitize maps every character outside [A-Za-z0-9._-] to '_', as file
// names of outputs (and the matching of input names) use it.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// matchInput finds the model input a -i name refers to: the input of that
// exact name, else the one whose sanitised name matches; "" when none does.
// Two inputs whose names sanitise alike make a non-exact name ambiguous.
func matchInput(inputs []*ir.ValueInfo, name string) (string, error) {
	real := ""
	for _, in := range inputs {
		if in.Name == name {
			return name, nil
		}
		if sanitize(in.Name) == sanitize(name) {
			if real != "" {
				return "", fmt.Errorf("run: -i %q is ambiguous: matches inputs %q and %q; use the exact name", name, real, in.Name)
			}
			real = in.Name
		}
	}
	return real, nil
}

func runCmd() *cobra.Command {
	var inputs []string
	var outDir string
	var threads int
	var maxMem int64
	c := &cobra.Command{
		Use:   "run MODEL -i NAME=FILE.npy [-i NAME=FILE.npy ...] -o OUTDIR [--threads N]",
		Short: "Run a model on .npy inputs and write every output to OUTDIR/<name>.npy",
		Long: `Run a model on .npy inputs and write every graph output to OUTDIR/<name>.npy.
Characters of output names outside [A-Za-z0-9._-] become '_' in file names;
input names given with -i are matched against model inputs the same way.
Supported .npy dtypes: f4 f8 f2 i1 i2 i4 i8 u1 u2 u4 u8 b1 (a 0-d array is a scalar).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if outDir == "" {
				return fmt.Errorf("run: -o OUTDIR is required")
			}
			m, err := onnx.Load(args[0])
			if err != nil {
				return err
			}
			plan, err := runtime.Compile(m, runtime.Options{Threads: threads, MaxMemory: maxMem})
			if err != nil {
				return err
			}
			feed := map[string]*tensor.Tensor{}
			for _, spec := range inputs {
				name, file, ok := strings.Cut(spec, "=")
				if !ok || name == "" || file == "" {
					return fmt.Errorf("run: -i %q: want NAME=FILE.npy", spec)
				}
				real, err := matchInput(plan.Inputs, name)
				if err != nil {
					return err
				}
				if _, dup := feed[real]; dup {
					return fmt.Errorf("run: input %q given twice", real)
				}
				if real == "" {
					var names []string
					for _, in := range plan.Inputs {
						names = append(names, in.Name)
					}
					return fmt.Errorf("run: model has no input %q (inputs: %s)", name, strings.Join(names, ", "))
				}
				t, err := tensor.LoadNpy(file)
				if err != nil {
					return fmt.Errorf("run: input %q: %w", name, err)
				}
				feed[real] = t
			}
			out, err := plan.NewSession().RunContext(cmd.Context(), feed)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return err
			}
			names := make([]string, 0, len(out))
			for k := range out {
				names = append(names, k)
			}
			sort.Strings(names)
			files := map[string]string{}
			for _, k := range names {
				if other, ok := files[sanitize(k)]; ok {
					return fmt.Errorf("run: outputs %q and %q would both be written to %s.npy", other, k, sanitize(k))
				}
				files[sanitize(k)] = k
			}
			for _, k := range names {
				p := filepath.Join(outDir, sanitize(k)+".npy")
				if err := tensor.SaveNpy(p, out[k]); err != nil {
					return fmt.Errorf("run: output %q: %w", k, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%v%v\t%s\n", k, out[k].DType(), out[k].Shape(), p)
			}
			return nil
		},
	}
	c.Flags().StringArrayVarP(&inputs, "input", "i", nil, "input as NAME=FILE.npy (repeatable)")
	c.Flags().StringVarP(&outDir, "output", "o", "", "directory for output .npy files")
	c.Flags().IntVar(&threads, "threads", 0, "threads for kernels (0: all cores)")
	c.Flags().Int64Var(&maxMem, "max-memory", 0, "cap in bytes on live tensors during a run (0: none)")
	return c
}
