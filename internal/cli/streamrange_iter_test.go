package cli

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// readerGoroutines returns the stacks of the goroutines running in the
// JetStream client (pull subscriptions, their status watchers, consumer
// resets), once they are all gone or after 10 s, and whether any is left.
func readerGoroutines(t *testing.T) (string, bool) {
	t.Helper()
	var stacks string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		buf := make([]byte, 4<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "nats.go/jetstream.") || time.Now().After(deadline) {
			break
		}
	}
	var left []string
	for g := range strings.SplitSeq(stacks, "\n\n") {
		if strings.Contains(g, "nats.go/jetstream.") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n"), len(left) > 0
}

// TestReadLeavesNoGoroutinesBehind: however read returns, the subscription
// it reads the range with is stopped, and nothing of it goes on running.
func TestReadLeavesNoGoroutinesBehind(t *testing.T) {
	errStop := errors.New("stop here")
	tests := []struct {
		name    string
		r       streamRange
		stopAt  uint64 // fn fails, or cancels, at this sequence
		cancel  bool
		wantN   int
		wantErr error
	}{
		{"whole range", streamRange{stream: "S"}, 0, false, 2000, nil},
		{"limit", streamRange{stream: "S", limit: 3}, 0, false, 3, nil},
		{"to a sequence", streamRange{stream: "S", fromSeq: 10, toSeq: 1500}, 0, false, 1491, nil},
		{"fn fails", streamRange{stream: "S"}, 700, false, 699, errStop},
		{"interrupted", streamRange{stream: "S"}, 1200, true, 1200, context.Canceled},
	}
	_, js := rangeServer(t, 2000)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res := readWithin(t, ctx, tt.r, js, func(rec recording.Record) error {
				if rec.Seq == tt.stopAt {
					if tt.cancel {
						cancel()
						return nil
					}
					return errStop
				}
				return nil
			})
			if res.n != tt.wantN || !errors.Is(res.err, tt.wantErr) || (tt.wantErr == nil && res.err != nil) {
				t.Errorf("read %d messages, error %v; want %d, %v", res.n, res.err, tt.wantN, tt.wantErr)
			}
			if stacks, left := readerGoroutines(t); left {
				t.Errorf("goroutines of the read outlive it:\n%s", stacks)
			}
		})
	}
}

// TestReadEndsWhenTheRestIsPurged: a range whose rest is purged while it is
// read ends with what it read, once the server says nothing is pending,
// rather than waiting for messages that will never come.
func TestReadEndsWhenTheRestIsPurged(t *testing.T) {
	const stored = 3 * rangePrefetchMax
	for _, tt := range []struct {
		name    string
		r       streamRange
		atStart bool // purged before the first message, else after it
	}{
		{"after the first message", streamRange{stream: "S"}, false},
		{"before the first message", streamRange{stream: "S", fromSeq: 100}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, js := rangeServer(t, stored)
			ctx := context.Background()
			s, err := js.Stream(ctx, "S")
			if err != nil {
				t.Fatal(err)
			}
			purge := func() {
				if err := s.Purge(ctx); err != nil {
					t.Error(err)
				}
			}
			done := make(chan readResult, 1)
			go func() {
				n, err := tt.r.read(ctx, js, func(int) {
					if tt.atStart {
						purge()
					}
				}, func(rec recording.Record) error {
					if !tt.atStart && rec.Seq == 1 {
						purge()
					}
					return nil
				})
				done <- readResult{n, err}
			}()
			var res readResult
			select {
			case res = <-done:
			case <-time.After(time.Minute):
				t.Fatal("read still running after a minute")
			}
			if res.err != nil || res.n >= stored || (tt.atStart && res.n != 0) {
				t.Errorf("read %d of %d messages, error %v; want fewer than all (none if purged first) and no error", res.n, stored, res.err)
			}
			if stacks, left := readerGoroutines(t); left {
				t.Errorf("goroutines of the read outlive it:\n%s", stacks)
			}
		})
	}
}

// TestReadWaitsForMessagesOnTheirWay: on a slow link, messages the server
// has sent are no longer pending while they travel. A read that has waited
// rangeIdleWait for them waits on, rather than ending the range short.
func TestReadWaitsForMessagesOnTheirWay(t *testing.T) {
	srv, _ := rangeServer(t, 50)
	p := natstest.DelayProxy(t, srv.Addr().String())
	nc, js, err := connect(&stage.NATSFlags{NATSURL: p.URL()}, t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	done := make(chan readResult, 1)
	go func() {
		n, err := streamRange{stream: "S"}.read(context.Background(), js, func(int) {
			// The consumer is there: from now on, what it sends takes longer
			// than the read waits before asking the server.
			p.SetDelayToClient(rangeIdleWait + rangeIdleWait/2)
		}, func(recording.Record) error { return nil })
		done <- readResult{n, err}
	}()
	select {
	case res := <-done:
		if res.err != nil || res.n != 50 {
			t.Errorf("read %d of 50 messages over a slow link, error %v; want all 50", res.n, res.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("read still running after a minute")
	}
}

func TestPrefetch(t *testing.T) {
	tests := []struct {
		name  string
		state jetstream.StreamState
		total int
		want  int
	}{
		{"small messages", jetstream.StreamState{Msgs: 1000, Bytes: 1000 * 2048}, 1 << 20, rangePrefetchMax},
		{"1 MB messages", jetstream.StreamState{Msgs: 100, Bytes: 100 << 20}, 1 << 20, rangePrefetchBytes / (1 << 20)},
		{"huge messages", jetstream.StreamState{Msgs: 10, Bytes: 10 * (64 << 20)}, 1 << 20, rangePrefetchMin},
		{"short range", jetstream.StreamState{Msgs: 1000, Bytes: 1000 * 2048}, 3, 4},
		{"empty stream", jetstream.StreamState{}, 5, 6},
		{"nothing pending", jetstream.StreamState{Msgs: 10, Bytes: 100}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prefetch(tt.state, tt.total); got != tt.want {
				t.Errorf("prefetch(%+v, %d) = %d, want %d", tt.state, tt.total, got, tt.want)
			}
		})
	}
}
