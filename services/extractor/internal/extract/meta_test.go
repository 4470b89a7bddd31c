package extract

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func TestFeedItemMerge(t *testing.T) {
	feedDate := testNow.Add(-3 * time.Hour)
	oldPage := testNow.Add(-3 * 365 * 24 * time.Hour).UTC().Format(time.RFC3339)
	recentPage := testNow.Add(-5 * time.Hour).In(time.FixedZone("", -4*3600)).Format(time.RFC3339)
	body := func(head string) string {
		return `<html><head>` + head + `</head><body><h1>Council passes budget</h1><p>The council approved the budget on Monday after a long debate, with most members voting in favour.</p></body></html>`
	}
	tests := []struct {
		name          string
		head          string
		item          *events.FeedItem
		wantPublished string
		wantFrom      string
		wantAuthors   string
		wantWire      string
		wantModified  bool
	}{
		{
			name:          "a page date more than a year before the feed item is a template date",
			head:          `<meta property="article:published_time" content="` + oldPage + `">`,
			item:          &events.FeedItem{Published: &feedDate},
			wantPublished: feedDate.Format(time.RFC3339),
			wantFrom:      events.FromFeedItem,
		},
		{
			name:          "a recent page date stands, in its own offset",
			head:          `<meta property="article:published_time" content="` + recentPage + `">`,
			item:          &events.FeedItem{Published: &feedDate},
			wantPublished: recentPage,
			wantFrom:      events.FromOpenGraph,
		},
		{
			name:          "feed authors are cleaned, an agency is the wire",
			item:          &events.FeedItem{Published: &feedDate, Authors: []string{"ann@example.org (Ann Lee)", "Reuters"}},
			wantPublished: feedDate.Format(time.RFC3339),
			wantFrom:      events.FromFeedItem,
			wantAuthors:   "Ann Lee",
			wantWire:      "Reuters",
		},
		{
			name:          "a feed modification before the publication is dropped",
			head:          `<meta property="article:published_time" content="` + recentPage + `">`,
			item:          &events.FeedItem{Updated: &[]time.Time{testNow.Add(-48 * time.Hour)}[0]},
			wantPublished: recentPage,
			wantFrom:      events.FromOpenGraph,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := rawDoc(body(tt.head), "text/html")
			raw.Item = tt.item
			a, err := Extract(context.Background(), raw, Options{}, testNow)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			got := ""
			if a.PublishedAt != nil {
				got = a.PublishedAt.Format(time.RFC3339)
			}
			if got != tt.wantPublished || a.Provenance["published_at"] != tt.wantFrom {
				t.Errorf("published = %q from %q, want %q from %q", got, a.Provenance["published_at"], tt.wantPublished, tt.wantFrom)
			}
			if strings.Join(a.Authors, "|") != tt.wantAuthors {
				t.Errorf("authors = %q, want %q", a.Authors, tt.wantAuthors)
			}
			if a.Wire != tt.wantWire {
				t.Errorf("wire = %q, want %q", a.Wire, tt.wantWire)
			}
			if (a.ModifiedAt != nil) != tt.wantModified {
				t.Errorf("modified = %v, want set %v", a.ModifiedAt, tt.wantModified)
			}
		})
	}
}

// A plain-text article may open with its date line, above the headline:
// the headline is the title, and the date line its publication date.
func TestPlainTextDateLineAboveTheHeadline(t *testing.T) {
	raw := rawDoc("27 November 2005\nQuake Shakes Southern Iran\nAn earthquake hit the island of Qeshm on Sunday, injuring five people, state media said.\n", "text/plain")
	a, err := Extract(context.Background(), raw, Options{}, testNow)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if a.Title != "Quake Shakes Southern Iran" {
		t.Errorf("title = %q, want the headline", a.Title)
	}
	if a.PublishedAt == nil || a.PublishedAt.Format("2006-01-02") != "2005-11-27" || a.Provenance["published_at"] != events.FromText {
		t.Errorf("published = %v from %q, want 2005-11-27 from the text", a.PublishedAt, a.Provenance["published_at"])
	}
}
