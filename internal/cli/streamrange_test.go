package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// rangeServer starts a JetStream server on a loopback port with a stream S
// of n messages on s.x, and connects to it as a tool verb does.
func rangeServer(t *testing.T, n int) (*server.Server, jetstream.JetStream) {
	t.Helper()
	srv, err := embedded.Start(embedded.Options{StoreDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, js, err := connect(&stage.NATSFlags{NATSURL: srv.ClientURL()}, t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := js.Publish(ctx, "s.x", fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	return srv, js
}

// readResult is what streamRange.read returned.
type readResult struct {
	n   int
	err error
}

// readWithin runs read in the background and fails the test when it has not
// returned within a minute: a read must never hang.
func readWithin(t *testing.T, ctx context.Context, r streamRange, js jetstream.JetStream, fn func(recording.Record) error) readResult {
	t.Helper()
	done := make(chan readResult, 1)
	go func() {
		n, err := r.read(ctx, js, func(int) {}, fn)
		done <- readResult{n, err}
	}()
	select {
	case res := <-done:
		return res
	case <-time.After(time.Minute):
		t.Fatal("read still running after a minute")
		return readResult{}
	}
}

// TestReadStopsWhenInterrupted: Ctrl-C during a long read (record, dlq)
// stops it at once, not after the rest of the stream.
func TestReadStopsWhenInterrupted(t *testing.T) {
	_, js := rangeServer(t, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := readWithin(t, ctx, streamRange{stream: "S"}, js, func(recording.Record) error {
		cancel()
		return nil
	})
	if res.n != 1 || !errors.Is(res.err, context.Canceled) {
		t.Errorf("read after interruption: %d messages, error %v; want 1 and context.Canceled", res.n, res.err)
	}
}

// TestReadFailsWhenTheServerGoesAway: a server that goes away in the middle
// of a range is an error, neither a hang nor a range cut short in silence.
// The range is longer than read asks for ahead, so that the rest of it is
// still on the server when it goes.
func TestReadFailsWhenTheServerGoesAway(t *testing.T) {
	const stored = 3 * rangePrefetchMax
	srv, js := rangeServer(t, stored)
	res := readWithin(t, context.Background(), streamRange{stream: "S"}, js, func(rec recording.Record) error {
		if rec.Seq == 1 {
			srv.Shutdown()
		}
		return nil
	})
	if res.err == nil {
		t.Errorf("read %d of %d messages and reported no error", res.n, stored)
	}
	t.Logf("read %d messages, then: %v", res.n, res.err)
	if stacks, left := readerGoroutines(t); left {
		t.Errorf("goroutines of the read outlive it:\n%s", stacks)
	}
}

// TestReadRanges checks the bounds of a range: inclusive at both ends, by
// sequence and by time, over a stream with a deleted stretch, an empty stream
// and a missing one.
func TestReadRanges(t *testing.T) {
	_, js := rangeServer(t, 10)
	ctx := context.Background()
	s, err := js.Stream(ctx, "S")
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []uint64{5, 6} {
		if err := s.DeleteMsg(ctx, seq); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := js.Publish(ctx, "s.y", []byte(`{"n":10}`)); err != nil { // seq 11
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "EMPTY", Subjects: []string{"e.>"}}); err != nil {
		t.Fatal(err)
	}
	stored := func(seq uint64) time.Time {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		return m.Time
	}
	first, third, eighth := stored(1), stored(3), stored(8)
	tests := []struct {
		name string
		r    streamRange
		want []uint64
	}{
		{"all", streamRange{stream: "S"}, []uint64{1, 2, 3, 4, 7, 8, 9, 10, 11}},
		{"from and to", streamRange{stream: "S", fromSeq: 3, toSeq: 7}, []uint64{3, 4, 7}},
		{"from a deleted seq", streamRange{stream: "S", fromSeq: 5}, []uint64{7, 8, 9, 10, 11}},
		{"to a deleted seq", streamRange{stream: "S", toSeq: 6}, []uint64{1, 2, 3, 4}},
		{"only deleted seqs", streamRange{stream: "S", fromSeq: 5, toSeq: 6}, nil},
		{"from past the end", streamRange{stream: "S", fromSeq: 12}, nil},
		{"to the last", streamRange{stream: "S", fromSeq: 10, toSeq: 11}, []uint64{10, 11}},
		{"to past the end", streamRange{stream: "S", fromSeq: 10, toSeq: 99}, []uint64{10, 11}},
		{"subject", streamRange{stream: "S", subject: "s.y"}, []uint64{11}},
		{"subject and seqs", streamRange{stream: "S", subject: "s.x", fromSeq: 9}, []uint64{9, 10}},
		{"limit", streamRange{stream: "S", limit: 3}, []uint64{1, 2, 3}},
		{"limit past a deleted stretch", streamRange{stream: "S", fromSeq: 4, limit: 2}, []uint64{4, 7}},
		{"since before the first", streamRange{stream: "S", since: first.Add(-time.Hour), toSeq: 2}, []uint64{1, 2}},
		{"since a message's time", streamRange{stream: "S", since: eighth}, []uint64{8, 9, 10, 11}},
		{"until a message's time", streamRange{stream: "S", until: third}, []uint64{1, 2, 3}},
		{"until before the first", streamRange{stream: "S", until: first.Add(-time.Second)}, nil},
		{"until in the future", streamRange{stream: "S", fromSeq: 9, until: time.Now().Add(time.Hour)}, []uint64{9, 10, 11}},
		{"since in the future", streamRange{stream: "S", since: time.Now().Add(time.Hour)}, nil},
		{"empty stream", streamRange{stream: "EMPTY"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []uint64
			res := readWithin(t, ctx, tt.r, js, func(rec recording.Record) error {
				got = append(got, rec.Seq)
				return nil
			})
			if res.err != nil || res.n != len(got) || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("read %v (n %d, error %v); want %v", got, res.n, res.err, tt.want)
			}
		})
	}
	t.Run("missing stream", func(t *testing.T) {
		res := readWithin(t, ctx, streamRange{stream: "NOPE"}, js, func(recording.Record) error { return nil })
		if res.err == nil || !errors.Is(res.err, jetstream.ErrStreamNotFound) {
			t.Errorf("read of a missing stream: error %v, want stream not found", res.err)
		}
	})
}
