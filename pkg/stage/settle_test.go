package stage_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
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
	r, _, done := started(t, js, stage.Config{Stage: events.StageExtractor, Backoff: fastBackoff}, echo)
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

// Messages pulled ahead of a slow handler wait their turn in the runner:
// they must stay ours meanwhile, not run out of AckWait and come again,
// which would run the handler twice and count deliveries towards
// MaxDeliver for messages that never failed.
func TestPrefetchedMessagesAreNotRedeliveredWhileWaiting(t *testing.T) {
	js := setup(t)
	const n = 30
	for i := range n {
		rawDoc(t, js, fmt.Sprintf("waiting-%02d", i))
	}
	var calls, redelivered atomic.Int32
	slow := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		calls.Add(1)
		if d.NumDelivered > 1 {
			redelivered.Add(1)
		}
		time.Sleep(100 * time.Millisecond)
		return echo(ctx, d)
	}
	cc, _ := events.ConsumerConfig(events.StageExtractor, "")
	cc.AckWait = time.Second
	r, stop := run(t, js, stage.Config{Consumer: &cc, Concurrency: 1}, slow)
	waitFor(t, "every message", func() bool { return r.Stats().Acked >= n })
	time.Sleep(1200 * time.Millisecond) // past AckWait: anything left unacked would come again
	stop()
	if got := calls.Load(); got != n {
		t.Errorf("handler called %d times for %d messages, want %d", got, n, n)
	}
	if got := redelivered.Load(); got != 0 {
		t.Errorf("%d deliveries were redeliveries, want none", got)
	}
	if got := r.Stats().Acked; got != n {
		t.Errorf("acked %d, want %d", got, n)
	}
}

// At the drain deadline the messages the runner holds but never started are
// handed back at once, so another replica takes them now rather than after
// AckWait.
func TestDrainTimeoutHandsBackUnstartedMessages(t *testing.T) {
	js := setup(t)
	const n = 10
	for i := range n {
		rawDoc(t, js, fmt.Sprintf("held-%02d", i))
	}
	started := make(chan struct{}, n)
	slow := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		started <- struct{}{}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Second):
		}
		return echo(ctx, d)
	}
	r1, stop1 := run(t, js, stage.Config{Concurrency: 1, DrainTimeout: 200 * time.Millisecond}, slow)
	<-started
	stop1()
	if got := r1.Stats().Acked; got != 0 {
		t.Fatalf("first runner acked %d; test proves nothing", got)
	}
	// Everything comes back well within the default AckWait of 30s: the
	// unstarted messages nak'ed, the started one nak'ed with backoff.
	begin := time.Now()
	r2, stop2 := run(t, js, stage.Config{Concurrency: 4}, echo)
	waitFor(t, "the held messages", func() bool { return r2.Stats().Acked >= n })
	stop2()
	if took := time.Since(begin); took > 10*time.Second {
		t.Errorf("the held messages came back after %v", took)
	}
}

// A handler asking for a redelivery later than the stream keeps its
// messages would have the message expire silently: the delay is capped.
func TestRetryAfterIsCapped(t *testing.T) {
	js := setup(t)
	rawDoc(t, js, "later")
	var calls atomic.Int32
	h := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		if calls.Add(1) == 1 {
			return nil, stage.RetryAfter(48*time.Hour, errors.New("come back in two days"))
		}
		return echo(ctx, d)
	}
	r, stop := run(t, js, stage.Config{MaxRetryAfter: 300 * time.Millisecond}, h)
	waitFor(t, "the capped redelivery", func() bool { return r.Stats().Acked == 1 })
	stop()
	if got := calls.Load(); got != 2 {
		t.Errorf("handler called %d times, want 2", got)
	}
}

// A consumer deleted while the runner has no pull request open (its queue
// is full behind a slow handler) is noticed as well once the queue drains.
func TestRunFailsWhenItsConsumerIsDeletedWhileItsQueueIsFull(t *testing.T) {
	js := setup(t)
	for i := range 10 {
		rawDoc(t, js, fmt.Sprintf("full-%02d", i))
	}
	gate := make(chan struct{})
	var calls atomic.Int32
	h := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		calls.Add(1)
		<-gate
		return echo(ctx, d)
	}
	_, _, done := started(t, js, stage.Config{Stage: events.StageExtractor, Backoff: fastBackoff, Batch: 2}, h)
	waitFor(t, "the handler", func() bool { return calls.Load() == 1 })
	time.Sleep(200 * time.Millisecond) // the queue fills: three held, none asked for
	if err := js.DeleteConsumer(context.Background(), events.StreamRaw, string(events.StageExtractor)); err != nil {
		t.Fatal(err)
	}
	close(gate)
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Run returned nil after its consumer was deleted, want an error")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run still running 15s after its consumer was deleted")
	}
}

// A closed connection ends consuming for good: Run says so at once rather
// than when its open pull requests expire.
func TestRunFailsWhenItsConnectionCloses(t *testing.T) {
	srv := natstest.Server(t)
	nc, js := natstest.Connect(t, srv)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	rawDoc(t, js, "first")
	r, _, done := started(t, js, stage.Config{Stage: events.StageExtractor, Backoff: fastBackoff}, echo)
	waitFor(t, "ack", func() bool { return r.Stats().Acked == 1 })
	nc.Close()
	select {
	case err := <-done:
		if !errors.Is(err, nats.ErrConnectionClosed) {
			t.Errorf("Run: %v, want it to wrap %v", err, nats.ErrConnectionClosed)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still running 5s after its connection closed")
	}
}
