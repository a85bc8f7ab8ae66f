package eval

import (
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// memDS is an in-memory dataset for tests.
type memDS []*Sample

func (m memDS) Len() int { return len(m) }

func (m memDS) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		for _, s := range m {
			if !yield(s, nil) {
				return
			}
		}
	}
}

// identityPlan compiles y = Identity(x) (or Neg(x)) for x of the given dims.
func identityPlan(t *testing.T, op string, dims ...int64) *runtime.Plan {
	t.Helper()
	m := &ir.Model{
		IRVersion: 8,
		Opsets:    map[string]int64{"": 13},
		Graph: &ir.Graph{
			Name:    "g",
			Nodes:   []*ir.Node{{Name: "n", OpType: op, Inputs: []string{"x"}, Outputs: []string{"y"}}},
			Inputs:  []*ir.ValueInfo{input("x", tensor.Float32, dims...)},
			Outputs: []*ir.ValueInfo{{Name: "y", Type: &ir.Type{Kind: ir.KindTensor, Elem: tensor.Float32}}},
		},
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sample(label int, v ...float32) *Sample {
	return &Sample{Name: fmt.Sprint(v), Label: label, Inputs: map[string]*tensor.Tensor{"x": tensor.From([]int{1, len(v)}, v)}}
}

func TestRunBatches(t *testing.T) {
	ds := memDS{
		sample(0, 1, 0, 0), sample(1, 0, 1, 0), sample(2, 0, 0, 1),
		sample(2, 0, 0, 1), sample(0, 1, 0, 0),
		sample(1, 0, 1), // new shape: new batch
		sample(0, 1, 0), // label 0 but class 1 wins
	}
	ds[6].Inputs["x"].Float32s()[1] = 2
	for _, tc := range []struct {
		name   string
		dims   []int64
		batch  int
		groups string
	}{
		{"dynamic", []int64{-1, -1}, 3, "[3 2 2]"},
		{"batch 1", []int64{-1, -1}, 1, "[1 1 1 1 1 1 1]"},
		{"batch 0", []int64{-1, -1}, 0, "[1 1 1 1 1 1 1]"},
		{"fixed batch", []int64{1, -1}, 8, "[1 1 1 1 1 1 1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := identityPlan(t, "Identity", tc.dims...)
			var groups []int
			var rows []float32
			err := Run(plan, ds, tc.batch, func(s []*Sample, out map[string]*tensor.Tensor) error {
				groups = append(groups, len(s))
				if out["y"].Shape()[0] != len(s) {
					t.Errorf("output %v for %d samples", out["y"].Shape(), len(s))
				}
				rows = append(rows, out["y"].Float32s()...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(groups); got != tc.groups {
				t.Errorf("batches %s, want %s", got, tc.groups)
			}
			if fmt.Sprint(rows) != "[1 0 0 0 1 0 0 0 1 0 0 1 1 0 0 0 1 1 2]" {
				t.Errorf("outputs %v", rows)
			}
			top1, n, err := Accuracy(plan, ds, tc.batch)
			if err != nil || n != 7 || top1 != 6.0/7 {
				t.Errorf("Accuracy = %v, %d, %v; want 6/7, 7", top1, n, err)
			}
		})
	}
	// Agreement between x and -x: arg-max of -x is the arg-min of x.
	a, b := identityPlan(t, "Identity", -1, -1), identityPlan(t, "Neg", -1, -1)
	agree, n, err := Agreement(a, b, ds, 4)
	// Rows: [1 0 0]->0 vs 1; [0 1 0]->1 vs 0; [0 0 1]->2 vs 0; same; [1 0 0]
	// ->0 vs 1; [0 1]->1 vs 0; [1 2]->1 vs 0: no agreement.
	if err != nil || n != 7 || agree != 0 {
		t.Errorf("Agreement(x, -x) = %v, %d, %v", agree, n, err)
	}
	if agree, _, _ := Agreement(a, a, ds, 4); agree != 1 {
		t.Errorf("Agreement(x, x) = %v", agree)
	}
}

func TestRunErrors(t *testing.T) {
	plan := identityPlan(t, "Identity", -1, 3)
	if _, _, err := Accuracy(plan, memDS{}, 4); !errors.Is(err, ErrData) {
		t.Errorf("empty: err = %v", err)
	}
	if _, _, err := Accuracy(plan, memDS{sample(NoLabel, 1, 2, 3)}, 4); !errors.Is(err, ErrData) {
		t.Errorf("unlabelled: err = %v", err)
	}
	if _, _, err := Accuracy(plan, memDS{sample(0, 1, 2, 3), sample(0, 1, 2)}, 4); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("bad second sample: err = %v", err)
	}
	boom := errors.New("boom")
	if err := Run(plan, memDS{sample(0, 1, 2, 3)}, 4, func([]*Sample, map[string]*tensor.Tensor) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("callback error: %v", err)
	}
	// A dataset limited to no samples.
	if _, _, err := Accuracy(plan, Limit(memDS{sample(0, 1, 2, 3)}, 0), 4); !errors.Is(err, ErrData) {
		t.Errorf("limited to 0: err = %v", err)
	}
}

func TestLimit(t *testing.T) {
	ds := memDS{sample(0, 1), sample(1, 2), sample(2, 3)}
	for _, tc := range []struct{ n, want int }{{0, 0}, {2, 2}, {3, 3}, {9, 3}, {-1, 0}} {
		l := Limit(ds, tc.n)
		got := 0
		for range l.Samples() {
			got++
		}
		if got != tc.want || l.Len() != tc.want {
			t.Errorf("Limit(%d): %d samples, Len %d; want %d", tc.n, got, l.Len(), tc.want)
		}
	}
}
