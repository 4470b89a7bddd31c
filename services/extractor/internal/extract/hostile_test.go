package extract

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/transcode"
)

// hostileDoc is a raw document with body, fetched from a plain URL, as the
// fetcher would publish it.
func hostileDoc(body []byte, contentType, charset string) *events.RawDocument {
	src := events.Source{Kind: events.SourceHTTP, URL: "https://news.example/story"}
	return &events.RawDocument{
		Schema:      events.SchemaRawDocument,
		ID:          events.DocumentID(src),
		Source:      src,
		FetchedAt:   testNow.Add(-time.Minute),
		ContentType: contentType,
		Charset:     charset,
		Body:        body,
		ContentHash: events.BytesHash(body),
	}
}

// hostileBudget is how long bad input may take to be refused: far less
// than the default work budget, so that a refusal by timeout fails.
const hostileBudget = time.Second

// extractHostile extracts raw under the default options and checks that it
// comes back, within hostileBudget, with no panic.
func extractHostile(t *testing.T, raw *events.RawDocument) (*events.Article, error) {
	t.Helper()
	type result struct {
		a   *events.Article
		err error
		p   any
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		var r result
		defer func() {
			r.p = recover()
			done <- r
		}()
		r.a, r.err = Extract(context.Background(), raw, Options{}, testNow)
	}()
	// The race detector slows the parser tenfold: the limit is for hangs,
	// the budget check below for slowness.
	select {
	case r := <-done:
		if r.p != nil {
			t.Fatalf("Extract panicked: %v", r.p)
		}
		if took := time.Since(start); took > hostileBudget && !raceDetector {
			t.Errorf("Extract took %s, want under %s", took, hostileBudget)
		}
		if r.err != nil && r.a != nil {
			t.Errorf("Extract returned an article with error %v", r.err)
		}
		return r.a, r.err
	case <-time.After(30 * time.Second):
		t.Fatal("Extract hung")
	}
	return nil, nil
}

// wantSentinel fails t unless err wraps want and says what was being done.
func wantSentinel(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("Extract() error = %v, want %v", err, want)
	}
	if !strings.HasPrefix(err.Error(), "extracting ") {
		t.Errorf("error %q does not say what was being done", err)
	}
}

func TestHostileBinary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 256<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"), random[:4096]...)
	nul := make([]byte, 64<<10)
	tests := []struct {
		name        string
		body        []byte
		contentType string
	}{
		{"random bytes, no type", random, ""},
		{"random bytes, octet-stream", random, "application/octet-stream"},
		{"png, no type", png, ""},
		{"png, image type", png, "image/png"},
		{"nul-filled, no type", nul, ""},
		{"nul-filled, octet-stream", nul, "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extractHostile(t, hostileDoc(tt.body, tt.contentType, ""))
			wantSentinel(t, err, ErrUnsupportedType)
		})
	}
	// Declared as text, binary bodies must fail as well. Extract reports
	// the decoder's ErrBinary as it is; mapping it to ErrUnsupportedType
	// is for extract.go.
	for _, tt := range []struct {
		name        string
		body        []byte
		contentType string
	}{
		{"random bytes as html", random, "text/html"},
		{"random bytes as text", random, "text/plain"},
		{"png as html", png, "text/html"},
		{"nul-filled as html", nul, "text/html"},
		{"nul-filled as text", nul, "text/plain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extractHostile(t, hostileDoc(tt.body, tt.contentType, ""))
			if !errors.Is(err, transcode.ErrBinary) && !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("Extract() error = %v, want ErrBinary or ErrUnsupportedType", err)
			}
			if !strings.HasPrefix(err.Error(), "extracting ") {
				t.Errorf("error %q does not say what was being done", err)
			}
		})
	}
}

func TestHostileEmpty(t *testing.T) {
	tests := []struct {
		name, body, contentType string
	}{
		{"empty html", "", "text/html"},
		{"empty text", "", "text/plain"},
		{"empty, no type", "", ""},
		{"white space html", " \n\t\r\n ", "text/html"},
		{"empty elements", "<html><head></head><body></body></html>", "text/html"},
		{"only a doctype", "<!DOCTYPE html>", "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extractHostile(t, hostileDoc([]byte(tt.body), tt.contentType, ""))
			wantSentinel(t, err, ErrNoText)
		})
	}
}

