package schedule

import (
	"testing"
	"time"
)

func TestInterval(t *testing.T) {
	p := Policy{Min: 5 * time.Minute, Max: 6 * time.Hour, Jitter: 0.1, MaxRetryAfter: 24 * time.Hour}
	tests := []struct {
		name string
		s    Signals
		want time.Duration
	}{
		{"nothing known", Signals{}, 5 * time.Minute},
		{"busy feed clamped to min", Signals{ItemsPerDay: 1000}, 5 * time.Minute},
		{"rate", Signals{ItemsPerDay: 24}, time.Hour},
		{"slow feed clamped to max", Signals{ItemsPerDay: 0.5}, 6 * time.Hour},
		{"ttl lengthens", Signals{ItemsPerDay: 48, TTL: 90 * time.Minute}, 90 * time.Minute},
		{"max-age lengthens", Signals{Fresh: 20 * time.Minute}, 20 * time.Minute},
		{"short max-age ignored", Signals{ItemsPerDay: 24, Fresh: time.Minute}, time.Hour},
		{"huge ttl clamped", Signals{TTL: 7 * 24 * time.Hour}, 6 * time.Hour},
		{"retry-after beyond max honoured", Signals{RetryAfter: 12 * time.Hour}, 12 * time.Hour},
		{"retry-after capped", Signals{RetryAfter: 30 * 24 * time.Hour}, 24 * time.Hour},
		{"short retry-after changes nothing", Signals{ItemsPerDay: 24, RetryAfter: time.Minute}, time.Hour},
		{"first error", Signals{ErrorStreak: 1}, 5 * time.Minute},
		{"third error", Signals{ErrorStreak: 3}, 20 * time.Minute},
		{"errors capped, never disabled", Signals{ErrorStreak: 1000}, 6 * time.Hour},
		{"error with retry-after", Signals{ErrorStreak: 1, RetryAfter: time.Hour}, time.Hour},
		{"error ignores rate", Signals{ErrorStreak: 2, ItemsPerDay: 0.1}, 10 * time.Minute},
	}
	for _, tt := range tests {
		if got := p.Interval(tt.s); got != tt.want {
			t.Errorf("%s: interval %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNextJitter(t *testing.T) {
	p := Policy{Min: time.Minute, Max: time.Hour, Jitter: 0.2, MaxRetryAfter: time.Hour}
	now := time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)
	if got := p.Next(now, Signals{}, 0); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("no jitter: %s", got)
	}
	if got := p.Next(now, Signals{}, 0.5); !got.Equal(now.Add(66 * time.Second)) {
		t.Errorf("half jitter: %s, want +66s", got.Sub(now))
	}
	if got := p.Next(now, Signals{}, 0.999999); got.Sub(now) >= 72*time.Second {
		t.Errorf("jitter reached its bound: %s", got.Sub(now))
	}
}

func TestQueue(t *testing.T) {
	q := NewQueue()
	t0 := time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)
	q.Set("c", t0.Add(3*time.Second))
	q.Set("a", t0.Add(time.Second))
	q.Set("b", t0.Add(2*time.Second))
	q.Set("a", t0.Add(4*time.Second)) // moved
	q.Set("d", t0.Add(5*time.Second))
	q.Remove("d")
	q.Remove("missing")
	if k, due, _ := q.Peek(); k != "b" || !due.Equal(t0.Add(2*time.Second)) || q.Len() != 3 {
		t.Fatalf("Peek = %s at %s (len %d)", k, due, q.Len())
	}
	var order []string
	for {
		k, _, ok := q.Pop()
		if !ok {
			break
		}
		order = append(order, k)
	}
	if got := order; len(got) != 3 || got[0] != "b" || got[1] != "c" || got[2] != "a" {
		t.Errorf("order %v, want [b c a]", got)
	}
}
