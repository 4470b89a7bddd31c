package cluster

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func newArticle(path, title, text string) *events.Article {
	src := events.Source{Kind: events.SourceFile, Path: path}
	return &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: title,
		Language: "en", Text: text, ContentHash: events.TextHash(text)}
}

const base = `Dock workers at the port of Halden walked off the job on Monday for 72 hours after talks with terminal
operators over pay and shift patterns broke down overnight. About 2,300 workers joined the stoppage, the Harbour
Workers' Union said, leaving at least 41 container ships waiting at anchor outside the breakwater by midday. The union
is asking for a 9 percent pay rise over two years and an end to twelve-hour night shifts, which it says have led to a
sharp rise in injuries since the terminal was automated in 2021. Halden Terminal Operators, which runs four of the
port's six berths, said its final offer of 5.5 percent was fair given rising energy costs, and accused the union of
putting regional supply chains at risk. Freight forwarders said shippers had begun diverting cargo to the smaller port
of Kessby, about 90 kilometres to the north, where waiting times rose to two days.`

const rewrite = `More than forty container ships were left idling off Port Halden on Monday after roughly 2,300 dock
workers downed tools in a three-day strike. The walkout began hours after negotiations between the Harbour Workers'
Union and Halden Terminal Operators ended without a deal. Workers want a nine percent raise over two years and the end
of twelve-hour night shifts. The operator is sticking to its 5.5 percent offer. Some cargo is already heading north to
Kessby, where shippers now face waits of up to two days.`

const other = `The central library in Kessby reopened its doors on Saturday, two years after a spring flood filled its
basement archive with river water. The restoration cost 14 million crowns and added a raised archive room, a children's
reading hall and a repair cafe where volunteers fix bicycles on weekends, head librarian Sofie Dahl said.`

var t0 = time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)

func TestAssignTiers(t *testing.T) {
	e := New(Options{})
	tests := []struct {
		name     string
		a        *events.Article
		relation events.Relation
		rule     string
		sameAs   int // index of the earlier case whose cluster it joins; -1 for a new one
	}{
		{"first", newArticle("/a.txt", "Halden dockers strike", base), events.RelationNew, RuleNew, -1},
		{"verbatim copy", newArticle("/b.txt", "Copy", strings.ToUpper(base)), events.RelationDuplicate, RuleContentHash, 0},
		{"light edit", newArticle("/c.txt", "Edit", strings.Replace(base, "Halden walked off", "Halden walked out", 1)), events.RelationNearDuplicate, RuleSimHash, 0},
		{"rewrite", newArticle("/d.txt", "Ships stack up off Halden as dockers strike", rewrite), events.RelationRewrite, RuleStory, 0},
		{"other story", newArticle("/e.txt", "Kessby library reopens", other), events.RelationNew, RuleNew, -1},
	}
	var ids []string
	for i, tt := range tests {
		dec := e.Assign(tt.a, t0.Add(time.Duration(i)*time.Minute))
		asg := dec.Assignment
		ids = append(ids, asg.ID)
		if asg.Relation != tt.relation || asg.Rule != tt.rule {
			t.Errorf("%s: %s by %s (scores %v), want %s by %s", tt.name, asg.Relation, asg.Rule, asg.Scores, tt.relation, tt.rule)
		}
		if tt.sameAs >= 0 && asg.ID != ids[tt.sameAs] {
			t.Errorf("%s: cluster %s, want %s", tt.name, asg.ID, ids[tt.sameAs])
		}
		if tt.sameAs < 0 && asg.ID != events.ClusterID(tt.a.ID) {
			t.Errorf("%s: new cluster %s, want the id derived from the article", tt.name, asg.ID)
		}
		last := dec.Updates[len(dec.Updates)-1]
		if last.ID != asg.ID || last.Version != asg.Version || last.Validate() != nil {
			t.Errorf("%s: state %s v%d does not match the assignment %s v%d", tt.name, last.ID, last.Version, asg.ID, asg.Version)
		}
		if asg.Relation != events.RelationNew && (len(asg.Scores) == 0 || len(asg.Thresholds) == 0) && asg.Rule != RuleContentHash {
			t.Errorf("%s: decision without scores or thresholds: %+v", tt.name, asg)
		}
	}
}

func TestAssignIsIdempotent(t *testing.T) {
	e := New(Options{})
	a := newArticle("/a.txt", "T", base)
	first := e.Assign(a, t0)
	again := e.Assign(a, t0.Add(time.Minute))
	if first.Assignment.ID != again.Assignment.ID || again.Assignment.Version != first.Assignment.Version ||
		again.Assignment.Rule != first.Assignment.Rule ||
		len(again.Updates[0].Members) != 1 || e.Len() != 1 {
		t.Errorf("second assignment %+v, want the first %+v with nothing added", again.Assignment, first.Assignment)
	}
}

func TestCanonicalPrefersWireThenEarliest(t *testing.T) {
	e := New(Options{})
	copyA := newArticle("/copy.txt", "Copy", base)
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	e.Assign(copyA, t0)
	dec := e.Assign(wire, t0.Add(time.Minute))
	if dec.Assignment.CanonicalID != wire.ID {
		t.Errorf("canonical %s, want the wire story %s", dec.Assignment.CanonicalID, wire.ID)
	}
}

