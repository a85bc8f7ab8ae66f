// Command qinfer loads, checks, runs, quantizes and benchmarks ONNX models
// in pure Go. Each subcommand is a thin front over the qinfer packages.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "qinfer",
		Short:         "Run and quantize ONNX models in pure Go",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(runCmd(), infoCmd(), testsuiteCmd(), quantizeCmd(), compareCmd(), benchCmd(), demoCmd(), accuracyCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "qinfer:", err)
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func exitCode(err error) int {
	if e, ok := err.(*exitError); ok {
		return e.code
	}
	return 1
}
