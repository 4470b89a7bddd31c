// Package extract turns a fetched document (an events.RawDocument) into an
// article (an events.Article): its text as blocks, and its metadata with
// where each field was found. It handles plain text and HTML, and bounds the
// work it spends on any one document.
package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/boilerplate"
	"github.com/wirewatch/wirewatch/services/extractor/internal/htmltext"
	"github.com/wirewatch/wirewatch/services/extractor/internal/lang"
	"github.com/wirewatch/wirewatch/services/extractor/internal/plaintext"
	"github.com/wirewatch/wirewatch/services/extractor/internal/transcode"
)

// Errors for documents that cannot be extracted. They are permanent: the same
// document fails the same way again.
var (
	// ErrNoText is returned when a document holds no article text.
	ErrNoText = errors.New("extract: no article text")
	// ErrTooLarge is returned when a body is over Options.MaxBytes.
	ErrTooLarge = errors.New("extract: document too large")
	// ErrTooComplex is returned when a page is over Options.MaxNodes or
	// nested too deep, or a text has too many paragraphs.
	ErrTooComplex = errors.New("extract: document too complex")
	// ErrUnsupportedType is returned for content that is neither plain
	// text nor HTML, such as a JSON document, whatever its declared type.
	ErrUnsupportedType = errors.New("extract: unsupported content type")
	// ErrTimeout is returned when extraction takes longer than
	// Options.Timeout. It is not returned when the caller's context ends:
	// then the context's error is.
	ErrTimeout = errors.New("extract: work budget exceeded")
	// ErrInvalidDocument is returned for a raw document that lacks what an
	// article needs, such as an id or a source.
	ErrInvalidDocument = errors.New("extract: invalid document")
)

// Defaults for Options fields left zero.
const (
	DefaultMaxBytes = 4 << 20
	DefaultMaxNodes = htmltext.DefaultMaxNodes
	DefaultTimeout  = 2 * time.Second
)

// Options bound the work spent on one document. Zero fields take their
// defaults.
type Options struct {
	// MaxBytes caps the size of the body; DefaultMaxBytes when zero.
	MaxBytes int
	// MaxNodes caps the number of HTML nodes; DefaultMaxNodes when zero.
	MaxNodes int
	// Timeout is the work budget for one document; DefaultTimeout when
	// zero.
	Timeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxNodes <= 0 {
		o.MaxNodes = DefaultMaxNodes
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Extract extracts the article from raw. now is the time of extraction: it
// becomes the article's ExtractedAt, and no date after it is taken as a
// publication date. The article returned passes Validate. Errors wrap one of
// the package's sentinels, or ctx's error when ctx ends first.
func Extract(ctx context.Context, raw *events.RawDocument, opts Options, now time.Time) (*events.Article, error) {
	if raw == nil {
		return nil, fmt.Errorf("extracting: %w: no document", ErrInvalidDocument)
	}
	opts = opts.withDefaults()
	if len(raw.Body) > opts.MaxBytes {
		return nil, fmt.Errorf("extracting %s: %w: %d bytes, limit %d", raw.ID, ErrTooLarge, len(raw.Body), opts.MaxBytes)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extracting %s: %w", raw.ID, err)
	}
	budget, cancel := context.WithTimeoutCause(ctx, opts.Timeout, ErrTimeout)
	defer cancel()
	a, err := extract(budget, raw, opts, now)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("extracting %s: %w", raw.ID, ctx.Err())
		case errors.Is(err, context.DeadlineExceeded) && errors.Is(context.Cause(budget), ErrTimeout):
			return nil, fmt.Errorf("extracting %s: %w: over %s", raw.ID, ErrTimeout, opts.Timeout)
		}
		return nil, fmt.Errorf("extracting %s: %w", raw.ID, err)
	}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("extracting %s: %w: %w", raw.ID, ErrInvalidDocument, err)
	}
	return a, nil
}

// docKind is the kind of content a document holds.
type docKind int

const (
	kindText docKind = iota + 1
	kindHTML
)

