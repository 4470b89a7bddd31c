package changes

import (
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func num(v float64, unit, counts, text string) events.Claim {
	return events.Claim{Kind: events.ClaimNumber, Value: &v, Unit: unit, Counts: counts, Text: text}
}

func TestCompare(t *testing.T) {
	canonical := []events.Claim{
		{ID: "q1", Kind: events.ClaimQuote, Speaker: "Gerhard Mangott", Text: "The visit of Witkoff is a last-ditch effort to find a face-saving solution for both sides."},
		num(3.5, "years", "war", "3-1/2 years of war"),
		num(72, "people", "killed", "killing at least 72 people"),
		{ID: "q2", Kind: events.ClaimQuote, Speaker: "Andriy Yermak", Text: "The war must stop and for now this is on Russia"},
	}
	member := []events.Claim{
		{ID: "q9", Kind: events.ClaimQuote, Speaker: "Mangott", Text: "a last, desperate attempt to find a face-saving solution for both sides"},
		num(4, "years", "war", "four years of war"),
		num(72, "people", "killed", "killing 72 people"),
		{ID: "s1", Kind: events.ClaimStatement, Speaker: "the sources", Text: "Russia is still willing to cease hostilities only on its terms"},
	}
	got := map[events.ChangeKind]int{}
	for _, c := range Compare(canonical, member, 32) {
		got[c.Kind]++
		if c.Kind == events.ChangeReworded && c.Canonical.ID != "q1" {
			t.Errorf("reworded quote matched %s, want q1", c.Canonical.ID)
		}
		if c.Kind == events.ChangeNumberDiffers && (*c.Claim.Value != 4 || *c.Canonical.Value != 3.5) {
			t.Errorf("number change %v against %v, want 4 against 3.5", *c.Claim.Value, *c.Canonical.Value)
		}
	}
	want := map[events.ChangeKind]int{events.ChangeReworded: 1, events.ChangeNumberDiffers: 1, events.ChangeShared: 1,
		events.ChangeOnlyMember: 1, events.ChangeOnlyCanonical: 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

func TestCompareLimitKeepsTheTellingOnes(t *testing.T) {
	canonical := []events.Claim{num(3.5, "years", "war", "3-1/2 years of war")}
	member := []events.Claim{num(4, "years", "war", "four years of war"),
		{Kind: events.ClaimStatement, Text: "one"}, {Kind: events.ClaimStatement, Text: "two"}}
	got := Compare(canonical, member, 1)
	if len(got) != 1 || got[0].Kind != events.ChangeNumberDiffers {
		t.Errorf("Compare with limit 1 = %+v, want the differing number", got)
	}
}

// TestCompareClaimsWithoutIDs compares statements that carry no id (an
// article from another extractor, or one read from a file): they are one
// claim by their words only, not because their empty ids are equal.
func TestCompareClaimsWithoutIDs(t *testing.T) {
	canonical := []events.Claim{{Kind: events.ClaimStatement, Text: "The union rejected the offer on Monday night"}}
	tests := []struct {
		name   string
		member events.Claim
		want   events.ChangeKind
	}{
		{"same words", events.Claim{Kind: events.ClaimStatement, Text: "the union rejected the offer on Monday night."},
			events.ChangeShared},
		{"one word in common", events.Claim{Kind: events.ClaimStatement, Text: "Ships waited outside the port on Monday"},
			events.ChangeOnlyMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(canonical, []events.Claim{tt.member}, 32)
			if len(got) == 0 || got[0].Kind != tt.want {
				t.Errorf("Compare = %+v, want %s first", got, tt.want)
			}
		})
	}
}
