package linalg

import "sync"

// runner runs f(0), …, f(n-1) concurrently and returns when all are done;
// f(0) may run on the caller. The default starts goroutines; package ops
// installs its persistent, spinning worker pool (SetRunner), which starts
// chunks within microseconds where a new goroutine may wait for a parked
// thread to wake.
var runner = goRunner

// SetRunner replaces how the multi-threaded kernels run their chunks. r
// must call f(i) exactly once for every i in [0, n) and return after all
// calls returned, re-raising a panic of any of them on the caller. It is
// meant to be set once at init.
func SetRunner(r func(n int, f func(i int))) {
	if r == nil {
		r = goRunner
	}
	runner = r
}

// goRunner is the default runner: one goroutine per chunk after the first.
func goRunner(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	if n > 0 {
		f(0)
	}
	wg.Wait()
}

// parallel runs f(0..n-1) through the runner (inline when n <= 1).
func parallel(n int, f func(i int)) {
	switch {
	case n <= 0:
	case n == 1:
		f(0)
	default:
		runner(n, f)
	}
}