// kindOf tells plain text from HTML by the content type, else by the file
// extension of the source, else by sniffing the bytes. A body that is a
// JSON document is neither, whatever its type says: an API's answer or a
// firewall's error served as a page.
func kindOf(raw *events.RawDocument) (docKind, error) {
	if isJSON(raw.Body) {
		return 0, fmt.Errorf("%w: a JSON document, declared %q", ErrUnsupportedType, raw.ContentType)
	}
	mt, _, err := mime.ParseMediaType(raw.ContentType)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(raw.ContentType), ";")
		mt = strings.TrimSpace(mt)
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "application/xhtml":
		return kindHTML, nil
	case "text/plain", "text/markdown", "text/x-markdown":
		return kindText, nil
	case "", "application/octet-stream", "binary/octet-stream", "application/unknown":
	default:
		return 0, fmt.Errorf("%w: %q", ErrUnsupportedType, mt)
	}
	name := raw.Source.Path
	if name == "" {
		name = raw.Source.URL
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".text", ".md":
		return kindText, nil
	case ".html", ".htm", ".xhtml", ".shtml":
		return kindHTML, nil
	}
	sniffed, _, _ := strings.Cut(http.DetectContentType(raw.Body), ";")
	switch sniffed {
	case "text/html":
		return kindHTML, nil
	case "text/plain":
		return kindText, nil
	}
	return 0, fmt.Errorf("%w: %q sniffed as %q", ErrUnsupportedType, mt, sniffed)
}

// isJSON reports whether body, after a UTF-8 byte order mark and white
// space, is a JSON object or array.
func isJSON(body []byte) bool {
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}

// block is one block of an article's text while it is being assembled.
type block struct {
	kind events.BlockKind
	text string
}

// extract does Extract's work under the work budget ctx.
func extract(ctx context.Context, raw *events.RawDocument, opts Options, now time.Time) (*events.Article, error) {
	kind, err := kindOf(raw)
	if err != nil {
		return nil, err
	}
	a := &events.Article{
		Schema:      events.SchemaArticle,
		ID:          raw.ID,
		Source:      raw.Source,
		FetchedAt:   raw.FetchedAt,
		ExtractedAt: now,
		Provenance:  make(map[string]string),
	}
	var (
		blocks   []block
		pageWire namedClaim
		credit   namedClaim
	)
	switch kind {
	case kindHTML:
		blocks, pageWire, credit, err = fromHTML(ctx, a, raw, opts, now)
	default:
		blocks, err = fromText(ctx, a, raw, now)
	}
	if err != nil {
		return nil, err
	}
	if blocks, err = attribute(ctx, a, blocks, pageWire); err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, ErrNoText
	}
	fromFeedItem(a, raw.Item, now)
	// An organisation or team the page credits is its author only when
	// no one is named anywhere: not in metadata, bylines or the feed.
	if len(a.Authors) == 0 && credit.name != "" {
		a.Authors = []string{credit.name}
		a.Provenance["authors"] = credit.from
	}
	if a.Title == "" {
		set(a, "title", &a.Title, titleFromText(blocks), events.FromText)
	}
	a.Text, a.Blocks = assemble(blocks)
	sample := a.Text
	if a.Provenance["title"] != events.FromText {
		sample = a.Title + "\n\n" + a.Text
	}
	// A declared language written in another script than the text (a
	// theme's lang="en-US" on a Russian site) is the template's, not the
	// article's.
	if a.Language == "" {
		a.Language = lang.Detect(sample)
		a.Provenance["language"] = events.FromDetector
	} else if d := lang.Detect(sample); lang.Contradicts(a.Language, d) {
		a.Language = d
		a.Provenance["language"] = events.FromDetector
	} else if d, ok := lang.Overrules(a.Language, sample); ok {
		// The same script, but plainly another language: an English
		// theme's lang="en-US" on a Spanish article.
		a.Language = d
		a.Provenance["language"] = events.FromDetector
	}
	a.ContentHash = events.TextHash(a.Text)
	if len(a.Provenance) == 0 {
		a.Provenance = nil
	}
	enrich(a)
	return a, nil
}

// fromText reads a plain-text document.
func fromText(ctx context.Context, a *events.Article, raw *events.RawDocument, now time.Time) ([]block, error) {
	res, err := transcode.Text(raw.Body, raw.ContentType, raw.Charset)
	if errors.Is(err, transcode.ErrBinary) {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedType, err)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding text: %w", err)
	}
	doc, err := plaintext.Parse(ctx, string(res.Text))
	if err != nil {
		if errors.Is(err, plaintext.ErrTooManyParagraphs) {
			return nil, fmt.Errorf("%w: %w", ErrTooComplex, err)
		}
		return nil, fmt.Errorf("splitting text: %w", err)
	}
	set(a, "title", &a.Title, doc.Title, events.FromFirstLine)
	blocks := make([]block, len(doc.Blocks))
	for i, b := range doc.Blocks {
		if i < textDateBlocks {
			textDate(a, b.Text, now)
		}
		blocks[i] = block{kind: b.Kind, text: b.Text}
	}
	return blocks, nil
}

