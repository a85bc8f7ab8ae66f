package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// epilogueRef is the meaning of Epilogue, written independently of apply.
func epilogueRef(ep *Epilogue, m, n int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			v := float64(c[i*ldc+j])
			if ep.Residual != nil {
				v += float64(ep.Residual[i*ldc+j])
			}
			if ep.RowBias != nil {
				v += float64(ep.RowBias[i])
			}
			if ep.ColBias != nil {
				v += float64(ep.ColBias[j])
			}
			switch ep.Act {
			case ActRelu:
				v = math.Max(v, 0)
			case ActClip:
				v = math.Min(math.Max(v, float64(ep.Min)), float64(ep.Max))
			case ActLeakyRelu:
				if v < 0 {
					v *= float64(ep.Alpha)
				}
			case ActHardSwish:
				v *= math.Min(math.Max(v/6+0.5, 0), 1)
			case ActSigmoid:
				v = 1 / (1 + math.Exp(-v))
			}
			if ep.Post {
				v = float64(float32(v)*ep.PostScale + ep.PostShift)
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

func TestSgemmEpilogue(t *testing.T) {
	eps := []Epilogue{
		{Act: ActRelu},
		{Act: ActClip, Min: -0.5, Max: 1.25},
		{Act: ActLeakyRelu, Alpha: 0.1},
		{Act: ActHardSwish},
		{Act: ActSigmoid},
		{Act: ActNone},
		{Act: ActHardSwish, Post: true, PostScale: 0.75, PostShift: -0.5},
		{Act: ActRelu, Post: true, PostScale: -2, PostShift: 0.25},
	}
	sgemmEachImpl(t, func(t *testing.T) {
		for _, s := range [][3]int{{0, 3, 2}, {3, 5, 0}, {1, 1, 1}, {17, 33, 9}, {65, 130, 300}, {150, 700, 40}} {
			m, n, k := s[0], s[1], s[2]
			r := rand.New(rand.NewSource(int64(m + n + k)))
			for ei, ep := range eps {
				// bias bits: 1 row bias, 2 column bias, 4 residual (beta 0),
				// 8 beta 0 without a residual.
				for bias := 0; bias < 16; bias++ {
					if bias&12 == 12 {
						continue
					}
					e := ep
					if bias&1 != 0 {
						e.RowBias = sgemmRandom(r, m)
					}
					if bias&2 != 0 {
						e.ColBias = sgemmRandom(r, n)
					}
					beta := float32(0.25)
					if bias&12 != 0 {
						beta = 0
					}
					for _, th := range []int{1, 3} {
						name := fmt.Sprintf("%dx%dx%d/ep%d/bias%d/threads%d", m, n, k, ei, bias, th)
						ldc := n + 2
						if bias&4 != 0 {
							e.Residual = sgemmRandom(r, m*ldc)
						}
						a, b := sgemmRandom(r, m*k), sgemmRandom(r, k*n)
						c := sgemmRandom(r, m*ldc)
						want := append([]float32{}, c...)
						SgemmEpilogue(th, false, false, m, n, k, 0.5, a, k, b, n, beta, c, ldc, &e)
						sgemmRef(false, false, m, n, k, 0.5, a, k, b, n, beta, want, ldc)
						epilogueRef(&e, m, n, want, ldc)
						for i := range c {
							if !sgemmClose(c[i], want[i]) {
								t.Fatalf("%s: c[%d] = %v, want %v", name, i, c[i], want[i])
							}
						}
					}
				}
			}
		}
	})
}

// TestEpilogueNaN checks that NaN passes through every activation.
func TestEpilogueNaN(t *testing.T) {
	for act := ActNone; act <= ActSigmoid; act++ {
		c := []float32{float32(math.NaN())}
		ep := &Epilogue{Act: act, Min: -1, Max: 1, Alpha: 0.5}
		ep.apply(c, 1, 0, 0, 1, 1)
		if !math.IsNaN(float64(c[0])) {
			t.Errorf("act %d: NaN became %v", act, c[0])
		}
	}
}

func TestSgemmEpilogueShortBiasPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("short RowBias did not panic")
		}
	}()
	SgemmEpilogue(1, false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2, &Epilogue{RowBias: []float32{1}})
}
