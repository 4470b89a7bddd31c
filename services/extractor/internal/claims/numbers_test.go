package claims

import (
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestNumberRanges checks that "between X and Y" is read as the range it
// is, whose value is its lower bound like "X to Y" and whose upper bound is
// Y, and not as the upper bound alone ("X and Y" without "between" stays
// two figures), and that a multiplier after a range scales both bounds:
// "two or three thousand" is 2,000 to 3,000, not 2.
func TestNumberRanges(t *testing.T) {
	tests := []struct {
		text  string
		want  string
		value float64
		// upper is the range's upper bound; 0 for a single value.
		upper float64
		unit  string
	}{
		{"Between 10 and 20 people were hurt.", "Between 10 and 20 people", 10, 20, "people"},
		{"Officials said between two and three thousand homes lost power.", "between two and three thousand homes", 2000, 3000, "homes"},
		{"Prices rose by between 5 and 7 percent last year.", "between 5 and 7 percent", 5, 7, "%"},
		{"The storm damaged 10 houses and 20 barns.", "10 houses", 10, 0, "houses"},
		{"Two or three thousand homes lost power.", "Two or three thousand homes", 2000, 3000, "homes"},
		{"The plan costs 10 to 12 million dollars.", "10 to 12 million dollars", 10e6, 12e6, "dollars"},
		{"The plan costs two million to three million dollars.", "two million to three million dollars", 2e6, 3e6, "dollars"},
		{"Police said 10-12 people were hurt.", "10-12 people", 10, 12, "people"},
		{"The plan costs 10-12 million dollars.", "10-12 million dollars", 10e6, 12e6, "dollars"},
		{"The talks went on for two or three years.", "two or three years", 2, 3, "years"},
		{"The war has lasted 3-1/2 years.", "3-1/2 years", 3.5, 0, "years"},
		{"The court heard 20 to 10 witnesses.", "20 to 10 witnesses", 20, 0, "witnesses"},
	}
	for _, tt := range tests {
		cs := Extract(tt.text)
		checkSpans(t, tt.text, cs)
		got := ofKind(cs, events.ClaimNumber)
		if len(got) == 0 {
			t.Errorf("%q: no number, want %q", tt.text, tt.want)
			continue
		}
		g := got[0]
		if g.Text != tt.want || *g.Value != tt.value || g.Unit != tt.unit {
			t.Errorf("%q: first number %q (%g %q), want %q (%g %q)", tt.text, g.Text, *g.Value, g.Unit, tt.want, tt.value, tt.unit)
		}
		switch {
		case tt.upper == 0 && g.Upper != nil:
			t.Errorf("%q: upper bound %g, want none", tt.text, *g.Upper)
		case tt.upper != 0 && (g.Upper == nil || *g.Upper != tt.upper):
			t.Errorf("%q: upper bound %v, want %g", tt.text, g.Upper, tt.upper)
		}
	}
}

// TestQualifierOpensSentence checks that a figure whose qualifier opens the
// sentence ("Nearly 100 people died") is a figure: the capitalised word
// before it is the qualifier, not a name the number belongs to as in
// "Boeing 737".
func TestQualifierOpensSentence(t *testing.T) {
	tests := []struct {
		text  string
		want  string
		value float64
	}{
		{"Nearly 100 people died in the floods.", "Nearly 100 people", 100},
		{"About 40 people were hurt.", "About 40 people", 40},
		{"Some 300 workers went on strike.", "Some 300 workers", 300},
		{"Over 2,000 homes lost power.", "Over 2,000 homes", 2000},
	}
	for _, tt := range tests {
		cs := Extract(tt.text)
		checkSpans(t, tt.text, cs)
		got := ofKind(cs, events.ClaimNumber)
		if len(got) != 1 || got[0].Text != tt.want || *got[0].Value != tt.value {
			t.Errorf("%q: numbers%s\nwant %q (%g)", tt.text, describe(got), tt.want, tt.value)
		}
	}
	// A number after a capitalised word that is no qualifier is still part
	// of a name.
	for _, text := range []string{"The Boeing 737 landed safely.", "Under Article 5 the allies must respond."} {
		if got := ofKind(Extract(text), events.ClaimNumber); len(got) != 0 {
			t.Errorf("%q: numbers%s, want none", text, describe(got))
		}
	}
}
