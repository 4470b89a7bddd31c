package story

import (
	"slices"
)

// Centroid is the sum of the vectors of a story's members, pruned to its
// heaviest terms (Options.MemberTerms a member, Options.CentroidTerms in
// all). Terms are kept sorted so that comparisons are merge joins, and a
// centroid costs eight bytes a term.
type Centroid struct {
	Terms   []uint32
	Weights []float32
	N       int
	cuts    cuts // of the coverage features, found when first needed
}

// Add adds v to the centroid.
func (m *Model) Add(c *Centroid, v Vector) { m.merge(c, v.Terms, v.Weights, 1) }

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
	c.Terms, c.Weights, c.N, c.cuts = outT, outW, c.N+n, cuts{}
	if limit := m.centroidLimit(c.N); len(c.Terms) > limit {
		prune(c, limit)
	} else if cap(c.Terms) > len(c.Terms)+len(c.Terms)/4 {
		// Stories live long: keep no spare capacity.
		c.Terms, c.Weights = slices.Clone(c.Terms), slices.Clone(c.Weights)
	}
}

// prune keeps the limit heaviest terms of c.
func prune(c *Centroid, limit int) {
	type ts struct {
		i int
		s float32
	}
	all := make([]ts, len(c.Terms))
	for i := range c.Terms {
		all[i] = ts{i, c.Weights[i]}
	}
	slices.SortFunc(all, func(a, b ts) int {
		if a.s != b.s {
			if a.s > b.s {
				return -1
			}
			return 1
		}
		return a.i - b.i
	})
	all = all[:limit]
	slices.SortFunc(all, func(a, b ts) int { return a.i - b.i })
	terms := make([]uint32, limit)
	weights := make([]float32, limit)
	for k, x := range all {
		terms[k], weights[k] = c.Terms[x.i], c.Weights[x.i]
	}
	c.Terms, c.Weights = terms, weights
}

// centroidLimit is how many terms a story of n members keeps: MemberTerms
// a member, up to CentroidTerms, so that a story costs at most
// 8·MemberTerms bytes a member.
func (m *Model) centroidLimit(n int) int {
	limit := m.opts.CentroidTerms
	if m.opts.MemberTerms > 0 {
		limit = min(limit, m.opts.MemberTerms*max(1, n))
	}
	return limit
}