// textDateBlocks is how many blocks at the top of a plain-text article may
// be its date line: after the title, before or after the byline.
const textDateBlocks = 4

// textDate reads a plain-text article's date line ("March 9, 2026",
// "Published 9 March 2026 08:10 GMT", "Last updated: 2026-03-10") into a's
// publication or update time, and reports whether line was one. A date
// line is a date and little else: a label, a weekday, a time and its zone.
// A line with other words ("By Oskar Brenne, March 9, 2026", "The strike
// of March 2, 2026 in numbers") is not one, nor is a date whose day and
// month could be read either way ("09/03/2026"). The line stays in the
// text: the date a story gives at its top is what tells it from another
// story with the same cast (the deduper reads the dates of the first
// sentences).
func textDate(a *events.Article, line string, now time.Time) bool {
	only, update := boilerplate.DateOnlyLine(line)
	if !only {
		return false
	}
	t, ok := htmltext.ParseDate(line, now)
	if !ok {
		return false
	}
	if update {
		if a.ModifiedAt == nil {
			a.ModifiedAt = &t
			a.Provenance["modified_at"] = events.FromText
		}
	} else if a.PublishedAt == nil {
		a.PublishedAt = &t
		a.Provenance["published_at"] = events.FromText
	}
	return true
}

// fromHTML reads an HTML document. It returns apart the wire the page's
// metadata names, which what the text says (a dateline, a byline)
// overrides, and the organisation or team it credits as author, which is
// taken only when no person is named.
func fromHTML(ctx context.Context, a *events.Article, raw *events.RawDocument, opts Options, now time.Time) ([]block, namedClaim, namedClaim, error) {
	res, err := transcode.HTML(raw.Body, raw.ContentType, raw.Charset)
	if errors.Is(err, transcode.ErrBinary) {
		return nil, namedClaim{}, namedClaim{}, fmt.Errorf("%w: %w", ErrUnsupportedType, err)
	}
	if err != nil {
		return nil, namedClaim{}, namedClaim{}, fmt.Errorf("decoding html: %w", err)
	}
	pageURL := raw.Source.URL
	if pageURL == "" && raw.Item != nil {
		pageURL = raw.Item.Link
	}
	doc, err := htmltext.Parse(ctx, res.Text, htmltext.Options{URL: pageURL, Now: now, MaxNodes: opts.MaxNodes})
	if err != nil {
		if errors.Is(err, htmltext.ErrTooManyNodes) || errors.Is(err, htmltext.ErrTooDeep) {
			return nil, namedClaim{}, namedClaim{}, fmt.Errorf("%w: %w", ErrTooComplex, err)
		}
		return nil, namedClaim{}, namedClaim{}, fmt.Errorf("reading html: %w", err)
	}
	m := doc.Meta
	a.Title = m.Title
	a.CanonicalURL = m.CanonicalURL
	a.Description = m.Description
	a.SiteName = m.SiteName
	a.Image = m.Image
	a.Language = m.Language
	a.Section = m.Section
	a.Tags = m.Tags
	a.Authors = m.Authors
	a.PublishedAt = m.PublishedAt
	a.ModifiedAt = m.ModifiedAt
	for k, v := range m.Provenance {
		if k != "wire" && k != "credit" {
			a.Provenance[k] = v
		}
	}
	blocks := make([]block, len(doc.Blocks))
	for i, b := range doc.Blocks {
		blocks[i] = block{kind: b.Kind, text: b.Text}
	}
	return blocks, namedClaim{name: m.Wire, from: m.Provenance["wire"]}, namedClaim{name: m.Credit, from: m.Provenance["credit"]}, nil
}

// set sets *dst to v and records where v came from, unless *dst is already
// set or v is empty.
func set(a *events.Article, field string, dst *string, v, from string) {
	if *dst != "" || v == "" {
		return
	}
	*dst = v
	a.Provenance[field] = from
}

// assemble joins blocks into an article's text, blank-line separated, and
// returns their spans in runes.
func assemble(blocks []block) (string, []events.Block) {
	var b strings.Builder
	out := make([]events.Block, 0, len(blocks))
	pos := 0
	for i, bl := range blocks {
		if i > 0 {
			b.WriteString("\n\n")
			pos += 2
		}
		n := utf8.RuneCountInString(bl.text)
		b.WriteString(bl.text)
		out = append(out, events.Block{Kind: bl.kind, Span: events.Span{Start: pos, End: pos + n}})
		pos += n
	}
	return b.String(), out
}
