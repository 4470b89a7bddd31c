package cluster

import (
	"reflect"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestDisplacedCanonicalIsCompared brings a story's rewrite before its
// wire original: the rewrite is canonical until the wire story comes, then
// a member like any other. The state sets its claims against the wire
// story's — its figure that differs, the quote both carry — as it does
// for a member that came after, and a restarted engine gets the same.
func TestDisplacedCanonicalIsCompared(t *testing.T) {
	figure := func(v float64, text string) events.Claim {
		return events.Claim{ID: "n_" + text, Kind: events.ClaimNumber, Text: text, Value: &v, Unit: "hours", Counts: "strike"}
	}
	quote := events.Claim{ID: "q1", Kind: events.ClaimQuote, Speaker: "Halden Terminal Operators", Text: "Our final offer of 5.5 percent is fair"}
	rewritten := newArticle("/a.txt", "Halden strike", base)
	rewritten.Claims = []events.Claim{figure(48, "48 hours"), quote}
	wire := newArticle("/wire.txt", "Wire", base+" Reuters.")
	wire.Wire, wire.Dateline = "Reuters", "PORT HALDEN"
	wire.Claims = []events.Claim{quote, figure(72, "72 hours")}
	arts := []*events.Article{rewritten, wire}

	ds := assignAll(New(Options{}), arts)
	u := ds[1].Updates[len(ds[1].Updates)-1]
	if u.CanonicalID != wire.ID {
		t.Fatalf("canonical %s, want the wire story", u.CanonicalID)
	}
	if len(u.Changes) != 1 || u.Changes[0].Kind != events.ChangeNumberDiffers || u.Changes[0].MemberID != rewritten.ID ||
		*u.Changes[0].Claim.Value != 48 || *u.Changes[0].Canonical.Value != 72 {
		t.Errorf("changes %+v, want the rewrite's 48 hours against the wire story's 72", u.Changes)
	}
	if len(u.SharedClaims) != 1 || u.SharedClaims[0].ID != quote.ID || u.SharedClaims[0].Members != 1 {
		t.Errorf("shared claims %+v, want %s carried by the rewrite", u.SharedClaims, quote.ID)
	}

	r := New(Options{})
	restoreAll(r, arts, ds)
	got := r.update(r.find(r.slotOf[u.ID]))
	if !reflect.DeepEqual(got.Changes, u.Changes) || !reflect.DeepEqual(got.SharedClaims, u.SharedClaims) {
		t.Errorf("restored: changes %+v, shared %+v; live %+v, %+v", got.Changes, got.SharedClaims, u.Changes, u.SharedClaims)
	}
}
