package evaluate

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Truth is what a labelled page should yield. Empty fields are unlabelled.
type Truth struct {
	Text   string
	Title  string
	Author string
	Date   string // YYYY-MM-DD
}

// Page is one labelled page.
type Page struct {
	ID    string
	URL   string
	HTML  []byte
	Truth Truth
}

func gunzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("decompressing %s: %w", path, err)
	}
	return io.ReadAll(zr)
}

// LoadScrapingHub reads the ScrapingHub article extraction benchmark:
// html/<id>.html.gz and ground-truth.json.
func LoadScrapingHub(dir string) ([]Page, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		return nil, fmt.Errorf("reading ground truth: %w", err)
	}
	var gt map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.Unmarshal(raw, &gt); err != nil {
		return nil, fmt.Errorf("decoding ground truth: %w", err)
	}
	var pages []Page
	for id, g := range gt {
		html, err := gunzip(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			return nil, fmt.Errorf("reading page %s: %w", id, err)
		}
		pages = append(pages, Page{ID: id, URL: g.URL, HTML: html, Truth: Truth{Text: g.ArticleBody}})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].ID < pages[j].ID })
	return pages, nil
}

// LoadWCXB reads the WCXB article pages: html/<id>.html.gz and
// ground-truth/<id>.json. A page without main_content is scored against
// main_content_markdown; skipped lists pages with neither.
func LoadWCXB(dir string) (pages []Page, skipped []string, err error) {
	names, err := filepath.Glob(filepath.Join(dir, "ground-truth", "*.json"))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		raw, err := os.ReadFile(name)
		if err != nil {
			return nil, nil, err
		}
		var doc struct {
			URL string `json:"url"`
			GT  struct {
				Title    *string `json:"title"`
				Author   *string `json:"author"`
				Date     *string `json:"publish_date"`
				Main     *string `json:"main_content"`
				Markdown *string `json:"main_content_markdown"`
			} `json:"ground_truth"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, nil, fmt.Errorf("decoding %s: %w", name, err)
		}
		id := strings.TrimSuffix(filepath.Base(name), ".json")
		text := deref(doc.GT.Main)
		if strings.TrimSpace(text) == "" {
			text = deref(doc.GT.Markdown)
		}
		if strings.TrimSpace(text) == "" {
			skipped = append(skipped, id)
			continue
		}
		html, err := gunzip(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			return nil, nil, fmt.Errorf("reading page %s: %w", id, err)
		}
		pages = append(pages, Page{ID: id, URL: doc.URL, HTML: bytes.Clone(html), Truth: Truth{
			Text: text, Title: deref(doc.GT.Title), Author: deref(doc.GT.Author), Date: deref(doc.GT.Date),
		}})
	}
	return pages, skipped, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
