package cluster

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// hours is a figure of the strike's length.
func hours(v float64) events.Claim {
	text := fmt.Sprintf("%g hours", v)
	return events.Claim{ID: "n_" + text, Kind: events.ClaimNumber, Text: text, Value: &v, Unit: "hours", Counts: "strike"}
}

// lastState returns the state of the cluster the last decision joined.
func lastState(ds []Decision) *events.ClusterUpdate {
	last := ds[len(ds)-1]
	return last.Updates[len(last.Updates)-1]
}

// checkRestored replays ds into a new engine and fails unless the state of
// the cluster of u is listed with the same changes.
func checkRestored(t *testing.T, arts []*events.Article, ds []Decision, u *events.ClusterUpdate) {
	t.Helper()
	r := New(Options{MaxChanges: len(u.Changes) + 8})
	restoreAll(r, arts, ds)
	if got := r.update(r.find(r.slotOf[u.ID])).Changes; !reflect.DeepEqual(got, u.Changes) {
		t.Errorf("restored changes %+v\nlive %+v", got, u.Changes)
	}
}

// Two rewrites come before the wire original: the second is set against
// the first while the first is canonical. Once the wire story displaces it,
// every change the state lists is against the wire story's claims: the
// second rewrite's 50 hours against its 72, not against the first's 48.
func TestStateChangesFollowTheCanonical(t *testing.T) {
	first := newArticle("/a.txt", "Halden strike", base+" Shipping lines said the delays would last a week.")
	first.Claims = []events.Claim{hours(48)}
	second := newArticle("/b.txt", "Halden strike", base+" Shipping lines said.")
	second.Claims = []events.Claim{hours(50)}
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	arts := []*events.Article{first, second, wire}
	ds := assignAll(New(Options{}), arts)
	if before := lastState(ds[:2]); len(before.Changes) != 1 || *before.Changes[0].Canonical.Value != 48 {
		t.Fatalf("before the wire story: changes %+v, want the second's 50 against the first's 48", before.Changes)
	}
	u := lastState(ds)
	if u.CanonicalID != wire.ID {
		t.Fatalf("canonical %s, want the wire story", u.CanonicalID)
	}
	want := map[string]float64{first.ID: 48, second.ID: 50}
	if len(u.Changes) != len(want) {
		t.Errorf("changes %+v, want one for each rewrite", u.Changes)
	}
	for _, c := range u.Changes {
		if c.Kind != events.ChangeNumberDiffers || c.Canonical == nil || *c.Canonical.Value != 72 || *c.Claim.Value != want[c.MemberID] {
			t.Errorf("change %+v of %s, want its %g hours against the wire story's 72", c, c.MemberID, want[c.MemberID])
		}
	}
	checkRestored(t, arts, ds, u)
}

// A state lists at most MaxChanges changes; over that bound it lets go
// first of what only a member says, not of a figure that disagrees because
// it came first.
func TestStateKeepsTheTellingChanges(t *testing.T) {
	wire := newArticle("/wire.txt", "Wire", base)
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	differs := newArticle("/m0.txt", "Halden", base+" Member 0.")
	differs.Claims = []events.Claim{hours(48)}
	arts := []*events.Article{wire, differs}
	for i := 1; i <= 6; i++ {
		m := newArticle(fmt.Sprintf("/m%d.txt", i), "Halden", base+fmt.Sprintf(" Member %d.", i))
		m.Claims = []events.Claim{{ID: fmt.Sprintf("s%d", i), Kind: events.ClaimStatement, Speaker: fmt.Sprintf("Witness %c", 'A'+i),
			Text: fmt.Sprintf("The queue of lorries at gate %d reached the ring road by noon", i)}}
		arts = append(arts, m)
	}
	ds := assignAll(New(Options{MaxChanges: 3}), arts)
	u := lastState(ds)
	if len(u.Changes) != 3 {
		t.Fatalf("%d changes listed, want 3: %+v", len(u.Changes), u.Changes)
	}
	if u.Changes[0].Kind != events.ChangeNumberDiffers || u.Changes[0].MemberID != differs.ID {
		t.Errorf("changes %+v, want the 48 hours of %s kept first", u.Changes, differs.ID)
	}
	for _, c := range u.Changes[1:] {
		if c.Kind != events.ChangeOnlyMember {
			t.Errorf("change %+v, want the latest of what only members say", c)
		}
	}
	if got := u.Changes[2].MemberID; got != arts[len(arts)-1].ID {
		t.Errorf("last change of %s, want of the latest member %s", got, arts[len(arts)-1].ID)
	}
}

