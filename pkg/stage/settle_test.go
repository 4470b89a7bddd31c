package stage_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// On the last allowed delivery the server drops a nak'ed message for good,
// so a dead letter that cannot be stored then must be retried, not left to
// a redelivery that never comes.
func TestDeadLetterOnLastDeliveryIsNotLostWhenTheDLQIsDown(t *testing.T) {
	js := setup(t)
	ctx := context.Background()
	if err := js.DeleteStream(ctx, events.StreamDLQ); err != nil {
		t.Fatal(err)
	}
	rawDoc(t, js, "bad")
	var calls atomic.Int32
	h := func(context.Context, *stage.Delivery) ([]*nats.Msg, error) {
		calls.Add(1)
		return nil, stage.Permanent(events.ReasonInvalid, errors.New("bad input"))
	}
	cc, _ := events.ConsumerConfig(events.StageExtractor, "")
	cc.MaxDeliver = 1
	ops := stage.NewOps()
	r, stop := run(t, js, stage.Config{Consumer: &cc, Ops: ops}, h)
	waitFor(t, "a failed dead letter", func() bool {
		v, _ := ops.Value(stage.MetricFailed, "stage", string(events.StageExtractor), "reason", stage.FailDeadLetter)
		return v >= 1
	})
	time.Sleep(200 * time.Millisecond) // time for the message to be given up, if it is
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the dead letter", func() bool { return r.Stats().DeadLettered == 1 })
	stop()
	dls := deadLetters(t, js)
	if len(dls) != 1 || dls[0].Reason != events.ReasonInvalid {
		t.Fatalf("dead letters = %+v, want one with reason %s", dls, events.ReasonInvalid)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("handler called %d times, want 1", got)
	}
}

// Publishing a handler's outputs can take longer than AckWait (the output
// stream is away, a leader is being elected): the message must stay with
// the worker publishing them rather than be handed to another.
func TestSlowPublishIsNotRedelivered(t *testing.T) {
	js := setup(t)
	ctx := context.Background()
	rawDoc(t, js, "slow-publish")
	if err := js.DeleteStream(ctx, events.StreamArticles); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	h := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		calls.Add(1)
		return echo(ctx, d)
	}
	cc, _ := events.ConsumerConfig(events.StageExtractor, "")
	cc.AckWait = 600 * time.Millisecond
	r, stop := run(t, js, stage.Config{Consumer: &cc, Concurrency: 2}, h)
	waitFor(t, "the handler", func() bool { return calls.Load() == 1 })
	// The stream comes back well past AckWait, while the publisher is
	// still trying (it tries for about two seconds).
	time.Sleep(1300 * time.Millisecond)
	for _, sc := range events.Streams(events.StreamOptions{}) {
		if sc.Name == events.StreamArticles {
			if _, err := js.CreateStream(ctx, sc); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitFor(t, "ack", func() bool { return r.Stats().Acked >= 1 })
	time.Sleep(300 * time.Millisecond)
	stop()
	if got := r.Stats().Retried; got != 0 {
		t.Fatalf("retried %d times: the stream came back after the publisher gave up", got)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("handler called %d times, want 1: the message was redelivered while its outputs were being published", got)
	}
	if got := bodies(t, js, events.StreamArticles, ">"); len(got) != 1 {
		t.Errorf("outputs = %q, want one", got)
	}
}

// A runner whose consumer goes away under it (deleted by an operator, lost
// with its stream) has stopped consuming: Run must say so with an error
// rather than return as if shut down, or the service would exit as if all
// were well.
func TestRunFailsWhenItsConsumerIsDeleted(t *testing.T) {
	js := setup(t)
	rawDoc(t, js, "first")
	r, err := stage.New(js, stage.Config{Stage: events.StageExtractor, Backoff: fastBackoff}, echo, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitFor(t, "ack", func() bool { return r.Stats().Acked == 1 })
	if err := js.DeleteConsumer(context.Background(), events.StreamRaw, string(events.StageExtractor)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Run returned nil after its consumer was deleted, want an error")
		}
		if !errors.Is(err, jetstream.ErrConsumerDeleted) {
			t.Errorf("Run: %v, want it to wrap %v", err, jetstream.ErrConsumerDeleted)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run still running 15s after its consumer was deleted")
	}
}
