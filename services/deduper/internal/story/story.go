// Package story finds the story an article tells among the stories seen
// before, whatever its wording. An article becomes a vector of salient terms
// in three fields — content words, names, numbers — weighed by how rare each
// term is in the stream so far. Candidate stories come from an inverted index
// of the most salient terms; each candidate is verified by the cosine
// similarity of the article to the story's centroid, field by field.
package story

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fields of a vector. Every term belongs to one.
const (
	FieldWords = iota
	FieldNames
	FieldNumbers
	NumFields
)

var fieldPrefix = [NumFields]string{"w:", "n:", "#:"}

// Options tune a Model and its Index.
type Options struct {
	// TopTerms is how many of its most salient terms an article keeps.
	TopTerms int
	// QueryTerms is how many of them retrieve candidate stories.
	QueryTerms int
	// CentroidTerms bounds the terms a story's centroid keeps.
	CentroidTerms int
	// PriorDocs is a pseudo-count of documents in which every term is
	// assumed absent, so that term weights are sane before the stream has
	// taught them.
	PriorDocs float64
	// MaxPostings bounds each term's list of stories (the most recent are kept).
	MaxPostings int
	// TitleBoost multiplies the count of a title word.
	TitleBoost float64
	// FieldWeights weigh each field's similarity in the combined score.
	FieldWeights [NumFields]float64
	// Threshold is the combined score from which an article tells the
	// same story as a candidate.
	Threshold float64
	// Candidates is how many candidate stories are verified per article.
	Candidates int
}

// DefaultOptions are tuned on the ECB+ development topics.
var DefaultOptions = Options{TopTerms: 64, QueryTerms: 12, CentroidTerms: 200, PriorDocs: 200, MaxPostings: 512,
	TitleBoost: 2, FieldWeights: [NumFields]float64{1, 1, 0.5}, Threshold: 0.2, Candidates: 32}

// Vector is an article's salient terms with their weights (sublinear term
// frequency, normalised per field, before term rarity is applied).
type Vector struct {
	Terms   []uint32
	Weights []float32
}

// Model holds the vocabulary and document frequencies learned from the stream.
type Model struct {
	opts  Options
	ids   map[string]uint32
	df    []uint32
	field []uint8
	terms []string
	docs  float64
}

// NewModel returns an empty model.
func NewModel(opts Options) *Model {
	return &Model{opts: opts, ids: map[string]uint32{}}
}

// Options returns the model's options.
func (m *Model) Options() Options { return m.opts }

// idf is the rarity weight of a term.
func (m *Model) idf(t uint32) float64 {
	return math.Log((m.docs + m.opts.PriorDocs) / (float64(m.df[t]) + 1))
}

func (m *Model) id(field int, term string) uint32 {
	key := fieldPrefix[field] + term
	if id, ok := m.ids[key]; ok {
		return id
	}
	id := uint32(len(m.terms))
	m.ids[key] = id
	m.terms = append(m.terms, key)
	m.df = append(m.df, 0)
	m.field = append(m.field, uint8(field))
	return id
}

// Term returns the text of a term id, prefixed by its field.
func (m *Model) Term(id uint32) string { return m.terms[id] }

// Vectorize turns an article into its vector, and counts it in the document
// frequencies when learn is set.
func (m *Model) Vectorize(title, text string, learn bool) Vector {
	counts := map[uint32]float64{}
	add := func(boost float64) func(field int, term string) {
		return func(field int, term string) { counts[m.id(field, term)] += boost }
	}
	features(title, add(m.opts.TitleBoost))
	features(text, add(1))

	type tw struct {
		id   uint32
		w, s float64
	}
	all := make([]tw, 0, len(counts))
	for id, c := range counts {
		if learn {
			m.df[id]++
		}
		all = append(all, tw{id: id, w: 1 + math.Log(c)})
	}
	if learn {
		m.docs++
	}
	for i := range all {
		all[i].s = all[i].w * m.idf(all[i].id)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].s != all[j].s {
			return all[i].s > all[j].s
		}
		return all[i].id < all[j].id
	})
	if len(all) > m.opts.TopTerms {
		all = all[:m.opts.TopTerms]
	}
	var norm [NumFields]float64
	for _, x := range all {
		norm[m.field[x.id]] += x.w * x.w
	}
	v := Vector{Terms: make([]uint32, len(all)), Weights: make([]float32, len(all))}
	for i, x := range all {
		v.Terms[i] = x.id
		v.Weights[i] = float32(x.w / math.Sqrt(norm[m.field[x.id]]))
	}
	return v
}

