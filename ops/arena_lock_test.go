package ops

import (
	"testing"
	"time"

	"github.com/qinfer/qinfer/tensor"
)

// TestArenaUnsupportedDTypeNoLockLeak: asking the arena for a dtype it
// has no storage for is an error, not a panic with the arena's lock held
// (a fuzzed model did that, and the session's next EndRun hung forever;
// runtime/testdata/fuzz/FuzzMutateModel/13352be3438a4aed replays it).
func TestArenaUnsupportedDTypeNoLockLeak(t *testing.T) {
	a := NewArena()
	errs := make(chan string, 8)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, dt := range []tensor.DType{tensor.Complex64, tensor.Complex128, tensor.Undefined} {
			func() {
				defer func() {
					if r := recover(); r != nil {
						errs <- dt.String() + ": panic"
					}
				}()
				if _, err := a.New(dt, 3); err == nil {
					errs <- dt.String() + ": no error"
				}
			}()
		}
		a.EndRun()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the arena's lock leaked: New or EndRun blocked")
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
