package tensor

import (
	"fmt"
	"math"
)

// Reinit points t, an existing header, at new contents: dtype dt, shape
// (copied into t's own shape storage when it has room) and data, checked
// as FromData checks them. Buffer arenas use it to recycle the headers of
// dead values so a steady-state run allocates none. Only the owner of a
// header no one else can reach may call it: every holder of t (and of its
// Shape slice) sees the change. shape is not retained (callers may pass
// scratch storage).
func (t *Tensor) Reinit(dt DType, shape []int, data any) error {
	if !goTypeOK(dt, data) {
		return fmt.Errorf("tensor: %T cannot hold %v: %w", data, dt, ErrDType)
	}
	n := 1
	for _, d := range shape {
		if d < 0 || d > 0 && n > math.MaxInt/d {
			// Format a copy: shape itself must not escape (see above).
			return fmt.Errorf("tensor: bad shape %v: %w", append([]int(nil), shape...), ErrShape)
		}
		n *= d
	}
	if l := lenOf(data); l != n {
		return fmt.Errorf("tensor: shape %v needs %d elements, data has %d: %w", append([]int(nil), shape...), n, l, ErrShape)
	}
	t.dtype = dt
	t.shape = append(t.shape[:0], shape...)
	t.data = data
	t.frozen = false // new contents carry no promise
	return nil
}
