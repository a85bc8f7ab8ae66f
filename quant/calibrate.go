package quant

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// NewObserver returns the observer a calibration method uses for one
// tensor (8-bit targets).
func NewObserver(c Calibration, percentile float64, symmetric bool) Observer {
	switch c {
	case CalibPercentile:
		return NewPercentile(percentile, symmetric)
	case CalibEntropy:
		return NewEntropy()
	case CalibMSE:
		return NewMSE(8, symmetric)
	}
	return NewMinMax()
}

// CalibrationResult holds what Calibrate saw.
type CalibrationResult struct {
	// Observers maps each float32 tensor observed to its observer.
	Observers map[string]Observer
	// NotFloat lists requested tensors that turned out not to be float32.
	NotFloat []string
	// Samples is the number of feeds run.
	Samples int
}

// Calibrate runs m on up to maxSamples feeds of data (all of them when
// maxSamples is 0) and feeds every value of the named tensors (graph inputs
// or node outputs) to an observer made by newObs. The model is compiled once,
// with the tensors as extra outputs; memory does not grow with the number of
// samples. progress, if not nil, is called after each sample with total
// maxSamples. Every sample is checked against the model's inputs (names,
// dtypes, known dims) before it runs; empty data is an error.
func Calibrate(m *ir.Model, tensors []string, data Samples, maxSamples int, newObs func(name string) Observer, progress func(done, total int)) (*CalibrationResult, error) {
	if data == nil {
		return nil, fmt.Errorf("%w: no data", ErrCalibrationData)
	}
	cm := m.Clone()
	g := cm.Graph
	isIn := map[string]bool{}
	for _, in := range g.RealInputs() {
		isIn[in.Name] = true
	}
	outs := map[string]bool{}
	for _, o := range g.Outputs {
		outs[o.Name] = true
	}
	for _, name := range tensors {
		if !isIn[name] && !outs[name] {
			g.Outputs = append(g.Outputs, &ir.ValueInfo{Name: name})
			outs[name] = true
		}
	}
	plan, err := runtime.Compile(cm, runtime.Options{})
	if err != nil {
		return nil, fmt.Errorf("quant: compiling the calibration model: %w", err)
	}
	sess := plan.NewSession()
	res := &CalibrationResult{Observers: make(map[string]Observer, len(tensors))}
	for _, name := range tensors {
		res.Observers[name] = newObs(name)
	}
	notFloat := map[string]bool{}
	for maxSamples == 0 || res.Samples < maxSamples {
		feed, err := data.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: sample %d: %v", ErrCalibrationData, res.Samples, err)
		}
		if err := CheckSample(m.Graph, feed); err != nil {
			return nil, fmt.Errorf("sample %d: %w", res.Samples, err)
		}
		got, err := sess.Run(feed)
		if err != nil {
			return nil, fmt.Errorf("quant: calibration sample %d: %w", res.Samples, err)
		}
		for _, name := range tensors {
			t := got[name]
			if isIn[name] {
				t = feed[name]
			}
			if t == nil {
				continue
			}
			if t.DType() != tensor.Float32 {
				notFloat[name] = true
				continue
			}
			res.Observers[name].Observe(t.Float32s())
		}
		res.Samples++
		if progress != nil {
			progress(res.Samples, maxSamples)
		}
	}
	if res.Samples == 0 {
		return nil, fmt.Errorf("%w: the data holds no samples", ErrCalibrationData)
	}
	for name := range notFloat {
		delete(res.Observers, name)
		res.NotFloat = append(res.NotFloat, name)
	}
	sort.Strings(res.NotFloat)
	return res, nil
}

// CheckSample reports (wrapping ErrCalibrationData) a feed that does not fit
// g's inputs: a missing or unknown input, another dtype, another rank or a
// known dim that differs.
func CheckSample(g *ir.Graph, feed map[string]*tensor.Tensor) error {
	real := g.RealInputs()
	want := map[string]*ir.ValueInfo{}
	for _, in := range real {
		want[in.Name] = in
	}
	for name := range feed {
		if want[name] == nil {
			var names []string
			for _, in := range real {
				names = append(names, in.Name)
			}
			return fmt.Errorf("%w: input %q is not an input of the model (inputs: %v)", ErrCalibrationData, name, names)
		}
	}
	for _, in := range real {
		t := feed[in.Name]
		if t == nil {
			return fmt.Errorf("%w: input %q is missing", ErrCalibrationData, in.Name)
		}
		ty := in.Type
		if ty == nil || ty.Kind != ir.KindTensor {
			continue
		}
		if ty.Elem != tensor.Undefined && t.DType() != ty.Elem {
			return fmt.Errorf("%w: input %q is %v%v, model wants %v", ErrCalibrationData, in.Name, t.DType(), t.Shape(), ty)
		}
		if ty.HasShape {
			if len(ty.Shape) != t.Rank() {
				return fmt.Errorf("%w: input %q has shape %v, model wants %v", ErrCalibrationData, in.Name, t.Shape(), ty)
			}
			for i, d := range ty.Shape {
				if d.Known() && d.Value != int64(t.Shape()[i]) {
					return fmt.Errorf("%w: input %q has shape %v, model wants %v", ErrCalibrationData, in.Name, t.Shape(), ty)
				}
			}
		}
	}
	return nil
}

// SliceSamples serves a fixed list of feeds (for tests and small jobs).
type SliceSamples struct {
	Feeds []map[string]*tensor.Tensor
	i     int
}

// Next returns the next feed or io.EOF.
func (s *SliceSamples) Next() (map[string]*tensor.Tensor, error) {
	if s.i >= len(s.Feeds) {
		return nil, io.EOF
	}
	s.i++
	return s.Feeds[s.i-1], nil
}
