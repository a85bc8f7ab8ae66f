//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

//go:noescape
func mb0RowAVX512(k int, w *float32, wstride int, x *float32, offs *int, out *float32, hw int, bias, cst *float32, mask int)

func init() {
	if cpu.X86.HasAVX512F {
		mb0RowKern = mb0RowAVX512
	}
}
