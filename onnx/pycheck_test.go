package onnx

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPythonCrossCheck re-encodes every test model and asks the Python
// onnx package (when installed) to compare each against the original:
// nodes, attributes, initializers (as arrays), value infos, opsets,
// metadata, functions.
func TestPythonCrossCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	py := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import onnx, numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("python3 with onnx and numpy not available")
	}
	dir := t.TempDir()
	var list []string
	for i, path := range testModels(t) {
		m, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out := filepath.Join(dir, strings.ReplaceAll(filepath.Base(filepath.Dir(path)), "/", "_")+"_"+itoa(i)+".onnx")
		if err := Save(m, out); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		list = append(list, path+"\t"+out)
	}
	listFile := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(listFile, []byte(strings.Join(list, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/pycheck.py", listFile).CombinedOutput()
	if err != nil {
		t.Fatalf("pycheck: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
