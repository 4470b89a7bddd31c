package story

import (
	"math"
	"slices"
)

// Features of an article and a story, the inputs of the logistic model that
// decides whether the article tells the story. Each field has three: its
// cosine with the story's centroid, its mean cosine with the story's
// members (average link, which unlike the centroid does not favour large
// stories), and whether both sides have terms in it (a cosine of 0 then is
// a disagreement, not a silence).
const (
	FeatCosine           = 0                      // + field: cosine with the story's centroid
	FeatLink             = NumFields              // + field: mean cosine with the story's members
	FeatBoth             = 2 * NumFields          // + field: 1 when both sides have the field
	FeatRel              = 3 * NumFields          // + field: mean cosine with the members less theirs among themselves
	FeatAll              = 4*NumFields + iota - 4 // mean cosine over the fields both sides have
	FeatNameCover                                 // share of the article's key names the story's members mention alike
	FeatStoryCover                                // share of the story's key names the article mentions alike
	FeatTermCover                                 // share of the article's key terms the story's members mention alike
	FeatStoryTerms                                // share of the story's key terms the article mentions alike
	FeatSize                                      // log2 of the story's size
	FeatSingle                                    // 1 when the story has one member
	FeatCohesion                                  // mean cosine of the story's members among themselves, over the word and name fields
	FeatNumConflict                               // share of the counted things both sides number whose numbers all differ
	FeatNumAgree                                  // how many counted things both sides number alike, over 3, at most 1
	FeatDateConflict                              // share of date kinds (year, day) both sides give whose values all differ
	FeatDateAgree                                 // share of date kinds both sides give alike
	FeatProtagonist                               // share of the article's two most mentioned names the story mentions alike
	FeatStoryProtagonist                          // share of the story's two most mentioned names the article mentions alike
	FeatNamesWords                                // product of the name and word cosines
	FeatShared                                    // log2 of 1 + the number of terms both sides have
	FeatArticleTerms                              // log2 of 1 + the number of terms of the article
	FeatProtagonists                              // the greater of the two protagonist shares
	NumFeatures
)

// FeatureNames name the features in Match.Scores.
var FeatureNames = func() [NumFeatures]string {
	var n [NumFeatures]string
	for f := range NumFields {
		n[FeatCosine+f] = fieldNames[f]
		n[FeatLink+f] = "link_" + fieldNames[f]
		n[FeatBoth+f] = "both_" + fieldNames[f]
		n[FeatRel+f] = "rel_" + fieldNames[f]
	}
	copy(n[FeatAll:], []string{"all", "name_cover", "story_cover", "term_cover", "story_terms", "size", "single", "cohesion",
		"num_conflict", "num_agree", "date_conflict", "date_agree",
		"protagonist", "story_protagonist", "names_words", "shared", "article_terms", "protagonists"})
	return n
}()

// keyNames and keyTerms are how many of each side's most salient names and
// terms the coverage features look at.
const (
	keyNames = 4
	keyTerms = 10
)

// topK keeps the k heaviest (weight, share) pairs offered to it: the share
// says how much of the term's weight the other side has too.
type topK struct {
	n     int
	k     int
	w     [16]float64
	share [16]float64
}

func (t *topK) offer(w, share float64) {
	if t.n == t.k && w <= t.w[t.n-1] {
		return
	}
	i := t.n
	if t.n < t.k {
		t.n++
	} else {
		i = t.k - 1
	}
	for i > 0 && t.w[i-1] < w {
		t.w[i], t.share[i] = t.w[i-1], t.share[i-1]
		i--
	}
	t.w[i], t.share[i] = w, share
}

// cover is the weighted mean share of the kept terms, and -1 when there
// are none.
func (t *topK) cover() float64 {
	var all, hit float64
	for i := range t.n {
		all += t.w[i]
		hit += t.w[i] * t.share[i]
	}
	if all == 0 {
		return -1
	}
	return hit / all
}

// Features measures how close the article v is to the story c.
func (m *Model) Features(v Vector, c *Centroid) [NumFeatures]float64 {
	return m.features(v.Terms, v.Weights, 1, c.Terms, c.Weights, c.N)
}

