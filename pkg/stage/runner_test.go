package stage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

var fastBackoff = stage.Backoff{Base: 20 * time.Millisecond, Max: 100 * time.Millisecond}

// setup starts a server with the wirewatch streams.
func setup(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, _, js := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return js
}

// rawDoc publishes one valid raw document with the given body and returns its id.
func rawDoc(t *testing.T, js jetstream.JetStream, body string) string {
	t.Helper()
	m, id, err := rawMsg(body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return id
}

// rawMsg is the message of a valid raw document with the given body, and
// the document's id.
func rawMsg(body string) (*nats.Msg, string, error) {
	src := events.Source{Kind: events.SourceFile, Path: "/in/" + body + ".txt"}
	d := &events.RawDocument{
		Schema: events.SchemaRawDocument, ID: events.DocumentID(src), Source: src,
		FetchedAt: time.Now(), ContentType: "text/plain", Body: []byte(body),
		ContentHash: events.BytesHash([]byte(body)),
	}
	m, err := events.Encode(events.StageFetcher, events.RawSubject(events.SourceFile), d, time.Now())
	return m, d.ID, err
}

// echo is a handler that turns a raw document into a message on
// news.article.test carrying the body.
func echo(_ context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
	var raw events.RawDocument
	if err := events.DecodeMsg(d.Header, d.Data, &raw); err != nil {
		return nil, err
	}
	m := nats.NewMsg(events.ArticleSubject("test"))
	m.Data = raw.Body
	m.Header.Set(events.HeaderMsgID, events.MsgID(events.StageExtractor, raw.ID, raw.ContentHash, "test"))
	return []*nats.Msg{m}, nil
}

// run starts a runner in the background and returns a function that stops it
// and waits for Run to return.
// started starts a runner of cfg with handler h; it is stopped at the end of
// the test, if not before, by cancel. done yields what Run returned.
func started(t *testing.T, js jetstream.JetStream, cfg stage.Config, h stage.Handler) (r *stage.Runner, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	r, err := stage.New(js, cfg, h, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ran := make(chan error, 1)
	go func() { ran <- r.Run(ctx) }()
	return r, cancel, ran
}

func run(t *testing.T, js jetstream.JetStream, cfg stage.Config, h stage.Handler) (*stage.Runner, func()) {
	t.Helper()
	if cfg.Stage == "" {
		cfg.Stage = events.StageExtractor
	}
	cfg.Backoff = fastBackoff
	r, err := stage.New(js, cfg, h, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return r, stop
}

// bodies reads every message of a stream's subject and returns the bodies.
func bodies(t *testing.T, js jetstream.JetStream, stream, subject string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	n := info.CachedInfo().State.Msgs
	if n == 0 {
		return nil
	}
	batch, err := c.Fetch(int(n), jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		out = append(out, string(m.Data()))
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func deadLetters(t *testing.T, js jetstream.JetStream) []events.DeadLetter {
	t.Helper()
	var out []events.DeadLetter
	for _, b := range bodies(t, js, events.StreamDLQ, events.SubjectDLQPrefix+">") {
		var dl events.DeadLetter
		if err := events.Decode([]byte(b), &dl); err != nil {
			t.Fatalf("decoding dead letter: %v", err)
		}
		out = append(out, dl)
	}
	return out
}

func TestRetryableErrorGivesExactlyOneOutput(t *testing.T) {
	js := setup(t)
	var calls atomic.Int32
	flaky := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		if calls.Add(1) <= 2 {
			return nil, errors.New("downstream unavailable")
		}
		return echo(ctx, d)
	}
	rawDoc(t, js, "hello")
	r, stop := run(t, js, stage.Config{}, flaky)
	waitFor(t, "ack", func() bool { return r.Stats().Acked == 1 })
	stop()

	if got := bodies(t, js, events.StreamArticles, ">"); len(got) != 1 || got[0] != "hello" {
		t.Errorf("outputs = %q, want exactly [hello]", got)
	}
	if got := r.Stats().Retried; got != 2 {
		t.Errorf("retried = %d, want 2", got)
	}
	if got := deadLetters(t, js); len(got) != 0 {
		t.Errorf("dead letters = %d, want 0", len(got))
	}
}

func TestUndecodableMessageIsDeadLetteredAndTheRestFlows(t *testing.T) {
	js := setup(t)
	rawDoc(t, js, "first")
	bad := nats.NewMsg(events.RawSubject(events.SourceFile))
	bad.Data = []byte("{not json")
	bad.Header.Set(events.HeaderMsgID, "bad-1")
	bad.Header.Set(events.HeaderCESubject, "doc-bad")
	if _, err := js.PublishMsg(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	rawDoc(t, js, "second")

	r, stop := run(t, js, stage.Config{}, echo)
	waitFor(t, "all settled", func() bool { s := r.Stats(); return s.Acked == 2 && s.DeadLettered == 1 })
	stop()

	if got := bodies(t, js, events.StreamArticles, ">"); len(got) != 2 {
		t.Errorf("outputs = %q, want 2", got)
	}
	dls := deadLetters(t, js)
	if len(dls) != 1 {
		t.Fatalf("dead letters = %d, want 1", len(dls))
	}
	dl := dls[0]
	if dl.Stage != events.StageExtractor || dl.Reason != events.ReasonDecode || dl.Document != "doc-bad" ||
		string(dl.Payload) != "{not json" || dl.Subject != "news.raw.file" || dl.StreamSeq != 2 {
		t.Errorf("dead letter = %+v, want extractor/decode for doc-bad seq 2 with its payload", dl)
	}
	if dl.Error == "" {
		t.Error("dead letter has no error text")
	}
}

func TestPanicAndExhaustedRetriesAreDeadLettered(t *testing.T) {
	js := setup(t)
	rawDoc(t, js, "panics")
	rawDoc(t, js, "fails")
	h := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		var raw events.RawDocument
		if err := events.DecodeMsg(d.Header, d.Data, &raw); err != nil {
			return nil, err
		}
		if string(raw.Body) == "panics" {
			panic("boom")
		}
		return nil, fmt.Errorf("always failing")
	}
	cc, _ := events.ConsumerConfig(events.StageExtractor, "")
	cc.MaxDeliver = 3
	r, stop := run(t, js, stage.Config{Consumer: &cc}, h)
	waitFor(t, "two dead letters", func() bool { return r.Stats().DeadLettered == 2 })
	stop()

	reasons := map[string]uint64{}
	for _, dl := range deadLetters(t, js) {
		reasons[dl.Reason] = dl.Deliveries
	}
	if reasons[events.ReasonPanic] != 1 {
		t.Errorf("panic dead letter after %d deliveries, want 1 (reasons %v)", reasons[events.ReasonPanic], reasons)
	}
	if reasons[events.ReasonMaxDeliveries] != 3 {
		t.Errorf("max_deliveries dead letter after %d deliveries, want 3 (reasons %v)", reasons[events.ReasonMaxDeliveries], reasons)
	}
}

func TestShutdownLosesNothing(t *testing.T) {
	js := setup(t)
	const n = 200
	for i := range n {
		rawDoc(t, js, fmt.Sprintf("doc-%03d", i))
	}
	slow := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		time.Sleep(2 * time.Millisecond)
		return echo(ctx, d)
	}
	// Stop the first runner part-way, then let a second one finish.
	r1, stop1 := run(t, js, stage.Config{Concurrency: 4}, slow)
	waitFor(t, "some progress", func() bool { return r1.Stats().Acked >= 20 })
	stop1()
	first := r1.Stats().Acked
	if first >= n {
		t.Fatalf("first runner processed all %d messages before stopping; test proves nothing", n)
	}
	r2, stop2 := run(t, js, stage.Config{Concurrency: 4}, slow)
	waitFor(t, "the rest", func() bool { return first+r2.Stats().Acked >= n })
	stop2()

	got := bodies(t, js, events.StreamArticles, ">")
	seen := map[string]int{}
	for _, b := range got {
		seen[b]++
	}
	if len(seen) != n || len(got) != n {
		t.Errorf("outputs: %d messages, %d distinct, want %d of each", len(got), len(seen), n)
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	b := stage.Backoff{Base: time.Second, Max: 10 * time.Second}
	tests := []struct {
		delivered uint64
		want      time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {50, 10 * time.Second}}
	for _, tt := range tests {
		if got := b.Delay(tt.delivered); got != tt.want {
			t.Errorf("Delay(%d) = %v, want %v", tt.delivered, got, tt.want)
		}
	}
}

func TestLongWorkIsNotRedelivered(t *testing.T) {
	js := setup(t)
	rawDoc(t, js, "slow")
	var calls atomic.Int32
	slow := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		calls.Add(1)
		time.Sleep(1500 * time.Millisecond) // well past AckWait: only InProgress keeps it ours
		return echo(ctx, d)
	}
	cc, _ := events.ConsumerConfig(events.StageExtractor, "")
	cc.AckWait = 600 * time.Millisecond
	r, stop := run(t, js, stage.Config{Consumer: &cc, Concurrency: 2}, slow)
	waitFor(t, "ack", func() bool { return r.Stats().Acked >= 1 })
	time.Sleep(700 * time.Millisecond)
	stop()
	if got := calls.Load(); got != 1 {
		t.Errorf("handler called %d times, want 1: the message was redelivered during long work", got)
	}
}
