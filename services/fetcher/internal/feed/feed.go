// Package feed reads RSS (0.9x, 1.0, 2.0), Atom and JSON Feed documents into
// the items the fetcher works with. The fetcher owns the HTTP exchange; this
// package gets the body and what the transport said about its charset, fixes
// the encoding mistakes feeds commonly make, and hands the bytes to gofeed.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"
)

// Errors of Parse.
var (
	// ErrNotFeed means the document is not RSS, Atom or JSON Feed.
	ErrNotFeed = errors.New("feed: not an RSS, Atom or JSON feed")
	// ErrMalformed means the document is a feed that cannot be read.
	ErrMalformed = errors.New("feed: malformed feed")
)

// Feed is what the fetcher needs of a parsed feed.
type Feed struct {
	Title string
	// Link is the site the feed belongs to.
	Link string
	// TTL is how long the feed asks to be left alone: RSS <ttl>, or the
	// syndication module's updatePeriod / updateFrequency. Zero if unsaid.
	TTL   time.Duration
	Items []Item
}

// Item is one entry of a feed. Link is absolute (resolved against the feed's
// URL) or empty.
type Item struct {
	GUID       string
	Title      string
	Link       string
	Published  *time.Time
	Updated    *time.Time
	Authors    []string
	Categories []string
	// Summary is the item's description; Content its full content, when the
	// feed carries it (content:encoded, Atom content, JSON content_html).
	Summary string
	Content string
}

// Options bound what Parse keeps.
type Options struct {
	// MaxItems keeps the first MaxItems items (feeds list the newest
	// first). Zero: 500.
	MaxItems int
}

// Per-field caps, so that one hostile item cannot make an oversized event.
const (
	maxTitle      = 2 << 10
	maxSummary    = 64 << 10
	maxContent    = 1 << 20
	maxAuthors    = 16
	maxCategories = 32
	maxLink       = 4 << 10
)

// Parse reads a feed. charsetLabel is the charset the transport declared (may
// be empty); base is the feed's URL, against which relative links resolve.
// Errors wrap ErrNotFeed or ErrMalformed.
func Parse(body []byte, charsetLabel, base string, opts Options) (f *Feed, err error) {
	if opts.MaxItems <= 0 {
		opts.MaxItems = 500
	}
	body, err = toUTF8(body, charsetLabel)
	if err != nil {
		return nil, err
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '<' {
		if err := checkDepth(body, maxDepth); err != nil {
			return nil, err
		}
	}
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	p.KeepOriginalFeed = true
	defer func() {
		// gofeed is third-party code fed hostile input: a panic in it is a
		// malformed feed, not a crashed fetcher.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%w: parser panic: %v", ErrMalformed, r)
		}
	}()
	gf, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("parsing feed: %w", ErrNotFeed)
		}
		return nil, fmt.Errorf("parsing feed: %w: %w", ErrMalformed, err)
	}
	var baseURL *url.URL
	if u, err := url.Parse(base); err == nil && u.IsAbs() {
		baseURL = u
	} else if u, err := url.Parse(strings.TrimSpace(gf.Link)); err == nil && u.IsAbs() {
		// A feed read from a file resolves against its site.
		baseURL = u
	}
	f = &Feed{Title: clip(strings.TrimSpace(gf.Title), maxTitle), Link: resolve(baseURL, gf.Link), TTL: ttl(gf)}
	for _, it := range gf.Items {
		if it == nil {
			continue
		}
		if len(f.Items) == opts.MaxItems {
			break
		}
		f.Items = append(f.Items, item(it, baseURL))
	}
	return f, nil
}

