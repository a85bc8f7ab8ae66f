package linalg

import "unsafe"

// Integer GEMM dispatch. Every implementation registers a qgemmImpl; the
// plain Go twins are always present and the arch files (qgemm_amd64.go,
// qgemm_arm64.go, !purego) add faster ones at init. qkern holds the ones in
// use; tests switch them with qgemmUse / qrequantUse / nbitsUse.

// Packed-B layouts understood by the micro-kernels. Both store panels of
// qNR columns; one k step of a panel is 128 bytes.
const (
	// qLayoutS8x4: 4 consecutive k of one column as 4 int8 (u8·s8 dot
	// products, VPDPBUSD / SDOT / the generic kernel).
	qLayoutS8x4 = iota
	// qLayoutI16x2: 2 consecutive k of one column as 2 int16 (VPMADDWD).
	qLayoutI16x2
)

// qNR is the width of a packed-B panel in columns.
const qNR = 32

// qgemmImpl is one u8·s8 micro-kernel: it computes mblocks mr×nr tiles (nr
// is qNR, or qNR/2 and then called once per half panel) over steps packed k
// steps and adds the zero-point fixups (see qgemmKernGeneric).
type qgemmImpl struct {
	name   string
	layout int
	mr, nr int
	// aXor: the kernel wants A as signed bytes (a_u ^ 0x80, e.g. SDOT); the
	// driver compensates through the row fixups.
	aXor  bool
	kern  func(a *byte, lda int, b *byte, steps int, c *int32, ldc int, rfix, cfix *int32, mblocks, flags int)
	avail bool
}

// qrequantImpl converts a row of int32 accumulators (see qrequantGeneric).
// The function handles n rounded down to a multiple of step; the rest goes
// through the generic twin.
type qrequantImpl struct {
	name  string
	step  int
	fn    func(dst *byte, acc, bias *int32, mult *float32, n int, zp int32, lo, hi float32, signed bool)
	avail bool
}

var (
	qgemmGenericImpl = &qgemmImpl{name: "generic", layout: qLayoutS8x4, mr: 4, nr: qNR, kern: qgemmKernGeneric, avail: true}
	qrequantGeneric  = &qrequantImpl{name: "generic", step: 1, avail: true}

	// qgemmImpls lists every integer GEMM implementation, slowest first.
	qgemmImpls = []*qgemmImpl{qgemmGenericImpl}
	// qrequantImpls lists every requantization implementation.
	qrequantImpls = []*qrequantImpl{qrequantGeneric}
)

// qkern is the dispatch table in use.
var qkern = struct {
	gemm    *qgemmImpl
	requant *qrequantImpl
	nbits   *nbitsImpl
}{gemm: qgemmGenericImpl, requant: qrequantGeneric, nbits: nbitsGenericImpl}

// qkernBest points every entry of qkern at the fastest available
// implementation; arch init functions call it after registering theirs.
func qkernBest() {
	for _, im := range qgemmImpls {
		if im.avail {
			qkern.gemm = im
		}
	}
	for _, im := range qrequantImpls {
		if im.avail {
			qkern.requant = im
		}
	}
	for _, im := range nbitsImpls {
		if im.avail {
			qkern.nbits = im
		}
	}
}

// QKernelNames reports the integer kernels in use, for logs and benchmarks:
// the u8·s8 GEMM micro-kernel, the requantizer and the int4 block kernel.
func QKernelNames() (gemm, requant, nbits string) {
	return qkern.gemm.name, qkern.requant.name, qkern.nbits.name
}

// qgemmUse switches the GEMM kernel to the named implementation (for tests)
// and returns a function restoring the previous one; ok is false when the
// CPU lacks it.
func qgemmUse(name string) (restore func(), ok bool) {
	old := qkern.gemm
	for _, im := range qgemmImpls {
		if im.name == name && im.avail {
			qkern.gemm = im
			return func() { qkern.gemm = old }, true
		}
	}
	return func() {}, false
}

func qrequantUse(name string) (restore func(), ok bool) {
	old := qkern.requant
	for _, im := range qrequantImpls {
		if im.name == name && im.avail {
			qkern.requant = im
			return func() { qkern.requant = old }, true
		}
	}
	return func() {}, false
}

// qbytes views an 8-bit slice as bytes.
func qbytes[T QInt](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s))
}