func TestBetterOriginal(t *testing.T) {
	tests := []struct {
		name string
		a, b canon
	}{
		{"wire first", canon{wire: true, published: 200}, canon{published: 100, byline: true, textLen: 900}},
		{"then earlier", canon{published: 100}, canon{published: 200, byline: true, textLen: 900}},
		{"dated before undated", canon{published: 200}, canon{byline: true, textLen: 900}},
		{"then signed, the same day", canon{published: 100, byline: true, textLen: 400}, canon{published: 100, textLen: 900}},
		{"then complete", canon{published: 100, byline: true, textLen: 900}, canon{published: 100, byline: true, textLen: 400}},
	}
	for _, tt := range tests {
		if !better(tt.a, tt.b) || better(tt.b, tt.a) {
			t.Errorf("%s: better(a, b) %v, better(b, a) %v; want a the likelier original", tt.name, better(tt.a, tt.b), better(tt.b, tt.a))
		}
	}
}

func TestEvictionBoundsTheWindow(t *testing.T) {
	e := New(Options{Window: time.Hour})
	first := e.Assign(newArticle("/a.txt", "T", base), t0)
	dec := e.Assign(newArticle("/b.txt", "T", base), t0.Add(2*time.Hour))
	if dec.Assignment.Relation != events.RelationNew || dec.Assignment.ID == first.Assignment.ID {
		t.Errorf("copy after the window: %s in %s, want a new cluster", dec.Assignment.Relation, dec.Assignment.ID)
	}
	if e.Len() != 1 || e.Clusters() != 1 {
		t.Errorf("after eviction: %d articles in %d clusters, want 1 in 1", e.Len(), e.Clusters())
	}
}

// An engine that runs for many windows keeps the term statistics of the
// last one or two only: articles with words of their own every hour leave
// the model holding what two windows' articles said, not all of them.
func TestTermStatisticsStayWithinTwoWindows(t *testing.T) {
	e := New(Options{Window: time.Hour})
	perHour := 0
	most := 0
	for h := range 12 {
		for i := range 4 {
			var words []string
			for j := range 30 {
				words = append(words, fmt.Sprintf("w%dh%di%dq", j, h, i))
			}
			e.Assign(newArticle(fmt.Sprintf("/h%d/%d.txt", h, i), "", strings.Join(words, " ")+"."), t0.Add(time.Duration(h)*time.Hour+time.Duration(i)*time.Minute))
		}
		if h == 0 {
			perHour = e.Terms()
		}
		most = max(most, e.Terms())
	}
	if perHour == 0 || most > 2*perHour {
		t.Errorf("over 12 windows the model held up to %d terms, want at most two windows' worth (%d each)", most, perHour)
	}
}

// TestRestoreContinuesTheSameClusters rebuilds an engine from the decisions
// of another and checks that both decide the rest alike.
func TestRestoreContinuesTheSameClusters(t *testing.T) {
	var arts []*events.Article
	for i := range 40 {
		switch i % 4 {
		case 0:
			arts = append(arts, newArticle(fmt.Sprintf("/%d.txt", i), "Halden strike", base+fmt.Sprintf(" Update %d.", i)))
		case 1:
			arts = append(arts, newArticle(fmt.Sprintf("/%d.txt", i), "Ships off Halden", rewrite))
		case 2:
			arts = append(arts, newArticle(fmt.Sprintf("/%d.txt", i), "Library", other+fmt.Sprintf(" Note %d.", i)))
		default:
			arts = append(arts, newArticle(fmt.Sprintf("/%d.txt", i), fmt.Sprintf("Story %d", i),
				fmt.Sprintf("A unique report number %d about topic %d with words w%d x%d y%d z%d.", i, i*7, i, i+1, i+2, i+3)))
		}
	}
	live := New(Options{})
	var decisions []Decision
	for i, a := range arts {
		decisions = append(decisions, live.Assign(a, t0.Add(time.Duration(i)*time.Second)))
	}
	restored := New(Options{})
	for i, a := range arts[:25] {
		restored.Restore(&events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *a, Cluster: decisions[i].Assignment},
			t0.Add(time.Duration(i)*time.Second))
	}
	for i := 25; i < len(arts); i++ {
		got := restored.Assign(arts[i], t0.Add(time.Duration(i)*time.Second)).Assignment
		want := decisions[i].Assignment
		if got.ID != want.ID || got.Relation != want.Relation || got.Version != want.Version || got.CanonicalID != want.CanonicalID {
			t.Errorf("article %d after restore: %s %s v%d canonical %s; live engine said %s %s v%d canonical %s",
				i, got.ID, got.Relation, got.Version, got.CanonicalID, want.ID, want.Relation, want.Version, want.CanonicalID)
		}
	}
}

// bridgeTwoStories assigns a strike story, a library story and an article
// that tells both, and returns the library article and the three
// decisions. It skips the test when the two stories share a cluster.
func bridgeTwoStories(t *testing.T, e *Engine) (library *events.Article, da, db, dc Decision) {
	t.Helper()
	library = newArticle("/b.txt", "Library reopens", "Kessby library reopens archive flood books. Dahl library Kessby archive readers.")
	da = e.Assign(newArticle("/a.txt", "Harbour strike", "Dockers Halden strike harbour cranes union pay. Solberg union harbour Halden walkout."), t0)
	db = e.Assign(library, t0.Add(time.Minute))
	if da.Assignment.ID == db.Assignment.ID {
		t.Skip("the two stories already share a cluster")
	}
	dc = e.Assign(newArticle("/c.txt", "Halden and Kessby",
		"Halden harbour strike union Solberg walkout and Kessby library archive flood Dahl readers books."), t0.Add(2*time.Minute))
	return library, da, db, dc
}

