package accuracy

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qinfer/qinfer/demo"
)

// MemoryBudget is how far apart the peak RSS of two calibration runs may
// be: calibration memory must not grow with the number of samples.
const MemoryBudget = 50 << 20

// MemoryRow is one `qinfer quantize` run.
type MemoryRow struct {
	Samples int
	PeakRSS int64 // bytes
	Seconds float64
}

// MemoryResult compares calibration runs over different sample counts.
type MemoryResult struct {
	Command string // the command line, with N for the sample count
	Via     string // how the peak was read
	Rows    []MemoryRow
	Spread  int64 // largest minus smallest peak RSS
	Within  bool  // Spread <= MemoryBudget
}

// runMemory runs `qinfer quantize --method static --calibration entropy`
// on the demo model over each sample count of the train split, as a child
// process, and reads the child's peak RSS.
func runMemory(o *Options) (*MemoryResult, error) {
	if o.Qinfer == "" {
		return nil, fmt.Errorf("the memory task needs the qinfer binary (Options.Qinfer)")
	}
	model, err := writeFile(o, "fmnist.onnx", demo.Model())
	if err != nil {
		return nil, err
	}
	train, _ := fmnistPaths(o.FashionMNISTDir)
	res := &MemoryResult{Command: "qinfer quantize fmnist.onnx -o q.onnx --method static --calibration entropy --data idx:" + train + " --samples N"}
	lo, hi := int64(-1), int64(0)
	// The child's own getrusage peak is not enough: Go starts children with
	// a shared address space until exec, and Linux carries the parent's
	// high-water mark into the child's ru_maxrss. GNU time forks a small
	// process of its own, so its %M is the child's real peak.
	gnuTime, _ := exec.LookPath("/usr/bin/time")
	res.Via = "GNU time's %M (the child's ru_maxrss)"
	if gnuTime == "" {
		res.Via = "ru_maxrss read by the parent (an upper bound: it includes the parent's own peak)"
	}
	for _, n := range o.MemSamples {
		args := []string{"quantize", model, "-o", filepath.Join(o.WorkDir, "mem_"+strconv.Itoa(n)+".onnx"),
			"--method", "static", "--calibration", "entropy", "--data", "idx:" + train, "--samples", strconv.Itoa(n)}
		var cmd *exec.Cmd
		if gnuTime != "" {
			cmd = exec.Command(gnuTime, append([]string{"-f", memMarker + "%M", o.Qinfer}, args...)...)
		} else {
			cmd = exec.Command(o.Qinfer, args...)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%v: %v\n%s", cmd.Args, err, lastLines(stderr.String(), 5))
		}
		var rss int64
		var err error
		if gnuTime != "" {
			rss, err = parseTimeRSS(stderr.String())
		} else {
			rss, err = peakRSS(cmd)
		}
		if err != nil {
			return nil, err
		}
		row := MemoryRow{Samples: n, PeakRSS: rss, Seconds: time.Since(start).Seconds()}
		o.logf("memory: %6d samples  peak RSS %.1f MiB  %.1f s", n, float64(rss)/(1<<20), row.Seconds)
		res.Rows = append(res.Rows, row)
		if lo < 0 || rss < lo {
			lo = rss
		}
		hi = max(hi, rss)
	}
	res.Spread = hi - lo
	res.Within = res.Spread <= MemoryBudget
	return res, nil
}

// memMarker prefixes GNU time's report in the child's standard error.
const memMarker = "qinfer-accuracy-maxrss-kib="

// parseTimeRSS reads the peak RSS (KiB) GNU time printed after memMarker.
func parseTimeRSS(stderr string) (int64, error) {
	i := strings.LastIndex(stderr, memMarker)
	if i < 0 {
		return 0, fmt.Errorf("no peak RSS in the output of /usr/bin/time: %s", lastLines(stderr, 3))
	}
	f := strings.Fields(stderr[i+len(memMarker):])
	if len(f) == 0 {
		return 0, fmt.Errorf("empty peak RSS from /usr/bin/time")
	}
	kib, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || kib <= 0 {
		return 0, fmt.Errorf("peak RSS %q from /usr/bin/time", f[0])
	}
	return kib << 10, nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
