package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFindScrapingHub(t *testing.T) {
	root := t.TempDir()
	work := filepath.Join(root, "main", "bench", "extract")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := FindScrapingHub(work); !errors.Is(err, ErrNoDatasets) {
		t.Fatalf("FindScrapingHub without datasets: got %v, want ErrNoDatasets", err)
	}
	want := filepath.Join(root, "shared", "datasets", "scrapinghub-aeb")
	if err := os.MkdirAll(filepath.Join(want, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := FindScrapingHub(work)
	if err != nil || got != want {
		t.Fatalf("FindScrapingHub: got %q, %v, want %q", got, err, want)
	}
}

// TestExtractors checks, on one page, that both extractors compared find
// text: a benchmark of an extractor that fails fast would mean nothing.
func TestExtractors(t *testing.T) {
	pages := loadPages(t, 1)
	ctx := context.Background()
	for _, x := range Extractors() {
		for _, p := range pages {
			text, err := x.Prepare(p)(ctx, time.Now())
			if err != nil {
				t.Errorf("%s on %s: %v", x.Name(), p.ID, err)
				continue
			}
			if len(strings.Fields(text)) < 50 {
				t.Errorf("%s on %s: got %d words, want at least 50", x.Name(), p.ID, len(strings.Fields(text)))
			}
		}
	}
}
