package extract

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// rawDoc returns a raw document holding body as contentType.
func rawDoc(body, contentType string) *events.RawDocument {
	return hostileDoc([]byte(body), contentType, "")
}

func TestExtractErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	deep := strings.Repeat("<div>", 600) + "<p>text</p>"
	wide := "<html><body>" + strings.Repeat("<p>a</p>", 2000) + "</body></html>"
	var bomb strings.Builder
	for i := range 300 {
		bomb.WriteString("<b class=c" + strings.Repeat("x", i) + ">")
	}
	bomb.WriteString(strings.Repeat("<p>t", 2000))
	tests := []struct {
		name string
		ctx  context.Context
		raw  *events.RawDocument
		opts Options
		want error
	}{
		{"nil document", context.Background(), nil, Options{}, ErrInvalidDocument},
		{"too large", context.Background(), rawDoc(strings.Repeat("word ", 100), "text/plain"), Options{MaxBytes: 100}, ErrTooLarge},
		{"unsupported type", context.Background(), rawDoc("%PDF-1.7", "application/pdf"), Options{}, ErrUnsupportedType},
		{"binary sniffed", context.Background(), rawDoc("\x89PNG\r\n\x1a\n\x00\x00", ""), Options{}, ErrUnsupportedType},
		{"empty text", context.Background(), rawDoc(" \n\n \u00a0\n", "text/plain"), Options{}, ErrNoText},
		{"only furniture", context.Background(), rawDoc("Copyright 2024 Example Media\nAll rights reserved.\n", "text/plain"), Options{}, ErrNoText},
		{"html without text", context.Background(), rawDoc("<html><body><nav><a href=/>Home</a></nav><script>x()</script></body></html>", "text/html"), Options{}, ErrNoText},
		{"too deep", context.Background(), rawDoc(deep, "text/html"), Options{}, ErrTooComplex},
		{"too many nodes", context.Background(), rawDoc(wide, "text/html"), Options{MaxNodes: 1000}, ErrTooComplex},
		{"formatting element bomb", context.Background(), rawDoc(bomb.String(), "text/html"), Options{}, ErrTooComplex},
		{"too many paragraphs", context.Background(), rawDoc(strings.Repeat("a\n", 30000), "text/plain"), Options{}, ErrTooComplex},
		{"missing id", context.Background(), func() *events.RawDocument { r := rawDoc("Some text here.", "text/plain"); r.ID = ""; return r }(), Options{}, ErrInvalidDocument},
		{"caller cancelled", cancelled, rawDoc("Some text here.", "text/plain"), Options{}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Extract(tt.ctx, tt.raw, tt.opts, testNow)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract() error = %v, want %v", err, tt.want)
			}
			if a != nil {
				t.Errorf("Extract() article = %+v, want nil with an error", a)
			}
			if !strings.HasPrefix(err.Error(), "extracting") {
				t.Errorf("error %q does not say what was being done", err)
			}
		})
	}
}

func TestExtractTimeout(t *testing.T) {
	// A budget far too small for the document must stop the work and say
	// so as ErrTimeout, not as the caller's context ending.
	tests := []struct {
		name string
		raw  *events.RawDocument
	}{
		{"plain text", rawDoc(strings.Repeat("A line of text.\n", 10000), "text/plain")},
		{"html", rawDoc("<html><body>"+strings.Repeat("<p>A paragraph of text.</p>", 10000), "text/html")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract(context.Background(), tt.raw, Options{Timeout: time.Nanosecond}, testNow)
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("Extract() error = %v, want ErrTimeout", err)
			}
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				t.Errorf("Extract() error = %v, want no context error: the caller's context did not end", err)
			}
		})
	}
}

