// Package extract compares wirewatch's article extractor with go-trafilatura
// on the pages of the ScrapingHub article extraction benchmark, read in place
// from ../shared/datasets. It lives in a module of its own so that the
// extractor service does not depend on go-trafilatura.
package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/markusmobius/go-trafilatura"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor"
)

// ErrNoDatasets is returned when no shared/datasets folder holding the
// ScrapingHub pages is found above the starting directory.
var ErrNoDatasets = errors.New("extract: no shared/datasets/scrapinghub-aeb found")

// scrapingHub is the data set's folder under shared/datasets.
const scrapingHub = "scrapinghub-aeb"

// FindScrapingHub walks up from dir and returns the first
// <ancestor>/shared/datasets/scrapinghub-aeb that holds an html folder:
// from a module of the repository that is ../shared/datasets of the
// repository's root.
func FindScrapingHub(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding datasets: %w", err)
	}
	for {
		cand := filepath.Join(dir, "shared", "datasets", scrapingHub)
		if fi, err := os.Stat(filepath.Join(cand, "html")); err == nil && fi.IsDir() {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoDatasets
		}
		dir = parent
	}
}

// Page is one benchmark page, decompressed.
type Page struct {
	// ID is the page's name in the data set.
	ID string
	// URL is the page's address, from the data set's ground truth; "" when
	// the ground truth lacks it.
	URL string
	// HTML is the page as it was fetched.
	HTML []byte
}

// LoadPages reads the html/*.html.gz pages of the ScrapingHub data set in
// dir, sorted by id, with their URLs from ground-truth.json when that file is
// there: all of them when limit is 0, else the first limit.
func LoadPages(dir string, limit int) ([]Page, error) {
	urls := map[string]string{}
	if raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json")); err == nil {
		var gt map[string]struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal(raw, &gt); err != nil {
			return nil, fmt.Errorf("decoding ground truth: %w", err)
		}
		for id, g := range gt {
			urls[id] = g.URL
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading ground truth: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "html", "*.html.gz"))
	if err != nil {
		return nil, fmt.Errorf("listing pages: %w", err)
	}
	sort.Strings(names)
	if limit > 0 && len(names) > limit {
		names = names[:limit]
	}
	pages := make([]Page, 0, len(names))
	for _, name := range names {
		body, err := gunzip(name)
		if err != nil {
			return nil, err
		}
		id := strings.TrimSuffix(filepath.Base(name), ".html.gz")
		pages = append(pages, Page{ID: id, URL: urls[id], HTML: body})
	}
	return pages, nil
}

func gunzip(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reading page: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("decompressing %s: %w", name, err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decompressing %s: %w", name, err)
	}
	return body, nil
}

// Job extracts the main text of one prepared page. now is the time of
// extraction.
type Job func(ctx context.Context, now time.Time) (string, error)

// Extractor prepares pages for extraction. Prepare does the work that is not
// extraction (building the raw document a fetcher would publish, parsing the
// URL), so that a benchmark times only the Job.
type Extractor interface {
	// Name is the extractor's name in benchmark results.
	Name() string
	// Prepare returns the job that extracts p.
	Prepare(p Page) Job
}

// Extractors returns the two extractors compared: wirewatch first, then
// go-trafilatura.
func Extractors() []Extractor {
	return []Extractor{Wirewatch{}, Trafilatura{}}
}

// Wirewatch is wirewatch's extractor. Its zero value runs with the extractor
// service's defaults: a 4 MiB size cap and a 2 s work budget per page.
type Wirewatch struct {
	// Config is passed to extractor.Extract.
	Config extractor.Config
}

// Name returns "wirewatch".
func (Wirewatch) Name() string { return "wirewatch" }

// Prepare builds the raw document the fetcher would publish for p.
func (w Wirewatch) Prepare(p Page) Job {
	src := events.Source{Kind: events.SourceHTTP, URL: p.URL}
	raw := &events.RawDocument{
		Schema:      events.SchemaRawDocument,
		ID:          events.DocumentID(src),
		Source:      src,
		FetchedAt:   time.Now(),
		ContentType: "text/html",
		Body:        p.HTML,
		ContentHash: events.BytesHash(p.HTML),
	}
	return func(ctx context.Context, now time.Time) (string, error) {
		a, err := extractor.Extract(ctx, raw, w.Config, now)
		if err != nil {
			return "", err
		}
		return a.Text, nil
	}
}

// Trafilatura is go-trafilatura configured as its README recommends for
// article extraction: the page's URL given, comments excluded, and
// otherwise its defaults — metadata read (it always is), no fallback to
// go-readability and go-domdistiller, balanced focus, and its default date
// mode (fast htmldate, as there is no fallback).
type Trafilatura struct{}

// Name returns "go-trafilatura".
func (Trafilatura) Name() string { return "go-trafilatura" }

// Prepare parses the page's URL. go-trafilatura takes no context: the job
// ignores ctx and now.
func (Trafilatura) Prepare(p Page) Job {
	u, err := url.ParseRequestURI(p.URL)
	if err != nil {
		u = nil
	}
	opts := trafilatura.Options{OriginalURL: u, ExcludeComments: true}
	return func(context.Context, time.Time) (string, error) {
		res, err := trafilatura.Extract(bytes.NewReader(p.HTML), opts)
		if err != nil {
			return "", fmt.Errorf("go-trafilatura: %w", err)
		}
		return res.ContentText, nil
	}
}
