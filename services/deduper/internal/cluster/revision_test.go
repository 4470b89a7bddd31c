package cluster

import (
	"reflect"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// revise returns a new revision of a: the same document, another text.
func revise(a *events.Article, text string) *events.Article {
	b := *a
	b.Text, b.ContentHash = text, events.TextHash(text)
	b.Claims = append([]events.Claim(nil), a.Claims...)
	return &b
}

// A member revised in its story keeps its one line: the member count, the
// member list and the counts of shared claims count it once, and a
// restarted engine says the same.
func TestRevisedMemberIsListedOnce(t *testing.T) {
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	member := newArticle("/m.txt", "Halden strike", base+" Shipping lines said the delays would last a week.")
	member.Claims = []events.Claim{hours(72)}
	revised := revise(member, base+" Shipping lines said the delays could last two weeks.")
	arts := []*events.Article{wire, member, revised}
	ds := assignAll(New(Options{}), arts)
	if ds[2].Assignment.ID != ds[0].Assignment.ID {
		t.Fatalf("the revision went to %s, want its story %s", ds[2].Assignment.ID, ds[0].Assignment.ID)
	}
	u := lastState(ds)
	if u.MemberCount != 2 || len(u.Members) != 2 {
		t.Errorf("member count %d, %d listed; want 2 and 2: %+v", u.MemberCount, len(u.Members), u.Members)
	}
	for _, m := range u.Members {
		if m.ID == member.ID && m.JoinedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("the member's line is its first revision's (joined %s)", m.JoinedAt)
		}
	}
	if len(u.SharedClaims) != 1 || u.SharedClaims[0].Members != 1 {
		t.Errorf("shared claims %+v, want 72 hours carried by one member", u.SharedClaims)
	}
	r := New(Options{})
	restoreAll(r, arts, ds)
	if got := r.update(r.find(r.slotOf[u.ID])); !reflect.DeepEqual(got, u) {
		t.Errorf("restored state %+v\nlive %+v", got, u)
	}
}

// A member whose revision tells another story leaves the first: its state
// is published without it, and the second lists it.
func TestRevisionLeavingItsStory(t *testing.T) {
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	member := newArticle("/m.txt", "Halden strike", rewrite)
	member.Claims = []events.Claim{hours(72)}
	library := newArticle("/lib.txt", "Library reopens", other)
	revised := revise(member, other+" The mayor cut the ribbon.")
	revised.Title = "Library"
	arts := []*events.Article{wire, member, library, revised}
	ds := assignAll(New(Options{}), arts)
	strike := ds[0].Assignment.ID
	if ds[1].Assignment.ID != strike || ds[3].Assignment.ID != ds[2].Assignment.ID {
		t.Fatalf("clusters %s %s %s %s: want the member with the wire story, its revision with the library", ds[0].Assignment.ID,
			ds[1].Assignment.ID, ds[2].Assignment.ID, ds[3].Assignment.ID)
	}
	var left *events.ClusterUpdate
	for _, u := range ds[3].Updates {
		if u.ID == strike {
			left = u
		}
	}
	if left == nil {
		t.Fatalf("no state of the story the revision left: %+v", ds[3].Updates)
	}
	if left.MemberCount != 1 || len(left.Members) != 1 || len(left.Changes) != 0 || left.Version != 3 {
		t.Errorf("the story left: version %d, %d members (%d listed), changes %+v; want version 3, the wire story alone",
			left.Version, left.MemberCount, len(left.Members), left.Changes)
	}
	if u := lastState(ds); u.MemberCount != 2 || len(u.Members) != 2 {
		t.Errorf("the library story: %d members, %d listed; want 2", u.MemberCount, len(u.Members))
	}
	r := New(Options{})
	restoreAll(r, arts, ds)
	if got := r.update(r.find(r.slotOf[strike])); !reflect.DeepEqual(got, left) {
		t.Errorf("restored state %+v\nlive %+v", got, left)
	}
}

// The article that displaces the canonical tells what changed against the
// one it displaced, as the state lists it.
func TestDisplacingArticleCarriesItsChanges(t *testing.T) {
	rewritten := newArticle("/a.txt", "Halden strike", base)
	rewritten.Claims = []events.Claim{hours(48)}
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	ds := assignAll(New(Options{}), []*events.Article{rewritten, wire})
	asg := ds[1].Assignment
	if asg.CanonicalID != wire.ID {
		t.Fatalf("canonical %s, want the wire story", asg.CanonicalID)
	}
	if len(asg.Changes) != 1 || asg.Changes[0].Kind != events.ChangeNumberDiffers || asg.Changes[0].MemberID != rewritten.ID ||
		*asg.Changes[0].Claim.Value != 48 || *asg.Changes[0].Canonical.Value != 72 {
		t.Errorf("changes %+v, want the displaced rewrite's 48 hours against the wire story's 72", asg.Changes)
	}
	if u := lastState(ds); !reflect.DeepEqual(u.Changes, asg.Changes) {
		t.Errorf("state changes %+v, want the assignment's %+v", u.Changes, asg.Changes)
	}
}

// Counts of shared claims follow the canonical: a member that carries the
// wire story's figure, which the rewrite it was first counted against did
// not, counts once the wire story is canonical.
func TestSharedClaimsFollowTheCanonical(t *testing.T) {
	first := newArticle("/a.txt", "Halden strike", base+" Shipping lines said the delays would last a week.")
	first.Claims = []events.Claim{hours(48)}
	second := newArticle("/b.txt", "Halden strike", base+" Shipping lines said.")
	second.Claims = []events.Claim{hours(72)}
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	arts := []*events.Article{first, second, wire}
	ds := assignAll(New(Options{}), arts)
	u := lastState(ds)
	if u.CanonicalID != wire.ID {
		t.Fatalf("canonical %s, want the wire story", u.CanonicalID)
	}
	if len(u.SharedClaims) != 1 || u.SharedClaims[0].ID != hours(72).ID || u.SharedClaims[0].Members != 1 {
		t.Errorf("shared claims %+v, want 72 hours carried by the second rewrite", u.SharedClaims)
	}
	r := New(Options{})
	restoreAll(r, arts, ds)
	if got := r.update(r.find(r.slotOf[u.ID])); !reflect.DeepEqual(got.SharedClaims, u.SharedClaims) {
		t.Errorf("restored shared claims %+v, live %+v", got.SharedClaims, u.SharedClaims)
	}
}

// A new story says why it is new: the scores of the nearest story it was
// compared with, and the threshold they fell short of.
func TestNewStoryCarriesTheNearestScores(t *testing.T) {
	e := New(Options{})
	e.Assign(newArticle("/a.txt", "Halden strike", base), t0)
	d := e.Assign(newArticle("/lib.txt", "Library reopens", other+" Harbour union members from Halden came too."), t0.Add(time.Minute))
	asg := d.Assignment
	if asg.Relation != events.RelationNew {
		t.Fatalf("relation %s, want new", asg.Relation)
	}
	c, ok := asg.Scores["combined"]
	if !ok || asg.Thresholds["combined"] == 0 || c >= asg.Thresholds["combined"] || len(asg.Scores) < 10 {
		t.Errorf("scores %v against %v, want the nearest story's, below its threshold", asg.Scores, asg.Thresholds)
	}
	if u := d.Updates[len(d.Updates)-1]; u.Members[0].Scores != nil {
		t.Errorf("the founder's member line has scores %v", u.Members[0].Scores)
	}
}
