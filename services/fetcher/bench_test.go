package fetcher_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

const (
	benchFeeds = 1000
	benchItems = 50
)

// benchSite serves benchFeeds generated RSS feeds of benchItems items each,
// and the items' pages (about 2.5 KB of HTML each). With full, every item
// carries its full text and no page is fetched.
func benchSite(b *testing.B, full bool) *httptest.Server {
	b.Helper()
	para := strings.Repeat("The harbour office published its weekly report on shipping, cargo and the state of the piers. ", 4)
	page := func(id string) string {
		return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Report ` + id + `</title></head><body><article><h1>Report ` + id +
			`</h1><p>` + para + `</p><p>` + para + `</p><p>` + para + `</p><p>Report ` + id + ` ends here.</p></article></body></html>`
	}
	var feeds sync.Map
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/f/"):
			body, ok := feeds.Load(r.URL.Path)
			if !ok {
				i := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/f/"), ".xml")
				var sb strings.Builder
				fmt.Fprintf(&sb, `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Feed %s</title><link>%s/</link>`, i, srv.URL)
				for j := range benchItems {
					id := i + "-" + strconv.Itoa(j)
					fmt.Fprintf(&sb, `<item><title>Report %s</title><link>%s/p/%s</link><guid>%s</guid><pubDate>Wed, 06 Aug 2025 09:%02d:00 +0000</pubDate><description>Summary of report %s.</description>`,
						id, srv.URL, id, id, j%60, id)
					if full {
						fmt.Fprintf(&sb, `<content:encoded><![CDATA[%s]]></content:encoded>`, page(id))
					}
					sb.WriteString(`</item>`)
				}
				sb.WriteString(`</channel></rss>`)
				body, _ = feeds.LoadOrStore(r.URL.Path, sb.String())
			}
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, body)
		case strings.HasPrefix(r.URL.Path, "/p/"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page(strings.TrimPrefix(r.URL.Path, "/p/")))
		default:
			http.NotFound(w, r)
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkFetch polls 1,000 feeds of 50 items each from a local server,
// once, on a fresh JetStream store every iteration: every item is new, so
// each goes through the seen-registry, the page fetch (or the feed's full
// text) and a publish. Run it with -benchtime=1x (make bench-fetch).
func BenchmarkFetch(b *testing.B) {
	for _, mode := range []struct {
		name string
		full bool
	}{{"pages", false}, {"fulltext", true}} {
		b.Run(mode.name, func(b *testing.B) {
			srv := benchSite(b, mode.full)
			var feeds []string
			for i := range benchFeeds {
				feeds = append(feeds, fmt.Sprintf("%s/f/%d.xml", srv.URL, i))
			}
			var items float64
			var peak uint64
			var elapsed time.Duration
			for range b.N {
				b.StopTimer()
				ns := natstest.Server(b)
				_, js := natstest.Connect(b, ns)
				if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
					b.Fatal(err)
				}
				var published atomic.Uint64
				cfg := fetcher.Config{
					Feeds: feeds, AllowPrivate: true,
					// One local host stands for a thousand sites: no per-host limits.
					HostRate: rate.Inf, HostConcurrency: 256,
					FeedConcurrency: 32, ItemConcurrency: 8,
					OnPublished: func(string, bool) { published.Add(1) },
				}
				f, err := fetcher.New(js, cfg, zap.NewNop())
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := sampleHeap(&peak)
				b.StartTimer()
				start := time.Now()
				if err := f.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				stop()
				if n := published.Load(); n != benchFeeds*benchItems {
					b.Fatalf("%d items published, want %d (stats %+v)", n, benchFeeds*benchItems, f.Stats())
				}
				items += float64(published.Load())
				b.StartTimer()
			}
			b.ReportMetric(items/elapsed.Seconds(), "items/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// sampleHeap records the largest heap in use (HeapInuse) into peak every
// 20ms until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
