package linalg

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestKernelNameEnv asserts the active kernel when run by
// TestKernelFallback with QINFER_WANT_KERNEL set.
func TestKernelNameEnv(t *testing.T) {
	want := os.Getenv("QINFER_WANT_KERNEL")
	if want == "" {
		t.Skip("run by TestKernelFallback")
	}
	if got := SgemmKernelName(); got != want {
		t.Fatalf("SgemmKernelName() = %q, want %q (GODEBUG=%q)", got, want, os.Getenv("GODEBUG"))
	}
	sgemmCase(t, 1, false, false, 17, 33, 9, 1, 1, 0)
}

// TestKernelFallback re-runs this test binary with CPU features masked by
// GODEBUG (honoured by x/sys/cpu) and checks which kernel is picked.
func TestKernelFallback(t *testing.T) {
	if os.Getenv("QINFER_WANT_KERNEL") != "" || os.Getenv("GODEBUG") != "" {
		t.Skip("needs the unmasked CPU to know what to expect")
	}
	want := map[string]string{}
	switch {
	case len(sgemmImpls) == 1:
		want["cpu.all=off"] = "generic"
	case runtime.GOARCH == "amd64":
		want["cpu.all=off"] = "generic"
		if SgemmKernelName() == "avx512" {
			want["cpu.avx512f=off"] = "avx2"
		}
		want["cpu.avx2=off"] = "generic"
		if SgemmKernelName() == "avx512" {
			want["cpu.avx2=off"] = "avx512"
		}
	default:
		t.Skip("no GODEBUG CPU options for " + runtime.GOARCH)
	}
	for env, kernel := range want {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKernelNameEnv$", "-test.v")
		cmd.Env = append(os.Environ(), "GODEBUG="+env, "QINFER_WANT_KERNEL="+kernel)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Errorf("GODEBUG=%s: want kernel %q: %v\n%s", env, kernel, err, out)
		}
	}
}

// TestPuregoNoAsm checks that the purego build compiles no assembly and
// leaves only the generic kernel (crypto/purego_test.go does the same).
func TestPuregoNoAsm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gobin, "list", "-tags", "purego", "-f", "{{.SFiles}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "[]" {
		t.Errorf("purego build has assembly files %s", s)
	}
}
