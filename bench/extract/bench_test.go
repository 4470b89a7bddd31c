package extract

import (
	"context"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"
)

// loadPages returns the ScrapingHub pages, decompressed, all of them when
// limit is 0, or skips tb when the data set is not there.
func loadPages(tb testing.TB, limit int) []Page {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := FindScrapingHub(wd)
	if errors.Is(err, ErrNoDatasets) {
		tb.Skipf("no ScrapingHub pages above %s", wd)
	}
	if err != nil {
		tb.Fatal(err)
	}
	pages, err := LoadPages(dir, limit)
	if err != nil {
		tb.Fatal(err)
	}
	if len(pages) == 0 {
		tb.Skipf("no pages in %s", dir)
	}
	return pages
}

// BenchmarkExtract extracts every ScrapingHub page once per iteration, one
// page after another on one goroutine, with each extractor. Pages are read
// and decompressed before timing. Besides ns/op, B/op and allocs/op (all per
// pass over the pages) it reports pages/s, B/page and the pages that failed.
func BenchmarkExtract(b *testing.B) {
	pages := loadPages(b, 0)
	size := 0
	for _, p := range pages {
		size += len(p.HTML)
	}
	for _, x := range Extractors() {
		jobs := make([]Job, len(pages))
		for i, p := range pages {
			jobs[i] = x.Prepare(p)
		}
		b.Run(x.Name(), func(b *testing.B) {
			ctx := context.Background()
			now := time.Now()
			failed := 0
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				failed = 0
				for _, job := range jobs {
					if _, err := job(ctx, now); err != nil {
						failed++
					}
				}
			}
			runtime.ReadMemStats(&after)
			perPass := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(len(pages))/perPass, "pages/s")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*len(pages)), "B/page")
			b.ReportMetric(float64(failed), "failed/op")
		})
	}
}
