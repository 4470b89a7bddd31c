package fetcher_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/services/fetcher"
)

// A watching fetcher whose file input fails for good (its directory is gone)
// must stop with the error, not go on polling feeds while no file is read
// any more and report it only when told to shut down.
func TestWatchReturnsTheErrorOfAFailedInput(t *testing.T) {
	js := setup(t)
	in := filepath.Join(t.TempDir(), "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(in, "a.txt")
	write(t, a, "Title A\nBody.\n")
	old := time.Now().Add(-time.Minute)
	os.Chtimes(a, old, old)
	var p published
	f, err := fetcher.New(js, fetcher.Config{Inputs: []string{in}, Watch: true, PollInterval: 50 * time.Millisecond, OnPublished: p.add},
		zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for n, _ := p.count(); n < 1; n, _ = p.count() {
		if time.Now().After(deadline) {
			t.Fatal("the file was not published")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := os.RemoveAll(in); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), in) {
			t.Errorf("Run: %v, want the error of reading %s", err, in)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run still running 10s after its input directory went away: files are no longer read and nothing says so")
	}
}
