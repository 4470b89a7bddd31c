package main

import (
	"fmt"

	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// splitAt, when positive, makes cluster split each final story by average
// link among its members down to this score (an experiment: what splitting
// mixed stories could be worth).
var splitAt float64

// splitStories splits the stories of pred by average link over the pairwise
// scores of their members, with m's term rarity.
func splitStories(m *story.Model, docs []doc, pred map[string]string) map[string]string {
	byStory := map[string][]int{}
	for i, d := range docs {
		byStory[pred[d.ID]] = append(byStory[pred[d.ID]], i)
	}
	out := map[string]string{}
	for sid, idx := range byStory {
		n := len(idx)
		if n < 4 {
			for _, i := range idx {
				out[docs[i].ID] = sid
			}
			continue
		}
		vecs := make([]story.Vector, n)
		for k, i := range idx {
			t, b := docs[i].split()
			vecs[k] = m.Vectorize(t, b, false)
		}
		label, size, big := averageLink(m, vecs, splitAt)
		// The largest part keeps the story; parts of splitMin or more
		// leave it; smaller ones stay.
		for k, i := range idx {
			l := label[k]
			if l == big || size[l] < splitMin {
				out[docs[i].ID] = sid
			} else {
				out[docs[i].ID] = fmt.Sprintf("%s/%d", sid, l)
			}
		}
	}
	return out
}

var splitMin = 2

// averageLink clusters vecs by average link over their pairwise scores
// down to th: each one's part, the parts' sizes, and the largest part.
func averageLink(m *story.Model, vecs []story.Vector, th float64) (label, size []int, big int) {
	n := len(vecs)
	cents := make([]story.Centroid, n)
	for k := range vecs {
		m.Add(&cents[k], vecs[k])
	}
	sim := make([][]float64, n)
	for a := range n {
		sim[a] = make([]float64, n)
		for b := range n {
			if a != b {
				if splitOnes {
					sim[a][b] = m.Score(m.StoryFeatures(&cents[a], &cents[b]))
				} else {
					sim[a][b] = m.Score(m.Features(vecs[a], &cents[b]))
				}
			}
		}
	}
	for a := range n {
		for b := a + 1; b < n; b++ {
			s := (sim[a][b] + sim[b][a]) / 2
			sim[a][b], sim[b][a] = s, s
		}
	}
	size = make([]int, n)
	alive := make([]bool, n)
	label = make([]int, n)
	for a := range n {
		size[a], alive[a], label[a] = 1, true, a
	}
	for {
		ba, bb, best := -1, -1, th
		for a := range n {
			if !alive[a] {
				continue
			}
			for b := a + 1; b < n; b++ {
				if alive[b] && sim[a][b] >= best {
					ba, bb, best = a, b, sim[a][b]
				}
			}
		}
		if ba < 0 {
			break
		}
		for k := range n {
			if alive[k] && k != ba && k != bb {
				s := (sim[ba][k]*float64(size[ba]) + sim[bb][k]*float64(size[bb])) / float64(size[ba]+size[bb])
				sim[ba][k], sim[k][ba] = s, s
			}
		}
		size[ba] += size[bb]
		alive[bb] = false
		for k := range n {
			if label[k] == bb {
				label[k] = ba
			}
		}
	}
	for a := range n {
		if alive[a] && size[a] > size[big] {
			big = a
		}
	}
	return label, size, big
}

// onlineSplit, when positive, makes the clusterer check a story for parts
// that tell another event each time it grows by half: average link among
// its members down to this score.
var onlineSplit float64

// checkSplit splits story s when average link among its members finds
// parts of splitMin or more besides the largest: each founds a story.
func (c *clusterer) checkSplit(s int32) {
	var idx []int
	for i, o := range c.of {
		if c.find(o) == s {
			idx = append(idx, i)
		}
	}
	n := len(idx)
	if splitCap > 0 && n > splitCap {
		return
	}
	if n < 4 || float64(n) < float64(c.checked[s])*splitGrowth {
		return
	}
	c.checked[s] = n
	vecs := make([]story.Vector, n)
	for k, i := range idx {
		vecs[k] = c.vecs[i]
	}
	label, size, big := averageLink(c.m, vecs, onlineSplit)
	moved := false
	parts := map[int]int32{}
	for k, i := range idx {
		l := label[k]
		if l == big || size[l] < splitMin {
			continue
		}
		ns, ok := parts[l]
		if !ok {
			ns = int32(len(c.cents))
			c.cents = append(c.cents, &story.Centroid{})
			c.parent = append(c.parent, ns)
			c.checked = append(c.checked, size[l])
			parts[l] = ns
		}
		c.m.Add(c.cents[ns], c.vecs[i])
		c.post.Add(ns, c.qs[i])
		c.of[i] = ns
		if splitFork {
			c.kept[i] = true
		}
		moved = true
	}
	if !moved {
		return
	}
	splits++
	cent := &story.Centroid{}
	for _, i := range idx {
		if c.of[i] == s || c.find(c.of[i]) == s {
			c.m.Add(cent, c.vecs[i])
		}
	}
	c.cents[s] = cent
}

var splits int

var splitGrowth = 1.5

var (
	splitOnes bool
	splitCap  int
	splitFork bool
)
