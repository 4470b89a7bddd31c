package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// A watching run counts a document the fetcher could not read once, as one
// dead letter, though it hears of it twice: from the fetcher, and from the
// dead-letter stream.
func TestWatchingRunCountsAFetcherDeadLetterOnce(t *testing.T) {
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "bad.json"), []byte("{x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "good.txt"), []byte("A headline\nThe harbour reopened on Monday after repairs to the breakwater were finished.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, nc, js := natstest.Start(t)
	ops := stage.NewOps()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan pipeline.Summary, 1)
	go func() {
		sum, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{in}, OutDir: t.TempDir(), NATSURL: nc.ConnectedUrl(), Ops: ops},
			zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		dlq, err := js.Stream(context.Background(), events.StreamDLQ)
		clustered, err2 := js.Stream(context.Background(), events.StreamClustered)
		if err == nil && err2 == nil && dlq.CachedInfo().State.Msgs == 1 && clustered.CachedInfo().State.Msgs == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run did not dead-letter the bad file and cluster the good one within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the run hears of the dead letter
	// Its /readyz checks the server and the streams too.
	passing, failing := ops.Readiness(context.Background())
	if !slices.Contains(passing, "nats") || !slices.Contains(passing, "streams") || len(failing) > 0 {
		t.Errorf("readiness: passing %v, failing %v; want nats and streams among the passing", passing, failing)
	}
	cancel()
	if sum := <-done; sum.DeadLetters != 1 || sum.Documents != 2 {
		t.Errorf("summary %+v, want 2 documents and 1 dead letter", sum)
	}
}