// features compares two weighted term sets, sums of vn and cn vectors.
func (m *Model) features(vt []uint32, vw []float32, vn int, ct []uint32, cw []float32, cn int) [NumFeatures]float64 {
	var dot, nv, nc [NumFields]float64
	shared := 0
	vNames := topK{k: keyNames}
	cNames := topK{k: keyNames}
	// The most mentioned names, by weight over rarity.
	vProt := topK{k: 2}
	cProt := topK{k: 2}
	vTerms := topK{k: keyTerms}
	cTerms := topK{k: keyTerms}
	vs, cs := 1/float64(max(1, vn)), 1/float64(max(1, cn))
	i, j := 0, 0
	for i < len(vt) || j < len(ct) {
		switch {
		case j >= len(ct) || (i < len(vt) && vt[i] < ct[j]):
			t := vt[i]
			f := fieldOf(t)
			x := float64(vw[i])
			nv[f] += x * x
			if f == FieldNames {
				vNames.offer(x, 0)
				vProt.offer(x/max(0.1, m.idf(t)), 0)
			}
			if keyField(f) {
				vTerms.offer(x, 0)
			}
			i++
		case i >= len(vt) || ct[j] < vt[i]:
			t := ct[j]
			f := fieldOf(t)
			y := float64(cw[j])
			nc[f] += y * y
			if f == FieldNames {
				cNames.offer(y, 0)
				cProt.offer(y/max(0.1, m.idf(t)), 0)
			}
			if keyField(f) {
				cTerms.offer(y, 0)
			}
			j++
		default:
			t := vt[i]
			f := fieldOf(t)
			x, y := float64(vw[i]), float64(cw[j])
			nv[f] += x * x
			nc[f] += y * y
			dot[f] += x * y
			if keyField(f) {
				shared++
			}
			// How much of one side's weight the other side has, both
			// as means over their members.
			a, b := x*vs, y*cs
			if f == FieldNames {
				vNames.offer(x, min(1, b/a))
				cNames.offer(y, min(1, a/b))
				idf := max(0.1, m.idf(t))
				vProt.offer(x/idf, min(1, b/a))
				cProt.offer(y/idf, min(1, a/b))
			}
			if keyField(f) {
				vTerms.offer(x, min(1, b/a))
				cTerms.offer(y, min(1, a/b))
			}
			i++
			j++
		}
	}
	var out [NumFeatures]float64
	var sum, fields float64
	for f := range NumFields {
		if nv[f] > 0 && nc[f] > 0 {
			out[FeatCosine+f] = dot[f] / math.Sqrt(nv[f]*nc[f])
			out[FeatLink+f] = dot[f] * vs * cs
			if cn > 1 {
				// Members are unit vectors, so the squared norm of their
				// sum is cn plus twice the sum of their pairwise cosines.
				coh := max(0, (nc[f]-float64(cn))/float64(cn*(cn-1)))
				out[FeatRel+f] = out[FeatLink+f] - coh
				if f == FieldWords || f == FieldNames {
					out[FeatCohesion] += coh / 2
				}
			}
			out[FeatBoth+f] = 1
			sum += out[FeatCosine+f]
			fields++
		}
	}
	if fields > 0 {
		out[FeatAll] = sum / fields
	}
	out[FeatNameCover], out[FeatStoryCover] = max(0, vNames.cover()), max(0, cNames.cover())
	out[FeatProtagonist], out[FeatStoryProtagonist] = max(0, vProt.cover()), max(0, cProt.cover())
	out[FeatShared] = math.Log2(1 + float64(shared))
	out[FeatArticleTerms] = math.Log2(1 + float64(len(vt)))
	out[FeatProtagonists] = max(out[FeatProtagonist], out[FeatStoryProtagonist])
	out[FeatNamesWords] = out[FeatCosine+FieldNames] * out[FeatCosine+FieldWords]
	out[FeatTermCover], out[FeatStoryTerms] = max(0, vTerms.cover()), max(0, cTerms.cover())
	if both, agree := unitMatches(vt, ct, FieldNumbers); both > 0 {
		out[FeatNumConflict] = float64(both-agree) / float64(both)
		out[FeatNumAgree] = min(1, float64(agree)/3)
	}
	if both, agree := unitMatches(vt, ct, FieldDates); both > 0 {
		out[FeatDateConflict] = float64(both-agree) / float64(both)
		out[FeatDateAgree] = float64(agree) / float64(both)
	}
	out[FeatSize] = math.Log2(float64(max(1, cn)))
	if cn <= 1 {
		out[FeatSingle] = 1
	}
	return out
}

