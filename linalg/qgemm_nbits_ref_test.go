package linalg

import "testing"

func TestQNBitsDequantize(t *testing.T) {
	// 8-bit, K=17 (block 16: 2 blocks, second partial), N=2, packed zero points.
	l := QNBitsLayout{N: 2, K: 17, Bits: 8, BlockSize: 16}
	b := make([]uint8, 2*2*16)
	for i := range b {
		b[i] = uint8(i)
	}
	scales := []float32{1, 2, 0.5, 4}
	zp := []uint8{0, 16, 32, 48}
	w := make([]float32, 2*17)
	if err := QNBitsDequantize(l, w, b, scales, zp, nil, nil); err != nil {
		t.Fatal(err)
	}
	// n=0,k=16 -> byte 16, zp 16, scale 2 -> 0; n=1,k=0 -> byte 32, zp 32 -> 0; n=1,k=3 -> 3*0.5.
	if w[0] != 0 || w[15] != 15 || w[16] != 0 || w[17] != 0 || w[20] != 1.5 || w[33] != 0 {
		t.Fatalf("w = %v", w)
	}
	// 4-bit default zero point 8, low nibble first.
	l4 := QNBitsLayout{N: 1, K: 3, Bits: 4, BlockSize: 16}
	b4 := make([]uint8, 8)
	b4[0], b4[1] = 0xA1, 0x0F
	w4 := make([]float32, 3)
	if err := QNBitsDequantize(l4, w4, b4, []float32{1}, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if w4[0] != -7 || w4[1] != 2 || w4[2] != 7 {
		t.Fatalf("w4 = %v", w4)
	}
	// Float zero points and g_idx.
	if err := QNBitsDequantize(l4, w4, b4, []float32{2}, nil, []float32{0.5}, []int32{0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if w4[0] != 1 {
		t.Fatalf("float zp: %v", w4)
	}
	for _, bad := range []QNBitsLayout{{N: 1, K: 3, Bits: 3, BlockSize: 16}, {N: 1, K: 3, Bits: 4, BlockSize: 8}, {N: 1, K: 3, Bits: 4, BlockSize: 48}} {
		if err := QNBitsDequantize(bad, w4, b4, []float32{1}, nil, nil, nil); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if err := QNBitsDequantize(l4, w4, b4[:4], []float32{1}, nil, nil, nil); err == nil {
		t.Error("short B: no error")
	}
	if err := QNBitsDequantize(l4, w4, b4, []float32{1}, nil, nil, []int32{0, 5, 0}); err == nil {
		t.Error("bad g_idx: no error")
	}
	c := make([]float32, 1)
	QNBitsGemmRef(1, 1, 3, []float32{1, 1, 1}, []float32{1, 2, 3}, []float32{0.5}, c)
	if c[0] != 6.5 {
		t.Fatalf("gemm = %v", c)
	}
}
