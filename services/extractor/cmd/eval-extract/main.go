// Command eval-extract measures the extractor on the labelled data sets in
// ../shared/datasets: main-text precision, recall and F1, title, author and
// date accuracy, and pages per second.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor"
	"github.com/wirewatch/wirewatch/services/extractor/internal/evaluate"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "eval-extract:", err)
		os.Exit(1)
	}
}

func run() error {
	datasets := flag.String("datasets", "../shared/datasets", "`directory` holding scrapinghub-aeb and wcxb-dev-articles")
	only := flag.String("only", "", "evaluate only this data set (scrapinghub or wcxb)")
	worst := flag.Int("worst", 0, "list the N worst pages of each data set")
	asJSON := flag.Bool("json", false, "print the reports as JSON")
	misses := flag.String("misses", "", "list the pages whose `field` (title, author or date) was missed")
	flag.Parse()

	extract := func(ctx context.Context, raw *events.RawDocument, now time.Time) (*events.Article, error) {
		return extractor.Extract(ctx, raw, extractor.Config{Timeout: 10 * time.Second}, now)
	}
	ctx := context.Background()
	var reports []evaluate.Report
	if *only == "" || *only == "scrapinghub" {
		pages, err := evaluate.LoadScrapingHub(filepath.Join(*datasets, "scrapinghub-aeb"))
		if err != nil {
			return err
		}
		reports = append(reports, evaluate.Run(ctx, "scrapinghub-aeb", pages, evaluate.Shingles, extract))
	}
	if *only == "" || *only == "wcxb" {
		pages, skipped, err := evaluate.LoadWCXB(filepath.Join(*datasets, "wcxb-dev-articles"))
		if err != nil {
			return err
		}
		if len(skipped) > 0 && !*asJSON {
			fmt.Printf("wcxb: skipped %s (no main_content nor main_content_markdown)\n", strings.Join(skipped, ", "))
		}
		reports = append(reports, evaluate.Run(ctx, "wcxb-dev-articles", pages, evaluate.WordsBag, extract))
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	switch *misses {
	case "", "title", "author", "date":
	default:
		return fmt.Errorf("unknown field %q for -misses: want title, author or date", *misses)
	}
	for _, r := range reports {
		r.Print(os.Stdout, *worst)
		if *misses != "" {
			r.PrintMisses(os.Stdout, *misses)
		}
	}
	return nil
}
