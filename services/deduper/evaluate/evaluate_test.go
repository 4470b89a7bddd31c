package evaluate

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScores(t *testing.T) {
	gold := map[string]string{"a": "1", "b": "1", "c": "2", "d": "2"}
	tests := []struct {
		name     string
		pred     map[string]string
		bcubed   PRF
		pairwise PRF
	}{
		{"perfect", map[string]string{"a": "x", "b": "x", "c": "y", "d": "y"}, PRF{1, 1, 1}, PRF{1, 1, 1}},
		{"all singletons", map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}, PRF{1, 0.5, 2.0 / 3}, PRF{0, 0, 0}},
		{"one cluster", map[string]string{"a": "x", "b": "x", "c": "x", "d": "x"}, PRF{0.5, 1, 2.0 / 3}, PRF{2.0 / 6, 1, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, p := BCubed(tt.pred, gold), Pairwise(tt.pred, gold)
			if !near(b.P, tt.bcubed.P) || !near(b.R, tt.bcubed.R) || !near(b.F1, tt.bcubed.F1) {
				t.Errorf("B-cubed %+v, want %+v", b, tt.bcubed)
			}
			if !near(p.P, tt.pairwise.P) || !near(p.R, tt.pairwise.R) || !near(p.F1, tt.pairwise.F1) {
				t.Errorf("pairwise %+v, want %+v", p, tt.pairwise)
			}
		})
	}
}
