package eval

import (
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// NpyDir is a dataset of .npy files: DIR/<sample>/<input>.npy, one folder per
// sample (in name order) and one file per model input. A file may omit the
// batch dimension (rank one less than the model input's); it is added. An
// optional DIR/<sample>/label.txt holds the sample's class index.
type NpyDir struct {
	dir     string
	samples []string
	ranks   map[string]int // model input rank, to add a missing batch dim
}

// OpenNpyDir lists the sample folders of dir. inputs (may be nil) are the
// model inputs, used to add missing batch dimensions.
func OpenNpyDir(dir string, inputs []*ir.ValueInfo) (*NpyDir, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: npy: %w", err)
	}
	ds := &NpyDir{dir: dir, ranks: map[string]int{}}
	for _, e := range ents {
		if e.IsDir() {
			ds.samples = append(ds.samples, e.Name())
		}
	}
	sort.Strings(ds.samples)
	for _, vi := range inputs {
		if vi.Type != nil && vi.Type.HasShape {
			ds.ranks[vi.Name] = len(vi.Type.Shape)
		}
	}
	return ds, nil
}

// Len returns the number of sample folders.
func (ds *NpyDir) Len() int { return len(ds.samples) }

// Samples loads one sample folder at a time.
func (ds *NpyDir) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		for _, name := range ds.samples {
			s, err := ds.load(name)
			if !yield(s, err) || err != nil {
				return
			}
		}
	}
}

func (ds *NpyDir) load(name string) (*Sample, error) {
	dir := filepath.Join(ds.dir, name)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: npy: %w", err)
	}
	s := &Sample{Name: name, Inputs: map[string]*tensor.Tensor{}, Label: NoLabel}
	for _, e := range ents {
		fn := e.Name()
		switch {
		case e.IsDir():
			continue
		case fn == "label.txt":
			b, err := os.ReadFile(filepath.Join(dir, fn))
			if err != nil {
				return nil, fmt.Errorf("eval: npy: %w", err)
			}
			v, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil || v < 0 {
				return nil, fmt.Errorf("eval: npy: %s: label %q is not a class index: %w", filepath.Join(dir, fn), strings.TrimSpace(string(b)), ErrData)
			}
			s.Label = v
		case strings.HasSuffix(fn, ".npy"):
			t, err := tensor.LoadNpy(filepath.Join(dir, fn))
			if err != nil {
				return nil, fmt.Errorf("eval: npy: %s: %w", filepath.Join(dir, fn), err)
			}
			in := strings.TrimSuffix(fn, ".npy")
			if r, ok := ds.ranks[in]; ok && t.Rank() == r-1 {
				if t, err = t.Reshape(append([]int{1}, t.Shape()...)...); err != nil {
					return nil, err
				}
			}
			s.Inputs[in] = t
		}
	}
	if len(s.Inputs) == 0 {
		return nil, fmt.Errorf("eval: npy: sample folder %s holds no .npy file: %w", dir, ErrData)
	}
	return s, nil
}
