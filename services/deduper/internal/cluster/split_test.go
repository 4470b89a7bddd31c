package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// quakes are reports of two earthquakes on one island, days apart: the
// first (a 5.9 quake that killed ten in Tabl) and the second (a 5.6 quake
// that injured five in Dargahan), and one report that tells both. That one
// draws the second quake's reports into the first quake's story.
var quakes = []struct {
	event int // 1 or 2; 0 tells both
	text  string
}{
	{1, "A magnitude 5.9 earthquake struck Qeshm island in the Gulf on Sunday, killing ten villagers and flattening 300 homes."},
	{1, "Ten people died when a 5.9 quake hit Qeshm on Sunday; rescuers searched the ruins of 300 houses in Tabl."},
	{0, "Qeshm island was shaken again: a 5.6 quake on Wednesday injured five people in Dargahan, days after Sunday's 5.9 earthquake killed ten in Tabl."},
	{2, "A 5.6 earthquake shook Qeshm island on Wednesday, injuring five people in the port of Dargahan; no one was killed."},
	{2, "Five were hurt in Dargahan when a magnitude 5.6 quake hit Qeshm on Wednesday, officials said, with no deaths."},
	{2, "Wednesday's 5.6 quake on Qeshm injured five in Dargahan and cracked the walls of the harbour office."},
	{1, "The Sunday earthquake on Qeshm, measured at 5.9, killed ten and destroyed 300 homes around the village of Tabl."},
	{1, "Rescuers in Tabl on Qeshm counted ten dead after Sunday's 5.9 tremor brought down 300 homes."},
}

// quakeStory are the story options of the quake tests: the first quake's
// reports leave the mixed story at 0.18 once all four of them are in it (at
// the default, 0.21, once three are).
var quakeStory = func() story.Options {
	o := story.DefaultOptions
	o.SplitThreshold = 0.18
	return o
}()

func quakeArticles() []*events.Article {
	var arts []*events.Article
	for i, q := range quakes {
		arts = append(arts, newArticle(fmt.Sprintf("/quake/%d.txt", i), "", q.text))
	}
	return arts
}

func TestMixedStoryIsDivided(t *testing.T) {
	arts := quakeArticles()
	e := New(Options{Story: quakeStory})
	var decisions []Decision
	for i, a := range arts {
		decisions = append(decisions, e.Assign(a, t0.Add(time.Duration(i)*time.Minute)))
	}
	mixed := decisions[2].Assignment.ID
	for i := 3; i < 7; i++ {
		if got := decisions[i].Assignment; got.ID != mixed || len(got.Splits) > 0 {
			t.Fatalf("article %d: cluster %s, splits %+v; want the mixed story %s and no split yet", i, got.ID, got.Splits, mixed)
		}
	}
	last := decisions[7].Assignment
	if len(last.Splits) != 1 {
		t.Fatalf("the last report's join divides nothing: %+v", last)
	}
	sp := last.Splits[0]
	var firstQuake []string
	for i, q := range quakes {
		if q.event == 1 {
			firstQuake = append(firstQuake, arts[i].ID)
		}
	}
	if sp.From != mixed || sp.ID == mixed || !slices.Equal(sp.Members, firstQuake) {
		t.Errorf("split %+v; want the first quake's reports %v to leave %s", sp, firstQuake, mixed)
	}
	if sp.Score >= sp.Threshold || sp.Threshold != e.opts.Story.SplitThreshold {
		t.Errorf("split score %v against threshold %v", sp.Score, sp.Threshold)
	}
	if last.ID != sp.ID || last.CanonicalID == "" || !slices.Contains(firstQuake, last.CanonicalID) {
		t.Errorf("the last report is in %s (canonical %s), want the new cluster %s with one of its own as canonical", last.ID, last.CanonicalID, sp.ID)
	}
	// The states: the story left, then the new one, last.
	ups := decisions[7].Updates
	if len(ups) < 2 || ups[len(ups)-1].ID != sp.ID || ups[len(ups)-2].ID != mixed {
		t.Fatalf("updates %v, want the story left and then the new one", updateIDs(ups))
	}
	left, made := ups[len(ups)-2], ups[len(ups)-1]
	if got := memberIDs(made); !slices.Equal(got, firstQuake) || made.CanonicalID != last.CanonicalID || made.Version != last.Version {
		t.Errorf("new cluster lists %v, canonical %s, v%d; want %v, %s, v%d", got, made.CanonicalID, made.Version, firstQuake, last.CanonicalID, last.Version)
	}
	want := []string{arts[2].ID, arts[3].ID, arts[4].ID, arts[5].ID}
	if got := memberIDs(left); !slices.Equal(got, want) || left.Version <= decisions[6].Assignment.Version || left.MergedInto != "" {
		t.Errorf("the story left lists %v at v%d (v%d before); want %v", got, left.Version, decisions[6].Assignment.Version, want)
	}
	if slices.Contains(firstQuake, left.CanonicalID) {
		t.Errorf("the story left names %s canonical, which left it", left.CanonicalID)
	}

	// Each story draws its own event's reports from now on.
	next1 := newArticle("/quake/8.txt", "", "Sunday's 5.9 earthquake on Qeshm left ten dead in Tabl, where 300 homes were destroyed.")
	next2 := newArticle("/quake/9.txt", "", "The 5.6 quake that hit Qeshm on Wednesday injured five in Dargahan, officials said.")
	if got := e.Assign(next1, t0.Add(8*time.Minute)).Assignment; got.ID != sp.ID {
		t.Errorf("a report of the first quake joined %s, want %s", got.ID, sp.ID)
	}
	if got := e.Assign(next2, t0.Add(9*time.Minute)).Assignment; got.ID != mixed {
		t.Errorf("a report of the second quake joined %s, want %s", got.ID, mixed)
	}
}