type token struct {
	word      string
	capital   bool
	number    bool
	sentStart bool
	joined    bool // only spaces or a hyphen separate it from the token before
}

// scan splits text into word tokens, noting capitals and sentence starts.
func scan(text string) []token {
	var toks []token
	sentenceStart, joined := true, false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			switch r {
			case ' ', '-', '\u00a0':
			case '.', '!', '?', '\n', '"', '“', '‘', ':', '`', '|':
				sentenceStart, joined = true, false
			default:
				joined = false
			}
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
				break
			}
			j += s2
		}
		toks = append(toks, token{word: text[i:j], capital: unicode.IsUpper(r), number: unicode.IsDigit(r),
			sentStart: sentenceStart, joined: joined && len(toks) > 0})
		sentenceStart, joined = false, true
		i = j
	}
	return toks
}

// features emits the terms of text: every content word, every name (a
// capitalised word inside a sentence, and runs of capitalised words as one
// name), and every number.
func features(text string, emit func(field int, term string)) {
	toks := scan(text)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.number {
			emit(FieldNumbers, strings.TrimLeft(t.word, "0"))
			continue
		}
		if w := normalize(t.word); w != "" {
			emit(FieldWords, w)
		}
		if !t.capital {
			continue
		}
		// A run of capitalised words is one name: "Tara Reid",
		// "Betty Ford Center".
		j := i + 1
		for j < len(toks) && toks[j].capital && !toks[j].number && toks[j].joined {
			j++
		}
		run := toks[i:j]
		if run[0].sentStart && len(run) > 1 && stopwords[strings.ToLower(run[0].word)] {
			run = run[1:]
		}
		if len(run) == 1 && (run[0].sentStart || stopwords[strings.ToLower(run[0].word)]) {
			continue
		}
		parts := make([]string, len(run))
		for k, r := range run {
			parts[k] = strings.ToLower(r.word)
		}
		emit(FieldNames, strings.Join(parts, " "))
		if len(run) > 1 {
			// The last word alone too: later mentions use the surname.
			emit(FieldNames, parts[len(parts)-1])
		}
		for k := i + 1; k < j; k++ {
			if w := normalize(toks[k].word); w != "" {
				emit(FieldWords, w)
			}
		}
		i = j - 1
	}
}

// normalize lower-cases a word, drops stop words and one-letter words, and
// strips plural endings.
func normalize(word string) string {
	w := strings.ToLower(word)
	if len(w) < 2 || stopwords[w] {
		return ""
	}
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:len(w)-1]
	}
	return w
}

// Centroid is the sum of the vectors of a story's members, pruned to its
// heaviest terms. Terms are kept sorted so that comparisons are merge joins
// and a centroid costs eight bytes a term.
type Centroid struct {
	Terms   []uint32
	Weights []float32
	N       int
}

// Add adds v to the centroid.
func (m *Model) Add(c *Centroid, v Vector) {
	terms := make([]uint32, len(v.Terms))
	weights := make([]float32, len(v.Terms))
	copy(terms, v.Terms)
	copy(weights, v.Weights)
	sortPairs(terms, weights)
	m.merge(c, terms, weights, 1)
}

// Merge adds the members of src to dst.
func (m *Model) Merge(dst, src *Centroid) { m.merge(dst, src.Terms, src.Weights, src.N) }

