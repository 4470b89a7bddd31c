package deduper_test

import (
	"context"
	"errors"
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

// TestOnlyTheLeaderAssigns hands an article to a deduper that does not
// hold the lease (one that lost it still holds articles it pulled ahead):
// it leaves the article to the leader, to be redelivered, instead of
// deciding it alongside.
func TestOnlyTheLeaderAssigns(t *testing.T) {
	js := startStreams(t)
	d, err := deduper.New(js, deduper.Config{}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), article("/in/wire.txt", story), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	outs, err := d.Handle(context.Background(), &stage.Delivery{Subject: m.Subject, Header: m.Header, Data: m.Data})
	var retry *stage.RetryError
	if len(outs) != 0 || !errors.As(err, &retry) {
		t.Errorf("a deduper not leading returned %d outputs and %v, want none and a retry", len(outs), err)
	}
}

// TestLeaderRegainingTheLeaseKeepsItsDecisions makes a leader lose its
// lease and win it back: catching up, it must not fold in again the
// decisions it made itself (an article revised twice would be revised
// again, and its cluster's version count the replays).
func TestLeaderRegainingTheLeaseKeepsItsDecisions(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	first := article("/in/wire.txt", story)
	revised := article("/in/wire.txt", story+" Talks resume on Thursday.")
	publishArticles(t, js, first)
	clustered(t, js, 1)
	publishArticles(t, js, revised)
	decisionOf(t, js, revised)

	// Another replica takes the lease; the leader steps down, and leads
	// again when the stolen lease expires.
	kv, err := js.KeyValue(ctx, deduper.LeaseBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, string(events.StageDeduper), []byte("another replica")); err != nil {
		t.Fatal(err)
	}
	waitLease(t, kv, "another replica")
	cp := article("/in/copy.txt", strings.ToUpper(revised.Text))
	publishArticles(t, js, cp)
	got := decisionOf(t, js, cp)
	want := decisionOf(t, js, revised)
	if got.ID != want.ID || got.Relation != events.RelationDuplicate || got.Version != want.Version+1 {
		t.Errorf("copy after the leader came back: %s in %s v%d, want a duplicate in %s v%d",
			got.Relation, got.ID, got.Version, want.ID, want.Version+1)
	}
}

// waitLease waits until a replica other than the one named other holds
// the lease: the leader won it back, which it can only after it stepped
// down and the other's lease expired.
func waitLease(t *testing.T, kv jetstream.KeyValue, other string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if e, err := kv.Get(context.Background(), string(events.StageDeduper)); err == nil && string(e.Value()) != other {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the leader did not win the lease back")
}

// decisionOf returns the last decision stored for a's revision.
func decisionOf(t *testing.T, js jetstream.JetStream, a *events.Article) events.Assignment {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := js.OrderedConsumer(context.Background(), events.StreamClustered, jetstream.OrderedConsumerConfig{})
		if err != nil {
			t.Fatal(err)
		}
		var found *events.Assignment
		batch, _ := c.Fetch(1000, jetstream.FetchMaxWait(300*time.Millisecond))
		for m := range batch.Messages() {
			var ca events.ClusteredArticle
			if err := events.DecodeMsg(m.Headers(), m.Data(), &ca); err != nil {
				t.Fatal(err)
			}
			if ca.ID == a.ID && ca.ContentHash == a.ContentHash {
				found = &ca.Cluster
			}
		}
		if found != nil {
			return *found
		}
		if time.Now().After(deadline) {
			t.Fatalf("no decision stored for %s", a.Source.Path)
		}
	}
}

// An article delivered again after its decision was stored (its ack was
// lost) gets the same decision, which the stream drops as a duplicate:
// the leader's fence must stay where the stream ends, and the next article
// be decided without the leader stepping down.
func TestRedeliveredArticleKeepsTheLeaderLeading(t *testing.T) {
	js := startStreams(t)
	d, handle := leader(t, js, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	wire := article("/in/wire.txt", story)
	for i, a := range []*events.Article{wire, wire, article("/in/copy.txt", strings.ToUpper(story))} {
		if err := handle(a); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
	}
	if !deduper.Leading(d) {
		t.Error("the leader stepped down after a redelivery")
	}
	if n := len(clustered(t, js, 2)); n != 2 {
		t.Errorf("%d articles decided, want 2", n)
	}
}

// An older revision delivered again after the newer one was decided (its
// ack was lost) stores nothing: no decision, which the stream drops as a
// duplicate, and no new state of its cluster, whose last state still
// describes the newer revision.
func TestOlderRevisionDeliveredAgainStoresNothing(t *testing.T) {
	js := startStreams(t)
	d, deliver := leader(t, js, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	ctx := context.Background()
	handle := func(a *events.Article) {
		t.Helper()
		if err := deliver(a); err != nil {
			t.Fatal(err)
		}
	}
	r1 := article("/in/wire.txt", story)
	r2 := article("/in/wire.txt", story+" Talks resume on Thursday.")
	handle(r1)
	handle(r2)
	states, err := js.Stream(ctx, events.StreamClusters)
	if err != nil {
		t.Fatal(err)
	}
	before := states.CachedInfo().State.LastSeq
	handle(r1)
	if !deduper.Leading(d) {
		t.Fatal("the leader stepped down")
	}
	if n := len(clustered(t, js, 1)); n != 1 {
		t.Errorf("%d documents decided, want 1", n)
	}
	info, err := js.Stream(ctx, events.StreamClusters)
	if err != nil {
		t.Fatal(err)
	}
	if after := info.CachedInfo().State.LastSeq; after != before {
		t.Errorf("the older revision again stored %d cluster states", after-before)
	}
	if got := decisionOf(t, js, r2); got.Version != 2 {
		t.Errorf("r2's decision at v%d, want 2", got.Version)
	}
}
