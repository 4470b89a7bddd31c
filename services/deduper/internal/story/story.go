// Package story finds the story an article tells among the stories seen
// before, whatever its wording. An article becomes a vector of salient terms
// in four fields — content words, names, numbers and the lead (headline and
// first sentences) — weighed by how rare each term is in the stream so far.
// Candidate stories come from an inverted index of the most salient terms;
// each candidate is verified by a handful of similarities between the
// article and the story's centroid (per-field cosines, how much of each
// side's cast the other mentions) combined by a logistic model, as in
// Miranda et al. (2018), "Multilingual clustering of streaming news".
package story

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Fields of a vector. Every term belongs to one.
const (
	FieldWords = iota
	FieldNames
	FieldNumbers
	FieldDates
	FieldLead
	FieldPhrases
	NumFields
)

var fieldNames = [NumFields]string{"words", "names", "numbers", "dates", "lead", "phrases"}

// A term id holds its field in its top bits and a hash of its text in the
// others, so ids need no vocabulary table and are the same in every process.
const (
	fieldShift = 29
	hashMask   = 1<<fieldShift - 1
)

func fieldOf(t uint32) int { return int(t >> fieldShift) }

// Options tune a Model.
type Options struct {
	// TopTerms is how many of its most salient terms an article keeps.
	TopTerms int
	// QueryTerms is how many of them retrieve candidate stories.
	QueryTerms int
	// CentroidTerms bounds the terms a story's centroid keeps, and
	// MemberTerms the terms it keeps for each of its members.
	CentroidTerms int
	MemberTerms   int
	// PriorDocs is a pseudo-count of documents in which every term is
	// assumed absent, so that term weights are sane before the stream has
	// taught them.
	PriorDocs float64
	// MaxPostings bounds each term's list of stories (the most recent are kept).
	MaxPostings int
	// Candidates is how many candidate stories are verified per article.
	Candidates int
	// TitleBoost multiplies the count of a title word, LeadBoost that of a
	// word in the first LeadSentences sentences of the text.
	TitleBoost    float64
	LeadBoost     float64
	LeadSentences int
	// NoLeadField leaves the lead field out.
	NoLeadField bool
	// LeadDecay, when positive, makes the boost fade with the place of the
	// sentence instead: 1 + LeadBoost·exp(-place/LeadDecay).
	LeadDecay float64
	// Weights and Bias are the logistic model over Features that gives
	// Match.Score; Threshold is the score from which an article tells the
	// same story as a candidate.
	Weights   [NumFeatures]float64
	Bias      float64
	Threshold float64
	// MergeWeights, MergeBias and MergeThreshold are the logistic model
	// of SameStory, which compares two stories.
	MergeWeights   [NumFeatures]float64
	MergeBias      float64
	MergeThreshold float64
	// IDFPower raises term rarity to a power: above 1 favours rare terms.
	IDFPower float64
	// TFSaturation, when positive, replaces the sublinear term frequency by
	// BM25's saturation tf(k+1)/(tf+k) with k = TFSaturation.
	TFSaturation float64
	// TFPower, when positive, replaces the sublinear term frequency by
	// tf to this power.
	TFPower float64
	// Scorer, when set, replaces the logistic model.
	Scorer func(features [NumFeatures]float64) float64
	// KeepText keeps the text of every term so that Term can show it; for
	// tools, it costs memory.
	KeepText bool
}

// DefaultOptions are tuned on the ECB+ development topics.
var DefaultOptions = Options{
	TopTerms: 64, QueryTerms: 12, CentroidTerms: 200, PriorDocs: 200, MaxPostings: 512, Candidates: 32,
	TitleBoost: 2, LeadBoost: 1, LeadSentences: 2,
	Weights:   [NumFeatures]float64{FeatCosine + FieldWords: 4, FeatCosine + FieldNames: 4, FeatCosine + FieldLead: 2},
	Bias:      -3,
	Threshold: 0.5,
}

// Vector is an article's salient terms, sorted by id, with their weights:
// sublinear term frequency times rarity (as the model knew it when it made
// the vector), normalised to unit length per field.
type Vector struct {
	Terms   []uint32
	Weights []float32
}

// Model holds the document frequencies learned from the stream. It is not
// safe for concurrent use.
type Model struct {
	opts Options
	df   map[uint32]uint32
	docs float64
	text map[uint32]string
}

// NewModel returns an empty model.
func NewModel(opts Options) *Model {
	m := &Model{opts: opts, df: map[uint32]uint32{}}
	if opts.KeepText {
		m.text = map[uint32]string{}
	}
	return m
}

// Clone returns a copy of m that learns apart from it.
func (m *Model) Clone() *Model {
	c := *m
	c.df = maps.Clone(m.df)
	if m.text != nil {
		c.text = maps.Clone(m.text)
	}
	return &c
}

// Options returns the model's options.
func (m *Model) Options() Options { return m.opts }

// Docs returns how many documents the model has learned from.
func (m *Model) Docs() int { return int(m.docs) }

// idf is the rarity weight of a term.
func (m *Model) idf(t uint32) float64 {
	x := math.Log((m.docs + m.opts.PriorDocs) / (float64(m.df[t]) + 1))
	if m.opts.IDFPower != 0 && m.opts.IDFPower != 1 && x > 0 {
		x = math.Pow(x, m.opts.IDFPower)
	}
	return x
}