// Match is the verdict of comparing an article with a story, with the
// measurements behind it.
type Match struct {
	Score     float64
	Scores    map[string]float64
	Threshold float64
	Same      bool
}

// Score combines features into the probability that they describe the same
// story.
func (m *Model) Score(f [NumFeatures]float64) float64 {
	if m.opts.Scorer != nil {
		return m.opts.Scorer(f)
	}
	z := m.opts.Bias
	for i, x := range f {
		z += m.opts.Weights[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// Compare decides whether v tells the story c holds.
func (m *Model) Compare(v Vector, c *Centroid) Match {
	return m.match(m.Features(v, c))
}

// StoryFeatures measures how close two stories are.
func (m *Model) StoryFeatures(a, b *Centroid) [NumFeatures]float64 {
	if a.N > b.N {
		a, b = b, a
	}
	return m.features(a.Terms, a.Weights, a.N, b.Terms, b.Weights, b.N)
}

// SameStoryScore combines the features of two stories into the probability
// that they are one.
func (m *Model) SameStoryScore(f [NumFeatures]float64) float64 {
	z := m.opts.MergeBias
	for i, x := range f {
		z += m.opts.MergeWeights[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// SameStory decides whether two stories are one, so that a clusterer can
// merge stories that began apart.
func (m *Model) SameStory(a, b *Centroid) Match {
	f := m.StoryFeatures(a, b)
	s := m.SameStoryScore(f)
	scores := make(map[string]float64, NumFeatures)
	for i, x := range f {
		scores[FeatureNames[i]] = round(x)
	}
	return Match{Score: round(s), Scores: scores, Threshold: m.opts.MergeThreshold, Same: s >= m.opts.MergeThreshold}
}

func (m *Model) match(f [NumFeatures]float64) Match {
	s := m.Score(f)
	scores := make(map[string]float64, NumFeatures)
	for i, x := range f {
		scores[FeatureNames[i]] = round(x)
	}
	return Match{Score: round(s), Scores: scores, Threshold: m.opts.Threshold, Same: s >= m.opts.Threshold}
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// unitMatches counts the units of field (things counted, kinds of date)
// that both sorted term lists give a value for, and how many of those they
// give a common value for. Bare numbers, which count nothing named, are
// left out.
func unitMatches(vt, ct []uint32, field int) (both, agree int) {
	lo := uint32(field) << fieldShift
	hi := lo + 1<<fieldShift
	i, _ := slices.BinarySearch(vt, lo)
	j, _ := slices.BinarySearch(ct, lo)
	for i < len(vt) && vt[i] < hi && j < len(ct) && ct[j] < hi {
		ui, uj := unitOf(vt[i]), unitOf(ct[j])
		ie, je := i, j
		for ie < len(vt) && unitOf(vt[ie]) == ui {
			ie++
		}
		for je < len(ct) && unitOf(ct[je]) == uj {
			je++
		}
		switch {
		case ui < uj:
			i = ie
		case uj < ui:
			j = je
		default:
			if ui&(hashMask>>valueBits) != bareUnit {
				both++
				if intersects(vt[i:ie], ct[j:je]) {
					agree++
				}
			}
			i, j = ie, je
		}
	}
	return both, agree
}

// intersects reports whether two sorted lists share an element.
func intersects(a, b []uint32) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case b[j] < a[i]:
			j++
		default:
			return true
		}
	}
	return false
}

// keyField reports whether the terms of field f count in the coverage
// features: the lead repeats the other fields.
func keyField(f int) bool { return f != FieldLead }
