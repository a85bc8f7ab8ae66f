package demo

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three models over 1,000 images")
	}
	rows, err := Run(Options{Threads: 2, CalibrationSamples: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want fp32, int8, int4", len(rows))
	}
	fp32 := rows[0]
	if fp32.Correct != TestSetCorrect || fp32.N != TestSetSize {
		t.Fatalf("fp32: %d/%d correct, want %d/%d", fp32.Correct, fp32.N, TestSetCorrect, TestSetSize)
	}
	for _, r := range rows[1:] {
		if r.Bytes >= fp32.Bytes {
			t.Errorf("%s: %d bytes, not smaller than fp32's %d", r.Variant, r.Bytes, fp32.Bytes)
		}
		if d := fp32.Top1() - r.Top1(); d > 0.01 {
			t.Errorf("%s: top-1 %.1f%% vs fp32 %.1f%%", r.Variant, 100*r.Top1(), 100*fp32.Top1())
		}
	}
	var b bytes.Buffer
	WriteTable(&b, rows)
	for _, want := range []string{"fp32", "int8", "int4", "top-1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
