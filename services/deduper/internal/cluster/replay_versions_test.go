package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestReplicaVersionsWhenARevisionLeavesAStoryKnownInPart starts a replica
// in the middle of a story whose first member, a wire story and so its
// canonical, is older than the replayed window. The replica knows only the
// later members and names one of them canonical, as it may (see canon).
// That member's revision then tells another story and leaves: the engine
// that decided lists it no more and publishes the story at a new version.
// The replica must move the story on to the same version, though it keeps
// the article as its canonical; one version behind, its next state of the
// story would carry the version of the state subscribers already hold
// (and the stream drops a state whose id and version it stored), so the
// article that joined would be lost to them.
func TestReplicaVersionsWhenARevisionLeavesAStoryKnownInPart(t *testing.T) {
	opts := Options{Window: 3 * time.Hour}
	wire := newArticle("/wire.txt", "Halden strike", base)
	wire.Wire, wire.Dateline = "Wire", "HALDEN"
	report := newArticle("/report.txt", "Ships off Halden", rewrite)
	tests := []struct {
		name string
		// revised is the text the report's revision gives.
		revised string
		// leaves says whether the revision leaves the story.
		leaves bool
	}{
		{"the revision tells another story", other, true},
		{"the revision tells the same story", rewrite + " Talks resume on Thursday.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := New(opts)
			var stored []decided
			assign := func(a *events.Article, at time.Time) Decision {
				t.Helper()
				d := live.Assign(a, at)
				stored = append(stored, decided{a, d, at})
				return d
			}
			story := assign(wire, t0).Assignment.ID
			if d := assign(report, t0.Add(2*time.Hour)).Assignment; d.ID != story {
				t.Fatalf("the report: %s in %s, want a rewrite in %s", d.Relation, d.ID, story)
			}
			// A copy of the report keeps the story held in the replica
			// once the report has left it.
			copied := newArticle("/copy.txt", "Ships off Halden", strings.ToUpper(rewrite))
			if d := assign(copied, t0.Add(2*time.Hour+5*time.Minute)).Assignment; d.ID != story || d.Relation != events.RelationDuplicate {
				t.Fatalf("the copy: %s in %s, want a duplicate in %s", d.Relation, d.ID, story)
			}
			revision := newArticle("/report.txt", "Ships off Halden", tt.revised)
			d := assign(revision, t0.Add(2*time.Hour+10*time.Minute))
			if left := d.Assignment.ID != story; left != tt.leaves {
				t.Fatalf("the revision in %s (the story is %s): left %v, want %v", d.Assignment.ID, story, left, tt.leaves)
			}
			// The replica starts once the wire story has left the window.
			now := t0.Add(3*time.Hour + 30*time.Minute)
			live.evict(now)
			restored := replayWindow(t, opts, stored, now)
			ls, rs := live.find(live.slotOf[story]), restored.find(restored.slotOf[story])
			if ls == nil || rs == nil {
				t.Fatalf("story %s held live: %v, by the replica: %v", story, ls != nil, rs != nil)
			}
			if tt.leaves && rs.canon.id != report.ID {
				t.Fatalf("the replica names %s canonical, want the report it knew first (the case under test)", rs.canon.id)
			}
			if rs.version != ls.version {
				t.Errorf("story %s: v%d, replica v%d", story, ls.version, rs.version)
			}
			sameClusters(t, live, restored)
			// Both go on alike: the next copy joins the story at the
			// same, higher version.
			next := newArticle("/next.txt", "Ships off Halden", strings.ToUpper(rewrite)+" ")
			want, got := live.Assign(next, now), restored.Assign(next, now)
			if got.Assignment.ID != want.Assignment.ID || got.Assignment.Version != want.Assignment.Version {
				t.Errorf("the next copy: in %s v%d, replica in %s v%d", want.Assignment.ID, want.Assignment.Version,
					got.Assignment.ID, got.Assignment.Version)
			}
		})
	}
}

// TestReplicaVersionsWhenARevisionLeavesAStoryItNeverHeld: the report's
// older text joined the story before the window the replica replays, its
// revision within it. The replica never held the report in the story, so
// it cannot tell from the revision that the story lost a member; the
// revision's decision names the story it left and its version (Left).
func TestReplicaVersionsWhenARevisionLeavesAStoryItNeverHeld(t *testing.T) {
	opts := Options{Window: 3 * time.Hour}
	live := New(opts)
	var stored []decided
	assign := func(a *events.Article, at time.Time) events.Assignment {
		t.Helper()
		d := live.Assign(a, at)
		stored = append(stored, decided{a, d, at})
		return d.Assignment
	}
	story := assign(newArticle("/wire.txt", "Halden strike", base), t0).ID
	if d := assign(newArticle("/report.txt", "Ships off Halden", rewrite), t0.Add(10*time.Minute)); d.ID != story {
		t.Fatalf("the report joined %s, want %s", d.ID, story)
	}
	// A copy within the window keeps the story held by the replica.
	if d := assign(newArticle("/copy.txt", "Halden strike", strings.ToUpper(base)), t0.Add(2*time.Hour)); d.ID != story {
		t.Fatalf("the copy joined %s, want %s", d.ID, story)
	}
	d := assign(newArticle("/report.txt", "Library", other), t0.Add(2*time.Hour+50*time.Minute))
	if d.ID == story || d.Left == nil || d.Left.ID != story {
		t.Fatalf("the revision: in %s, left %+v; want another cluster, leaving %s", d.ID, d.Left, story)
	}
	// The replica replays from after the report's first decision.
	now := t0.Add(3*time.Hour + 20*time.Minute)
	restored := replayWindow(t, opts, stored, now)
	live.evict(now)
	ls, rs := live.find(live.slotOf[story]), restored.find(restored.slotOf[story])
	if ls == nil || rs == nil {
		t.Fatalf("story %s held live: %v, by the replica: %v", story, ls != nil, rs != nil)
	}
	if rs.version != ls.version || ls.version != d.Left.Version {
		t.Errorf("story %s: v%d, replica v%d, the decision says v%d", story, ls.version, rs.version, d.Left.Version)
	}
}
