package fetcher_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

// feedConfig is a fetcher configuration for the test site: loopback allowed,
// no per-host rate limit, short timeouts and intervals.
func feedConfig(feeds ...string) fetcher.Config {
	return fetcher.Config{
		Feeds:           feeds,
		AllowPrivate:    true,
		HostRate:        rate.Inf,
		HostConcurrency: 8,
		MinInterval:     time.Hour,
		MaxInterval:     2 * time.Hour,
		RequestTimeout:  5 * time.Second,
		StallTimeout:    300 * time.Millisecond,
		LeaseTTL:        3 * time.Second,
		UserAgent:       "wirewatch/test (+https://wirewatch.example/contact)",
	}
}

// runOnce runs a fetcher that polls every feed once and returns it.
func runOnce(t *testing.T, js jetstream.JetStream, cfg fetcher.Config) *fetcher.Service {
	t.Helper()
	f, err := fetcher.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run did not return within 30s")
	}
	return f
}

// rawDocs returns every document in NEWS_RAW, by source URL (or path).
func rawDocs(t *testing.T, js jetstream.JetStream) map[string]*events.RawDocument {
	t.Helper()
	return decodeAll(t, js, events.StreamRaw, func() events.Event { return &events.RawDocument{} }, func(ev events.Event) string {
		d := ev.(*events.RawDocument)
		if d.Source.URL != "" {
			return d.Source.URL
		}
		return d.Source.Path
	})
}

func decodeAll(t *testing.T, js jetstream.JetStream, stream string, newEv func() events.Event, key func(events.Event) string) map[string]*events.RawDocument {
	t.Helper()
	out := map[string]*events.RawDocument{}
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(context.Background(), seq)
		if err != nil {
			continue
		}
		ev := newEv()
		if err := events.DecodeMsg(m.Header, m.Data, ev); err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		k := key(ev)
		if _, dup := out[k]; dup {
			t.Errorf("%s holds two messages for %s", stream, k)
		}
		if d, ok := ev.(*events.RawDocument); ok {
			out[k] = d
		}
	}
	return out
}

// healths returns the last health report of every feed in NEWS_FEEDS.
func healths(t *testing.T, js jetstream.JetStream) map[string]events.FeedHealth {
	t.Helper()
	s, err := js.Stream(context.Background(), events.StreamFeeds)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]events.FeedHealth{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(context.Background(), seq)
		if err != nil {
			continue
		}
		var h events.FeedHealth
		if err := events.DecodeMsg(m.Header, m.Data, &h); err != nil {
			t.Fatalf("health message %d: %v", seq, err)
		}
		if m.Subject != events.FeedHealthSubject(h.ID) {
			t.Errorf("health of %s on %s", h.FeedURL, m.Subject)
		}
		out[h.FeedURL] = h
	}
	return out
}

