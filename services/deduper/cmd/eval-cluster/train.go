package main

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// sample is one decision of the oracle clustering: the features of an
// article against a candidate story and whether the story is the article's.
type sample struct {
	x    [story.NumFeatures]float64
	same bool
	hard bool // another event of the article's topic
	note string
	doc  int  // index of the decision the sample belongs to
	new  bool // the article's event has no story yet
	// label names the candidate story's event and size, id the article.
	label, id string
}

// oracleSamples clusters the documents by their gold events, in several
// orders, and records every verification the online loop would make: the
// article against each retrieved candidate story.
func oracleSamples(opts story.Options, docs []doc, shuffles int) (out []sample, missed, joins int) {
	decision := 0
	for s := range shuffles {
		m := newModel(opts)
		post := story.NewPostings(opts.MaxPostings)
		ids := map[string]int32{}
		topic := map[int32]int{}
		events := map[int32]string{}
		var cents []*story.Centroid
		for _, d := range shuffled(docs, 100+s) {
			title, body := d.split()
			v := m.Vectorize(title, body, true)
			gid, ok := ids[d.Event]
			found := false
			q := m.QueryTerms(v)
			for _, c := range post.Candidates(m, q, opts.Candidates) {
				same := ok && c == gid
				found = found || same
				sm := sample{x: m.Features(v, cents[c]), same: same, hard: !same && topic[c] == d.Topic, doc: decision, new: !ok,
					label: fmt.Sprintf("%s/%d", events[c], cents[c].N), id: d.ID}
				if sm.hard && s == 0 && showHard {
					sm.note = fmt.Sprintf("%s vs story of %d docs of %s\n    article: %s\n    story:   %s", d.ID, cents[c].N, events[c],
						topTerms(m, v.Terms, v.Weights, 14), topTerms(m, cents[c].Terms, cents[c].Weights(), 14))
				}
				out = append(out, sm)
			}
			decision++
			if ok {
				joins++
				if !found {
					missed++
				}
			} else {
				gid = int32(len(cents))
				ids[d.Event] = gid
				topic[gid] = d.Topic
				events[gid] = d.Event
				cents = append(cents, &story.Centroid{})
			}
			m.Add(cents[gid], v)
			post.Add(gid, q)
		}
	}
	return out, missed, joins
}

// fit fits the logistic weights of opts on the oracle samples of docs by
// Newton's method with an L2 penalty, prints them, and stores them in opts.
func fit(opts *story.Options, docs []doc, shuffles int, l2 float64) {
	samples, missed, joins := oracleSamples(*opts, docs, shuffles)
	fmt.Printf("oracle: %d samples; the right story was not retrieved for %d of %d joins\n", len(samples), missed, joins)
	var hard []sample
	for _, s := range samples {
		if s.same || s.hard {
			hard = append(hard, s)
		}
	}
	for f := range story.NumFeatures {
		score := func(x [story.NumFeatures]float64) float64 { return x[f] }
		var pos, neg []float64
		for _, s := range hard {
			if s.same {
				pos = append(pos, s.x[f])
			} else {
				neg = append(neg, s.x[f])
			}
		}
		sort.Float64s(pos)
		sort.Float64s(neg)
		q := func(xs []float64, p float64) float64 { return xs[int(p*float64(len(xs)-1))] }
		fmt.Printf("  %-13s AUC %.3f, against the other event of the topic %.3f; same q10/q50 %.2f/%.2f, other event q50/q90 %.2f/%.2f\n",
			story.FeatureNames[f], auc(samples, score), auc(hard, score), q(pos, 0.1), q(pos, 0.5), q(neg, 0.5), q(neg, 0.9))
	}
	w, bias := fitLogistic(samples, l2)
	opts.Weights, opts.Bias = w, bias
	printWeights("Weights", opts.Weights, "Bias", opts.Bias)
	m := newModel(*opts)
	score := func(x [story.NumFeatures]float64) float64 { return m.Score(x) }
	decisions(samples, score)
	bySize(samples, score)
	if showHard {
		sort.Slice(hard, func(i, j int) bool { return score(hard[i].x) > score(hard[j].x) })
		shown := 0
		for _, s := range hard {
			if s.note != "" && !s.same && shown < 40 {
				shown++
				fmt.Printf("  %.3f %v %s\n", score(s.x), fmtFeat(s.x), s.note)
			}
		}
	}
	fmt.Printf("  fitted score AUC %.3f, against the other event of the topic %.3f\n", auc(samples, score), auc(hard, score))
}