func TestArticleJoiningTwoStoriesMergesThem(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.Threshold = 0.05       // let the bridging article match both stories...
	opts.Story.BridgeThreshold = 0.15 // ...surely enough to merge them
	e := New(opts)
	b, _, _, dc := bridgeTwoStories(t, e)
	if len(dc.Assignment.Merged) != 1 {
		t.Fatalf("bridging article merged %v, want one cluster", dc.Assignment.Merged)
	}
	into := dc.Assignment.ID
	var announced bool
	for _, u := range dc.Updates {
		if u.ID == dc.Assignment.Merged[0] && u.MergedInto == into {
			announced = true
		}
	}
	if !announced {
		t.Errorf("the merged cluster does not announce merged_into %s: %+v", into, dc.Updates)
	}
	if last := dc.Updates[len(dc.Updates)-1]; last.ID != into || len(last.Members) != 3 {
		t.Errorf("merged state %s has %d members, want %s with 3", last.ID, len(last.Members), into)
	}
	// A copy of either original now lands in the merged cluster.
	dup := e.Assign(newArticle("/d.txt", "Copy", strings.ToUpper(b.Text)), t0.Add(3*time.Minute))
	if dup.Assignment.ID != into || dup.Assignment.Relation != events.RelationDuplicate {
		t.Errorf("copy after merge: %s in %s, want a duplicate in %s", dup.Assignment.Relation, dup.Assignment.ID, into)
	}
	// When the window lets the merged story go, the cluster folded into it
	// goes with it.
	e.Assign(newArticle("/e.txt", "Library", other), t0.Add(2*DefaultWindow))
	if len(e.clusters) != 1 || len(e.slotOf) != 1 || len(e.absorbed) != 0 {
		t.Errorf("after the window: %d cluster states, %d ids, %d merge lists; want 1, 1, 0",
			len(e.clusters), len(e.slotOf), len(e.absorbed))
	}
}

func TestArticleResemblingTwoStoriesLeavesThemApart(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.Threshold = 0.05 // the bridging article tells both stories...
	opts.Story.SingleThreshold = 0.05
	opts.Story.BridgeThreshold = 1.1 // ...but never surely enough to merge them
	opts.Story.LinkThreshold = 1.1   // nor do their members
	e := New(opts)
	_, da, db, dc := bridgeTwoStories(t, e)
	if len(dc.Assignment.Merged) != 0 {
		t.Errorf("an article short of the bridge threshold merged %v", dc.Assignment.Merged)
	}
	if dc.Assignment.Relation != events.RelationRewrite || (dc.Assignment.ID != da.Assignment.ID && dc.Assignment.ID != db.Assignment.ID) {
		t.Errorf("bridging article: %s in %s, want a rewrite in %s or %s", dc.Assignment.Relation, dc.Assignment.ID,
			da.Assignment.ID, db.Assignment.ID)
	}
	if e.Clusters() != 2 {
		t.Errorf("%d clusters, want 2", e.Clusters())
	}
}

// TestLinkMergesAfterJoining makes Link merge anything (threshold and
// floor 0) to see the mechanics: the article joins a story of one, the other candidate
// is merged after, the merge is recorded with its rule, score and
// threshold, the merged cluster announces it, and a restored engine
// replays it.
func TestLinkMergesAfterJoining(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	arts := []*events.Article{
		newArticle("/a.txt", "Halden strike", base),
		newArticle("/b.txt", "New cranes at Halden", "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."),
		newArticle("/c.txt", "Ships off Halden", rewrite),
		newArticle("/d.txt", "Halden strike", base+" Talks resume on Thursday."),
	}
	live := New(opts)
	ds := assignAll(live, arts)
	if ds[0].Assignment.ID == ds[1].Assignment.ID {
		t.Fatalf("the crane story joined the strike story: %+v", ds[1].Assignment)
	}
	joined := ds[2].Assignment
	if joined.ID != ds[0].Assignment.ID || joined.Relation != events.RelationRewrite {
		t.Fatalf("the rewrite: %s in %s, want a rewrite in %s", joined.Relation, joined.ID, ds[0].Assignment.ID)
	}
	want := []events.MergeCause{{ID: ds[1].Assignment.ID, Rule: events.MergeLink, Threshold: 0}}
	if len(joined.Merges) != 1 || joined.Merges[0].ID != want[0].ID || joined.Merges[0].Rule != events.MergeLink ||
		joined.Merges[0].Score <= 0 || joined.Merges[0].Score >= 0.3 || !slices.Equal(joined.Merged, []string{want[0].ID}) {
		t.Fatalf("merges %+v (merged %v), want a link of %s with a low score", joined.Merges, joined.Merged, want[0].ID)
	}
	var announced bool
	for _, u := range ds[2].Updates {
		announced = announced || (u.ID == want[0].ID && u.MergedInto == joined.ID)
	}
	if last := ds[2].Updates[len(ds[2].Updates)-1]; !announced || last.ID != joined.ID || len(last.Members) != 3 {
		t.Errorf("updates after the link: announced %v, last %s with %d members", announced, last.ID, len(last.Members))
	}
	ca := events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *arts[2], Cluster: joined}
	if err := ca.Validate(); err != nil {
		t.Errorf("the decision does not validate: %v", err)
	}
	restored := New(opts)
	restoreAll(restored, arts[:3], ds)
	if restored.Clusters() != live.Clusters() {
		t.Errorf("restored engine has %d cluster states, live %d", restored.Clusters(), live.Clusters())
	}
	got := restored.Assign(arts[3], t0.Add(3*time.Minute)).Assignment
	if w := ds[3].Assignment; got.ID != w.ID || got.Version != w.Version || got.Rule != w.Rule {
		t.Errorf("after restore: %s v%d by %s; live engine said %s v%d by %s", got.ID, got.Version, got.Rule, w.ID, w.Version, w.Rule)
	}
}

