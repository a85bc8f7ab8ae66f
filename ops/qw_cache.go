package ops

// Packed-weight cache for the quantized kernels: a node's weight is packed
// for linalg's integer GEMM on its first Run and reused while the same
// tensors come back (initializers do: the plan hands every run the same
// *tensor.Tensor). The key holds weak pointers, so the cache keeps no input
// alive (Kernel.Run must not retain inputs) and a collected tensor whose
// address is reused can never match. A kernel that sees a second, different
// weight treats it as computed at run time and packs per call from then on.

import (
	"sync"
	"sync/atomic"
	"weak"

	"github.com/qinfer/qinfer/tensor"
)

// qwKey identifies the tensors a packed weight was built from (weight,
// zero points, scales; unused slots are the zero weak pointer).
type qwKey [3]weak.Pointer[tensor.Tensor]

// qwKeyOf builds the key of up to three tensors (nil ones allowed).
func qwKeyOf(ts ...*tensor.Tensor) qwKey {
	var k qwKey
	for i, t := range ts {
		k[i] = weak.Make(t)
	}
	return k
}

type qwEntry[T any] struct {
	key qwKey
	val T
}

// qwCache holds one packed weight. The zero value is ready; it must not be
// copied after first use. Safe for concurrent Runs of one kernel: a
// constant weight is packed exactly once.
type qwCache[T any] struct {
	mu      sync.Mutex
	cur     atomic.Pointer[qwEntry[T]]
	dynamic atomic.Bool // a second weight was seen: pack per call
	packs   atomic.Int64
}

// get returns the value cached for key, or builds it. Constant weights are
// built once under the lock; once the weight has changed between runs,
// build runs per call without locking or caching.
func (c *qwCache[T]) get(key qwKey, build func() (T, error)) (T, error) {
	if e := c.cur.Load(); e != nil && e.key == key {
		return e.val, nil
	}
	if c.dynamic.Load() {
		c.packs.Add(1)
		return build()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.cur.Load(); e != nil {
		if e.key == key {
			return e.val, nil
		}
		c.dynamic.Store(true)
		c.cur.Store(nil)
	}
	c.packs.Add(1)
	v, err := build()
	if err != nil || c.dynamic.Load() {
		return v, err
	}
	c.cur.Store(&qwEntry[T]{key: key, val: v})
	return v, nil
}
