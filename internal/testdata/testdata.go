// Package testdata locates the data qinfer's tests compare against: the ONNX
// conformance suite and Fashion-MNIST from Debian packages, and the PP-OCR
// models that scripts/testdata.sh caches under the repository's .cache/.
//
// A test calls Require before using a path. Missing data skips the test,
// except when QINFER_REQUIRE_TESTDATA=1 (set by `make test` and CI), where it
// fails: CI cannot pass by silently skipping.
package testdata

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
)

// EnvRequire names the environment variable that turns missing test data
// from a skip into a failure when set to "1".
const EnvRequire = "QINFER_REQUIRE_TESTDATA"

// Required reports whether missing test data must fail tests.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Require skips t when path does not exist, or fails it when Required.
func Require(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if Required() {
			t.Fatalf("test data missing (%s=1): %v; run scripts/testdata.sh", EnvRequire, err)
		}
		t.Skipf("test data missing: %v; run scripts/testdata.sh", err)
	}
}

// ONNXTestDataDir is where Debian's libonnx-testdata installs the ONNX
// backend test suite.
const ONNXTestDataDir = "/usr/share/libonnx-testdata/data"

// ONNXNodeDir returns the folder of per-operator conformance tests
// (test_*/model.onnx + test_data_set_N/{input,output}_N.pb).
func ONNXNodeDir() string { return filepath.Join(ONNXTestDataDir, "node") }

// ONNXSuites returns the libonnx-testdata folders that hold runnable tests:
// node, pytorch-converted, pytorch-operator and simple ("real" only lists
// models to download).
func ONNXSuites() []string {
	var dirs []string
	for _, s := range []string{"node", "pytorch-converted", "pytorch-operator", "simple"} {
		dirs = append(dirs, filepath.Join(ONNXTestDataDir, s))
	}
	return dirs
}

// FashionMNIST returns the folder holding Debian's dataset-fashion-mnist IDX
// files (train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, ...).
func FashionMNIST() string { return "/usr/share/datasets/fashion-mnist" }

// RepoRoot returns the directory holding go.mod, found by walking up from the
// working directory, or "" when there is none (see ortref.RepoRoot).
func RepoRoot() string { return ortref.RepoRoot() }

// CacheDir returns the repository's git-ignored .cache folder filled by
// scripts/testdata.sh.
func CacheDir() string { return ortref.CacheDir() }

// PPOCR returns the path of a cached PaddleOCR model: kind "det" (PP-OCRv4
// text detection), "rec" (PP-OCRv4 Chinese/English recognition), "cls"
// (mobile v2.0 text-direction classifier) or "keys" (ppocr_keys_v1.txt, the
// recognizer's character list). An unknown kind returns "".
func PPOCR(kind string) string {
	name := map[string]string{
		"det":  "ch_PP-OCRv4_det_infer.onnx",
		"rec":  "ch_PP-OCRv4_rec_infer.onnx",
		"cls":  "ch_ppocr_mobile_v2.0_cls_infer.onnx",
		"keys": "ppocr_keys_v1.txt",
	}[kind]
	if name == "" {
		return ""
	}
	return filepath.Join(CacheDir(), "ppocr", name)
}