func TestFeedsPublishEveryItemOnceAndPollConditionally(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	feeds := []string{s.url("/feeds/rss.xml"), s.url("/feeds/atom.xml"), s.url("/feeds/feed.json")}
	var p published
	cfg := feedConfig(feeds...)
	cfg.OnPublished = p.add
	cfg.FeedConcurrency = 1 // one feed after the other: article 1 is in two feeds
	f := runOnce(t, js, cfg)

	// rss: 1 (through a redirect wrapper), 2 (tracking parameters), 3 (full
	// content); atom: 1 again (skipped), 4; json: 5 and a note without a link.
	if n, dups := p.count(); n != 6 || dups != 0 {
		t.Errorf("first run: %d published, %d duplicates; want 6 and 0 (stats %+v)", n, dups, f.Stats())
	}
	docs := rawDocs(t, js)
	for _, n := range []int{1, 2, 3, 4, 5} {
		if docs[s.url(fmt.Sprintf("/articles/%d", n))] == nil {
			t.Errorf("no document for article %d (have %v)", n, keys(docs))
		}
	}
	if hits, _ := s.count("/articles/3"); hits != 0 {
		t.Errorf("article 3's page fetched %d times although the feed carries its full text", hits)
	}
	d := docs[s.url("/articles/2")]
	if d != nil {
		it := d.Item
		if d.Source.Kind != events.SourceFeed || d.Source.FeedURL != s.url("/feeds/rss.xml") || d.ID != events.DocumentID(d.Source) ||
			d.ContentType != "text/html" || !strings.Contains(string(d.Body), "report number 2") {
			t.Errorf("article 2 document: source %+v, type %q", d.Source, d.ContentType)
		}
		if it == nil || it.GUID != "hh-2" || it.Title != "Ships wait outside the breakwater" || it.FeedTitle != "Harbour Herald" ||
			len(it.Authors) != 1 || it.Authors[0] != "Oskar Brenne" || len(it.Categories) != 1 || it.Published == nil ||
			!strings.Contains(it.Summary, "41 container ships") {
			t.Errorf("article 2 feed item: %+v", it)
		}
	}
	if d := docs[s.url("/articles/1")]; d != nil && (d.Item == nil || d.Item.GUID != "hh-1" && d.Item.GUID != "tag:morningbrief.example,2025:brief-1") {
		t.Errorf("article 1 item: %+v", d.Item)
	}
	if d := docs[s.url("/articles/3")]; d != nil && (!strings.Contains(string(d.Body), "Ingrid Sollum") || d.Item.Content == "") {
		t.Errorf("article 3 was not published from the feed's content")
	}
	var note *events.RawDocument
	for u, d := range docs {
		if strings.HasPrefix(u, "urn:wirewatch:item:") {
			note = d
		}
	}
	if note == nil || !strings.Contains(string(note.Body), "harbour office every morning") || note.Source.FeedURL != s.url("/feeds/feed.json") {
		t.Errorf("the JSON item without a link: %+v", note)
	}

	// A restart polls conditionally and publishes nothing.
	before := map[string]int{}
	for _, path := range []string{"/articles/1", "/articles/2", "/articles/4", "/articles/5"} {
		before[path], _ = s.count(path)
	}
	f2 := runOnce(t, js, cfg)
	if n, dups := p.count(); n != 6 || dups != 0 {
		t.Errorf("second run: %d published, %d duplicates; want 6 and 0", n, dups)
	}
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"} {
		if hits, cond := s.count(path); hits != 2 || cond != 1 {
			t.Errorf("%s: %d requests, %d conditional; want 2 and 1", path, hits, cond)
		}
	}
	for path, n := range before {
		if hits, _ := s.count(path); hits != n {
			t.Errorf("%s fetched again on the second run", path)
		}
	}
	if st := f2.Stats(); st.NotModified != 3 || st.Polls != 3 {
		t.Errorf("second run stats %+v, want 3 polls answered 304", st)
	}

	// A new item is all a changed feed brings.
	s.addItem(7, "Strike ends after three days")
	runOnce(t, js, cfg)
	if n, _ := p.count(); n != 7 {
		t.Errorf("after a new item: %d published, want 7", n)
	}
	if docs := rawDocs(t, js); docs[s.url("/articles/7")] == nil || len(docs) != 7 {
		t.Errorf("NEWS_RAW holds %v", keys(docs))
	}

	h := healths(t, js)
	rss := h[s.url("/feeds/rss.xml")]
	// Article 1 counts for rss or atom, whichever was polled first.
	if rss.Polls != 3 || rss.NotModified != 1 || rss.ErrorStreak != 0 || rss.LastSuccess == nil || rss.Items < 3 || rss.Items > 4 ||
		rss.NotModifiedRatio < 0.33 || rss.NotModifiedRatio > 0.34 || rss.Title != "Harbour Herald" {
		t.Errorf("rss health %+v", rss)
	}
	if len(h) != 3 {
		t.Errorf("health of %d feeds, want 3", len(h))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestMisbehavingFeedsDoNotStopTheOthers(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	release := make(chan struct{})
	defer close(release)
	s.handle("/bad/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Stalls`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	s.handle("/bad/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>`)
		item := []byte(strings.Repeat(`<item><title>filler</title><link>https://huge.example/x</link></item>`, 1000))
		for n := 0; n < 100<<20; n += len(item) {
			if _, err := w.Write(item); err != nil {
				return
			}
		}
	})
	s.handle("/bad/malformed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>x</ite`)
	})
	s.handle("/bad/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/bad/loop2", http.StatusFound) })
	s.handle("/bad/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/bad/loop", http.StatusFound) })
	s.handle("/bad/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	// A Retry-After holds its whole host: this one has a host of its own.
	busy := newSite(t)
	busy.handle("/bad/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	s.handle("/bad/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n"))
	})
	bad := []string{"/bad/stall", "/bad/huge", "/bad/malformed", "/bad/loop", "/bad/500", "/bad/image"}
	var feeds []string
	for _, b := range bad {
		feeds = append(feeds, s.url(b))
	}
	feeds = append(feeds, busy.url("/bad/429"))
	feeds = append(feeds, s.url("/feeds/rss.xml"))
	cfg := feedConfig(feeds...)
	cfg.MaxFeedBytes = 1 << 20
	var p published
	cfg.OnPublished = p.add
	start := time.Now()
	f := runOnce(t, js, cfg)
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("the run took %s", d)
	}
	if n, _ := p.count(); n != 3 {
		t.Errorf("%d items of the good feed published, want 3 (stats %+v)", n, f.Stats())
	}
	h := healths(t, js)
	want := map[string]string{
		"/bad/stall": "stalled", "/bad/huge": "size limit", "/bad/malformed": "malformed", "/bad/loop": "too many redirects",
		"/bad/500": "500", "/bad/429": "429", "/bad/image": "content type",
	}
	for path, msg := range want {
		got := h[s.url(path)]
		if path == "/bad/429" {
			got = h[busy.url(path)]
		}
		if got.ErrorStreak != 1 || got.Errors != 1 || !strings.Contains(got.LastError, msg) {
			t.Errorf("%s health: streak %d, error %q; want 1 and an error mentioning %q", path, got.ErrorStreak, got.LastError, msg)
		}
	}
	if r := h[busy.url("/bad/429")]; r.LastStatus != 429 || r.NextPoll.Sub(r.LastAttempt) < time.Hour {
		t.Errorf("429 health: status %d, next poll %s after the attempt; want 429 and at least an hour", r.LastStatus, r.NextPoll.Sub(r.LastAttempt))
	}
	if st := f.Stats(); st.FeedErrors != 7 || st.Polls != 8 {
		t.Errorf("stats %+v, want 8 polls and 7 errors", st)
	}

	// The next run leaves the feed that asked for an hour alone, and tries
	// the others again: a failing feed is never given up.
	runOnce(t, js, cfg)
	if hits, _ := busy.count("/bad/429"); hits != 1 {
		t.Errorf("/bad/429 requested %d times, want once: its Retry-After is honoured", hits)
	}
	if hits, _ := s.count("/bad/500"); hits != 2 {
		t.Errorf("/bad/500 requested %d times, want twice", hits)
	}
	if r := healths(t, js)[s.url("/bad/500")]; r.ErrorStreak != 2 {
		t.Errorf("/bad/500 error streak %d after two failures", r.ErrorStreak)
	}
}

