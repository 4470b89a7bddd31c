package story

import "slices"

// pairScore is how surely two members, each a story of one, tell one
// story: the mean of Compare's score of each against the other.
func (m *Model) pairScore(a, b *Centroid) float32 {
	return float32((m.Score(m.StoryFeatures(a, b)) + m.Score(m.StoryFeatures(b, a))) / 2)
}

// growSims adds to the pair scores of c, which holds every member, those of
// the members in add, in order.
func (m *Model) growSims(c *Centroid, add []Centroid) {
	xs := exemplarsOf(c)
	n := len(xs)
	for k := range add {
		for j := range n {
			c.sims = append(c.sims, m.pairScore(&add[k], &xs[j]))
		}
		for j := range k {
			c.sims = append(c.sims, m.pairScore(&add[k], &add[j]))
		}
	}
}

// joinSims adds to the pair scores of dst those of src's members and of each
// pair across the two; both hold every member.
func (m *Model) joinSims(dst, src *Centroid) {
	xs, ys := exemplarsOf(dst), exemplarsOf(src)
	for k := range ys {
		for j := range xs {
			dst.sims = append(dst.sims, m.pairScore(&ys[k], &xs[j]))
		}
		for j := range k {
			dst.sims = append(dst.sims, src.sims[pairAt(k, j)])
		}
	}
}

// pairAt is where the score of members i and j (j < i) is in sims.
func pairAt(i, j int) int { return i*(i-1)/2 + j }

// Part is a group of a story's members that Split finds telling another
// story than the rest: their tags (AddTagged), in the order they joined,
// and the mean score of the pairs across the part and the rest.
type Part struct {
	Tags  []uint32
	Score float64
}

// Split finds the members of c that tell another story than most of them.
// Average link over the scores of the pairs of members groups them until
// no two groups reach Options.SplitThreshold on average; the groups of
// Options.SplitMin members or more, other than the largest, are the parts
// returned. Of groups as large as the largest, the one of the member
// tagged keep stays (when keep is a member), or else the earliest
// member's: the fewest of c's members move. It returns
// none while c does not hold each member and the scores of each pair (see
// Options.SplitMembers), or has fewer than SplitMin·2 members.
//
// A story that mixes two events began with one wrong join, and then draws
// both events' reports: against its centroid, a report of either scores
// high. Members compared pair by pair keep what sets the events apart.
func (m *Model) Split(c *Centroid, keep uint32) []Part {
	n := c.N
	least := max(2, m.opts.SplitMin)
	if m.opts.SplitMembers <= 0 || n < least*2 || len(c.exemplars) != n || len(c.sims) != pairAt(n, 0) {
		return nil
	}
	// sim is the symmetric score matrix of the groups, size the members
	// each holds, group the group each member is in (its first member).
	sim := make([]float64, n*n)
	for i := range n {
		for j := range i {
			s := float64(c.sims[pairAt(i, j)])
			sim[i*n+j], sim[j*n+i] = s, s
		}
	}
	size := make([]int, n)
	group := make([]int, n)
	alive := make([]bool, n)
	for i := range n {
		size[i], group[i], alive[i] = 1, i, true
	}
	for {
		a, b, best := -1, -1, m.opts.SplitThreshold
		for i := range n {
			if !alive[i] {
				continue
			}
			for j := i + 1; j < n; j++ {
				if alive[j] && sim[i*n+j] >= best {
					a, b, best = i, j, sim[i*n+j]
				}
			}
		}
		if a < 0 {
			break
		}
		for k := range n {
			if alive[k] && k != a && k != b {
				s := (sim[a*n+k]*float64(size[a]) + sim[b*n+k]*float64(size[b])) / float64(size[a]+size[b])
				sim[a*n+k], sim[k*n+a] = s, s
			}
		}
		size[a] += size[b]
		alive[b] = false
		for k := range n {
			if group[k] == b {
				group[k] = a
			}
		}
	}
	// The largest group stays; of several as large, keep's, or else the
	// one of the earliest member.
	stay := 0
	for i := range n {
		if alive[i] && size[i] > size[stay] {
			stay = i
		}
	}
	for i := range n {
		if c.exemplars[i].tag == keep {
			if size[group[i]] == size[stay] {
				stay = group[i]
			}
			break
		}
	}
	var parts []Part
	for g := range n {
		if !alive[g] || g == stay || size[g] < least {
			continue
		}
		p := Part{}
		var across float64
		pairs := 0
		for i := range n {
			if group[i] != g {
				continue
			}
			p.Tags = append(p.Tags, c.exemplars[i].tag)
			for j := range n {
				if group[j] != g {
					across += float64(c.sims[pairAt(max(i, j), min(i, j))])
					pairs++
				}
			}
		}
		p.Score = round(across / float64(pairs))
		parts = append(parts, p)
	}
	return parts
}

