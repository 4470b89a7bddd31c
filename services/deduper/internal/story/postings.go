package story

import (
	"slices"
)

// Postings maps terms to the stories that contain them. It is not safe for
// concurrent use.
type Postings struct {
	max   int
	list  map[uint32][]int32
	score map[int32]float64 // scratch space of Candidates
}

// NewPostings returns an empty inverted index keeping at most max stories
// per term.
func NewPostings(max int) *Postings {
	return &Postings{max: max, list: map[uint32][]int32{}, score: map[int32]float64{}}
}

// Add records that story contains terms.
func (p *Postings) Add(story int32, terms []uint32) {
	for _, t := range terms {
		l := p.list[t]
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
// those sharing the most (by rarity) first. Its cost is bounded by the
// number of query terms times the longest postings list.
func (p *Postings) Candidates(m *Model, terms []uint32, limit int) []int32 {
	clear(p.score)
	for _, t := range terms {
		w := m.idf(t)
		for _, s := range p.list[t] {
			p.score[s] += w
		}
	}
	type cand struct {
		s     int32
		score float64
	}
	all := make([]cand, 0, len(p.score))
	for s, sc := range p.score {
		all = append(all, cand{s, sc})
	}
	slices.SortFunc(all, func(a, b cand) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return int(b.s - a.s)
	})
	out := make([]int32, 0, min(limit, len(all)))
	for _, c := range all[:min(limit, len(all))] {
		out = append(out, c.s)
	}
	return out
}
