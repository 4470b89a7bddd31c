package story

import (
	"slices"
	"testing"
)

// TestPostingsSweep drops forgotten stories from the index: a term left
// with none goes, and the others keep the stories still held, in order.
func TestPostingsSweep(t *testing.T) {
	m := NewModel(DefaultOptions)
	tests := []struct {
		name string
		adds [][]uint32 // terms of story i
		gone []int32
		want map[uint32][]int32 // term → stories still listed, oldest first
	}{
		{"nothing gone", [][]uint32{{1, 2}, {2, 3}}, nil, map[uint32][]int32{1: {0}, 2: {0, 1}, 3: {1}}},
		{"a story of its own terms", [][]uint32{{1}, {2}}, []int32{0}, map[uint32][]int32{2: {1}}},
		{"one left of a list", [][]uint32{{1, 2}, {2}, {2, 3}}, []int32{0, 2}, map[uint32][]int32{2: {1}}},
		{"lists keep their order", [][]uint32{{5}, {5}, {5}, {5}}, []int32{1}, map[uint32][]int32{5: {0, 2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPostings(8)
			for s, terms := range tt.adds {
				p.Add(int32(s), terms)
			}
			p.Sweep(func(s int32) bool { return slices.Contains(tt.gone, s) })
			if n := len(p.one) + len(p.list); n != len(tt.want) {
				t.Errorf("%d terms listed, want %d", n, len(tt.want))
			}
			for term, want := range tt.want {
				if got := p.stories(term); !slices.Equal(got, want) {
					t.Errorf("term %d lists %v, want %v", term, got, want)
				}
			}
			for _, s := range p.Stories() {
				if slices.Contains(tt.gone, s) {
					t.Errorf("story %d is still listed", s)
				}
			}
			if got := p.HeldCandidates(m, []uint32{1, 2, 3, 5}, 8, func(s int32) bool { return s != 0 }); slices.Contains(got, 0) {
				t.Errorf("candidates %v list story 0, which is not held", got)
			}
		})
	}
}
