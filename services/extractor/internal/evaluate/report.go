package evaluate

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Extractor is the extraction under test.
type Extractor func(ctx context.Context, raw *events.RawDocument, now time.Time) (*events.Article, error)

// PageResult is the score of one page.
type PageResult struct {
	ID     string  `json:"id"`
	URL    string  `json:"url"`
	F1     float64 `json:"f1"`
	Error  string  `json:"error,omitempty"`
	Title  *bool   `json:"title_ok,omitempty"`
	Author *bool   `json:"author_ok,omitempty"`
	Date   *bool   `json:"date_ok,omitempty"`
	// Want and Got are the labelled and extracted title, authors and
	// date, and From where each extracted one was found, for listing
	// misses.
	Want Fields `json:"want"`
	Got  Fields `json:"got"`
	From Fields `json:"from"`
}

// Fields are a page's title, authors and publication date as text.
type Fields struct {
	Title  string `json:"title,omitempty"`
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"`
}

// Report is the score of one data set.
type Report struct {
	Name        string       `json:"name"`
	Pages       int          `json:"pages"`
	Errors      int          `json:"errors"`
	Text        PRF          `json:"text"`
	Title       Accuracy     `json:"title"`
	Author      Accuracy     `json:"author"`
	Date        Accuracy     `json:"date"`
	Seconds     float64      `json:"seconds"`
	PagesPerSec float64      `json:"pages_per_second"`
	Results     []PageResult `json:"-"`
}

// Accuracy is the share of labelled pages a field was right on.
type Accuracy struct {
	Correct  int     `json:"correct"`
	Labelled int     `json:"labelled"`
	Value    float64 `json:"accuracy"`
}

func (a *Accuracy) add(ok bool) *bool {
	a.Labelled++
	if ok {
		a.Correct++
	}
	a.Value = float64(a.Correct) / float64(a.Labelled)
	return &ok
}

// Metric chooses how a data set's text is scored.
type Metric int

// Text metrics.
const (
	Shingles Metric = iota // ScrapingHub: 4-token shingles, page-averaged P and R
	WordsBag               // WCXB: bag-of-words F1 averaged over pages
)

// Run extracts every page, one at a time on one goroutine, and scores it.
// Only extraction is timed.
func Run(ctx context.Context, name string, pages []Page, m Metric, extract Extractor) Report {
	rep := Report{Name: name, Pages: len(pages)}
	var counts []Counts
	var f1s []float64
	var took time.Duration
	for _, p := range pages {
		src := events.Source{Kind: events.SourceHTTP, URL: p.URL}
		raw := &events.RawDocument{
			Schema: events.SchemaRawDocument, ID: events.DocumentID(src), Source: src, FetchedAt: time.Now(),
			ContentType: "text/html", Body: p.HTML, ContentHash: events.BytesHash(p.HTML),
		}
		start := time.Now()
		a, err := extract(ctx, raw, start)
		took += time.Since(start)
		res := PageResult{ID: p.ID, URL: p.URL, Want: Fields{p.Truth.Title, p.Truth.Author, p.Truth.Date}}
		text := ""
		if err != nil {
			rep.Errors++
			res.Error = err.Error()
		} else {
			text = a.Text
			res.Got = Fields{Title: a.Title, Author: strings.Join(a.Authors, "; ")}
			if a.PublishedAt != nil {
				res.Got.Date = a.PublishedAt.Format(time.RFC3339)
			}
			res.From = Fields{a.Provenance["title"], a.Provenance["authors"], a.Provenance["published_at"]}
		}
		switch m {
		case Shingles:
			c := ShingleCounts(p.Truth.Text, text)
			counts = append(counts, c)
			res.F1 = f1(c.precision(), c.recall())
		case WordsBag:
			s := BagOfWords(p.Truth.Text, text)
			f1s = append(f1s, s.F1)
			rep.Text.P += s.P
			rep.Text.R += s.R
			res.F1 = s.F1
		}
		if p.Truth.Title != "" {
			res.Title = rep.Title.add(a != nil && SameTitle(p.Truth.Title, a.Title))
		}
		if p.Truth.Author != "" {
			res.Author = rep.Author.add(a != nil && SameAuthors(p.Truth.Author, a.Authors))
		}
		if p.Truth.Date != "" {
			res.Date = rep.Date.add(a != nil && SameDay(p.Truth.Date, a.PublishedAt))
		}
		rep.Results = append(rep.Results, res)
	}
	switch m {
	case Shingles:
		rep.Text = Aggregate(counts)
	case WordsBag:
		if n := float64(len(pages)); n > 0 {
			rep.Text.P /= n
			rep.Text.R /= n
		}
		rep.Text.F1 = mean(f1s)
	}
	rep.Seconds = took.Seconds()
	if took > 0 {
		rep.PagesPerSec = float64(len(pages)) / took.Seconds()
	}
	return rep
}

// Print writes a report for people, with the worst pages when worst > 0.
func (r Report) Print(w io.Writer, worst int) {
	fmt.Fprintf(w, "%s: %d pages, %d errors\n", r.Name, r.Pages, r.Errors)
	fmt.Fprintf(w, "  text     P %.3f  R %.3f  F1 %.3f\n", r.Text.P, r.Text.R, r.Text.F1)
	for _, f := range []struct {
		name string
		a    Accuracy
	}{{"title", r.Title}, {"author", r.Author}, {"date", r.Date}} {
		if f.a.Labelled > 0 {
			fmt.Fprintf(w, "  %-7s  %.3f  (%d of %d labelled pages)\n", f.name, f.a.Value, f.a.Correct, f.a.Labelled)
		}
	}
	fmt.Fprintf(w, "  speed    %.1f pages/s on one goroutine (%.2fs extracting)\n", r.PagesPerSec, r.Seconds)
	if worst > 0 {
		res := append([]PageResult(nil), r.Results...)
		sort.Slice(res, func(i, j int) bool { return res[i].F1 < res[j].F1 })
		fmt.Fprintf(w, "  worst pages:\n")
		for _, p := range res[:min(worst, len(res))] {
			fmt.Fprintf(w, "    %.3f %s %s %s\n", p.F1, p.ID, p.URL, p.Error)
		}
	}
}

// PrintMisses writes, for each page whose field (title, author or date) was
// labelled and missed, what was wanted, what was extracted and where from.
func (r Report) PrintMisses(w io.Writer, field string) {
	fmt.Fprintf(w, "%s: %s misses\n", r.Name, field)
	for _, p := range r.Results {
		var ok *bool
		var want, got, from string
		switch field {
		case "title":
			ok, want, got, from = p.Title, p.Want.Title, p.Got.Title, p.From.Title
		case "author":
			ok, want, got, from = p.Author, p.Want.Author, p.Got.Author, p.From.Author
		case "date":
			ok, want, got, from = p.Date, p.Want.Date, p.Got.Date, p.From.Date
		}
		if ok == nil || *ok {
			continue
		}
		fmt.Fprintf(w, "  %s %s\n    want %q\n    got  %q (%s)\n", p.ID, p.URL, want, got, from)
	}
}
