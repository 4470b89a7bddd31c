package robots

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// regexpMatch is match written as a regular expression: the pattern
// anchored at the path's start, "*" any run of characters, a final "$" the
// path's end.
func regexpMatch(pattern, path string) bool {
	end := ""
	if strings.HasSuffix(pattern, "$") {
		pattern, end = pattern[:len(pattern)-1], "$"
	}
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)\A` + strings.Join(parts, ".*") + strings.Replace(end, "$", `\z`, 1)).MatchString(path)
}

const sample = `# robots.txt written for wirewatch's tests
User-agent: *
Disallow: /private/
Allow: /private/press/
Disallow: /*.pdf$
Disallow: /search

User-agent: WireWatch/2.0
user-agent: othernews
Disallow: /wire-only/
Allow: /wire-only/open$
Crawl-delay: 5

User-agent: blocked-bot
Disallow: /

Sitemap: https://news.example/sitemap.xml
`

func TestAllowed(t *testing.T) {
	r := Parse([]byte(sample))
	tests := []struct {
		name, agent, path string
		want              bool
	}{
		{"star group disallow", "somebot", "/private/x", false},
		{"longer allow wins", "somebot", "/private/press/today", true},
		{"anchored wildcard", "somebot", "/files/report.pdf", false},
		{"anchor needs the end", "somebot", "/files/report.pdf?x=1", true},
		{"prefix rule covers query", "somebot", "/search?q=strike", false},
		{"unmatched path", "somebot", "/news/strike", true},
		{"own group replaces star", "wirewatch", "/private/x", true},
		{"own group rule", "wirewatch", "/wire-only/story", false},
		{"own group anchored allow", "wirewatch", "/wire-only/open", true},
		{"agent case-insensitive", "WIREWATCH", "/wire-only/story", false},
		{"second agent of a group", "othernews", "/wire-only/x", false},
		{"disallow all", "blocked-bot", "/anything", false},
		{"robots.txt always allowed", "blocked-bot", "/robots.txt", true},
		{"empty path is root", "blocked-bot", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Allowed(tt.agent, tt.path); got != tt.want {
				t.Errorf("Allowed(%q, %q) = %v, want %v", tt.agent, tt.path, got, tt.want)
			}
		})
	}
}

func TestEdgeCases(t *testing.T) {
	tests := []struct {
		name, body, path string
		want             bool
	}{
		{"empty file", "", "/x", true},
		{"nil-like garbage", "<html><body>Not found</body></html>", "/x", true},
		{"empty disallow allows", "User-agent: *\nDisallow:\n", "/x", true},
		{"rule before any agent ignored", "Disallow: /\nUser-agent: *\nAllow: /\n", "/x", true},
		{"tie goes to allow", "User-agent: *\nDisallow: /a\nAllow: /a\n", "/a", true},
		{"CR line endings", "User-agent: *\rDisallow: /x\r", "/x/y", false},
		{"comment after rule", "User-agent: * # all\nDisallow: /x # not x\n", "/x", false},
		{"wildcard in middle", "User-agent: *\nDisallow: /a/*/b\n", "/a/1/2/b/c", false},
		{"wildcard needs its segments", "User-agent: *\nDisallow: /a/*/b\n", "/a/1/c", true},
		{"non-ascii pattern", "User-agent: *\nDisallow: /nachrichten/ü\n", "/nachrichten/%C3%BC-heute", false},
		{"groups for one agent merge", "User-agent: a\nDisallow: /x\n\nUser-agent: b\nAllow: /\n\nUser-agent: a\nDisallow: /y\n", "/y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			agent := "wirewatch"
			if tt.name == "groups for one agent merge" {
				agent = "a"
			}
			if got := Parse([]byte(tt.body)).Allowed(agent, tt.path); got != tt.want {
				t.Errorf("Allowed(%q) over %q = %v, want %v", tt.path, tt.body, got, tt.want)
			}
		})
	}
	var nilRules *Rules
	if !nilRules.Allowed("x", "/y") {
		t.Error("nil rules disallow")
	}
}

