package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// findSeeds finds shared/seeds beside the repository: it walks up from the
// test's working directory to the first directory holding "shared/seeds".
// (The repository's own directory may have any name: CI clones it afresh.)
func findSeeds() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		seeds := filepath.Join(dir, "shared", "seeds")
		if fi, err := os.Stat(seeds); err == nil && fi.IsDir() {
			return seeds, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// seedsDir is findSeeds for tests: it skips the test when there are no
// seeds.
func seedsDir(t testing.TB) string {
	t.Helper()
	dir, err := findSeeds()
	if err != nil {
		t.Skipf("shared/seeds not found above the working directory: %v", err)
	}
	return dir
}

// seedDoc reads the seed whose name starts with prefix as a raw document.
func seedDoc(t testing.TB, dir, prefix string) *events.RawDocument {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, prefix+"_*.txt"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("finding seed %s in %s: %d matches, err %v", prefix, dir, len(matches), err)
	}
	body, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatalf("reading seed: %v", err)
	}
	src := events.Source{Kind: events.SourceFile, Path: filepath.Base(matches[0])}
	return &events.RawDocument{
		Schema:      events.SchemaRawDocument,
		ID:          events.DocumentID(src),
		Source:      src,
		FetchedAt:   time.Date(2025, 8, 7, 10, 0, 0, 0, time.UTC),
		ContentType: "text/plain; charset=utf-8",
		Body:        body,
		ContentHash: events.BytesHash(body),
	}
}

var testNow = time.Date(2025, 8, 7, 12, 0, 0, 0, time.UTC)

func TestSeeds(t *testing.T) {
	dir := seedsDir(t)
	tests := []struct {
		name       string
		seed       string
		title      string
		authors    []string
		wire       string
		dateline   string
		notPrefix  []string
		notContain []string
		headings   bool
	}{
		{
			name: "rewrite without title",
			seed: "000",
		},
		{
			name:       "loose rewrite with chrome",
			seed:       "001",
			title:      "Trump Envoy Visits Moscow Before Sanctions Deadline",
			authors:    []string{"Nikodem Baran"},
			notContain: []string{"1 month Ago", "Copyright", "Trump Envoy Visits Moscow Before Sanctions Deadline"},
			headings:   true,
		},
		{
			name:       "reuters wire story",
			seed:       "002",
			authors:    []string{"Gleb Bryanski", "Mark Trevelyan"},
			wire:       "Reuters",
			dateline:   "MOSCOW",
			notPrefix:  []string{"MOSCOW (Reuters)", "By Gleb"},
			notContain: []string{"Editing by", "Reporting by"},
			headings:   true,
		},
		{
			name: "short summary",
			seed: "003",
		},
		{
			name:       "earlier story with inputs credit",
			seed:       "004",
			wire:       "Reuters",
			notContain: []string{"With inputs from"},
			headings:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := seedDoc(t, dir, tt.seed)
			a, err := Extract(context.Background(), raw, Options{}, testNow)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkArticle(t, a, raw)
			if a.Language != "en" {
				t.Errorf("language = %q, want en", a.Language)
			}
			if tt.title != "" && a.Title != tt.title {
				t.Errorf("title = %q, want %q", a.Title, tt.title)
			}
			if tt.authors != nil && strings.Join(a.Authors, "|") != strings.Join(tt.authors, "|") {
				t.Errorf("authors = %q, want %q", a.Authors, tt.authors)
			}
			if a.Wire != tt.wire {
				t.Errorf("wire = %q, want %q", a.Wire, tt.wire)
			}
			if a.Dateline != tt.dateline {
				t.Errorf("dateline = %q, want %q", a.Dateline, tt.dateline)
			}
			for _, p := range tt.notPrefix {
				if strings.HasPrefix(a.Text, p) {
					t.Errorf("text starts with %q: %.80q", p, a.Text)
				}
			}
			for _, s := range tt.notContain {
				if strings.Contains(a.Text, s) {
					t.Errorf("text contains %q", s)
				}
			}
			if got := hasKind(a, events.BlockHeading); got != tt.headings {
				t.Errorf("has heading blocks = %v, want %v", got, tt.headings)
			}
			t.Logf("title=%q authors=%q wire=%q dateline=%q provenance=%v blocks=%d", a.Title, a.Authors, a.Wire, a.Dateline, a.Provenance, len(a.Blocks))
		})
	}
}

func hasKind(a *events.Article, k events.BlockKind) bool {
	for _, b := range a.Blocks {
		if b.Kind == k {
			return true
		}
	}
	return false
}

// checkArticle checks what every extracted article must satisfy.
func checkArticle(t testing.TB, a *events.Article, raw *events.RawDocument) {
	t.Helper()
	if err := a.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
	if a.ID != raw.ID || a.Source != raw.Source || !a.FetchedAt.Equal(raw.FetchedAt) {
		t.Errorf("id, source, fetched_at = %q, %+v, %v, want %q, %+v, %v", a.ID, a.Source, a.FetchedAt, raw.ID, raw.Source, raw.FetchedAt)
	}
	if a.Title == "" || strings.TrimSpace(a.Title) != a.Title {
		t.Errorf("title = %q, want non-empty and trimmed", a.Title)
	}
	if a.ContentHash != events.TextHash(a.Text) {
		t.Errorf("content_hash = %q, want TextHash(text) %q", a.ContentHash, events.TextHash(a.Text))
	}
	if a.PublishedAt != nil && a.PublishedAt.After(a.ExtractedAt) {
		t.Errorf("published_at = %v, after extracted_at %v", a.PublishedAt, a.ExtractedAt)
	}
	checkSpans(t, a)
}

// checkSpans checks that the blocks tile the text: each span slices a
// non-empty block, in order, separated by "\n\n".
func checkSpans(t testing.TB, a *events.Article) {
	t.Helper()
	runes := []rune(a.Text)
	if len(a.Blocks) == 0 {
		t.Errorf("no blocks")
		return
	}
	var parts []string
	prev := 0
	for i, b := range a.Blocks {
		if b.Start < prev || b.End <= b.Start || b.End > len(runes) {
			t.Errorf("block %d span [%d,%d) is out of order or range (text has %d runes)", i, b.Start, b.End, len(runes))
			return
		}
		if i > 0 && string(runes[prev:b.Start]) != "\n\n" {
			t.Errorf("between blocks %d and %d: %q, want \"\\n\\n\"", i-1, i, string(runes[prev:b.Start]))
		}
		s := string(runes[b.Start:b.End])
		if strings.TrimSpace(s) != s || strings.Contains(s, "\n") {
			t.Errorf("block %d = %q, want one trimmed line", i, s)
		}
		parts = append(parts, s)
		prev = b.End
	}
	if got := strings.Join(parts, "\n\n"); got != a.Text {
		t.Errorf("blocks joined = %.80q..., want the text %.80q...", got, a.Text)
	}
}