func item(it *gofeed.Item, base *url.URL) Item {
	out := Item{
		GUID:      clip(strings.TrimSpace(it.GUID), maxLink),
		Title:     clip(strings.TrimSpace(it.Title), maxTitle),
		Link:      resolve(base, it.Link),
		Published: it.PublishedParsed,
		Updated:   it.UpdatedParsed,
		Summary:   clip(strings.TrimSpace(it.Description), maxSummary),
		Content:   clip(strings.TrimSpace(it.Content), maxContent),
	}
	if out.Link == "" {
		for _, l := range it.Links {
			if out.Link = resolve(base, l); out.Link != "" {
				break
			}
		}
	}
	if out.Link == "" && isHTTP(out.GUID) {
		// An RSS guid is a permalink unless it says otherwise; an Atom id
		// that is an http URL is usually the article too, when it is one
		// ("http://" alone is not).
		out.Link = resolve(nil, out.GUID)
	}
	seen := map[string]bool{}
	for _, a := range it.Authors {
		if a == nil || len(out.Authors) == maxAuthors {
			continue
		}
		name := strings.TrimSpace(a.Name)
		if name == "" {
			name = strings.TrimSpace(a.Email)
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out.Authors = append(out.Authors, clip(name, maxTitle))
		}
	}
	seen = map[string]bool{}
	for _, c := range it.Categories {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] && len(out.Categories) < maxCategories {
			seen[c] = true
			out.Categories = append(out.Categories, clip(c, maxTitle))
		}
	}
	return out
}

// resolve makes ref absolute against base, and returns it only when it is an
// http(s) URL.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxLink {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.String()
}

func isHTTP(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// ttl reads how long the feed asks to be left alone.
func ttl(gf *gofeed.Feed) time.Duration {
	if rf, ok := gf.OriginalFeed().(*rss.Feed); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(rf.TTL)); err == nil && n > 0 {
			return time.Duration(min(n, 7*24*60)) * time.Minute
		}
	}
	sy := gf.Extensions["sy"]
	if sy == nil {
		return 0
	}
	period := map[string]time.Duration{
		"hourly": time.Hour, "daily": 24 * time.Hour, "weekly": 7 * 24 * time.Hour,
		"monthly": 30 * 24 * time.Hour, "yearly": 365 * 24 * time.Hour,
	}[strings.ToLower(strings.TrimSpace(extValue(sy, "updatePeriod")))]
	if period == 0 {
		return 0
	}
	freq := 1
	if n, err := strconv.Atoi(strings.TrimSpace(extValue(sy, "updateFrequency"))); err == nil && n > 0 {
		freq = n
	}
	return period / time.Duration(freq)
}

func extValue(ns map[string][]ext.Extension, name string) string {
	if v := ns[name]; len(v) > 0 {
		return v[0].Value
	}
	return ""
}

// clip cuts s to at most n bytes, at a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
var declEncoding = regexp.MustCompile(`(?i)\sencoding\s*=\s*["']([^"']*)["']`)

// toUTF8 returns body as UTF-8 for the parsers, handling what feeds get
// wrong: byte-order marks, a charset only the transport declares, UTF-8 that
// claims a legacy charset, and bytes that are not in the encoding they claim
// (taken as Windows-1252, the usual culprit). An XML encoding the declaration names and Go knows is left to the
// XML decoder.
func toUTF8(body []byte, label string) ([]byte, error) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
		label = "utf-8"
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		enc := "utf-16be"
		if body[0] == 0xFF {
			enc = "utf-16le"
		}
		out, err := transcode(body[2:], enc)
		if err != nil {
			return nil, err
		}
		return dropDeclEncoding(out), nil
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("parsing feed: %w: empty document", ErrNotFeed)
	}
	if !isASCII(body) && utf8.Valid(body) && bytes.IndexByte(body, 0) < 0 {
		// Text in a legacy charset is almost never valid UTF-8 once it holds
		// a non-ASCII letter: such bytes are UTF-8 whatever the declaration
		// or the transport claim, and decoding them again would garble them.
		return dropDeclEncoding(body), nil
	}
	declared := ""
	if m := xmlDecl.Find(body); m != nil {
		if e := declEncoding.FindSubmatch(m); e != nil {
			declared = strings.ToLower(strings.TrimSpace(string(e[1])))
		}
	}
	if declared != "" && !isUTF8Label(declared) {
		if _, name := charset.Lookup(declared); name != "" && !asciiIncompatible(name) {
			return body, nil
		}
		// An encoding Go does not know, or one the declaration belies (it
		// was read as ASCII, so the document is not UTF-16; the
		// replacement encoding would read it as one U+FFFD): read it as
		// the transport says, or as UTF-8.
		body = dropDeclEncoding(body)
		declared = ""
	}
	if declared == "" && label != "" && !isUTF8Label(label) {
		if _, name := charset.Lookup(label); name != "" {
			out, err := transcode(body, label)
			if err != nil {
				return nil, err
			}
			return dropDeclEncoding(out), nil
		}
	}
	if !utf8.Valid(body) {
		out, err := transcode(body, "windows-1252")
		if err != nil {
			return nil, err
		}
		return dropDeclEncoding(out), nil
	}
	return body, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiIncompatible reports whether the WHATWG encoding name is one that an
