package fetcher_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// site is a news site for tests: the feeds and pages under testdata/site,
// with {{BASE}} replaced by the server's URL, plus generated feeds. It
// answers conditional requests, and records what it was asked.
type site struct {
	t   *testing.T
	srv *httptest.Server

	mu          sync.Mutex
	hits        map[string]int // requests per path
	conditional map[string]int // requests per path carrying validators
	agents      map[string]int // requests per User-Agent
	times       map[string][]time.Time
	inFlight    map[string]int
	overlaps    int    // requests that found another in flight on the same path
	extra       string // items appended to rss.xml
	handlers    map[string]http.HandlerFunc
	genFeeds    map[string]genFeed // generated feeds by path
}

type genFeed struct{ items int }

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{t: t, hits: map[string]int{}, conditional: map[string]int{}, agents: map[string]int{},
		times: map[string][]time.Time{}, inFlight: map[string]int{}, handlers: map[string]http.HandlerFunc{},
		genFeeds: map[string]genFeed{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) url(path string) string { return s.srv.URL + path }

func (s *site) fixture(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", "site", name))
	if err != nil {
		s.t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "{{BASE}}", s.srv.URL)
}

// handle overrides what path serves.
func (s *site) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = h
}

// addItem appends an item to rss.xml, which changes its validators.
func (s *site) addItem(n int, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extra += fmt.Sprintf("  <item><title>%s</title><link>%s/articles/%d</link><guid>hh-%d</guid>"+
		"<pubDate>Wed, 06 Aug 2025 09:00:00 +0000</pubDate><description>%s.</description></item>\n", title, s.srv.URL, n, n, title)
}

// generate adds feeds /gen/<i>.xml for i < feeds, each with items items
// linking pages /gen/<i>/<j>, and returns their URLs.
func (s *site) generate(feeds, items int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var urls []string
	for i := range feeds {
		p := fmt.Sprintf("/gen/%d.xml", i)
		s.genFeeds[p] = genFeed{items: items}
		urls = append(urls, s.srv.URL+p)
	}
	return urls
}

func (s *site) count(path string) (hits, conditional int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path], s.conditional[path]
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.hits[path]++
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		s.conditional[path]++
	}
	s.agents[r.Header.Get("User-Agent")]++
	s.times[path] = append(s.times[path], time.Now())
	s.inFlight[path]++
	if s.inFlight[path] > 1 {
		s.overlaps++
	}
	h := s.handlers[path]
	extra := s.extra
	gen, isGen := s.genFeeds[path]
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight[path]--
		s.mu.Unlock()
	}()
	if h != nil {
		h(w, r)
		return
	}
	switch {
	case path == "/robots.txt":
		fmt.Fprint(w, s.fixture("robots.txt"))
	case path == "/feeds/rss.xml":
		s.feed(w, r, "application/rss+xml; charset=utf-8", strings.Replace(s.fixture("rss.xml"), "{{EXTRA}}", extra, 1))
	case path == "/feeds/atom.xml":
		s.feed(w, r, "application/atom+xml", s.fixture("atom.xml"))
	case path == "/feeds/feed.json":
		s.feed(w, r, "application/feed+json", s.fixture("feed.json"))
	case isGen:
		var b strings.Builder
		base := strings.TrimSuffix(path, ".xml")
		fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>Generated %s</title><link>%s/</link>`, base, s.srv.URL)
		for j := range gen.items {
			fmt.Fprintf(&b, `<item><title>Story %d of %s</title><link>%s%s/%d</link><guid>%s/%d</guid>`+
				`<pubDate>Wed, 06 Aug 2025 09:%02d:00 +0000</pubDate><description>Summary %d.</description></item>`,
				j, base, s.srv.URL, base, j, base, j, j%60, j)
		}
		b.WriteString(`</channel></rss>`)
		s.feed(w, r, "application/rss+xml", b.String())
	case strings.HasPrefix(path, "/wrap/"):
		n := strings.TrimPrefix(path, "/wrap/")
		http.Redirect(w, r, "/articles/"+n+"?utm_source=wrapper&utm_medium=rss", http.StatusFound)
	case strings.HasPrefix(path, "/articles/"), strings.HasPrefix(path, "/gen/"), strings.HasPrefix(path, "/members/"):
		n := path[strings.LastIndexByte(path, '/')+1:]
		page := s.fixture("article.html")
		page = strings.ReplaceAll(page, "{{TITLE}}", "Harbour report "+n)
		page = strings.ReplaceAll(page, "{{BODY}}", "This is report number "+n+" from the harbour office, filed for wirewatch's tests.")
		canonical := s.srv.URL + path
		page = strings.ReplaceAll(page, s.srv.URL+"/articles/{{N}}", canonical)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	default:
		http.NotFound(w, r)
	}
}

// feed serves a feed document with validators, answering 304 when the
// request carries them.
func (s *site) feed(w http.ResponseWriter, r *http.Request, ctype, body string) {
	sum := sha256.Sum256([]byte(body))
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Wed, 06 Aug 2025 09:00:00 GMT")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	fmt.Fprint(w, body)
}
