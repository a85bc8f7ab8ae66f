package linalg

import "sync"

// sgemmImpl is one SGEMM micro-kernel with the blocking it is tuned for.
// The blocked driver (sgemmBlocked) packs A into mr-tall strips and B into
// nr-wide strips and calls kernel once per full mr×nr tile of C.
type sgemmImpl struct {
	name       string
	mr, nr     int // micro-tile
	kc, mc, nc int // cache blocks: k depth, rows of A, columns of B
	// kernel adds the mr×nr product of a packed A strip (k×mr) and a
	// packed B strip (k×nr) into the tile at c (row stride ldc); see
	// sgemmKernelRef for the meaning.
	kernel func(k int, a, b, c *float32, ldc int)
	// kernelEp, when not nil, is the same product with a fused output
	// stage (sgemmTileRef): it can start from zero instead of C and add a
	// row bias and clamp before storing, saving passes over C.
	kernelEp func(k int, a, b, c *float32, ldc int, flags int, bias *float32, cst *float32)
	// kernelInd, when not nil, is kernelEp reading B row p at byte offset
	// offs[p] from b instead of from a packed strip (convKernelIndRef):
	// the direct convolution's kernel.
	kernelInd func(k int, a, b *float32, offs *int, c *float32, ldc int, flags int, bias *float32, cst *float32)
	pool      sync.Pool // *sgemmBufs sized for this blocking
}

// sgemmGenericImpl is the plain-Go twin every table entry starts from.
var sgemmGenericImpl = &sgemmImpl{
	name: "generic", mr: 4, nr: 8, kc: 256, mc: 72, nc: 512,
	kernel: sgemmKernelGeneric,
}

// kern is the table of active kernels. It starts with the generic twins;
// the per-architecture init functions (sgemm_amd64.go, sgemm_arm64.go,
// not built with the purego tag) upgrade entries to what the CPU offers.
var kern = struct {
	sgemm *sgemmImpl
	axpy  func(alpha float32, x, y []float32) // y += alpha*x, len(x) >= len(y)
}{
	sgemm: sgemmGenericImpl,
	axpy:  dwAxpy,
}

// axpyImpl names one implementation of kern.axpy.
type axpyImpl struct {
	name string
	fn   func(alpha float32, x, y []float32)
}

// axpyImpls lists every axpy this CPU can run, generic first.
var axpyImpls = []axpyImpl{{"generic", dwAxpy}}

// sgemmImpls lists every SGEMM implementation this CPU can run, generic
// first and the preferred one last; tests run each of them.
var sgemmImpls = []*sgemmImpl{sgemmGenericImpl}

// sgemmUse registers impl as available and makes it the active kernel.
func sgemmUse(impl *sgemmImpl) {
	sgemmImpls = append(sgemmImpls, impl)
	kern.sgemm = impl
}

// SgemmKernelName names the SGEMM micro-kernel in use ("generic", "avx2",
// "avx512" or "neon"), for benchmarks and logs.
func SgemmKernelName() string {
	return kern.sgemm.name
}

// sgemmPeak is a register-only FMA loop that measures the core's peak
// fp32 throughput (BenchmarkPeakFMA): run(n) does n*flops float ops.
type sgemmPeak struct {
	name  string
	run   func(n int)
	flops int
}

// sgemmPeaks lists the peak loops this CPU can run.
var sgemmPeaks []sgemmPeak