// hardWeight is the weight, in the fits, of a sample whose story reports
// the other event of the article's topic: the mistakes that matter.
var hardWeight = 1.0

// dim is the number of parameters of the logistic model.
const dim = story.NumFeatures + 1

func goName(i int) string {
	names := [story.NumFeatures]string{"FeatWords", "FeatNames", "FeatNumbers", "FeatDates", "FeatAll", "FeatTermCover",
		"FeatStoryTerms", "FeatNameCover", "FeatStoryNames", "FeatSize", "FeatSingle", "FeatCohesion", "FeatDateConflict", "FeatNumberConflict", "FeatLeadName", "FeatStoryLead", "FeatWeekdayConflict"}
	return names[i]
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// useFeature says which features the fits may use.
var useFeature map[string]bool

func feat(x [story.NumFeatures]float64) [story.NumFeatures + 1]float64 {
	var out [story.NumFeatures + 1]float64
	copy(out[:], x[:])
	if len(useFeature) > 0 {
		for i, n := range story.FeatureNames {
			if !useFeature[n] {
				out[i] = 0
			}
		}
	}
	out[story.NumFeatures] = 1
	return out
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func dotp(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// solve solves h·x = g by Gaussian elimination with partial pivoting.
func solve(h [dim][dim]float64, g [dim]float64) [dim]float64 {
	n := len(g)
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		if h[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	var x [dim]float64
	for r := n - 1; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < n; k++ {
			s -= h[r][k] * x[k]
		}
		if h[r][r] != 0 {
			x[r] = s / h[r][r]
		}
	}
	return x
}

// auc is the probability that a random same-story sample scores above a
// random other one.
func auc(samples []sample, score func([story.NumFeatures]float64) float64) float64 {
	type sc struct {
		s    float64
		same bool
	}
	all := make([]sc, len(samples))
	for i, s := range samples {
		all[i] = sc{score(s.x), s.same}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s < all[j].s })
	var pos, neg, sum float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].s == all[i].s {
			j++
		}
		var p, n float64
		for _, x := range all[i:j] {
			if x.same {
				p++
			} else {
				n++
			}
		}
		sum += p * (neg + n/2)
		pos += p
		neg += n
		i = j
	}
	if pos == 0 || neg == 0 {
		return 0
	}
	return sum / (pos * neg)
}

// showHard makes --train print the other-event stories that score highest.
var showHard bool

func fmtFeat(x [story.NumFeatures]float64) string {
	var b strings.Builder
	for i, v := range x {
		fmt.Fprintf(&b, "%s=%.2f ", story.FeatureNames[i], v)
	}
	return b.String()
}

// topTerms shows the k most salient terms of a weighted term set.
func topTerms(m *story.Model, terms []uint32, weights []float32, k int) string {
	type tw struct {
		t uint32
		s float64
	}
	all := make([]tw, len(terms))
	for i, t := range terms {
		all[i] = tw{t, float64(weights[i]) * m.IDF(t)}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s > all[j].s })
	var b strings.Builder
	for _, x := range all[:min(k, len(all))] {
		fmt.Fprintf(&b, "%s(%.1f) ", m.Term(x.t), x.s)
	}
	return b.String()
}

// decisions prints, for several thresholds, how the online decisions of
// the oracle samples would go: an article joins its story when that scores
// highest and above the threshold, founds a story when nothing reaches it.
func decisions(samples []sample, score func([story.NumFeatures]float64) float64) {
	for _, th := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
		var ok, falseNew, wrongJoin, falseJoin, n int
		for i := 0; i < len(samples); {
			j := i
			best, bestSame, goldScore, hasGold := -1.0, false, -1.0, false
			for j < len(samples) && samples[j].doc == samples[i].doc {
				sc := score(samples[j].x)
				if sc > best {
					best, bestSame = sc, samples[j].same
				}
				if samples[j].same {
					goldScore, hasGold = sc, true
				}
				j++
			}
			n++
			switch {
			case best < th && !hasGold:
				ok++
			case best >= th && bestSame:
				ok++
			case hasGold && best < th:
				falseNew++
			case hasGold:
				wrongJoin++
				if showHard && th == 0.3 {
					var b strings.Builder
					for _, s := range samples[i:j] {
						fmt.Fprintf(&b, " %s:%.2f", s.label, score(s.x))
					}
					fmt.Printf("    wrong join %s:%s\n", samples[i].id, b.String())
				}
			default:
				falseJoin++
			}
			_ = goldScore
			i = j
		}
		fmt.Printf("  threshold %.1f: %d decisions with candidates, right %.3f, split %d, joined the wrong story %d, joined instead of founding %d\n",
			th, n, float64(ok)/float64(n), falseNew, wrongJoin, falseJoin)
	}
}

