package ops

import (
	"os"
	"slices"
	"testing"
	"time"
)

// TestMbtPoolLatency reports how soon a pool worker starts the second
// chunk of a ParallelFor (MBT_TIME=1): on a loaded machine it often does
// not before the caller has run it itself, and two threads run as one.
func TestMbtPoolLatency(t *testing.T) {
	if os.Getenv("MBT_TIME") == "" {
		t.Skip()
	}
	var lat []float64
	for i := 0; i < 2000; i++ {
		var t1 time.Time
		t0 := time.Now()
		ParallelFor(2, 2, 1, func(lo, hi int) {
			if lo == 1 {
				t1 = time.Now()
			} else {
				for time.Since(t0) < 20*time.Microsecond {
				}
			}
		})
		lat = append(lat, float64(t1.Sub(t0).Nanoseconds())/1000)
	}
	slices.Sort(lat)
	t.Logf("pickup us: min %.1f p25 %.1f med %.1f p75 %.1f p90 %.1f", lat[0], lat[500], lat[1000], lat[1500], lat[1800])
}
