package main

import (
	"math"
	"sort"

	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// tree is a regression tree over the features.
type tree struct {
	feat        int
	split       float64
	left, right *tree
	value       float64
}

func (t *tree) eval(x *[story.NumFeatures]float64) float64 {
	for t.left != nil {
		if x[t.feat] <= t.split {
			t = t.left
		} else {
			t = t.right
		}
	}
	return t.value
}

// boosted is a gradient-boosted ensemble of trees on the logistic loss.
type boosted struct {
	bias  float64
	trees []*tree
}

func (b *boosted) score(x [story.NumFeatures]float64) float64 {
	z := b.bias
	for _, t := range b.trees {
		z += t.eval(&x)
	}
	return sigmoid(z)
}

// fitBoosted fits n trees of the given depth with shrinkage eta.
func fitBoosted(samples []sample, n, depth int, eta float64, minLeaf int) *boosted {
	pos := 0.0
	for _, s := range samples {
		if s.same {
			pos++
		}
	}
	b := &boosted{bias: math.Log(pos / (float64(len(samples)) - pos))}
	z := make([]float64, len(samples))
	for i := range z {
		z[i] = b.bias
	}
	idx := make([]int, len(samples))
	for i := range idx {
		idx[i] = i
	}
	g := make([]float64, len(samples))
	h := make([]float64, len(samples))
	for range n {
		for i, s := range samples {
			p := sigmoid(z[i])
			y := 0.0
			if s.same {
				y = 1
			}
			g[i], h[i] = p-y, max(1e-6, p*(1-p))
		}
		t := grow(samples, idx, g, h, depth, minLeaf, eta)
		b.trees = append(b.trees, t)
		for i := range samples {
			z[i] += t.eval(&samples[i].x)
		}
	}
	return b
}

func grow(samples []sample, idx []int, g, h []float64, depth, minLeaf int, eta float64) *tree {
	var G, H float64
	for _, i := range idx {
		G += g[i]
		H += h[i]
	}
	leaf := &tree{value: -eta * G / (H + 1)}
	if depth == 0 || len(idx) < 2*minLeaf {
		return leaf
	}
	best, bestF, bestS := 0.0, -1, 0.0
	sorted := make([]int, len(idx))
	for f := range story.NumFeatures {
		copy(sorted, idx)
		sort.Slice(sorted, func(a, b int) bool { return samples[sorted[a]].x[f] < samples[sorted[b]].x[f] })
		var gl, hl float64
		for k := 0; k < len(sorted)-1; k++ {
			gl += g[sorted[k]]
			hl += h[sorted[k]]
			if k+1 < minLeaf || len(sorted)-k-1 < minLeaf {
				continue
			}
			a, c := samples[sorted[k]].x[f], samples[sorted[k+1]].x[f]
			if a == c {
				continue
			}
			gr, hr := G-gl, H-hl
			gain := gl*gl/(hl+1) + gr*gr/(hr+1) - G*G/(H+1)
			if gain > best {
				best, bestF, bestS = gain, f, (a+c)/2
			}
		}
	}
	if bestF < 0 {
		return leaf
	}
	var l, r []int
	for _, i := range idx {
		if samples[i].x[bestF] <= bestS {
			l = append(l, i)
		} else {
			r = append(r, i)
		}
	}
	return &tree{feat: bestF, split: bestS, left: grow(samples, l, g, h, depth-1, minLeaf, eta), right: grow(samples, r, g, h, depth-1, minLeaf, eta)}
}
