//go:build purego

package linalg

import "testing"

// TestQPuregoGeneric: with -tags purego no assembly is linked and every
// integer kernel entry is the Go twin.
func TestQPuregoGeneric(t *testing.T) {
	if len(qgemmImpls) != 1 || len(qrequantImpls) != 1 || len(nbitsImpls) != 1 {
		t.Fatalf("purego build registered assembly kernels: %d gemm, %d requant, %d nbits", len(qgemmImpls), len(qrequantImpls), len(nbitsImpls))
	}
	if g, r, n := QKernelNames(); g != "generic" || r != "generic" || n != "generic" {
		t.Fatalf("purego kernels %s/%s/%s, want generic", g, r, n)
	}
}
