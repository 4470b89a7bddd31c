// Package story finds the story an article tells among the stories seen
// before, whatever its wording.
//
// An article becomes a vector of salient terms in fields — content words,
// names, numbers with what they count, dates of its first sentences, and
// the quotations the extractor found — weighed by term frequency (more in
// the headline and first sentences, where news states its facts) and by how
// rare each term is in the stream so far. A story is the sum of its
// members' vectors, pruned to its heaviest terms. Candidate stories come
// from an inverted index of each article's most salient terms; each
// candidate is verified by a few similarities (per-field cosines, how much
// of each side's key terms and names the other mentions as much, the
// story's size and cohesion, whether their dates disagree) combined by a
// logistic model fitted on ECB+, after Miranda et al. (2018), "Multilingual
// clustering of streaming news".
//
// A clusterer assigns one article at a time:
//
//	v := m.VectorizeArticle(a, true) // learns term rarity too
//	q := m.QueryTerms(v)
//	best, bestScore := -1, 0.0
//	for _, s := range post.Candidates(m, q, m.Options().Candidates) {
//		s = find(s) // the story s was merged into, if any
//		if r := m.Compare(v, stories[s]); r.Same && r.Score > bestScore {
//			best, bestScore = s, r.Score
//		}
//	}
//	if best < 0 {
//		best = found() // a new, empty Centroid
//	}
//	m.Add(stories[best], v)
//	post.Add(best, q)
//
// Stories begin apart that are one; there are two ways to merge them. When
// the article matched another candidate with Match.Bridge as well as the
// best, the two are one story unless m.Contradicts says they report
// different events (measured on ECB+: folding in only Bridge candidates,
// not every Same one, is worth 3 points of B-cubed F1). And when the
// article joined a story that existed (N ≥ 2 now), the other candidates
// get a second chance: m.Link(stories[best], stories[o]) compares their
// members pair by pair. m.Merge folds a story into another. Postings keep
// the ids of merged stories, so the clusterer maps them (a union-find).
// Link needs the first members of a story (Options.Exemplars), and Split
// every member of a small one with the scores of their pairs
// (Options.SplitMembers; add them with AddTagged, and m.Divide moves the
// members Split names into a story of their own). Each member kept costs up
// to 6·MemberTerms bytes; a clusterer bounds that memory by letting go of
// them (Centroid.DropExemplars) in the stories that stopped changing.
// Neither Model nor Postings is safe for concurrent use.
package story

