package ops

import (
	"errors"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestStringNormalizer(t *testing.T) {
	words := tensor.From([]int{4}, []string{"Monday", "tuesday", "MONDAY", "Wed"})
	tests := []struct {
		name  string
		attrs map[string]any
		in    *tensor.Tensor
		want  string
	}{
		{"none", nil, words, "string[4][Monday tuesday MONDAY Wed]"},
		{"lower", map[string]any{"case_change_action": "LOWER"}, words, "string[4][monday tuesday monday wed]"},
		{"upper, insensitive stopwords", map[string]any{"case_change_action": "UPPER", "stopwords": []string{"monday"}}, words, "string[2][TUESDAY WED]"},
		{"sensitive stopwords", map[string]any{"is_case_sensitive": 1, "stopwords": []string{"monday", "MONDAY"}}, words, "string[3][Monday tuesday Wed]"},
		{"two dims", map[string]any{"stopwords": []string{"wed"}}, tensor.From([]int{1, 2}, []string{"a", "WED"}), "string[1 1][a]"},
		{"all removed 1-D", map[string]any{"stopwords": []string{"a"}}, tensor.From([]int{1}, []string{"A"}), "string[1][]"},
		{"all removed 2-D", map[string]any{"stopwords": []string{"a"}}, tensor.From([]int{1, 1}, []string{"a"}), "string[1 1][]"},
	}
	for _, tc := range tests {
		out, err := qsRunT("StringNormalizer", 10, tc.attrs, tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsVals(out[0]); got != tc.want {
			t.Errorf("%s: got %q want %q", tc.name, got, tc.want)
		}
	}
	if _, err := qsRunT("StringNormalizer", 10, nil, tensor.From([]int{2, 1}, []string{"a", "b"})); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("[2,1] input: got %v", err)
	}
	if _, err := qsRunT("StringNormalizer", 10, map[string]any{"case_change_action": "TITLE"}, words); !errors.Is(err, ErrUnsupported) {
		t.Errorf("bad action: got %v", err)
	}
	if _, err := qsRunT("StringNormalizer", 10, nil, tensor.From([]int{1}, []int64{1})); !errors.Is(err, tensor.ErrDType) {
		t.Errorf("int input: got %v", err)
	}
}

func TestTfIdfVectorizer(t *testing.T) {
	// Pool: unigrams 2, 3, 5 (ids 1-3), bigrams (5,6) (7,8) (ids 4-5).
	base := func(extra map[string]any) map[string]any {
		a := map[string]any{
			"mode": "TF", "min_gram_length": 1, "max_gram_length": 2, "max_skip_count": 0,
			"ngram_counts": []int64{0, 3}, "ngram_indexes": []int64{0, 1, 2, 3, 4},
			"pool_int64s": []int64{2, 3, 5, 5, 6, 7, 8},
		}
		for k, v := range extra {
			a[k] = v
		}
		return a
	}
	x := tensor.From([]int{2, 6}, []int32{2, 5, 6, 2, 9, 5, 7, 9, 8, 5, 3, 6})
	tests := []struct {
		name  string
		attrs map[string]any
		in    *tensor.Tensor
		want  string
	}{
		{"uni+bi skip0", base(nil), x, "float32[2 5][2 0 2 1 0 0 1 1 0 0]"},
		{"bigrams only skip1", base(map[string]any{"min_gram_length": 2, "max_skip_count": 1}), x, "float32[2 5][0 0 0 1 0 0 0 0 1 1]"},
		{"uni+bi skip1", base(map[string]any{"max_skip_count": 1}), x, "float32[2 5][2 0 2 1 0 0 1 1 1 1]"},
		{"unigrams only", base(map[string]any{"max_gram_length": 1, "max_skip_count": 3}), x, "float32[2 5][2 0 2 0 0 0 1 1 0 0]"},
		{"1-D input", base(nil), tensor.From([]int{3}, []int64{5, 6, 5}), "float32[5][0 0 2 1 0]"},
		{"IDF no weights", base(map[string]any{"mode": "IDF"}), x, "float32[2 5][1 0 1 1 0 0 1 1 0 0]"},
		{"IDF weights", base(map[string]any{"mode": "IDF", "weights": []float32{1, 2, 3, 4, 5}}), x, "float32[2 5][1 0 3 4 0 0 2 3 0 0]"},
		{"TFIDF weights", base(map[string]any{"mode": "TFIDF", "weights": []float32{1, 2, 3, 4, 5}}), x, "float32[2 5][2 0 6 4 0 0 2 3 0 0]"},
		{"remapped indexes", base(map[string]any{"ngram_indexes": []int64{4, 3, 2, 1, 0}}), x, "float32[2 5][0 1 2 0 2 0 0 1 1 0]"},
		{"strings", map[string]any{"mode": "TF", "min_gram_length": 1, "max_gram_length": 2, "max_skip_count": 0,
			"ngram_counts": []int64{0, 2}, "ngram_indexes": []int64{0, 1, 2}, "pool_strings": []string{"a", "b", "a", "b"}},
			tensor.From([]int{4}, []string{"a", "b", "ab", "a"}), "float32[3][2 1 1]"},
		{"empty input", base(nil), tensor.From([]int{0}, []int64{}), "float32[5][0 0 0 0 0]"},
	}
	for _, tc := range tests {
		out, err := qsRunT("TfIdfVectorizer", 9, tc.attrs, tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsVals(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
	errs := []struct {
		name  string
		attrs map[string]any
		in    *tensor.Tensor
		want  error
	}{
		{"bad mode", base(map[string]any{"mode": "XX"}), x, ErrUnsupported},
		{"bad gram lengths", base(map[string]any{"min_gram_length": 3}), x, ir.ErrInvalidModel},
		{"short indexes", base(map[string]any{"ngram_indexes": []int64{0, 1}}), x, ir.ErrInvalidModel},
		{"negative index", base(map[string]any{"ngram_indexes": []int64{0, 1, 2, 3, -4}}), x, ir.ErrInvalidModel},
		{"bad counts", base(map[string]any{"ngram_counts": []int64{0, 9}}), x, ir.ErrInvalidModel},
		{"string input, int pool", base(nil), tensor.From([]int{1}, []string{"a"}), tensor.ErrDType},
		{"rank 3", base(nil), tensor.Zeros(tensor.Int64, 1, 1, 1), tensor.ErrShape},
		{"short weights", base(map[string]any{"weights": []float32{1}}), x, ir.ErrInvalidModel},
	}
	for _, tc := range errs {
		_, err := qsRunT("TfIdfVectorizer", 9, tc.attrs, tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
