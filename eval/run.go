package eval

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// Batchable reports whether the model inputs take a batch of samples along
// a dynamic first dimension (declared as a symbol or unknown size).
func Batchable(inputs []*ir.ValueInfo) bool {
	for _, vi := range inputs {
		if vi.Type == nil || vi.Type.Kind != ir.KindTensor || !vi.Type.HasShape || len(vi.Type.Shape) == 0 {
			return false
		}
		if vi.Type.Shape[0].Known() {
			return false
		}
	}
	return len(inputs) > 0
}

// Run feeds every sample of ds to plan and calls fn with each batch of
// samples and the outputs they gave. Consecutive samples of equal shapes are
// stacked along the first dimension, up to batch at a time, when the model
// allows it (see Batchable); otherwise one sample per run. Each sample is
// checked against the model inputs first (CheckSample).
func Run(plan *runtime.Plan, ds Dataset, batch int, fn func(samples []*Sample, out map[string]*tensor.Tensor) error) error {
	if ds.Len() == 0 {
		return fmt.Errorf("eval: dataset is empty: %w", ErrData)
	}
	if batch < 1 || !Batchable(plan.Inputs) {
		batch = 1
	}
	sess := plan.NewSession()
	var group []*Sample
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		in, err := stackSamples(group)
		if err != nil {
			return err
		}
		out, err := sess.Run(in)
		if err != nil {
			return fmt.Errorf("eval: samples %q..%q: %w", group[0].Name, group[len(group)-1].Name, err)
		}
		err = fn(group, out)
		group = group[:0]
		return err
	}
	seen := 0
	for s, err := range ds.Samples() {
		if err != nil {
			return err
		}
		if err := CheckSample(s, plan.Inputs); err != nil {
			return err
		}
		seen++
		if len(group) > 0 && (len(group) == batch || !sameShapes(group[0], s)) {
			if err := flush(); err != nil {
				return err
			}
		}
		group = append(group, s)
	}
	if seen == 0 {
		return fmt.Errorf("eval: dataset is empty: %w", ErrData)
	}
	return flush()
}

// sameShapes reports whether b can join a batch started by a: same inputs,
// dtypes and shapes, with a first dimension of 1.
func sameShapes(a, b *Sample) bool {
	if len(a.Inputs) != len(b.Inputs) {
		return false
	}
	for name, ta := range a.Inputs {
		tb, ok := b.Inputs[name]
		if !ok || ta.DType() != tb.DType() || ta.Rank() == 0 || ta.Shape()[0] != 1 || !slices.Equal(ta.Shape(), tb.Shape()) {
			return false
		}
	}
	return true
}

// stackSamples concatenates the samples' inputs along the first dimension.
func stackSamples(group []*Sample) (map[string]*tensor.Tensor, error) {
	if len(group) == 1 {
		return group[0].Inputs, nil
	}
	out := make(map[string]*tensor.Tensor, len(group[0].Inputs))
	for name, first := range group[0].Inputs {
		shape := slices.Clone(first.Shape())
		shape[0] = len(group)
		t, err := tensor.New(first.DType(), shape...)
		if err != nil {
			return nil, err
		}
		dst := reflect.ValueOf(t.Data())
		per := first.Len()
		for i, s := range group {
			reflect.Copy(dst.Slice(i*per, (i+1)*per), reflect.ValueOf(s.Inputs[name].Data()))
		}
		out[name] = t
	}
	return out, nil
}

// Accuracy runs plan over a labelled dataset and returns the fraction of
// samples whose top-1 class (arg-max of the model's first output, one row
// per sample) equals the label, and the number of samples. batch is the
// number of samples per run when the model has a dynamic batch dimension.
func Accuracy(plan *runtime.Plan, ds Dataset, batch int) (top1 float64, n int, err error) {
	if len(plan.Outputs) == 0 {
		return 0, 0, fmt.Errorf("eval: model has no outputs: %w", ir.ErrInvalidModel)
	}
	scoreName := plan.Outputs[0].Name
	correct := 0
	err = Run(plan, ds, batch, func(samples []*Sample, out map[string]*tensor.Tensor) error {
		pred, err := predictions(out, scoreName, len(samples))
		if err != nil {
			return err
		}
		for i, s := range samples {
			if s.Label == NoLabel {
				return fmt.Errorf("eval: sample %q has no label: %w", s.Name, ErrData)
			}
			if pred[i] == s.Label {
				correct++
			}
		}
		n += len(samples)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return float64(correct) / float64(n), n, nil
}

func predictions(out map[string]*tensor.Tensor, name string, want int) ([]int, error) {
	scores, ok := out[name]
	if !ok {
		return nil, fmt.Errorf("eval: model produced no output %q: %w", name, ErrData)
	}
	pred, err := Top1(scores)
	if err != nil {
		return nil, fmt.Errorf("eval: output %q: %w", name, err)
	}
	if len(pred) != want {
		return nil, fmt.Errorf("eval: output %q has shape %v: %d rows for %d samples: %w", name, scores.Shape(), len(pred), want, tensor.ErrShape)
	}
	return pred, nil
}

// Agreement runs two models (say fp32 and quantised) over ds and returns the
// fraction of samples on which their top-1 classes (first outputs) agree,
// and the number of samples. Labels are not needed. The dataset is read
// once: both models see each batch in turn.
func Agreement(a, b *runtime.Plan, ds Dataset, batch int) (agree float64, n int, err error) {
	if len(a.Outputs) == 0 || len(b.Outputs) == 0 {
		return 0, 0, fmt.Errorf("eval: model has no outputs: %w", ir.ErrInvalidModel)
	}
	if !Batchable(b.Inputs) {
		batch = 1
	}
	nameA, nameB := a.Outputs[0].Name, b.Outputs[0].Name
	sb := b.NewSession()
	same := 0
	err = Run(a, ds, batch, func(samples []*Sample, out map[string]*tensor.Tensor) error {
		pa, err := predictions(out, nameA, len(samples))
		if err != nil {
			return err
		}
		for _, s := range samples {
			if err := CheckSample(s, b.Inputs); err != nil {
				return err
			}
		}
		in, err := stackSamples(samples)
		if err != nil {
			return err
		}
		outB, err := sb.Run(in)
		if err != nil {
			return fmt.Errorf("eval: second model: %w", err)
		}
		pb, err := predictions(outB, nameB, len(samples))
		if err != nil {
			return err
		}
		for i := range pa {
			if pa[i] == pb[i] {
				same++
			}
		}
		n += len(samples)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return float64(same) / float64(n), n, nil
}