func TestCrawlDelay(t *testing.T) {
	tests := []struct {
		name, body, agent string
		want              time.Duration
		ok                bool
	}{
		{"own group", sample, "wirewatch", 5 * time.Second, true},
		{"star group has none", sample, "somebot", 0, false},
		{"fraction", "User-agent: *\nCrawl-delay: 0.5\n", "wirewatch", 500 * time.Millisecond, true},
		{"trailing dot", "User-agent: *\nCrawl-delay: 2.\n", "wirewatch", 2 * time.Second, true},
		{"leading dot", "User-agent: *\nCrawl-delay: .25\n", "wirewatch", 250 * time.Millisecond, true},
		{"explicit zero", "User-agent: *\nCrawl-delay: 0\n", "wirewatch", 0, true},
		{"spelling and case", "user-agent: *\nCRAWL-DELAY:   3  # be kind\n", "wirewatch", 3 * time.Second, true},
		{"huge is capped", "User-agent: *\nCrawl-delay: 99999999999999999999999\n", "wirewatch", MaxDelay, true},
		{"long zero prefix stays small", "User-agent: *\nCrawl-delay: 0000000000000000000001\n", "wirewatch", time.Second, true},
		{"negative ignored", "User-agent: *\nCrawl-delay: -5\n", "wirewatch", 0, false},
		{"exponent ignored", "User-agent: *\nCrawl-delay: 1e3\n", "wirewatch", 0, false},
		{"words ignored", "User-agent: *\nCrawl-delay: soon\n", "wirewatch", 0, false},
		{"lone dot ignored", "User-agent: *\nCrawl-delay: .\n", "wirewatch", 0, false},
		{"before any agent ignored", "Crawl-delay: 9\nUser-agent: *\nDisallow: /x\n", "wirewatch", 0, false},
		{"own group without delay wins over star", "User-agent: *\nCrawl-delay: 9\n\nUser-agent: wirewatch\nDisallow: /x\n", "wirewatch", 0, false},
		{"largest of merged groups", "User-agent: wirewatch\nCrawl-delay: 2\n\nUser-agent: wirewatch\nCrawl-delay: 7\n", "wirewatch", 7 * time.Second, true},
		{"delay ends the agent list", "User-agent: other\nCrawl-delay: 30\nUser-agent: wirewatch\nCrawl-delay: 1\n", "wirewatch", time.Second, true},
		{"delay ends the agent list, other side", "User-agent: other\nCrawl-delay: 30\nUser-agent: wirewatch\nCrawl-delay: 1\n", "other", 30 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse([]byte(tt.body)).CrawlDelay(tt.agent)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CrawlDelay(%q) = %s, %v; want %s, %v", tt.agent, got, ok, tt.want, tt.ok)
			}
		})
	}
	var nilRules *Rules
	if _, ok := nilRules.CrawlDelay("x"); ok {
		t.Error("nil rules have a delay")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample), "/private/press/x")
	f.Add([]byte("User-agent: *\nDisallow: /*a*b*c$\n"), "/xaybzc")
	f.Add([]byte("user-agent:wirewatch\nallow:/$\ndisallow:/"), "/")
	f.Add([]byte("User-agent: *\nCrawl-delay: 1.5\nUser-agent: wirewatch\nCrawl-delay: 99999999999.999999999999\n"), "/")
	// Hostile files: a NUL, a BOM, invalid UTF-8, a very long line, a
	// pattern of many wildcards against a long path, CR-only line ends.
	f.Add([]byte("\xef\xbb\xbfUser-agent: wirewatch\x00\nDisallow: /a\xff\x00\n"), "/a%FF")
	f.Add([]byte("User-agent: *\nDisallow: /"+strings.Repeat("x", 4100)+"\nDisallow: /"+strings.Repeat("*a", 300)+"$\n"), "/"+strings.Repeat("a", 1000)+"b")
	f.Add([]byte("User-agent: *\rDisallow: /\rUser-agent: wirewatch\rAllow: /$\rDisallow: /*?*$$\r"), "/x?y$")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		r := Parse(body)
		allowed := r.Allowed("wirewatch", path)
		if !r.Allowed("wirewatch", "/robots.txt") {
			t.Fatal("robots.txt itself disallowed")
		}
		// A group for another crawler, put first, changes nothing for
		// wirewatch.
		other := Parse(append([]byte("User-agent: othercrawler\nDisallow: /\nCrawl-delay: 7\n"), body...))
		if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) && other.Allowed("wirewatch", path) != allowed {
			t.Fatalf("a group for another crawler turns Allowed(%q) from %v", path, allowed)
		}
		// match agrees with the regular expression the RFC's wildcards
		// describe.
		pattern, _, _ := strings.Cut(string(body), "\n")
		if utf8.ValidString(pattern) && utf8.ValidString(path) && len(pattern) < 200 {
			want := regexpMatch(pattern, path)
			if got := match(pattern, path); got != want {
				t.Fatalf("match(%q, %q) = %v, want %v", pattern, path, got, want)
			}
		}
		for _, agent := range []string{"wirewatch", "*", path} {
			d, ok := r.CrawlDelay(agent)
			if d < 0 || d > MaxDelay || !ok && d != 0 {
				t.Fatalf("CrawlDelay(%q) = %s, %v", agent, d, ok)
			}
		}
	})
}