// A member revised is listed with what its revision says: a figure it
// corrected no longer shows as disagreeing.
func TestRevisedMemberIsListedAsRevised(t *testing.T) {
	wire := newArticle("/wire.txt", "Wire", base)
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	m := newArticle("/m.txt", "Halden", base+" First edition.")
	m.Claims = []events.Claim{hours(48)}
	fixed := newArticle("/m.txt", "Halden", base+" Corrected edition.")
	fixed.Claims = []events.Claim{hours(72)}
	arts := []*events.Article{wire, m, fixed}
	ds := assignAll(New(Options{}), arts)
	if u := lastState(ds[:2]); len(u.Changes) != 1 {
		t.Fatalf("before the correction: changes %+v, want the 48 hours", u.Changes)
	}
	u := lastState(ds)
	if ds[2].Assignment.ID != u.ID || u.ID != ds[1].Assignment.ID {
		t.Fatalf("the revision went to %s, want %s", ds[2].Assignment.ID, ds[1].Assignment.ID)
	}
	if len(u.Changes) != 0 {
		t.Errorf("after the correction: changes %+v, want none", u.Changes)
	}
	checkRestored(t, arts, ds, u)
}

// When two stories merge, the lines of the story whose canonical lost are
// set against the one that stays; the other story's lines stay as they
// were.
func TestMergedStoryChangesFollowTheCanonical(t *testing.T) {
	opts := Options{}
	opts = opts.withDefaults()
	opts.Story.Threshold = 0.05
	opts.Story.BridgeThreshold = 0.15
	e := New(opts)
	crowns := func(v float64) events.Claim {
		text := fmt.Sprintf("%g million crowns", v)
		return events.Claim{ID: "n_" + text, Kind: events.ClaimNumber, Text: text, Value: &v, Unit: "crowns", Counts: "restoration"}
	}
	strike := "Dockers Halden strike harbour cranes union pay. Solberg union harbour Halden walkout."
	library := "Kessby library reopens archive flood books. Dahl library Kessby archive readers."
	wire := newArticle("/a.txt", "Harbour strike", strike)
	wire.Wire, wire.Dateline = "Reuters", "HALDEN"
	wire.Claims = []events.Claim{hours(72)}
	copyA := newArticle("/a2.txt", "Harbour strike", strike+" Cranes.")
	copyA.Claims = []events.Claim{hours(48)}
	lib := newArticle("/b.txt", "Library reopens", library)
	lib.Claims = []events.Claim{crowns(14)}
	copyB := newArticle("/b2.txt", "Library reopens", "Kessby library archive reopens after the flood. Dahl says readers and books are back in Kessby.")
	copyB.Claims = []events.Claim{crowns(12)}
	bridge := newArticle("/c.txt", "Halden and Kessby",
		"Halden harbour strike union Solberg walkout and Kessby library archive flood Dahl readers books.")
	arts := []*events.Article{wire, copyA, lib, copyB, bridge}
	ds := assignAll(e, arts)
	if ds[0].Assignment.ID == ds[2].Assignment.ID || ds[1].Assignment.ID != ds[0].Assignment.ID || ds[3].Assignment.ID != ds[2].Assignment.ID {
		t.Skip("the stories did not form as the test needs")
	}
	if len(ds[4].Assignment.Merged) != 1 {
		t.Skipf("the bridging article merged %v", ds[4].Assignment.Merged)
	}
	u := lastState(ds)
	if u.CanonicalID != wire.ID {
		t.Fatalf("canonical %s, want the wire story", u.CanonicalID)
	}
	var kept bool
	for _, c := range u.Changes {
		if c.Canonical != nil && c.Canonical.Unit != "hours" {
			t.Errorf("change %s of %s is against %q, the canonical that lost", c.Kind, c.MemberID, c.Canonical.Text)
		}
		kept = kept || (c.MemberID == copyA.ID && c.Kind == events.ChangeNumberDiffers)
	}
	if !kept {
		t.Errorf("changes %+v lost the strike copy's 48 hours against 72", u.Changes)
	}
	checkRestored(t, arts, ds, u)
}
