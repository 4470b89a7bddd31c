package deduper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// decisionsPerArticle counts the decisions stored for each document id.
func decisionsPerArticle(t *testing.T, js jetstream.JetStream) map[string]int {
	t.Helper()
	c, err := js.OrderedConsumer(context.Background(), events.StreamClustered, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	batch, _ := c.Fetch(1000, jetstream.FetchMaxWait(500*time.Millisecond))
	for m := range batch.Messages() {
		var ca events.ClusteredArticle
		if err := events.DecodeMsg(m.Headers(), m.Data(), &ca); err != nil {
			t.Fatal(err)
		}
		out[ca.ID]++
	}
	return out
}

// On a replicated cluster the server of the leading replica goes down: the
// replica is cut off, its lease runs out, and a standby connected through
// another server takes over with the same clusters. When the server comes
// back, the old leader does not decide again what the standby decided.
func TestStandbyTakesOverWhenTheLeadersServerGoesDown(t *testing.T) {
	c := natstest.StartCluster(t, 3)
	_, jsA := natstest.ConnectTo(t, c.Servers[0].ClientURL())
	_, jsB := natstest.ConnectTo(t, c.Servers[1].ClientURL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stage.EnsureStreams(ctx, jsB, events.StreamOptions{Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	cfg := deduper.Config{LeaseTTL: time.Second, StreamReplicas: 3}
	first := article("/in/wire.txt", story)
	publishArticles(t, jsB, first)
	startDeduper(t, jsA, cfg)
	clustered(t, jsB, 1)
	b := startDeduper(t, jsB, cfg)
	publishArticles(t, jsB, series("before", 3)...)
	clustered(t, jsB, 4)
	if got := b.svc.Stats().Acked; got != 0 {
		t.Fatalf("the standby decided %d articles while the leader ran, want 0", got)
	}

	c.Servers[0].Shutdown()
	c.Servers[0].WaitForShutdown()
	dup := article("/in/dup.txt", strings.ToUpper(story))
	publishArticles(t, jsB, dup)
	publishArticles(t, jsB, series("during", 3)...)
	decided := clustered(t, jsB, 8)
	if got, want := decided[dup.ID], decided[first.ID]; got.ID != want.ID || got.Relation != events.RelationDuplicate {
		t.Errorf("after the failover the copy is %s in %s, want a duplicate in %s", got.Relation, got.ID, want.ID)
	}

	c.Restart(0)
	publishArticles(t, jsB, series("after", 3)...)
	clustered(t, jsB, 11)
	for id, n := range decisionsPerArticle(t, jsB) {
		if n != 1 {
			t.Errorf("%s was decided %d times", id, n)
		}
	}
}
