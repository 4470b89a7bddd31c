package stage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// BenchmarkRunnerThroughput measures how fast a runner moves a backlog of
// raw documents through a cheap handler: pulling, publishing the output and
// acknowledging, per message. With ordered=true the runner publishes in the
// order delivered (Config.Ordered); with work=varied each handling also
// takes 0 to 2 ms, unevenly, as extraction does.
func BenchmarkRunnerThroughput(b *testing.B) {
	varied := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		time.Sleep(time.Duration(d.StreamSeq*7919%2000) * time.Microsecond)
		return echo(ctx, d)
	}
	for _, tc := range []struct {
		conc    int
		ordered bool
		work    string
	}{{1, false, "echo"}, {4, false, "echo"}, {4, true, "echo"}, {4, false, "varied"}, {4, true, "varied"}} {
		name := fmt.Sprintf("concurrency=%d", tc.conc)
		if tc.ordered || tc.work != "echo" {
			name += fmt.Sprintf("/ordered=%v/work=%s", tc.ordered, tc.work)
		}
		handler := echo
		if tc.work == "varied" {
			handler = varied
		}
		conc := tc.conc
		b.Run(name, func(b *testing.B) {
			_, _, js := natstest.Start(b)
			ctx := context.Background()
			if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
				b.Fatal(err)
			}
			body := []byte("body")
			for i := range b.N {
				src := events.Source{Kind: events.SourceFile, Path: fmt.Sprintf("/in/%d.txt", i)}
				d := &events.RawDocument{
					Schema: events.SchemaRawDocument, ID: events.DocumentID(src), Source: src,
					FetchedAt: time.Now(), ContentType: "text/plain", Body: body, ContentHash: events.BytesHash(body),
				}
				m, err := events.Encode(events.StageFetcher, events.RawSubject(events.SourceFile), d, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := js.PublishMsgAsync(m); err != nil {
					b.Fatal(err)
				}
			}
			select {
			case <-js.PublishAsyncComplete():
			case <-time.After(time.Minute):
				b.Fatal("publishing the backlog timed out")
			}
			r, err := stage.New(js, stage.Config{Stage: events.StageExtractor, Concurrency: conc, Ordered: tc.ordered}, handler, zap.NewNop())
			if err != nil {
				b.Fatal(err)
			}
			rctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			b.ResetTimer()
			go func() { done <- r.Run(rctx) }()
			deadline := time.Now().Add(2 * time.Minute)
			for r.Stats().Acked < uint64(b.N) {
				if time.Now().After(deadline) {
					b.Fatalf("acked %d of %d", r.Stats().Acked, b.N)
				}
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}
