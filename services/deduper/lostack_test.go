package deduper_test

import (
	"context"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// lostAckTimeout is how long the deduper under test waits for each
// acknowledgement; lostAckDelay how long the stream's first reply takes
// to reach it: the first attempt gives up, and the one after it is
// answered.
const (
	lostAckTimeout = 300 * time.Millisecond
	lostAckDelay   = time.Second
)

// TestLostAcknowledgementCostsNoRebuild: a decision is stored but its
// acknowledgement arrives too late; the publisher's next attempt fails the
// fence, which the stream checks before it looks for a duplicate. The
// leader finds its own decision after the fence and goes on leading with
// its clusters, instead of stepping down to rebuild them from the stream.
func TestLostAcknowledgementCostsNoRebuild(t *testing.T) {
	s := natstest.Server(t)
	_, js := natstest.Connect(t, s)
	ctx := context.Background()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	p, d := proxiedDeduper(t, s, deduper.Config{})
	deduper.SetPublishTimeout(d, lostAckTimeout)
	end, err := deduper.Lead(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(end)
	handle := func(a *events.Article) error {
		m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
		if err != nil {
			return err
		}
		_, err = d.Handle(ctx, &stage.Delivery{Subject: m.Subject, Header: m.Header, Data: m.Data})
		return err
	}
	arts := series("ack", 8)
	if err := handle(arts[0]); err != nil {
		t.Fatal(err)
	}
	n := 1
	for ; ; n++ {
		// The stream's replies to the next decision are delayed, until
		// the decision has certainly reached the proxy's reader.
		p.SetDelayToClient(lostAckDelay)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- handle(arts[n]) }()
		time.Sleep(lostAckTimeout / 2)
		p.SetDelayToClient(0)
		if err := <-done; err != nil {
			t.Fatalf("deciding an article whose acknowledgement was lost: %v", err)
		}
		if time.Since(start) >= lostAckTimeout {
			break // an attempt gave up: the acknowledgement was lost
		}
		if n == len(arts)-2 {
			t.Fatalf("in %d tries, the acknowledgement always came in time", n)
		}
		t.Logf("try %d: the acknowledgement came in time; trying another article", n)
	}
	if !deduper.Leading(d) {
		t.Fatal("the leader stepped down over its own decision")
	}
	n++
	if err := handle(arts[n]); err != nil {
		t.Fatalf("deciding the next article: %v", err)
	}
	n++
	got := clustered(t, js, n)
	for _, a := range arts[:n] {
		if _, ok := got[a.ID]; !ok {
			t.Errorf("no decision stored for %s", a.ID)
		}
	}
	st, err := js.Stream(ctx, events.StreamClustered)
	if err != nil {
		t.Fatal(err)
	}
	if n := st.CachedInfo().State.Msgs; n != uint64(len(got)) {
		t.Errorf("%d decisions stored for %d articles", n, len(got))
	}
	if n := deduper.Indexed(d); n != len(got) {
		t.Errorf("the engine holds %d articles, the stream decided %d: it was rebuilt or lost one", n, len(got))
	}
}
