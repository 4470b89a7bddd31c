// Package evaluate scores a clustering against gold labels with the B-cubed
// and pairwise precision, recall and F1 that ../shared/datasets/README.md
// defines.
package evaluate

// PRF is precision, recall and F1.
type PRF struct{ P, R, F1 float64 }

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// BCubed scores predicted cluster labels against gold labels, both keyed by
// item: precision and recall are averaged over items, F1 is taken of the
// averages.
func BCubed(pred, gold map[string]string) PRF {
	predMembers := groups(pred)
	goldMembers := groups(gold)
	var p, r float64
	n := 0
	for item, pc := range pred {
		gc, ok := gold[item]
		if !ok {
			continue
		}
		n++
		common := 0
		for _, other := range predMembers[pc] {
			if g, ok := gold[other]; ok && g == gc {
				common++
			}
		}
		p += float64(common) / float64(len(predMembers[pc]))
		r += float64(common) / float64(len(goldMembers[gc]))
	}
	if n == 0 {
		return PRF{}
	}
	p, r = p/float64(n), r/float64(n)
	return PRF{P: p, R: r, F1: f1(p, r)}
}

// Pairwise scores over all unordered pairs of items: a pair is positive when
// both items share a cluster.
func Pairwise(pred, gold map[string]string) PRF {
	var tp, fp, fn float64
	items := make([]string, 0, len(pred))
	for it := range pred {
		if _, ok := gold[it]; ok {
			items = append(items, it)
		}
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			sp := pred[items[i]] == pred[items[j]]
			sg := gold[items[i]] == gold[items[j]]
			switch {
			case sp && sg:
				tp++
			case sp:
				fp++
			case sg:
				fn++
			}
		}
	}
	var out PRF
	if tp+fp > 0 {
		out.P = tp / (tp + fp)
	}
	if tp+fn > 0 {
		out.R = tp / (tp + fn)
	}
	out.F1 = f1(out.P, out.R)
	return out
}

func groups(labels map[string]string) map[string][]string {
	out := map[string][]string{}
	for item, c := range labels {
		out[c] = append(out[c], item)
	}
	return out
}

// Mean averages several scores field by field.
func Mean(scores []PRF) PRF {
	var m PRF
	for _, s := range scores {
		m.P += s.P
		m.R += s.R
		m.F1 += s.F1
	}
	if n := float64(len(scores)); n > 0 {
		m.P, m.R, m.F1 = m.P/n, m.R/n, m.F1/n
	}
	return m
}
