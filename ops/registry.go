package ops

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// ErrUnsupported reports an operator, opset, attribute value or dtype that
// qinfer does not implement.
var ErrUnsupported = errors.New("unsupported operator")

// Kernel computes a node's outputs from its inputs. A nil input is a missing
// optional input. Run must not keep references to its inputs after it
// returns, and must not modify them. It returns one tensor per output the
// node declares (trailing unused outputs may be omitted).
type Kernel interface {
	Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error)
}

// KernelFunc adapts a function to Kernel.
type KernelFunc func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error)

// Run calls f.
func (f KernelFunc) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return f(ctx, in)
}

// Value is what flows along a graph edge: *tensor.Tensor, *Sequence or
// *Optional. A nil Value is an absent optional input.
type Value any

// Sequence is an ONNX tensor sequence.
type Sequence struct {
	Elem  tensor.DType
	Items []*tensor.Tensor
}

// Optional is an ONNX optional: Value is nil when empty, else a
// *tensor.Tensor or *Sequence. Elem describes the type for empty optionals.
type Optional struct {
	Value Value
	Elem  tensor.DType
	IsSeq bool
}

// ValueKernel is implemented by kernels that take or produce sequences or
// optionals. The runtime calls RunValues instead of Run when present.
type ValueKernel interface {
	RunValues(ctx *Context, in []Value) ([]Value, error)
}

// Factory builds a kernel for one node. opset is the model's import of the
// node's domain. It validates attributes and returns errors wrapping
// ErrUnsupported or ir.ErrInvalidModel that name the node.
type Factory func(n *ir.Node, opset int) (Kernel, error)

type entry struct {
	since   int
	factory Factory
}

var (
	regMu    sync.RWMutex
	registry = map[string][]entry{} // key: domain + "\x00" + op
)

// Register adds a factory for (domain, op) from opset `since` on. An op
// registered with several since versions picks the greatest since that is
// <= the model's opset. Call from init functions.
func Register(domain, op string, since int, f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	k := ir.NormDomain(domain) + "\x00" + op
	es := append(registry[k], entry{since, f})
	sort.Slice(es, func(i, j int) bool { return es[i].since < es[j].since })
	registry[k] = es
}

// RegisterFunc registers a factory-free kernel: the same function runs for
// every node; attributes are read from the node at Run time via ctx.Node.
func RegisterFunc(domain, op string, since int, f func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error)) {
	Register(domain, op, since, func(*ir.Node, int) (Kernel, error) { return KernelFunc(f), nil })
}

// Lookup finds the factory for (domain, op) at the given opset.
func Lookup(domain, op string, opset int) (Factory, error) {
	regMu.RLock()
	defer regMu.RUnlock()
	es := registry[ir.NormDomain(domain)+"\x00"+op]
	if len(es) == 0 {
		d := domain
		if d == "" {
			d = "ai.onnx"
		}
		return nil, fmt.Errorf("ops: %s.%s: %w", d, op, ErrUnsupported)
	}
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].since <= opset {
			return es[i].factory, nil
		}
	}
	// Opset older than any registration: use the oldest one. ONNX kept most
	// semantics stable, and the factory sees the opset to handle the rest.
	return es[0].factory, nil
}

// Has reports whether any kernel is registered for (domain, op).
func Has(domain, op string) bool {
	regMu.RLock()
	defer regMu.RUnlock()
	return len(registry[ir.NormDomain(domain)+"\x00"+op]) > 0
}

// Registered lists "domain.op" names of every registered operator, sorted.
func Registered() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	var out []string
	for k := range registry {
		d, op := splitKey(k)
		if d == "" {
			out = append(out, op)
		} else {
			out = append(out, d+"."+op)
		}
	}
	sort.Strings(out)
	return out
}

func splitKey(k string) (string, string) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i], k[i+1:]
		}
	}
	return "", k
}

// Context is what a kernel sees besides its inputs.
type Context struct {
	// Node is the node being run (attributes, names for messages).
	Node *ir.Node
	// Opset is the model's import version of the node's domain.
	Opset int
	// Threads is the number of goroutines a kernel may use (>= 1).
	Threads int
	// Arena, when not nil, recycles output buffers (see NewTensor).
	Arena *Arena
	// zaOne backs the slice Context.One returns.
	zaOne  [1]*tensor.Tensor
	zaOneV [1]Value
	// zaState and zaGeom are the step's per-session kernel storage (see
	// zaLocal): the runtime gives each session its own Context per step.
	zaState any
	zaGeom  *zaGeomLocal
	zaPlan  *ewPlan
}

// Parallel splits [0,n) into at most ctx.Threads chunks of at least grain
// items and runs f on each, waiting for all. With one thread it calls f(0,n).
func (ctx *Context) Parallel(n, grain int, f func(lo, hi int)) {
	threads := 1
	if ctx != nil && ctx.Threads > 1 {
		threads = ctx.Threads
	}
	ParallelFor(threads, n, grain, f)
}

