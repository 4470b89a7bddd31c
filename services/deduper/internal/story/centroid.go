package story

import (
	"math"
	"slices"
)

// Centroid is the sum of the vectors of a story's members, pruned to its
// heaviest terms (Options.MemberTerms a member, Options.CentroidTerms in
// all). Terms are kept sorted so that comparisons are merge joins. Weights
// are kept as bfloat16 (the top half of a float32: its exponent and 8 bits
// of mantissa, a relative error under 0.4%, which changes no decision on
// ECB+), so a centroid costs six bytes a term.
type Centroid struct {
	Terms   []uint32
	weights []uint16
	N       int
	cuts    cuts // of the coverage features, found when first needed
	// tag is what the clusterer called the story's first member
	// (AddTagged); a story of one is its own exemplar and keeps none.
	tag uint32
	// exemplars are the first members, each as a centroid of one: the
	// first Options.Exemplars for Link, and all of them while the story has
	// no more than Options.SplitMembers, for Split. A story of several
	// keeps none when they were dropped.
	exemplars []Centroid
	// sims holds, while the exemplars are every member, the score of each
	// pair of them (Model.pairScore): pair (i, j), j < i, at i(i-1)/2 + j.
	sims []float32
}

// exemplarsOf returns the members of c that Link compares: its exemplars,
// or, for a story of one, c itself; none for a story of several whose
// exemplars were let go.
func exemplarsOf(c *Centroid) []Centroid {
	if len(c.exemplars) > 0 || c.N >= 2 {
		return c.exemplars
	}
	return []Centroid{{Terms: c.Terms, weights: c.weights, N: 1, cuts: c.cuts, tag: c.tag}}
}

// whole reports whether c holds each of its members as an exemplar (a story
// of one is its own).
func (c *Centroid) whole() bool { return c.N == 1 || (c.N >= 2 && len(c.exemplars) == c.N) }

// Tags returns what the clusterer called the members c holds as exemplars
// (AddTagged), in the order they joined.
func (c *Centroid) Tags() []uint32 {
	xs := exemplarsOf(c)
	out := make([]uint32, len(xs))
	for i := range xs {
		out[i] = xs[i].tag
	}
	return out
}

// dropped reports whether c is a story of several that keeps no exemplars.
func (c *Centroid) dropped() bool { return c.N >= 2 && len(c.exemplars) == 0 }

// DropExemplars lets the members kept for Link go, to bound memory: a
// clusterer keeps them for the stories still changing. Link then cannot
// tell (a story's centroid compared as if it were one member links far too
// much: ECB+ B-cubed F1 0.883 against 0.916 without Link at all).
func (c *Centroid) DropExemplars() {
	c.exemplars, c.sims = nil, nil
}

// Exemplars returns how many members c keeps for Link.
func (c *Centroid) Exemplars() int { return len(c.exemplars) }

// keepExemplars adds the exemplars of a story of n members, before it
// grows by the members in add, up to the limit: the first members stand
// for the story. A story of one becomes an exemplar of itself when it
// grows; a story of several that kept none keeps none.
func keepExemplars(c *Centroid, add []Centroid, limit int) {
	if limit <= 0 || c.dropped() {
		return
	}
	if c.N == 1 && len(c.exemplars) == 0 {
		c.exemplars = []Centroid{{Terms: c.Terms, weights: c.weights, N: 1, tag: c.tag}}
	}
	for _, x := range add {
		if len(c.exemplars) >= limit {
			break
		}
		c.exemplars = append(c.exemplars, Centroid{Terms: x.Terms, weights: x.weights, N: 1, tag: x.tag})
	}
	c.exemplars = slices.Clip(c.exemplars)
}

// toB16 rounds a float32 to the nearest bfloat16, ties to even.
func toB16(f float32) uint16 {
	b := math.Float32bits(f)
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}