// bySize prints, for stories of growing size, the quantiles of the scores
// of the articles that belong to them and of those of another event of the
// topic that has no story yet (the articles that must found one).
func bySize(samples []sample, score func([story.NumFeatures]float64) float64) {
	buckets := []int{1, 2, 4, 8, 1 << 30}
	for b := 0; b+1 < len(buckets); b++ {
		var pos, neg []float64
		for _, s := range samples {
			n := 1 << int(s.x[story.FeatSize]+0.5)
			if n < buckets[b] || n >= buckets[b+1] {
				continue
			}
			switch {
			case s.same:
				pos = append(pos, score(s.x))
			case s.hard && s.new:
				neg = append(neg, score(s.x))
			}
		}
		sort.Float64s(pos)
		sort.Float64s(neg)
		q := func(xs []float64, p float64) float64 {
			if len(xs) == 0 {
				return math.NaN()
			}
			return xs[int(p*float64(len(xs)-1))]
		}
		fmt.Printf("  size %d-%d: own story n=%d q10 %.2f q25 %.2f q50 %.2f; founders vs other event n=%d q50 %.2f q75 %.2f q90 %.2f q95 %.2f\n",
			buckets[b], buckets[b+1]-1, len(pos), q(pos, 0.1), q(pos, 0.25), q(pos, 0.5), len(neg), q(neg, 0.5), q(neg, 0.75), q(neg, 0.9), q(neg, 0.95))
	}
}

// fitLogistic fits a logistic model to the samples by Newton's method with
// an L2 penalty on the weights.
func fitLogistic(samples []sample, l2 float64) (weights [story.NumFeatures]float64, bias float64) {
	const d = dim
	w := make([]float64, d)
	for range 30 {
		var g [d]float64
		var h [d][d]float64
		for _, s := range samples {
			x := feat(s.x)
			p := sigmoid(dotp(w, x[:]))
			y, sw := 0.0, 1.0
			if s.same {
				y = 1
			} else if s.hard {
				sw = hardWeight
			}
			for i := range d {
				g[i] += sw * (p - y) * x[i]
				for j := range d {
					h[i][j] += sw * p * (1 - p) * x[i] * x[j]
				}
			}
		}
		for i := range d - 1 {
			g[i] += l2 * w[i]
			h[i][i] += l2
		}
		step := solve(h, g)
		var norm float64
		for i := range d {
			w[i] -= step[i]
			norm += step[i] * step[i]
		}
		if norm < 1e-12 {
			break
		}
	}
	for i := range story.NumFeatures {
		weights[i] = round3(w[i])
	}
	return weights, round3(w[d-1])
}

// printWeights prints weights and bias as Go for DefaultOptions.
func printWeights(wname string, w [story.NumFeatures]float64, bname string, bias float64) {
	fmt.Printf("fitted: %s: [NumFeatures]float64{", wname)
	first := true
	for i := range story.NumFeatures {
		if w[i] == 0 {
			continue
		}
		if !first {
			fmt.Print(", ")
		}
		first = false
		fmt.Printf("%s: %g", goName(i), w[i])
	}
	fmt.Printf("}, %s: %g\n", bname, bias)
}

// crossValidate fits the model on the odd topics and clusters the even
// ones, then the other way round, and prints the mean scores: what tuning
// on ECB+ is worth on topics it did not see.
func crossValidate(opts story.Options, docs []doc, shuffles int, l2 float64, merge bool, ths []float64) {
	var folds [2][]doc
	for _, d := range docs {
		folds[d.Topic%2] = append(folds[d.Topic%2], d)
	}
	if len(ths) == 0 {
		ths = []float64{0.1, 0.2, 0.3, 0.5}
	}
	for _, th := range ths {
		var bs, ps []evaluate.PRF
		for k := range 2 {
			o := opts
			samples, _, _ := oracleSamples(o, folds[k], shuffles)
			o.Weights, o.Bias = fitLogistic(samples, l2)
			o.Threshold = th
			b, p := evaluateECB(o, folds[1-k], shuffles, merge, false)
			bs, ps = append(bs, b), append(ps, p)
		}
		b, p := evaluate.Mean(bs), evaluate.Mean(ps)
		fmt.Printf("cross-validated threshold %.2f: B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f\n",
			th, b.P, b.R, b.F1, p.P, p.R, p.F1)
	}
}
