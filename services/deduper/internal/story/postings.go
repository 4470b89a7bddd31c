package story

import (
	"slices"
)

// Postings maps terms to the stories that contain them. It is not safe for
// concurrent use.
//
// Like the term statistics, the index comes in generations (see Age): what
// a story added leaves within two generations, so that a story that goes on
// for months, bringing new names and numbers with every report, does not
// keep them all. A story still told adds its terms again with its next
// report; one told no more is forgotten by its clusterer within a window.
type Postings struct {
	max int
	// cur takes what is added; prev is the generation before, read too.
	cur, prev postingsGen
	gens      generations
	score     map[int32]float64 // scratch space of Candidates
}

// postingsGen is one generation of the index. Most terms of a news stream
// are rare: one story has them. Those are kept in one, without a list of
// their own (a list costs a slice header and an array besides its entry); a
// term moves to list with its second story.
type postingsGen struct {
	one  map[uint32]int32
	list map[uint32][]int32
}

func newPostingsGen() postingsGen {
	return postingsGen{one: map[uint32]int32{}, list: map[uint32][]int32{}}
}

// NewPostings returns an empty inverted index keeping at most max stories
// per term and generation.
func NewPostings(max int) *Postings {
	return &Postings{max: max, cur: newPostingsGen(), prev: newPostingsGen(), score: map[int32]float64{}}
}

// Age starts generation gen, as Model.Age does: the generation before is
// kept, older ones are dropped.
func (p *Postings) Age(gen int64) {
	switch p.gens.advance(gen) {
	case genStay:
		return
	case genShift:
		p.prev = p.cur
	case genDrop:
		p.prev = newPostingsGen()
	}
	p.cur = newPostingsGen()
}

// stories returns the stories of a term in one generation, oldest first.
func (g *postingsGen) stories(t uint32) []int32 {
	if s, ok := g.one[t]; ok {
		return []int32{s}
	}
	return g.list[t]
}

// stories returns the stories of a term, those of the generation before
// first, each once.
func (p *Postings) stories(t uint32) []int32 {
	out := slices.Clone(p.prev.stories(t))
	for _, s := range p.cur.stories(t) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Add records that story contains terms.
func (p *Postings) Add(story int32, terms []uint32) {
	g := &p.cur
	for _, t := range terms {
		if s, ok := g.one[t]; ok {
			if s == story {
				continue
			}
			delete(g.one, t)
			if p.max == 1 {
				g.one[t] = story
				continue
			}
			g.list[t] = []int32{s, story}
			continue
		}
		l, ok := g.list[t]
		if !ok {
			g.one[t] = story
			continue
		}
		if slices.Contains(l[max(0, len(l)-8):], story) {
			continue
		}
		if len(l) >= p.max {
			copy(l, l[1:])
			l = l[:len(l)-1]
		}
		g.list[t] = append(l, story)
	}
}

// Candidates returns up to limit stories that share terms with the query,
// those sharing the most (by rarity) first, the most recent first among
// equals. Its cost is bounded by the number of query terms times the
// postings limit, whatever the size of the index.
func (p *Postings) Candidates(m *Model, terms []uint32, limit int) []int32 {
	return p.HeldCandidates(m, terms, limit, nil)
}

// HeldCandidates is Candidates among the stories for which held, if not
// nil, reports true: a clusterer that forgets stories keeps them from
// taking the places of the stories it holds (they are the oldest, but a
// topic that comes back week after week shares its rarest terms with
// them).
func (p *Postings) HeldCandidates(m *Model, terms []uint32, limit int, held func(story int32) bool) []int32 {
	clear(p.score)
	for _, t := range terms {
		w := m.IDF(t)
		cur := p.cur.stories(t)
		for _, s := range cur {
			p.score[s] += w
		}
		for _, s := range p.prev.stories(t) {
			if !slices.Contains(cur, s) {
				p.score[s] += w
			}
		}
	}
	// Keep the best limit in a min-heap whose root is the worst kept.
	h := make([]cand, 0, limit)
	for s, sc := range p.score {
		c := cand{s, sc}
		if len(h) == limit && !h[0].worse(c) {
			continue
		}
		// Only a story that would be kept is looked up: of the thousand
		// or so that share a query term at a million articles indexed,
		// some tens, each a lookup in a large map.
		if held != nil && !held(s) {
			continue
		}
		switch {
		case len(h) < limit:
			h = append(h, c)
			for i := len(h) - 1; i > 0 && h[i].worse(h[(i-1)/2]); i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
		case h[0].worse(c):
			h[0] = c
			for i := 0; ; {
				l, r, w := 2*i+1, 2*i+2, i
				if l < len(h) && h[l].worse(h[w]) {
					w = l
				}
				if r < len(h) && h[r].worse(h[w]) {
					w = r
				}
				if w == i {
					break
				}
				h[i], h[w] = h[w], h[i]
				i = w
			}
		}
	}
	slices.SortFunc(h, func(a, b cand) int {
		if b.worse(a) {
			return -1
		}
		if a.worse(b) {
			return 1
		}
		return 0
	})
	out := make([]int32, len(h))
	for i, c := range h {
		out[i] = c.s
	}
	return out
}

// Sweep drops from the index the stories for which gone reports true, so
// that the terms of stories a clusterer forgot do not stay listed.
func (p *Postings) Sweep(gone func(story int32) bool) {
	p.cur.sweep(gone)
	p.prev.sweep(gone)
}

func (g *postingsGen) sweep(gone func(story int32) bool) {
	for t, s := range g.one {
		if gone(s) {
			delete(g.one, t)
		}
	}
	for t, l := range g.list {
		l = slices.DeleteFunc(l, gone)
		switch len(l) {
		case 0:
			delete(g.list, t)
		case 1:
			delete(g.list, t)
			g.one[t] = l[0]
		default:
			g.list[t] = l
		}
	}
}

// Stories returns the stories listed, once for every term and generation
// that lists them.
func (p *Postings) Stories() []int32 {
	var out []int32
	for _, g := range []*postingsGen{&p.prev, &p.cur} {
		for _, s := range g.one {
			out = append(out, s)
		}
		for _, l := range g.list {
			out = append(out, l...)
		}
	}
	return out
}

// cand is a candidate story with its retrieval score.
type cand struct {
	s     int32
	score float64
}

// worse orders candidates: a lower score, or an older story on a tie.
func (a cand) worse(b cand) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.s < b.s
}
