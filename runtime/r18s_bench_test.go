//go:build linux

package runtime_test

import (
	"os"
	goruntime "runtime"
	"syscall"
	"testing"

	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// BenchmarkR18sResNet18CPU runs ResNet-18 on one thread and reports the
// thread's CPU milliseconds per run (on a shared machine the wall clock
// mostly measures the other tenants).
func BenchmarkR18sResNet18CPU(b *testing.B) {
	if _, err := os.Stat("../.cache/bench/resnet18.onnx"); err != nil {
		b.Skip(err)
	}
	m, err := onnx.Load("../.cache/bench/resnet18.onnx")
	if err != nil {
		b.Fatal(err)
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	s := p.NewSession()
	feed := map[string]*tensor.Tensor{p.Inputs[0].Name: zaRandF32(1, 1, 3, 224, 224)}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	for range 3 {
		if _, err := s.Run(feed); err != nil {
			b.Fatal(err)
		}
	}
	cpu := func() float64 {
		var ru syscall.Rusage
		syscall.Getrusage(1, &ru) // RUSAGE_THREAD
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
	}
	t0 := cpu()
	for b.Loop() {
		if _, err := s.Run(feed); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpu()-t0)/float64(b.N), "cpu-ms/op")
}
