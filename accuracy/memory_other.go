//go:build !linux

package accuracy

import (
	"fmt"
	"os/exec"
	"runtime"
)

// peakRSS is only implemented on Linux.
func peakRSS(cmd *exec.Cmd) (int64, error) {
	return 0, fmt.Errorf("peak RSS of a child process is not measured on %s", runtime.GOOS)
}
