package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// fuzzOptions keep each fuzz input cheap while still exercising the limits.
var fuzzOptions = Options{MaxBytes: 1 << 20, MaxNodes: 20_000, Timeout: 2 * time.Second}

// checkFuzzResult checks that Extract either returned an article that
// validates, whose spans are right and whose text fields are valid UTF-8,
// or one of its errors; and that a second extraction of the same document
// gives the same article.
func checkFuzzResult(t *testing.T, body []byte, contentType string) {
	raw := rawDoc(string(body), contentType)
	a, err := Extract(context.Background(), raw, fuzzOptions, testNow)
	again, err2 := Extract(context.Background(), rawDoc(string(body), contentType), fuzzOptions, testNow)
	if !errors.Is(err, ErrTimeout) && !errors.Is(err2, ErrTimeout) &&
		(!reflect.DeepEqual(a, again) || (err == nil) != (err2 == nil)) {
		t.Fatalf("two extractions of the same document differ:\n%+v, %v\n%+v, %v", a, err, again, err2)
	}
	if err != nil {
		if a != nil {
			t.Fatalf("Extract returned an article with error %v", err)
		}
		for _, sentinel := range []error{ErrNoText, ErrTooLarge, ErrTooComplex, ErrUnsupportedType, ErrTimeout} {
			if errors.Is(err, sentinel) {
				return
			}
		}
		t.Fatalf("Extract() error = %v, want one of the package's sentinels", err)
	}
	checkArticle(t, a, raw)
	if _, err := json.Marshal(a); err != nil {
		t.Fatalf("the article cannot be encoded: %v", err)
	}
	fields := []string{a.Title, a.Text, a.SiteName, a.Description, a.Section, a.Wire, a.Dateline, a.Language}
	fields = append(append(fields, a.Authors...), a.Tags...)
	for _, f := range fields {
		if !utf8.ValidString(f) {
			t.Fatalf("article field %q is not valid UTF-8", f)
		}
	}
	// Every metadata field is one clean line, and every block of the text
	// is one too: nothing invisible, no control character, single spaces.
	lines := []string{a.Title, a.SiteName, a.Description, a.Section, a.Wire, a.Dateline}
	lines = append(append(lines, a.Authors...), a.Tags...)
	for _, b := range a.Blocks {
		lines = append(lines, string([]rune(a.Text)[b.Start:b.End]))
	}
	for _, l := range lines {
		if textnorm.Line(l) != l {
			t.Fatalf("%q is not one normalised line (%q)", l, textnorm.Line(l))
		}
	}
	// The text cannot outgrow what the body holds: a byte decoded from a
	// legacy charset or replaced as invalid is at most 3 bytes of UTF-8.
	if len(a.Text) > 3*len(body)+16 {
		t.Fatalf("%d bytes of text from a body of %d", len(a.Text), len(body))
	}
	// Dates found in the document are plausible publication dates.
	for name, d := range map[string]*time.Time{"published_at": a.PublishedAt, "modified_at": a.ModifiedAt} {
		if d != nil && (d.Before(fuzzEarliest) || d.After(a.ExtractedAt.Add(14*time.Hour))) {
			t.Fatalf("%s = %v, outside [%v, extracted_at %v + 14h]", name, d, fuzzEarliest, a.ExtractedAt)
		}
	}
	if a.PublishedAt != nil && a.ModifiedAt != nil && a.ModifiedAt.Before(*a.PublishedAt) {
		t.Fatalf("modified_at %v before published_at %v", a.ModifiedAt, a.PublishedAt)
	}
	runes := []rune(a.Text)
	for _, c := range a.Claims {
		if c.Start < 0 || c.End > len(runes) || c.Start >= c.End || c.Text == "" {
			t.Fatalf("claim %+v spans outside the text of %d runes", c, len(runes))
		}
	}
	for _, e := range a.Entities {
		if e.Name == "" || e.Mentions < 1 {
			t.Fatalf("entity %+v has no name or no mention", e)
		}
	}
}

