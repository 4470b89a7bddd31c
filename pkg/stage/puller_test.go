package stage_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// A consumer that limits pull requests gets requests within its limits: the
// server refuses larger ones, and a runner asking for more would never
// receive anything.
func TestPullRequestsStayWithinTheConsumersLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit func(*jetstream.ConsumerConfig)
	}{
		{"max request batch", func(c *jetstream.ConsumerConfig) { c.MaxRequestBatch = 4 }},
		{"max request expires", func(c *jetstream.ConsumerConfig) { c.MaxRequestExpires = 2 * time.Second }},
		{"max waiting", func(c *jetstream.ConsumerConfig) { c.MaxWaiting = 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := setup(t)
			cc, err := events.ConsumerConfig(events.StageExtractor, "")
			if err != nil {
				t.Fatal(err)
			}
			tc.limit(&cc)
			r, stop := run(t, js, stage.Config{Consumer: &cc, Concurrency: 8, Batch: 16}, echo)
			for i := range 20 {
				rawDoc(t, js, fmt.Sprintf("limited-%02d", i))
			}
			waitFor(t, "the messages", func() bool { return r.Stats().Acked == 20 })
			stop()
		})
	}
}

// A connection the server drops (its pull requests die with it, and no
// status says so) pulls again as soon as it is back, not once its requests
// have missed their heartbeats.
func TestRunnerPullsAgainAfterAReconnect(t *testing.T) {
	srv := natstest.Server(t)
	nc, js := reconnecting(t, srv.ClientURL())
	rawDoc(t, js, "before")
	r, stop := run(t, js, stage.Config{}, echo)
	waitFor(t, "the first ack", func() bool { return r.Stats().Acked == 1 })
	cid, err := nc.GetClientID()
	if err != nil {
		t.Fatal(err)
	}
	reconnected := nc.StatusChanged(nats.CONNECTED)
	defer nc.RemoveStatusListener(reconnected)
	if err := srv.DisconnectClientByID(cid); err != nil {
		t.Fatal(err)
	}
	handledSoonAfterReconnect(t, js, r, reconnected)
	stop()
}

// At the drain deadline the unstarted messages go back even while every
// worker is stuck in a handler that ignores its context.
func TestDrainDeadlineHandsBackMessagesBehindAStuckHandler(t *testing.T) {
	js := setup(t)
	const n = 5
	for i := range n {
		rawDoc(t, js, fmt.Sprintf("stuck-%02d", i))
	}
	started := make(chan struct{}, n)
	unstick := make(chan struct{})
	stuck := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		started <- struct{}{}
		<-unstick
		return nil, ctx.Err()
	}
	r1, err := stage.New(js, stage.Config{Stage: events.StageExtractor, Backoff: fastBackoff, DrainTimeout: 200 * time.Millisecond},
		stuck, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r1.Run(ctx) }()
	<-started
	cancel()
	defer func() {
		close(unstick)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return once its handler did")
		}
	}()
	r2, stop2 := run(t, js, stage.Config{Concurrency: 4}, echo)
	waitFor(t, "the held messages", func() bool { return r2.Stats().Acked >= n-1 })
	stop2()
}

// A consumer with a BackOff list times each delivery out after its BackOff
// value, not AckWait: the heartbeat keeps pace with the shortest.
func TestLongWorkIsNotRedeliveredUnderAConsumerBackOff(t *testing.T) {
	js := setup(t)
	cc, err := events.ConsumerConfig(events.StageExtractor, "")
	if err != nil {
		t.Fatal(err)
	}
	cc.BackOff = []time.Duration{time.Second, 2 * time.Second}
	var calls atomic.Int32
	slow := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		calls.Add(1)
		time.Sleep(2500 * time.Millisecond)
		return echo(ctx, d)
	}
	r, stop := run(t, js, stage.Config{Consumer: &cc, Concurrency: 2}, slow)
	rawDoc(t, js, "slow")
	waitFor(t, "the ack", func() bool { return r.Stats().Acked == 1 })
	time.Sleep(500 * time.Millisecond)
	stop()
	if got := calls.Load(); got != 1 {
		t.Errorf("handler called %d times, want 1", got)
	}
}

