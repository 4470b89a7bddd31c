package cluster

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// decided is one decision as a deduper stores it: the article, its
// assignment and when it was made.
type decided struct {
	a  *events.Article
	d  Decision
	at time.Time
}

// restoreSince rebuilds an engine, as a deduper that starts at now does,
// from the decisions made within the window (and a minute more) before
// now.
func restoreSince(opts Options, log []decided, now time.Time) *Engine {
	e := New(opts)
	from := now.Add(-e.opts.Window - time.Minute)
	for _, x := range log {
		if x.at.Before(from) {
			continue
		}
		e.Restore(&events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: *x.a, Cluster: x.d.Assignment}, x.at)
	}
	e.evict(now)
	return e
}

// TestRestartIgnoresRedeliveries redelivers an article decided before
// the replay of a restarted deduper begins: the engine that decided it
// changed nothing (the article was held), and its decision was stored
// again (the stream drops a decision it stored in the last two hours, but
// not always: a replica replays what was stored). The replica that replays
// it must change nothing either: joining the article would hold it a
// window longer than the engine that decided, add it to its cluster again
// and move the cluster's version on.
func TestRestartIgnoresRedeliveries(t *testing.T) {
	opts := Options{Window: 3 * time.Hour}
	a := newArticle("/a.txt", "Halden strike", base)
	b := newArticle("/b.txt", "Ships off Halden", rewrite)
	tests := []struct {
		name string
		at   time.Duration // of the redelivery; a was decided at 0
		// forget makes the engine forget its recent decisions before
		// the redelivery.
		forget bool
		repeat bool // the redelivery gets a repeat, not the first decision
	}{
		{"the first decision again, within the duplicate window", 110 * time.Minute, false, false},
		{"a repeat, past the duplicate window", 150 * time.Minute, false, true},
		{"a repeat, the engine having forgotten its decisions", 110 * time.Minute, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := New(opts)
			var log []decided
			assign := func(a *events.Article, at time.Duration) Decision {
				d := live.Assign(a, t0.Add(at))
				log = append(log, decided{a, d, t0.Add(at)})
				return d
			}
			first := assign(a, 0)
			joined := assign(b, 100*time.Minute)
			if joined.Assignment.ID != first.Assignment.ID {
				t.Fatalf("the rewrite went to %s, want %s", joined.Assignment.ID, first.Assignment.ID)
			}
			if tt.forget {
				live.recent = recentDecisions{}
			}
			again := assign(a, tt.at)
			if tt.repeat != (again.Assignment.Rule == RuleRepeat) {
				t.Fatalf("the redelivery was decided by %s", again.Assignment.Rule)
			}
			if again.Assignment.ID != first.Assignment.ID || again.Assignment.Version > joined.Assignment.Version {
				t.Errorf("the redelivery was given %s v%d, want %s at v%d at most", again.Assignment.ID, again.Assignment.Version,
					first.Assignment.ID, joined.Assignment.Version)
			}
			// The replica starts when the window has let a go, not b.
			now := t0.Add(4 * time.Hour)
			live.evict(now)
			restored := restoreSince(opts, log, now)
			ls, rs := stateOf(live), stateOf(restored)
			if !maps.Equal(ls.Docs, rs.Docs) {
				t.Errorf("articles held:\n  live     %v\n  restored %v", ls.Docs, rs.Docs)
			}
			id := first.Assignment.ID
			if lv, rv := ls.Clusters[id].Version, rs.Clusters[id].Version; lv != rv {
				t.Errorf("%s: live at v%d, restored at v%d", id, lv, rv)
			}
		})
	}
}

// TestRestartKeepsMergedClustersMerged merges a cluster (Link forced to
// merge anything) whose only article came before the replay of a
// restarted deduper begins, and then redelivers that article. The
// replica does not know the cluster, but it must not found it again from
// the redelivery: subscribers were told it was merged, and a copy of the
// article would then join it, publishing states of a merged cluster.
// Within the duplicate window the redelivery gets its first decision,
// which names the merged cluster; past it, a repeat, which names the
// cluster the article is in now.
func TestRestartKeepsMergedClustersMerged(t *testing.T) {
	for _, at := range []time.Duration{100 * time.Minute, 150 * time.Minute} {
		t.Run(at.String(), func(t *testing.T) { keepsMergedClustersMerged(t, at) })
	}
}

