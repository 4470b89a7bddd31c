package stage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// clustered starts a JetStream cluster of three with wirewatch's streams
// replicated on all of them, and connects to it as a service would.
func clustered(t *testing.T) (*natstest.Cluster, *nats.Conn, jetstream.JetStream) {
	t.Helper()
	c := natstest.StartCluster(t, 3)
	nc, err := nats.Connect(c.URLs(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	return c, nc, js
}

// publishing publishes n raw documents, one every few milliseconds, in the
// background, retrying each until the cluster takes it. The channel closes
// when all are in.
func publishing(t *testing.T, js jetstream.JetStream, n int) <-chan struct{} {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			body := fmt.Sprintf("doc-%03d", i)
			m, _, err := rawMsg(body)
			if err != nil {
				t.Error(err)
				return
			}
			if err := natstest.Publish(js, m); err != nil {
				t.Errorf("publishing %s: %v", body, err)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return done
}

// longestStall samples r's acks until done closes and returns the longest
// time no ack came.
func longestStall(r *stage.Runner, done <-chan struct{}) <-chan time.Duration {
	out := make(chan time.Duration, 1)
	go func() {
		var longest time.Duration
		last, lastAt := r.Stats().Acked, time.Now()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				out <- longest
				return
			case <-tick.C:
				if a := r.Stats().Acked; a != last {
					last, lastAt = a, time.Now()
				}
				longest = max(longest, time.Since(lastAt))
			}
		}
	}()
	return out
}

// load is a runner handling a steady stream of documents.
type load struct {
	stop      func()
	published <-chan struct{}
	stall     <-chan time.Duration
}

// docsUnderLoad is how many documents underLoad publishes.
const docsUnderLoad = 150

// underLoad starts a runner and publishes docsUnderLoad documents for it,
// one every few milliseconds, and returns once it has handled the first.
// A consumer leader that steps down mid-delivery, or a server lost with
// deliveries on the way, can leave a message recorded as delivered that no
// client received: it comes again after AckWait, shortened here from 30 s.
func underLoad(t *testing.T, js jetstream.JetStream) load {
	t.Helper()
	cc, err := events.ConsumerConfig(events.StageExtractor, "")
	if err != nil {
		t.Fatal(err)
	}
	cc.AckWait = 3 * time.Second
	r, stop := run(t, js, stage.Config{Batch: 8, Consumer: &cc}, echo)
	published := publishing(t, js, docsUnderLoad)
	waitFor(t, "the first acks", func() bool { return r.Stats().Acked >= 10 })
	return load{stop: stop, published: published, stall: longestStall(r, published)}
}

// carriedOn waits for the last document to be published and checks that
// the runner never stalled long and handled every document once.
func (l load) carriedOn(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	<-l.published
	// A runner that waited out its lost pull requests would stall for
	// their expiry (30 s) or their missed heartbeats (10 s).
	if longest := <-l.stall; longest > 8*time.Second {
		t.Errorf("no document was handled for %v", longest)
	}
	everyBodyOnce(t, js, docsUnderLoad)
	l.stop()
}

// everyBodyOnce waits until the output stream holds n distinct bodies and
// fails on a body seen twice: the Msg-Id of each output makes the server
// drop a second publish of it.
func everyBodyOnce(t *testing.T, js jetstream.JetStream, n int) {
	t.Helper()
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		got = bodies(t, js, events.StreamArticles, events.ArticleSubject("test"))
		if len(got) >= n {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	seen := map[string]bool{}
	for _, b := range got {
		if seen[b] {
			t.Errorf("%s was published twice", b)
		}
		seen[b] = true
	}
	if len(seen) != n {
		if cons, err := js.Consumer(context.Background(), events.StreamRaw, "extractor"); err == nil {
			info, _ := cons.Info(context.Background())
			t.Logf("consumer: %d delivered, %d acknowledged, %d pending acknowledgement, %d redelivered, %d pull requests waiting",
				info.Delivered.Consumer, info.AckFloor.Consumer, info.NumAckPending, info.NumRedelivered, info.NumWaiting)
		}
		t.Fatalf("the output holds %d of the %d documents", len(seen), n)
	}
}

// On a replicated cluster the leaders of the input stream and of the
// consumer move (a server is upgraded, a leader steps down): the runner
// carries on through every move and handles every document.
func TestRunnerCarriesOnThroughLeaderChanges(t *testing.T) {
	c, _, js := clustered(t)
	load := underLoad(t, js)
	stream, err := events.InputStream(events.StageExtractor)
	if err != nil {
		t.Fatal(err)
	}
	durable := string(events.StageExtractor)
	for round := range 3 {
		for _, s := range c.Servers {
			if s.JetStreamIsConsumerLeader("$G", stream, durable) {
				if err := s.JetStreamStepdownConsumer("$G", stream, durable); err != nil {
					t.Fatalf("round %d: stepping down the consumer leader: %v", round, err)
				}
				break
			}
		}
		time.Sleep(300 * time.Millisecond)
		for _, s := range c.Servers {
			if s.JetStreamIsStreamLeader("$G", stream) {
				if err := s.JetStreamStepdownStream("$G", stream); err != nil {
					t.Fatalf("round %d: stepping down the stream leader: %v", round, err)
				}
				break
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	load.carriedOn(t, js)
}

// The server a runner is connected to goes down and comes back: the client
// moves to another server of the cluster and the runner goes on pulling.
func TestRunnerCarriesOnWhenItsServerGoesDown(t *testing.T) {
	c, nc, js := clustered(t)
	load := underLoad(t, js)
	for i, s := range c.Servers {
		if s.ClientURL() == nc.ConnectedUrl() {
			s.Shutdown()
			s.WaitForShutdown()
			time.Sleep(time.Second)
			c.Restart(i)
			break
		}
	}
	load.carriedOn(t, js)
}
