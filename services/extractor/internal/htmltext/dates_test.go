package htmltext

import (
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestParseDateZoneNames checks that a date written with a zone's
// abbreviation is read at that zone's offset, not at UTC's nor at the
// machine's local zone's: "05:12 EDT" is 09:12 UTC, not 05:12.
func TestParseDateZoneNames(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Wed, 06 Aug 2025 05:12:00 EDT", time.Date(2025, 8, 6, 9, 12, 0, 0, time.UTC)},
		{"Wed, 06 Aug 2025 23:12:00 PDT", time.Date(2025, 8, 7, 6, 12, 0, 0, time.UTC)},
		{"2025-02-06 05:12:00 EST", time.Date(2025, 2, 6, 10, 12, 0, 0, time.UTC)},
		{"Wed, 06 Aug 2025 10:00:00 CEST", time.Date(2025, 8, 6, 8, 0, 0, 0, time.UTC)},
		{"Wed, 06 Aug 2025 10:00:00 BST", time.Date(2025, 8, 6, 9, 0, 0, 0, time.UTC)},
		{"Wed Aug  6 10:00:00 JST 2025", time.Date(2025, 8, 6, 1, 0, 0, 0, time.UTC)},
		{"Wed, 06 Aug 2025 05:12:00 GMT", time.Date(2025, 8, 6, 5, 12, 0, 0, time.UTC)},
		{"Wed, 06 Aug 2025 05:12:00 UTC", time.Date(2025, 8, 6, 5, 12, 0, 0, time.UTC)},
		// A numeric offset beside the name is the one that counts.
		{"2025-08-06 05:12:00 -0400 EDT", time.Date(2025, 8, 6, 9, 12, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, now)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v, want %v", tt.in, got, ok, tt.want)
		}
	}
}

// TestDatesAheadOfUTC checks that a page dated, without a time, on the day
// that has begun in its own zone but not yet in UTC keeps its date: late
// in the UTC evening it is already the next morning in Asia and Oceania.
func TestDatesAheadOfUTC(t *testing.T) {
	late := time.Date(2025, 8, 6, 20, 0, 0, 0, time.UTC) // 06:00 on Aug 7 in Sydney
	day := time.Date(2025, 8, 7, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2025-08-07", "August 7, 2025", "7 August 2025", "2025-08-07T05:30:00"} {
		got, ok := parseDate(s, late)
		if !ok || got.Format(time.DateOnly) != "2025-08-07" {
			t.Errorf("parseDate(%q) at %v = %v, %v, want Aug 7", s, late, got, ok)
		}
	}
	if got, ok := dateFromURL("https://news.example/2025/08/07/story", late); !ok || !got.Equal(day) {
		t.Errorf("dateFromURL = %v, %v, want %v", got, ok, day)
	}
	// What is later than the day that has begun anywhere stays out, and so
	// does an instant after now, whatever its zone.
	for _, s := range []string{"2025-08-08", "August 8, 2025", "2025-08-07T07:00:00+00:00", "2025-08-07T11:00:00+14:00"} {
		if got, ok := parseDate(s, late); ok {
			t.Errorf("parseDate(%q) at %v = %v, want no date", s, late, got)
		}
	}
	if got, ok := dateFromURL("https://news.example/2025/08/08/story", late); ok {
		t.Errorf("dateFromURL of the day after = %v, want no date", got)
	}

	pages := []struct {
		name, url, head, body, wantFrom string
	}{
		{"meta date without a time", storyURL, `<meta property="article:published_time" content="2025-08-07">`, `<h1>Budget passes</h1>`, events.FromOpenGraph},
		{"date shown under the headline", storyURL, "", `<h1>Budget passes</h1><p class="date">August 7, 2025</p>`, events.FromText},
		{"date in the URL", "https://news.example/2025/08/07/budget-passes", "", `<h1>Budget passes</h1>`, events.FromURL},
	}
	for _, tt := range pages {
		t.Run(tt.name, func(t *testing.T) {
			page := "<html><head>" + tt.head + "</head><body>" + tt.body + para + "</body></html>"
			doc, err := Parse(t.Context(), []byte(page), Options{URL: tt.url, Now: late})
			if err != nil {
				t.Fatal(err)
			}
			m := doc.Meta
			if m.PublishedAt == nil || !m.PublishedAt.Equal(day) || m.Provenance["published_at"] != tt.wantFrom {
				t.Errorf("published = %v from %q, want %v from %q", m.PublishedAt, m.Provenance["published_at"], day, tt.wantFrom)
			}
		})
	}
}

// TestURLDateBeforeModified checks that the date a URL files a story
// under ("/2025/03/01/") is its publication date when the page gives no
// other, rather than the date the metadata says it was last modified: an
// update months later does not move when a story came out.
func TestURLDateBeforeModified(t *testing.T) {
	tests := []struct {
		name, url, head, body   string
		wantPublished, wantFrom string
		wantModified            string
	}{
		{
			name:          "modified in meta tags",
			url:           "https://news.example/2025/03/01/budget-passes",
			head:          `<meta property="article:modified_time" content="2025-08-05T10:00:00Z">`,
			body:          `<h1>Budget passes</h1>`,
			wantPublished: "2025-03-01T00:00:00Z", wantFrom: events.FromURL,
			wantModified: "2025-08-05T10:00:00Z",
		},
		{
			name:          "modified in JSON-LD",
			url:           "https://news.example/2025/03/01/budget-passes",
			head:          ld(`{"@type":"NewsArticle","headline":"Budget passes","dateModified":"2025-08-05T10:00:00Z"}`),
			body:          `<h1>Budget passes</h1>`,
			wantPublished: "2025-03-01T00:00:00Z", wantFrom: events.FromURL,
			wantModified: "2025-08-05T10:00:00Z",
		},
		{
			name:          "without a date in the URL the modification date stands in",
			url:           "https://news.example/news/budget-passes",
			head:          `<meta property="article:modified_time" content="2025-08-05T10:00:00Z">`,
			body:          `<h1>Budget passes</h1>`,
			wantPublished: "2025-08-05T10:00:00Z", wantFrom: events.FromOpenGraph,
			wantModified: "2025-08-05T10:00:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := storyMeta(t, tt.url, tt.head, tt.body)
			if got := rfc3339(m.PublishedAt); got != tt.wantPublished || m.Provenance["published_at"] != tt.wantFrom {
				t.Errorf("published = %q from %q, want %q from %q", got, m.Provenance["published_at"], tt.wantPublished, tt.wantFrom)
			}
			if got := rfc3339(m.ModifiedAt); got != tt.wantModified {
				t.Errorf("modified = %q, want %q", got, tt.wantModified)
			}
		})
	}
}