func TestRestoredEngineMakesTheSameSplit(t *testing.T) {
	arts := quakeArticles()
	live := New(Options{Story: quakeStory})
	restored := New(Options{Story: quakeStory})
	for i, a := range arts {
		now := t0.Add(time.Duration(i) * time.Minute)
		d := live.Assign(a, now)
		restored.Restore(&events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *a, Cluster: d.Assignment}, now)
		if i == len(arts)-1 && len(d.Assignment.Splits) == 0 {
			t.Fatal("no split to restore")
		}
	}
	for _, e := range []*Engine{live, restored} {
		if e.Clusters() != 2 && e.Clusters() != 3 {
			t.Errorf("%d clusters", e.Clusters())
		}
	}
	// Both engines hold the same clusters, with the same states.
	for _, a := range arts {
		ls, rs := live.find(live.art(live.byDoc[a.ID]).slot), restored.find(restored.art(restored.byDoc[a.ID]).slot)
		lu, ru := live.update(ls), restored.update(rs)
		if lu.ID != ru.ID || lu.Version != ru.Version || lu.CanonicalID != ru.CanonicalID || !slices.Equal(memberIDs(lu), memberIDs(ru)) {
			t.Errorf("article %s: live %s v%d %s %v; restored %s v%d %s %v", a.ID[:8], lu.ID[:8], lu.Version, lu.CanonicalID[:8], memberIDs(lu),
				ru.ID[:8], ru.Version, ru.CanonicalID[:8], memberIDs(ru))
		}
	}
	// And decide alike from there.
	for i, text := range []string{
		"Sunday's 5.9 earthquake on Qeshm left ten dead in Tabl, where 300 homes were destroyed.",
		"The 5.6 quake that hit Qeshm on Wednesday injured five in Dargahan, officials said.",
	} {
		a := newArticle(fmt.Sprintf("/quake/next%d.txt", i), "", text)
		now := t0.Add(time.Duration(10+i) * time.Minute)
		got, want := restored.Assign(a, now).Assignment, live.Assign(a, now).Assignment
		if got.ID != want.ID || got.Version != want.Version || got.CanonicalID != want.CanonicalID {
			t.Errorf("next report %d: restored engine says %s v%d, live %s v%d", i, got.ID, got.Version, want.ID, want.Version)
		}
	}
}

func updateIDs(ups []*events.ClusterUpdate) []string {
	var out []string
	for _, u := range ups {
		out = append(out, u.ID)
	}
	return out
}

func memberIDs(u *events.ClusterUpdate) []string {
	var out []string
	for _, m := range u.Members {
		out = append(out, m.ID)
	}
	return out
}

// TestLinkMakesNoMergeTheSplitWouldUndo links every story with every other
// (Link from 0). Once the first quake's reports have left the mixed story,
// each report of the second quake joins the story that stayed, and Link
// would merge the first quake's story back, for the division that follows
// to move the same reports out again under a new id. No such merge is
// made: the first quake's cluster keeps its id and its members.
func TestLinkMakesNoMergeTheSplitWouldUndo(t *testing.T) {
	opts := Options{Story: quakeStory}.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	e := New(opts)
	arts := quakeArticles()
	// More reports of the second quake, each told its own way.
	parts := []string{"Five hurt in Dargahan", "Wednesday's 5.6 quake on Qeshm", "no one killed in Dargahan",
		"the harbour office cracked", "five injured at the port", "officials in Dargahan"}
	for i := range 6 {
		text := fmt.Sprintf("%s: %s after the 5.6 earthquake injured five on Wednesday. Reporters saw %s.",
			parts[i], parts[(i+2)%6], parts[(i+4)%6])
		arts = append(arts, newArticle(fmt.Sprintf("/quake/again/%d.txt", i), "", text))
	}
	var split events.SplitCause
	for i, a := range arts {
		d := e.Assign(a, t0.Add(time.Duration(i)*time.Minute))
		as := d.Assignment
		if i < len(quakes) {
			if len(as.Splits) == 1 {
				split = as.Splits[0]
			}
			continue
		}
		if as.ID != split.From || len(as.Splits) > 0 || len(as.Merged) > 0 {
			t.Fatalf("report %d of the second quake: cluster %s, merged %v, splits %+v; want %s and nothing else",
				i, as.ID, as.Merged, as.Splits, split.From)
		}
	}
	if split.ID == "" {
		t.Fatal("the first quake's reports never left the mixed story")
	}
	st := e.find(e.slotOf[split.ID])
	if st == nil || st.id != split.ID || len(st.members) != len(split.Members) {
		t.Fatalf("the first quake's cluster %s is not what it was: %+v", split.ID, st)
	}
}