func TestPrivateAddressesRefusedUnlessAllowed(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	cfg := feedConfig(s.url("/feeds/rss.xml"))
	cfg.AllowPrivate = false
	var p published
	cfg.OnPublished = p.add
	runOnce(t, js, cfg)
	if hits, _ := s.count("/feeds/rss.xml"); hits != 0 {
		t.Errorf("the loopback server got %d requests", hits)
	}
	if h := healths(t, js)[s.url("/feeds/rss.xml")]; !strings.Contains(h.LastError, "private") {
		t.Errorf("health error %q, want a refused private address", h.LastError)
	}
	if n, _ := p.count(); n != 0 {
		t.Errorf("%d published", n)
	}
}

func TestArticlePageFailures(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	s.handle("/feeds/pages.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Pages</title>
<item><title>Gone, with a summary</title><link>%[1]s/gone/1</link><description>The summary stands in for the page.</description></item>
<item><title>Gone, nothing else</title><link>%[1]s/gone/2</link></item>
<item><title>For members</title><link>%[1]s/members/3</link><description>Behind robots.txt.</description></item>
<item><title>Flaky</title><link>%[1]s/flaky/4</link></item>
<item><title>Huge</title><link>%[1]s/huge/5</link></item>
</channel></rss>`, s.srv.URL)
	})
	var mu sync.Mutex
	flaky := 0
	s.handle("/flaky/4", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		flaky++
		n := flaky
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Flaky</title></head><body><p>It works the second time.</p></body></html>")
	})
	s.handle("/huge/5", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := []byte(strings.Repeat("<p>more</p>", 1000))
		for n := 0; n < 100<<20; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	var p published
	var failedIDs []string
	cfg := feedConfig(s.url("/feeds/pages.xml"))
	cfg.OnPublished = p.add
	cfg.OnFailed = func(id string) { mu.Lock(); failedIDs = append(failedIDs, id); mu.Unlock() }
	cfg.Watch = true
	cfg.MinInterval, cfg.MaxInterval = 200*time.Millisecond, 200*time.Millisecond
	f, err := fetcher.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, _ := p.count()
		mu.Lock()
		nf := len(failedIDs)
		mu.Unlock()
		if n == 3 && nf == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a few more polls change nothing
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	docs := rawDocs(t, js)
	if d := docs[s.url("/gone/1")]; d == nil || !strings.Contains(string(d.Body), "The summary stands in for the page.") {
		t.Errorf("the gone page with a summary was not published from the feed: %v", keys(docs))
	}
	if d := docs[s.url("/members/3")]; d == nil || !strings.Contains(string(d.Body), "Behind robots.txt.") {
		t.Errorf("the page behind robots.txt was not published from the feed")
	}
	if hits, _ := s.count("/members/3"); hits != 0 {
		t.Errorf("a page robots.txt disallows was fetched %d times", hits)
	}
	if d := docs[s.url("/flaky/4")]; d == nil || !strings.Contains(string(d.Body), "second time") {
		t.Errorf("the flaky page was not retried on the next poll")
	}
	if n, dups := p.count(); n != 3 || dups != 0 {
		t.Errorf("%d published (%d duplicates), want 3 and 0", n, dups)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		events.DocumentID(events.Source{Kind: events.SourceFeed, URL: s.url("/gone/2")}),
		events.DocumentID(events.Source{Kind: events.SourceFeed, URL: s.url("/huge/5")}),
	}
	sort.Strings(want)
	sort.Strings(failedIDs)
	if fmt.Sprint(failedIDs) != fmt.Sprint(want) {
		t.Errorf("dead-lettered %v, want the gone page without text and the huge page %v", failedIDs, want)
	}
	if hits, _ := s.count("/gone/2"); hits != 1 {
		t.Errorf("a dead-lettered page was fetched %d times", hits)
	}
}

func TestTwoReplicasShareFeedsWithoutOverlap(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	feeds := s.generate(12, 3)
	var mu sync.Mutex
	total := 0
	newReplica := func(name string) *fetcher.Service {
		cfg := feedConfig(feeds...)
		cfg.Watch = true
		cfg.Replica = name
		cfg.UserAgent = "wirewatch/" + name
		cfg.MinInterval, cfg.MaxInterval = 300*time.Millisecond, 300*time.Millisecond
		cfg.FeedConcurrency = 4
		cfg.OnPublished = func(_ string, dup bool) {
			if !dup {
				mu.Lock()
				total++
				mu.Unlock()
			}
		}
		f, err := fetcher.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a, b := newReplica("replica-a"), newReplica("replica-b")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, f := range []*fetcher.Service{a, b} {
		wg.Go(func() {
			if err := f.Run(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(3 * time.Second)
	cancel()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if total != 36 {
		t.Errorf("%d documents published, want 36 (12 feeds × 3 items, once each)", total)
	}
	if n := len(rawDocs(t, js)); n != 36 {
		t.Errorf("NEWS_RAW holds %d documents, want 36", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.overlaps != 0 {
		t.Errorf("%d requests found the same path already in flight", s.overlaps)
	}
	if s.agents["wirewatch/replica-a"] == 0 || s.agents["wirewatch/replica-b"] == 0 {
		t.Errorf("requests per replica %v: both should have polled", s.agents)
	}
	for _, u := range feeds {
		path := strings.TrimPrefix(u, s.srv.URL)
		times := s.times[path]
		if len(times) < 2 {
			t.Errorf("%s polled %d times in 3s, want at least twice", path, len(times))
		}
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap < 200*time.Millisecond {
				t.Errorf("%s polled twice %s apart; its interval is 300ms", path, gap)
			}
		}
	}
	for path, n := range s.hits {
		if strings.Count(path, "/") == 3 && n != 1 { // /gen/<i>/<j>: an article page
			t.Errorf("article %s fetched %d times", path, n)
		}
	}
}

func TestRestartResumesTheSchedule(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	// run runs a fetcher until done holds, lets it settle, and stops it.
	// Waiting on what happened, not on a fixed time, keeps the test right
	// on a loaded machine where starting up alone can take seconds.
	run := func(cfg fetcher.Config, what string, done func() bool) {
		t.Helper()
		f, err := fetcher.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan error, 1)
		go func() { stopped <- f.Run(ctx) }()
		deadline := time.Now().Add(20 * time.Second)
		for !done() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // a poll that should not happen has time to
		cancel()
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if !done() {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
	stored := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		kv, err := js.KeyValue(ctx, fetcher.StateBucket)
		if err != nil {
			return false
		}
		keys, err := kv.Keys(ctx)
		return err == nil && len(keys) >= 2
	}
	polled := func(path string) bool { hits, _ := s.count(path); return hits > 0 }
	cfg := feedConfig(s.url("/feeds/rss.xml"), s.url("/feeds/atom.xml"))
	cfg.Watch = true
	run(cfg, "both feeds polled and their state stored", func() bool {
		return polled("/feeds/rss.xml") && polled("/feeds/atom.xml") && stored()
	})
	if hits, _ := s.count("/feeds/rss.xml"); hits != 1 {
		t.Fatalf("first run polled rss %d times, want once", hits)
	}
	// Due in an hour: a restart does not poll it now. A feed new to the
	// second run shows when the restarted fetcher is polling.
	cfg.Feeds = append(cfg.Feeds, s.url("/feeds/feed.json"))
	run(cfg, "the new feed polled", func() bool { return polled("/feeds/feed.json") })
	if hits, _ := s.count("/feeds/rss.xml"); hits != 1 {
		t.Errorf("after a restart rss was polled %d times in all, want once", hits)
	}
}

func TestFeedListChangesAtRunTime(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	cfg := feedConfig()
	cfg.Watch = true
	cfg.MinInterval, cfg.MaxInterval = 200*time.Millisecond, 200*time.Millisecond
	var p published
	cfg.OnPublished = p.add
	runWatching(t, js, cfg)
	wait := func(what string, cond func() bool) { t.Helper(); waitUntil(t, 10*time.Second, what, cond) }
	feedURL := s.url("/feeds/atom.xml")
	if err := fetcher.AddFeed(context.Background(), js, feedURL); err != nil {
		t.Fatal(err)
	}
	wait("the added feed's items", func() bool { n, _ := p.count(); return n == 2 })
	wait("a second poll", func() bool { hits, _ := s.count("/feeds/atom.xml"); return hits >= 2 })
	if err := fetcher.RemoveFeed(context.Background(), js, feedURL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // a poll under way may finish
	before, _ := s.count("/feeds/atom.xml")
	time.Sleep(800 * time.Millisecond)
	if after, _ := s.count("/feeds/atom.xml"); after != before {
		t.Errorf("a removed feed was polled %d more times", after-before)
	}
	if err := fetcher.AddFeed(context.Background(), js, "ftp://nope.example/feed"); err == nil {
		t.Error("AddFeed accepted an ftp URL")
	}
}

func TestFeedFilesInInputDirectories(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	in := t.TempDir()
	write(t, filepath.Join(in, "desk.xml"), fmt.Sprintf(`<?xml version="1.0"?>
<rss version="2.0"><channel><title>Desk file</title><link>https://desk.example/</link>
<item><title>Linked</title><link>%s/articles/10</link><guid>d-10</guid></item>
<item><title>Inline only</title><guid>d-11</guid><description>The harbour master reported calm seas and no delays at the outer berths this morning.</description></item>
</channel></rss>`, s.srv.URL))
	write(t, filepath.Join(in, "broken.json"), `{"version": "https://jsonfeed.org/version/1.1", "items": [`)
	write(t, filepath.Join(in, "a.txt"), "Title A\nAn article file beside the feed.\n")
	var p published
	var failed int
	cfg := feedConfig()
	cfg.Inputs = []string{in}
	cfg.OnPublished = p.add
	cfg.OnFailed = func(string) { failed++ }
	runOnce(t, js, cfg)
	if n, _ := p.count(); n != 3 || failed != 1 {
		t.Errorf("%d published and %d failed, want 3 (two items and the text file) and 1 (the broken feed)", n, failed)
	}
	docs := rawDocs(t, js)
	if d := docs[s.url("/articles/10")]; d == nil || d.Source.Kind != events.SourceFeed ||
		!strings.HasPrefix(d.Source.FeedURL, "file:///") || d.Item == nil || d.Item.FeedTitle != "Desk file" {
		t.Errorf("the linked item of the feed file: %+v", d)
	}
	runOnce(t, js, cfg)
	if n, dups := p.count(); n != 3 || dups != 1 {
		t.Errorf("second run: %d published, %d duplicates; want 3 and 1 (the text file)", n, dups)
	}
	if hits, _ := s.count("/articles/10"); hits != 1 {
		t.Errorf("the feed file's article fetched %d times", hits)
	}
}

func TestFeedConfigValidation(t *testing.T) {
	err := fetcher.Config{Feeds: []string{"ftp://x.example/feed", "not a url"}, MinInterval: time.Hour, MaxInterval: time.Minute,
		LeaseTTL: time.Millisecond, Jitter: 2, UserAgent: "a\nb"}.Validate()
	for _, want := range []string{`"ftp://x.example/feed"`, `"not a url"`, "min interval", "lease TTL", "jitter", "line break"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
	if err := (fetcher.Config{Watch: true}).Validate(); err != nil {
		t.Errorf("a watching fetcher with no feeds follows the feed list: %v", err)
	}
	list := filepath.Join(t.TempDir(), "feeds.txt")
	write(t, list, "https://a.example/feed\nnot a url\n")
	if _, err := fetcher.New(nil, fetcher.Config{FeedsFile: list}, zap.NewNop()); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a bad feeds file: %v", err)
	}
	if _, err := fetcher.New(nil, fetcher.Config{FeedsFile: "/does/not/exist"}, zap.NewNop()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing feeds file: %v", err)
	}
	if ua := fetcher.UserAgent("1.2.3", "https://example.org/bot"); ua != "wirewatch/1.2.3 (+https://example.org/bot)" {
		t.Errorf("UserAgent = %q", ua)
	}
}

func TestUpdatedItemIsFetchedAgain(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	var mu sync.Mutex
	updated, text := "2025-08-05T06:00:00Z", "First version of the report."
	s.handle("/feeds/updates.xml", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Updates</title>
<entry><title>Report</title><id>tag:u,1</id><link href="%s/story"/><updated>%s</updated></entry></feed>`, s.srv.URL, updated)
	})
	s.handle("/story", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html><head><title>Report</title></head><body><p>%s</p></body></html>", text)
	})
	var p published
	cfg := feedConfig(s.url("/feeds/updates.xml"))
	cfg.OnPublished = p.add
	runOnce(t, js, cfg)
	runOnce(t, js, cfg) // nothing new
	mu.Lock()
	updated, text = "2025-08-05T09:00:00Z", "Second version of the report, corrected."
	mu.Unlock()
	runOnce(t, js, cfg)
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ids) != 2 || p.ids[0] != p.ids[1] || p.dups != 0 {
		t.Errorf("published %v (%d duplicates), want two revisions of one document", p.ids, p.dups)
	}
	if hits, _ := s.count("/story"); hits != 2 {
		t.Errorf("story fetched %d times, want 2", hits)
	}
}

