package testdata_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/internal/testdata"
)

func TestPaths(t *testing.T) {
	root := testdata.RepoRoot()
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("RepoRoot %q has no go.mod: %v", root, err)
	}
	for _, k := range []string{"det", "rec", "cls", "keys"} {
		p := testdata.PPOCR(k)
		if filepath.Dir(filepath.Dir(p)) != testdata.CacheDir() {
			t.Errorf("PPOCR(%q) = %q, not under %s", k, p, testdata.CacheDir())
		}
		testdata.Require(t, p)
	}
	if p := testdata.PPOCR("nope"); p != "" {
		t.Errorf("PPOCR(nope) = %q", p)
	}
	testdata.Require(t, filepath.Join(testdata.ONNXNodeDir(), "test_add", "model.onnx"))
	for _, d := range testdata.ONNXSuites() {
		testdata.Require(t, d)
	}
	testdata.Require(t, filepath.Join(testdata.FashionMNIST(), "t10k-labels-idx1-ubyte.gz"))
}

// fakeTB records what Require does without ending the real test.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Skipf(string, ...any)  { f.skipped = true }
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true }

func TestRequireMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent")
	t.Setenv(testdata.EnvRequire, "")
	f := &fakeTB{TB: t}
	testdata.Require(f, missing)
	if !f.skipped || f.failed {
		t.Errorf("without %s: skipped=%v failed=%v, want a skip", testdata.EnvRequire, f.skipped, f.failed)
	}
	t.Setenv(testdata.EnvRequire, "1")
	f = &fakeTB{TB: t}
	testdata.Require(f, missing)
	if !f.failed {
		t.Errorf("with %s=1: failed=%v, want a failure", testdata.EnvRequire, f.failed)
	}
	f = &fakeTB{TB: t}
	testdata.Require(f, t.TempDir())
	if f.skipped || f.failed {
		t.Errorf("existing path: skipped=%v failed=%v", f.skipped, f.failed)
	}
}
