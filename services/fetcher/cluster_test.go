package fetcher_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

// clusterFeeds is how many feeds the cluster tests poll.
const clusterFeeds = 6

// replicaSet is two fetcher replicas polling the same feeds on a
// three-server cluster, A connected through server 0, B through server 1;
// js is connected through server 2.
type replicaSet struct {
	c     *natstest.Cluster
	js    jetstream.JetStream
	site  *site
	feeds []string
	names []string

	mu        sync.Mutex
	published map[string]int // documents stored, by id
	items     int            // items per generated feed

	stop    func()
	stopped chan error
}

func startReplicas(t *testing.T) *replicaSet {
	t.Helper()
	c := natstest.StartCluster(t, 3)
	_, js := natstest.ConnectTo(t, c.Servers[2].ClientURL())
	rs := &replicaSet{c: c, js: js, site: newSite(t),
		names: []string{"replica-a", "replica-b"}, published: map[string]int{}, items: 3}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stage.EnsureStreams(ctx, rs.js, events.StreamOptions{Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	rs.feeds = rs.site.generate(clusterFeeds, rs.items)
	runCtx, stop := context.WithCancel(context.Background())
	rs.stopped = make(chan error, 2)
	for i, name := range rs.names {
		cfg := feedConfig(rs.feeds...)
		cfg.Watch = true
		cfg.Replica = name
		cfg.UserAgent = "wirewatch/" + name
		cfg.MinInterval, cfg.MaxInterval = 300*time.Millisecond, 300*time.Millisecond
		cfg.LeaseTTL = 2 * time.Second
		cfg.KVReplicas = 3
		cfg.FeedConcurrency = 4
		cfg.OnPublished = func(id string, dup bool) {
			if !dup {
				rs.mu.Lock()
				rs.published[id]++
				rs.mu.Unlock()
			}
		}
		_, replicaJS := natstest.ConnectTo(t, c.Servers[i].ClientURL())
		f, err := fetcher.New(replicaJS, cfg,
			zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)).Named(name))
		if err != nil {
			t.Fatal(err)
		}
		go func() { rs.stopped <- f.Run(runCtx) }()
	}
	rs.stop = func() {
		stop()
		for range rs.names {
			if err := <-rs.stopped; err != nil {
				t.Errorf("a replica stopped with %v", err)
			}
		}
	}
	t.Cleanup(func() {
		if runCtx.Err() == nil {
			rs.stop()
		}
	})
	return rs
}

// addItems adds one item to every feed.
func (rs *replicaSet) addItems() {
	rs.mu.Lock()
	rs.items++
	items := rs.items
	rs.mu.Unlock()
	rs.site.mu.Lock()
	defer rs.site.mu.Unlock()
	for p := range rs.site.genFeeds {
		rs.site.genFeeds[p] = genFeed{items: items}
	}
}

// want is how many documents the feeds list now.
func (rs *replicaSet) want() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return clusterFeeds * rs.items
}

// running fails the test if a replica has stopped.
func (rs *replicaSet) running(t *testing.T) {
	t.Helper()
	select {
	case err := <-rs.stopped:
		t.Fatalf("a replica stopped while polling: %v", err)
	default:
	}
}

// polledBy returns how many requests each replica has made.
func (rs *replicaSet) polledBy() map[string]int {
	rs.site.mu.Lock()
	defer rs.site.mu.Unlock()
	out := map[string]int{}
	for _, name := range rs.names {
		out[name] = rs.site.agents["wirewatch/"+name]
	}
	return out
}

// polledSince reports whether every feed has been polled at least n times
// since t0.
func (rs *replicaSet) polledSince(t0 time.Time, n int) bool {
	rs.site.mu.Lock()
	defer rs.site.mu.Unlock()
	for _, u := range rs.feeds {
		polls := 0
		for _, at := range rs.site.times[strings.TrimPrefix(u, rs.site.srv.URL)] {
			if at.After(t0) {
				polls++
			}
		}
		if polls < n {
			return false
		}
	}
	return true
}

