package extract

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
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
}

// fuzzExtract adds seeds to f's corpus and fuzzes Extract with bodies of
// contentType.
func fuzzExtract(f *testing.F, contentType string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFuzzResult(t, body, contentType)
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
	)
}
