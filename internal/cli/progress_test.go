package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressPrintsPlainLinesOffATerminal(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &out, label: "replay", unit: "documents", total: 100, interval: 2 * time.Second, now: func() time.Time { return now }}
	p.start = now
	p.render(true)
	now = now.Add(time.Second)
	p.set(10) // within the interval: no line
	now = now.Add(time.Second)
	p.set(20)
	now = now.Add(3 * time.Second)
	p.add(30)
	p.finish()
	want := []string{
		"replay: 0/100 documents (0%) -/s ETA ?",
		"replay: 20/100 documents (20%) 10/s ETA 8s",
		"replay: 50/100 documents (50%) 10/s ETA 5s",
		"replay: 50 documents in 5s (10/s)",
	}
	if got := strings.Split(strings.TrimSpace(out.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("progress lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestProgressDrawsABarOnATerminal(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &out, tty: true, label: "replay", unit: "messages", total: 200, interval: 100 * time.Millisecond, now: func() time.Time { return now }}
	p.start = now
	now = now.Add(2 * time.Second)
	p.set(100)
	s := out.String()
	if !strings.HasPrefix(s, "\r\033[K") || !strings.Contains(s, "[===============>              ]  50% 100/200 50/s ETA 2s") {
		t.Errorf("bar = %q", s)
	}
}
