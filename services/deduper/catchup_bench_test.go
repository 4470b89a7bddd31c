package deduper_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// rewrites returns n articles telling n/4 stories: each story's text is
// 150 words drawn from a vocabulary of 20,000, and its members are copies
// with a tenth of their words replaced, so that the engine restores new
// stories, near duplicates and rewrites alike.
func rewrites(n int) []*events.Article {
	r := rand.New(rand.NewPCG(7, 7))
	word := func() string { return fmt.Sprintf("w%d", int(r.ExpFloat64()*3000)%20000) }
	var out []*events.Article
	var base []string
	for i := range n {
		if i%4 == 0 {
			base = base[:0]
			for range 150 {
				base = append(base, word())
			}
		}
		words := append([]string(nil), base...)
		for j := range words {
			if i%4 != 0 && r.IntN(10) == 0 {
				words[j] = word()
			}
		}
		out = append(out, article(fmt.Sprintf("/bench/%d.txt", i), strings.Join(words, " ")+"."))
	}
	return out
}

// decided stores the decisions of n articles on a fresh server, made by a
// leader handed them one at a time.
func decided(b *testing.B, n int) jetstream.JetStream {
	b.Helper()
	js := startStreams(b)
	_, handle := leader(b, js, zap.NewNop())
	for _, a := range rewrites(n) {
		if err := handle(a); err != nil {
			b.Fatal(err)
		}
	}
	return js
}

// BenchmarkCatchUp measures how fast a replica that starts cold (a restart,
// or a standby taking over before it followed anything) rebuilds its
// clusters from the stored decisions of n articles: what it replays before
// it can decide anything.
func BenchmarkCatchUp(b *testing.B) {
	for _, n := range []int{5_000, 20_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			js := decided(b, n)
			ctx := context.Background()
			for b.Loop() {
				d, err := deduper.New(js, deduper.Config{}, zap.NewNop())
				if err != nil {
					b.Fatal(err)
				}
				end, err := deduper.Lead(ctx, d)
				if err != nil {
					b.Fatal(err)
				}
				end()
				if got := deduper.Indexed(d); got != n {
					b.Fatalf("caught up on %d articles, want %d", got, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		})
	}
}
