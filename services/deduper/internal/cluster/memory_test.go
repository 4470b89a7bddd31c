package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestMergedClustersLeaveWithTheirArticles runs a story for many windows,
// a report every ten minutes, each after a note of its own that shares a
// rare word with it: Link, forced to merge anything, folds the note into
// the story. The clusters merged in must not outlive their articles: the
// engine holds what a window brought, however long the story goes on.
func TestMergedClustersLeaveWithTheirArticles(t *testing.T) {
	opts := Options{Window: time.Hour}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	e := New(opts)
	r := rand.New(rand.NewPCG(1, 2))
	sentences := strings.Split(base, ". ")
	var story string
	merges := 0
	for i := range 6 * 30 {
		at := t0.Add(time.Duration(i) * 10 * time.Minute)
		e.Assign(newArticle(fmt.Sprintf("/note%d.txt", i), "Note", fmt.Sprintf("Note k%dz about q%dz r%dz s%dz.", i, i, i, i)), at)
		var report strings.Builder
		fmt.Fprintf(&report, "Dockers met k%dz. ", i)
		for _, k := range r.Perm(len(sentences))[:4] {
			report.WriteString(sentences[k] + ". ")
		}
		d := e.Assign(newArticle(fmt.Sprintf("/report%d.txt", i), "Halden strike", report.String()), at.Add(time.Minute))
		story = d.Assignment.ID
		merges += len(d.Assignment.Merged)
	}
	if merges < 6*30/2 {
		t.Fatalf("only %d notes were merged into the story", merges)
	}
	// A window holds 12 articles: a cluster each at most.
	if len(e.clusters) > 12 || len(e.slotOf) > 12 || len(e.absorbed[e.slotOf[story]]) > 12 {
		t.Errorf("after 30 windows the engine holds %d cluster states (%d ids), %d merged into the story; want at most a window's",
			len(e.clusters), len(e.slotOf), len(e.absorbed[e.slotOf[story]]))
	}
}

// TestMergedChainOutlivesItsMiddle merges a cluster A into B, and B into C
// (Link forced to merge anything), while B's own articles are revised into
// stories of their own, after B is merged or before: B goes, having no
// article left, while A's article is still held — A must still resolve to
// C.
func TestMergedChainOutlivesItsMiddle(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	cranes := newArticle("/a.txt", "New cranes at Halden", "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter.")
	b0, b1 := newArticle("/b0.txt", "Halden strike", base), newArticle("/b1.txt", "Ships off Halden", rewrite)
	c0 := newArticle("/c0.txt", "Library", other)
	c1 := newArticle("/c1.txt", "Library", other+" Dock workers at Halden walked off the job on Monday.")
	away := []*events.Article{
		newArticle("/b0.txt", "Weather", "Heavy rain flooded streets in the capital and forced schools to close early on Tuesday."),
		newArticle("/b1.txt", "Football", "The national football team beat Norland 3-1 in Kessby on Saturday. Striker Jonas Berg scored twice."),
	}
	tests := []struct {
		name string
		arts []*events.Article
	}{
		{"after B is merged", []*events.Article{cranes, b0, b1, c0, c1, away[0], away[1]}},
		{"before B is merged", []*events.Article{cranes, b0, b1, c0, away[0], away[1], c1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(opts)
			var ds []Decision
			byPath := map[string]Decision{}
			for i, a := range tt.arts {
				d := e.Assign(a, t0.Add(time.Duration(i)*time.Minute))
				ds = append(ds, d)
				if _, ok := byPath[a.Source.Path]; !ok {
					byPath[a.Source.Path] = d
				}
				checkInvariants(t, e, i)
			}
			a, b, c := byPath["/a.txt"].Assignment.ID, byPath["/b0.txt"].Assignment.ID, byPath["/c0.txt"].Assignment.ID
			if d := byPath["/b1.txt"].Assignment; !slices.Contains(d.Merged, a) || d.ID != b {
				t.Fatalf("the rewrite: in %s merging %v, want in %s merging %s", d.ID, d.Merged, b, a)
			}
			if d := byPath["/c1.txt"].Assignment; !slices.Contains(d.Merged, b) || d.ID != c {
				t.Fatalf("the library report: in %s merging %v, want in %s merging %s", d.ID, d.Merged, c, b)
			}
			if _, ok := e.slotOf[b]; ok {
				t.Errorf("%s is still held, with no article of its own", b)
			}
			if st := e.find(e.slotOf[a]); st == nil || st.id != c {
				t.Errorf("%s resolves to %v, want %s", a, st, c)
			}
			r := New(opts)
			restoreAll(r, tt.arts, ds)
			if diff := diffStates(stateOf(e), stateOf(r)); diff != "" {
				t.Errorf("restored engine differs:\n%s", diff)
			}
		})
	}
}

// TestPostingsOfALongStoryStayWithinTwoWindows keeps one story alive for 12
// windows, each report sharing the story's names but bringing words of its
// own: the inverted index, which used to keep every term the story ever
// had until the story was forgotten (never), holds at most two windows of
// them.
func TestPostingsOfALongStoryStayWithinTwoWindows(t *testing.T) {
	e := New(Options{Window: time.Hour})
	perHour, most := 0, 0
	for h := range 12 {
		for i := range 4 {
			words := []string{"Halden", "strike", "Harbour", "Workers'", "Union", "terminal", "dock", "workers", "Kessby"}
			for j := range 30 {
				words = append(words, fmt.Sprintf("w%dh%di%dq", j, h, i))
			}
			at := t0.Add(time.Duration(h)*time.Hour + time.Duration(i)*time.Minute)
			e.Assign(newArticle(fmt.Sprintf("/h%d/%d.txt", h, i), "Halden strike", strings.Join(words, " ")+"."), at)
		}
		n := len(e.post.Stories())
		if h == 0 {
			perHour = n
		}
		most = max(most, n)
	}
	if e.Clusters() > 2 {
		t.Fatalf("the reports made %d stories, want one long story", e.Clusters())
	}
	if perHour == 0 || most > 2*perHour+perHour/2 {
		t.Errorf("over 12 windows the index listed up to %d story terms, want about two windows' worth (%d each)", most, perHour)
	}
}
