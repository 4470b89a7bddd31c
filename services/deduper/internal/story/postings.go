package story

import (
	"slices"
)

// Postings maps terms to the stories that contain them. It is not safe for
// concurrent use.
type Postings struct {
	max int
	// Most terms of a news stream are rare: one story has them. Those are
	// kept in one, without a list of their own (a list costs a slice header
	// and an array besides its entry); a term moves to list with its
	// second story.
	one   map[uint32]int32
	list  map[uint32][]int32
	score map[int32]float64 // scratch space of Candidates
}

// NewPostings returns an empty inverted index keeping at most max stories
// per term.
func NewPostings(max int) *Postings {
	return &Postings{max: max, one: map[uint32]int32{}, list: map[uint32][]int32{}, score: map[int32]float64{}}
}

// stories returns the stories of a term, oldest first.
func (p *Postings) stories(t uint32) []int32 {
	if s, ok := p.one[t]; ok {
		return []int32{s}
	}
	return p.list[t]
}

// Add records that story contains terms.
func (p *Postings) Add(story int32, terms []uint32) {
	for _, t := range terms {
		if s, ok := p.one[t]; ok {
			if s == story {
				continue
			}
			delete(p.one, t)
			if p.max == 1 {
				p.one[t] = story
				continue
			}
			p.list[t] = []int32{s, story}
			continue
		}
		l, ok := p.list[t]
		if !ok {
			p.one[t] = story
			continue
		}
		if slices.Contains(l[max(0, len(l)-8):], story) {
			continue
		}
		if len(l) >= p.max {
			copy(l, l[1:])
			l = l[:len(l)-1]
		}
		p.list[t] = append(l, story)
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
		if s, ok := p.one[t]; ok {
			p.score[s] += w
			continue
		}
		for _, s := range p.list[t] {
			p.score[s] += w
		}
	}
	// Keep the best limit in a min-heap whose root is the worst kept.
	h := make([]cand, 0, limit)
	for s, sc := range p.score {
		if held != nil && !held(s) {
			continue
		}
		c := cand{s, sc}
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
	for t, s := range p.one {
		if gone(s) {
			delete(p.one, t)
		}
	}
	for t, l := range p.list {
		l = slices.DeleteFunc(l, gone)
		switch len(l) {
		case 0:
			delete(p.list, t)
		case 1:
			delete(p.list, t)
			p.one[t] = l[0]
		default:
			p.list[t] = l
		}
	}
}

// Stories returns the stories listed, once for every term that lists
// them.
func (p *Postings) Stories() []int32 {
	out := make([]int32, 0, len(p.one))
	for _, s := range p.one {
		out = append(out, s)
	}
	for _, l := range p.list {
		out = append(out, l...)
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
