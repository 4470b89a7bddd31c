// Command peakmem measures the heap each extractor of the comparison takes
// per ScrapingHub page. With the garbage collector off, nothing a page
// allocates is freed while it is extracted, so the growth of the heap in use
// over one page bounds the page's peak heap from above. It also reports what
// stays in use after a collection, to show that extraction keeps nothing.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/wirewatch/wirewatch/bench/extract"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "peakmem:", err)
		os.Exit(1)
	}
}

// sample is the heap one page took.
type sample struct {
	id       string
	size     int
	growth   uint64 // heap in use after the page minus before, GC off
	retained int64  // heap in use after a collection minus before
}

func run() error {
	dir := flag.String("dir", "", "`directory` of the ScrapingHub data set (default: shared/datasets/scrapinghub-aeb found above the working directory)")
	flag.Parse()
	if *dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if *dir, err = extract.FindScrapingHub(wd); err != nil {
			return err
		}
	}
	pages, err := extract.LoadPages(*dir, 0)
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		return fmt.Errorf("no pages in %s", *dir)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "extractor\tpages\tmedian heap growth\tmax heap growth\tmax page\tits size\tmax growth/size\tmax retained\t\n")
	for _, x := range extract.Extractors() {
		samples := measure(x, pages)
		byGrowth := slices.Clone(samples)
		slices.SortFunc(byGrowth, func(a, b sample) int { return cmp.Compare(a.growth, b.growth) })
		top := byGrowth[len(byGrowth)-1]
		ratio, retained := 0.0, int64(0)
		for _, s := range samples {
			ratio = max(ratio, float64(s.growth)/float64(s.size))
			retained = max(retained, s.retained)
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%.1f×\t%s\t\n", x.Name(), len(samples),
			mib(byGrowth[len(byGrowth)/2].growth), mib(top.growth), short(top.id), mib(uint64(top.size)), ratio, mib(uint64(max(retained, 0))))
	}
	return w.Flush()
}

// measure extracts every page with x, one at a time with the garbage
// collector off, and returns the heap each took.
func measure(x extract.Extractor, pages []extract.Page) []sample {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	ctx := context.Background()
	now := time.Now()
	out := make([]sample, 0, len(pages))
	// One page first, so that what the extractor sets up once (lazily
	// compiled patterns, tables) is not counted as retained by a page.
	_, _ = x.Prepare(pages[0])(ctx, now)
	var before, after, collected runtime.MemStats
	for _, p := range pages {
		job := x.Prepare(p)
		runtime.GC()
		runtime.ReadMemStats(&before)
		text, _ := job(ctx, now)
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(text)
		text = ""
		// Twice: sync.Pool's victim cache survives one collection.
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&collected)
		out = append(out, sample{
			id:       p.ID,
			size:     len(p.HTML),
			growth:   after.HeapInuse - before.HeapInuse,
			retained: int64(collected.HeapInuse) - int64(before.HeapInuse),
		})
	}
	return out
}

func mib(n uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// short returns the first 12 characters of a page id.
func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