func TestExtractMetadataFallbacks(t *testing.T) {
	published := testNow.Add(-2 * time.Hour)
	future := testNow.Add(48 * time.Hour)
	tests := []struct {
		name          string
		body          string
		contentType   string
		item          *events.FeedItem
		wantTitle     string
		wantTitleFrom string
		wantAuthors   []string
		wantPublished *time.Time
		wantLanguage  string
	}{
		{
			name:          "feed item title and authors fill a bare text",
			body:          "The council approved the budget on Monday. The vote was close.\n",
			contentType:   "text/plain",
			item:          &events.FeedItem{Title: " Council  approves budget ", Authors: []string{"Ann Lee", "ann lee"}, Published: &published},
			wantTitle:     "Council approves budget",
			wantTitleFrom: events.FromFeedItem,
			wantAuthors:   []string{"Ann Lee"},
			wantPublished: &published,
			wantLanguage:  "en",
		},
		{
			name:          "feed date in the future is dropped",
			body:          "The council approved the budget on Monday. The vote was close.\n",
			contentType:   "text/plain",
			item:          &events.FeedItem{Published: &future},
			wantTitle:     "The council approved the budget on Monday",
			wantTitleFrom: events.FromText,
			wantLanguage:  "en",
		},
		{
			name:          "first sentence is cut at a word boundary",
			body:          "Officials from the ministry of finance said on Tuesday that the new rules would apply to every bank operating in the country from next year. Banks objected.",
			contentType:   "text/plain",
			wantTitle:     "Officials from the ministry of finance said on Tuesday that the new rules would apply to every bank operating…",
			wantTitleFrom: events.FromText,
			wantLanguage:  "en",
		},
		{
			name:          "abbreviations do not end the first sentence",
			body:          "U.S. officials met Mr. Smith in St. Louis. They talked.",
			contentType:   "text/plain",
			wantTitle:     "U.S. officials met Mr. Smith in St. Louis",
			wantTitleFrom: events.FromText,
		},
		{
			name:          "html page title beats the feed item",
			body:          `<html lang="de"><head><title>Haushalt beschlossen</title></head><body><p>Der Rat hat den Haushalt am Montag beschlossen, die Abstimmung war knapp.</p></body></html>`,
			contentType:   "text/html",
			item:          &events.FeedItem{Title: "Feed title"},
			wantTitle:     "Haushalt beschlossen",
			wantTitleFrom: events.FromTitleTag,
			wantLanguage:  "de",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := rawDoc(tt.body, tt.contentType)
			raw.Item = tt.item
			a, err := Extract(context.Background(), raw, Options{}, testNow)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkArticle(t, a, raw)
			if a.Title != tt.wantTitle || a.Provenance["title"] != tt.wantTitleFrom {
				t.Errorf("title = %q from %q, want %q from %q", a.Title, a.Provenance["title"], tt.wantTitle, tt.wantTitleFrom)
			}
			if strings.Join(a.Authors, "|") != strings.Join(tt.wantAuthors, "|") {
				t.Errorf("authors = %q, want %q", a.Authors, tt.wantAuthors)
			}
			switch {
			case (a.PublishedAt == nil) != (tt.wantPublished == nil):
				t.Errorf("published_at = %v, want %v", a.PublishedAt, tt.wantPublished)
			case a.PublishedAt != nil && !a.PublishedAt.Equal(*tt.wantPublished):
				t.Errorf("published_at = %v, want %v", *a.PublishedAt, *tt.wantPublished)
			}
			if tt.wantLanguage != "" && a.Language != tt.wantLanguage {
				t.Errorf("language = %q, want %q", a.Language, tt.wantLanguage)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		path        string
		body        string
		want        docKind
		wantErr     error
	}{
		{"html type", "text/html; charset=utf-8", "", "x", kindHTML, nil},
		{"xhtml type", "application/xhtml+xml", "", "x", kindHTML, nil},
		{"plain type", "text/plain", "", "<html>", kindText, nil},
		{"malformed type", "text/html;;;", "", "x", kindHTML, nil},
		{"txt path", "", "in/story.txt", "x", kindText, nil},
		{"htm path", "application/octet-stream", "in/story.HTM", "x", kindHTML, nil},
		{"sniffed html", "", "in/story", "<!DOCTYPE html><html><p>x", kindHTML, nil},
		{"sniffed text", "", "in/story", "Just words.", kindText, nil},
		{"json", "application/json", "", "{}", 0, ErrUnsupportedType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := rawDoc(tt.body, tt.contentType)
			if tt.path != "" {
				raw.Source = events.Source{Kind: events.SourceFile, Path: tt.path}
			}
			got, err := kindOf(raw)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("kindOf() = %v, %v, want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestExtractCredit covers the organisation or team a page credits as its
// author: it is the author only when no one is named anywhere, and an
// agency credited so is also the wire.
func TestExtractCredit(t *testing.T) {
	const text = `<p>The council approved the budget on Monday after a long debate, with most members voting in favour of the plan.</p>`
	page := func(head, body string) string {
		return `<html><head><title>Budget passes</title>` + head + `</head><body><h1>Budget passes</h1>` + body + text + `</body></html>`
	}
	tests := []struct {
		name        string
		body        string
		item        *events.FeedItem
		wantAuthors string
		wantFrom    string
		wantWire    string
	}{
		{
			name:        "site credited as author",
			body:        page(`<meta property="og:site_name" content="Supermove"><meta name="author" content="Supermove">`, ""),
			wantAuthors: "Supermove",
			wantFrom:    events.FromMeta,
		},
		{
			name:        "newsdesk byline",
			body:        page("", `<div class="author">Newsdesk</div>`),
			wantAuthors: "Newsdesk",
			wantFrom:    events.FromByline,
		},
		{
			name:        "a byline in the text names a person",
			body:        page(`<meta name="author" content="Newsdesk">`, `<p>By Ann Lee</p>`),
			wantAuthors: "Ann Lee",
			wantFrom:    events.FromByline,
		},
		{
			name:        "the feed item names a person",
			body:        page(`<meta name="author" content="Newsdesk">`, ""),
			item:        &events.FeedItem{Authors: []string{"Ann Lee"}},
			wantAuthors: "Ann Lee",
			wantFrom:    events.FromFeedItem,
		},
		{
			name:        "agency credited is author and wire",
			body:        page(`<meta name="author" content="Reuters">`, ""),
			wantAuthors: "Reuters",
			wantFrom:    events.FromMeta,
			wantWire:    "Reuters",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := rawDoc(tt.body, "text/html")
			raw.Item = tt.item
			a, err := Extract(context.Background(), raw, Options{}, testNow)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkArticle(t, a, raw)
			if got := strings.Join(a.Authors, "|"); got != tt.wantAuthors || a.Provenance["authors"] != tt.wantFrom {
				t.Errorf("authors = %q from %q, want %q from %q", got, a.Provenance["authors"], tt.wantAuthors, tt.wantFrom)
			}
			if a.Wire != tt.wantWire {
				t.Errorf("wire = %q, want %q", a.Wire, tt.wantWire)
			}
			if _, ok := a.Provenance["credit"]; ok {
				t.Errorf("provenance holds the internal credit key: %v", a.Provenance)
			}
		})
	}
}

// TestExtractNameLine: a line near the top that only names the authors the
// page's metadata gives is a byline without "By", and stays out of the
// text; a name alone further down, or a line that says more, stays in.
func TestExtractNameLine(t *testing.T) {
	const para = `<p>The council approved the budget on Monday after a long debate, with most members voting in favour of the plan.</p>`
	const more = `<p>Opponents said the plan raised fees for small shops and promised to challenge it at the next session of the council.</p>`
	const ld = `<script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"Elin Vik"},{"@type":"Person","name":"Jon Berg"}]}</script>`
	page := func(head, body string) string {
		return `<html><head><title>Budget passes</title>` + head + `</head><body><h1>Budget passes</h1>` + body + `</body></html>`
	}
	tests := []struct {
		name, body string
		kept       string // a line the text must hold, or ""
		dropped    string // a line it must not, or ""
	}{
		{"one author", page(ld, `<div class="note">Elin Vik</div>`+para+more), "", "Elin Vik"},
		{"two authors", page(ld, `<div class="note">Elin Vik and Jon Berg</div>`+para+more), "", "Elin Vik and Jon Berg"},
		{"a name the metadata does not give", page(ld, `<div class="note">Ann Lee</div>`+para+more), "Ann Lee", ""},
		{"no author in the metadata", page("", `<div class="note">Elin Vik</div>`+para+more), "Elin Vik", ""},
		{"more than names", page(ld, `<p>Elin Vik reports from the council chamber</p>`+para+more), "Elin Vik reports from the council chamber", ""},
		{"a name further down", page(ld, para+more+`<p>Opponents said more.</p><h2>Elin Vik</h2>`+more), "Elin Vik", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := rawDoc(tt.body, "text/html")
			a, err := Extract(context.Background(), raw, Options{}, testNow)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			lines := strings.Split(a.Text, "\n")
			if tt.kept != "" && !slices.Contains(lines, tt.kept) {
				t.Errorf("text lost the line %q:\n%s", tt.kept, a.Text)
			}
			if tt.dropped != "" && slices.Contains(lines, tt.dropped) {
				t.Errorf("text holds the byline %q:\n%s", tt.dropped, a.Text)
			}
		})
	}
}
