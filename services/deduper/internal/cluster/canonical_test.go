package cluster

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// listed reports whether a cluster state lists its canonical article
// among its members.
func listed(u *events.ClusterUpdate) bool {
	return slices.ContainsFunc(u.Members, func(m events.Member) bool { return m.ID == u.CanonicalID })
}

// TestCanonicalIsAListedMember fills a story's member list with copies and
// then brings the likelier original — the wire story, with its dateline —
// by a later member, or by a cluster merged in (Link forced to merge
// anything): the state names it canonical, and lists it among its members
// although the list was full.
func TestCanonicalIsAListedMember(t *testing.T) {
	wire := func(path, text string) *events.Article {
		a := newArticle(path, "Wire", text)
		a.Wire, a.Dateline = "Reuters", "PORT HALDEN"
		return a
	}
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	tests := []struct {
		name string
		last []*events.Article // after the first article and its copies
	}{
		{"joined", []*events.Article{wire("/wire.txt", base+" Reuters.")}},
		{"merged", []*events.Article{wire("/wire.txt", crane), newArticle("/r.txt", "Ships off Halden", rewrite)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			opts = opts.withDefaults()
			opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
			e := New(opts)
			arts := []*events.Article{newArticle("/a.txt", "Halden strike", base)}
			for i := range maxMembersListed {
				arts = append(arts, newArticle(fmt.Sprintf("/copy%d.txt", i), "Copy", strings.ToUpper(base)))
			}
			arts = append(arts, tt.last...)
			ds := assignAll(e, arts)
			last := ds[len(ds)-1]
			u := last.Updates[len(last.Updates)-1]
			if u.CanonicalID != tt.last[0].ID {
				t.Fatalf("canonical %s, want the wire story %s (%s in %s, merging %v)", u.CanonicalID, tt.last[0].ID,
					last.Assignment.Relation, last.Assignment.ID, last.Assignment.Merged)
			}
			if !listed(u) || len(u.Members) > maxMembersListed {
				t.Errorf("the state of %d members does not list its canonical %s", len(u.Members), u.CanonicalID)
			}
			// Every article that joined, listed or not, is counted: the
			// first, its copies and the last ones (the merged story's
			// members too).
			if want := len(arts); u.MemberCount != want {
				t.Errorf("member_count %d (%d listed), want %d", u.MemberCount, len(u.Members), want)
			}
			r := New(opts)
			restoreAll(r, arts, ds)
			if diff := diffStates(stateOf(e), stateOf(r)); diff != "" {
				t.Errorf("restored engine differs:\n%s", diff)
			}
		})
	}
}

// TestClusterTimesNeverGoBack assigns articles with a clock that goes back
// by seconds, as it does when a replica whose clock is behind takes over:
// a cluster's updated_at never goes back, nor before its first_seen —
// subscribers order the states of a cluster by them (a state updated
// before the first_seen of the state held is one of an earlier cluster of
// that id, and is dropped).
func TestClusterTimesNeverGoBack(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	e := New(opts)
	steps := []struct {
		a  *events.Article
		at time.Duration
	}{
		{newArticle("/a.txt", "Halden strike", base), 30 * time.Second},
		{newArticle("/b.txt", "Copy", strings.ToUpper(base)), 10 * time.Second},
		{newArticle("/c.txt", "Cranes", crane), 40 * time.Second},
		{newArticle("/d.txt", "Ships off Halden", rewrite), 20 * time.Second}, // links the cranes
	}
	last := map[string]*events.ClusterUpdate{}
	for i, s := range steps {
		d := e.Assign(s.a, t0.Add(s.at))
		for _, u := range d.Updates {
			if u.UpdatedAt.Before(u.FirstSeen) {
				t.Errorf("article %d: %s v%d updated %s, before its first_seen %s", i, u.ID, u.Version, u.UpdatedAt, u.FirstSeen)
			}
			if p, ok := last[u.ID]; ok && (u.UpdatedAt.Before(p.UpdatedAt) || p.FirstSeen.After(u.UpdatedAt)) {
				t.Errorf("article %d: %s v%d updated %s, after v%d updated %s (first seen %s)", i, u.ID, u.Version, u.UpdatedAt,
					p.Version, p.UpdatedAt, p.FirstSeen)
			}
			last[u.ID] = u
		}
	}
}

