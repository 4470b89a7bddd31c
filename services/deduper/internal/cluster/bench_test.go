package cluster

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// synth makes synthetic articles: a Zipf-distributed vocabulary of common
// words, plus for each story a few names and rare words its articles share.
type synth struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	names []string
}

func newSynth(seed uint64) *synth {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &synth{r: r, zipf: rand.NewZipf(r, 1.1, 2, 49_999)}
	for i := range 50_000 {
		s.vocab = append(s.vocab, fmt.Sprintf("w%x", i*2654435761%1000003))
	}
	for i := range 200_000 {
		s.names = append(s.names, fmt.Sprintf("N%x", i*40503%999983))
	}
	return s
}

// article returns article n of story: stories have about three articles.
func (s *synth) article(n, story int) *events.Article {
	var b strings.Builder
	sr := rand.New(rand.NewPCG(uint64(story), 11))
	storyNames := []string{s.names[sr.IntN(len(s.names))], s.names[sr.IntN(len(s.names))], s.names[sr.IntN(len(s.names))]}
	storyWords := []string{s.vocab[20_000+sr.IntN(29_000)], s.vocab[20_000+sr.IntN(29_000)], s.vocab[20_000+sr.IntN(29_000)]}
	for i := range 300 {
		switch {
		case i%25 == 3:
			b.WriteString(storyNames[i%3])
		case i%30 == 7:
			b.WriteString(storyWords[i%3])
		default:
			b.WriteString(s.vocab[s.zipf.Uint64()])
		}
		if i%20 == 19 {
			b.WriteString(". ")
		} else {
			b.WriteByte(' ')
		}
	}
	text := b.String()
	src := events.Source{Kind: events.SourceHTTP, URL: fmt.Sprintf("https://example.org/%d", n)}
	return &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src,
		Title: storyNames[0] + " " + storyWords[0], Language: "en", Text: text, ContentHash: events.TextHash(text)}
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkAssign measures the cost of assigning one article with n articles
// already indexed, its 99th percentile, and the memory each indexed article
// takes. Run it with -benchtime=2000x or so: each op is one assignment.
// Latency is reported twice: wall-clock (p50-µs, p99-µs), which on a shared
// machine includes the time other processes held the core, and the CPU time
// of the assigning thread (cpu-p50-µs, cpu-p99-µs, Linux only), the cost of
// an assignment on one core of its own.
func BenchmarkAssign(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("indexed=%d", n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("1M articles take minutes to index")
			}
			s := newSynth(1)
			arts := make([]*events.Article, 0, n)
			for i := range n {
				arts = append(arts, s.article(i, i/3))
			}
			before := heap()
			e := New(Options{Window: 365 * 24 * time.Hour})
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, a := range arts {
				e.Assign(a, now.Add(time.Duration(i)*time.Millisecond))
			}
			after := heap()
			runtime.KeepAlive(arts)
			arts = nil
			queries := make([]*events.Article, 4096)
			for i := range queries {
				queries[i] = s.article(n+i, n/3+i/2)
			}
			lat := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				q := queries[i%len(queries)]
				c0, ok := threadCPU()
				start := time.Now()
				e.Assign(q, now.Add(time.Duration(n+i)*time.Millisecond))
				lat = append(lat, time.Since(start))
				if c1, _ := threadCPU(); ok {
					cpu = append(cpu, c1-c0)
				}
				i++
			}
			b.StopTimer()
			pct := func(ds []time.Duration, p int) float64 {
				sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
				return float64(ds[len(ds)*p/100].Microseconds())
			}
			b.ReportMetric(pct(lat, 50), "p50-µs")
			b.ReportMetric(pct(lat, 99), "p99-µs")
			if len(cpu) > 0 {
				b.ReportMetric(pct(cpu, 50), "cpu-p50-µs")
				b.ReportMetric(pct(cpu, 99), "cpu-p99-µs")
			}
			b.ReportMetric(float64(after-before)/float64(n), "B/article")
			runtime.KeepAlive(e)
		})
	}
}

// BenchmarkAssignEvicting measures assignment in the steady state of a
// window: n articles indexed, one a second, in a window of n seconds, so
// that every assignment evicts the oldest article.
func BenchmarkAssignEvicting(b *testing.B) {
	const n = 100_000
	s := newSynth(1)
	e := New(Options{Window: n * time.Second})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		e.Assign(s.article(i, i/3), now.Add(time.Duration(i)*time.Second))
	}
	queries := make([]*events.Article, 4096)
	for i := range queries {
		queries[i] = s.article(n+i, n/3+i/2)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		e.Assign(queries[i%len(queries)], now.Add(time.Duration(n+i)*time.Second))
		lat = append(lat, time.Since(start))
		i++
	}
	b.StopTimer()
	if e.Len() > n+1 {
		b.Fatalf("%d articles indexed in a window of %d", e.Len(), n)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