// XML declaration read as ASCII cannot truthfully name: UTF-16, or the
// replacement encoding of labels such as hz-gb-2312.
func asciiIncompatible(name string) bool {
	return strings.HasPrefix(name, "utf-16") || name == "replacement"
}

func isUTF8Label(l string) bool {
	l = strings.ToLower(strings.TrimSpace(l))
	return l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii"
}

func transcode(body []byte, label string) ([]byte, error) {
	r, err := charset.NewReaderLabel(label, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing feed: %w: charset %q: %w", ErrMalformed, label, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("parsing feed: %w: decoding %s: %w", ErrMalformed, label, err)
	}
	return out, nil
}

// dropDeclEncoding removes the encoding from the XML declaration of a body
// that is now UTF-8, so the XML decoder does not convert it a second time.
func dropDeclEncoding(body []byte) []byte {
	loc := xmlDecl.FindIndex(body)
	if loc == nil {
		return body
	}
	decl := declEncoding.ReplaceAll(body[loc[0]:loc[1]], nil)
	out := make([]byte, 0, len(body))
	out = append(out, body[:loc[0]]...)
	out = append(out, decl...)
	return append(out, body[loc[1]:]...)
}

// maxDepth bounds the nesting of XML elements. Real feeds nest a handful of
// levels (an Atom XHTML content a few more); gofeed parses nested extension
// elements recursively, and a few megabytes of nesting cost it gigabytes.
const maxDepth = 128

// checkDepth fails with ErrMalformed when the elements of an XML document
// nest deeper than limit. It is a quick scan, not a parser: comments, CDATA
// sections, processing instructions and declarations are skipped, quoted
// attribute values may hold '>'.
func checkDepth(b []byte, limit int) error {
	depth := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '<' {
			continue
		}
		rest := b[i+1:]
		skipTo := func(end string) {
			if j := bytes.Index(rest, []byte(end)); j >= 0 {
				i += j + len(end)
			} else {
				i = len(b)
			}
		}
		switch {
		case bytes.HasPrefix(rest, []byte("!--")):
			skipTo("-->")
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			skipTo("]]>")
		case bytes.HasPrefix(rest, []byte("?")):
			skipTo("?>")
		case bytes.HasPrefix(rest, []byte("!")):
			skipTo(">")
		case bytes.HasPrefix(rest, []byte("/")):
			depth--
			skipTo(">")
		default:
			// A start tag: find its end outside quoted values.
			var quote byte
			j := 0
			for ; j < len(rest); j++ {
				c := rest[j]
				if quote != 0 {
					if c == quote {
						quote = 0
					}
					continue
				}
				if c == '"' || c == '\'' {
					quote = c
				} else if c == '>' {
					break
				}
			}
			if j == len(rest) {
				return nil
			}
			if j == 0 || rest[j-1] != '/' {
				depth++
				if depth > limit {
					return fmt.Errorf("parsing feed: %w: elements nested deeper than %d", ErrMalformed, limit)
				}
			}
			i += j + 1
		}
	}
	return nil
}
