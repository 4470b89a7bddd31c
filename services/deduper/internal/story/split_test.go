package story

import (
	"fmt"
	"slices"
	"testing"
)

// Two events that share their cast: reports of the first (tags 1–4) and of
// the second (tags 5–7) mixed in one story, as a wrong early join leaves
// them.
var (
	quakeReports = []string{
		"A magnitude 5.9 earthquake struck Qeshm island in the Gulf on Sunday, killing ten villagers and flattening 300 homes.",
		"Ten people died when a 5.9 quake hit Qeshm on Sunday; rescuers searched the ruins of 300 houses in Tabl.",
		"The Sunday earthquake on Qeshm, measured at 5.9, killed ten and destroyed 300 homes around the village of Tabl.",
		"Rescuers in Tabl on Qeshm counted ten dead after Sunday's 5.9 tremor brought down 300 homes.",
	}
	aftershockReports = []string{
		"A 5.6 earthquake shook Qeshm island on Wednesday, injuring five people in the port of Dargahan; no one was killed.",
		"Five were hurt in Dargahan when a magnitude 5.6 quake hit Qeshm on Wednesday, officials said, with no deaths.",
		"Wednesday's 5.6 quake on Qeshm injured five in Dargahan and cracked the walls of the harbour office.",
	}
)

func mixedStory(t *testing.T, opts Options) (*Model, *Centroid) {
	t.Helper()
	m := NewModel(opts)
	for _, s := range []string{
		"The city council approved the library budget after a long debate about opening hours.",
		"Shares fell on Monday as investors weighed the central bank's next move on interest rates.",
		"The national football team beat Norland 3-1 in Kessby on Saturday.",
	} {
		m.Vectorize("", s, true)
	}
	var c Centroid
	for i, s := range append(slices.Clone(quakeReports), aftershockReports...) {
		m.AddTagged(&c, m.Vectorize("", s, true), uint32(i+1))
	}
	return m, &c
}

