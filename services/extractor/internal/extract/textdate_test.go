package extract

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func TestPlainTextDateLine(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	body := "Dock workers at the port of Halden walked off the job on Monday after talks broke down.\n\n" +
		"About 2,300 workers joined the stoppage, the union said.\n"
	tests := []struct {
		name                string
		text                string
		published, modified string // YYYY-MM-DD, or empty
		kept                string // the date line, which stays in the text
	}{
		{"date after the byline", "Dock workers strike at Halden\n\nBy Oskar Brenne\n\nMarch 9, 2026\n\n" + body, "2026-03-09", "", "March 9, 2026"},
		{"a line a paragraph", "Dock workers strike at Halden\nBy Oskar Brenne\nMarch 9, 2026\n" + strings.ReplaceAll(body, "\n\n", "\n"), "2026-03-09", "", "March 9, 2026"},
		{"labelled, with a time", "Dock workers strike at Halden\n\nPublished: 9 March 2026 08:10 GMT\n\n" + body, "2026-03-09", "", "Published"},
		{"update line", "Dock workers strike at Halden\n\nMarch 9, 2026\n\nUpdated: 2026-03-10\n\n" + body, "2026-03-09", "2026-03-10", "Updated"},
		{"a date in a sentence is text", "Dock workers strike at Halden\n\nThe strike began on March 9, 2026, after talks broke down.\n\n" + body, "", "", ""},
		{"a date after now is not a date line", "Dock workers strike at Halden\nMarch 9, 2027\n\n" + body, "", "", ""},
		{"last updated", "Dock workers strike at Halden\n\nMarch 9, 2026\n\nLast updated: March 10, 2026, 14:05 GMT\n\n" + body, "2026-03-09", "2026-03-10", "Last updated"},
		{"weekday, date and time", "Dock workers strike at Halden\n\nMonday, 9 March 2026 - 08:10 CET\n\n" + body, "2026-03-09", "", "Monday"},
		{"a headline with a date is no date line", "The strike of March 2, 2026 in numbers\n\n" + body, "", "", ""},
		{"a line with a count and a date is no date line", "Dock workers strike at Halden\n\nThe strike of 2,300, since 9 March 1991\n\n" + body, "", "", ""},
		{"a byline with a date is no date line", "Dock workers strike at Halden\n\nBy Oskar Brenne, March 9, 2026\n\n" + body, "", "", ""},
		{"a dateline is no date line", "Dock workers strike at Halden\n\nHALDEN, Norway, March 9, 2026 (Reuters)\n\n" + body, "", "", ""},
		{"day and month either way", "Dock workers strike at Halden\n\nPosted 09/03/2026\n\n" + body, "", "", ""},
		{"a date line deep in the text is text", "Dock workers strike at Halden\n\n" + body + "\nOne.\n\nTwo.\n\nMarch 9, 2026\n", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Extract(context.Background(), rawDoc(tt.text, "text/plain"), Options{}, now)
			if err != nil {
				t.Fatal(err)
			}
			day := func(x *time.Time) string {
				if x == nil {
					return ""
				}
				return x.Format(time.DateOnly)
			}
			if day(a.PublishedAt) != tt.published || day(a.ModifiedAt) != tt.modified {
				t.Errorf("published %q modified %q, want %q and %q", day(a.PublishedAt), day(a.ModifiedAt), tt.published, tt.modified)
			}
			if tt.published != "" && a.Provenance["published_at"] != events.FromText {
				t.Errorf("published_at from %q, want %q", a.Provenance["published_at"], events.FromText)
			}
			if tt.kept != "" && !strings.Contains(a.Text, tt.kept) {
				t.Errorf("the date line left the text: %q", a.Text)
			}
			if !strings.Contains(a.Text, "About 2,300 workers") {
				t.Errorf("text lost: %q", a.Text)
			}
		})
	}
}
