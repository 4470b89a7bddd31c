package sink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
	"github.com/wirewatch/wirewatch/services/sink/internal/ledger"
	"github.com/wirewatch/wirewatch/services/sink/internal/webhook"
)

// hook is a webhook receiver shared by sink replicas: it counts the
// deliveries of each key.
type hook struct {
	srv *httptest.Server
	mu  sync.Mutex
	got map[string]int
	log map[string][]string
}

func newHook(t *testing.T) *hook {
	h := &hook{got: map[string]int{}, log: map[string][]string{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.got[r.Header.Get(webhook.HeaderID)]++
		h.log[r.Header.Get(webhook.HeaderID)] = append(h.log[r.Header.Get(webhook.HeaderID)], time.Now().Format("15:04:05.000")+" from "+r.RemoteAddr)
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// counts returns how many distinct keys arrived and the deliveries per key.
func (h *hook) counts() (int, map[string]int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.got))
	for k, n := range h.got {
		out[k] = n
	}
	return len(out), out
}

// clusterArticles is how many articles a cluster test publishes.
const clusterArticles = 200

// publishSteadily publishes clusterArticles articles, one every few
// milliseconds, retrying each until the cluster stores it; the channel
// closes when all are in.
func publishSteadily(t *testing.T, js jetstream.JetStream) (<-chan struct{}, []*events.ClusteredArticle) {
	t.Helper()
	arts := make([]*events.ClusteredArticle, clusterArticles)
	for i := range arts {
		arts[i] = clustered(fmt.Sprintf("/in/cluster-%04d.txt", i), fmt.Sprintf("Article %d of a steady stream.", i))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, a := range arts {
			m, err := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), a, time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			if err := natstest.Publish(js, m); err != nil {
				t.Errorf("publishing %s: %v", a.Source.Path, err)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return done, arts
}

// waitUntil waits for cond, failing the test with what after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stepDownStream moves the leadership of a stream to another server.
func stepDownStream(t *testing.T, c *natstest.Cluster, stream string) {
	t.Helper()
	for _, s := range c.Servers {
		if s.Running() && s.JetStreamIsStreamLeader("$G", stream) {
			if err := s.JetStreamStepdownStream("$G", stream); err != nil {
				t.Fatalf("stepping down the leader of %s: %v", stream, err)
			}
			return
		}
	}
}

// stepDownConsumer moves the leadership of a consumer to another server.
func stepDownConsumer(t *testing.T, c *natstest.Cluster, stream, consumer string) {
	t.Helper()
	for _, s := range c.Servers {
		if s.Running() && s.JetStreamIsConsumerLeader("$G", stream, consumer) {
			if err := s.JetStreamStepdownConsumer("$G", stream, consumer); err != nil {
				t.Fatalf("stepping down the leader of %s > %s: %v", stream, consumer, err)
			}
			return
		}
	}
}

// On a replicated cluster a replica's server goes down mid-stream and comes
// back: see deliverThrough.
func TestReplicasDeliverEveryArticleOnceThroughServerLoss(t *testing.T) {
	deliverThrough(t, func(t *testing.T, c *natstest.Cluster, progressed func(int)) {
		c.Servers[0].Shutdown()
		c.Servers[0].WaitForShutdown()
		// Back within the claim timeout: the replica cut off records what
		// it sent before the other may send it again. (Cut off for longer,
		// it leaves those to be sent again: at least once, as documented.)
		time.Sleep(2 * time.Second)
		c.Restart(0)
		progressed(40)
	})
}

// On a replicated cluster the leaders of the ledger bucket, of the input
// stream and of the consumer move mid-stream: see deliverThrough.
func TestReplicasDeliverEveryArticleOnceThroughLeaderChanges(t *testing.T) {
	deliverThrough(t, func(t *testing.T, c *natstest.Cluster, progressed func(int)) {
		for range 3 {
			stepDownStream(t, c, "KV_"+ledger.Bucket)
			progressed(10)
			stepDownStream(t, c, events.StreamClustered)
			progressed(10)
			stepDownConsumer(t, c, events.StreamClustered, string(events.StageSink))
			progressed(10)
		}
	})
}

// deliverThrough runs two sink replicas on a three-server cluster, each
// connected through a server of its own: each writes its own JSONL
// directory, and both deliver to one webhook, whose ledger they share. Once
// they are delivering a steady stream of articles, disrupt does something to
// the cluster; progressed(n) waits until n more articles reached the
// webhook. Every article must reach the webhook exactly once (the ledger's
// promise) and be in one of the JSONL directories, once in each it is in.
func deliverThrough(t *testing.T, disrupt func(t *testing.T, c *natstest.Cluster, progressed func(n int))) {
	c := natstest.StartCluster(t, 3)
	_, jsA := natstest.ConnectTo(t, c.Servers[0].ClientURL())
	_, jsB := natstest.ConnectTo(t, c.Servers[1].ClientURL())
	_, jsPub := natstest.ConnectTo(t, c.Servers[2].ClientURL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stage.EnsureStreams(ctx, jsPub, events.StreamOptions{Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	h := newHook(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	var wg sync.WaitGroup
	runCtx, stop := context.WithCancel(context.Background())
	defer func() { stop(); wg.Wait() }()
	for i, js := range []jetstream.JetStream{jsA, jsB} {
		s, err := sink.New(js, sink.Config{
			Outputs: []sink.OutputSpec{
				{Kind: sink.KindJSONL, Target: dirs[i]},
				{Kind: sink.KindWebhook, Target: h.srv.URL + "/hook"},
			},
			Webhook: sink.WebhookConfig{Attempts: 1, Timeout: 2 * time.Second},
			// What a replica cut off from the server claimed waits this
			// long for it: longer than the server loss lasts.
			ClaimTimeout:   10 * time.Second,
			Concurrency:    4,
			StreamReplicas: 3,
			// What a replica cut off held comes back after AckWait.
			AckWait: 2 * time.Second,
			Backoff: stage.Backoff{Base: 200 * time.Millisecond, Max: time.Second},
		}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)).Named(fmt.Sprintf("replica-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if err := s.Run(runCtx); err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
		})
	}
	published, arts := publishSteadily(t, jsPub)
	delivered := func() int { n, _ := h.counts(); return n }
	waitUntil(t, 15*time.Second, "the first deliveries", func() bool { return delivered() >= 20 })
	progressed := func(n int) {
		t.Helper()
		want := min(delivered()+n, clusterArticles)
		waitUntil(t, 15*time.Second, fmt.Sprintf("%d articles delivered", want), func() bool { return delivered() >= want })
	}
	disrupt(t, c, progressed)
	<-published
	waitUntil(t, 20*time.Second, "every article delivered", func() bool { return delivered() == clusterArticles })
	// Let what the disruption left unacknowledged come back, and be
	// skipped, before counting.
	waitUntil(t, 15*time.Second, "every delivery acknowledged", func() bool {
		cons, err := jsPub.Consumer(context.Background(), events.StreamClustered, string(events.StageSink))
		if err != nil {
			return false
		}
		info, err := cons.Info(context.Background())
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0
	})

	_, got := h.counts()
	for _, a := range arts {
		key := sink.Key(a.ID, a.ContentHash)
		if n := got[key]; n != 1 {
			t.Errorf("%s (%s) reached the webhook %d times: %v", a.Source.Path, a.ID, n, h.log[key])
		}
	}
	inFiles := map[string]bool{}
	for i, dir := range dirs {
		once := map[string]bool{}
		for _, l := range lines(t, dir) {
			var rec struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("replica %d wrote a broken line %.80q: %v", i, l, err)
			}
			if once[rec.ID] {
				t.Errorf("replica %d wrote %s twice", i, rec.ID)
			}
			once[rec.ID], inFiles[rec.ID] = true, true
		}
	}
	for _, a := range arts {
		if !inFiles[a.ID] {
			t.Errorf("%s is in no JSONL file", a.Source.Path)
		}
	}
}
