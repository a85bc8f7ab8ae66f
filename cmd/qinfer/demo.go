package main

import (
	"fmt"

	"github.com/qinfer/qinfer/demo"
	"github.com/spf13/cobra"
)

func demoCmd() *cobra.Command {
	var threads, calib int
	c := &cobra.Command{
		Use:   "demo",
		Short: "Quantize the embedded Fashion-MNIST classifier (int8, int4) and compare size, accuracy, speed",
		Long: `Quantize the embedded Fashion-MNIST classifier by static int8 (QDQ) and by
int4 weight-only, then print size, top-1 accuracy on the 1,000 embedded test
images, and milliseconds per image (batch 1) for fp32, int8 and int4.
Nothing is downloaded. The static model is calibrated on the first
--calibration embedded images (the demo ships no training images).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rows, err := demo.Run(demo.Options{Threads: threads, CalibrationSamples: calib, Log: cmd.ErrOrStderr()})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout())
			demo.WriteTable(cmd.OutOrStdout(), rows)
			return nil
		},
	}
	c.Flags().IntVar(&threads, "threads", 0, "threads for kernels (0: all cores)")
	c.Flags().IntVar(&calib, "calibration", 100, "embedded images used to calibrate the int8 model")
	return c
}
