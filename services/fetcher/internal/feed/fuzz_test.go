package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bodies and charset labels through the path a
// fetched feed takes: Parse, then what the fetcher does with each item.
// Nothing may panic, errors must be the package's, and what comes out must be
// well-formed.
func FuzzParse(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range names {
		if fi, err := os.Stat(name); err == nil && fi.IsDir() {
			continue // testdata/fuzz, the corpus itself
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
		f.Add(b, "iso-8859-1")
	}
	f.Add([]byte(`<rss><channel><item><link>//x</link><guid>http://[::1</guid></item></channel></rss>`), "utf-16")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"url":"?a","content_html":"<p>"}]}`), "")
	// Hostile feeds: entity expansion, deep nesting, a huge attribute,
	// NULs, invalid and mixed encodings, BOMs that contradict the
	// declaration, one very long line, dates out of range.
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`+
		`<rss version="2.0"><channel><title>&c;</title><item><title>&c;&c;</title><description>&c;</description></item></channel></rss>`), "")
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml">`+strings.Repeat("<div>", 127)+"x"+strings.Repeat("</div>", 127)+`</content></entry></feed>`), "")
	f.Add([]byte(`<rss version="2.0"><channel><item><enclosure url="`+strings.Repeat("u", 3000)+`"/><title a="`+strings.Repeat(">", 2000)+`">t</title></item></channel></rss>`), "")
	f.Add([]byte("<rss version=\"2.0\"><channel><title>a\x00b</title><item><title>\x00</title><link>https://x.example/\x00</link><guid>\xff\xfe</guid></item></channel></rss>"), "")
	f.Add([]byte("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><item><title>caf\xc3\xa9 caf\xe9</title></item></channel></rss>"), "shift_jis")
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"), "utf-8")
	f.Add([]byte(`<rss version="2.0"><channel><item><title>`+strings.Repeat("long line ", 1000)+`</title></item></channel></rss>`), "")
	f.Add([]byte(`<rss version="2.0"><channel><ttl>99999999999999999999</ttl><item><pubDate>Mon, 02 Jan 99999 15:04:05 +9959</pubDate></item>`+
		`<item><pubDate>0000-00-00T00:00:00Z</pubDate><dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">10000-01-01T00:00:00+24:00</dc:date></item></channel></rss>`), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","date_published":"9999-12-31T23:59:59-23:59","authors":[`+strings.Repeat(`{"name":"A"},`, 40)+`{}]}]}`), "")
	f.Fuzz(func(t *testing.T, body []byte, label string) {
		fd, err := Parse(body, label, "https://feed.example/dir/feed.xml", Options{MaxItems: 50})
		if err != nil {
			if !errors.Is(err, ErrNotFeed) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is neither ErrNotFeed nor ErrMalformed", err)
			}
			return
		}
		if len(fd.Items) > 50 {
			t.Fatalf("%d items over the cap", len(fd.Items))
		}
		checkLink := func(link string) {
			if link != "" {
				u, err := url.Parse(link)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Fatalf("link %q is not an absolute http(s) URL", link)
				}
			}
		}
		checkLink(fd.Link)
		if !utf8.ValidString(fd.Title) || len(fd.Title) > maxTitle || fd.TTL < 0 {
			t.Fatalf("feed title %q or TTL %s is out of bounds", fd.Title, fd.TTL)
		}
		for _, it := range fd.Items {
			checkLink(it.Link)
			for _, s := range append([]string{it.Title, it.GUID, it.Summary, it.Content}, append(it.Authors, it.Categories...)...) {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in item field %q", s)
				}
			}
			if len(it.Title) > maxTitle || len(it.Content) > maxContent || len(it.Summary) > maxSummary ||
				len(it.GUID) > maxLink || len(it.Authors) > maxAuthors || len(it.Categories) > maxCategories {
				t.Fatal("an item field is over its cap")
			}
			for _, s := range append(append([]string{}, it.Authors...), it.Categories...) {
				if s == "" || len(s) > maxTitle {
					t.Fatalf("item author or category %q is empty or over its cap", s)
				}
			}
			// The fetcher puts the item's dates in its events, as JSON.
			for _, d := range []*time.Time{it.Published, it.Updated} {
				if _, err := json.Marshal(d); err != nil {
					t.Fatalf("item date %v cannot be encoded: %v", d, err)
				}
			}
			_ = it.FullText(150)
			if doc := it.Document(it.Content + it.Summary); !bytes.HasPrefix(doc, []byte("<!DOCTYPE html>")) {
				t.Fatal("item document does not start with a doctype")
			}
		}
		if r := ItemsPerDay(fd.Items, time.Now()); !(r >= 0 && r <= 24*float64(len(fd.Items))) {
			t.Fatalf("%d items make %v a day", len(fd.Items), r)
		}
		// An XML feed of ASCII bytes reads the same under a declaration
		// its bytes belie.
		if label == "" && bytes.HasPrefix(body, []byte("<")) && !bytes.Contains(body, []byte("<?")) && printableASCII(body) {
			for _, enc := range []string{"utf-16", "hz-gb-2312", "x-unknown"} {
				again, err := Parse(append([]byte(`<?xml version="1.0" encoding="`+enc+`"?>`), body...), "", "https://feed.example/dir/feed.xml", Options{MaxItems: 50})
				if err != nil || again.Title != fd.Title || len(again.Items) != len(fd.Items) {
					t.Fatalf("declared %s, the feed reads as %+v, %v; was %+v", enc, again, err, fd)
				}
			}
		}
	})
}

// FuzzReadList reads arbitrary feed lists, plain and OPML.
func FuzzReadList(f *testing.F) {
	for _, name := range []string{"list.txt", "subscriptions.opml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<opml><body><outline xmlUrl=\"https://a.example/\"><outline xmlUrl=\"http://b.example/x\"/></outline></body></opml>"))
	// Hostile lists: entity expansion, outlines nested past any real
	// list, a BOM, NULs, UTF-16, CRLF and very long lines.
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "https://a.example/"><!ENTITY b "&a;&a;&a;&a;">]><opml><body><outline xmlUrl="&b;"/><outline xmlUrl="&#104;ttp://c.example/"/></body></opml>`))
	f.Add([]byte(`<opml><body>` + strings.Repeat(`<outline xmlUrl="https://d.example/">`, 300) + strings.Repeat(`</outline>`, 300) + `</body></opml>`))
	f.Add([]byte("\xef\xbb\xbfhttps://e.example/feed\x00\r\n# comment\r\nhttps://e.example/feed\r\n\xff\xfehttps://f.example/" + strings.Repeat("p", 5000) + "\n"))
	f.Add([]byte("\xff\xfe<\x00o\x00p\x00m\x00l\x00>\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		urls, err := ReadList(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrBadList) {
				t.Fatalf("error %v is not ErrBadList", err)
			}
			return
		}
		// Each URL is read from at least the 8 bytes of "http://x".
		if len(urls) > len(data)/8 {
			t.Fatalf("%d URLs from %d bytes", len(urls), len(data))
		}
		seen := map[string]bool{}
		for _, u := range urls {
			if CheckURL(u) != nil || seen[u] {
				t.Fatalf("list holds a bad or repeated URL %q", u)
			}
			seen[u] = true
		}
	})
}

// printableASCII reports whether b is printable ASCII, tabs and line
// breaks.
func printableASCII(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
