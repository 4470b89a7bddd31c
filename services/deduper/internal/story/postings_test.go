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
			if n := len(p.cur.one) + len(p.cur.list); n != len(tt.want) {
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

// TestPostingsForgetOldGenerations ages the index: what a story added is
// found through the next generation and gone in the one after, unless the
// story added it again.
func TestPostingsForgetOldGenerations(t *testing.T) {
	m := NewModel(DefaultOptions)
	p := NewPostings(8)
	p.Age(10)
	p.Add(1, []uint32{100, 101})
	p.Add(2, []uint32{101})
	p.Age(11)
	p.Add(2, []uint32{101, 102}) // story 2 goes on; story 1 is told no more
	if got := p.Candidates(m, []uint32{100, 101, 102}, 8); !slices.Equal(sorted(got), []int32{1, 2}) {
		t.Errorf("a generation on: candidates %v, want stories 1 and 2", got)
	}
	if got := p.stories(101); !slices.Equal(got, []int32{1, 2}) {
		t.Errorf("term 101 lists %v across generations, want 1 and 2 once each", got)
	}
	p.Age(12)
	if got := p.Candidates(m, []uint32{100, 101, 102}, 8); !slices.Equal(got, []int32{2}) {
		t.Errorf("two generations on: candidates %v, want story 2 only", got)
	}
	p.Age(12) // the same generation again changes nothing
	p.Age(15) // and a gap drops both
	if n := len(p.Stories()); n != 0 {
		t.Errorf("%d entries listed after a gap of generations, want none", n)
	}
}

func sorted(s []int32) []int32 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