func keepsMergedClustersMerged(t *testing.T, at time.Duration) {
	opts := Options{Window: 3 * time.Hour}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	cranes := newArticle("/b.txt", "New cranes at Halden", crane)
	live := New(opts)
	var log []decided
	assign := func(e *Engine, a *events.Article, at time.Duration) Decision {
		d := e.Assign(a, t0.Add(at))
		if e == live {
			log = append(log, decided{a, d, t0.Add(at)})
		}
		return d
	}
	assign(live, newArticle("/a.txt", "Halden strike", base), 0)
	merged := assign(live, cranes, 10*time.Minute).Assignment.ID
	link := assign(live, newArticle("/c.txt", "Ships off Halden", rewrite), 60*time.Minute).Assignment
	if len(link.Merged) != 1 || link.Merged[0] != merged {
		t.Fatalf("the rewrite merged %v, want %s", link.Merged, merged)
	}
	again := assign(live, cranes, at).Assignment
	if first := at-10*time.Minute < events.DefaultDuplicates; first && again.ID != merged || !first && (again.Rule != RuleRepeat || again.ID != link.ID) {
		t.Fatalf("the redelivery: %+v", again)
	}
	now := t0.Add(4 * time.Hour)
	live.evict(now)
	restored := restoreSince(opts, log, now)
	if ls, rs := stateOf(live), stateOf(restored); !maps.Equal(ls.Docs, rs.Docs) {
		t.Errorf("articles held:\n  live     %v\n  restored %v", ls.Docs, rs.Docs)
	}
	cp := newArticle("/d.txt", "Copy", strings.ToUpper(crane))
	want, got := assign(live, cp, 4*time.Hour), assign(restored, cp, 4*time.Hour)
	if got.Assignment.ID == merged {
		t.Errorf("a copy joined %s, merged into %s before", merged, link.ID)
	}
	if want.Assignment.ID == merged {
		t.Errorf("the engine that ran on put the copy in %s, merged before", merged)
	}
	for _, u := range got.Updates {
		if u.ID == merged {
			t.Errorf("the copy changed %s, merged before: v%d", merged, u.Version)
		}
	}
}

// TestRestartFoundsAgainAMergedCluster merges a cluster whose only article
// came before the replay of a restarted deduper begins (Link forced to
// merge anything). The engine that decided forgets it when that article
// leaves the window, and founds it again when the article's next revision
// tells a story of its own: the replica, which holds the merged cluster's
// id only to tell redeliveries, must replay that decision, and once it
// decides itself, found the cluster again as the engine that ran on does.
func TestRestartFoundsAgainAMergedCluster(t *testing.T) {
	opts := Options{Window: 3 * time.Hour}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	weather := "Heavy rain flooded streets in the capital and forced schools to close early on Tuesday. The river Aske rose 3 metres overnight."
	football := "The national football team beat Norland 3-1 in Kessby on Saturday. Striker Jonas Berg scored twice."
	live := New(opts)
	var log []decided
	assign := func(e *Engine, a *events.Article, at time.Duration) Decision {
		a.ExtractedAt = t0.Add(at - time.Second)
		d := e.Assign(a, t0.Add(at))
		if e == live {
			log = append(log, decided{a, d, t0.Add(at)})
		}
		return d
	}
	assign(live, newArticle("/a.txt", "Cranes", crane), 0)
	assign(live, newArticle("/b.txt", "Halden strike", base), 10*time.Minute)
	link := assign(live, newArticle("/c.txt", "Ships off Halden", rewrite), 60*time.Minute).Assignment
	merged := events.ClusterID(newArticle("/a.txt", "", "").ID)
	if len(link.Merged) != 1 || link.Merged[0] != merged {
		t.Fatalf("the rewrite merged %v, want %s", link.Merged, merged)
	}
	// The cranes leave the window at 3h; their page changes at 3h30.
	again := assign(live, newArticle("/a.txt", "Rain", weather), 210*time.Minute).Assignment
	if again.ID != merged || again.Relation != events.RelationNew {
		t.Fatalf("the new revision: %s in %s, want new in %s", again.Relation, again.ID, merged)
	}
	now := t0.Add(4 * time.Hour)
	live.evict(now)
	restored := restoreSince(opts, log, now)
	if ls, rs := stateOf(live), stateOf(restored); !maps.Equal(ls.Docs, rs.Docs) {
		t.Errorf("articles held:\n  live     %v\n  restored %v", ls.Docs, rs.Docs)
	}
	// Its page changes again, to a story of its own: both engines found
	// the cluster again under its id.
	live.Assign(newArticle("/a.txt", "Cranes", crane), now) // back in a story that is gone
	restored.Assign(newArticle("/a.txt", "Cranes", crane), now)
	want := assign(live, newArticle("/a.txt", "Football", football), 4*time.Hour+time.Minute).Assignment
	got := assign(restored, newArticle("/a.txt", "Football", football), 4*time.Hour+time.Minute).Assignment
	if got.ID != want.ID || got.Relation != want.Relation {
		t.Errorf("after the restart: %s in %s; the engine that ran on: %s in %s", got.Relation, got.ID, want.Relation, want.ID)
	}
}
