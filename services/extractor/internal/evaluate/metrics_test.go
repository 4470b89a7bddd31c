package evaluate

import (
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestShingleCounts(t *testing.T) {
	tests := []struct {
		name        string
		truth, pred string
		p, r        float64
	}{
		{"identical", "one two three four five", "one two three four five", 1, 1},
		{"nothing extracted", "one two three four five", "", 0, 0},
		{"extra text", "one two three four", "one two three four five", 0.5, 1},
		{"case matters", "One two three four", "one two three four", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ShingleCounts(tt.truth, tt.pred)
			if !near(c.precision(), tt.p) || !near(c.recall(), tt.r) {
				t.Errorf("P %.3f R %.3f, want %.3f %.3f", c.precision(), c.recall(), tt.p, tt.r)
			}
		})
	}
	agg := Aggregate([]Counts{ShingleCounts("a b c d e", "a b c d e"), ShingleCounts("a b c d", "")})
	if !near(agg.P, 1) || !near(agg.R, 0.5) {
		t.Errorf("aggregate %+v, want P 1 (empty prediction not averaged) and R 0.5", agg)
	}
}

func TestBagOfWords(t *testing.T) {
	got := BagOfWords("The cat sat on the mat", "the cat sat")
	if !near(got.P, 1) || !near(got.R, 0.5) {
		t.Errorf("%+v, want P 1 R 0.5", got)
	}
}

func TestMetadataMatches(t *testing.T) {
	if !SameTitle("Top Trends: Fall 2025!", "top trends fall 2025") {
		t.Error("titles differing in case and punctuation do not match")
	}
	if !SameAuthors("Dylan Bailey, MS, RD, FAND", []string{"Dylan Bailey"}) {
		t.Error("credentials are not ignored")
	}
	if !SameAuthors("Danielle DeSiato, Donna Enzmann, and Natalie Nguyen", []string{"Natalie Nguyen", "Donna Enzmann", "Danielle DeSiato"}) {
		t.Error("author order matters")
	}
	if SameAuthors("Andrew King", []string{"Andrew King", "Staff"}) {
		t.Error("an extra author matches")
	}
	ts := time.Date(2025, 9, 4, 23, 30, 0, 0, time.FixedZone("", -4*3600))
	if !SameDay("2025-09-04", &ts) || SameDay("2025-09-05", &ts) {
		t.Error("day comparison does not use the time's own offset")
	}
}
