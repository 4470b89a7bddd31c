package fetcher_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// A page's document is stamped with when the page was fetched, not when its
// item was first looked at: the fetch may have waited for its host.
func TestPageFetchedAtIsWhenThePageWasFetched(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	var (
		mu     sync.Mutex
		served time.Time
	)
	s.handle("/feeds/one.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>One</title><item><title>Story</title><link>%s/story</link>`+
			`<pubDate>Wed, 06 Aug 2025 09:00:00 +0000</pubDate></item></channel></rss>`, s.srv.URL)
	})
	s.handle("/story", func(w http.ResponseWriter, r *http.Request) {
		// The page keeps the fetcher waiting, as a busy host would.
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		served = time.Now()
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Story</title></head><body><p>The story.</p></body></html>")
	})
	runOnce(t, js, feedConfig(s.url("/feeds/one.xml")))
	d := rawDocs(t, js)[s.url("/story")]
	if d == nil {
		t.Fatal("no document for the story")
	}
	mu.Lock()
	defer mu.Unlock()
	if d.FetchedAt.Before(served) {
		t.Errorf("fetched_at %s is before the page was served (%s)", d.FetchedAt.Format(time.RFC3339Nano), served.UTC().Format(time.RFC3339Nano))
	}
}

// A feed that stamps its entries with a new <updated> on every build makes
// the fetcher look at their pages again; it asks conditionally, with the
// page's own validators, and an unchanged page publishes nothing.
func TestRevisitedPageIsAskedForConditionally(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	var (
		mu          sync.Mutex
		build       int
		conditional int
	)
	s.handle("/feeds/rebuilt.xml", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		build++
		updated := time.Date(2025, 8, 5, 6, build, 0, 0, time.UTC).Format(time.RFC3339)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Rebuilt</title>
<entry><title>Report</title><id>tag:r,1</id><link href="%s/report"/><updated>%s</updated></entry></feed>`, s.srv.URL, updated)
	})
	const etag = `"report-v1"`
	s.handle("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Tue, 05 Aug 2025 06:00:00 GMT")
		if r.Header.Get("If-None-Match") == etag {
			mu.Lock()
			conditional++
			mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Report</title></head><body><p>The report, unchanged.</p></body></html>")
	})
	var p published
	cfg := feedConfig(s.url("/feeds/rebuilt.xml"))
	cfg.OnPublished = p.add
	for range 3 {
		runOnce(t, js, cfg)
	}
	if hits, _ := s.count("/report"); hits != 3 {
		t.Errorf("the page was fetched %d times, want 3 (once per new <updated>)", hits)
	}
	mu.Lock()
	defer mu.Unlock()
	if conditional != 2 {
		t.Errorf("%d of the later page requests were conditional, want 2", conditional)
	}
	if n, dups := p.count(); n != 1 || dups != 0 {
		t.Errorf("%d documents published (%d duplicates), want 1: the page never changed", n, dups)
	}
}

// Items are identified stably: an entry listed twice is published once, an
// entry with neither link nor guid keeps its identity from poll to poll, and
// an entry whose guid changes while its link stays is the same article.
func TestItemIdentityAcrossPolls(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	var (
		mu    sync.Mutex
		build int
	)
	s.handle("/feeds/odd.xml", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		build++
		b := build
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Odd</title>
<item><title>Twice</title><link>%[1]s/articles/1</link><guid isPermaLink="false">a</guid></item>
<item><title>Twice</title><link>%[1]s/articles/1</link><guid isPermaLink="false">a</guid></item>
<item><title>Moving guid</title><link>%[1]s/articles/2</link><guid isPermaLink="false">build-%[2]d</guid></item>
<item><title>Bare note</title><description>A note with no link and no guid.</description></item>
<item><description>An untitled note, also bare.</description></item>
</channel></rss>`, s.srv.URL, b)
	})
	var p published
	cfg := feedConfig(s.url("/feeds/odd.xml"))
	cfg.OnPublished = p.add
	runOnce(t, js, cfg)
	runOnce(t, js, cfg)
	if n, dups := p.count(); n != 4 || dups != 0 {
		t.Errorf("%d published (%d duplicates), want 4 and 0", n, dups)
	}
	for _, path := range []string{"/articles/1", "/articles/2"} {
		if hits, _ := s.count(path); hits != 1 {
			t.Errorf("%s fetched %d times, want once", path, hits)
		}
	}
}