func (m *Model) merge(c *Centroid, terms []uint32, weights []float32, n int) {
	outT := make([]uint32, 0, len(c.Terms)+len(terms))
	outW := make([]float32, 0, len(c.Terms)+len(terms))
	i, j := 0, 0
	for i < len(c.Terms) || j < len(terms) {
		switch {
		case j >= len(terms) || (i < len(c.Terms) && c.Terms[i] < terms[j]):
			outT, outW = append(outT, c.Terms[i]), append(outW, c.Weights[i])
			i++
		case i >= len(c.Terms) || terms[j] < c.Terms[i]:
			outT, outW = append(outT, terms[j]), append(outW, weights[j])
			j++
		default:
			outT, outW = append(outT, c.Terms[i]), append(outW, c.Weights[i]+weights[j])
			i++
			j++
		}
	}
	c.Terms, c.Weights, c.N = outT, outW, c.N+n
	if limit := m.opts.CentroidTerms; len(c.Terms) > limit {
		m.prune(c, limit)
	}
}

// prune keeps the limit heaviest terms of c by weight and rarity.
func (m *Model) prune(c *Centroid, limit int) {
	idx := make([]int, len(c.Terms))
	for i := range idx {
		idx[i] = i
	}
	score := func(i int) float64 { return float64(c.Weights[i]) * m.idf(c.Terms[i]) }
	sort.Slice(idx, func(a, b int) bool {
		sa, sb := score(idx[a]), score(idx[b])
		if sa != sb {
			return sa > sb
		}
		return c.Terms[idx[a]] < c.Terms[idx[b]]
	})
	idx = idx[:limit]
	sort.Ints(idx)
	terms := make([]uint32, limit)
	weights := make([]float32, limit)
	for k, i := range idx {
		terms[k], weights[k] = c.Terms[i], c.Weights[i]
	}
	c.Terms, c.Weights = terms, weights
}

func sortPairs(terms []uint32, weights []float32) {
	sort.Sort(pairs{terms, weights})
}

type pairs struct {
	t []uint32
	w []float32
}

func (p pairs) Len() int           { return len(p.t) }
func (p pairs) Less(i, j int) bool { return p.t[i] < p.t[j] }
func (p pairs) Swap(i, j int) {
	p.t[i], p.t[j] = p.t[j], p.t[i]
	p.w[i], p.w[j] = p.w[j], p.w[i]
}

// weight returns the weight of term t in c, or 0.
func (c *Centroid) weight(t uint32) (float32, bool) {
	i := sort.Search(len(c.Terms), func(i int) bool { return c.Terms[i] >= t })
	if i < len(c.Terms) && c.Terms[i] == t {
		return c.Weights[i], true
	}
	return 0, false
}

// Scores are the per-field cosines of an article and a story, and their
// weighted combination.
type Scores struct {
	Fields   [NumFields]float64
	Combined float64
}

// Similarity scores v against c, field by field, each term weighed by its
// rarity. A field that either side lacks does not count.
func (m *Model) Similarity(v Vector, c *Centroid) Scores {
	var dot, nv, nc [NumFields]float64
	for i, t := range v.Terms {
		f := m.field[t]
		idf := m.idf(t)
		x := float64(v.Weights[i]) * idf
		nv[f] += x * x
		if w, ok := c.weight(t); ok {
			dot[f] += x * float64(w) * idf
		}
	}
	for i, t := range c.Terms {
		y := float64(c.Weights[i]) * m.idf(t)
		nc[m.field[t]] += y * y
	}
	var s Scores
	var wsum float64
	for f := range NumFields {
		if nv[f] == 0 || nc[f] == 0 {
			continue
		}
		s.Fields[f] = dot[f] / math.Sqrt(nv[f]*nc[f])
		s.Combined += m.opts.FieldWeights[f] * s.Fields[f]
		wsum += m.opts.FieldWeights[f]
	}
	if wsum > 0 {
		s.Combined /= wsum
	}
	return s
}

// Match is the verdict of comparing an article with a story, with the
// measurements behind it.
type Match struct {
	Score     float64
	Scores    map[string]float64
	Threshold float64
	Same      bool
}