// TestLinkExemplarsAreLetGo checks that stories keep their exemplars only
// while one of the last LinkRecent articles joined them.
func TestLinkExemplarsAreLetGo(t *testing.T) {
	opts := Options{LinkRecent: 4}
	e := New(opts)
	e.Assign(newArticle("/a.txt", "Halden strike", base), t0)
	d := e.Assign(newArticle("/b.txt", "Ships off Halden", rewrite), t0.Add(time.Minute))
	st := e.find(e.slotOf[d.Assignment.ID])
	if st.centroid.N != 2 || st.centroid.Exemplars() != 2 {
		t.Fatalf("story of %d keeps %d exemplars, want 2 of 2", st.centroid.N, st.centroid.Exemplars())
	}
	for i := range 3 {
		e.Assign(newArticle(fmt.Sprintf("/x%d.txt", i), fmt.Sprintf("Story %d", i),
			fmt.Sprintf("A unique report number %d about topic %d with words w%d x%d y%d.", i, i*7, i, i+1, i+2)), t0.Add(time.Duration(2+i)*time.Minute))
	}
	if st.centroid.Exemplars() != 2 {
		t.Fatalf("exemplars let go after 3 articles, want after 4")
	}
	e.Assign(newArticle("/y.txt", "Story y", "Another unique report about something else entirely, with words q r s."), t0.Add(6*time.Minute))
	if st.centroid.Exemplars() != 0 {
		t.Errorf("story still keeps %d exemplars after 4 other articles", st.centroid.Exemplars())
	}
	if len(e.linking)-e.linkOut > 4 {
		t.Errorf("%d joins still listed, want at most 4", len(e.linking)-e.linkOut)
	}
}

