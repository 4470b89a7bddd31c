package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// splitOpts are the options of the engines of splitRun.
var splitOpts = Options{Window: 3 * time.Hour, Story: quakeStory}

// splitRun feeds the quake reports in the given order (indexes into
// quakes) to a live engine with a 3-hour window, the first early ones a
// minute apart from t0 and the rest a minute apart from two hours later,
// and returns the engine, the stored decisions and the time a replica
// starts, when the early ones have left the window.
func splitRun(t *testing.T, order []int, early int) (*Engine, []decided, time.Time) {
	t.Helper()
	all := quakeArticles()
	live := New(splitOpts)
	var stored []decided
	split := false
	for i, k := range order {
		now := t0.Add(time.Duration(i) * time.Minute)
		if i >= early {
			now = now.Add(2 * time.Hour)
		}
		d := live.Assign(all[k], now)
		split = split || len(d.Assignment.Splits) > 0
		stored = append(stored, decided{all[k], d, now})
	}
	if !split {
		t.Fatal("no split to replay")
	}
	now := t0.Add(3*time.Hour + 10*time.Minute)
	live.evict(now)
	return live, stored, now
}

// replayWindow restores, as a deduper of opts starting at now does, the
// decisions stored within its window (and a minute more): from the first
// stored since then, every one stored after it, as the stream delivers
// them from a start time. A decision stored later may carry a time a few
// seconds earlier (the clocks of the replicas that decide in turn are not
// quite alike); it is replayed all the same.
func replayWindow(t *testing.T, opts Options, stored []decided, now time.Time) *Engine {
	t.Helper()
	restored := New(opts)
	from := now.Add(-opts.withDefaults().Window - time.Minute)
	start := slices.IndexFunc(stored, func(x decided) bool { return !x.at.Before(from) })
	for i, x := range stored {
		if start < 0 || i < start {
			continue
		}
		restored.Restore(&events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *x.a, Cluster: x.d.Assignment}, x.at)
		checkInvariants(t, restored, i)
	}
	restored.evict(now)
	return restored
}

// sameClusters checks that the replica holds each article the live engine
// holds in the cluster of the same id, at the same version.
func sameClusters(t *testing.T, live, restored *Engine) {
	t.Helper()
	if live.Clusters() != restored.Clusters() {
		t.Errorf("live engine holds %d clusters, replica %d", live.Clusters(), restored.Clusters())
	}
	for id, seq := range live.byDoc {
		ls := live.find(live.art(seq).slot)
		rseq, ok := restored.byDoc[id]
		if !ok {
			t.Errorf("article %s, in %s, not held by the replica", id, ls.id)
			continue
		}
		rs := restored.find(restored.art(rseq).slot)
		if rs.id != ls.id || rs.version != ls.version {
			t.Errorf("article %s: in %s v%d; replica: in %s v%d", id, ls.id, ls.version, rs.id, rs.version)
		}
	}
}

// A replica that starts once the story a split divided has left the
// window replays the decision of the article that showed it, and only
// that: it knows nothing of the story the article joined first. The
// article is in the cluster its decision names, as in the live engine.
func TestReplicaReplaysSplitOfAStoryItNeverKnew(t *testing.T) {
	live, stored, now := splitRun(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, 7)
	last := stored[len(stored)-1].d.Assignment
	if len(last.Splits) != 1 || last.ID != last.Splits[0].ID {
		t.Fatalf("the last report does not leave with the split: %+v", last)
	}
	restored := replayWindow(t, splitOpts, stored, now)
	sameClusters(t, live, restored)
	// The replica's new cluster is what its member tells: a report of
	// the first quake joins it there too.
	a := newArticle("/quake/8.txt", "", "Sunday's 5.9 earthquake on Qeshm left ten dead in Tabl, where 300 homes were destroyed.")
	want, got := live.Assign(a, now).Assignment, restored.Assign(a, now).Assignment
	if want.ID != last.ID || got.ID != want.ID || got.Version != want.Version {
		t.Errorf("a report of the first quake joins %s v%d, in the replica %s v%d; want %s", want.ID, want.Version, got.ID, got.Version, last.ID)
	}
}

// The same when the article that showed the split stays: the replica
// holds none of the members that left, and makes no cluster for them (an
// empty cluster, with no canonical and never forgotten).
func TestReplicaReplaysSplitItHoldsNoMemberOf(t *testing.T) {
	live, stored, now := splitRun(t, []int{0, 1, 2, 6, 7, 3, 4, 5}, 7)
	last := stored[len(stored)-1].d.Assignment
	if len(last.Splits) != 1 || last.ID != last.Splits[0].From {
		t.Fatalf("the last report leaves with the split, or there is none: %+v", last)
	}
	sameClusters(t, live, replayWindow(t, splitOpts, stored, now))
}

