package main

import (
	"fmt"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// reportPairs measures how well single features separate the events of a
// topic when term rarity is known from the whole collection: for each
// document, whether its nearest neighbour reports the same event, and the
// AUC of each feature over pairs of documents of one topic.
func reportPairs(opts story.Options, docs []doc) {
	m := newModel(opts)
	for _, d := range docs {
		t, b := d.split()
		m.Vectorize(t, b, true)
	}
	vecs := make([]story.Vector, len(docs))
	cents := make([]story.Centroid, len(docs))
	for i, d := range docs {
		t, b := d.split()
		vecs[i] = m.Vectorize(t, b, false)
		m.Add(&cents[i], vecs[i])
	}
	var samples []sample
	byTopic := map[int][]sample{}
	nnRight := make([]int, story.NumFeatures)
	for i := range docs {
		best := make([]float64, story.NumFeatures)
		bestSame := make([]bool, story.NumFeatures)
		for f := range best {
			best[f] = -1
		}
		for j := range docs {
			if i == j {
				continue
			}
			x := m.Features(vecs[i], &cents[j])
			same := docs[i].Event == docs[j].Event
			if j > i && docs[i].Topic == docs[j].Topic {
				samples = append(samples, sample{x: x, same: same, hard: !same})
				byTopic[docs[i].Topic] = append(byTopic[docs[i].Topic], samples[len(samples)-1])
			}
			for f := range x {
				if x[f] > best[f] {
					best[f], bestSame[f] = x[f], same
				}
			}
		}
		for f := range bestSame {
			if bestSame[f] {
				nnRight[f]++
			}
		}
	}
	var line strings.Builder
	for t := 1; t <= 45; t++ {
		if ss := byTopic[t]; len(ss) > 0 {
			fmt.Fprintf(&line, " %d:%.2f", t, auc(ss, func(x [story.NumFeatures]float64) float64 { return x[story.FeatAll] }))
		}
	}
	fmt.Println("  AUC of all by topic:" + line.String())
	for f := range story.NumFeatures {
		score := func(x [story.NumFeatures]float64) float64 { return x[f] }
		fmt.Printf("  %-12s nearest neighbour right %.3f, AUC within topics %.3f\n", story.FeatureNames[f],
			float64(nnRight[f])/float64(len(docs)), auc(samples, score))
	}
}

// reportBatch clusters the documents with batch average-link agglomeration
// over the mean field cosine of document pairs, term rarity known from the
// whole collection: an upper bound of sorts for the online clustering with
// the same features.
func reportBatch(opts story.Options, docs []doc) {
	m := newModel(opts)
	score := m.Score
	for _, d := range docs {
		t, b := d.split()
		m.Vectorize(t, b, true)
	}
	n := len(docs)
	vecs := make([]story.Vector, n)
	cents := make([]story.Centroid, n)
	for i, d := range docs {
		t, b := d.split()
		vecs[i] = m.Vectorize(t, b, false)
		m.Add(&cents[i], vecs[i])
	}
	sim := make([][]float64, n)
	for i := range sim {
		sim[i] = make([]float64, n)
		for j := range sim[i] {
			if i != j {
				sim[i][j] = score(m.Features(vecs[i], &cents[j]))
			}
		}
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			s := (sim[i][j] + sim[j][i]) / 2
			sim[i][j], sim[j][i] = s, s
		}
	}
	gold := map[string]string{}
	for _, d := range docs {
		gold[d.ID] = d.Event
	}
	size := make([]int, n)
	alive := make([]bool, n)
	label := make([]int, n)
	for i := range n {
		size[i], alive[i], label[i] = 1, true, i
	}
	thresholds := []float64{0.3, 0.2, 0.17, 0.15, 0.13, 0.11, 0.1, 0.09, 0.08}
	for _, th := range thresholds {
		for {
			bi, bj, best := -1, -1, th
			for i := range n {
				if !alive[i] {
					continue
				}
				for j := i + 1; j < n; j++ {
					if alive[j] && sim[i][j] >= best {
						bi, bj, best = i, j, sim[i][j]
					}
				}
			}
			if bi < 0 {
				break
			}
			for k := range n {
				if alive[k] && k != bi && k != bj {
					s := (sim[bi][k]*float64(size[bi]) + sim[bj][k]*float64(size[bj])) / float64(size[bi]+size[bj])
					sim[bi][k], sim[k][bi] = s, s
				}
			}
			size[bi] += size[bj]
			alive[bj] = false
			for k := range n {
				if label[k] == bj {
					label[k] = bi
				}
			}
		}
		pred := map[string]string{}
		for i, d := range docs {
			pred[d.ID] = fmt.Sprint(label[i])
		}
		b, p := evaluate.BCubed(pred, gold), evaluate.Pairwise(pred, gold)
		fmt.Printf("  batch average link at %.2f: B-cubed P %.3f R %.3f F1 %.3f  pairwise P %.3f R %.3f F1 %.3f\n", th, b.P, b.R, b.F1, p.P, p.R, p.F1)
	}
}