func TestFeedsFileListsTheFeeds(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	opml := filepath.Join(t.TempDir(), "feeds.opml")
	write(t, opml, fmt.Sprintf(`<?xml version="1.0"?><opml version="2.0"><head><title>desk</title></head><body>
<outline text="News"><outline type="rss" text="Herald" xmlUrl="%s/feeds/rss.xml"/><outline type="rss" text="Brief" xmlUrl="%s/feeds/atom.xml"/></outline>
</body></opml>`, s.srv.URL, s.srv.URL))
	cfg := feedConfig()
	cfg.FeedsFile = opml
	cfg.FeedConcurrency = 1
	var p published
	cfg.OnPublished = p.add
	runOnce(t, js, cfg)
	if n, _ := p.count(); n != 4 {
		t.Errorf("%d published from the two feeds of the OPML file, want 4", n)
	}
}

func TestPermanentRedirectMovesTheFeedAfterSeveralPolls(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	s.handle("/old/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/feeds/rss.xml", http.StatusMovedPermanently)
	})
	s.handle("/for-now/atom.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/feeds/atom.xml", http.StatusFound)
	})
	moved, temporary := s.url("/old/rss.xml"), s.url("/for-now/atom.xml")
	cfg := feedConfig(moved, temporary)
	cfg.FeedMoveAfter = 3
	type want struct {
		location, movedTo string
		seen              int
	}
	for poll, w := range []want{
		{"", s.url("/feeds/rss.xml"), 1},
		{"", s.url("/feeds/rss.xml"), 2},
		{s.url("/feeds/rss.xml"), "", 0},
		{s.url("/feeds/rss.xml"), "", 0},
	} {
		runOnce(t, js, cfg)
		h := healths(t, js)
		got := want{h[moved].Location, h[moved].MovedTo, h[moved].MovedSeen}
		if got != w {
			t.Errorf("after poll %d the moved feed's health says %+v, want %+v", poll+1, got, w)
		}
		if h[moved].ErrorStreak != 0 || h[moved].Polls != uint64(poll+1) {
			t.Errorf("after poll %d: %d polls, error streak %d", poll+1, h[moved].Polls, h[moved].ErrorStreak)
		}
		if tmp := h[temporary]; tmp.Location != "" || tmp.MovedTo != "" {
			t.Errorf("after poll %d a temporary redirect moved the feed: %+v", poll+1, tmp)
		}
	}
	if hits, _ := s.count("/old/rss.xml"); hits != 3 {
		t.Errorf("the old location was asked %d times, want 3 (not after the move)", hits)
	}
	if hits, cond := s.count("/feeds/rss.xml"); hits != 4 || cond != 3 {
		t.Errorf("the new location was asked %d times (%d conditionally), want 4 (3)", hits, cond)
	}
	if hits, _ := s.count("/for-now/atom.xml"); hits != 4 {
		t.Errorf("the temporarily redirected feed's URL was asked %d times, want 4", hits)
	}
	// The feed kept its name: its items were published once, under it.
	docs := rawDocs(t, js)
	n := 0
	for _, d := range docs {
		if d.Source.FeedURL == moved {
			n++
		} else if d.Source.FeedURL != temporary {
			t.Errorf("%s published under feed %q", d.Source.URL, d.Source.FeedURL)
		}
	}
	if n == 0 {
		t.Error("no item of the moved feed was published")
	}
}

func TestMovedFeedGoesBackWhenItsLocationIsGone(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	var gone atomic.Bool
	s.handle("/old/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new/rss.xml", http.StatusPermanentRedirect)
	})
	s.handle("/new/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		if gone.Load() {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, s.fixture("rss.xml"))
	})
	moved := s.url("/old/rss.xml")
	cfg := feedConfig(moved)
	cfg.FeedMoveAfter = 1
	runOnce(t, js, cfg)
	if h := healths(t, js)[moved]; h.Location != s.url("/new/rss.xml") {
		t.Fatalf("after one poll with FeedMoveAfter 1 the location is %q", h.Location)
	}
	gone.Store(true)
	runOnce(t, js, cfg)
	if h := healths(t, js)[moved]; h.Location != "" || h.ErrorStreak != 1 || h.LastStatus != http.StatusGone {
		t.Errorf("after the new location answered 410: %+v, want back at the feed URL", h)
	}
	before, _ := s.count("/old/rss.xml")
	runOnce(t, js, cfg)
	if after, _ := s.count("/old/rss.xml"); after != before+1 {
		t.Errorf("the feed's own URL was asked %d times after going back, want once", after-before)
	}
}
