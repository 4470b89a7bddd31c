package claims

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/services/extractor/internal/entities"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

func FuzzClaims(f *testing.F) {
	for _, seed := range []string{"000", "001", "002", "003", "004"} {
		if dir, err := seedsDir(); err == nil {
			if m, _ := filepath.Glob(filepath.Join(dir, seed+"_*.txt")); len(m) == 1 {
				if b, err := os.ReadFile(m[0]); err == nil {
					f.Add(string(b))
				}
			}
		}
	}
	for _, s := range []string{
		"",
		`“A,” he said. "B" ‘c’ «d» „e“ 'f g'`,
		"“unclosed quotation at the end of a paragraph goes on\n\n“and on,” she said.",
		"$5 billion, 3-1/2-year, 1,000.5 per cent, 10:30 a.m., 1/0, 9-9-9-year, twenty-five-hour",
		"According to , X said that. , said . “” ‘’ \"\"",
		"U.S. St. Petersburg Mr. J. K. Rowling said: “Yes.”",
		"\xff\xfe“\x80”said\xc3",
		"al-Assad von der Leyen Witkoff-Putin I’ll It's",
		"he said he said she said they said it said",
		"one two three four five six seven eight nine ten dozens of hundreds",
		// Appositions, titles and noun phrases.
		"Chief executive Peter Aaland, the chief executive, met Anna Berg. “No,” the company’s chief executive, Peter Aaland, said. “Yes, we will,” the chief executive, , said",
		"the Harbour Workers' Union said, , 41 container ships waiting 2,300 dock workers 72-hour strike 1 hour 3 port crane operators engine replaces the",
		"„Wir waren elf Monate lang geduldig“, sagte Ingrid Solberg. »Nein«, sagte er. 5,5 Prozent, 2.300 Hafenarbeiter",
		// Hostile text: quotations nested deep and never closed, NULs, a
		// BOM, one very long sentence, numbers without end.
		strings.Repeat("“‘«„\"", 200) + " he said",
		"\xef\xbb\xbf“A\x00B,” she\x00 said. \x00\x00 $\x005 billion",
		strings.Repeat("the minister said that prices rose 5% and ", 200) + ".",
		strings.Repeat("9", 400) + " per cent, 1e308 billion, $" + strings.Repeat("9,999", 80) + " trillion",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d := segment.Split(text)
		checkDoc(t, d)
		ents := entities.Find(d, entities.Options{Dateline: text})
		if n := len(ents.Entities()); n > entities.MaxEntities {
			t.Fatalf("%d entities, want at most %d", n, entities.MaxEntities)
		}
		for _, m := range ents.Mentions {
			if m.First < 0 || m.Last > len(d.Tokens) || m.First >= m.Last || m.Name == "" {
				t.Fatalf("mention %+v out of range (%d tokens)", m, len(d.Tokens))
			}
		}
		cs := Find(d, ents)
		checkSpans(t, text, cs)
		if utf8.ValidString(text) {
			for _, c := range cs {
				if !utf8.ValidString(c.Speaker) || !utf8.ValidString(c.Cue) || !utf8.ValidString(c.Unit) {
					t.Fatalf("claim %+v of valid text is not valid UTF-8", c)
				}
			}
		}
	})
}

// checkDoc checks the segmentation the claims rely on: tokens in order and
// in range, rune offsets matching, sentences and quotations in order.
func checkDoc(t *testing.T, d *segment.Doc) {
	t.Helper()
	runes := []rune(d.Text)
	prevEnd := 0
	for i, tok := range d.Tokens {
		if int(tok.Start) < prevEnd || tok.Start >= tok.End || int(tok.End) > len(d.Text) {
			t.Fatalf("token %d [%d,%d) out of order or range", i, tok.Start, tok.End)
		}
		if int(tok.REnd) > len(runes) || string(runes[tok.RStart:tok.REnd]) != d.Slice(i, i+1) {
			t.Fatalf("token %d runes [%d,%d) do not match %q", i, tok.RStart, tok.REnd, d.Slice(i, i+1))
		}
		prevEnd = int(tok.End)
	}
	next := 0
	for i, s := range d.Sentences {
		if s.First != next || s.Last <= s.First {
			t.Fatalf("sentence %d [%d,%d) does not follow %d", i, s.First, s.Last, next)
		}
		next = s.Last
	}
	if next != len(d.Tokens) {
		t.Fatalf("sentences end at token %d of %d", next, len(d.Tokens))
	}
	last := -1
	for i, q := range d.Quotes {
		if q.Open <= last || q.First <= q.Open || q.Last <= q.First || q.Close >= 0 && q.Close < q.Last {
			t.Fatalf("quotation %d %+v out of order", i, q)
		}
		last = max(q.Close, q.Last-1)
	}
}

// TestDatasetInvariants runs the finders over the article bodies of the
// ScrapingHub benchmark in ../shared/datasets, when it is there: 181 real
// pages in several languages, for the invariants only.
func TestDatasetInvariants(t *testing.T) {
	dir, err := seedsDir()
	if err != nil {
		t.Skip("shared/ not found above the working directory")
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "datasets", "scrapinghub-aeb", "ground-truth.json"))
	if err != nil {
		t.Skipf("no ScrapingHub ground truth: %v", err)
	}
	var pages map[string]struct {
		ArticleBody string `json:"articleBody"`
	}
	if err := json.Unmarshal(b, &pages); err != nil {
		t.Fatalf("decoding ground truth: %v", err)
	}
	for id, p := range pages {
		d := segment.Split(p.ArticleBody)
		cs := Find(d, entities.Find(d, entities.Options{}))
		t.Run(id[:12], func(t *testing.T) {
			checkSpans(t, p.ArticleBody, cs)
		})
	}
}
