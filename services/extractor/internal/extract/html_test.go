package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// htmlCases are the HTML pages under testdata, each with a golden file
// <name>.golden.json holding the article extracted from it.
var htmlCases = []struct {
	name        string
	file        string
	url         string
	contentType string
	charset     string
	item        *events.FeedItem
	// contains and lacks guard the golden files against a careless
	// -update: the text must hold every contains and none of lacks.
	contains []string
	lacks    []string
}{
	{
		name:        "news page with boilerplate and json-ld",
		file:        "news.html",
		url:         "https://worldnewsdaily.example/world/2025/08/06/kyiv-drone-attack?utm_source=feed",
		contentType: "text/html; charset=utf-8",
		contains:    []string{"Russia launched", "“This was a deliberate attack", "A kindergarten", "Moscow denies"},
		lacks:       []string{"KYIV, Ukraine (AP)", "Share on", "cookies", "Related stories", "Terrible news", "Sign up", "All rights reserved", "Advertisement", "Read our live coverage", "Firefighters"},
	},
	{
		name:        "windows-1252 page declared by meta charset",
		file:        "latin1.html",
		url:         "https://abendblatt.example/muenchen/stromausfall",
		contentType: "text/html",
		contains:    []string{"Ein großflächiger Stromausfall", "„Wir arbeiten", "500.000 €"},
		lacks:       []string{"Von Jürgen", "Startseite", "Impressum", "(dpa)"},
	},
	{
		name:        "site suffix in title and future date",
		file:        "suffix.html",
		url:         "https://www.dailyplanet.example/markets/rally",
		contentType: "text/html",
		item: &events.FeedItem{
			Title:      "Stocks hit records as inflation cools",
			Categories: []string{"Markets"},
		},
		contains: []string{"Stocks climbed", "S&P 500", "economists polled by Reuters."},
		lacks:    []string{"Most read", "Follow us", "Share this", "newsletter", "Copyright", "Log in"},
	},
	{
		name:     "layout table page in iso-8859-1 with host suffix",
		file:     "french.html",
		url:      "https://www.lequotidien.example/eco/pain",
		contains: []string{"Les boulangers", "« Nous n'avons pas le choix", "Baguette | 1,15 EUR | 1,25 EUR", "stabilisation"},
		lacks:    []string{"Accueil", "Le prix du pain augmente encore"},
	},
}

func htmlDoc(t testing.TB, file, pageURL, contentType, charset string, item *events.FeedItem) *events.RawDocument {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatalf("reading page: %v", err)
	}
	src := events.Source{Kind: events.SourceHTTP, URL: pageURL}
	if item != nil {
		src.Kind = events.SourceFeed
		src.FeedURL = "https://feeds.example/rss"
	}
	return &events.RawDocument{
		Schema:      events.SchemaRawDocument,
		ID:          events.DocumentID(src),
		Source:      src,
		FetchedAt:   time.Date(2025, 8, 7, 10, 0, 0, 0, time.UTC),
		ContentType: contentType,
		Charset:     charset,
		Body:        body,
		ContentHash: events.BytesHash(body),
		Item:        item,
	}
}

func TestHTMLGolden(t *testing.T) {
	for _, tc := range htmlCases {
		t.Run(tc.name, func(t *testing.T) {
			raw := htmlDoc(t, tc.file, tc.url, tc.contentType, tc.charset, tc.item)
			a, err := Extract(context.Background(), raw, Options{}, testNow)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkArticle(t, a, raw)
			for _, s := range tc.contains {
				if !strings.Contains(a.Text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(a.Text, s) {
					t.Errorf("text contains %q", s)
				}
			}
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatalf("encoding article: %v", err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", strings.TrimSuffix(tc.file, ".html")+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatalf("writing golden file: %v", err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("article differs from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
