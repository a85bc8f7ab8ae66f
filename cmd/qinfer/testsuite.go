package main

import (
	"fmt"

	"github.com/qinfer/qinfer/backendtest"
	"github.com/spf13/cobra"
)

func testsuiteCmd() *cobra.Command {
	var threads int
	var noSkip, verbose bool
	c := &cobra.Command{
		Use:   "testsuite DIR...",
		Short: "Run ONNX backend-test folders (model.onnx + test_data_set_N) and compare outputs",
		Long: `Run every test folder found under the DIRs in the ONNX backend-test layout
(model.onnx + test_data_set_N/input_K.pb, output_K.pb) and compare with the
suite's tolerances (rtol 1e-3, atol 1e-7; exact for integers and bools).
Prints one line per failure and ends with "N passed, M failed, K skipped".
Exits 1 when any test failed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			sum, err := backendtest.RunAll(args, backendtest.Options{Threads: threads, NoSkip: noSkip}, func(r backendtest.Result) {
				switch {
				case r.Status == backendtest.Fail:
					fmt.Fprintf(out, "FAIL %s: %s\n", r.Name, r.Reason)
				case verbose && r.Status == backendtest.Skip:
					fmt.Fprintf(out, "SKIP %s: %s\n", r.Name, r.Reason)
				case verbose:
					fmt.Fprintf(out, "ok   %s (%v)\n", r.Name, r.Duration.Round(1e6))
				}
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(out, sum)
			if sum.Failed > 0 {
				return &exitError{1, fmt.Sprintf("%d tests failed", sum.Failed)}
			}
			return nil
		},
	}
	c.Flags().IntVar(&threads, "threads", 0, "threads for kernels (0: all cores)")
	c.Flags().BoolVar(&noSkip, "no-skip", false, "also run tests on the skip list")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print passing and skipped tests too")
	return c
}
