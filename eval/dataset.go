package eval

import (
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ErrSpec reports a malformed dataset or preprocessing spec.
var ErrSpec = errors.New("eval: bad spec")

// ErrData reports dataset contents that cannot be used: a malformed file, an
// empty dataset, a missing label.
var ErrData = errors.New("eval: bad data")

// NoLabel is the Label of an unlabelled sample.
const NoLabel = -1

// Sample is one dataset item: a tensor per model input, each shaped like the
// model input with a batch dimension of 1, and an optional class label.
type Sample struct {
	Name   string
	Inputs map[string]*tensor.Tensor
	Label  int // NoLabel when unlabelled
}

// Dataset is a re-readable stream of samples. Each call of Samples starts a
// new pass that holds one sample at a time; a pass yields (nil, err) once
// and stops when reading fails.
type Dataset interface {
	// Len returns the number of samples a pass yields.
	Len() int
	// Samples starts a pass.
	Samples() iter.Seq2[*Sample, error]
}

// Spec names a dataset: Kind is "npy", "idx" or "images"; Path its file or
// folder.
type Spec struct {
	Kind, Path string
}

// String renders the spec as it is parsed.
func (s Spec) String() string { return s.Kind + ":" + s.Path }

// ParseSpec parses "npy:DIR", "idx:FILE" or "images:DIR".
func ParseSpec(s string) (Spec, error) {
	kind, path, ok := strings.Cut(s, ":")
	if !ok {
		return Spec{}, fmt.Errorf("eval: dataset %q: want npy:DIR, idx:FILE or images:DIR: %w", s, ErrSpec)
	}
	kind = strings.ToLower(kind)
	switch kind {
	case "npy", "idx", "images":
	default:
		return Spec{}, fmt.Errorf("eval: dataset %q: unknown kind %q (want npy, idx or images): %w", s, kind, ErrSpec)
	}
	if path == "" {
		return Spec{}, fmt.Errorf("eval: dataset %q: empty path: %w", s, ErrSpec)
	}
	return Spec{Kind: kind, Path: filepath.Clean(path)}, nil
}

// Open opens the dataset spec names for a model with the given (non
// initializer) inputs, and checks it with Check before returning. pre
// applies to idx and images datasets (nil: defaults from the model's shape);
// those need a model with exactly one input.
func Open(spec string, inputs []*ir.ValueInfo, pre *Preprocess) (Dataset, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	var ds Dataset
	switch s.Kind {
	case "npy":
		ds, err = OpenNpyDir(s.Path, inputs)
	case "idx", "images":
		if len(inputs) != 1 {
			return nil, fmt.Errorf("eval: %s datasets feed one input, the model has %d: %w", s.Kind, len(inputs), ErrSpec)
		}
		var pp *Preprocessor
		if pp, err = pre.For(inputs[0]); err != nil {
			return nil, err
		}
		if s.Kind == "idx" {
			var idx *IDX
			if idx, err = OpenIDX(s.Path, inputs[0].Name, pp); err != nil {
				return nil, err
			}
			// IDX images have one size; a different model size is more
			// likely a wrong model than a wish to resize, so ask for resize=.
			h, w := idx.ImageSize()
			if (pre == nil || pre.H == 0) && ((pp.h != 0 && pp.h != h) || (pp.w != 0 && pp.w != w)) {
				return nil, fmt.Errorf("eval: %s: images are %dx%d, model input %q wants %dx%d (add resize=%dx%d to the preprocessing to resize): %w",
					s, h, w, inputs[0].Name, pp.h, pp.w, pp.h, pp.w, tensor.ErrShape)
			}
			ds = idx
		} else {
			ds, err = OpenImageDir(s.Path, inputs[0].Name, pp)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := Check(ds, inputs); err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	return ds, nil
}

// Check reads the first sample of ds and checks it against the model inputs:
// every input present, no unknown names, dtype and every fixed dim equal.
// An empty dataset is an error.
func Check(ds Dataset, inputs []*ir.ValueInfo) error {
	if ds.Len() == 0 {
		return fmt.Errorf("eval: dataset is empty: %w", ErrData)
	}
	for s, err := range ds.Samples() {
		if err != nil {
			return err
		}
		return CheckSample(s, inputs)
	}
	return fmt.Errorf("eval: dataset is empty: %w", ErrData)
}

// CheckSample checks one sample against the model inputs, as Check does.
func CheckSample(s *Sample, inputs []*ir.ValueInfo) error {
	for name := range s.Inputs {
		if findInput(inputs, name) == nil {
			return fmt.Errorf("eval: sample %q has input %q, which the model lacks (model inputs: %s): %w", s.Name, name, inputNames(inputs), tensor.ErrShape)
		}
	}
	for _, vi := range inputs {
		t, ok := s.Inputs[vi.Name]
		if !ok {
			if vi.Type != nil && vi.Type.Kind == ir.KindOptional {
				continue
			}
			return fmt.Errorf("eval: sample %q lacks model input %q: %w", s.Name, vi.Name, tensor.ErrShape)
		}
		if vi.Type == nil || vi.Type.Kind != ir.KindTensor {
			continue
		}
		if vi.Type.Elem != tensor.Undefined && t.DType() != vi.Type.Elem {
			return fmt.Errorf("eval: data input %q is %v, model wants %v: %w", vi.Name, t.DType(), vi.Type, tensor.ErrDType)
		}
		if !vi.Type.HasShape {
			continue
		}
		bad := len(vi.Type.Shape) != t.Rank()
		for i, d := range vi.Type.Shape {
			if !bad && d.Known() && int(d.Value) != t.Shape()[i] {
				bad = true
			}
		}
		if bad {
			return fmt.Errorf("eval: data input %q has shape %v, model wants %v: %w", vi.Name, t.Shape(), vi.Type, tensor.ErrShape)
		}
	}
	return nil
}

func findInput(inputs []*ir.ValueInfo, name string) *ir.ValueInfo {
	for _, vi := range inputs {
		if vi.Name == name {
			return vi
		}
	}
	return nil
}

func inputNames(inputs []*ir.ValueInfo) string {
	names := make([]string, len(inputs))
	for i, vi := range inputs {
		names[i] = fmt.Sprintf("%q", vi.Name)
	}
	return strings.Join(names, ", ")
}

// Limit returns a dataset yielding the first n samples of ds (all of them
// when ds has fewer).
func Limit(ds Dataset, n int) Dataset { return &limited{ds: ds, n: max(0, min(n, ds.Len()))} }

type limited struct {
	ds Dataset
	n  int
}

func (l *limited) Len() int { return l.n }

func (l *limited) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		if l.n == 0 {
			return
		}
		i := 0
		for s, err := range l.ds.Samples() {
			if !yield(s, err) || err != nil {
				return
			}
			if i++; i == l.n {
				return
			}
		}
	}
}
