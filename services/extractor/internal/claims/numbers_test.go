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
	for _, text := range []string{"The Boeing 737 landed safely.", "Under Article 5 the allies must respond.", "The 777 program was late."} {
		if got := ofKind(Extract(text), events.ClaimNumber); len(got) != 0 {
			t.Errorf("%q: numbers%s, want none", text, describe(got))
		}
	}
}

// TestNumberNounPhrases checks that a figure takes the noun phrase it
// counts up to its head, whose word is the unit ("41 container ships" counts
// "ships", not "container"), that a plural ends the phrase ("workers
// strike"), and that a unit singular by grammar ("72-hour", "1 hour") has
// the plural form the same unit has elsewhere, so that figures of one unit
// compare.
func TestNumberNounPhrases(t *testing.T) {
	tests := []struct {
		text   string
		want   string
		value  float64
		unit   string
		counts string
	}{
		{"The strike left at least 41 container ships waiting at anchor.", "at least 41 container ships", 41, "ships", ""},
		{"Around 2,300 dock workers began a strike.", "Around 2,300 dock workers", 2300, "workers", ""},
		{"More than forty container ships were left idling.", "More than forty container ships", 40, "ships", ""},
		{"The union wants an end to twelve-hour night shifts, it said.", "twelve-hour night shifts", 12, "hours", "night shifts"},
		{"They began a 72-hour strike on Monday.", "72-hour strike", 72, "hours", "strike"},
		{"They walked off the job for 72 hours after talks broke down.", "72 hours", 72, "hours", ""},
		{"The walkout lasted 1 hour before talks resumed.", "1 hour", 1, "hours", ""},
		{"He met 3 port crane operators at the gate.", "3 port crane operators", 3, "operators", ""},
		{"About 200 police officers were deployed.", "About 200 police officers", 200, "officers", ""},
		{"Some 300 workers strike today.", "Some 300 workers", 300, "workers", ""},
		{"Police faced a 1,000-strong crowd.", "1,000-strong crowd", 1000, "strong", "crowd"},
		{"A 72-hour strike began on Monday.", "72-hour strike", 72, "hours", "strike"},
		{"It was a two-century rivalry.", "two-century rivalry", 2, "centuries", "rivalry"},
		{"About 2,300 Hafenarbeiter left.", "About 2,300 Hafenarbeiter", 2300, "hafenarbeiter", ""},
		{"It has a 2.0-liter four-cylinder engine that’s quiet.", "2.0-liter four-cylinder", 2, "liters", "four-cylinder"},
		{"A 5-minute charge gives you an hour.", "5-minute charge", 5, "minutes", "charge"},
		{"It has 8-ounce jelly jars.", "8-ounce jelly jars", 8, "ounces", "jelly jars"},
		{"A new four-cylinder engine replaces the old one.", "four-cylinder engine", 4, "cylinders", "engine"},
		{"Stir in 1 tsp of salt.", "1 tsp", 1, "tsp", "salt"},
		{"Its 275-horsepower motor is new.", "275-horsepower motor", 275, "horsepower", "motor"},
		{"Savings of up to 80-percent are possible.", "up to 80-percent", 80, "%", ""},
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
		if g.Text != tt.want || *g.Value != tt.value || g.Unit != tt.unit || g.Counts != tt.counts {
			t.Errorf("%q: first number %q (%g %q %q), want %q (%g %q %q)", tt.text, g.Text, *g.Value, g.Unit, g.Counts, tt.want, tt.value, tt.unit, tt.counts)
		}
	}
}

// TestNumberSpelledAndDigits checks that a figure spelled out and the same
// figure in digits have one value and unit, whatever the outlet writes.
func TestNumberSpelledAndDigits(t *testing.T) {
	for _, pair := range [][2]string{
		{"Workers want a nine percent raise.", "Workers want a 9 percent pay rise."},
		{"It lasted three days.", "It lasted 3 days."},
		{"They began a seventy-two-hour strike.", "They walked out for 72 hours."},
		{"They began a three-day strike.", "They began a 3-day strike."},
	} {
		a, b := ofKind(Extract(pair[0]), events.ClaimNumber), ofKind(Extract(pair[1]), events.ClaimNumber)
		if len(a) != 1 || len(b) != 1 {
			t.Errorf("%q and %q: numbers%s and%s, want one each", pair[0], pair[1], describe(a), describe(b))
			continue
		}
		if *a[0].Value != *b[0].Value || a[0].Unit != b[0].Unit {
			t.Errorf("%q is %g %q, %q is %g %q: want one value and unit", a[0].Text, *a[0].Value, a[0].Unit, b[0].Text, *b[0].Value, b[0].Unit)
		}
	}
}
