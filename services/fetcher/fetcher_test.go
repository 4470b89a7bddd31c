package fetcher_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

func setup(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, _, js := natstest.Start(t)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return js
}

// published collects what the fetcher reports.
type published struct {
	mu   sync.Mutex
	ids  []string
	dups int
}

func (p *published) add(id string, dup bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if dup {
		p.dups++
		return
	}
	p.ids = append(p.ids, id)
}

func (p *published) count() (int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ids), p.dups
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	return s.CachedInfo().State.Msgs
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOnePassPublishesEachFileOnce(t *testing.T) {
	js := setup(t)
	in := t.TempDir()
	write(t, filepath.Join(in, "a.txt"), "Title A\nBody of the first article.\n")
	write(t, filepath.Join(in, "b.html"), "<html><body><p>Second</p></body></html>")
	write(t, filepath.Join(in, "notes.md"), "not an input")
	if err := os.Mkdir(filepath.Join(in, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(in, "sub", "c.htm"), "<p>Third</p>")
	write(t, filepath.Join(in, ".hidden.txt"), "skipped")

	var p published
	run := func() {
		f, err := fetcher.New(js, fetcher.Config{Inputs: []string{in}, OnPublished: p.add}, zaptest.NewLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if n, dups := p.count(); n != 3 || dups != 0 {
		t.Errorf("first pass: %d published, %d duplicates; want 3, 0", n, dups)
	}
	run()
	if n, dups := p.count(); n != 3 || dups != 3 {
		t.Errorf("second pass: %d published, %d duplicates; want 3, 3", n, dups)
	}
	if got := streamMsgs(t, js, events.StreamRaw); got != 3 {
		t.Errorf("NEWS_RAW holds %d messages, want 3", got)
	}
}

func TestWatchPicksUpNewAndChangedFiles(t *testing.T) {
	js := setup(t)
	in := t.TempDir()
	a := filepath.Join(in, "a.txt")
	write(t, a, "Title A\nFirst version.\n")
	old := time.Now().Add(-time.Minute)
	os.Chtimes(a, old, old)

	var p published
	f, err := fetcher.New(js, fetcher.Config{Inputs: []string{in}, Watch: true, PollInterval: 50 * time.Millisecond, OnPublished: p.add},
		zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	waitFor := func(what string, want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if n, _ := p.count(); n == want {
				return
			}
			if time.Now().After(deadline) {
				n, _ := p.count()
				t.Fatalf("%s: %d published, want %d", what, n, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("initial scan", 1)
	write(t, filepath.Join(in, "b.txt"), "Title B\nA new file.\n")
	waitFor("new file", 2)
	write(t, a, "Title A\nSecond version, longer.\n")
	waitFor("changed file", 3)
	time.Sleep(300 * time.Millisecond)
	if n, _ := p.count(); n != 3 {
		t.Errorf("unchanged files were published again: %d published, want 3", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if got := streamMsgs(t, js, events.StreamRaw); got != 3 {
		t.Errorf("NEWS_RAW holds %d messages, want 3 (two revisions of a, one of b)", got)
	}
}

func TestUnreadableFilesAreDeadLettered(t *testing.T) {
	js := setup(t)
	in := t.TempDir()
	write(t, filepath.Join(in, "empty.txt"), "")
	write(t, filepath.Join(in, "big.txt"), string(make([]byte, 2048)))
	write(t, filepath.Join(in, "ok.txt"), "Title\nFine.\n")
	var failed []string
	f, err := fetcher.New(js, fetcher.Config{Inputs: []string{in}, MaxBytes: 1024, OnFailed: func(id string) { failed = append(failed, id) }},
		zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := f.Stats()
	if st.Published != 1 || st.Failed != 2 || len(failed) != 2 {
		t.Errorf("stats %+v (%d failure callbacks), want 1 published and 2 failed", st, len(failed))
	}
	if got := streamMsgs(t, js, events.StreamDLQ); got != 2 {
		t.Errorf("NEWS_DLQ holds %d messages, want 2", got)
	}
}

func TestConfigValidate(t *testing.T) {
	err := fetcher.Config{MaxBytes: -1, PollInterval: -time.Second}.Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"no inputs", "max bytes", "poll interval"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
