package demofeed

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.uber.org/zap"
)

func TestTitle(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		isHTML bool
		want   string
	}{
		{"html title", "<html><head><title>Port strike</title></head>", true, "Port strike"},
		{"site name dropped", "<title>Port strike | Coastal Courier</title>", true, "Port strike"},
		{"entities and spaces", "<TITLE lang=en>\n Ships &amp; cranes\n</TITLE>", true, "Ships & cranes"},
		{"no title", "<html><body><h1>x</h1>", true, ""},
		{"unclosed title", "<title>never ends", true, ""},
		{"text first line", "\n\n  Dock workers strike \nBy Marta", false, "Dock workers strike"},
		{"empty text", " \n\t\n", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Title([]byte(tc.body), tc.isHTML); got != tc.want {
				t.Errorf("Title = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzTitle(f *testing.F) {
	f.Add([]byte("<title>a | b</title>"), true)
	f.Add([]byte("line one\nline two"), false)
	f.Add([]byte("<title"), true)
	f.Add([]byte("<TITLE>Ünïcödé | Site</TITLE>"), true)
	f.Fuzz(func(t *testing.T, body []byte, isHTML bool) {
		got := Title(body, isHTML)
		if strings.ContainsAny(got, "\n\t") || strings.TrimSpace(got) != got {
			t.Errorf("Title(%q) = %q: not one trimmed line", body, got)
		}
		if utf8.Valid(body) && !utf8.ValidString(got) {
			t.Errorf("Title(%q) = %q: not valid UTF-8", body, got)
		}
		// Text before the first tag, of any bytes, does not move the
		// title.
		if isHTML {
			if again := Title(append([]byte("\u0130\xff x"), body...), true); again != got {
				t.Errorf("Title(%q) = %q, but %q after a prefix", body, got, again)
			}
		}
	})
}

func writeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"a.txt":    "First story\nBy Someone\nText.",
		"b.html":   "<html><head><title>Second story | Site</title></head><body><p>Hi</p></body></html>",
		"skip.jpg": "not an article",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("<title>Third story</title><p>zipped</p>"))
	_ = zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "c.html.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoad(t *testing.T) {
	arts, err := Load(writeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range arts {
		got = append(got, a.Name+"="+a.Title+"="+strings.SplitN(a.ContentType, ";", 2)[0])
	}
	want := "a.txt=First story=text/plain b.html=Second story=text/html c.html=Third story=text/html"
	if strings.Join(got, " ") != want {
		t.Errorf("loaded %q, want %q", strings.Join(got, " "), want)
	}
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNoArticles) {
		t.Errorf("empty dir: got %v, want ErrNoArticles", err)
	}
}

type feedDoc struct {
	Items []struct {
		Title string `xml:"title"`
		Link  string `xml:"link"`
		GUID  string `xml:"guid"`
	} `xml:"channel>item"`
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func readFeed(t *testing.T, url string) feedDoc {
	t.Helper()
	resp, body := get(t, url)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/rss+xml") {
		t.Fatalf("feed content type %q", ct)
	}
	var doc feedDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("parsing the feed: %v\n%s", err, body)
	}
	return doc
}

func TestSiteServesFeedPagesAndEditions(t *testing.T) {
	arts, err := Load(writeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewSite("Test", arts, zap.NewNop()))
	defer srv.Close()

	doc := readFeed(t, srv.URL+"/feed.xml")
	if len(doc.Items) != 3 {
		t.Fatalf("edition 1 lists %d items, want 3", len(doc.Items))
	}
	for _, it := range doc.Items {
		if !strings.HasPrefix(it.Link, srv.URL+"/1/") || it.GUID != it.Link {
			t.Errorf("item %q: link %q guid %q", it.Title, it.Link, it.GUID)
		}
		resp, body := get(t, it.Link)
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: %s, %d bytes", it.Link, resp.Status, len(body))
		}
	}
	if resp, body := get(t, srv.URL+"/1/c.html"); !bytes.Contains(body, []byte("zipped")) ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("gzipped article served as %q: %q", resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := get(t, srv.URL+"/2/a.txt"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("edition 2 before it is published: %s, want 404", resp.Status)
	}

	resp, err := http.Post(srv.URL+"/editions", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.TrimSpace(string(b)) != "2" {
		t.Fatalf("POST /editions answered %q, want 2", b)
	}
	doc = readFeed(t, srv.URL+"/feed.xml")
	if len(doc.Items) != 6 || !strings.HasPrefix(doc.Items[0].Link, srv.URL+"/2/") {
		t.Fatalf("after a second edition: %d items, first %q; want 6, newest first", len(doc.Items), doc.Items[0].Link)
	}
	if resp, _ := get(t, srv.URL+"/2/a.txt"); resp.StatusCode != http.StatusOK {
		t.Errorf("edition 2 page: %s", resp.Status)
	}

	cases := []struct {
		path string
		want int
	}{
		{"/robots.txt", http.StatusOK},
		{"/healthz", http.StatusOK},
		{"/1/missing.txt", http.StatusNotFound},
		{"/x/a.txt", http.StatusNotFound},
		{"/0/a.txt", http.StatusNotFound},
		{"/1", http.StatusNotFound},
	}
	for _, tc := range cases {
		if resp, _ := get(t, srv.URL+tc.path); resp.StatusCode != tc.want {
			t.Errorf("GET %s: %s, want %d", tc.path, resp.Status, tc.want)
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/editions", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE /editions: %s, want 405", resp.Status)
	}
}