var fieldNames = [NumFields]string{"words", "names", "numbers"}

// Compare decides whether v tells the story c holds.
func (m *Model) Compare(v Vector, c *Centroid) Match {
	s := m.Similarity(v, c)
	scores := make(map[string]float64, NumFields+1)
	for f := range NumFields {
		scores[fieldNames[f]] = round(s.Fields[f])
	}
	return Match{Score: round(s.Combined), Scores: scores, Threshold: m.opts.Threshold, Same: s.Combined >= m.opts.Threshold}
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// QueryTerms returns the terms of v that retrieve candidates: its most
// salient ones by weight and rarity.
func (m *Model) QueryTerms(v Vector) []uint32 {
	type tw struct {
		t uint32
		s float64
	}
	all := make([]tw, len(v.Terms))
	for i, t := range v.Terms {
		all[i] = tw{t, float64(v.Weights[i]) * m.idf(t)}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s > all[j].s })
	n := min(m.opts.QueryTerms, len(all))
	out := make([]uint32, n)
	for i := range n {
		out[i] = all[i].t
	}
	return out
}

// Postings maps terms to the stories that contain them.
type Postings struct {
	max  int
	list map[uint32][]int32
}

// NewPostings returns an empty inverted index keeping at most max stories per term.
func NewPostings(max int) *Postings { return &Postings{max: max, list: map[uint32][]int32{}} }

// Add records that story contains terms.
func (p *Postings) Add(story int32, terms []uint32) {
	for _, t := range terms {
		l := p.list[t]
		if slices.Contains(l[max(0, len(l)-8):], story) {
			continue
		}
		if len(l) >= p.max {
			l = l[1:]
		}
		p.list[t] = append(l, story)
	}
}

// Candidates returns up to limit stories that share terms with the query,
// those sharing the most (by rarity) first.
func (p *Postings) Candidates(m *Model, terms []uint32, limit int) []int32 {
	score := map[int32]float64{}
	for _, t := range terms {
		w := m.idf(t)
		for _, s := range p.list[t] {
			score[s] += w
		}
	}
	out := make([]int32, 0, len(score))
	for s := range score {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if score[out[i]] != score[out[j]] {
			return score[out[i]] > score[out[j]]
		}
		return out[i] > out[j]
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// keyNames returns up to k names of a weighted term set, the most salient
// first.
func (m *Model) keyNames(terms []uint32, weight func(i int) float64, k int) []uint32 {
	type tw struct {
		t uint32
		s float64
	}
	var all []tw
	for i, t := range terms {
		if m.field[t] == FieldNames {
			all = append(all, tw{t, weight(i) * m.idf(t)})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].s != all[j].s {
			return all[i].s > all[j].s
		}
		return all[i].t < all[j].t
	})
	out := make([]uint32, 0, k)
	for _, x := range all[:min(k, len(all))] {
		out = append(out, x.t)
	}
	return out
}

// KeyNameMiss measures how much the protagonists of the article and of the
// story disagree: the share of the article's k most salient names the story
// never mentions, and the share of the story's k most salient names the
// article does not mention. Rewrites keep the cast; another story of the same
// topic brings a new one.
func (m *Model) KeyNameMiss(v Vector, c *Centroid, k int) (articleMiss, storyMiss float64) {
	vk := m.keyNames(v.Terms, func(i int) float64 { return float64(v.Weights[i]) }, k)
	if len(vk) > 0 {
		n := 0
		for _, t := range vk {
			if _, ok := c.weight(t); !ok {
				n++
			}
		}
		articleMiss = float64(n) / float64(len(vk))
	}
	ck := m.keyNames(c.Terms, func(i int) float64 { return float64(c.Weights[i]) }, k)
	if len(ck) > 0 {
		in := make(map[uint32]bool, len(v.Terms))
		for _, t := range v.Terms {
			in[t] = true
		}
		n := 0
		for _, t := range ck {
			if !in[t] {
				n++
			}
		}
		storyMiss = float64(n) / float64(len(ck))
	}
	return articleMiss, storyMiss
}