// Divide takes the members tagged tags out of c into a story of their own,
// which it returns: each of the two is made again of its members, each a
// story of one, with the scores of their pairs. A story that does not hold
// every member with the scores of its pairs (Split found no part in it),
// or none of tags, is left as it is, and the story returned is empty.
func (m *Model) Divide(c *Centroid, tags []uint32) Centroid {
	if c.N < 2 || len(c.exemplars) != c.N || len(c.sims) != pairAt(c.N, 0) {
		return Centroid{}
	}
	var in, out []int
	for i := range c.exemplars {
		if slices.Contains(tags, c.exemplars[i].tag) {
			out = append(out, i)
		} else {
			in = append(in, i)
		}
	}
	if len(out) == 0 || len(in) == 0 {
		return Centroid{}
	}
	part := m.gather(c, out)
	*c = m.gather(c, in)
	return part
}

// Remove takes the member tagged tag out of c, when c holds each of its
// members with the scores of their pairs (as Divide needs) or is that
// member alone, and reports whether it did: a revised article's older
// text leaves the story. A story of one left empty is the zero Centroid.
func (m *Model) Remove(c *Centroid, tag uint32) bool {
	if c.N == 1 && len(c.exemplars) == 0 && c.tag == tag {
		*c = Centroid{}
		return true
	}
	if c.N < 2 || !slices.Contains(c.Tags(), tag) {
		return false
	}
	return m.Divide(c, []uint32{tag}).N > 0
}

// gather makes a story of the members of c at idx, in order.
func (m *Model) gather(c *Centroid, idx []int) Centroid {
	var g Centroid
	for _, i := range idx {
		x := &c.exemplars[i]
		if g.N == 0 {
			g.tag = x.tag
		}
		m.merge(&g, x.Terms, x.Weights(), 1)
	}
	if len(idx) < 2 {
		return g
	}
	g.exemplars = make([]Centroid, len(idx))
	for k, i := range idx {
		x := c.exemplars[i]
		g.exemplars[k] = Centroid{Terms: x.Terms, weights: x.weights, N: 1, tag: x.tag}
		for j := range k {
			g.sims = append(g.sims, c.sims[pairAt(max(i, idx[j]), min(i, idx[j]))])
		}
	}
	return g
}

// Undone reports whether merging src into dst would be divided again at
// once into the two stories they are: whether Split, over the union (keep
// as for Split), finds one part and it is exactly the members of dst or of
// src. Such a merge changes no grouping, only the ids a subscriber sees,
// so a clusterer makes neither. It is false when the union could not be
// divided (a story that does not hold every member, or more than
// Options.SplitMembers together, or too few).
func (m *Model) Undone(dst, src *Centroid, keep uint32) bool {
	if n := dst.N + src.N; !dst.whole() || !src.whole() || n > m.opts.SplitMembers || n < 2*max(2, m.opts.SplitMin) {
		return false // Split would not divide the union
	}
	if len(dst.sims) != pairAt(dst.N, 0) || len(src.sims) != pairAt(src.N, 0) {
		return false
	}
	u := Centroid{N: dst.N, exemplars: slices.Clone(exemplarsOf(dst)), sims: slices.Clone(dst.sims)}
	m.joinSims(&u, src)
	u.exemplars = append(u.exemplars, exemplarsOf(src)...)
	u.N += src.N
	parts := m.Split(&u, keep)
	if len(parts) != 1 {
		return false
	}
	return sameTags(parts[0].Tags, src.Tags()) || sameTags(parts[0].Tags, dst.Tags())
}

// sameTags reports whether a and b hold the same tags, in any order.
func sameTags(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for _, t := range b {
		if !slices.Contains(a, t) {
			return false
		}
	}
	return true
}
