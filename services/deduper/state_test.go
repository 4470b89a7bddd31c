package deduper_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

func publishArticles(t *testing.T, js jetstream.JetStream, arts ...*events.Article) {
	t.Helper()
	for _, a := range arts {
		m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
}

// startStreams starts a JetStream server with wirewatch's streams.
func startStreams(t testing.TB) jetstream.JetStream {
	t.Helper()
	_, _, js := natstest.Start(t)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return js
}

type running struct {
	svc  *deduper.Service
	stop func()
}

func startDeduper(t *testing.T, js jetstream.JetStream, cfg deduper.Config) running {
	t.Helper()
	return startDeduperAt(t, js, cfg, nil)
}

// startDeduperAt starts a deduper whose clock is now, or the wall clock when
// now is nil.
func startDeduperAt(t *testing.T, js jetstream.JetStream, cfg deduper.Config, now func() time.Time) running {
	t.Helper()
	d, err := deduper.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	if now != nil {
		deduper.SetClock(d, now)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return running{d, stop}
}

// clustered reads every decision stored so far, keyed by document id.
func clustered(t *testing.T, js jetstream.JetStream, want int) map[string]events.Assignment {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := map[string]events.Assignment{}
		c, err := js.OrderedConsumer(context.Background(), events.StreamClustered, jetstream.OrderedConsumerConfig{})
		if err != nil {
			t.Fatal(err)
		}
		batch, _ := c.Fetch(1000, jetstream.FetchMaxWait(300*time.Millisecond))
		for m := range batch.Messages() {
			var ca events.ClusteredArticle
			if err := events.DecodeMsg(m.Headers(), m.Data(), &ca); err != nil {
				t.Fatal(err)
			}
			out[ca.ID] = ca.Cluster
		}
		if len(out) >= want {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d decisions stored, want %d", len(out), want)
		}
	}
}

// series returns n articles about unrelated things, with no vocabulary in
// common with each other or with the story.
func series(prefix string, n int) []*events.Article {
	var out []*events.Article
	for i := range n {
		var words []string
		for j := range 40 {
			words = append(words, fmt.Sprintf("%s%dq%d", prefix, i, j))
		}
		out = append(out, article(fmt.Sprintf("/%s/%d.txt", prefix, i), strings.Join(words, " ")+"."))
	}
	return out
}

func TestRestartContinuesWithTheSameClusters(t *testing.T) {
	js := startStreams(t)
	first := article("/in/wire.txt", story)
	publishArticles(t, js, first)
	publishArticles(t, js, series("alpha", 5)...)
	d := startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	before := clustered(t, js, 6)
	d.stop()

	// A new deduper process: copies of the first article must join its
	// cluster, with the version counting on.
	copy1 := article("/in/copy.txt", strings.ToUpper(story))
	copy2 := article("/in/copy2.txt", strings.ToLower(story))
	publishArticles(t, js, copy1, copy2)
	startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	after := clustered(t, js, 8)
	want := before[first.ID]
	for _, c := range []*events.Article{copy1, copy2} {
		got := after[c.ID]
		if got.ID != want.ID || got.Relation != events.RelationDuplicate {
			t.Errorf("copy after restart: %s in %s, want a duplicate in %s", got.Relation, got.ID, want.ID)
		}
	}
	if v := after[copy2.ID].Version; v != 3 {
		t.Errorf("cluster version after restart = %d, want 3", v)
	}
}

func TestStandbyReplicaTakesOver(t *testing.T) {
	js := startStreams(t)
	first := article("/in/wire.txt", story)
	publishArticles(t, js, first)
	a := startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	clustered(t, js, 1)
	b := startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	publishArticles(t, js, series("beta", 3)...)
	clustered(t, js, 4)
	if got := b.svc.Stats().Acked; got != 0 {
		t.Errorf("standby processed %d articles while the leader ran, want 0", got)
	}
	a.stop() // the leader goes away; the standby must take over
	dup := article("/in/dup.txt", strings.ToUpper(story))
	publishArticles(t, js, dup)
	got := clustered(t, js, 5)[dup.ID]
	if want := clustered(t, js, 5)[first.ID]; got.ID != want.ID || got.Relation != events.RelationDuplicate {
		t.Errorf("after failover: %s in %s, want a duplicate in %s", got.Relation, got.ID, want.ID)
	}
	if b.svc.Stats().Acked != 1 {
		t.Errorf("standby acked %d after taking over, want 1", b.svc.Stats().Acked)
	}
}

// A restored decision keeps the time it was made, not the time the stream
// stored it: an article decided 73 hours before the clock now reads is out
// of the 72-hour window after a restart, as it would have been without one.
func TestRestoreKeepsWhenEachDecisionWasMade(t *testing.T) {
	js := startStreams(t)
	t0 := time.Now().Add(-30 * 24 * time.Hour)
	start := func(at time.Time) running {
		return startDeduperAt(t, js, deduper.Config{LeaseTTL: time.Second, Window: 72 * time.Hour}, func() time.Time { return at })
	}
	first := decideWireStory(t, js, start, t0)

	again := article("/in/later.txt", story)
	publishArticles(t, js, again)
	start(t0.Add(73 * time.Hour))
	all := clustered(t, js, 2)
	if got := all[again.ID]; got.Relation != events.RelationNew || got.ID == all[first.ID].ID {
		t.Errorf("the same text 73 hours later: %s in %s, want a new cluster (the first is out of the window)", got.Relation, got.ID)
	}
}

// TestRestoreReplaysTheWholeWindow restarts a deduper when the window is
// about to let an article go, but has not yet: the engine evicts by the
// time of each decision in whole seconds, the stream selects by when it
// stored them, and a replica's clock may run ahead of the server's. The
// article's decision must be replayed, so that a copy of it is still a
// duplicate.
func TestRestoreReplaysTheWholeWindow(t *testing.T) {
	js := startStreams(t)
	// The deciding replica's clock runs 10 s ahead, at a tenth of a second.
	t0 := time.Now().Add(10 * time.Second).Truncate(time.Second).Add(100 * time.Millisecond)
	start := func(at time.Time) running {
		return startDeduperAt(t, js, deduper.Config{LeaseTTL: time.Second, Window: 72 * time.Hour}, func() time.Time { return at })
	}
	first := decideWireStory(t, js, start, t0)

	cp := article("/in/copy.txt", strings.ToUpper(story))
	publishArticles(t, js, cp)
	start(t0.Add(72*time.Hour + 500*time.Millisecond))
	all := clustered(t, js, 2)
	if got, want := all[cp.ID], all[first.ID]; got.Relation != events.RelationDuplicate || got.ID != want.ID {
		t.Errorf("a copy at the window's edge after a restart: %s in %s, want a duplicate in %s", got.Relation, got.ID, want.ID)
	}
}

// Catch-up ends when the stream holds decisions but none within the
// window: nothing is pending for the replay, and the deduper goes on to
// decide (here, 10 days later, the same text again founds a cluster). Were
// it to wait for them, it would step down and try again for ever, and
// decide nothing.
func TestCatchUpWithNothingInTheWindow(t *testing.T) {
	js := startStreams(t)
	first := article("/in/wire.txt", story)
	publishArticles(t, js, first)
	d := startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	clustered(t, js, 1)
	d.stop()

	later := time.Now().Add(10 * 24 * time.Hour)
	again := article("/in/later.txt", story)
	publishArticles(t, js, again)
	startDeduperAt(t, js, deduper.Config{LeaseTTL: time.Second}, func() time.Time { return later })
	all := clustered(t, js, 2)
	if got := all[again.ID]; got.Relation != events.RelationNew {
		t.Errorf("the same text 10 days later: %s in %s, want new", got.Relation, got.ID)
	}
}

// decideWireStory has a deduper whose clock reads at decide the wire story,
// and stops it; start starts the deduper at a time.
func decideWireStory(t *testing.T, js jetstream.JetStream, start func(at time.Time) running, at time.Time) *events.Article {
	t.Helper()
	first := article("/in/wire.txt", story)
	publishArticles(t, js, first)
	d := start(at)
	clustered(t, js, 1)
	d.stop()
	return first
}

// leader makes a new deduper on js lead, without a lease or a runner, until
// the test ends, and returns it with a function that hands it an article
// as a delivery and returns Handle's error.
func leader(t testing.TB, js jetstream.JetStream, log *zap.Logger) (*deduper.Service, func(*events.Article) error) {
	t.Helper()
	d, err := deduper.New(js, deduper.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	end, err := deduper.Lead(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(end)
	return d, func(a *events.Article) error {
		m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
		if err != nil {
			return err
		}
		_, err = d.Handle(ctx, &stage.Delivery{Subject: m.Subject, Header: m.Header, Data: m.Data})
		return err
	}
}
