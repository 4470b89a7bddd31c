package fetcher_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/services/fetcher"
)

// runWatching runs a watching fetcher with cfg until the test ends, and
// fails the test if Run does.
func runWatching(t *testing.T, js jetstream.JetStream, cfg fetcher.Config) {
	t.Helper()
	f, err := fetcher.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

// The fetcher's buckets deleted under it (by an operator starting its state
// afresh, or lost with the servers' storage) come back, and it goes on
// polling and publishing new items instead of failing every poll.
func TestBucketsDeletedUnderTheFetcher(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	cfg := feedConfig(s.url("/feeds/rss.xml"))
	cfg.Watch = true
	cfg.MinInterval, cfg.MaxInterval = 200*time.Millisecond, 200*time.Millisecond
	var p published
	cfg.OnPublished = p.add
	runWatching(t, js, cfg)
	ctx := context.Background()
	wait := func(what string, cond func() bool) { t.Helper(); waitUntil(t, 20*time.Second, what, cond) }
	wait("the feed's items", func() bool { n, _ := p.count(); return n > 0 })
	hits, _ := s.count("/feeds/rss.xml")
	wait("a second poll", func() bool { h, _ := s.count("/feeds/rss.xml"); return h > hits })
	before, _ := p.count()

	buckets := []string{fetcher.StateBucket, fetcher.SeenBucket, fetcher.LeaseBucket}
	for _, b := range buckets {
		if err := js.DeleteKeyValue(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	s.addItem(900, "Published after the buckets went")
	wait("the new item", func() bool { n, _ := p.count(); return n > before })
	for _, b := range buckets {
		if _, err := js.KeyValue(ctx, b); err != nil {
			t.Errorf("bucket %s: %v", b, err)
		}
	}
	hits, _ = s.count("/feeds/rss.xml")
	wait("polls to go on", func() bool { h, _ := s.count("/feeds/rss.xml"); return h >= hits+2 })
}

// The run-time feed list deleted under a watching fetcher: the feeds it
// held are no longer polled, and a feed added to the list afterwards is.
func TestFeedListDeletedUnderTheFetcher(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	cfg := feedConfig()
	cfg.Watch = true
	cfg.MinInterval, cfg.MaxInterval = 200*time.Millisecond, 200*time.Millisecond
	runWatching(t, js, cfg)
	ctx := context.Background()
	wait := func(what string, cond func() bool) { t.Helper(); waitUntil(t, 20*time.Second, what, cond) }
	atom := s.url("/feeds/atom.xml")
	if err := fetcher.AddFeed(ctx, js, atom); err != nil {
		t.Fatal(err)
	}
	wait("the listed feed's polls", func() bool { h, _ := s.count("/feeds/atom.xml"); return h >= 2 })
	if err := js.DeleteKeyValue(ctx, fetcher.FeedsBucket); err != nil {
		t.Fatal(err)
	}
	rss := s.url("/feeds/rss.xml")
	wait("the feed added after the list was deleted", func() bool {
		// The list may not be there yet, or be the old one for a moment.
		_ = fetcher.AddFeed(ctx, js, rss)
		h, _ := s.count("/feeds/rss.xml")
		return h >= 1
	})
	time.Sleep(500 * time.Millisecond) // a poll under way may finish
	before, _ := s.count("/feeds/atom.xml")
	time.Sleep(time.Second)
	if after, _ := s.count("/feeds/atom.xml"); after != before {
		t.Errorf("a feed of the deleted list was polled %d more times", after-before)
	}
}