// IDF returns the rarity weight of a term.
func (m *Model) IDF(t uint32) float64 { return m.idf(t) }

// Numbers and dates carry what they count in the id: the unit's hash in
// the high bits of the hash part, the value's in the low bits, so that the
// terms of one unit are adjacent in a sorted vector and two texts that give
// the same unit different values can be told.
const (
	valueBits = 13
	valueMask = 1<<valueBits - 1
)

// unitOf returns the unit key of a number or date term.
func unitOf(t uint32) uint32 { return t >> valueBits }

// bareUnit is the unit hash of a number that counts nothing named.
var bareUnit = fnv32("") & (hashMask >> valueBits)

func (m *Model) id(field int, term string) uint32 {
	var id uint32
	switch field {
	case FieldNumbers, FieldDates:
		value, unit, _ := strings.Cut(term, " ")
		if field == FieldDates {
			value, unit = term, "day"
			if len(term) == 4 {
				unit = "year"
			}
		}
		id = uint32(field)<<fieldShift | (fnv32(unit)&(hashMask>>valueBits))<<valueBits | fnv32(value)&valueMask
	default:
		id = uint32(field)<<fieldShift | fnv32(term)&hashMask
	}
	if m.text != nil {
		m.text[id] = term
	}
	return id
}

// fnv32 is the 32-bit FNV-1a hash: fixed, so ids survive restarts.
func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Term returns the text of a term id, prefixed by its field, when the model
// keeps text (Options.KeepText), and the field alone otherwise.
func (m *Model) Term(id uint32) string {
	return fieldNames[fieldOf(id)] + ":" + m.text[id]
}

// Field returns the field of a term id.
func Field(id uint32) int { return fieldOf(id) }

// Vectorize turns an article into its vector, and counts it in the document
// frequencies when learn is set.
func (m *Model) Vectorize(title, text string, learn bool) Vector {
	counts := map[uint32]float64{}
	analyze(title, text, m.counter(counts))
	return m.vector(counts, learn)
}

// VectorizeArticle is Vectorize for an extracted article: it also counts
// the article's entities as names and the numbers of its claims.
func (m *Model) VectorizeArticle(a *events.Article, learn bool) Vector {
	counts := map[uint32]float64{}
	analyze(a.Title, a.Text, m.counter(counts))
	for _, e := range a.Entities {
		name := strings.ToLower(strings.TrimSpace(e.Name))
		if name == "" {
			continue
		}
		id := m.id(FieldNames, name)
		if counts[id] == 0 {
			counts[id] = float64(max(1, e.Mentions))
		}
	}
	return m.vector(counts, learn)
}

// counter returns an emitter that counts terms into counts, the earlier
// sentences more: news puts the facts of its story first and background
// after. Terms of the lead also count in the lead field.
func (m *Model) counter(counts map[uint32]float64) emitter {
	return func(field int, term string, pos int) {
		w := 1.0
		switch {
		case m.opts.LeadDecay > 0:
			w += m.opts.LeadBoost * math.Exp(-float64(pos)/m.opts.LeadDecay)
		case pos <= m.opts.LeadSentences:
			w = m.opts.LeadBoost
		}
		counts[m.id(field, term)] += w
		if !m.opts.NoLeadField && pos <= m.opts.LeadSentences && (field == FieldWords || field == FieldNames) {
			counts[m.id(FieldLead, term)]++
		}
	}
}

func (m *Model) vector(counts map[uint32]float64, learn bool) Vector {
	type tw struct {
		id   uint32
		w, s float64
	}
	all := make([]tw, 0, len(counts))
	for id, c := range counts {
		if learn {
			m.df[id]++
		}
		w := 1 + math.Log(c)
		if m.opts.TFPower > 0 {
			w = math.Pow(c, m.opts.TFPower)
		}
		if m.opts.TFSaturation > 0 {
			w = c * (1 + m.opts.TFSaturation) / (c + m.opts.TFSaturation)
		}
		all = append(all, tw{id: id, w: w})
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
		norm[fieldOf(x.id)] += x.s * x.s
	}
	slices.SortFunc(all, func(a, b tw) int { return cmpU32(a.id, b.id) })
	v := Vector{Terms: make([]uint32, len(all)), Weights: make([]float32, len(all))}
	for i, x := range all {
		v.Terms[i] = x.id
		v.Weights[i] = float32(x.s / math.Sqrt(norm[fieldOf(x.id)]))
	}
	return v
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// QueryTerms returns the terms of v that retrieve candidates: its most
// salient ones by weight and rarity, leaving out the lead field, which
// repeats the others.
func (m *Model) QueryTerms(v Vector) []uint32 {
	type tw struct {
		t uint32
		s float64
	}
	all := make([]tw, 0, len(v.Terms))
	for i, t := range v.Terms {
		if fieldOf(t) == FieldLead {
			continue
		}
		all = append(all, tw{t, float64(v.Weights[i])})
	}
	slices.SortFunc(all, func(a, b tw) int {
		if a.s != b.s {
			if a.s > b.s {
				return -1
			}
			return 1
		}
		return cmpU32(a.t, b.t)
	})
	n := min(m.opts.QueryTerms, len(all))
	out := make([]uint32, n)
	for i := range n {
		out[i] = all[i].t
	}
	return out
}
