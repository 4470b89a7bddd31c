package deduper_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// These tests run two deduper replicas on a three-node cluster with every
// stream replicated, disturb the cluster while articles flow, and check
// that leadership stays safe (one decision per article, cluster versions
// that only grow) and live (every article decided).

// leaseTTL is short so that a lost lease is noticed, and taken over, soon.
const leaseTTL = time.Second

var replicated = deduper.Config{LeaseTTL: leaseTTL, StreamReplicas: 3}

// replicatedCluster starts three servers with wirewatch's streams on three
// replicas, and returns the cluster and a client connected to all of them.
func replicatedCluster(t *testing.T) (*natstest.Cluster, jetstream.JetStream) {
	t.Helper()
	c := natstest.StartCluster(t, 3)
	_, js := natstest.ConnectTo(t, c.URLs())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	return c, js
}

// stories returns n articles telling k stories in turn: the i-th article
// is a copy of story i%k under its own path, so that every story's cluster
// grows a version with each copy.
func stories(prefix string, n, k int) []*events.Article {
	texts := series(prefix+"story", k)
	var out []*events.Article
	for i := range n {
		out = append(out, article(fmt.Sprintf("/%s/%d.txt", prefix, i), texts[i%k].Text))
	}
	return out
}

// feed publishes arts one every gap in the background, retrying each
// through the cluster's elections, and returns a function that waits
// until all are published.
func feed(t *testing.T, js jetstream.JetStream, gap time.Duration, arts []*events.Article) (wait func()) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	wg.Go(func() {
		for _, a := range arts {
			m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
			if err != nil {
				errs <- err
				return
			}
			deadline := time.Now().Add(15 * time.Second)
			for {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_, err := js.PublishMsg(ctx, m)
				cancel()
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					errs <- fmt.Errorf("publishing %s: %w", a.Source.Path, err)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(gap)
		}
	})
	return func() {
		t.Helper()
		wg.Wait()
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
	}
}

