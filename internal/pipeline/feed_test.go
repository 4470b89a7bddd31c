package pipeline_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/pipeline"
)

// feedSite serves testdata/feedsite: a feed of three items and their pages.
// It answers conditional requests for the feed and counts them.
type feedSite struct {
	srv         *httptest.Server
	mu          sync.Mutex
	feedHits    int
	conditional int
	pageHits    int
}

func newFeedSite(t *testing.T) *feedSite {
	t.Helper()
	s := &feedSite{}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "feedsite", name))
		if err != nil {
			t.Fatal(err)
		}
		return []byte(strings.ReplaceAll(string(b), "{{BASE}}", s.srv.URL))
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch {
		case r.URL.Path == "/feed.xml":
			s.feedHits++
			body := read("feed.xml")
			sum := sha256.Sum256(body)
			etag := `"` + hex.EncodeToString(sum[:8]) + `"`
			w.Header().Set("ETag", etag)
			w.Header().Set("Last-Modified", "Wed, 01 Oct 2025 08:00:00 GMT")
			if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
				s.conditional++
			}
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(body)
		case strings.HasPrefix(r.URL.Path, "/a/"):
			s.pageHits++
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(read("a" + strings.TrimPrefix(r.URL.Path, "/a/") + ".html"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

type feedRecord struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Source struct {
		Kind    string `json:"kind"`
		URL     string `json:"url"`
		FeedURL string `json:"feed_url"`
	} `json:"source"`
}

func feedRecords(t *testing.T, dir string) []feedRecord {
	t.Helper()
	return readJSONL[feedRecord](t, dir)
}

func TestRunOnceOverAFeedPublishesEachItemOnce(t *testing.T) {
	site := newFeedSite(t)
	out, data := t.TempDir(), t.TempDir()
	run := func() pipeline.Summary {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		sum, err := pipeline.Run(ctx, pipeline.Config{
			Feeds: []string{site.srv.URL + "/feed.xml"}, AllowPrivate: true, OutDir: out, DataDir: data,
			Once: true, Timeout: time.Minute,
		}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return sum
	}

	sum := run()
	if sum.Documents != 3 || sum.Articles != 3 || sum.DeadLetters != 0 {
		t.Errorf("summary %+v, want 3 documents and 3 articles", sum)
	}
	recs := feedRecords(t, out)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	wantText := map[string]string{
		"/a/1": "breakwater had held through the storm",
		"/a/2": "twelve classrooms, a sports hall and a library",
		"/a/3": "colder water had kept the shoals close",
	}
	for _, r := range recs {
		path := strings.TrimPrefix(r.Source.URL, site.srv.URL)
		want, ok := wantText[path]
		if !ok || r.Source.Kind != "feed" || r.Source.FeedURL != site.srv.URL+"/feed.xml" {
			t.Errorf("record source %+v: want a feed item at one of the pages, without tracking parameters", r.Source)
			continue
		}
		if !strings.Contains(r.Text, want) || r.Title == "" {
			t.Errorf("record %s: title %q, text %q; want the page's text", path, r.Title, r.Text)
		}
	}
	site.mu.Lock()
	pages := site.pageHits
	site.mu.Unlock()

	// Again over the same store: a conditional request, a 304, nothing new.
	again := run()
	if again.Documents != 0 || again.Articles != 0 {
		t.Errorf("second run summary %+v, want nothing published", again)
	}
	if n := len(feedRecords(t, out)); n != 3 {
		t.Errorf("%d records after the second run, want 3", n)
	}
	site.mu.Lock()
	defer site.mu.Unlock()
	if site.feedHits != 2 || site.conditional != 1 {
		t.Errorf("feed requested %d times, %d conditionally; want 2 and 1", site.feedHits, site.conditional)
	}
	if site.pageHits != pages {
		t.Errorf("pages fetched again on the second run: %d, then %d", pages, site.pageHits)
	}
}