// stored returns the documents in NEWS_RAW by id, with how many messages
// each has.
func (rs *replicaSet) stored(t *testing.T) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := map[string]int{}
	s, err := rs.js.Stream(ctx, events.StreamRaw)
	if err != nil {
		t.Fatal(err)
	}
	st := s.CachedInfo().State
	for seq := st.FirstSeq; seq <= st.LastSeq && st.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("reading message %d of %s: %v", seq, events.StreamRaw, err)
		}
		var d events.RawDocument
		if err := events.DecodeMsg(m.Header, m.Data, &d); err != nil {
			t.Fatal(err)
		}
		out[d.ID]++
	}
	return out
}

// everyItemOnce waits until NEWS_RAW holds every item the feeds list, then
// stops the replicas and checks that each item was stored, and published,
// once.
func (rs *replicaSet) everyItemOnce(t *testing.T) {
	t.Helper()
	want := rs.want()
	waitUntil(t, 20*time.Second, fmt.Sprintf("%d documents in NEWS_RAW", want), func() bool {
		rs.running(t)
		return len(rs.stored(t)) >= want
	})
	rs.stop()
	stored := rs.stored(t)
	if len(stored) != want {
		t.Errorf("NEWS_RAW holds %d documents, want %d", len(stored), want)
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("NEWS_RAW holds %d messages for %s", n, id)
		}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for id, n := range rs.published {
		if n != 1 {
			t.Errorf("%s was stored %d times", id, n)
		}
	}
	if len(rs.published) != want {
		t.Errorf("%d documents reported stored, want %d", len(rs.published), want)
	}
}

// waitUntil waits for cond, failing the test with what after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	defer func(start time.Time) { t.Logf("%s: %v", what, time.Since(start)) }(time.Now())
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// On a replicated cluster the server of one replica goes down: the other
// replica takes over its feeds once their leases run out and keeps polling
// them, new items included. When the server comes back both replicas poll
// again, and no item is stored twice or lost.
func TestReplicaTakesOverFeedsWhenItsPeersServerGoesDown(t *testing.T) {
	rs := startReplicas(t)
	waitUntil(t, 20*time.Second, "both replicas polling", func() bool {
		rs.running(t)
		by := rs.polledBy()
		return by["replica-a"] > 0 && by["replica-b"] > 0 && len(rs.stored(t)) == rs.want()
	})

	rs.c.Servers[0].Shutdown()
	rs.c.Servers[0].WaitForShutdown()
	down := time.Now()
	rs.addItems()
	// Leases A held run out within LeaseTTL (2s); from then on B polls
	// every feed.
	waitUntil(t, 15*time.Second, "every feed polled by the replica left", func() bool {
		rs.running(t)
		return rs.polledSince(down.Add(3*time.Second), 2) && len(rs.stored(t)) == rs.want()
	})

	rs.c.Restart(0)
	back := rs.polledBy()["replica-a"]
	rs.addItems()
	waitUntil(t, 15*time.Second, "the replica whose server came back polling again", func() bool {
		rs.running(t)
		return rs.polledBy()["replica-a"] > back
	})
	rs.everyItemOnce(t)
}

// On a replicated cluster the leaders of the fetcher's buckets (and of
// NEWS_RAW) move while the replicas poll: no replica stops, every feed
// keeps being polled, and no item is stored twice or lost.
func TestReplicasPollThroughLeaderChanges(t *testing.T) {
	rs := startReplicas(t)
	waitUntil(t, 20*time.Second, "the first documents", func() bool {
		rs.running(t)
		return len(rs.stored(t)) == rs.want()
	})
	streams := []string{
		"KV_" + fetcher.LeaseBucket, "KV_" + fetcher.SeenBucket, "KV_" + fetcher.StateBucket,
		"KV_" + fetcher.FeedsBucket, events.StreamRaw,
	}
	for round := range 2 {
		rs.addItems()
		for _, stream := range streams {
			for _, s := range rs.c.Servers {
				if s.JetStreamIsStreamLeader("$G", stream) {
					if err := s.JetStreamStepdownStream("$G", stream); err != nil {
						t.Fatalf("round %d: stepping down the leader of %s: %v", round, stream, err)
					}
					break
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	last := time.Now()
	waitUntil(t, 15*time.Second, "every feed polled after the last move", func() bool {
		rs.running(t)
		return rs.polledSince(last, 2)
	})
	rs.everyItemOnce(t)
}
