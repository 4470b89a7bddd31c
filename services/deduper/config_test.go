package deduper_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  deduper.Config
		want []string // parts of the error, none for a valid config
	}{
		{"defaults", deduper.Config{}, nil},
		{"tuned", deduper.Config{MaxHamming: 4, Window: 24 * time.Hour, LinkRecent: 10_000, SplitMembers: 16, LinkThreshold: 0.25, SplitThreshold: 0.18, LeaseTTL: 5 * time.Second}, nil},
		{"never divided", deduper.Config{SplitMembers: -1}, nil},
		{"every problem at once", deduper.Config{MaxHamming: 17, Window: -time.Hour, Apart: -time.Hour, LinkRecent: -1, SplitMembers: 1000, LinkThreshold: -0.1, SplitThreshold: 1.5, LeaseTTL: time.Millisecond},
			[]string{"max hamming 17", "window -1h0m0s is negative", "apart -1h0m0s", "link-recent -1", "split-members 1000", "link threshold -0.1", "split threshold 1.5", "lease TTL 1ms"}},
		{"thresholds that are not numbers", deduper.Config{LinkThreshold: math.NaN(), SplitThreshold: math.NaN()},
			[]string{"link threshold NaN", "split threshold NaN"}},
		{"window past the streams' age", deduper.Config{Window: events.DefaultMaxAge + time.Hour}, []string{"longer than the streams keep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %+v", tt.cfg)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
