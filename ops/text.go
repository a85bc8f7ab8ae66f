package ops

// ONNX text operators: StringNormalizer and TfIdfVectorizer.

import (
	"encoding/binary"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("", "StringNormalizer", 10, qsNewStringNormalizer)
	Register("", "TfIdfVectorizer", 9, qsNewTfIdf)
}

// ---- StringNormalizer ----

func qsNewStringNormalizer(n *ir.Node, opset int) (Kernel, error) {
	action := n.AttrString("case_change_action", "NONE")
	switch action {
	case "NONE", "LOWER", "UPPER":
	default:
		return nil, NodeErrf(n, "case_change_action %q: %w", action, ErrUnsupported)
	}
	sensitive := n.AttrInt("is_case_sensitive", 0) != 0
	stops := map[string]bool{}
	for _, w := range n.AttrStrings("stopwords") {
		if !sensitive {
			w = strings.ToLower(w)
		}
		stops[w] = true
	}
	return KernelFunc(func(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if err := NeedInputs(ctx, in, 1); err != nil {
			return nil, err
		}
		x := in[0]
		if x.DType() != tensor.String {
			return nil, ctx.Errf("input dtype %v, want string: %w", x.DType(), tensor.ErrDType)
		}
		twoDim := x.Rank() == 2
		if !(x.Rank() == 1 || twoDim && x.Shape()[0] == 1) {
			return nil, ctx.Errf("input shape %v: want [C] or [1, C]: %w", x.Shape(), tensor.ErrShape)
		}
		var out []string
		for _, s := range tensor.Data[string](x) {
			key := s
			if !sensitive {
				key = strings.ToLower(s)
			}
			if stops[key] {
				continue
			}
			switch action {
			case "LOWER":
				s = strings.ToLower(s)
			case "UPPER":
				s = strings.ToUpper(s)
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			out = []string{""}
		}
		shape := []int{len(out)}
		if twoDim {
			shape = []int{1, len(out)}
		}
		t, err := tensor.FromData(tensor.String, shape, out)
		if err != nil {
			return nil, ctx.Errf("%w", err)
		}
		return One(t), nil
	}), nil
}

// ---- TfIdfVectorizer ----

type qsTfIdf struct {
	mode             string
	minN, maxN, skip int
	indexes          []int // output column of n-gram id i+1
	outSize          int
	weights          []float32
	strPool          bool
	grams            map[string]int // n-gram key → id (1-based); 0 marks a prefix only
}

// qsTokKey appends the key encoding of one token.
func qsTokKeyInt(key []byte, v int64) []byte { return binary.LittleEndian.AppendUint64(key, uint64(v)) }

func qsTokKeyStr(key []byte, s string) []byte {
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}

func qsNewTfIdf(n *ir.Node, opset int) (Kernel, error) {
	k := &qsTfIdf{
		mode:    n.AttrString("mode", ""),
		minN:    int(n.AttrInt("min_gram_length", 0)),
		maxN:    int(n.AttrInt("max_gram_length", 0)),
		skip:    int(n.AttrInt("max_skip_count", 0)),
		indexes: Ints(n.AttrInts("ngram_indexes")),
		weights: n.AttrFloats("weights"),
		grams:   map[string]int{},
	}
	switch k.mode {
	case "TF", "IDF", "TFIDF":
	default:
		return nil, NodeErrf(n, "mode %q: %w", k.mode, ErrUnsupported)
	}
	if k.minN < 1 || k.maxN < k.minN || k.skip < 0 {
		return nil, NodeErrf(n, "min_gram_length %d, max_gram_length %d, max_skip_count %d: %w", k.minN, k.maxN, k.skip, ir.ErrInvalidModel)
	}
	for _, ix := range k.indexes {
		if ix < 0 {
			return nil, NodeErrf(n, "ngram_indexes %v has a negative entry: %w", k.indexes, ir.ErrInvalidModel)
		}
		k.outSize = max(k.outSize, ix+1)
	}
	if len(k.weights) == 0 {
		k.weights = nil
	}
	if k.weights != nil && len(k.weights) < k.outSize {
		return nil, NodeErrf(n, "weights has %d values, output size is %d: %w", len(k.weights), k.outSize, ir.ErrInvalidModel)
	}
	ints, strs := n.AttrInts("pool_int64s"), n.AttrStrings("pool_strings")
	if len(ints) > 0 && len(strs) > 0 {
		return nil, NodeErrf(n, "only one of pool_int64s and pool_strings may be set: %w", ir.ErrInvalidModel)
	}
	k.strPool = len(strs) > 0
	total := len(ints) + len(strs)
	counts := n.AttrInts("ngram_counts")
	id := 1
	for i, c := range counts {
		end := int64(total)
		if i+1 < len(counts) {
			end = counts[i+1]
		}
		size := i + 1
		if c < 0 || end < c || end > int64(total) {
			return nil, NodeErrf(n, "ngram_counts %v do not fit a pool of %d: %w", counts, total, ir.ErrInvalidModel)
		}
		num := int(end-c) / size
		if size < k.minN || size > k.maxN {
			id += num
			continue
		}
		for g := 0; g < num; g++ {
			var key []byte
			for j := 0; j < size; j++ {
				p := int(c) + g*size + j
				if k.strPool {
					key = qsTokKeyStr(key, strs[p])
				} else {
					key = qsTokKeyInt(key, ints[p])
				}
				if j < size-1 {
					if _, ok := k.grams[string(key)]; !ok {
						k.grams[string(key)] = 0
					}
				}
			}
			if id-1 >= len(k.indexes) {
				return nil, NodeErrf(n, "n-gram %d has no entry in ngram_indexes (%d entries): %w", id, len(k.indexes), ir.ErrInvalidModel)
			}
			k.grams[string(key)] = id
			id++
		}
	}
	return k, nil
}

func (k *qsTfIdf) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	var rows, c int
	var oshape []int
	switch x.Rank() {
	case 0:
		rows, c, oshape = 1, 1, []int{k.outSize}
	case 1:
		rows, c, oshape = 1, x.Shape()[0], []int{k.outSize}
	case 2:
		rows, c, oshape = x.Shape()[0], x.Shape()[1], []int{x.Shape()[0], k.outSize}
	default:
		return nil, ctx.Errf("input shape %v: want [C] or [B, C]: %w", x.Shape(), tensor.ErrShape)
	}
	var strs []string
	var ints []int64
	switch x.DType() {
	case tensor.String:
		if !k.strPool && len(k.grams) > 0 {
			return nil, ctx.Errf("string input with an integer pool: %w", tensor.ErrDType)
		}
		strs = tensor.Data[string](x)
	case tensor.Int32, tensor.Int64:
		if k.strPool && len(k.grams) > 0 {
			return nil, ctx.Errf("integer input with a string pool: %w", tensor.ErrDType)
		}
		ints, _ = x.AsInt64s()
	default:
		return nil, ctx.Errf("input dtype %v: %w", x.DType(), tensor.ErrDType)
	}
	out, err := ctx.NewTensor(tensor.Float32, oshape...)
	if err != nil {
		return nil, ctx.Errf("%w", err)
	}
	y := out.Float32s()
	if len(k.grams) == 0 {
		return One(out), nil
	}
	var key []byte
	for r := 0; r < rows; r++ {
		freq := y[r*k.outSize : (r+1)*k.outSize]
		startN := k.minN
		for skip := 1; skip <= k.skip+1; skip++ {
			for start := 0; start < c; start++ {
				if start+skip*(startN-1) >= c {
					break
				}
				key = key[:0]
				for n, item := 1, start; n <= k.maxN && item < c; n, item = n+1, item+skip {
					if k.strPool {
						key = qsTokKeyStr(key, strs[r*c+item])
					} else {
						key = qsTokKeyInt(key, ints[r*c+item])
					}
					id, ok := k.grams[string(key)]
					if !ok {
						break
					}
					if n >= startN && id != 0 {
						freq[k.indexes[id-1]]++
					}
				}
			}
			// Unigrams do not depend on the skip distance: count them once.
			if startN == 1 {
				startN = 2
				if startN > k.maxN {
					break
				}
			}
		}
	}
	switch k.mode {
	case "IDF":
		for i, f := range y {
			if f > 0 {
				y[i] = 1
				if k.weights != nil {
					y[i] = k.weights[i%k.outSize]
				}
			}
		}
	case "TFIDF":
		if k.weights != nil {
			for i := range y {
				y[i] *= k.weights[i%k.outSize]
			}
		}
	}
	return One(out), nil
}