// checkSafe waits until every article is decided, then checks that each
// was decided once and that on every cluster subject the versions stored
// only grow, in stream order.
func checkSafe(t *testing.T, js jetstream.JetStream, arts []*events.Article, within time.Duration) {
	t.Helper()
	want := map[string]bool{}
	for _, a := range arts {
		want[a.ID] = true
	}
	deadline := time.Now().Add(within)
	var counts map[string]int
	for {
		counts = allDecisions(t, js)
		missing := 0
		for id := range want {
			if counts[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			if ci, err := js.Consumer(context.Background(), events.StreamArticles, string(events.StageDeduper)); err == nil {
				info, _ := ci.Info(context.Background())
				t.Logf("consumer: ack pending %d, pending %d, redelivered %d, waiting %d", info.NumAckPending, info.NumPending, info.NumRedelivered, info.NumWaiting)
			}
			t.Fatalf("%d of %d articles undecided after %s", missing, len(want), within)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Let any decision still on its way land before judging.
	time.Sleep(2 * leaseTTL)
	for id, n := range allDecisions(t, js) {
		if n != 1 {
			t.Errorf("%s was decided %d times", id, n)
		}
	}
	checkVersionsGrow(t, js)
}

// allDecisions counts the decisions stored for each document id, however
// many there are.
func allDecisions(t *testing.T, js jetstream.JetStream) map[string]int {
	t.Helper()
	out := map[string]int{}
	readAll(t, js, events.StreamClustered, func(m jetstream.Msg) {
		var ca events.ClusteredArticle
		if err := events.DecodeMsg(m.Headers(), m.Data(), &ca); err != nil {
			t.Fatal(err)
		}
		out[ca.ID]++
	})
	return out
}

// checkVersionsGrow reads NEWS_CLUSTERS in stream order and checks that
// each cluster's versions strictly grow.
func checkVersionsGrow(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	last := map[string]uint64{}
	updates := 0
	readAll(t, js, events.StreamClusters, func(m jetstream.Msg) {
		var u events.ClusterUpdate
		if err := events.Decode(m.Data(), &u); err != nil {
			t.Fatal(err)
		}
		updates++
		if prev, ok := last[m.Subject()]; ok && u.Version <= prev {
			meta, _ := m.Metadata()
			t.Errorf("%s went from version %d to %d (stream seq %d)", m.Subject(), prev, u.Version, meta.Sequence.Stream)
		}
		last[m.Subject()] = u.Version
	})
	if updates == 0 {
		t.Error("no cluster state stored")
	}
}

// readAll hands every message stored on stream to f, in order. The
// stream's info and the reading consumer are asked for again while the
// cluster cannot answer (a server restarting, a leader being elected).
func readAll(t *testing.T, js jetstream.JetStream, stream string, f func(jetstream.Msg)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var last uint64
	var c jetstream.Consumer
	for {
		s, err := js.Stream(ctx, stream)
		if err == nil {
			last = s.CachedInfo().State.LastSeq
			if last == 0 {
				return
			}
			c, err = js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("reading %s: %v", stream, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for {
		batch, err := c.Fetch(1000, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			f(m)
			if meta, err := m.Metadata(); err == nil && meta.Sequence.Stream >= last {
				return
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("reading %s: %v", stream, ctx.Err())
		}
	}
}

// waitDecided waits until at least n decisions are stored.
func waitDecided(t *testing.T, js jetstream.JetStream, n uint64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := js.Stream(context.Background(), events.StreamClustered)
		if err == nil && s.CachedInfo().State.Msgs >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d decisions stored in time", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stepDown has the leader of stream step down, if one is found.
func stepDown(c *natstest.Cluster, stream string) bool {
	for _, s := range c.Servers {
		if s.Running() && s.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, stream) {
			return s.JetStreamStepdownStream(server.DEFAULT_GLOBAL_ACCOUNT, stream) == nil
		}
	}
	return false
}

// twoReplicas starts a leader connected through server 0 and, once it
// decided a first article, a standby connected through server 1.
func twoReplicas(t *testing.T, c *natstest.Cluster, js jetstream.JetStream) (a, b running, first *events.Article) {
	t.Helper()
	_, jsA := natstest.ConnectTo(t, c.Servers[0].ClientURL())
	_, jsB := natstest.ConnectTo(t, c.Servers[1].ClientURL())
	first = article("/in/wire.txt", story)
	publishArticles(t, js, first)
	a = startDeduper(t, jsA, replicated)
	clustered(t, js, 1)
	b = startDeduper(t, jsB, replicated)
	return a, b, first
}

// Scenario: the lease bucket's stream changes leader again and again while
// articles flow.
func TestLeaseSurvivesLeaseStreamStepdowns(t *testing.T) {
	c, js := replicatedCluster(t)
	_, _, first := twoReplicas(t, c, js)
	arts := stories("kv", 60, 5)
	done := feed(t, js, 40*time.Millisecond, arts)
	stream := "KV_" + deduper.LeaseBucket
	moved := 0
	for range 5 {
		time.Sleep(400 * time.Millisecond)
		if stepDown(c, stream) {
			moved++
		}
	}
	done()
	if moved == 0 {
		t.Fatalf("no leader of %s found to step down", stream)
	}
	checkSafe(t, js, append(arts, first), 15*time.Second)
}

// Scenario: the input and the decisions streams change leader while
// articles flow.
func TestLeadershipSurvivesDataStreamStepdowns(t *testing.T) {
	c, js := replicatedCluster(t)
	_, _, first := twoReplicas(t, c, js)
	arts := stories("data", 60, 5)
	done := feed(t, js, 40*time.Millisecond, arts)
	moved := map[string]int{}
	for range 4 {
		time.Sleep(400 * time.Millisecond)
		for _, stream := range []string{events.StreamArticles, events.StreamClustered, events.StreamClusters} {
			if stepDown(c, stream) {
				moved[stream]++
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	done()
	if len(moved) != 3 {
		t.Fatalf("stepped down %v, want each of the three streams", moved)
	}
	checkSafe(t, js, append(arts, first), 15*time.Second)
}

// Scenario: the leader's server goes away for longer than the lease while
// the leader holds articles it pulled ahead; a standby takes over. When the
// server comes back, the old leader must not store the decisions it had
// made for articles the standby decided meanwhile. It may lead again later
// (a lease that ran out while the cluster was slow can come back to it),
// deciding after it caught up.
func TestCutOffLeaderPublishesNoStaleDecisions(t *testing.T) {
	c, js := replicatedCluster(t)
	_, _, first := twoReplicas(t, c, js)
	// A backlog keeps the leader busy deciding and publishing when it is
	// cut off.
	before := stories("cut", 120, 4)
	feed(t, js, 0, before)()
	waitDecided(t, js, 20)
	c.Servers[0].Shutdown()
	c.Servers[0].WaitForShutdown()
	time.Sleep(3 * leaseTTL)
	c.Restart(0)
	after := stories("back", 10, 4)
	feed(t, js, 10*time.Millisecond, after)()
	checkSafe(t, js, append(append(before, after...), first), 18*time.Second)
	checkNoStaleDecisions(t, js)
}

// checkNoStaleDecisions checks that no decision is stored after another
// replica's decision made later than it: such a decision was made by a
// replica that had lost the lease, and landed after the next leader's. (A
// replica that leads again decides after catching up on what the others
// stored, so its decisions are made after theirs.) It also checks that
// more than one replica decided.
func checkNoStaleDecisions(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	// The latest decision time of each replica (each engine's name) so far
	// in stream order.
	latest := map[string]time.Time{}
	readAll(t, js, events.StreamClustered, func(m jetstream.Msg) {
		by := m.Headers().Get("Wirewatch-Decided-By")
		at, err := time.Parse(time.RFC3339Nano, m.Headers().Get(events.HeaderCETime))
		if err != nil {
			t.Fatalf("decision without its time: %v", err)
		}
		for other, last := range latest {
			if other != by && at.Before(last) {
				meta, _ := m.Metadata()
				t.Errorf("decision at seq %d by %s, made at %s, is stored after one by %s made at %s",
					meta.Sequence.Stream, by, at.Format(time.StampMicro), other, last.Format(time.StampMicro))
			}
		}
		if at.After(latest[by]) {
			latest[by] = at
		}
	})
	if len(latest) < 2 {
		t.Error("the standby decided nothing")
	}
}

// Scenario: both replicas stop, two new ones start: the clusters and their
// versions continue.
func TestFreshReplicasContinueTheClusters(t *testing.T) {
	c, js := replicatedCluster(t)
	a, b, first := twoReplicas(t, c, js)
	before := stories("old", 20, 4)
	feed(t, js, 5*time.Millisecond, before)()
	all := append(before, first)
	checkSafe(t, js, all, 15*time.Second)
	a.stop()
	b.stop()

	_, jsA := natstest.ConnectTo(t, c.Servers[2].ClientURL())
	_, jsB := natstest.ConnectTo(t, c.Servers[0].ClientURL())
	startDeduper(t, jsA, replicated)
	startDeduper(t, jsB, replicated)
	after := stories("old", 28, 4)[20:] // more copies of the same stories
	feed(t, js, 5*time.Millisecond, after)()
	checkSafe(t, js, append(all, after...), 15*time.Second)
	decided := clustered(t, js, len(all)+len(after))
	for i, a := range after {
		if got, want := decided[a.ID], decided[before[i%4].ID]; got.ID != want.ID || got.Relation != events.RelationDuplicate {
			t.Errorf("%s after the restart: %s in %s, want a duplicate in %s", a.Source.Path, got.Relation, got.ID, want.ID)
		}
	}
}

// A decision of a replica that led before lands after this leader caught
// up (its publish was on its way while its connection was down): the
// leader's next publish must fail rather than store a decision made
// without it, and the leader must rebuild its clusters from the stream and
// decide again. Here the late decision founds the wire story's cluster, so
// a copy decided after it is a duplicate in that cluster.
func TestLateDecisionOfAFormerLeaderIsFenced(t *testing.T) {
	// The former leader decides the wire story on a server of its own.
	other := startStreams(t)
	wire := article("/in/wire.txt", story)
	publishArticles(t, other, wire)
	startDeduper(t, other, deduper.Config{LeaseTTL: leaseTTL})
	late := storedDecision(t, other, wire)

	js := startStreams(t)
	startDeduper(t, js, deduper.Config{LeaseTTL: leaseTTL})
	first := series("early", 1)[0]
	publishArticles(t, js, first)
	clustered(t, js, 1) // the leader has caught up and decides

	if _, err := js.PublishMsg(context.Background(), late); err != nil {
		t.Fatal(err)
	}
	cp := article("/in/copy.txt", strings.ToUpper(story))
	publishArticles(t, js, cp)
	decided := clustered(t, js, 3)
	if got, want := decided[cp.ID], decided[wire.ID]; got.ID != want.ID || got.Relation != events.RelationDuplicate || got.Version != 2 {
		t.Errorf("a copy after the late decision: %s in %s v%d, want a duplicate in %s v2", got.Relation, got.ID, got.Version, want.ID)
	}
	for id, n := range allDecisions(t, js) {
		if n != 1 {
			t.Errorf("%s was decided %d times", id, n)
		}
	}
}

// storedDecision returns the decision stored for a, as a message to
// publish again.
func storedDecision(t *testing.T, js jetstream.JetStream, a *events.Article) *nats.Msg {
	t.Helper()
	clustered(t, js, 1)
	var out *nats.Msg
	readAll(t, js, events.StreamClustered, func(m jetstream.Msg) {
		if m.Headers().Get(events.HeaderCESubject) == a.ID {
			out = &nats.Msg{Subject: m.Subject(), Header: m.Headers(), Data: m.Data()}
		}
	})
	if out == nil {
		t.Fatalf("no decision stored for %s", a.Source.Path)
	}
	out.Header.Del(jetstream.ExpectedLastSeqHeader)
	return out
}
