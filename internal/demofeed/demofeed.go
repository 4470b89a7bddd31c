// Package demofeed serves a directory of article files as a small news site:
// an RSS 2.0 feed listing every article, the article pages themselves, and a
// robots.txt that lets any crawler in. The docker compose stack points the
// fetcher at it so the example articles travel the real HTTP path.
//
// The site publishes in editions. Edition 1 lists every article under
// /1/<name>; each POST to /editions adds an edition that lists the same
// articles again under new URLs, as if another outlet had syndicated them.
// That gives a running stack fresh documents on demand.
package demofeed

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// MaxArticleBytes bounds one article file, after decompression.
const MaxArticleBytes = 4 << 20

// MaxEditions bounds how many editions the site can publish.
const MaxEditions = 1000

// ErrNoArticles is returned when a directory holds no article file.
var ErrNoArticles = errors.New("demofeed: no article files")

// Article is one page of the site.
type Article struct {
	// Name is the page's path segment: the file name without .gz.
	Name string
	// Title is the article's headline: the HTML <title> or the first line
	// of a text file.
	Title string
	// ContentType is text/html or text/plain.
	ContentType string
	// Body is the page, decompressed.
	Body []byte
	// Published is the file's modification time.
	Published time.Time
}

// Load reads every .html, .htm and .txt file in dir (optionally gzipped) as an
// article, in name order.
func Load(dir string) ([]Article, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("demofeed: reading %s: %w", dir, err)
	}
	var out []Article
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ".gz")
		ct := contentType(name)
		if ct == "" {
			continue
		}
		a, err := loadFile(filepath.Join(dir, e.Name()), name, ct)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoArticles, dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func contentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return ""
}

func loadFile(path, name, ct string) (Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return Article{}, fmt.Errorf("demofeed: opening %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Article{}, fmt.Errorf("demofeed: inspecting %s: %w", path, err)
	}
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return Article{}, fmt.Errorf("demofeed: decompressing %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	body, err := io.ReadAll(io.LimitReader(r, MaxArticleBytes+1))
	if err != nil {
		return Article{}, fmt.Errorf("demofeed: reading %s: %w", path, err)
	}
	if len(body) > MaxArticleBytes {
		return Article{}, fmt.Errorf("demofeed: %s is over %d bytes", path, MaxArticleBytes)
	}
	return Article{
		Name:        name,
		Title:       Title(body, strings.HasPrefix(ct, "text/html")),
		ContentType: ct,
		Body:        body,
		Published:   info.ModTime().UTC(),
	}, nil
}

// Title returns a page's headline: the text of its first <title> element
// when isHTML, else its first non-blank line. It returns "" when there is
// none.
func Title(body []byte, isHTML bool) string {
	if isHTML {
		lower := asciiLower(body)
		start := bytes.Index(lower, []byte("<title"))
		if start < 0 {
			return ""
		}
		gt := bytes.IndexByte(lower[start:], '>')
		if gt < 0 {
			return ""
		}
		start += gt + 1
		end := bytes.Index(lower[start:], []byte("</title"))
		if end < 0 {
			return ""
		}
		t := html.UnescapeString(string(body[start : start+end]))
		// Site names after a separator are furniture, not the headline.
		if i := strings.LastIndex(t, " | "); i > 0 {
			t = t[:i]
		}
		return strings.Join(strings.Fields(t), " ")
	}
	for _, line := range strings.Split(string(body), "\n") {
		if t := strings.Join(strings.Fields(line), " "); t != "" {
			return t
		}
	}
	return ""
}

// asciiLower returns b with ASCII letters lowered and every other byte as
// it was: offsets in it are offsets in b, which bytes.ToLower does not
// keep for invalid UTF-8 or letters whose lower case is of another length.
// Tag names are matched in ASCII only anyway.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// Site is the HTTP handler of the demo site.
type Site struct {
	title    string
	articles map[string]Article
	order    []string
	log      *zap.Logger

	mu       sync.Mutex
	editions int
}

// NewSite returns a site named title serving articles, with one edition
// published.
func NewSite(title string, articles []Article, log *zap.Logger) *Site {
	s := &Site{title: title, articles: make(map[string]Article, len(articles)), log: log, editions: 1}
	for _, a := range articles {
		s.articles[a.Name] = a
		s.order = append(s.order, a.Name)
	}
	return s
}

// Editions returns how many editions are published.
func (s *Site) Editions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.editions
}

// ServeHTTP serves /feed.xml, /robots.txt, /healthz, /<edition>/<name>, GET /editions
// (the count) and POST /editions (publish one more).
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/feed.xml" || r.URL.Path == "/":
		s.serveFeed(w, r)
	case r.URL.Path == "/healthz":
		_, _ = io.WriteString(w, "ok\n")
	case r.URL.Path == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "User-agent: *\nAllow: /\n")
	case r.URL.Path == "/editions":
		s.serveEditions(w, r)
	default:
		s.serveArticle(w, r)
	}
}

func (s *Site) serveEditions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		if s.editions >= MaxEditions {
			s.mu.Unlock()
			http.Error(w, "too many editions", http.StatusConflict)
			return
		}
		s.editions++
		s.log.Info("edition published", zap.Int("edition", s.editions))
	default:
		s.mu.Unlock()
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	n := s.editions
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintf(w, "%d\n", n)
}

func (s *Site) serveArticle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	edition, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	n, err := strconv.Atoi(edition)
	a, found := s.articles[name]
	if !ok || err != nil || !found || n < 1 || n > s.Editions() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Last-Modified", a.Published.Format(http.TimeFormat))
	http.ServeContent(w, r, a.Name, a.Published, bytes.NewReader(a.Body))
}

type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel channel  `xml:"channel"`
}

type channel struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	Description string `xml:"description"`
	Items       []item `xml:"item"`
}

type item struct {
	Title   string `xml:"title"`
	Link    string `xml:"link"`
	GUID    guid   `xml:"guid"`
	PubDate string `xml:"pubDate"`
}

type guid struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

func (s *Site) serveFeed(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	base := "http://" + r.Host
	feed := rss{Version: "2.0", Channel: channel{Title: s.title, Link: base + "/", Description: s.title + ": example articles, invented for wirewatch"}}
	editions := s.Editions()
	// Newest edition first, as feeds list their latest items first.
	for e := editions; e >= 1; e-- {
		for _, name := range s.order {
			a := s.articles[name]
			link := fmt.Sprintf("%s/%d/%s", base, e, name)
			feed.Channel.Items = append(feed.Channel.Items, item{
				Title:   a.Title,
				Link:    link,
				GUID:    guid{IsPermaLink: "true", Value: link},
				PubDate: a.Published.Add(time.Duration(e-1) * time.Minute).Format(time.RFC1123Z),
			})
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(feed); err != nil {
		http.Error(w, "encoding feed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	// No validators: every poll gets the current list.
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(buf.Bytes())
}
