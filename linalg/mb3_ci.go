package linalg

import "fmt"

// Pointwise products on small maps through the channel-vector tiles of
// ci_conv.go: the n pixels of C's rows are one "output row" of n
// pixels, so a 7x7 map's 49 columns are 8 tiles of 6 and one of 1
// (tiles 6 and 5 wide here), where the pixel-vector kernel computes 64
// columns (23 % of its work wasted on MobileNetV2's 7x7 and 14x14
// stages).

// mb3CiMaxN is the largest n the tiles take: past it the pixel-vector
// kernel wastes at most a few columns per row.
var mb3CiMaxN = 256

// mb3CiMinRow is the narrowest row a multi-threaded product's columns
// are split into (wider than ciChunk/2 tiles of ciMaxP).
const mb3CiMinRow = 72

// mb3CiOff disables the path (tests and benchmarks compare).
var mb3CiOff bool

// mb3Ci computes SgemmPackedDirect's C = ep(A·B) with the ci tiles when
// they can (C compact: ldc == n, m a multiple of 16 as ciUsable wants),
// reporting whether it did.
func mb3Ci(threads int, pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue) bool {
	tab := ciKerns
	m, k := pa.m, pa.k
	if tab == nil || mb3CiOff || m == 0 || n == 0 || k == 0 || ldc != n || n > mb3CiMaxN || n%pa.impl.nr == 0 || !ciUsable(tab, m, ep) {
		return false
	}
	mb3Check(pa, n, b, ldb, c, ldc, ep)
	bufs := convIndGet(0, k)
	for s := range bufs.offs {
		bufs.offs[s] = 4 * s * ldb
	}
	q := bufs.q
	bufs.q = b
	geo := convIndGeom{oh: 1, ow: n, pw: n}
	if threads > 1 && (m+63)/64 < 2*threads {
		// Few channel blocks to share out: the columns as rows too
		// (ciRun splits over blocks × rows), rows of at least 72
		// pixels so each is a row chunk of its own.
		for d := 2; n/d >= mb3CiMinRow; d++ {
			if n%d == 0 {
				geo.oh, geo.ow, geo.pw = d, n/d, n/d
				break
			}
		}
	}
	ciRun(tab, threads, m, k, pa.ciPacked(), bufs, &geo, c, ep)
	bufs.q = q
	convIndPool.Put(bufs)
	return true
}

// mb3Check panics on operands SgemmPackedDirect cannot take.
func mb3Check(pa *PackedA, n int, b []float32, ldb int, c []float32, ldc int, ep *Epilogue) {
	m, k := pa.m, pa.k
	sgemmCheckMat("B", k, n, b, ldb)
	sgemmCheckMat("C", m, n, c, ldc)
	if ep != nil {
		if (ep.RowBias != nil && len(ep.RowBias) < m) || (ep.ColBias != nil && len(ep.ColBias) < n) {
			panic(fmt.Sprintf("linalg: SgemmPackedDirect %dx%d with bias of %d rows, %d columns", m, n, len(ep.RowBias), len(ep.ColBias)))
		}
		if ep.Residual != nil && len(ep.Residual) < (m-1)*ldc+n {
			panic(fmt.Sprintf("linalg: SgemmPackedDirect %dx%d with a residual of %d elements", m, n, len(ep.Residual)))
		}
	}
}
