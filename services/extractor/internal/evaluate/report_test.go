package evaluate

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestPrintMisses runs two labelled pages through an extraction that gets
// the first page's metadata right and the second's wrong, and checks that
// only the second is listed, with what was wanted, what was found and
// where.
func TestPrintMisses(t *testing.T) {
	day := time.Date(2025, 8, 4, 9, 0, 0, 0, time.UTC)
	pages := []Page{
		{ID: "right", URL: "https://example.org/a", HTML: []byte("a"), Truth: Truth{Text: "x", Title: "Budget passes", Author: "Ann Lee", Date: "2025-08-04"}},
		{ID: "wrong", URL: "https://example.org/b", HTML: []byte("b"), Truth: Truth{Text: "x", Title: "Storm hits", Author: "Bo Chen", Date: "2025-08-01"}},
	}
	extract := func(_ context.Context, raw *events.RawDocument, _ time.Time) (*events.Article, error) {
		return &events.Article{
			Title: "Budget passes", Authors: []string{"Ann Lee"}, PublishedAt: &day, Text: "x",
			Provenance: map[string]string{"title": events.FromHeading, "authors": events.FromByline, "published_at": events.FromJSONLD},
		}, nil
	}
	rep := Run(context.Background(), "test", pages, WordsBag, extract)
	for _, field := range []string{"title", "author", "date"} {
		var b bytes.Buffer
		rep.PrintMisses(&b, field)
		out := b.String()
		if strings.Contains(out, "right https://") || !strings.Contains(out, "wrong https://example.org/b") {
			t.Errorf("%s misses list the wrong pages:\n%s", field, out)
		}
	}
	var b bytes.Buffer
	rep.PrintMisses(&b, "author")
	if want := `want "Bo Chen"` + "\n" + `    got  "Ann Lee" (byline)`; !strings.Contains(b.String(), want) {
		t.Errorf("author misses = %q, want it to hold %q", b.String(), want)
	}
}
