package link

import (
	"net/url"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://a.example/x?utm_source=rss&utm_medium=feed", "https://a.example/x"},
		{"https://a.example/x?id=7&utm_campaign=y&page=2", "https://a.example/x?id=7&page=2"},
		{"https://a.example/x?fbclid=abc", "https://a.example/x"},
		{"https://a.example/x?gclid=1&GCLID=2&Utm_Term=z&keep=1", "https://a.example/x?keep=1"},
		{"https://a.example/x?a=1&a=2&mc_cid=9", "https://a.example/x?a=1&a=2"},
		{"https://a.example/x#comments", "https://a.example/x"},
		{"https://a.example/x?utm%5Fsource=encoded", "https://a.example/x"},
		{"https://a.example/x?", "https://a.example/x"},
		{"https://a.example/x?a=1&b \u00a0#top", "https://a.example/x?a=1&b"},
		{"https://a.example/x?a= &utm_source=rss", "https://a.example/x?a="},
		{"https://a.example/x?a=1& #top", "https://a.example/x?a=1"},
		{"https://a.example/x? #top", "https://a.example/x"},
		{"https://a.example/search?q=utm_source", "https://a.example/search?q=utm_source"},
		{"not a url", "not a url"},
		{"mailto:desk@a.example", "mailto:desk@a.example"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnwrap(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.google.com/url?rct=j&sa=t&url=https%3A%2F%2Fnews.example%2Fa%3Fid%3D1&ct=ga", "https://news.example/a?id=1"},
		{"https://l.facebook.com/l.php?u=https%3A%2F%2Fnews.example%2Fb&h=AT0", "https://news.example/b"},
		{"https://href.li/?https://news.example/c", "https://news.example/c"},
		{"https://www.google.com/url?q=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Fnews.example%252Fd", "https://news.example/d"},
		{"https://www.google.com/url?q=javascript:alert(1)", "https://www.google.com/url?q=javascript:alert(1)"},
		{"https://feedproxy.google.com/~r/herald/~3/abc/story", "https://feedproxy.google.com/~r/herald/~3/abc/story"},
		{"https://news.example/e", "https://news.example/e"},
	}
	for _, tt := range tests {
		if got := Unwrap(tt.in); got != tt.want {
			t.Errorf("Unwrap(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"absolute", `<html><head><link rel="canonical" href="https://news.example/a/1"></head><body></body></html>`, "https://news.example/a/1"},
		{"relative", `<head><link href="/a/1?x=1#top" rel="canonical"/></head>`, "https://news.example/a/1?x=1"},
		{"rel list", `<head><link rel="alternate canonical" href="https://news.example/a/2"></head>`, "https://news.example/a/2"},
		{"base element", `<head><base href="https://cdn.news.example/en/"><link rel="canonical" href="a/3"></head>`, "https://cdn.news.example/en/a/3"},
		{"none", `<head><link rel="stylesheet" href="/s.css"></head><body><link rel="canonical" href="/late"></body>`, ""},
		{"javascript", `<head><link rel="canonical" href="javascript:alert(1)"></head>`, ""},
		{"empty", ``, ""},
		{"garbage", "\x00\xff<<link rel=canonical href=>", ""},
	}
	for _, tt := range tests {
		if got := Canonical([]byte(tt.page), "https://news.example/story?id=1"); got != tt.want {
			t.Errorf("%s: Canonical = %q, want %q", tt.name, got, tt.want)
		}
	}
	huge := "<head>" + strings.Repeat("<meta name=x content=y>", 40000) + `<link rel="canonical" href="/far"></head>`
	if got := Canonical([]byte(huge), "https://news.example/"); got != "" {
		t.Errorf("canonical beyond the head limit read: %q", got)
	}
}

func TestPrefer(t *testing.T) {
	tests := []struct{ page, canonical, want string }{
		{"https://news.example/a?utm_source=x", "", "https://news.example/a"},
		{"https://news.example/a?id=1", "https://news.example/stories/a", "https://news.example/stories/a"},
		{"https://m.news.example/a", "https://www.news.example/a", "https://www.news.example/a"},
		{"https://news.example/a", "https://other.example/a", "https://news.example/a"},
		{"https://news.example/a", "https://news.example/", "https://news.example/a"},
		{"https://news.example/", "https://news.example/", "https://news.example/"},
	}
	for _, tt := range tests {
		if got := Prefer(tt.page, tt.canonical); got != tt.want {
			t.Errorf("Prefer(%q, %q) = %q, want %q", tt.page, tt.canonical, got, tt.want)
		}
	}
}

// FuzzCanonical reads arbitrary pages at arbitrary URLs: a canonical link
// found is an absolute http(s) URL without a fragment, Clean is idempotent
// and leaves no tracking parameter, and Prefer picks one of the two URLs it
// is given, cleaned.
func FuzzCanonical(f *testing.F) {
	f.Add([]byte(`<head><base href="//x"><link rel="canonical" href="../a"></head>`), "https://news.example/a/b")
	f.Add([]byte(`<link rel=canonical href="https://[::1]:80/x">`), "http://a")
	f.Add([]byte(`<link rel=canonical href="/a?utm_source=x&id=1#top">`), "https://www.google.com/url?q=https%3A%2F%2Fnews.example%2Fa%3Futm_medium%3Dy")
	// Hostile pages: a huge attribute, NULs and invalid UTF-8 in the URL,
	// a BOM, a base that is not http, deep nesting before the link.
	f.Add([]byte(`<link rel="canonical" href="/`+strings.Repeat("%", 1000)+`" title="`+strings.Repeat("x", 3000)+`">`), "https://a.example/")
	f.Add([]byte("\xef\xbb\xbf<link rel=canonical href=\"https://b\x00.example/\xff\xfe?utm_source=\x00&a=\xe9\">"), "https://b.example/x")
	f.Add([]byte(`<base href="javascript:alert(1)//"><link rel="CANONICAL stylesheet" href="https://xn--nxasmq6b.example:443/a/../b/./c?utm_campaign=1&fbclid=2&&q">`), "https://WWW.xn--nxasmq6b.example./")
	f.Add([]byte(strings.Repeat("<div>", 300)+`<link rel=canonical href=//c.example/x>`), "http://c.example/y#frag")
	f.Fuzz(func(t *testing.T, page []byte, pageURL string) {
		c := Canonical(page, pageURL)
		if c != "" {
			u, err := url.Parse(c)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(c, "#") {
				t.Fatalf("canonical %q is not an absolute http(s) URL without a fragment: %v", c, err)
			}
			if u.String() != c {
				t.Fatalf("canonical %q reads back as %q", c, u.String())
			}
		}
		if p := Prefer(pageURL, c); Prefer(p, c) != p {
			t.Fatalf("Prefer(%q, %q) = %q, but Prefer(%q, %q) = %q", pageURL, c, p, p, c, Prefer(p, c))
		}
		for _, raw := range []string{pageURL, c, Unwrap(pageURL)} {
			once := Clean(raw)
			if twice := Clean(once); twice != once {
				t.Fatalf("Clean(%q) = %q, but Clean(%q) = %q", raw, once, once, twice)
			}
			if u, err := url.Parse(once); err == nil && once != raw && u.RawQuery != "" {
				for _, p := range strings.Split(u.RawQuery, "&") {
					name, _, _ := strings.Cut(p, "=")
					if n, err := url.QueryUnescape(name); err == nil {
						name = n
					}
					if name = strings.ToLower(name); strings.HasPrefix(name, "utm_") || trackingParams[name] {
						t.Fatalf("Clean(%q) = %q keeps %q", raw, once, p)
					}
				}
			}
		}
		if got := Prefer(pageURL, c); got != Clean(pageURL) && got != Clean(c) {
			t.Fatalf("Prefer(%q, %q) = %q, neither cleaned", pageURL, c, got)
		}
	})
}
