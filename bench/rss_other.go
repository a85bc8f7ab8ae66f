//go:build !unix

package bench

// PeakRSS reports that the peak resident set size is unknown on this
// platform (js/wasm, wasip1, windows).
func PeakRSS() (int64, bool) { return 0, false }