func TestSplitFindsTheOtherEvent(t *testing.T) {
	m, c := mixedStory(t, DefaultOptions)
	if !slices.Equal(c.Tags(), []uint32{1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("a story of 7 holds members %v, want each", c.Tags())
	}
	parts := m.Split(c, 1)
	if len(parts) != 1 || !slices.Equal(parts[0].Tags, []uint32{5, 6, 7}) {
		t.Fatalf("Split(keep 1) = %+v, want the three aftershock reports", parts)
	}
	if p := parts[0]; p.Score >= DefaultOptions.SplitThreshold || p.Score <= 0 {
		t.Errorf("the part's score against the rest is %v, want in (0, %v)", p.Score, DefaultOptions.SplitThreshold)
	}
	// The largest part stays, whichever member is to be kept: the fewest
	// move.
	if parts := m.Split(c, 6); len(parts) != 1 || !slices.Equal(parts[0].Tags, []uint32{5, 6, 7}) {
		t.Errorf("Split(keep 6) = %+v, want the three aftershock reports", parts)
	}
	if parts := m.Split(c, 99); len(parts) != 1 || !slices.Equal(parts[0].Tags, []uint32{5, 6, 7}) {
		t.Errorf("Split(keep 99) = %+v, want the three aftershock reports", parts)
	}
	// Of two parts as large, the member to keep decides which stays, or,
	// when it is none, the earliest member.
	var even Centroid
	for i, s := range append(slices.Clone(quakeReports[:3]), aftershockReports...) {
		m.AddTagged(&even, m.Vectorize("", s, false), uint32(i+1))
	}
	for _, tt := range []struct {
		keep uint32
		want []uint32
	}{{1, []uint32{4, 5, 6}}, {5, []uint32{1, 2, 3}}, {99, []uint32{4, 5, 6}}} {
		if parts := m.Split(&even, tt.keep); len(parts) != 1 || !slices.Equal(parts[0].Tags, tt.want) {
			t.Errorf("three and three, Split(keep %d) = %+v, want %v to leave", tt.keep, parts, tt.want)
		}
	}

	whole := *c
	part := m.Divide(c, parts[0].Tags)
	if c.N != 4 || part.N != 3 {
		t.Fatalf("divided into %d and %d members, want 4 and 3", c.N, part.N)
	}
	if !slices.Equal(c.Tags(), []uint32{1, 2, 3, 4}) || !slices.Equal(part.Tags(), []uint32{5, 6, 7}) {
		t.Errorf("divided into %v and %v", c.Tags(), part.Tags())
	}
	// Each is made again of its members, with the scores of their pairs:
	// neither divides again, and each is a story again.
	if ps := m.Split(c, 1); len(ps) != 0 {
		t.Errorf("the quake story divides again: %+v", ps)
	}
	if len(c.sims) != pairAt(4, 0) || len(part.sims) != pairAt(3, 0) {
		t.Errorf("pair scores %d and %d, want 6 and 3", len(c.sims), len(part.sims))
	}
	// Merged again, they would be divided again into the same two,
	// whichever canonical stays; and the stories are left as they are.
	if !m.Undone(c, &part, 1) || !m.Undone(&part, c, 6) || !m.Undone(c, &part, 6) {
		t.Errorf("merging the two parts again is not undone")
	}
	if c.N != 4 || part.N != 3 || len(c.sims) != pairAt(4, 0) || len(c.exemplars) != 4 {
		t.Errorf("Undone changed the stories: %d and %d members, %d pair scores", c.N, part.N, len(c.sims))
	}
	// Not when the union could not be divided.
	small := NewModel(func() Options { o := DefaultOptions; o.SplitMembers = 6; return o }())
	if small.Undone(c, &part, 1) {
		t.Errorf("a union of 7 is undone with SplitMembers 6")
	}
	if r := m.Link(c, &part); r.Same {
		t.Errorf("the two parts link again: %+v", r)
	}
	if r := m.Compare(m.Vectorize("", aftershockReports[0], false), &part); !r.Same {
		t.Errorf("an aftershock report does not tell the aftershock story: %+v", r)
	}
	if r1, r2 := m.Compare(m.Vectorize("", aftershockReports[1], false), &part), m.Compare(m.Vectorize("", aftershockReports[1], false), &whole); r1.Score <= r2.Score {
		t.Errorf("an aftershock report scores %v against its own story, %v against the mix", r1.Score, r2.Score)
	}
}

func TestSplitNeedsEveryMember(t *testing.T) {
	opts := DefaultOptions
	opts.SplitMembers, opts.Exemplars = 6, 4
	m, c := mixedStory(t, opts)
	if c.Exemplars() != opts.Exemplars || len(c.sims) != 0 {
		t.Fatalf("a story of 7 past SplitMembers 6 keeps %d exemplars and %d pair scores, want %d and none",
			c.Exemplars(), len(c.sims), opts.Exemplars)
	}
	if ps := m.Split(c, 1); ps != nil {
		t.Errorf("a story that does not hold every member splits: %+v", ps)
	}
	// Nor does Divide touch it.
	before := slices.Clone(c.Terms)
	if part := m.Divide(c, []uint32{5, 6, 7}); part.N != 0 || c.N != 7 || !slices.Equal(c.Terms, before) {
		t.Errorf("Divide of a story past SplitMembers: a part of %d, %d left, terms %v → %v", part.N, c.N, before, c.Terms)
	}
	opts.SplitMembers = 0
	m, c = mixedStory(t, opts)
	if ps := m.Split(c, 1); ps != nil {
		t.Errorf("Split with SplitMembers 0: %+v", ps)
	}
	// Parts smaller than SplitMin stay.
	opts = DefaultOptions
	opts.SplitMin = 4
	m, c = mixedStory(t, opts)
	if ps := m.Split(c, 1); ps != nil {
		t.Errorf("Split with SplitMin 4 moves a part of 3: %+v", ps)
	}
	// Nor divide a story from all its members, or from none.
	m, c = mixedStory(t, DefaultOptions)
	if part := m.Divide(c, []uint32{1, 2, 3, 4, 5, 6, 7}); part.N != 0 || c.N != 7 {
		t.Errorf("Divide of every member: a part of %d, %d left", part.N, c.N)
	}
	if part := m.Divide(c, []uint32{42}); part.N != 0 || c.N != 7 {
		t.Errorf("Divide of no member: a part of %d, %d left", part.N, c.N)
	}
	// A dropped story holds nothing.
	m, c = mixedStory(t, DefaultOptions)
	c.DropExemplars()
	if ps := m.Split(c, 1); ps != nil {
		t.Errorf("a story that let its members go splits: %+v", ps)
	}
}

func TestMergeKeepsThePairScores(t *testing.T) {
	opts := DefaultOptions
	opts.Exemplars = 4 // fewer than the story's 7 members
	m, _ := mixedStory(t, opts)
	texts := append(slices.Clone(quakeReports), aftershockReports...)
	var vs []Vector
	for _, s := range texts {
		vs = append(vs, m.Vectorize("", s, false))
	}
	// The same members added one by one, and in two stories merged: the
	// same pair scores, the same split.
	var whole, a, b Centroid
	for i, v := range vs {
		m.AddTagged(&whole, v, uint32(i+1))
		if i < 2 {
			m.AddTagged(&a, v, uint32(i+1))
		} else {
			m.AddTagged(&b, v, uint32(i+1))
		}
	}
	// The union of a (two quake reports) and b (the other two and the
	// aftershocks) divides, but into other groups than a and b: the merge
	// is not undone, it regroups.
	if m.Undone(&a, &b, 1) {
		t.Errorf("merging a story of %v and one of %v is undone", a.Tags(), b.Tags())
	}
	m.Merge(&a, &b)
	if !slices.Equal(a.Tags(), whole.Tags()) || len(a.sims) != len(whole.sims) {
		t.Fatalf("merged story holds %v with %d pair scores, want %v with %d", a.Tags(), len(a.sims), whole.Tags(), len(whole.sims))
	}
	for i := range a.sims {
		if d := a.sims[i] - whole.sims[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("pair score %d: %v merged, %v added one by one", i, a.sims[i], whole.sims[i])
		}
	}
	if ps := m.Split(&a, 1); len(ps) != 1 || !slices.Equal(ps[0].Tags, []uint32{5, 6, 7}) {
		t.Errorf("merged story splits into %+v", ps)
	}
	// Link still compares the first Options.Exemplars members only.
	if n := len(m.linkExemplars(&a)); n != opts.Exemplars {
		t.Errorf("Link compares %d members, want %d", n, opts.Exemplars)
	}
}

// BenchmarkSplitCheck measures the most a join costs a story for Split: the
// member that makes a story of SplitMembers joins it (its pair scores with
// each member are computed), and Split runs over all of them; for the
// default SplitMembers and for the most the deduper accepts.
func BenchmarkSplitCheck(b *testing.B) {
	for _, n := range []int{DefaultOptions.SplitMembers, 128} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			opts := DefaultOptions
			opts.SplitMembers = n
			m := NewModel(opts)
			c := newCorpus(3)
			for range 2000 {
				m.learn(c.article(300))
			}
			var vs []Vector
			for range n {
				vs = append(vs, m.Vectorize(c.article600()))
			}
			var base Centroid
			for i, v := range vs[:n-1] {
				m.AddTagged(&base, v, uint32(i))
			}
			b.ReportAllocs()
			for b.Loop() {
				s := base
				s.sims = slices.Clip(s.sims)
				s.exemplars = slices.Clip(s.exemplars)
				m.AddTagged(&s, vs[n-1], uint32(n-1))
				m.Split(&s, 0)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	m, c := mixedStory(t, DefaultOptions)
	if !m.Remove(c, 3) || c.N != 6 || !slices.Equal(c.Tags(), []uint32{1, 2, 4, 5, 6, 7}) {
		t.Fatalf("Remove(3): %d members %v, want the six others", c.N, c.Tags())
	}
	if len(c.sims) != pairAt(6, 0) {
		t.Errorf("%d pair scores for 6 members, want %d", len(c.sims), pairAt(6, 0))
	}
	// What is left still divides as before: the aftershock reports leave.
	if parts := m.Split(c, 1); len(parts) != 1 || !slices.Equal(parts[0].Tags, []uint32{5, 6, 7}) {
		t.Errorf("Split after Remove = %+v, want the three aftershock reports", parts)
	}
	if m.Remove(c, 42) || c.N != 6 {
		t.Errorf("Remove of no member changed the story: %d members", c.N)
	}
	// A story of one is emptied; one that does not hold each member is
	// left as it is.
	var one Centroid
	m.AddTagged(&one, m.Vectorize("", quakeReports[0], false), 9)
	if !m.Remove(&one, 9) || one.N != 0 || len(one.Terms) != 0 {
		t.Errorf("Remove of a story's one member: %d members, %d terms", one.N, len(one.Terms))
	}
	opts := DefaultOptions
	opts.SplitMembers, opts.Exemplars = 6, 4
	m, c = mixedStory(t, opts)
	if m.Remove(c, 2) || c.N != 7 {
		t.Errorf("Remove from a story past SplitMembers: %d members", c.N)
	}
}
