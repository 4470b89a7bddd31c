package feed

import (
	"html"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"
)

// Words counts the words of an HTML or plain-text fragment, stopping once it
// reaches limit (so a huge fragment costs no more than a long enough one).
func Words(fragment string, limit int) int {
	n := 0
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	skip := 0
	for n < limit {
		switch z.Next() {
		case xhtml.ErrorToken:
			return n
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip++
			}
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); (string(name) == "script" || string(name) == "style") && skip > 0 {
				skip--
			}
		case xhtml.TextToken:
			if skip == 0 {
				n += len(strings.Fields(string(z.Text())))
			}
		}
	}
	return n
}

// FullText returns the item's full text when the feed carries it: its
// content, or failing that its summary, when it has at least minWords words.
func (it Item) FullText(minWords int) string {
	for _, s := range []string{it.Content, it.Summary} {
		if s != "" && Words(s, minWords) >= minWords {
			return s
		}
	}
	return ""
}

// Document wraps a fragment of the item (its content or summary, HTML or
// plain text) into a small HTML document the extractor reads like a page:
// the item's title, its link as the canonical URL, the fragment as the body.
func (it Item) Document(fragment string) []byte {
	var b strings.Builder
	b.Grow(len(fragment) + 256)
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
	if it.Title != "" {
		b.WriteString("<title>")
		b.WriteString(html.EscapeString(it.Title))
		b.WriteString("</title>")
	}
	if it.Link != "" {
		b.WriteString(`<link rel="canonical" href="`)
		b.WriteString(html.EscapeString(it.Link))
		b.WriteString(`">`)
	}
	b.WriteString("</head><body><article>\n")
	if it.Title != "" {
		b.WriteString("<h1>")
		b.WriteString(html.EscapeString(it.Title))
		b.WriteString("</h1>\n")
	}
	if strings.ContainsRune(fragment, '<') {
		b.WriteString(fragment)
	} else {
		// Plain text (JSON Feed content_text): a paragraph per block.
		for _, p := range strings.Split(strings.ReplaceAll(fragment, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				b.WriteString("<p>")
				b.WriteString(html.EscapeString(p))
				b.WriteString("</p>\n")
			}
		}
	}
	b.WriteString("\n</article></body></html>\n")
	return []byte(b.String())
}

// ItemsPerDay estimates how many items a feed publishes a day from the dates
// of its items in the 30 days before now: their number over the time since
// the oldest of them (at least an hour). Zero when no item is dated.
func ItemsPerDay(items []Item, now time.Time) float64 {
	const window = 30 * 24 * time.Hour
	oldest := now
	n := 0
	for _, it := range items {
		t := it.Published
		if t == nil {
			t = it.Updated
		}
		if t == nil || t.After(now) || now.Sub(*t) > window {
			continue
		}
		n++
		if t.Before(oldest) {
			oldest = *t
		}
	}
	if n == 0 {
		return 0
	}
	span := max(now.Sub(oldest), time.Hour)
	return float64(n) / (span.Hours() / 24)
}
