package story

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// corpus makes synthetic news-like texts over a Zipf vocabulary of words,
// capitalised names and numbers, deterministically.
type corpus struct {
	r     *rand.Rand
	words *rand.Zipf
	names *rand.Zipf
}

func newCorpus(seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, 7))
	return &corpus{r: r, words: rand.NewZipf(r, 1.1, 2, 200_000), names: rand.NewZipf(r, 1.1, 2, 100_000)}
}

func (c *corpus) word() string { return fmt.Sprintf("word%dx", c.words.Uint64()) }

func (c *corpus) name() string {
	n := c.names.Uint64()
	return fmt.Sprintf("Name%dx Surname%dx", n, n*7%100_000)
}

// article returns a title and a text of about words words.
func (c *corpus) article(words int) (string, string) {
	var b strings.Builder
	for i := 0; i < words; i++ {
		switch k := c.r.IntN(20); {
		case k == 0:
			b.WriteString(c.name())
		case k == 1:
			fmt.Fprintf(&b, "%d people", c.r.IntN(5000))
		default:
			b.WriteString(c.word())
		}
		if c.r.IntN(15) == 0 {
			b.WriteString(". The")
		}
		b.WriteByte(' ')
	}
	b.WriteString(".")
	return c.word() + " " + c.name() + " " + c.word(), b.String()
}

func BenchmarkVectorize(b *testing.B) {
	m := NewModel(DefaultOptions)
	c := newCorpus(1)
	for range 2000 {
		m.learn(c.article(300))
	}
	title, text := c.article(800) // about 5,000 characters, a long wire story
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		m.Vectorize(title, text, true)
	}
}

func BenchmarkCompare(b *testing.B) {
	m := NewModel(DefaultOptions)
	c := newCorpus(2)
	for range 2000 {
		m.learn(c.article(300))
	}
	var story Centroid
	for range 10 {
		m.Add(&story, m.Vectorize(c.article600()))
	}
	v := m.Vectorize(c.article600())
	b.ReportAllocs()
	for b.Loop() {
		m.Compare(v, &story)
	}
	b.ReportMetric(float64(len(v.Terms)), "article-terms")
	b.ReportMetric(float64(len(story.Terms)), "story-terms")
}

// BenchmarkAssign measures the whole assignment of one article, as the
// cluster package makes it, against an index of stories of one member each:
// vectorize and learn, query the postings, compare the candidates, add to
// the best or found a story, index. It reports the latency percentiles and
// the memory the index takes per story. -benchtime sets the number of
// assignments; STORY_BENCH_INDEX (default 1,000,000) the size of the index.
func BenchmarkAssign(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	m := NewModel(DefaultOptions)
	c := newCorpus(3)
	for range 5000 {
		m.learn(c.article(300))
	}
	// Stories of one member each: the common case of a news stream, and
	// the costliest in memory per article. Their vectors are made directly
	// from the vocabulary, as Vectorize would, to build the index quickly.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	stories := make([]Centroid, n)
	post := NewPostings(DefaultOptions.MaxPostings)
	for i := range stories {
		v := c.vector(m, 150)
		m.Add(&stories[i], v)
		post.Add(int32(i), m.QueryTerms(v))
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	perStory := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)

	arts := make([][2]string, 1000)
	for i := range arts {
		arts[i][0], arts[i][1] = c.article(500)
	}
	var lat []time.Duration
	var cands int
	var tv, tc, tm time.Duration
	b.ResetTimer()
	i := 0
	for b.Loop() {
		a := arts[i%len(arts)]
		i++
		start := time.Now()
		v := m.Vectorize(a[0], a[1], true)
		q := m.QueryTerms(v)
		t1 := time.Now()
		best, bestScore := int32(-1), 0.0
		cs := post.Candidates(m, q, DefaultOptions.Candidates)
		cands += len(cs)
		t2 := time.Now()
		for _, s := range cs {
			if r := m.Compare(v, &stories[s]); r.Same && r.Score > bestScore {
				best, bestScore = s, r.Score
			}
		}
		t3 := time.Now()
		tv, tc, tm = tv+t1.Sub(start), tc+t2.Sub(t1), tm+t3.Sub(t2)
		if best < 0 {
			best = int32(len(stories))
			stories = append(stories, Centroid{})
		}
		m.Add(&stories[best], v)
		post.Add(best, q)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(pct(0.5), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(perStory, "index-B/story")
	b.ReportMetric(float64(cands)/float64(len(lat)), "candidates/op")
	ops := float64(len(lat))
	b.ReportMetric(float64(tv.Microseconds())/ops, "vectorize-µs")
	b.ReportMetric(float64(tc.Microseconds())/ops, "candidates-µs")
	b.ReportMetric(float64(tm.Microseconds())/ops, "compare-µs")
}

// learn makes m learn a text.
func (m *Model) learn(title, text string) { m.Vectorize(title, text, true) }

// article600 is an article of 600 words, as arguments for Vectorize but
// its last.
func (c *corpus) article600() (string, string, bool) {
	title, text := c.article(600)
	return title, text, true
}

// vector returns a vector of k terms drawn from the corpus's vocabulary,
// weighed as Vectorize weighs them.
func (c *corpus) vector(m *Model, k int) Vector {
	counts := map[uint32]float64{}
	for len(counts) < k {
		switch c.r.IntN(5) {
		case 0:
			counts[m.id(FieldNames, strings.ToLower(c.name()))] += 1 + float64(c.r.IntN(3))
		case 1:
			counts[m.id(FieldNumbers, fmt.Sprint(c.r.IntN(5000))+" peopl")]++
		default:
			counts[m.id(FieldWords, c.word())] += 1 + float64(c.r.IntN(2))
		}
	}
	return m.vector(counts, false)
}

// BenchmarkVectorizeSeed vectorizes the Reuters seed (about 5,000
// characters) with a model that has learned the other seeds.
func BenchmarkVectorizeSeed(b *testing.B) {
	names, titles, texts := loadSeeds(b)
	m := NewModel(DefaultOptions)
	for i := range names {
		m.Vectorize(titles[i], texts[i], true)
	}
	b.SetBytes(int64(len(texts[2])))
	b.ReportAllocs()
	for b.Loop() {
		m.Vectorize(titles[2], texts[2], true)
	}
}