// ParallelFor is Parallel without a Context. Chunks go to a persistent
// pool of worker goroutines; a chunk no idle worker can take runs on the
// calling goroutine, so nested parallel calls never deadlock.
func ParallelFor(threads, n, grain int, f func(lo, hi int)) {
	if grain < 1 {
		grain = 1
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	chunks := n / grain
	if chunks > threads {
		chunks = threads
	}
	if chunks <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	j := parallelJobs.Get().(*parallelJob)
	j.f = f
	step := (n + chunks - 1) / chunks
	for lo := step; lo < n; lo += step {
		j.submit(lo, min(lo+step, n))
	}
	f(0, min(step, n))
	j.finish()
}

// parallelEach runs f(0), …, f(n-1) on the pool, one index per chunk, and
// returns when all are done: linalg's runner. Unlike wrapping f in a
// ParallelFor closure, it allocates nothing per call.
func parallelEach(n int, f func(i int)) {
	if n <= 1 {
		if n == 1 {
			f(0)
		}
		return
	}
	j := parallelJobs.Get().(*parallelJob)
	j.fi = f
	for i := 1; i < n; i++ {
		j.submit(i, i+1)
	}
	f(0)
	j.finish()
}

// parallelJob is one ParallelFor call: its function, the count of chunks
// in flight and the first panic of any of them. Jobs are recycled, so a
// steady-state call allocates nothing beyond what its caller's closure
// captures.
type parallelJob struct {
	f        func(lo, hi int)
	fi       func(i int)
	wg       sync.WaitGroup
	panicked parallelPanic
}

var parallelJobs = sync.Pool{New: func() any { return new(parallelJob) }}

// submit queues chunk [lo,hi) for the workers, or runs it here if the
// queue is full.
func (j *parallelJob) submit(lo, hi int) {
	j.wg.Add(1)
	t := task{job: j, lo: lo, hi: hi}
	select {
	case workerPool() <- t:
	default:
		t.run() // queue full: run it here
	}
}

// finish runs queued chunks no worker has taken yet (a parked worker can
// take tens of microseconds to wake), waits for the ones in flight,
// recycles the job and re-raises a chunk's panic.
func (j *parallelJob) finish() {
	for {
		select {
		case t := <-poolCh:
			t.run()
			continue
		default:
		}
		break
	}
	j.wg.Wait()
	v := j.panicked.v
	j.f, j.fi = nil, nil
	j.panicked = parallelPanic{}
	parallelJobs.Put(j)
	if v != nil {
		panic(v)
	}
}

// parallelPanic holds the first panic of a ParallelFor's chunks. A panic
// in a pool worker is re-raised on the caller's goroutine, where the
// runtime can recover it; uncaught it would kill the process.
type parallelPanic struct {
	mu sync.Mutex
	v  any
}

// task is one chunk of a job.
type task struct {
	job    *parallelJob
	lo, hi int
}

func (t task) run() {
	j := t.job
	defer j.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			j.panicked.mu.Lock()
			if j.panicked.v == nil {
				j.panicked.v = r
			}
			j.panicked.mu.Unlock()
		}
	}()
	if j.fi != nil {
		for i := t.lo; i < t.hi; i++ {
			j.fi(i)
		}
		return
	}
	j.f(t.lo, t.hi)
}

var (
	poolOnce sync.Once
	poolCh   chan task
)

// workerPool returns the queue of chunks the workers take. Workers are
// started once, one per CPU, and live for the life of the process. After
// a chunk a worker polls the queue for poolSpin before parking: a model's
// kernels come back to back, and waking a parked worker costs more than
// a small layer's chunk (ONNX Runtime's pool spins the same way).
func workerPool() chan task {
	poolOnce.Do(func() {
		poolCh = make(chan task, 4*runtime.NumCPU())
		for i := 0; i < runtime.NumCPU(); i++ {
			go poolWorker()
		}
	})
	return poolCh
}

// poolSpin is how long an idle worker keeps polling for work (measured:
// with 200µs MobileNetV2 workers parked between layers and 2 threads ran
// no faster than 1).
const poolSpin = 2000 * time.Microsecond

func poolWorker() {
	for t := range poolCh {
		t.run()
		deadline := time.Now().Add(poolSpin)
		for polls := 0; ; polls++ {
			select {
			case t, ok := <-poolCh:
				if !ok {
					return
				}
				t.run()
				deadline = time.Now().Add(poolSpin)
				continue
			default:
			}
			if polls%64 == 63 && time.Now().After(deadline) {
				break
			}
			runtime.Gosched()
		}
	}
}

// Errf formats an error about the context's node: "ops: Conv "c1": ...".
// Wrap a sentinel with %w in format.
func (ctx *Context) Errf(format string, args ...any) error {
	return fmt.Errorf("ops: %v: "+format, append([]any{ctx.Node}, args...)...)
}

// NodeErrf formats an error about node n, for factories.
func NodeErrf(n *ir.Node, format string, args ...any) error {
	return fmt.Errorf("ops: %v: "+format, append([]any{n}, args...)...)
}

// linalg's multi-threaded kernels (SGEMM, direct convolution, int8 GEMM)
// run their chunks on the same pool as the kernels here.
func init() {
	linalg.SetRunner(parallelEach)
}
