package accuracy

import (
	"fmt"
	"os/exec"
	"syscall"
)

// peakRSS returns a finished child's peak resident set size in bytes
// (getrusage's ru_maxrss, the kernel's VmHWM, in KiB on Linux).
func peakRSS(cmd *exec.Cmd) (int64, error) {
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, fmt.Errorf("no resource usage for %v", cmd.Args)
	}
	return ru.Maxrss * 1024, nil
}