// fuzzEarliest is the earliest date a page may give for itself.
var fuzzEarliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// fuzzExtract adds seeds to f's corpus and fuzzes Extract with bodies of
// contentType.
func fuzzExtract(f *testing.F, contentType string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFuzzResult(t, body, contentType)
		// A UTF-8 byte order mark changes nothing in a document that is
		// UTF-8 (without NULs or escapes, which could make it read as
		// UTF-16 or ISO-2022-JP without one).
		if utf8.Valid(body) && !bytes.ContainsAny(body, "\x00\x1b") && !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) && len(body)+3 <= fuzzOptions.MaxBytes {
			a, err := Extract(context.Background(), rawDoc(string(body), contentType), fuzzOptions, testNow)
			b, errBOM := Extract(context.Background(), rawDoc("\ufeff"+string(body), contentType), fuzzOptions, testNow)
			if !errors.Is(err, ErrTimeout) && !errors.Is(errBOM, ErrTimeout) && (!reflect.DeepEqual(a, b) || (err == nil) != (errBOM == nil)) {
				t.Fatalf("a byte order mark changes the article:\n%+v, %v\n%+v, %v", a, err, b, errBOM)
			}
		}
	})
}

func FuzzPlainText(f *testing.F) {
	if dir, err := findSeeds(); err == nil {
		matches, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b)
			}
		}
	}
	fuzzExtract(f, "text/plain",
		"",
		"Title\n\nBody text here.",
		"By Jane Doe and John Roe\nLONDON (Reuters) - Text.\n(Reporting by X; Editing by Y)",
		"MOSCOW (Reuters) -\n",
		"1 month Ago By\n© 2024\n",
		"‘’“”\u00a0\u200b\ufeff\r\n\r\n",
		"\xff\xfe\x00a\x00b",
		"\xfe\xff\x00a",
		"U.S. . . . ! ? …",
		"Title\n9 March 2026\nBody text here.",
		"Title\nUpdated: 2026-03-01\nPublished 10 March 2026 08:10 GMT\n\nBody.",
		"March 9, 2026\n\nMarch 9, 2026\n\n03/09/2026\n",
		"Title\x00\nBody\x00text\x00with NULs.\x00\n\n\x00",
		"\xef\xbb\xbfTitle\n\nBody \xe9t\xe9 caf\xc3\xa9 \x80\x9d mixed.",
		"Title\n\n"+strings.Repeat("word ", 1000),
		"Title\n"+strings.Repeat("1 Jan 2020, 2020-02-02, 3/3/2021 09:00, Monday 4 May 2022 ", 40)+"\n\nBody.",
	)
}

func FuzzHTML(f *testing.F) {
	for _, tc := range htmlCases {
		if b, err := os.ReadFile(filepath.Join("testdata", tc.file)); err == nil {
			f.Add(b)
		}
	}
	fuzzExtract(f, "text/html",
		"",
		"<p>x",
		"<html><head><title>T | S</title><meta property=og:site_name content=S></head><body><article><p>Text.</p></article></body></html>",
		`<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":[{"name":"A B"},"C D"],"headline":"H"}]}</script><p>x y z</p>`,
		"<table><tr><td><table><tr><td>a</td></tr></table></td></tr></table>",
		"<b><i><u><p>a<p>b<p>c</b></i></u>",
		"<svg><p>x</p></svg><math><mi>y</mi></math>",
		"<meta charset=utf-16><p>a</p>",
		"<!DOCTYPE html><frameset><frame></frameset>",
		"<time datetime=\"9999-12-31\"></time><p>a</p>",
		strings.Repeat("<div><span>", 200)+"<p>deep text</p>",
		"<p title=\""+strings.Repeat("x", 3000)+"\">a <b>b</b></p>",
		"<title>T\x00itle</title><p>a\x00b\x00\x00 c</p>",
		"\xef\xbb\xbf<meta charset=windows-1252><title>caf\xe9 caf\xc3\xa9</title><p>\x93quoted\x94 \xff\xfe</p>",
		"\xff\xfe<\x00p\x00>\x00a\x00",
		"<html><body><p>"+strings.Repeat("long line without a break ", 300)+"</p></body></html>",
		"<title>T</title><p>"+strings.Repeat("Published 1 March 2024, updated 2024-03-02T10:00:00Z, 03/04/2024 ", 30)+"</p>",
		`<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><title>&b;&b;</title><p>&b;&b;&b;&amp;&#0;&#xD800;&#1114112;</p>`,
		`<meta property="article:published_time" content="0001-01-01T00:00:00Z"><meta property="article:modified_time" content="1989-12-31"><title>T</title><p>a</p>`,
		`<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-13-45T25:61:61+99:99","dateModified":"1700-01-01","headline":"`+strings.Repeat("[", 300)+`"}</script><p>x</p>`,
	)
}
