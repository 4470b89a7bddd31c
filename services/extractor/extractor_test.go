package extractor_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/extractor"
	"github.com/wirewatch/wirewatch/services/extractor/internal/extract"
)

// rawDoc is a raw document holding body, as the fetcher publishes it.
func rawDoc(body, contentType string) *events.RawDocument {
	src := events.Source{Kind: events.SourceHTTP, URL: "https://news.example/story"}
	return &events.RawDocument{
		Schema: events.SchemaRawDocument, ID: events.DocumentID(src), Source: src,
		FetchedAt: time.Date(2025, 8, 7, 12, 0, 0, 0, time.UTC), ContentType: contentType,
		Body: []byte(body), ContentHash: events.BytesHash([]byte(body)),
	}
}

// TestExtractDeadLetterReasons checks the reason a document the extractor
// cannot take is dead-lettered with: a document over a size or complexity
// limit is too large, not merely invalid, so that whoever reads the
// dead letters knows to raise a limit rather than fix a page.
func TestExtractDeadLetterReasons(t *testing.T) {
	story := "<html><body><h1>Budget passes</h1><p>The council approved the budget on Monday after a long debate.</p></body></html>"
	tests := []struct {
		name       string
		raw        *events.RawDocument
		cfg        extractor.Config
		wantReason string
	}{
		{"over the size limit", rawDoc(story, "text/html"), extractor.Config{MaxBytes: 64}, events.ReasonTooLarge},
		{"nested too deep", rawDoc("<html><body>"+strings.Repeat("<div>", 10_000)+"<p>deep text</p>", "text/html"), extractor.Config{}, events.ReasonTooLarge},
		{"too many paragraphs", rawDoc(strings.Repeat("A line of text.\n", 30_000), "text/plain"), extractor.Config{}, events.ReasonTooLarge},
		{"no text", rawDoc("<html><body><nav>Home</nav></body></html>", "text/html"), extractor.Config{}, events.ReasonInvalid},
		{"not text", rawDoc("%PDF-1.7 "+strings.Repeat("\x00\x01\x02", 400), "application/pdf"), extractor.Config{}, events.ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extractor.Extract(context.Background(), tt.raw, tt.cfg, time.Date(2025, 8, 7, 12, 5, 0, 0, time.UTC))
			if a != nil {
				t.Fatalf("Extract returned an article, want an error")
			}
			var pe *stage.PermanentError
			if !errors.As(err, &pe) {
				t.Fatalf("Extract error %v is not permanent", err)
			}
			if pe.Reason != tt.wantReason {
				t.Errorf("dead-letter reason %q for %v, want %q", pe.Reason, err, tt.wantReason)
			}
		})
	}
}

// TestExtractCancelledIsRetried checks that a document whose work is cut
// short by the stage (shutting down, or its own deadline) is not
// dead-lettered: the same document succeeds when delivered again.
func TestExtractCancelledIsRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	raw := rawDoc("<html><body><h1>Budget passes</h1><p>The council approved the budget on Monday after a long debate.</p></body></html>", "text/html")
	_, err := extractor.Extract(ctx, raw, extractor.Config{}, time.Now())
	var pe *stage.PermanentError
	if err == nil || errors.As(err, &pe) || !errors.Is(err, context.Canceled) {
		t.Errorf("Extract under a cancelled context = %v, want context.Canceled, not permanent", err)
	}
}

// A document that runs past its work budget may have met a busy machine,
// not a hostile page: it is retried (the runner dead-letters it once the
// deliveries run out), not dead-lettered on the first try.
func TestExtractOverItsBudgetIsRetried(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><body><h1>Budget passes</h1>")
	for range 2000 {
		b.WriteString("<p>The council approved the budget on Monday after a long debate about the harbour.</p>")
	}
	b.WriteString("</body></html>")
	raw := rawDoc(b.String(), "text/html")
	_, err := extractor.Extract(context.Background(), raw, extractor.Config{Timeout: time.Microsecond}, time.Now())
	var pe *stage.PermanentError
	if err == nil || errors.As(err, &pe) || !errors.Is(err, extract.ErrTimeout) {
		t.Errorf("Extract over its work budget = %v, want extract.ErrTimeout, not permanent", err)
	}
}
