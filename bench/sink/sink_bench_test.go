package sink_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
	"github.com/wirewatch/wirewatch/services/sink"
)

// corpus makes n distinct articles of about 300 words, drawn from a
// vocabulary with a Zipf-like distribution so that they share common words
// but not stories.
func corpus(n int) []*events.Article {
	r := rand.New(rand.NewPCG(1, 2))
	syll := []string{"ka", "ro", "mi", "ten", "sal", "vor", "ni", "bel", "dra", "os", "lun", "pe", "tar", "gu", "hel", "zo"}
	vocab := make([]string, 6000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		vocab[i] = b.String()
	}
	zipf := rand.NewZipf(r, 1.1, 4, uint64(len(vocab)-1))
	arts := make([]*events.Article, n)
	now := time.Now().UTC()
	for i := range arts {
		words := make([]string, 300)
		for j := range words {
			words[j] = vocab[zipf.Uint64()]
		}
		text := fmt.Sprintf("Report %d. %s.", i, strings.Join(words, " "))
		src := events.Source{Kind: events.SourceFile, Path: fmt.Sprintf("/bench/%06d.txt", i)}
		arts[i] = &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src,
			Title: strings.Join(words[:8], " "), Language: "en", Text: text, ContentHash: events.TextHash(text),
			FetchedAt: now, ExtractedAt: now}
	}
	return arts
}

// server starts a fresh embedded JetStream server with the streams.
func server(b *testing.B) jetstream.JetStream {
	b.Helper()
	srv, err := embedded.Start(embedded.Options{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, err := embedded.Connect(srv, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		b.Fatal(err)
	}
	return js
}

func publishAll(b *testing.B, js jetstream.JetStream, subject func(int) string, ev func(int) events.Event, n int) {
	b.Helper()
	for i := range n {
		m, err := events.Encode(events.StageDeduper, subject(i), ev(i), time.Now())
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
		b.Fatal("publishing timed out")
	}
}

// runUntil runs a stage until it has acknowledged n messages and returns
// how long that took.
func runUntil(b *testing.B, run func(context.Context) error, acked func() uint64, n int) time.Duration {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run(ctx) }()
	for acked() < uint64(n) {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// BenchmarkSinkAgainstDeduper measures, in events per second, the deduper
// clustering articles and then the sink writing the deduper's output to
// JSONL files (fsync before every acknowledgement): with one handler (one
// fsync per event), with the default 16 sharing fsyncs, and with 64. All run
// one after the other on the same server within each iteration, so that
// they see the same machine; b.N is the number of articles.
func BenchmarkSinkAgainstDeduper(b *testing.B) {
	arts := corpus(b.N)
	js := server(b)
	publishAll(b, js, func(int) string { return events.ArticleSubject("en") }, func(i int) events.Event { return arts[i] }, b.N)
	b.ResetTimer()

	ded, err := deduper.New(js, deduper.Config{}, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	elapsed := runUntil(b, ded.Run, func() uint64 { return ded.Stats().Acked }, b.N)
	dedRate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(dedRate, "deduper-events/s")

	for _, conc := range []int{1, sink.DefaultConcurrency, 64} {
		snk, err := sink.New(js, sink.Config{OutDir: b.TempDir(), Durable: fmt.Sprintf("bench-%d", conc), Concurrency: conc}, zap.NewNop())
		if err != nil {
			b.Fatal(err)
		}
		elapsed := runUntil(b, snk.Run, func() uint64 { return snk.Stats().Acked }, b.N)
		lines, syncs := snk.FileStats()
		rate := float64(b.N) / elapsed.Seconds()
		b.ReportMetric(rate, fmt.Sprintf("sink-c%d-events/s", conc))
		if conc == sink.DefaultConcurrency {
			b.ReportMetric(float64(lines)/float64(max(syncs, 1)), "sink-lines/fsync")
			b.ReportMetric(rate/dedRate, "sink/deduper")
		}
	}
}