// TestMemberLinesRenderWhatTheyKept checks that a cluster state lists each
// member as it arrived, from the compact record the engine keeps.
func TestMemberLinesRenderWhatTheyKept(t *testing.T) {
	e := New(Options{})
	published := time.Date(2026, 3, 9, 14, 5, 0, 0, time.FixedZone("", 3600))
	a := newArticle("/a.txt", "Halden strike", base)
	a.Source = events.Source{Kind: events.SourceFeed, FeedURL: "https://wire.example/feed", URL: "https://wire.example/a"}
	a.Wire, a.PublishedAt = "Reuters", &published
	b := newArticle("/b.txt", "Ships off Halden", rewrite)
	c := newArticle("/c.txt", "Copy", strings.ToUpper(base))
	e.Assign(a, t0)
	db := e.Assign(b, t0.Add(time.Minute))
	dc := e.Assign(c, t0.Add(2*time.Minute))
	if db.Assignment.Relation != events.RelationRewrite || dc.Assignment.Relation != events.RelationDuplicate {
		t.Fatalf("relations %s, %s; want rewrite, duplicate", db.Assignment.Relation, dc.Assignment.Relation)
	}
	ms := dc.Updates[len(dc.Updates)-1].Members
	if len(ms) != 3 {
		t.Fatalf("%d members, want 3", len(ms))
	}
	tests := []struct {
		got  events.Member
		want events.Member
	}{
		{ms[0], events.Member{ID: a.ID, Source: a.Source, Title: a.Title, Relation: events.RelationNew, Rule: RuleNew,
			Wire: "Reuters", PublishedAt: &published, JoinedAt: t0}},
		{ms[1], events.Member{ID: b.ID, Source: b.Source, Title: b.Title, Relation: events.RelationRewrite, Rule: RuleStory,
			MatchedID: a.ID, Scores: map[string]float64{"combined": db.Assignment.Scores["combined"]}, JoinedAt: t0.Add(time.Minute)}},
		{ms[2], events.Member{ID: c.ID, Source: c.Source, Title: c.Title, Relation: events.RelationDuplicate, Rule: RuleContentHash,
			MatchedID: a.ID, JoinedAt: t0.Add(2 * time.Minute)}},
	}
	for i, tt := range tests {
		got, _ := json.Marshal(tt.got)
		want, _ := json.Marshal(tt.want)
		if string(got) != string(want) {
			t.Errorf("member %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestStoryKeepsToItsTime checks that an article published further than
// the window from a story's members does not join it, however alike its
// words, while a copy of it is still a copy and a report of the same days
// still joins.
func TestStoryKeepsToItsTime(t *testing.T) {
	at := func(a *events.Article, ts time.Time) *events.Article {
		a.PublishedAt = &ts
		return a
	}
	e := New(Options{})
	first := e.Assign(at(newArticle("/a.txt", "Halden strike", base), t0), t0).Assignment
	// A rewrite published two months earlier, arriving now: another
	// story of the same cast (an earlier strike).
	earlier := e.Assign(at(newArticle("/b.txt", "Ships off Halden", rewrite), t0.Add(-60*24*time.Hour)), t0.Add(time.Minute)).Assignment
	if earlier.ID == first.ID || earlier.Relation != events.RelationNew {
		t.Errorf("a rewrite published two months before: %s in %s, want a new cluster apart from %s", earlier.Relation, earlier.ID, first.ID)
	}
	// The same rewrite published the next day joins.
	later := e.Assign(at(newArticle("/c.txt", "Ships off Halden", rewrite+" More ships wait."), t0.Add(24*time.Hour)), t0.Add(24*time.Hour)).Assignment
	if later.ID != first.ID || later.Relation != events.RelationRewrite {
		t.Errorf("a rewrite published a day later: %s in %s, want a rewrite in %s", later.Relation, later.ID, first.ID)
	}
	// A verbatim copy of the first, whenever published, is a duplicate.
	cp := e.Assign(at(newArticle("/d.txt", "Copy", base), t0.Add(-60*24*time.Hour)), t0.Add(24*time.Hour+time.Minute)).Assignment
	if cp.ID != first.ID || cp.Relation != events.RelationDuplicate {
		t.Errorf("an old copy: %s in %s, want a duplicate in %s", cp.Relation, cp.ID, first.ID)
	}
}

// TestOldNewsClustersAsItDidWhenNew reads articles published months before
// the wall clock, as a replay of an old recording or an archive read in
// does: they match each other as they did when new. The window runs on
// arrival: it lets them go when news arrives four days later.
func TestOldNewsClustersAsItDidWhenNew(t *testing.T) {
	march := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	november := time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)
	at := func(a *events.Article, ts time.Time) *events.Article {
		a.PublishedAt = &ts
		return a
	}
	e := New(Options{})
	first := e.Assign(at(newArticle("/a.txt", "Halden strike", base), march), november).Assignment
	second := e.Assign(at(newArticle("/b.txt", "Ships off Halden", rewrite), march.Add(3*time.Hour)), november.Add(time.Second)).Assignment
	if second.ID != first.ID || second.Relation != events.RelationRewrite {
		t.Errorf("a rewrite published three hours later, read months after: %s in %s, want a rewrite in %s",
			second.Relation, second.ID, first.ID)
	}
	if e.Len() != 2 {
		t.Errorf("%d articles indexed, want both", e.Len())
	}
	e.Assign(newArticle("/c.txt", "Library", other), november.Add(4*24*time.Hour))
	if e.Len() != 1 {
		t.Errorf("%d articles indexed after news arrived four days later, want 1", e.Len())
	}
}

// TestRevisionKeepsItsStory revises an article that is alone in its
// cluster, with text that still tells the story: the revision stays in
// that cluster, which the engine still holds.
func TestRevisionKeepsItsStory(t *testing.T) {
	e := New(Options{})
	e.Assign(newArticle("/z.txt", "Library", other), t0)
	first := e.Assign(newArticle("/a.txt", "Halden strike", base), t0.Add(time.Minute)).Assignment
	rev := e.Assign(newArticle("/a.txt", "Halden strike", base+" Talks resume on Thursday."), t0.Add(2*time.Minute)).Assignment
	if rev.ID != first.ID {
		t.Errorf("the revision went to %s, want its story %s", rev.ID, first.ID)
	}
	if slot, ok := e.slotOf[rev.ID]; !ok || e.clusters[slot] == nil || e.clusters[slot].live != 1 {
		t.Errorf("the revision's cluster %s is not held with one live member", rev.ID)
	}
	if e.Len() != 2 || e.Clusters() != 2 {
		t.Errorf("%d articles in %d clusters, want 2 in 2", e.Len(), e.Clusters())
	}
}

// TestLinkSkipsTheClusterARevisionLeft revises an article that was alone
// in its cluster X into another story T: X is forgotten when the old
// revision leaves, and Link (forced to merge anything) must not merge it
// into T — nor anything else in its place. A restored engine agrees, and
// the other clusters live on.
func TestLinkSkipsTheClusterARevisionLeft(t *testing.T) {
	opts := Options{Window: time.Hour}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	arts := []*events.Article{
		newArticle("/z.txt", "Library", other),
		newArticle("/t1.txt", "Halden strike", base),
		newArticle("/t2.txt", "Ships off Halden", rewrite),
		newArticle("/x.txt", "Cranes", crane),
		newArticle("/x.txt", "Halden strike, cranes idle", rewrite+" Two new cranes from Shanghai stand idle."),
	}
	e := New(opts)
	ds := assignAll(e, arts)
	z, x, rev := ds[0].Assignment, ds[3].Assignment, ds[4].Assignment
	if slices.Contains(rev.Merged, x.ID) {
		t.Errorf("the revision merged %s, the cluster its old text left: %+v", x.ID, rev.Merges)
	}
	for _, s := range e.absorbed[e.slotOf[rev.ID]] {
		if st := e.clusters[s]; st != nil && st.mergedTo < 0 {
			t.Errorf("a live cluster %s is listed as merged into %s", st.id, rev.ID)
		}
	}
	r := New(opts)
	restoreAll(r, arts, ds)
	if ln, rn := e.find(e.slotOf[rev.ID]).centroid.N, r.find(r.slotOf[rev.ID]).centroid.N; ln != rn {
		t.Errorf("live story has %d members in its centroid, restored %d", ln, rn)
	}
	// The library story gets a newer member; the strike story then leaves
	// the window, and the library story stays, its copy still known.
	e.Assign(newArticle("/z2.txt", "Library", other), t0.Add(40*time.Minute))
	e.Assign(newArticle("/n.txt", "Weather", "Heavy rain flooded streets in the capital and forced schools to close early on Tuesday."),
		t0.Add(70*time.Minute))
	if _, ok := e.slotOf[z.ID]; !ok {
		t.Fatalf("the library cluster %s went with the strike story", z.ID)
	}
	if again := e.Assign(newArticle("/z2.txt", "Library", other), t0.Add(71*time.Minute)).Assignment; again.ID != z.ID {
		t.Errorf("the library copy again: in %s, want %s", again.ID, z.ID)
	}
}

// assignAll assigns arts to e a minute apart from t0.
func assignAll(e *Engine, arts []*events.Article) []Decision {
	ds := make([]Decision, 0, len(arts))
	for i, a := range arts {
		ds = append(ds, e.Assign(a, t0.Add(time.Duration(i)*time.Minute)))
	}
	return ds
}

// restoreAll replays into e the decisions ds made on arts by assignAll, as
// a restarted deduper does.
func restoreAll(e *Engine, arts []*events.Article, ds []Decision) {
	for i, a := range arts {
		e.Restore(&events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *a, Cluster: ds[i].Assignment},
			t0.Add(time.Duration(i)*time.Minute))
	}
}

// TestRevisionBackInItsOwnClusterIsNotLinkedToItself revises the article
// that founded a cluster with text the story tier finds new: the revision
// goes back to the cluster named after it, which was also a candidate for
// Link. Link (forced to merge anything) must not merge the cluster into
// itself: that made it its own merged_into, and following merges never
// ended.
func TestRevisionBackInItsOwnClusterIsNotLinkedToItself(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.Threshold, opts.Story.SingleThreshold = 1.1, 1.1 // every article is new...
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0       // ...and Link merges anything
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	e := New(opts)
	first := e.Assign(newArticle("/x.txt", "Cranes", crane), t0).Assignment
	done := make(chan Decision, 1)
	go func() {
		done <- e.Assign(newArticle("/x.txt", "Cranes", crane+" The port expects ships in April."), t0.Add(time.Minute))
	}()
	var rev Decision
	select {
	case rev = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("assigning the revision did not return")
	}
	if rev.Assignment.ID != first.ID || len(rev.Assignment.Merged) != 0 {
		t.Errorf("revision in %s merging %v, want %s merging nothing", rev.Assignment.ID, rev.Assignment.Merged, first.ID)
	}
	for _, u := range rev.Updates {
		if u.MergedInto != "" {
			t.Errorf("state of %s announces merged_into %s", u.ID, u.MergedInto)
		}
	}
	if st := e.find(e.slotOf[first.ID]); st == nil || st.live != 1 || e.Clusters() != 1 {
		t.Errorf("after the revision: %d clusters, want 1 with one live member", e.Clusters())
	}
}

// TestRestoredEngineAnswersARedeliveryAlike redelivers an article to an
// engine and to one restored from its decisions (a standby that took
// over): both give the decision the article got the first time.
func TestRestoredEngineAnswersARedeliveryAlike(t *testing.T) {
	arts := []*events.Article{
		newArticle("/a.txt", "Halden strike", base),
		newArticle("/b.txt", "Ships off Halden", rewrite),
		newArticle("/c.txt", "Copy", strings.ToUpper(base)),
	}
	live := New(Options{})
	ds := assignAll(live, arts)
	restored := New(Options{})
	restoreAll(restored, arts, ds)
	for i, a := range arts {
		at := t0.Add(time.Hour)
		want, got := live.Assign(a, at), restored.Assign(a, at)
		if !reflect.DeepEqual(want.Assignment, ds[i].Assignment) {
			t.Errorf("article %d again: %+v, first %+v", i, want.Assignment, ds[i].Assignment)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("article %d again after restore:\n  %+v\nlive engine:\n  %+v", i, got.Assignment, want.Assignment)
		}
	}
}

// TestClusterFoundedAgainContinuesItsVersions forgets a cluster — its only
// article revised into another story, or evicted — and founds it again
// under the same id: its versions go on from the last one published, so
// that subscribers, who ignore a version they hold, and the stream, which
// drops a state whose id and version it holds, take the new state.
func TestClusterFoundedAgainContinuesItsVersions(t *testing.T) {
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	tests := []struct {
		name   string
		window time.Duration
		arts   []*events.Article
		at     []time.Duration
		first  int // the decision that founded the cluster; the last founds it again
	}{
		// Back after the streams' duplicate window: within it, the
		// same text again is a redelivery (TestOlderRevisionRedeliveredChangesNothing).
		{"revised away and back", 4 * time.Hour, []*events.Article{
			newArticle("/s.txt", "Halden strike", base),
			newArticle("/x.txt", "Cranes", crane),
			newArticle("/x.txt", "Halden strike", strings.ToUpper(base)),
			newArticle("/x.txt", "Cranes", crane),
		}, []time.Duration{0, time.Minute, 2 * time.Minute, 2*time.Hour + 3*time.Minute}, 1},
		{"evicted and fetched again", time.Hour, []*events.Article{
			newArticle("/x.txt", "Cranes", crane),
			newArticle("/y.txt", "Cranes again", strings.ToUpper(crane)),
			newArticle("/x.txt", "Cranes", crane),
		}, []time.Duration{0, time.Minute, 2 * time.Hour}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Options{Window: tt.window})
			var last uint64
			var id string
			n := len(tt.arts) - 1
			for i, a := range tt.arts[:n] {
				d := e.Assign(a, t0.Add(tt.at[i]))
				for _, u := range d.Updates {
					if u.ID == id || i == tt.first {
						last = max(last, u.Version)
					}
				}
				if i == tt.first {
					id = d.Assignment.ID
				}
			}
			again := e.Assign(tt.arts[n], t0.Add(tt.at[n]))
			if again.Assignment.ID != id || again.Assignment.Relation != events.RelationNew {
				t.Fatalf("the founding article again: %s in %s, want new in %s", again.Assignment.Relation, again.Assignment.ID, id)
			}
			if again.Assignment.Version <= last {
				t.Errorf("%s founded again at v%d, after v%d was published", id, again.Assignment.Version, last)
			}
		})
	}
}