// explainPair prints what the model sees of two documents, term rarity
// learned from the whole collection: the features of the second against a
// story of the first, the score, and the shared and unshared top terms.
func explainPair(opts story.Options, docs []doc, a, b string) {
	opts.KeepText = true
	m := newModel(opts)
	byID := map[string]doc{}
	for _, d := range docs {
		t, body := d.split()
		m.Vectorize(t, body, true)
		byID[d.ID] = d
	}
	vec := func(id string) story.Vector {
		t, body := byID[id].split()
		return m.Vectorize(t, body, false)
	}
	va, vb := vec(a), vec(b)
	var c story.Centroid
	m.Add(&c, va)
	x := m.Features(vb, &c)
	fmt.Printf("%s against a story of %s: score %.3f\n  %s\n", b, a, m.Score(x), fmtFeat(x))
	fmt.Printf("  %s: %s\n  %s: %s\n", a, topTerms(m, va.Terms, va.Weights, 40), b, topTerms(m, vb.Terms, vb.Weights, 40))
	// Each feature's part of the score.
	var parts []string
	for i, w := range m.Options().Weights {
		if p := w * x[i]; p > 0.2 || p < -0.2 {
			parts = append(parts, fmt.Sprintf("%s %+.2f", story.FeatureNames[i], p))
		}
	}
	fmt.Printf("  contributions: bias %+.2f %s\n", m.Options().Bias, strings.Join(parts, ", "))
}

// reportChunks measures how well stories of k articles tell events apart:
// each event's documents, in random order, are cut into stories of k, and
// the stories of one topic are compared with Link.
func reportChunks(opts story.Options, docs []doc) {
	m := newModel(opts)
	for _, d := range docs {
		t, b := d.split()
		m.Vectorize(t, b, true)
	}
	byEvent := map[string][]story.Vector{}
	topicOf := map[string]int{}
	for _, d := range shuffled(docs, 7) {
		t, b := d.split()
		byEvent[d.Event] = append(byEvent[d.Event], m.Vectorize(t, b, false))
		topicOf[d.Event] = d.Topic
	}
	for _, k := range []int{1, 2, 3, 5, 8} {
		type chunk struct {
			c     story.Centroid
			event string
		}
		var chunks []chunk
		for e, vs := range byEvent {
			for i := 0; i+k <= len(vs); i += k {
				var c story.Centroid
				for _, v := range vs[i : i+k] {
					m.Add(&c, v)
				}
				chunks = append(chunks, chunk{c, e})
			}
		}
		var samples, links []sample
		for i := range chunks {
			for j := range chunks {
				if i == j || topicOf[chunks[i].event] != topicOf[chunks[j].event] {
					continue
				}
				a, b := &chunks[i].c, &chunks[j].c
				same := chunks[i].event == chunks[j].event
				samples = append(samples, sample{x: m.StoryFeatures(a, b), same: same})
				links = append(links, sample{x: [story.NumFeatures]float64{m.Link(a, b).Score}, same: same})
			}
		}
		fmt.Printf("  stories of %d: AUC of all %.3f, of Link's score %.3f\n", k,
			auc(samples, func(x [story.NumFeatures]float64) float64 { return x[story.FeatAll] }), auc(links, func(x [story.NumFeatures]float64) float64 { return x[0] }))
	}
}
