package deduper_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// slowLink is the one-way delay of a slow link: longer than a catch-up
// waits for the next decision (2 s) before it asks the server what is left.
const slowLink = 3 * time.Second

// TestCatchUpWaitsForDecisionsOnTheirWay: on a slow link, the last
// decisions the server sent are no longer pending while they travel. A
// replica catching up that has waited for them in vain must wait on, not
// start its engine without them.
func TestCatchUpWaitsForDecisionsOnTheirWay(t *testing.T) {
	const n = 2000
	s := natstest.Server(t)
	_, js := natstest.Connect(t, s)
	ctx := context.Background()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	storeDecisions(t, js, series("slow", n))
	// Only the last batch the server sends is slowed down, once the rest
	// is delivered. Should the delay come too late (the server sent it
	// all already), the replay proves nothing and runs again.
	for attempt := 1; ; attempt++ {
		d, slowed := catchUpThroughSlowLink(t, s, js)
		if got := deduper.Indexed(d); got != n {
			t.Fatalf("caught up on %d articles, want all %d (last decisions slowed down: %v)", got, n, slowed)
		}
		if slowed {
			return
		}
		if attempt == 5 {
			t.Fatalf("in %d replays, the server always sent the last decisions before the link slowed down", attempt)
		}
		t.Logf("replay %d: the link slowed down too late; replaying again", attempt)
	}
}

// storeDecisions stores the decisions of a leader handed arts one at a
// time.
func storeDecisions(t *testing.T, js jetstream.JetStream, arts []*events.Article) {
	t.Helper()
	_, handle := leader(t, js, zap.NewNop())
	for _, a := range arts {
		if err := handle(a); err != nil {
			t.Fatal(err)
		}
	}
}

// catchUpThroughSlowLink makes a new deduper, connected to s through a
// proxy, catch up on the stored decisions. Watching the replay over js, it
// slows the proxy down to slowLink towards the deduper once the server has
// at most one batch of decisions left to send, and reports whether the
// server still had some to send then.
func catchUpThroughSlowLink(t *testing.T, s *server.Server, js jetstream.JetStream) (d *deduper.Service, slowed bool) {
	t.Helper()
	p, d := proxiedDeduper(t, s, deduper.Config{})
	stream, err := js.Stream(context.Background(), events.StreamClustered)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	var watch sync.WaitGroup
	watch.Go(func() { slowed = slowLastBatch(ctx, stream, p) })
	end, err := deduper.Lead(ctx, d)
	stop()
	watch.Wait()
	if err != nil {
		t.Fatalf("catching up through a slow link: %v", err)
	}
	end()
	return d, slowed
}

// proxiedDeduper makes a deduper of cfg connected to s through a delay
// proxy of its own, closed when t ends.
func proxiedDeduper(t *testing.T, s *server.Server, cfg deduper.Config) (*natstest.Proxy, *deduper.Service) {
	t.Helper()
	p := natstest.DelayProxy(t, s.Addr().String())
	nc, err := nats.Connect(p.URL(), nats.Name(t.Name()))
	if err != nil {
		t.Fatalf("connecting through the proxy: %v", err)
	}
	t.Cleanup(nc.Close)
	pjs, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	d, err := deduper.New(pjs, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	return p, d
}

// slowLastBatch waits until a replay's consumer of stream has at most a
// batch (256 decisions) left to deliver, delays what p sends to the
// deduper by slowLink from then on, and reports whether the consumer still
// had decisions to deliver after that: those travel slowly.
func slowLastBatch(ctx context.Context, stream jetstream.Stream, p *natstest.Proxy) bool {
	// A replay pulls 512 decisions, then 256 more each time half of them
	// are read.
	const lastBatch = 256
	for ctx.Err() == nil {
		var name string
		for info := range stream.ListConsumers(ctx).Info() {
			if info.NumPending > 0 && info.NumPending <= lastBatch {
				name = info.Name
			}
		}
		if name == "" {
			time.Sleep(time.Millisecond)
			continue
		}
		p.SetDelayToClient(slowLink)
		c, err := stream.Consumer(ctx, name)
		if err != nil {
			return false
		}
		info, err := c.Info(ctx)
		return err == nil && info.NumPending > 0
	}
	return false
}
