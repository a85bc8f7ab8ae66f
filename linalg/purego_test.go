//go:build purego

package linalg

import "testing"

func TestPuregoGeneric(t *testing.T) {
	if got := SgemmKernelName(); got != "generic" || len(sgemmImpls) != 1 {
		t.Fatalf("purego build uses %q (%d impls), want generic only", got, len(sgemmImpls))
	}
}
