package poller

import (
	"testing"
	"time"
)

func TestQuietFeedRateDecays(t *testing.T) {
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name string
		rate float64
		last time.Time
		want float64
	}{
		{"busy feed keeps its rate", 48, now.Add(-10 * time.Minute), 48},
		{"no dated item: rate kept", 48, time.Time{}, 48},
		{"unknown rate stays unknown", 0, time.Time{}, 0},
		{"quiet for ten days: one a day at most", 48, now.Add(-10 * day), 1},
		{"quiet for a hundred days", 48, now.Add(-100 * day), 0.1},
		{"slow feed slower than the bound keeps its rate", 0.05, now.Add(-10 * day), 0.05},
		{"only old items: rate from the silence", 0, now.Add(-50 * day), 0.2},
		{"item dated now", 48, now, 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quietRate(tt.rate, tt.last, now); got < tt.want*0.999 || got > tt.want*1.001 {
				t.Errorf("quietRate(%v, %v) = %v, want %v", tt.rate, now.Sub(tt.last), got, tt.want)
			}
		})
	}
}
