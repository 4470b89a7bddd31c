// Package simindex finds, among many 64-bit SimHash fingerprints, those
// within a small Hamming distance of a query without scanning them all. It
// follows Manku, Jain and Das Sarma (WWW 2007): split the 64 bits into k+1
// blocks; two fingerprints at most k bits apart agree exactly on at least one
// block, so one table per block, keyed by that block, yields every candidate.
package simindex

import (
	"math/bits"
)

// Index holds fingerprints with an id each. It is not safe for concurrent use.
type Index struct {
	k      int
	shift  []uint
	width  []uint
	tables []map[uint64][]entry
	n      int
}

type entry struct {
	fp uint64
	id uint32
}

// New returns an index answering queries up to k bits apart (k+1 tables).
func New(k int) *Index {
	if k < 0 {
		k = 0
	}
	blocks := k + 1
	ix := &Index{k: k}
	start := uint(0)
	for b := range blocks {
		w := uint(64 / blocks)
		if b < 64%blocks {
			w++
		}
		ix.shift = append(ix.shift, start)
		ix.width = append(ix.width, w)
		ix.tables = append(ix.tables, map[uint64][]entry{})
		start += w
	}
	return ix
}

func (ix *Index) key(b int, fp uint64) uint64 {
	return (fp >> ix.shift[b]) & (1<<ix.width[b] - 1)
}

// Add indexes fp under id. The caller keeps ids unique.
func (ix *Index) Add(id uint32, fp uint64) {
	for b := range ix.tables {
		k := ix.key(b, fp)
		ix.tables[b][k] = append(ix.tables[b][k], entry{fp, id})
	}
	ix.n++
}

// Remove drops id, indexed with fp, from the index.
func (ix *Index) Remove(id uint32, fp uint64) {
	removed := false
	for b := range ix.tables {
		k := ix.key(b, fp)
		l := ix.tables[b][k]
		for i, e := range l {
			if e.id == id {
				l[i] = l[len(l)-1]
				l = l[:len(l)-1]
				removed = true
				break
			}
		}
		if len(l) == 0 {
			delete(ix.tables[b], k)
		} else {
			ix.tables[b][k] = l
		}
	}
	if removed {
		ix.n--
	}
}

// Each calls fn with every id indexed with exactly fp.
func (ix *Index) Each(fp uint64, fn func(id uint32)) {
	if len(ix.tables) == 0 {
		return
	}
	for _, e := range ix.tables[0][ix.key(0, fp)] {
		if e.fp == fp {
			fn(e.id)
		}
	}
}

// Len is the number of fingerprints indexed.
func (ix *Index) Len() int { return ix.n }

// Nearest returns the indexed id closest to fp within k bits, its distance,
// and false when there is none. Ties go to the smallest id.
func (ix *Index) Nearest(fp uint64) (id uint32, dist int, ok bool) {
	dist = ix.k + 1
	for b := range ix.tables {
		for _, e := range ix.tables[b][ix.key(b, fp)] {
			d := bits.OnesCount64(fp ^ e.fp)
			if d < dist || (d == dist && ok && e.id < id) {
				id, dist, ok = e.id, d, true
			}
		}
	}
	return id, dist, ok
}
