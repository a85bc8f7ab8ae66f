package quant

import "errors"

// Sentinel errors. Every error returned by this package wraps one of them (or
// tensor.ErrShape for size mismatches); test with errors.Is.
var (
	// ErrScheme reports an invalid or unsupported quantization scheme
	// (bits, axis, block size).
	ErrScheme = errors.New("quant: invalid scheme")
	// ErrRange reports a float range that cannot be quantized (NaN, Inf,
	// lo > hi, non-positive scale).
	ErrRange = errors.New("quant: invalid range")
	// ErrNoData reports an observer asked for a range before it saw any
	// finite value.
	ErrNoData = errors.New("quant: no data observed")
	// ErrOverrides reports a malformed overrides file.
	ErrOverrides = errors.New("quant: invalid overrides")
)