// TestMergedClusterLetsItsMembersGo merges a cluster into another (Link
// forced to merge anything): its last state announces merged_into without
// members, as subscribers are told, and the engine keeps its member lines,
// claims and changes only in the cluster that took them.
func TestMergedClusterLetsItsMembersGo(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	cranes := newArticle("/b.txt", "New cranes at Halden", "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter.")
	cranes.Claims = []events.Claim{{ID: "q1", Kind: events.ClaimQuote, Text: "The cranes end the delays"}}
	e := New(opts)
	ds := assignAll(e, []*events.Article{newArticle("/a.txt", "Halden strike", base), cranes, newArticle("/c.txt", "Ships off Halden", rewrite)})
	merged := ds[1].Assignment.ID
	if !slices.Equal(ds[2].Assignment.Merged, []string{merged}) {
		t.Fatalf("the rewrite merged %v, want %s", ds[2].Assignment.Merged, merged)
	}
	for _, u := range ds[2].Updates {
		if u.ID == merged && (u.MergedInto != ds[2].Assignment.ID || len(u.Members) != 0 || u.Validate() != nil) {
			t.Errorf("last state of the merged cluster: merged_into %q, %d members", u.MergedInto, len(u.Members))
		}
	}
	st := e.clusters[e.slotOf[merged]]
	if len(st.members) != 0 || st.canon.claims != nil || st.changes != nil || st.shared != nil {
		t.Errorf("the merged cluster still holds %d member lines, %d claims, %d changes", len(st.members), len(st.canon.claims), len(st.changes))
	}
	if last := ds[2].Updates[len(ds[2].Updates)-1]; len(last.Members) != 3 {
		t.Errorf("the surviving cluster lists %d members, want 3", len(last.Members))
	}
}