func TestHostileHuge(t *testing.T) {
	const size = 50 << 20
	unit := []byte("<p>All work and no play makes a dull page. ")
	body := bytes.Repeat(unit, size/len(unit)+1)[:size]
	raw := hostileDoc(body, "text/html", "")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	a, err := Extract(context.Background(), raw, Options{}, testNow)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if a != nil {
		t.Fatal("Extract returned an article for a 50 MB page")
	}
	wantSentinel(t, err, ErrTooLarge)
	// Refused before any work on the body: no copy, no decoding.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<10 {
		t.Errorf("refusing a 50 MB page allocated %d bytes, want under 64 KiB", alloc)
	}
	if took > 100*time.Millisecond {
		t.Errorf("refusing a 50 MB page took %s", took)
	}
}

func TestHostileNesting(t *testing.T) {
	const depth = 10_000
	tests := []struct {
		name string
		page string
	}{
		{"divs", strings.Repeat("<div>", depth) + "<p>deep text</p>"},
		{"self-closed divs", strings.Repeat("<div/>", depth) + "<p>deep text</p>"},
		{"spans", strings.Repeat("<span>", depth) + "deep text"},
		{"formatting elements", strings.Repeat("<b><i>", depth/2) + "deep text"},
		{"lists", strings.Repeat("<ul><li>", depth/2) + "deep text"},
		{"tables", strings.Repeat("<table><tr><td>", depth/3) + "deep text"},
		{"blockquotes", strings.Repeat("<blockquote>", depth) + "deep text"},
		{"svg groups", "<svg>" + strings.Repeat("<g>", depth) + "</svg><p>text</p>"},
		{"nested anchors with attributes", func() string {
			var b strings.Builder
			for i := range depth {
				b.WriteString("<a href=/" + string(rune('a'+i%26)) + "><font size=" + string(rune('1'+i%7)) + ">")
			}
			return b.String() + strings.Repeat("<p>x", 1000)
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extractHostile(t, hostileDoc([]byte("<html><body>"+tt.page), "text/html", ""))
			wantSentinel(t, err, ErrTooComplex)
		})
	}
	// Markup the parser closes as it goes is long, not deep. (Under the
	// race detector 10,000 paragraphs take longer than the default budget:
	// this one is generous.)
	raw := hostileDoc([]byte("<html><body>"+strings.Repeat("<p>Paragraph of text.", depth)), "text/html", "")
	a, err := Extract(context.Background(), raw, Options{Timeout: time.Minute}, testNow)
	if err != nil {
		t.Fatalf("10,000 unclosed paragraphs: %v", err)
	}
	if len(a.Blocks) != depth {
		t.Errorf("10,000 unclosed paragraphs: got %d blocks, want %d", len(a.Blocks), depth)
	}
}

// russianStory is a short news story in Russian.
const russianStory = "Правительство объявило о новых мерах поддержки малого бизнеса. " +
	"Как сообщили в министерстве, программа начнёт действовать с первого марта и продлится два года."

func TestHostileWrongCharset(t *testing.T) {
	page := func(head string) string {
		return head + "<html><head><title>Новости</title></head><body><article><p>" + russianStory + "</p></article></body></html>"
	}
	cp1251 := func(s string) []byte { return encodeTo(t, "windows-1251", s) }
	tests := []struct {
		name        string
		body        []byte
		contentType string
		charset     string
	}{
		{"windows-1251 page, header says utf-8", cp1251(page("")), "text/html; charset=utf-8", ""},
		{"windows-1251 page, transport says utf-8", cp1251(page("")), "text/html", "utf-8"},
		{"windows-1251 page, meta says utf-8", cp1251(page(`<meta charset="utf-8">`)), "text/html", ""},
		{"windows-1251 page, header says latin-1", cp1251(page("")), "text/html; charset=iso-8859-1", ""},
		{"windows-1251 page, undeclared", cp1251(page("")), "text/html", ""},
		{"utf-8 page, header says windows-1251", []byte(page("")), "text/html; charset=windows-1251", ""},
		{"utf-8 page, meta says windows-1251", []byte(page("<meta charset=windows-1251>")), "text/html", ""},
		{"windows-1251 text, header says utf-8", cp1251(russianStory), "text/plain; charset=utf-8", ""},
		{"utf-8 text, header says windows-1251", []byte(russianStory), "text/plain; charset=windows-1251", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extractHostile(t, hostileDoc(tt.body, tt.contentType, tt.charset))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if !strings.Contains(a.Text, "Правительство объявило") || strings.ContainsRune(a.Text, '\uFFFD') {
				t.Errorf("text = %q, want it to read %q", a.Text, russianStory)
			}
			if a.Language != "ru" {
				t.Errorf("language = %q, want ru", a.Language)
			}
		})
	}
}

// encodeTo returns s in the legacy character set name.
func encodeTo(t *testing.T, name, s string) []byte {
	t.Helper()
	e, _ := charset.Lookup(name)
	if e == nil {
		t.Fatalf("no character set %s", name)
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