// A replica that knows only the last members of the divided story names
// another canonical for it (the likeliest of those it knows), which may be
// among the members that leave. The move is made all the same: the
// members that left are in the new cluster, as in the live engine, and
// the story left names one of its own members canonical.
func TestReplicaMovesTheCanonicalItNamed(t *testing.T) {
	live, stored, now := splitRun(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, 5)
	sp := stored[len(stored)-1].d.Assignment.Splits[0]
	restored := replayWindow(t, splitOpts, stored, now)
	sameClusters(t, live, restored)
	from := restored.find(restored.slotOf[sp.From])
	if from == nil {
		t.Fatalf("the replica does not hold %s", sp.From)
	}
	if from.listed(from.canon.id) < 0 {
		t.Errorf("the story left names %s canonical, which it does not list", from.canon.id)
	}
	for _, id := range sp.Members {
		if id == from.canon.id {
			t.Errorf("the story left names %s canonical, which left it", id)
		}
	}
}

// A member published in the future (as its feed gave it) says nothing of
// when its story happened: the story's span leaves it out when it joins,
// and so when the story is divided. An article published three weeks
// after every other member then tells neither story.
func TestSplitSpanLeavesFutureDatesOut(t *testing.T) {
	arts := quakeArticles()
	e := New(Options{Window: 60 * 24 * time.Hour, Story: quakeStory})
	day := t0.Add(-time.Hour)
	later := t0.Add(25 * 24 * time.Hour)
	var last Decision
	for i, a := range arts {
		p := day
		if i == 3 {
			// A report of the second quake, which stays, dated 25 days on.
			p = later
		}
		a.PublishedAt = &p
		last = e.Assign(a, t0.Add(time.Duration(i)*time.Minute))
	}
	if len(last.Assignment.Splits) != 1 {
		t.Fatalf("no split: %+v", last.Assignment)
	}
	sp := last.Assignment.Splits[0]
	for _, id := range []string{sp.From, sp.ID} {
		st := e.find(e.slotOf[id])
		if st.from != day.Unix() || st.to != day.Unix() {
			t.Errorf("cluster %s spans %s to %s, want %s", id, time.Unix(st.from, 0).UTC(), time.Unix(st.to, 0).UTC(), day)
		}
	}
	// Three weeks on, a report of the second quake published then.
	now := t0.Add(21 * 24 * time.Hour)
	p := now.Add(-time.Hour)
	a := newArticle("/quake/late.txt", "", "The 5.6 quake that hit Qeshm on Wednesday injured five in Dargahan, officials said.")
	a.PublishedAt = &p
	if got := e.Assign(a, now).Assignment; got.ID == sp.From {
		t.Errorf("an article published %s joined %s, whose members were published %s", p, sp.From, fmt.Sprint(day))
	}
}

// The claims of the articles that came thousands of articles before are
// no longer held (recentClaims). A new cluster of a split names a
// canonical whose claims are known, so that its changes and shared claims
// are set against what that canonical says: one whose claims are not
// held would have every claim of a member listed as the member's alone.
func TestSplitCanonicalHasItsClaims(t *testing.T) {
	ten, five := 10.0, 5.0
	dead := events.Claim{ID: "dead", Kind: events.ClaimNumber, Text: "ten dead", Value: &ten, Unit: "people", Counts: "killed"}
	hurt := events.Claim{ID: "hurt", Kind: events.ClaimNumber, Text: "five hurt", Value: &five, Unit: "people", Counts: "injured"}
	arts := quakeArticles()
	e := New(Options{Story: quakeStory})
	now := t0
	var d Decision
	for i, a := range arts {
		if quakes[i].event == 1 {
			a.Claims = []events.Claim{dead}
		} else {
			a.Claims = []events.Claim{hurt}
		}
		if i == 6 {
			// Copies of one unrelated note, which teach the model
			// nothing: the claims of the reports so far are let go.
			for k := range recentClaims {
				now = now.Add(time.Second)
				e.Assign(newArticle(fmt.Sprintf("/filler/%d.txt", k), "", "The harbour office posted its new opening hours."), now)
			}
		}
		now = now.Add(time.Minute)
		d = e.Assign(a, now)
	}
	if len(d.Assignment.Splits) != 1 || d.Assignment.ID != d.Assignment.Splits[0].ID {
		t.Fatalf("the last report does not leave with a split: %+v", d.Assignment)
	}
	for _, c := range d.Assignment.Changes {
		if c.Kind == events.ChangeOnlyMember && c.Claim != nil && c.Claim.ID == dead.ID {
			t.Errorf("the decision lists %q as the article's alone, against canonical %s: %+v", dead.Text, d.Assignment.CanonicalID, c)
		}
	}
	u := d.Updates[len(d.Updates)-1]
	for _, c := range u.Changes {
		if c.Kind == events.ChangeOnlyMember && c.Claim != nil && c.Claim.ID == dead.ID {
			t.Errorf("the new cluster lists %q as %s's alone, against canonical %s", dead.Text, c.MemberID, u.CanonicalID)
		}
	}
	if len(u.SharedClaims) != 1 || u.SharedClaims[0].ID != dead.ID {
		t.Errorf("the new cluster (canonical %s) shares %+v, want %q", u.CanonicalID, u.SharedClaims, dead.Text)
	}
}