func fromB16(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// Weights returns the weights of the centroid's terms, in their order.
func (c *Centroid) Weights() []float32 { return c.decode(nil) }

// decode appends the weights of c to buf[:0].
func (c *Centroid) decode(buf []float32) []float32 {
	buf = buf[:0]
	for _, h := range c.weights {
		buf = append(buf, fromB16(h))
	}
	return buf
}

// Add adds v to the centroid.
func (m *Model) Add(c *Centroid, v Vector) { m.AddTagged(c, v, 0) }

// AddTagged adds v to the centroid as the member the clusterer calls tag:
// Split names the members by their tags.
func (m *Model) AddTagged(c *Centroid, v Vector, tag uint32) {
	if c.N == 0 {
		c.tag = tag
	}
	if c.N >= 1 && m.opts.Exemplars > 0 && !c.dropped() {
		all := m.splits(c, 1)
		if all || len(exemplarsOf(c)) < m.opts.Exemplars {
			one := Centroid{tag: tag}
			m.merge(&one, v.Terms, v.Weights, 1)
			add := []Centroid{one}
			if all {
				m.growSims(c, add)
				keepExemplars(c, add, m.opts.SplitMembers)
			} else {
				keepExemplars(c, add, m.opts.Exemplars)
			}
		}
	}
	m.merge(c, v.Terms, v.Weights, 1)
	m.trimExemplars(c)
}

// splits reports whether c, grown by n members, still holds each as an
// exemplar with the scores of each pair: Split can divide it.
func (m *Model) splits(c *Centroid, n int) bool {
	return m.opts.SplitMembers > 0 && c.whole() && c.N+n <= m.opts.SplitMembers
}

// trimExemplars keeps the first Options.Exemplars members of a story that
// does not hold every member: those Link needs.
func (m *Model) trimExemplars(c *Centroid) {
	if len(c.exemplars) > m.opts.Exemplars && !c.whole() {
		c.exemplars = slices.Clone(c.exemplars[:m.opts.Exemplars])
	}
	if !c.whole() || c.N < 2 {
		c.sims = nil
	}
}

// Merge adds the members of src to dst. A story made of one that let its
// exemplars go keeps none either: the first members would no longer stand
// for all of it.
func (m *Model) Merge(dst, src *Centroid) {
	if dst.N >= 1 && src.N >= 1 && m.opts.Exemplars > 0 {
		switch {
		case src.dropped():
			dst.exemplars, dst.sims = nil, nil // a story of several from now on
		case src.whole() && m.splits(dst, src.N):
			m.joinSims(dst, src)
			keepExemplars(dst, exemplarsOf(src), m.opts.SplitMembers)
		default:
			keepExemplars(dst, exemplarsOf(src), m.opts.Exemplars)
		}
	}
	if dst.N == 0 {
		dst.tag = src.tag
	}
	m.merge(dst, src.Terms, src.Weights(), src.N)
	m.trimExemplars(dst)
}

func (m *Model) merge(c *Centroid, terms []uint32, weights []float32, n int) {
	outT := m.mergeT[:0]
	outW := m.mergeW[:0]
	i, j := 0, 0
	for i < len(c.Terms) || j < len(terms) {
		switch {
		case j >= len(terms) || (i < len(c.Terms) && c.Terms[i] < terms[j]):
			outT, outW = append(outT, c.Terms[i]), append(outW, fromB16(c.weights[i]))
			i++
		case i >= len(c.Terms) || terms[j] < c.Terms[i]:
			outT, outW = append(outT, terms[j]), append(outW, weights[j])
			j++
		default:
			outT, outW = append(outT, c.Terms[i]), append(outW, fromB16(c.weights[i])+weights[j])
			i++
			j++
		}
	}
	m.mergeT, m.mergeW = outT, outW
	c.N, c.cuts = c.N+n, cuts{}
	if limit := m.centroidLimit(c.N); len(outT) > limit {
		outT, outW = m.prune(outT, outW, limit)
	}
	// Stories live long: keep no spare capacity. New arrays, not the old
	// ones rewritten, so that a copy of the centroid stays what it was.
	c.Terms, c.weights = make([]uint32, len(outT)), make([]uint16, len(outT))
	copy(c.Terms, outT)
	for i, w := range outW {
		c.weights[i] = toB16(w)
	}
}

// prune keeps the limit heaviest of terms, in order; of the terms that
// weigh as much as the lightest kept, the first. It reuses the slices.
func (m *Model) prune(terms []uint32, weights []float32, limit int) ([]uint32, []float32) {
	ws := append(m.pruneW[:0], weights...)
	m.pruneW = ws
	cut := kth(ws, limit)
	above := 0
	for _, w := range weights {
		if w > cut {
			above++
		}
	}
	ties := limit - above
	k := 0
	for i, w := range weights {
		if w > cut || (w == cut && ties > 0) {
			if w == cut {
				ties--
			}
			terms[k], weights[k] = terms[i], w
			k++
		}
	}
	return terms[:k], weights[:k]
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
// 6·MemberTerms bytes a member.
func (m *Model) centroidLimit(n int) int {
	limit := m.opts.CentroidTerms
	if m.opts.MemberTerms > 0 {
		limit = min(limit, m.opts.MemberTerms*max(1, n))
	}
	return limit
}
