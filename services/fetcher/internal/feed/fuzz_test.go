package feed

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
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
			_ = it.FullText(150)
			if doc := it.Document(it.Content + it.Summary); !bytes.HasPrefix(doc, []byte("<!DOCTYPE html>")) {
				t.Fatal("item document does not start with a doctype")
			}
		}
		if r := ItemsPerDay(fd.Items, time.Now()); !(r >= 0 && r <= 24*float64(len(fd.Items))) {
			t.Fatalf("%d items make %v a day", len(fd.Items), r)
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
	f.Fuzz(func(t *testing.T, data []byte) {
		urls, err := ReadList(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrBadList) {
				t.Fatalf("error %v is not ErrBadList", err)
			}
			return
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
