package onnx

import "github.com/qinfer/qinfer/tensor"

// Defaults for the sparse densification cap (see Options).
const (
	DefaultMaxSparseDenseBytes = int64(64) << 20
	DefaultSparseExpansion     = int64(4096)
)

// sparseDenseLimit is the largest dense size, in bytes, a sparse tensor
// whose SparseTensorProto takes payload bytes may densify to (before
// MaxTensorBytes, which applies as well); -1 means no limit.
func (d *decoder) sparseDenseLimit(payload int64) int64 {
	floor, mult := d.opts.MaxSparseDenseBytes, d.opts.SparseExpansion
	if floor == 0 {
		floor = DefaultMaxSparseDenseBytes
	}
	if mult == 0 {
		mult = DefaultSparseExpansion
	}
	if floor < 0 && mult < 0 {
		return -1
	}
	limit := floor
	if mult > 0 {
		if payload > (1<<62)/mult {
			return -1
		}
		limit = max(limit, mult*payload)
	}
	return limit
}

// checkSparseExpansion fails with ErrLimit when a sparse tensor of dense
// size mem would grow too far beyond its payload bytes.
func (d *decoder) checkSparseExpansion(name string, dims []int64, mem, payload int64) error {
	if limit := d.sparseDenseLimit(payload); limit >= 0 && mem > limit {
		return tensorErr(name, tensor.ErrLimit, "sparse dims %v densify to %d bytes from a %d-byte sparse tensor, over the limit of %d (Options.MaxSparseDenseBytes, SparseExpansion)", dims, mem, payload, limit)
	}
	return nil
}
