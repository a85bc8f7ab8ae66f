package backendtest_test

import (
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/backendtest"
	"github.com/qinfer/qinfer/internal/testdata"
)

// TestONNXBackendSuite runs every folder of Debian's libonnx-testdata and
// requires each test to pass or be on the skip list.
func TestONNXBackendSuite(t *testing.T) {
	for _, suite := range []string{"node", "pytorch-converted", "pytorch-operator", "simple"} {
		dir := filepath.Join(testdata.ONNXTestDataDir, suite)
		t.Run(suite, func(t *testing.T) {
			testdata.Require(t, dir)
			sum, err := backendtest.RunAll([]string{dir}, backendtest.Options{Threads: 2}, func(r backendtest.Result) {
				if r.Status == backendtest.Fail {
					t.Errorf("%s: %s", r.Name, r.Reason)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Passed == 0 {
				t.Fatalf("no test passed in %s", dir)
			}
			t.Logf("%s: %v", suite, sum)
		})
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		name      string
		got, want any
		ok        bool
	}{
		{"equal", []float32{1, 2}, []float32{1, 2}, true},
		{"within rtol", []float32{1000.5}, []float32{1000}, true},
		{"outside rtol", []float32{1002}, []float32{1000}, false},
		{"nan equals nan", []float32{float32NaN()}, []float32{float32NaN()}, true},
		{"nan vs number", []float32{float32NaN()}, []float32{1}, false},
		{"ints exact", []int64{3}, []int64{3}, true},
		{"ints differ", []int64{3}, []int64{4}, false},
		{"bools", []bool{true}, []bool{false}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := fromAny(c.got)
			w := fromAny(c.want)
			err := backendtest.Compare(g, w)
			if (err == nil) != c.ok {
				t.Fatalf("Compare = %v, want ok=%v", err, c.ok)
			}
		})
	}
}
