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

// prune keeps the limit heaviest terms of c, in order; of the terms that
// weigh as much as the lightest kept, the first.
func prune(c *Centroid, limit int) {
	ws := make([]float32, len(c.Terms))
	copy(ws, c.Weights)
	cut := kth(ws, limit)
	above := 0
	for _, w := range c.Weights {
		if w > cut {
			above++
		}
	}
	ties := limit - above
	terms := make([]uint32, 0, limit)
	weights := make([]float32, 0, limit)
	for i, w := range c.Weights {
		if w > cut || (w == cut && ties > 0) {
			if w == cut {
				ties--
			}
			terms, weights = append(terms, c.Terms[i]), append(weights, w)
		}
	}
	c.Terms, c.Weights = terms, weights
}

// kth returns the k-th largest of xs (k ≥ 1), reordering xs: Hoare's
// selection, linear on average where sorting is not.
func kth[T float32 | float64](xs []T, k int) T {
	lo, hi, want := 0, len(xs)-1, k-1
	for lo < hi {
		// The median of three as pivot keeps sorted input linear.
		mid := lo + (hi-lo)/2
		if xs[mid] > xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] > xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[mid] > xs[hi] {
			xs[mid], xs[hi] = xs[hi], xs[mid]
		}
		pivot := xs[hi]
		// Partition in decreasing order: larger first.
		i, j := lo, hi
		for i <= j {
			for xs[i] > pivot {
				i++
			}
			for xs[j] < pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case want <= j:
			hi = j
		case want >= i:
			lo = i
		default:
			return xs[want]
		}
	}
	return xs[want]
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
