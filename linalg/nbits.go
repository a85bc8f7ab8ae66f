package linalg

// nbitsImpl is one int4 block GEMM implementation (placeholder filled in nbits*.go).
type nbitsImpl struct {
	name  string
	avail bool
}

var (
	nbitsGenericImpl = &nbitsImpl{name: "generic", avail: true}
	nbitsImpls       = []*nbitsImpl{nbitsGenericImpl}
)
