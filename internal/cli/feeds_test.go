package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/services/fetcher"
)

// feedServer serves /news.xml, a feed of one item with its page, and
// /moved.xml, permanently redirected to it; it counts requests per path.
type feedServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newFeedServer(t *testing.T) *feedServer {
	s := &feedServer{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		switch r.URL.Path {
		case "/news.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour news</title><link>%[1]s/</link>`+
				`<item><title>Ferry timetable changes</title><link>%[1]s/ferry</link><guid>ferry-1</guid>`+
				`<pubDate>Wed, 06 Aug 2025 09:00:00 +0000</pubDate><description>The ferry runs later.</description></item>`+
				`</channel></rss>`, s.URL)
		case "/moved.xml":
			http.Redirect(w, r, "/news.xml", http.StatusMovedPermanently)
		case "/ferry":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><title>Ferry timetable changes</title></head><body><article><h1>Ferry timetable changes</h1>`+
				`<p>The harbour ferry will run an hour later from Monday, the operator said on Wednesday.</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *feedServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func TestFeedsVerbManagesTheFeedsOfARunningFetcher(t *testing.T) {
	srv, js := startServer(t)
	nats := srv.ClientURL()
	site := newFeedServer(t)
	news, moved, static := site.URL+"/news.xml", site.URL+"/moved.xml", site.URL+"/static.xml"

	code, out, errs := run(t, nil, "feeds", "list", "--nats", nats)
	if code != 0 || out != "" || !strings.Contains(errs, "no feeds") {
		t.Fatalf("list with no feeds: exit %d, %q, %q", code, out, errs)
	}

	// A watching fetcher with one feed of its own (which the site does not
	// have: it fails, and says so).
	f, err := fetcher.New(js, fetcher.Config{
		Feeds: []string{static}, Watch: true, AllowPrivate: true, HostRate: rate.Inf,
		MinInterval: time.Hour, MaxInterval: time.Hour, FeedMoveAfter: 1, RequestTimeout: 5 * time.Second,
	}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	// Flags may come before, between and after the URLs.
	if code, _, errs := run(t, nil, "feeds", "add", news, "--nats", nats, moved); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, out, _ := run(t, nil, "feeds", "list", "--nats", nats, "--json")
		polled := 0
		for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
			var fs fetcher.FeedStatus
			if json.Unmarshal([]byte(l), &fs) == nil && fs.Polls > 0 {
				polled++
			}
		}
		if code == 0 && polled == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the running fetcher did not poll the added feeds: %s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if site.count("/ferry") != 1 {
		t.Errorf("the item's page was fetched %d times, want once", site.count("/ferry"))
	}

	code, out, errs = run(t, nil, "feeds", "list", "--nats", nats, "--json")
	if code != 0 {
		t.Fatalf("list --json: exit %d: %s", code, errs)
	}
	got := map[string]fetcher.FeedStatus{}
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var fs fetcher.FeedStatus
		if err := json.Unmarshal([]byte(l), &fs); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got[fs.FeedURL] = fs
	}
	tests := []struct {
		url               string
		listed            bool
		streak            int
		location          string
		lastSuccessWanted bool
	}{
		{news, true, 0, "", true},
		{moved, true, 0, news, true},
		{static, false, 1, "", false},
	}
	for _, tt := range tests {
		g, ok := got[tt.url]
		if !ok {
			t.Errorf("%s not listed", tt.url)
			continue
		}
		if g.Listed != tt.listed || g.ErrorStreak != tt.streak || g.Location != tt.location || (g.LastSuccess != nil) != tt.lastSuccessWanted {
			t.Errorf("%s: listed %v, streak %d, location %q, last success %v; want %v, %d, %q, %v",
				tt.url, g.Listed, g.ErrorStreak, g.Location, g.LastSuccess, tt.listed, tt.streak, tt.location, tt.lastSuccessWanted)
		}
	}

	code, out, _ = run(t, nil, "feeds", "list", "--nats", nats)
	for _, want := range []string{"FEED", news + "  ", moved + ": moved permanently, now fetched from " + news, static + ": failing:"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("list: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}

	if code, _, errs := run(t, nil, "feeds", "remove", "--nats", nats, news, static); code != 1 || !strings.Contains(errs, "not in the run-time feed list") {
		t.Errorf("remove of a listed and a flag-given feed: exit %d, %q; want 1 and a word on the flag-given one", code, errs)
	}
	code, out, _ = run(t, nil, "feeds", "list", "--nats", nats, "--json")
	if code != 0 || strings.Contains(out, `"feed_url":"`+news+`","polls":0`) {
		t.Errorf("list after remove: exit %d\n%s", code, out)
	}
	for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var fs fetcher.FeedStatus
		if json.Unmarshal([]byte(l), &fs) == nil && fs.FeedURL == news && fs.Listed {
			t.Errorf("%s still listed after remove", news)
		}
	}
}

func TestFeedsVerbUsage(t *testing.T) {
	srv, _ := startServer(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subverb", []string{"feeds"}, "want 'add', 'remove' or 'list'"},
		{"unknown subverb", []string{"feeds", "show"}, "want 'add', 'remove' or 'list'"},
		{"add without URL", []string{"feeds", "add"}, "no URL given"},
		{"list with arguments", []string{"feeds", "list", "x"}, "unexpected arguments"},
		{"json on add", []string{"feeds", "add", "--json", "https://news.example/feed"}, "--json applies to list only"},
		{"bad URL", []string{"feeds", "add", "--nats", srv.ClientURL(), "ftp://news.example/feed"}, "ftp"},
		{"no server", []string{"feeds", "list", "--nats", "nats://127.0.0.1:1"}, "connecting to nats"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, nil, tt.args...)
			if code == 0 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want failure saying %q", code, errs, tt.want)
			}
		})
	}
}
