//go:build unix && !linux

package bench

import (
	goruntime "runtime"
	"syscall"
)

// PeakRSS returns the peak resident set size of this process in bytes
// (getrusage ru_maxrss) and whether it could be read.
func PeakRSS() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	v := int64(ru.Maxrss)
	if goruntime.GOOS == "darwin" || goruntime.GOOS == "ios" {
		return v, true // bytes
	}
	return v * 1024, true // kilobytes on the BSDs, illumos, AIX
}