// Nothing the runner started outlives Run: not its pull requests, its
// heartbeats nor its workers, whether it was stopped or lost its connection.
func TestRunLeavesNoGoroutinesBehind(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(cancel context.CancelFunc, nc *nats.Conn)
	}{
		{"stopped", func(cancel context.CancelFunc, _ *nats.Conn) { cancel() }},
		{"connection closed", func(_ context.CancelFunc, nc *nats.Conn) { nc.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := natstest.Server(t)
			nc, js := natstest.Connect(t, srv)
			if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				rawDoc(t, js, fmt.Sprintf("leak-%02d", i))
			}
			r, cancel, done := started(t, js, stage.Config{Stage: events.StageExtractor, Backoff: fastBackoff, Concurrency: 2, Batch: 2}, echo)
			waitFor(t, "the messages", func() bool { return r.Stats().Acked == 5 })
			tc.end(cancel, nc)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return")
			}
			// A goroutine that has handed on its result may still be on its
			// way out (in runtime.goexit) when Run returns: allow it a moment.
			var left, stacks string
			for deadline := time.Now().Add(2 * time.Second); ; {
				buf := make([]byte, 1<<20)
				stacks = string(buf[:runtime.Stack(buf, true)])
				left = ""
				for _, f := range []string{"stage.(*puller)", "stage.(*beats)", "stage.(*Runner).Run"} {
					if strings.Contains(stacks, f) {
						left = f
						break
					}
				}
				if left == "" || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if left != "" {
				t.Errorf("a goroutine in %s outlives Run:\n%s", left, stacks)
			}
		})
	}
}

// proxy forwards TCP connections to the address target returns; cut drops
// every connection at once, the way a network fault does, so that neither
// end says goodbye.
type proxy struct {
	ln     net.Listener
	target func() string
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target func() string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target())
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A server that goes away without a word (its pull requests die with it,
// and no status says so) is pulled from again as soon as the connection is
// back, not once the lost requests have missed their heartbeats.
func TestRunnerPullsAgainAfterALostServer(t *testing.T) {
	dir := t.TempDir()
	start := func(listen string) *server.Server {
		s, err := embedded.Start(embedded.Options{StoreDir: dir, Listen: listen})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Shutdown)
		return s
	}
	var mu sync.Mutex
	srv := start("127.0.0.1:0")
	addr := srv.Addr().String()
	px := newProxy(t, func() string { mu.Lock(); defer mu.Unlock(); return addr })
	nc, js := reconnecting(t, "nats://"+px.ln.Addr().String())
	rawDoc(t, js, "before")
	r, stop := run(t, js, stage.Config{}, echo)
	waitFor(t, "the first ack", func() bool { return r.Stats().Acked == 1 })

	reconnected := nc.StatusChanged(nats.CONNECTED)
	defer nc.RemoveStatusListener(reconnected)
	mu.Lock()
	addr = "127.0.0.1:1" // nobody listens while the server is away
	mu.Unlock()
	px.cut() // the client hears nothing of the shutdown
	srv.Shutdown()
	srv.WaitForShutdown()
	next := start("127.0.0.1:0")
	mu.Lock()
	addr = next.Addr().String()
	mu.Unlock()
	handledSoonAfterReconnect(t, js, r, reconnected)
	stop()
}

// handledSoonAfterReconnect waits for the connection to come back, then
// publishes a second document and expects r, which acked the first, to
// handle it within a few seconds, not once its old pull requests have
// missed their heartbeats.
func handledSoonAfterReconnect(t *testing.T, js jetstream.JetStream, r *stage.Runner, reconnected <-chan nats.Status) {
	t.Helper()
	select {
	case <-reconnected:
	case <-time.After(10 * time.Second):
		t.Fatal("no reconnect")
	}
	back := time.Now()
	rawDoc(t, js, "after")
	waitFor(t, "the second ack", func() bool { return r.Stats().Acked == 2 })
	if took := time.Since(back); took > 3*time.Second {
		t.Errorf("the message published after the reconnect took %v to be handled", took)
	}
}

// A handler that ignores its context does not hold the service up for
// ever: a moment after the drain deadline Run returns, saying so, and the
// stuck message, no longer heartbeated, is delivered again to another
// runner once AckWait runs out.
func TestRunLeavesAHandlerThatIgnoresItsContext(t *testing.T) {
	js := setup(t)
	cc, err := events.ConsumerConfig(events.StageExtractor, "")
	if err != nil {
		t.Fatal(err)
	}
	cc.AckWait = time.Second
	rawDoc(t, js, "stuck")
	begun := make(chan struct{}, 1)
	unstick := make(chan struct{})
	defer close(unstick)
	stuck := func(context.Context, *stage.Delivery) ([]*nats.Msg, error) {
		begun <- struct{}{}
		<-unstick
		return nil, errors.New("unstuck")
	}
	_, cancel, done := started(t, js, stage.Config{Stage: events.StageExtractor, Consumer: &cc, DrainTimeout: 100 * time.Millisecond}, stuck)
	<-begun
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, stage.ErrHandlersAbandoned) {
			t.Errorf("Run = %v, want ErrHandlersAbandoned", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return while its handler ignored its context")
	}
	r2, stop2 := run(t, js, stage.Config{Consumer: &cc}, echo)
	waitFor(t, "the abandoned message", func() bool { return r2.Stats().Acked == 1 })
	stop2()
}
