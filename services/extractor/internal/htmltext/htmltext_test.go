package htmltext

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

var now = time.Date(2025, 8, 7, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, page string) Document {
	t.Helper()
	doc, err := Parse(context.Background(), []byte(page), Options{URL: "https://www.dailyplanet.example/news/story", Now: now})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

func TestMainText(t *testing.T) {
	long := "This paragraph is long enough to count as article text, with commas, clauses and a full stop."
	tests := []struct {
		name string
		page string
		want []Block
	}{
		{
			name: "article element wins over sidebar",
			page: `<body><div class="sidebar"><p>` + long + `</p></div><article><h1>Title</h1><p>` + long + `</p><h2>Sub</h2><p>` + long + `</p><p>` + long + `</p></article></body>`,
			want: []Block{{"p", long}, {"h", "Sub"}, {"p", long}, {"p", long}},
		},
		{
			name: "articleBody is taken as is",
			page: `<body><div><p>Intro outside the body that is long enough to count as text.</p><div itemprop="articleBody"><p>` + long + `</p><p>` + long + `</p></div></div></body>`,
			want: []Block{{"p", long}, {"p", long}},
		},
		{
			name: "link-dense blocks are dropped",
			page: `<body><div><p>` + long + `</p><p><a href="/x">A link that is the whole paragraph</a></p><ul><li><a href="/1">Nav one</a></li><li>Real item with <a href="/y">a link</a></li></ul></div></body>`,
			want: []Block{{"p", long}, {"li", "Real item with a link"}},
		},
		{
			name: "quotes, list items, inline markup and line breaks",
			page: `<body><div><p>` + long + `</p><blockquote><p>Quoted <em>words</em> here.</p><p>Second quote.</p></blockquote><div>First line<br>same paragraph<br><br>Next paragraph</div><ol><li>One<ul><li>Nested</li></ul></li></ol></div></body>`,
			want: []Block{{"p", long}, {"quote", "Quoted words here."}, {"quote", "Second quote."}, {"p", "First line same paragraph"}, {"p", "Next paragraph"}, {"li", "One"}, {"li", "Nested"}},
		},
		{
			name: "furniture is dropped",
			page: `<body><header><p>Header text that is long enough to count for something here.</p></header><nav><p>Nav</p></nav><div id="cookie-notice"><p>We use cookies on this site to make it better for everyone.</p></div><div><p>` + long + `</p><p hidden>Hidden text</p><p style="display: none">Also hidden</p><div aria-hidden="true">Aria hidden</div><script>var x = "<p>no</p>";</script><!-- comment --></div><footer><p>Footer</p></footer></body>`,
			want: []Block{{"p", long}},
		},
		{
			name: "form wrapping the whole page is kept",
			page: `<body><form id="aspnetForm"><div class="content"><p>` + long + `</p><p>` + long + `</p></div></form></body>`,
			want: []Block{{"p", long}, {"p", long}},
		},
		{
			name: "data table rows",
			page: `<body><div><p>` + long + `</p><table><tr><th>Name</th><th>Votes</th></tr><tr><td>Ann</td><td>12</td></tr></table></div></body>`,
			want: []Block{{"p", long}, {"tr", "Name | Votes"}, {"tr", "Ann | 12"}},
		},
		{
			name: "heading repeating the title is dropped",
			page: `<head><title>Big News</title></head><body><div><h1>Big  News</h1><p>` + long + `</p></div></body>`,
			want: []Block{{"p", long}},
		},
		{
			name: "no body text",
			page: `<body><nav><a href="/">Home</a></nav></body>`,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parse(t, tt.page).Blocks
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("blocks = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestMeta(t *testing.T) {
	// The page's own offset is kept: the day a page gives is the day in
	// its zone.
	published := time.Date(2025, 8, 6, 5, 12, 0, 0, time.FixedZone("", 3*3600))
	tests := []struct {
		name  string
		head  string
		body  string
		check func(t *testing.T, m Meta)
	}{
		{
			name: "opengraph",
			head: `<meta property="og:title" content="Story | The Daily Planet"><meta property="og:site_name" content="The Daily Planet"><meta property="og:url" content="/news/story"><meta property="og:locale" content="en_GB"><meta property="article:published_time" content="2025-08-06T05:12:00+03:00">`,
			check: func(t *testing.T, m Meta) {
				want := Meta{Title: "Story", SiteName: "The Daily Planet", CanonicalURL: "https://www.dailyplanet.example/news/story", Language: "en", PublishedAt: &published,
					Provenance: map[string]string{"title": events.FromOpenGraph, "site_name": events.FromOpenGraph, "canonical_url": events.FromOpenGraph, "language": events.FromOpenGraph, "published_at": events.FromOpenGraph}}
				got := m
				if got.PublishedAt == nil || !got.PublishedAt.Equal(published) || got.PublishedAt.Format(time.RFC3339) != "2025-08-06T05:12:00+03:00" {
					t.Errorf("published = %v, want %v in its own offset", got.PublishedAt, published)
				}
				got.PublishedAt, want.PublishedAt = nil, nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("meta = %+v\nwant %+v", got, want)
				}
			},
		},
		{
			name: "json-ld with organisation author",
			head: `<script type="application/ld+json">[{"@type":"BreadcrumbList"},{"@type":["NewsArticle"],"headline":"Headline","author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Organization","name":"Reuters"},"By Bo Chen"],"datePublished":"2025-08-06T02:12:00Z","publisher":{"name":"Planet"},"image":[{"url":"/i.jpg"}],"keywords":["a","b"]}]</script>`,
			check: func(t *testing.T, m Meta) {
				if m.Title != "Headline" || m.Wire != "Reuters" || m.SiteName != "Planet" || m.Image != "https://www.dailyplanet.example/i.jpg" {
					t.Errorf("title, wire, site, image = %q, %q, %q, %q, want Headline, Reuters, Planet, https://www.dailyplanet.example/i.jpg", m.Title, m.Wire, m.SiteName, m.Image)
				}
				if strings.Join(m.Authors, "|") != "Ann Lee|Bo Chen" || m.Provenance["authors"] != events.FromJSONLD {
					t.Errorf("authors = %q from %q, want [Ann Lee Bo Chen] from json-ld", m.Authors, m.Provenance["authors"])
				}
				if m.PublishedAt == nil || !m.PublishedAt.Equal(published) || strings.Join(m.Tags, ",") != "a,b" {
					t.Errorf("published, tags = %v, %q, want %v, [a b]", m.PublishedAt, m.Tags, published)
				}
			},
		},
		{
			name: "broken json-ld is skipped, byline element read",
			head: `<script type="application/ld+json">{"@type": "NewsArticle",</script><title>Plain title</title>`,
			body: `<div class="byline">By <a rel="author">Jane Doe</a> and John Roe</div>`,
			check: func(t *testing.T, m Meta) {
				if m.Title != "Plain title" || strings.Join(m.Authors, "|") != "Jane Doe|John Roe" || m.Provenance["authors"] != events.FromByline {
					t.Errorf("title, authors = %q, %q from %q, want Plain title, [Jane Doe John Roe] from byline", m.Title, m.Authors, m.Provenance["authors"])
				}
			},
		},
		{
			name: "future and placeholder dates are skipped",
			head: `<meta property="article:published_time" content="2031-01-01T00:00:00Z"><meta name="date" content="1970-01-01">`,
			body: `<time datetime="not a date"></time><time datetime="2025-08-06">Aug 6</time>`,
			check: func(t *testing.T, m Meta) {
				want := time.Date(2025, 8, 6, 0, 0, 0, 0, time.UTC)
				if m.PublishedAt == nil || !m.PublishedAt.Equal(want) || m.Provenance["published_at"] != events.FromTimeElem {
					t.Errorf("published = %v from %q, want %v from time element", m.PublishedAt, m.Provenance["published_at"], want)
				}
			},
		},
		{
			name: "title from h1 when nothing else",
			body: `<h1>Only <b>heading</b></h1>`,
			check: func(t *testing.T, m Meta) {
				if m.Title != "Only heading" || m.Provenance["title"] != events.FromHeading {
					t.Errorf("title = %q from %q, want Only heading from heading", m.Title, m.Provenance["title"])
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, parse(t, "<html><head>"+tt.head+"</head><body>"+tt.body+"</body></html>").Meta)
		})
	}
}

func TestStripSite(t *testing.T) {
	tests := []struct {
		name, title, site, host, h1, section, want string
	}{
		{"site suffix", "Markets rally | The Daily Planet", "The Daily Planet", "", "", "", "Markets rally"},
		{"host suffix", "Le prix du pain - Le Quotidien", "", "www.lequotidien.example", "", "", "Le prix du pain"},
		{"site prefix", "The Daily Planet | Markets rally", "The Daily Planet", "", "", "", "Markets rally"},
		{"h1 match", "Markets rally – Some Paper", "", "", "Markets rally", "", "Markets rally"},
		{"section then site", "Markets rally | Business | Planet", "Planet", "", "", "Business", "Markets rally"},
		{"dash inside title kept", "U.S. - China talks resume", "The Daily Planet", "dailyplanet.example", "", "", "U.S. - China talks resume"},
		{"no separator", "Markets rally", "Planet", "", "", "", "Markets rally"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripSite(tt.title, tt.site, tt.host, tt.h1, tt.section); got != tt.want {
				t.Errorf("stripSite(%q) = %q, want %q", tt.title, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-08-06T05:12:00+03:00", time.Date(2025, 8, 6, 2, 12, 0, 0, time.UTC), true},
		{"4 Aug 2025", time.Date(2025, 8, 4, 0, 0, 0, 0, time.UTC), true},
		{"2025/08/04", time.Date(2025, 8, 4, 0, 0, 0, 0, time.UTC), true},
		{"Monday, August 4, 2025 10:00 AM", time.Date(2025, 8, 4, 0, 0, 0, 0, time.UTC), true},
		{"1970-01-01T00:00:00Z", time.Time{}, false},
		{"2025-08-06T05:12:00.123Z", time.Date(2025, 8, 6, 5, 12, 0, 123e6, time.UTC), true},
		{"2025-08-06T05:12:00+0300", time.Date(2025, 8, 6, 2, 12, 0, 0, time.UTC), true},
		{"2025-08-06 05:12:00", time.Date(2025, 8, 6, 5, 12, 0, 0, time.UTC), true},
		{"2025-08-06", time.Date(2025, 8, 6, 0, 0, 0, 0, time.UTC), true},
		{"Wed, 06 Aug 2025 05:12:00 GMT", time.Date(2025, 8, 6, 5, 12, 0, 0, time.UTC), true},
		{"August 6, 2025", time.Date(2025, 8, 6, 0, 0, 0, 0, time.UTC), true},
		{"2031-01-01", time.Time{}, false},
		{"0001-01-01T00:00:00Z", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, now)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// formattingBomb is a page of unclosed formatting elements that the HTML
// tree builder reopens in every following paragraph.
func formattingBomb() string {
	var b strings.Builder
	for i := range 100 {
		b.WriteString("<i id=" + strings.Repeat("x", i+1) + ">")
	}
	b.WriteString(strings.Repeat("<p>x", 5000))
	return b.String()
}

// limitCase is a page and the error parsing it under opts should give.
type limitCase struct {
	name string
	page string
	opts Options
	want error
}

func TestLimits(t *testing.T) {
	bomb := formattingBomb()
	tests := []limitCase{
		{"deep nesting", strings.Repeat("<div>", 100) + "x", Options{MaxDepth: 50}, ErrTooDeep},
		{"deep lists", strings.Repeat("<ul><li>", 60) + "x", Options{MaxDepth: 100}, ErrTooDeep},
		{"many tokens", strings.Repeat("<p>x</p>", 600), Options{MaxNodes: 1000}, ErrTooManyNodes},
		{"formatting bomb", bomb, Options{MaxNodes: 100_000}, ErrTooManyNodes},
		{"unclosed paragraphs are not deep", "<body>" + strings.Repeat("<p>x", 2000), Options{MaxDepth: 50}, nil},
		{"repeated unclosed font is not a bomb", strings.Repeat("<font size=2><p>text", 3000), Options{MaxNodes: 20_000}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), []byte(tt.page), tt.opts)
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Parse(ctx, []byte(strings.Repeat("<p>text</p>", 5000)), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Parse() error = %v, want context.Canceled", err)
	}
}