// TestForgottenStoriesLeaveTheCandidates lets a story go with the window
// and then assigns a report of a live story that shares even more terms
// with the forgotten one: the forgotten story must not take the place of
// the live one among the candidates verified (one, here), and the index
// of terms lets it go.
func TestForgottenStoriesLeaveTheCandidates(t *testing.T) {
	opts := Options{Window: time.Hour}
	opts = opts.withDefaults()
	opts.Story.Candidates = 1
	e := New(opts)
	gone := e.Assign(newArticle("/a.txt", "Halden strike", base), t0).Assignment
	live := e.Assign(newArticle("/b.txt", "Ships off Halden", rewrite), t0.Add(2*time.Hour)).Assignment
	if live.ID == gone.ID || e.Clusters() != 1 {
		t.Fatalf("after the window: %d clusters, the rewrite in %s", e.Clusters(), live.ID)
	}
	d := e.Assign(newArticle("/c.txt", "Halden strike", base+" Talks resume on Thursday."), t0.Add(2*time.Hour+time.Minute)).Assignment
	if d.ID != live.ID || d.Relation != events.RelationRewrite {
		t.Errorf("report of the live story: %s in %s, want a rewrite in %s", d.Relation, d.ID, live.ID)
	}
	// Many stories later, none of the forgotten ones is indexed.
	for i := range 3000 {
		e.Assign(newArticle(fmt.Sprintf("/n%d.txt", i), "Note", fmt.Sprintf("Unique note %d about q%d r%d s%d.", i, i, i+1, i+2)),
			t0.Add(3*time.Hour+time.Duration(i)*time.Minute))
	}
	stale := map[int32]bool{}
	for _, slot := range e.post.Stories() {
		if _, ok := e.clusters[slot]; !ok {
			stale[slot] = true
		}
	}
	if len(stale) > e.Clusters()+1024 {
		t.Errorf("the index of terms lists %d forgotten stories, with %d held", len(stale), e.Clusters())
	}
	// The versions of forgotten clusters are kept for a window only.
	if n := len(e.goneList) - e.goneOut; len(e.gone) > 2*e.Clusters() || n > 2*e.Clusters()+1024 {
		t.Errorf("%d forgotten clusters remembered (%d listed), with %d held", len(e.gone), n, e.Clusters())
	}
}

// TestCopyAfterTheFirstLeftIsStillADuplicate lets the first of two copies
// of a text go — evicted, or revised — and assigns a third: it is a
// duplicate of the copy still held, found by its content hash.
func TestCopyAfterTheFirstLeftIsStillADuplicate(t *testing.T) {
	tests := []struct {
		name  string
		leave func(e *Engine) // lets the first copy go, at t0+70m
	}{
		{"evicted", func(e *Engine) {}},
		{"revised", func(e *Engine) {
			e.Assign(newArticle("/a.txt", "Library", other), t0.Add(50*time.Minute))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Options{Window: time.Hour})
			e.Assign(newArticle("/a.txt", "Halden strike", base), t0)
			second := e.Assign(newArticle("/b.txt", "Copy", strings.ToUpper(base)), t0.Add(40*time.Minute)).Assignment
			tt.leave(e)
			third := e.Assign(newArticle("/c.txt", "Copy", strings.ToLower(base)), t0.Add(70*time.Minute)).Assignment
			if third.Relation != events.RelationDuplicate || third.Rule != RuleContentHash || third.ID != second.ID {
				t.Errorf("third copy: %s by %s in %s, want a duplicate by %s in %s", third.Relation, third.Rule, third.ID, RuleContentHash, second.ID)
			}
		})
	}
}

