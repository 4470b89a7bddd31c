package pipeline_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// TestRunStopsWhenAStageFails: a stage that cannot run (here the extractor,
// whose durable consumer exists with a configuration it cannot take over)
// ends the run with that stage's error, at once, whether the run watches
// or ingests once; it neither runs on without the stage nor waits out its
// timeout.
func TestRunStopsWhenAStageFails(t *testing.T) {
	for _, once := range []bool{true, false} {
		name := map[bool]string{true: "once", false: "watching"}[once]
		t.Run(name, func(t *testing.T) {
			srv, _, js := natstest.Start(t)
			ctx := context.Background()
			if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
				t.Fatal(err)
			}
			// An acknowledgement policy cannot be changed on an existing
			// consumer, so the extractor's runner cannot create its own.
			if _, err := js.CreateConsumer(ctx, events.StreamRaw, jetstream.ConsumerConfig{
				Durable: string(events.StageExtractor), AckPolicy: jetstream.AckNonePolicy,
			}); err != nil {
				t.Fatal(err)
			}

			cfg := pipeline.Config{Inputs: []string{seeds(t)}, OutDir: t.TempDir(), NATSURL: srv.ClientURL(),
				Once: once, Timeout: 2 * time.Minute}
			rctx, cancel := context.WithCancel(ctx)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := pipeline.Run(rctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.FatalLevel)))
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "extractor") {
					t.Errorf("Run returned %v; want the extractor's failure", err)
				}
			case <-time.After(time.Minute):
				cancel()
				err := <-done
				t.Fatalf("Run still running a minute after the extractor failed; on cancel it returned %v", err)
			}
		})
	}
}

// TestRunSaysWhenTheServerIsNotReachable: a run against a NATS server that
// does not answer waits for it (it may be starting), and when it gives up,
// or is interrupted, it says the server was not reachable.
func TestRunSaysWhenTheServerIsNotReachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	const url = "nats://127.0.0.1:1"
	_, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{t.TempDir()}, OutDir: t.TempDir(), NATSURL: url, Once: true},
		zaptest.NewLogger(t, zaptest.Level(zap.FatalLevel)))
	if err == nil || !strings.Contains(err.Error(), "not reachable") || !strings.Contains(err.Error(), url) {
		t.Errorf("Run against %s: %v; want an error saying it is not reachable", url, err)
	}
}