// TestSharedClaimsCountMergedMembers merges a story whose members carry a
// quote of the canonical (Link forced to merge anything): the state counts
// every member that carries it, those of the merged story and its
// canonical too.
func TestSharedClaimsCountMergedMembers(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.LinkThreshold, opts.Story.LinkFloor = 0, 0
	quote := events.Claim{ID: "q1", Kind: events.ClaimQuote, Speaker: "Halden Terminal Operators", Text: "Our offer is fair"}
	with := func(a *events.Article) *events.Article {
		a.Claims = []events.Claim{quote}
		return a
	}
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	arts := []*events.Article{
		with(newArticle("/a.txt", "Halden strike", base)),
		with(newArticle("/y.txt", "Copy", strings.ToUpper(base))),
		with(newArticle("/w.txt", "Cranes", crane)),
		with(newArticle("/z.txt", "Cranes", strings.ToUpper(crane))),
		newArticle("/r.txt", "Ships off Halden", rewrite),
	}
	e := New(opts)
	ds := assignAll(e, arts)
	last := ds[len(ds)-1]
	if len(last.Assignment.Merged) != 1 || last.Assignment.CanonicalID != arts[0].ID {
		t.Fatalf("the rewrite merged %v, canonical %s; want the cranes merged, %s canonical", last.Assignment.Merged,
			last.Assignment.CanonicalID, arts[0].ID)
	}
	u := last.Updates[len(last.Updates)-1]
	if len(u.SharedClaims) != 1 || u.SharedClaims[0].ID != quote.ID || u.SharedClaims[0].Members != 3 {
		t.Errorf("shared claims %+v, want %s carried by the 3 other members", u.SharedClaims, quote.ID)
	}
	r := New(opts)
	restoreAll(r, arts, ds)
	if got := r.update(r.find(r.slotOf[u.ID])); !reflect.DeepEqual(got.SharedClaims, u.SharedClaims) {
		t.Errorf("restored: shared claims %+v, live %+v", got.SharedClaims, u.SharedClaims)
	}
}

// TestClusterFoundedAgainAfterItsTimes forgets a cluster (its only article
// revised into another story) and founds it again with a clock that went
// back by seconds: the new state must come after the forgotten one's for
// subscribers — a higher version, updated no earlier than it was — or
// they drop it as a state of the earlier cluster.
func TestClusterFoundedAgainAfterItsTimes(t *testing.T) {
	crane := "A heavy-lift ship from Shanghai delivered two cranes to Halden. Engineers will assemble them over the winter."
	e := New(Options{})
	e.Assign(newArticle("/s.txt", "Halden strike", base), t0)
	first := e.Assign(newArticle("/x.txt", "Cranes", crane), t0.Add(60*time.Second))
	// Revised away, and back (after the streams' duplicate window) by a
	// replica whose clock is 15 s behind.
	e.Assign(newArticle("/x.txt", "Halden strike", strings.ToUpper(base)), t0.Add(3*time.Hour))
	again := e.Assign(newArticle("/x.txt", "Cranes", crane), t0.Add(3*time.Hour-15*time.Second))
	old, u := first.Updates[len(first.Updates)-1], again.Updates[len(again.Updates)-1]
	if u.ID != old.ID {
		t.Fatalf("founded again as %s, want %s", u.ID, old.ID)
	}
	if u.Version <= old.Version || u.UpdatedAt.Before(old.UpdatedAt) || old.FirstSeen.After(u.UpdatedAt) {
		t.Errorf("founded again: v%d first seen %s updated %s, after v%d first seen %s updated %s", u.Version, u.FirstSeen,
			u.UpdatedAt, old.Version, old.FirstSeen, old.UpdatedAt)
	}
}