// TestRevisionTellingAnotherStoryLeavesIt revises the article that founded
// a story of several into text that tells no story held: the revision
// founds a story of its own, under an id of its own (the founding
// article's id names the story it left), and the story it left keeps its
// other members and what it is about. A restored engine agrees.
func TestRevisionTellingAnotherStoryLeavesIt(t *testing.T) {
	arts := []*events.Article{
		newArticle("/a.txt", "Halden strike", base),
		newArticle("/b.txt", "Ships off Halden", rewrite),
		newArticle("/a.txt", "Library reopens", other),
	}
	e := New(Options{})
	ds := assignAll(e, arts)
	story, rev := ds[1].Assignment, ds[2].Assignment
	if story.ID != ds[0].Assignment.ID {
		t.Fatalf("the rewrite went to %s, want %s", story.ID, ds[0].Assignment.ID)
	}
	if rev.Relation != events.RelationNew || rev.ID == story.ID {
		t.Fatalf("the revision: %s in %s, want new, outside %s", rev.Relation, rev.ID, story.ID)
	}
	// The story left behind is about its one live member only: the older
	// text left its centroid too.
	st := e.find(e.slotOf[story.ID])
	if st == nil || st.live != 1 || st.centroid.N != 1 || !slices.Equal(st.centroid.Tags(), []uint32{e.byDoc[arts[1].ID]}) {
		t.Fatalf("the story left behind is not held with its one live member alone")
	}
	r := New(Options{})
	restoreAll(r, arts, ds)
	if diff := diffStates(stateOf(e), stateOf(r)); diff != "" {
		t.Errorf("restored engine differs:\n%s", diff)
	}
	// The revision's copy joins the revision's story.
	cp := e.Assign(newArticle("/c.txt", "Copy", strings.ToUpper(other)), t0.Add(time.Hour)).Assignment
	if cp.ID != rev.ID || cp.Relation != events.RelationDuplicate {
		t.Errorf("copy of the revision: %s in %s, want a duplicate in %s", cp.Relation, cp.ID, rev.ID)
	}
}

// TestRevisionInItsOwnStoryReplacesItsText revises an article with a
// text that tells the same story: the story is about the new text in
// place of the old one, not both, and, holding each of its members, can
// still be divided.
func TestRevisionInItsOwnStoryReplacesItsText(t *testing.T) {
	e := New(Options{})
	a := newArticle("/a.txt", "Halden strike", base)
	b := newArticle("/b.txt", "Ships off Halden", rewrite)
	revised := newArticle("/a.txt", "Halden strike", base+" Talks resume on Thursday.")
	ds := assignAll(e, []*events.Article{a, b, revised})
	if ds[2].Assignment.ID != ds[0].Assignment.ID {
		t.Fatalf("the revision went to %s, want its story %s", ds[2].Assignment.ID, ds[0].Assignment.ID)
	}
	st := e.find(e.slotOf[ds[0].Assignment.ID])
	want := []uint32{e.byDoc[b.ID], e.byDoc[a.ID]}
	if got := st.centroid.Tags(); st.centroid.N != 2 || !slices.Equal(got, want) {
		t.Errorf("the story is about members %v (%d), want %v", got, st.centroid.N, want)
	}
	if !e.membersHeld(st) {
		t.Error("the story does not hold each member its centroid names: it can no longer be divided")
	}
	r := New(Options{})
	restoreAll(r, []*events.Article{a, b, revised}, ds)
	if rs := r.find(r.slotOf[ds[0].Assignment.ID]); !slices.Equal(rs.centroid.Tags(), st.centroid.Tags()) {
		t.Errorf("the replica's story is about %v, want %v", rs.centroid.Tags(), st.centroid.Tags())
	}
}

// TestOlderRevisionRedeliveredChangesNothing delivers a revision again
// after a newer one was decided (its ack was lost): the stream drops the
// decision made again, whose message id it holds, so the engine must not
// take the older text back either — it answers with the decision it made
// the first time. The same older text coming back after the stream's
// duplicate window is a revision like any other (the site reverted an
// edit).
func TestOlderRevisionRedeliveredChangesNothing(t *testing.T) {
	e := New(Options{})
	r1 := newArticle("/a.txt", "Halden strike", base)
	r2 := newArticle("/a.txt", "Halden strike", base+" Talks resume on Thursday.")
	first := e.Assign(r1, t0).Assignment
	second := e.Assign(r2, t0.Add(time.Minute))
	again := e.Assign(r1, t0.Add(2*time.Minute))
	if !reflect.DeepEqual(again.Assignment, first) {
		t.Errorf("r1 delivered again: %+v, want its first decision %+v", again.Assignment, first)
	}
	if len(again.Updates) != 1 || again.Updates[0].Version != second.Updates[0].Version {
		t.Errorf("r1 delivered again changed the story: %+v", again.Updates)
	}
	if seq := e.byDoc[r1.ID]; e.art(seq).hash != hashKey(r2.ContentHash) {
		t.Error("the engine took the older revision back")
	}
	reverted := e.Assign(r1, t0.Add(3*time.Hour))
	if reverted.Assignment.Version != second.Assignment.Version+1 {
		t.Errorf("r1 back after three hours: %+v, want a revision at v%d", reverted.Assignment, second.Assignment.Version+1)
	}
	if seq := e.byDoc[r1.ID]; e.art(seq).hash != hashKey(r1.ContentHash) {
		t.Error("the reverted text is not the article's current revision")
	}
}