import (
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Fields of a vector. Every term belongs to one. Words, names, numbers and
// dates have a cosine feature each; every field counts in FeatAll.
const (
	FieldWords   = iota // content words, stemmed
	FieldNames          // names: runs of capitalised words, and their last word
	FieldNumbers        // numbers, alone and with the word they count
	FieldDates          // month-day dates, years and weekdays of the first sentences
	FieldQuotes         // ids of the article's quotations (VectorizeArticle)
	NumFields
)

var fieldNames = [NumFields]string{"words", "names", "numbers", "dates", "quotes"}

// A term id holds its field in its top bits and a hash of its text in the
// others, so ids need no vocabulary table and are the same in every process.
const (
	fieldShift = 29
	hashMask   = 1<<fieldShift - 1
)

func fieldOf(t uint32) int { return int(t >> fieldShift) }

// Options tune a Model.
type Options struct {
	// TopTerms is how many of its most salient terms an article's vector
	// keeps; QueryTerms how many of those retrieve candidate stories.
	TopTerms   int
	QueryTerms int
	// A story's centroid keeps at most MemberTerms terms per member and
	// CentroidTerms in all, its heaviest.
	MemberTerms   int
	CentroidTerms int
	// MaxPostings bounds each term's list of stories (the most recent are
	// kept): a term of more stories than that in the window retrieves
	// little, and the lists bound the cost of retrieval (on ECB+, 64, 128
	// and 512 cluster alike). Candidates is how many stories are verified
	// per article.
	MaxPostings int
	Candidates  int
	// PriorDocs is a pseudo-count of documents in which every term is
	// assumed absent, so that term weights are sane before the stream has
	// taught them.
	PriorDocs float64
	// A term counts 1 + LeadBoost·exp(-place/LeadDecay) times where place
	// is 0 in the title, 1 in the first sentence of the text, and so on.
	LeadBoost float64
	LeadDecay float64
	// DateSentences is how many sentences after the title may give the
	// dates of the story (the date line, the weekday of the event).
	DateSentences int
	// Weights and Bias are the logistic model over Features that gives
	// Compare's score; Threshold is the score from which an article tells
	// the story, and SingleThreshold the score from which it tells a story
	// of one: a pair is the least evidence there is, and a wrong pair draws
	// the articles of both its events in, while a right pair missed is
	// merged later by Link, when a third article joins either.
	Weights         [NumFeatures]float64
	Bias            float64
	Threshold       float64
	SingleThreshold float64
	// BridgeThreshold is the score from which an article that tells two
	// stories makes them one (Match.Bridge).
	BridgeThreshold float64
	// DateVeto, when above 0, keeps an article out of a story of several
	// members whose dates or weekdays it contradicts at least that much
	// (FeatDateConflict, FeatWeekdayConflict) when it shares none of its
	// key names with the story either (Model.contradicts).
	DateVeto float64
	// Exemplars is how many of its first members a story keeps, as
	// centroids of one, for Link; LinkThreshold is Link's mean score from
	// which two stories are one. LinkFloor is the least score of an
	// article against a candidate story for a clusterer to ask Link about
	// it (ECB+: 0 and 0.05 merge alike; the floor spares the comparisons
	// with candidates that share words and nothing else).
	Exemplars     int
	LinkThreshold float64
	LinkFloor     float64
	// SplitMembers is how many members a story may have and still keep
	// each, with the score of each pair of them, so that Split can find
	// the members that tell another story (0: never). SplitThreshold is
	// the mean score of the pairs across two groups of members from which
	// they are one story; SplitMin the least members of a group that
	// leaves its story.
	SplitMembers   int
	SplitThreshold float64
	SplitMin       int
	// KeepText keeps the text of every term so that Term can show it. It
	// is for tools: it costs memory.
	KeepText bool
}

// DefaultOptions were fitted and tuned on the ECB+ development topics with
// cmd/eval-cluster (--train --hard-weight 3: the stories of
// the other event of a topic weigh three times in the fit) and checked by
// cross-validation over topics (--cv), on the SemEval-2022 pairs and on the
// seed articles. A stored centroid costs at most 6·48 bytes per member (64
// measured no better on ECB+, 32 alike on ECB+ and worse on SemEval). An
// article's vector keeps 200 terms: with the weights fitted at 150, 200
// raise ECB+ B-cubed F1 from 0.908 to 0.911 (20 orders), and refitted
// across topics (--cv) from 0.902 to 0.905; the missed joins that cost
// most are articles scored below the threshold, not stories left out of
// the candidates (verifying 32 candidates instead of 16 changes nothing).
// Link at 0.3 over 6 exemplars and SingleThreshold 0.3 then raise B-cubed
// F1 (20 orders) from 0.911 to 0.919 and pairwise F1 from 0.888 to 0.900
// (Link alone: 0.917 and 0.894; 4 to 8 exemplars alike, 24 terms each
// half a point worse; link thresholds 0.25 to 0.35 alike). A higher
// SingleThreshold buys little on ECB+ (0.4: 0.920 and 0.901) and costs
// pairs that are one story: SemEval same-story accuracy is 0.901 without
// it, 0.870 at 0.3, 0.857 at 0.4.
//
// Since stories that mix two events are divided (Split: stories of up to 24
// members, groups of 3 or more, pair scores under 0.18), a wrong join costs
// less, and the join thresholds came down: Threshold 0.12, SingleThreshold
// 0.25 and LinkThreshold 0.25 against 0.15, 0.3 and 0.3 raise ECB+ B-cubed
// F1 from 0.928 to 0.934 and pairwise F1 from 0.922 to 0.926 (20 orders),
// and the SemEval clear pairs Compare calls right from 194 to 196 of 223;
// stories divided up to 32 members instead of 24, 0.936 and 0.932; and
// Threshold 0.1, 0.938 and 0.934. Lower still gains less (0.08: 0.939,
// 0.04: 0.942) and asks less of an article than news streams with many
// unrelated stories can afford: ECB+ retrieves little but the topic.
//
// Then Link came down too, from 0.25 to 0.12 over twelve exemplars, with
// Threshold 0.08 and SplitThreshold 0.21: Link now merges two stories of
// one topic readily, and the join that follows divides the union again by
// its members' pair scores, so that the reports of each event end where
// they fit best, and the largest group keeps the story (Split). The
// deduper's engine, 20 orders: B-cubed F1 0.934 → 0.947, pairwise 0.931 →
// 0.944; the SemEval clear pairs 196 → 196. Articles move between clusters
// more often: 25 splits an order of ECB+ against 13, with no merge made
// that the division would undo (Model.Undone). A
// lead that fades faster (LeadDecay 2.2) was worth half a point more on
// ECB+ and let seed 004 into the story of the others (0.30 against 0.01).
//
// Each article retrieves with 24 query terms, and its story is indexed
// under them, where 12 were: a story is found by more of the ways its
// reports word it, and more of the stories of a topic come before Link.
// The engine, 20 orders: B-cubed F1 0.948 → 0.950, pairwise 0.946 → 0.948
// (0.952 → 0.953 on the even topics, the odd unchanged; 16 terms take half
// of it, 32 or 48 no more than 24). At a million articles indexed, an
// assignment costs 306 µs at the median and 388 µs at p99 against 264 and
// 373, and 922 bytes an article against 928 (BenchmarkAssign, with the
// thresholds below).
//
// With more stories before Link, the thresholds moved again: Threshold 0.06,
// LinkThreshold 0.125 and SplitThreshold 0.195 against 0.08, 0.12 and 0.21
// (the centre of the best of 60 settings drawn near them). The engine, 20
// orders: B-cubed F1 0.950 → 0.953, pairwise 0.948 → 0.950; on orders the
// search never saw 0.948 → 0.952 and 0.950 → 0.956, on the odd topics 0.928
// → 0.929, the even 0.953 → 0.955; fewer moves (23 splits an order, 97
// articles moved, against 26 and 113). The SemEval clear pairs hold: 200.
var DefaultOptions = Options{
	TopTerms: 200, QueryTerms: 24, MemberTerms: 48, CentroidTerms: 200, MaxPostings: 128, Candidates: 16,
	PriorDocs: 10, LeadBoost: 4, LeadDecay: 3, DateSentences: 2,
	Weights: [NumFeatures]float64{FeatWords: 1.119, FeatNames: 2.186, FeatNumbers: 3.115, FeatAll: 0.625,
		FeatTermCover: 13.251, FeatStoryTerms: 8.358, FeatNameCover: -0.968, FeatStoryNames: -2.655, FeatSize: -0.204,
		FeatSingle: -0.774, FeatCohesion: -2.703, FeatDateConflict: -0.889, FeatNumberConflict: -0.609,
		FeatLeadName: 0.132, FeatStoryLead: 0.763, FeatWeekdayConflict: -0.648},
	Bias: -5.621, Threshold: 0.06, SingleThreshold: 0.25, BridgeThreshold: 0.9, DateVeto: 0.5,
	Exemplars: 12, LinkThreshold: 0.125, LinkFloor: 0.05,
	SplitMembers: 32, SplitThreshold: 0.195, SplitMin: 3,
}

// Vector is an article's salient terms, sorted by id, with their weights:
// term frequency times rarity (as the model knew it when it made the
// vector), normalised to unit length in each field.
type Vector struct {
	Terms   []uint32
	Weights []float32
	cuts    cuts // of the coverage features, found once
}

// Model holds the document frequencies learned from the stream. It counts
// them in generations (Age starts the next) and keeps two, the current and
// the one before: what the stream stopped saying is forgotten, and memory
// stays bounded by the vocabulary of two generations however long the
// model runs. It is not safe for concurrent use.
type Model struct {
	opts Options
	// df and docs count the current generation; prevDF and prevDocs the
	// one before it.
	df       map[uint32]uint32
	docs     float64
	prevDF   map[uint32]uint32
	prevDocs float64
	gens     generations
	text     map[uint32]string
	// boost is the weight of a term by the place of its sentence.
	boost [16]float64
	// Buffers reused from one document to the next.
	z      analyzer
	counts map[uint32]float64
	all    []termWeight
	ties   []termWeight
	ws     []float64
	// mergeT, mergeW and pruneW build centroids; cw and cw2 hold the
	// decoded weights of the centroids being compared.
	mergeT  []uint32
	mergeW  []float32
	pruneW  []float32
	cw, cw2 []float32
}

// termWeight is a term of a document being vectorized, with its weight.
type termWeight struct {
	id uint32
	s  float64
}

// NewModel returns a model that has learned nothing yet.
func NewModel(opts Options) *Model {
	m := &Model{opts: opts, df: map[uint32]uint32{}}
	if opts.KeepText {
		m.text = map[uint32]string{}
	}
	for i := range m.boost {
		m.boost[i] = 1
		if opts.LeadDecay > 0 {
			m.boost[i] += opts.LeadBoost * math.Exp(-float64(i)/opts.LeadDecay)
		}
	}
	return m
}

// Clone returns a copy of m that learns apart from it.
func (m *Model) Clone() *Model {
	c := *m
	c.df, c.prevDF = maps.Clone(m.df), maps.Clone(m.prevDF)
	if m.text != nil {
		c.text = maps.Clone(m.text)
	}
	c.z, c.counts, c.all, c.ties, c.ws = analyzer{}, nil, nil, nil, nil
	c.mergeT, c.mergeW, c.pruneW, c.cw, c.cw2 = nil, nil, nil, nil, nil
	return &c
}

// Options returns the model's options.
func (m *Model) Options() Options { return m.opts }

// Docs returns how many documents of the two generations the model keeps
// it has learned from.
func (m *Model) Docs() int { return int(m.docs + m.prevDocs) }

// Terms returns how many terms the model keeps statistics of, a term seen
// in both generations counting twice: the measure of its memory.
func (m *Model) Terms() int { return len(m.df) + len(m.prevDF) }

// Age moves the model on to generation gen, if gen is later than the
// current one: the current generation becomes the previous one, or, when
// gen is further on than the next, is forgotten too. The first call sets
// the generation of what was learned so far.
func (m *Model) Age(gen int64) {
	switch m.gens.advance(gen) {
	case genStay:
		return
	case genShift:
		m.prevDF, m.prevDocs = m.df, m.docs
	case genDrop:
		m.prevDF, m.prevDocs = nil, 0
	}
	m.df, m.docs = map[uint32]uint32{}, 0
}

// generations numbers the generations of what a model or an index learns:
// a window long each, of which the current and the one before are kept.
type generations struct {
	gen  int64
	aged bool // gen is set
}

// What advance asks of the generations kept.
const (
	genStay  = iota // the same generation (or the first): keep both
	genShift        // the next: the current becomes the one before
	genDrop         // further on: both are forgotten
)

// advance moves on to generation gen, if it is later than the current
// one, and says what becomes of the generations kept.
func (g *generations) advance(gen int64) int {
	switch {
	case !g.aged:
		g.gen, g.aged = gen, true
		return genStay
	case gen <= g.gen:
		return genStay
	case gen == g.gen+1:
		g.gen = gen
		return genShift
	default:
		g.gen = gen
		return genDrop
	}
}

// IDF returns the rarity weight of a term.
func (m *Model) IDF(t uint32) float64 {
	return math.Log(m.docs+m.prevDocs+m.opts.PriorDocs) - logCount(m.df[t]+m.prevDF[t]+1)
}

// logTable holds the logarithms of the small counts, which are most
// document frequencies: a lookup is cheaper than math.Log.
var logTable = func() (t [1 << 12]float64) {
	for i := 1; i < len(t); i++ {
		t[i] = math.Log(float64(i))
	}
	return t
}()

// logCount returns log(n) for n ≥ 1.
func logCount(n uint32) float64 {
	if n < uint32(len(logTable)) {
		return logTable[n]
	}
	return math.Log(float64(n))
}

// Numbers and dates carry what they count in the id: the unit's hash in the
// high bits of the hash part, the value's in the low bits, so that the terms
// of one unit sort together.
const (
	valueBits = 13
	valueMask = 1<<valueBits - 1
)

func (m *Model) id(field int, term string) uint32 {
	id := termID(field, term)
	if m.text != nil {
		m.text[id] = term
	}
	return id
}

// termID is the id of a term of a field.
func termID(field int, term string) uint32 {
	switch field {
	case FieldNumbers:
		value, unit, _ := strings.Cut(term, " ")
		return uint32(field)<<fieldShift | (fnv32(unit)&(hashMask>>valueBits))<<valueBits | fnv32(value)&valueMask
	case FieldDates:
		return dateID(term)
	default:
		return uint32(field)<<fieldShift | fnv32(term)&hashMask
	}
}

// Date terms hold their value itself, not its hash, so that dates a few
// days apart can be told from dates far apart: a month-day as its day of
// the year, a year as its distance from 1900, a weekday as its number.
var (
	dayUnit     = unitID(FieldDates, "day")
	yearUnit    = unitID(FieldDates, "year")
	weekdayUnit = unitID(FieldDates, "weekday")
)

// unitID is the unit part of the id of a number or date term, shifted in
// place.
func unitID(field int, unit string) uint32 {
	return uint32(field)<<fieldShift | (fnv32(unit)&(hashMask>>valueBits))<<valueBits
}

// dateID returns the id of a date term as the text analysis writes them:
// "may 3", "2013" or "mon".
func dateID(term string) uint32 {
	switch len(term) {
	case 3:
		for i, d := range weekdayAbbr {
			if d == term {
				return weekdayUnit | uint32(i)
			}
		}
		return weekdayUnit | fnv32(term)&valueMask
	case 4:
		if y := atoi(term); year(y) {
			return yearUnit | uint32(y-1900)
		}
	}
	mon, day, _ := strings.Cut(term, " ")
	if mo, d := month(mon), atoi(day); mo > 0 && d >= 1 && d <= 31 {
		return dayUnit | uint32(dayOfYear(mo, d))
	}
	return dayUnit | fnv32(term)&valueMask
}

// daysInYear is the length of the year dayOfYear counts in.
const daysInYear = 366

// dayOfYear counts the days from January 1st, in a leap year.
func dayOfYear(mo, d int) int {
	days := [13]int{0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}
	return days[mo] + d - 1
}

// dateNear is how many days apart two month-days may be and still tell of
// one event: articles of one event are written a day or two apart and
// count days from their own date ("yesterday", the dateline).
const dateNear = 3

// weekdayNear is how many days apart two weekdays may be and still tell of
// one event: an event of Thursday is reported on Friday, and the reports
// name both days (ECB+: B-cubed F1 +0.001 in every order and half of the
// topics, against weekdays that must be the same).
const weekdayNear = 1

// fnv32 is the 32-bit FNV-1a hash: fixed, so ids survive restarts.
func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Term returns the field and, when the model keeps text (Options.KeepText),
// the text of a term id.
func (m *Model) Term(id uint32) string {
	return fieldNames[fieldOf(id)] + ":" + m.text[id]
}

// Field returns the field of a term id.
func Field(id uint32) int { return fieldOf(id) }

// Vectorize turns an article into its vector, and counts it in the document
// frequencies when learn is set.
func (m *Model) Vectorize(title, text string, learn bool) Vector {
	counts := m.countsBuffer()
	m.z.analyze(title, text, m.counter(counts))
	return m.vector(counts, learn)
}

// countsBuffer returns the model's empty map of term counts.
func (m *Model) countsBuffer() map[uint32]float64 {
	if m.counts == nil {
		m.counts = make(map[uint32]float64, 1024)
	}
	clear(m.counts)
	return m.counts
}

// VectorizeArticle is Vectorize for an extracted article: it also counts
// the article's entities as names, the numbers of its claims with what they
// count, and its quotations by claim id (the same quotation has the same id
// in every article that carries it). The publication time is left out: the
// clusterer's time window is the place for it, and a date that every
// article of a day shares is no evidence of one story.
func (m *Model) VectorizeArticle(a *events.Article, learn bool) Vector {
	counts := m.countsBuffer()
	count := m.counter(counts)
	m.z.analyze(a.Title, a.Text, count)
	for _, e := range a.Entities {
		name := strings.ToLower(strings.Join(strings.Fields(e.Name), " "))
		if name == "" {
			continue
		}
		if id := m.id(FieldNames, name); counts[id] == 0 {
			// The text analysis missed it or spelt it otherwise.
			counts[id] = float64(max(1, e.Mentions))
		}
	}
	for _, c := range a.Claims {
		switch {
		case c.Kind == events.ClaimQuote && c.ID != "":
			counts[m.id(FieldQuotes, c.ID)]++
		case c.Kind == events.ClaimNumber && c.Value != nil:
			v := value(formatValue(*c.Value))
			if u := unitWord(firstWord(c.Unit)); u != "" {
				if id := m.id(FieldNumbers, v+" "+u); counts[id] == 0 {
					counts[id] = 1
				}
			}
		}
	}
	return m.vector(counts, learn)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// counter returns an emitter that counts terms into counts, the earlier
// sentences more: news puts the facts of its story first and background
// after.
func (m *Model) counter(counts map[uint32]float64) emitter {
	return counter(counts, m.opts.DateSentences, &m.boost, m.id)
}

// counter returns an emitter that adds the terms it is given to counts,
// each weighted by the place of its sentence.
func counter(counts map[uint32]float64, dateSentences int, boost *[16]float64, id func(int, string) uint32) emitter {
	return func(field int, term string, place int) {
		if field == FieldDates && place > dateSentences {
			// Dates further on are mostly background.
			return
		}
		w := 1.0
		if place < len(boost) {
			w = boost[place]
		}
		counts[id(field, term)] += w
	}
}

// Analyzer analyses texts as its model does — what Vectorize does before it
// weighs the terms by the model's statistics — on a goroutine of its own:
// an engine replaying decisions analyses the next ones while it folds in
// the last. An Analyzer is not safe for concurrent use; each goroutine has
// its own.
type Analyzer struct {
	z             analyzer
	dateSentences int
	boost         [16]float64
}

// Analyzer returns an analyzer of m's options, or nil when m keeps the
// text of its terms (Options.KeepText), which it records as it analyses.
func (m *Model) Analyzer() *Analyzer {
	if m.text != nil {
		return nil
	}
	return &Analyzer{dateSentences: m.opts.DateSentences, boost: m.boost}
}

// Counts analyses a text and its title into a new map of term counts, for
// VectorizeCounts.
func (a *Analyzer) Counts(title, text string) map[uint32]float64 {
	counts := make(map[uint32]float64, 256)
	a.z.analyze(title, text, counter(counts, a.dateSentences, &a.boost, termID))
	return counts
}

// VectorizeCounts is Vectorize for a text an Analyzer of m analysed.
func (m *Model) VectorizeCounts(counts map[uint32]float64, learn bool) Vector {
	return m.vector(counts, learn)
}

func (m *Model) vector(counts map[uint32]float64, learn bool) Vector {
	type tw = termWeight
	if learn {
		m.docs++
	}
	logN := math.Log(m.docs + m.prevDocs + m.opts.PriorDocs)
	all := m.all[:0]
	defer func() { m.all = all[:0] }()
	for id, c := range counts {
		df := m.df[id]
		if learn {
			df++
			m.df[id] = df
		}
		df += m.prevDF[id]
		tf := 1.0
		if c != 1 {
			tf += math.Log(c)
		}
		all = append(all, tw{id: id, s: tf * (logN - logCount(df+1))})
	}
	byID := func(a, b tw) int { return cmpU32(a.id, b.id) }
	if len(all) > m.opts.TopTerms {
		// Keep the TopTerms heaviest: sort the weights alone, which is
		// cheaper than sorting the terms, and cut at the k-th.
		ws := m.ws[:0]
		for _, x := range all {
			ws = append(ws, x.s)
		}
		m.ws = ws
		cut := kth(ws, m.opts.TopTerms)
		above := 0
		for _, x := range all {
			if x.s > cut {
				above++
			}
		}
		// Of the terms at the cut, keep the smallest ids.
		// The kept are compacted in place, the ties set aside.
		k, ties := 0, m.ties[:0]
		for _, x := range all {
			switch {
			case x.s > cut:
				all[k] = x
				k++
			case x.s == cut:
				ties = append(ties, x)
			}
		}
		m.ties = ties
		slices.SortFunc(ties, byID)
		all = append(all[:k], ties[:m.opts.TopTerms-above]...)
	}
	slices.SortFunc(all, byID)
	var norm [NumFields]float64
	for _, x := range all {
		norm[fieldOf(x.id)] += x.s * x.s
	}
	v := Vector{Terms: make([]uint32, len(all)), Weights: make([]float32, len(all))}
	for i, x := range all {
		v.Terms[i] = x.id
		v.Weights[i] = float32(x.s / math.Sqrt(norm[fieldOf(x.id)]))
	}
	v.cuts = cutsOf(v.Terms, v.Weights)
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

// QueryTerms returns the terms of v that retrieve candidate stories: its
// most salient content words, names and numbers by weight, rarest first
// among equals.
func (m *Model) QueryTerms(v Vector) []uint32 {
	type tw struct {
		t uint32
		s float32
	}
	// before orders the terms: heavier first, then by id.
	before := func(a, b tw) bool { return a.s > b.s || (a.s == b.s && a.t < b.t) }
	top := make([]tw, 0, m.opts.QueryTerms+1)
	for i, t := range v.Terms {
		if f := fieldOf(t); f != FieldWords && f != FieldNames && f != FieldNumbers {
			continue
		}
		x := tw{t, v.Weights[i]}
		if len(top) == m.opts.QueryTerms && !before(x, top[len(top)-1]) {
			continue
		}
		// Insert in order; the list is short.
		k := len(top)
		if k < m.opts.QueryTerms {
			top = append(top, x)
		} else {
			k--
		}
		for k > 0 && before(x, top[k-1]) {
			top[k] = top[k-1]
			k--
		}
		top[k] = x
	}
	out := make([]uint32, len(top))
	for i, x := range top {
		out[i] = x.t
	}
	return out
}

// ErrModelData is returned by UnmarshalBinary for data it cannot read.
var ErrModelData = errors.New("story: malformed model data")

// MarshalBinary encodes what the model has learned (the document count and
// frequencies of both generations together, not the options), so that
// another model can start from it.
func (m *Model) MarshalBinary() ([]byte, error) {
	all := maps.Clone(m.df)
	for id, n := range m.prevDF {
		all[id] += n
	}
	ids := slices.Sorted(maps.Keys(all))
	buf := make([]byte, 0, 16+6*len(ids))
	buf = binary.AppendUvarint(buf, uint64(m.docs+m.prevDocs))
	buf = binary.AppendUvarint(buf, uint64(len(ids)))
	var prev uint32
	for _, id := range ids {
		buf = binary.AppendUvarint(buf, uint64(id-prev))
		buf = binary.AppendUvarint(buf, uint64(all[id]))
		prev = id
	}
	return buf, nil
}

// UnmarshalBinary replaces what the model has learned by data from
// MarshalBinary, as its current generation.
func (m *Model) UnmarshalBinary(data []byte) error {
	next := func() (uint64, bool) {
		x, n := binary.Uvarint(data)
		if n <= 0 {
			return 0, false
		}
		data = data[n:]
		return x, true
	}
	docs, ok1 := next()
	n, ok2 := next()
	if !ok1 || !ok2 || n > uint64(len(data)) {
		return ErrModelData
	}
	df := make(map[uint32]uint32, n)
	var id uint32
	for range n {
		d, ok1 := next()
		c, ok2 := next()
		if !ok1 || !ok2 || d > math.MaxUint32 || c > math.MaxUint32 {
			return ErrModelData
		}
		id += uint32(d)
		df[id] = uint32(c)
	}
	if len(data) != 0 {
		return ErrModelData
	}
	m.docs, m.df = float64(docs), df
	m.prevDocs, m.prevDF = 0, nil
	return nil
}