// TestSplitIDs: the cluster a group makes when it leaves a story is named
// after its first member, the story, and the story's version, so that a
// group that leaves again later, when the engine has forgotten the cluster
// it made the first time, does not revive that cluster's id.
func TestSplitIDs(t *testing.T) {
	e := New(Options{})
	st := e.newCluster("c0", "en", t0)
	first := e.splitID(st, "a1")
	st.version++
	if again := e.splitID(st, "a1"); again == first {
		t.Errorf("a later split of the same group names %s again", first)
	}
	if other := e.splitID(st, "a2"); other == first {
		t.Errorf("another group's split names %s", first)
	}
	// An id the engine holds is never given.
	held := e.splitID(st, "a3")
	e.newCluster(held, "en", t0)
	if next := e.splitID(st, "a3"); next == held {
		t.Errorf("splitID gave %s, a cluster held", held)
	}
}

// TestLargerGroupKeepsTheStory: when the canonical (a wire report of the
// first quake) is in the smaller group, that group leaves and the larger
// one keeps the story's id, naming the likeliest original of its own
// canonical. A restored engine makes the same move.
func TestLargerGroupKeepsTheStory(t *testing.T) {
	arts := quakeArticles()
	arts[0].Wire, arts[0].Dateline = "Reuters", "QESHM"
	extra := newArticle("/quake/extra.txt", "", "In Dargahan, five people were injured by Wednesday's 5.6 quake on Qeshm, which killed no one.")
	order := []*events.Article{arts[0], arts[1], arts[2], arts[3], arts[4], arts[5], arts[6], extra, arts[7]}
	live, restored := New(Options{Story: quakeStory}), New(Options{Story: quakeStory})
	var split *Decision
	for i, a := range order {
		now := t0.Add(time.Duration(i) * time.Minute)
		d := live.Assign(a, now)
		restored.Restore(&events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *a, Cluster: d.Assignment}, now)
		if len(d.Assignment.Splits) > 0 && split == nil {
			split = &d
		}
	}
	if split == nil {
		t.Fatal("no split")
	}
	sp := split.Assignment.Splits[0]
	if !slices.Contains(sp.Members, arts[0].ID) {
		t.Fatalf("split %+v: the canonical %s stayed", sp, arts[0].ID)
	}
	var from, made *events.ClusterUpdate
	for _, u := range split.Updates {
		switch u.ID {
		case sp.From:
			from = u
		case sp.ID:
			made = u
		}
	}
	if from == nil || made == nil {
		t.Fatalf("updates %v, want %s and %s", updateIDs(split.Updates), sp.From, sp.ID)
	}
	if len(from.Members) <= len(made.Members) {
		t.Errorf("%d members stayed and %d left, want the larger group to stay", len(from.Members), len(made.Members))
	}
	if made.CanonicalID != arts[0].ID {
		t.Errorf("the group that left names %s canonical, want the wire report %s", made.CanonicalID, arts[0].ID)
	}
	if from.CanonicalID == arts[0].ID || !slices.Contains(memberIDs(from), from.CanonicalID) {
		t.Errorf("the story left names %s canonical, want one of its members %v", from.CanonicalID, memberIDs(from))
	}
	for _, id := range []string{sp.From, sp.ID} {
		l, r := live.update(live.find(live.slotOf[id])), restored.update(restored.find(restored.slotOf[id]))
		if l.Version != r.Version || l.CanonicalID != r.CanonicalID || !slices.Equal(memberIDs(l), memberIDs(r)) {
			t.Errorf("%s: live v%d %s %v; restored v%d %s %v", id, l.Version, l.CanonicalID, memberIDs(l), r.Version, r.CanonicalID, memberIDs(r))
		}
	}
}

// TestDisplacedCanonicalAcrossASplit: a wire report of the first quake
// displaces the mixed story's canonical as it joins, and the same join
// divides the story: the report leaves with the first quake's reports, the
// canonical it displaced stays. The decision tells no change against a
// member of another cluster.
func TestDisplacedCanonicalAcrossASplit(t *testing.T) {
	arts := quakeArticles()
	arts[6].Wire, arts[6].Dateline = "Reuters", "QESHM"
	for i, a := range arts {
		a.Claims = []events.Claim{hours(float64(24 + i%2))} // some agree, some do not
	}
	e := New(Options{})
	told := 0
	for i, a := range arts {
		d := e.Assign(a, t0.Add(time.Duration(i)*time.Minute))
		last := d.Updates[len(d.Updates)-1]
		told += len(d.Assignment.Changes)
		for _, c := range d.Assignment.Changes {
			if c.MemberID != "" && !slices.Contains(memberIDs(last), c.MemberID) {
				t.Errorf("article %d in %s: a change against %s, not a member of it (%v)", i, last.ID, c.MemberID, memberIDs(last))
			}
		}
	}
	if told == 0 {
		t.Fatal("no decision tells a change")
	}
}
