package changes

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
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

// pairing is what a test expects of one member claim set against
// canonical claims: the change kind and, for a pairing, the canonical
// claim's text.
type pairing struct {
	kind      events.ChangeKind
	canonical string
}

// pairingOf returns how Compare set the member claim of text against the
// canonical claims.
func pairingOf(t *testing.T, got []events.ClaimChange, text string) pairing {
	t.Helper()
	for _, c := range got {
		if c.Claim != nil && c.Claim.Text == text {
			p := pairing{kind: c.Kind}
			if c.Canonical != nil {
				p.canonical = c.Canonical.Text
			}
			return p
		}
	}
	t.Fatalf("no change of %q: %s", text, describe(got))
	return pairing{}
}

const (
	mangottQuote = "The visit of Witkoff is a last-ditch effort to find a face-saving solution for both sides. " +
		"I don’t think, however, that there will be anything of a compromise between the two"
	yermakQuote = "The war must stop and for now this is on Russia"
)

// TestCompareQuotes sets one quote or statement against others: the same
// words however typed, a part of them, the same person however named,
// and what must not be paired.
func TestCompareQuotes(t *testing.T) {
	canonical := []events.Claim{
		quote("Gerhard Mangott", mangottQuote),
		quote("Gerhard Mangott", "Russia will insist it is prepared to have a ceasefire, but (only) under the conditions that it has formulated for the last two or three years already"),
		quote("Andriy Yermak", yermakQuote),
		statement("three sources close to the Kremlin", "Putin is unlikely to bow to Trump’s sanctions ultimatum because he believes he is winning the war"),
		statement("the officials", "the port will reopen on Monday once the strike ends"),
	}
	tests := []struct {
		name   string
		member events.Claim
		want   pairing
	}{
		{"typographic quotes, dashes and punctuation", quote("Andriy Yermak", "“The war must stop – and, for now, this is on Russia!”"),
			pairing{events.ChangeShared, yermakQuote}},
		{"trimmed", quote("Gerhard Mangott", "a last-ditch effort to find a face-saving solution for both sides"),
			pairing{events.ChangeShared, mangottQuote}},
		{"a few words of it", quote("Gerhard Mangott", "last-ditch effort"), pairing{events.ChangeShared, mangottQuote}},
		{"two words of it", quote("Gerhard Mangott", "face-saving"), pairing{events.ChangeReworded, mangottQuote}},
		{"extended", quote("Andriy Yermak", yermakQuote+". We need a full ceasefire now, and a summit of the leaders"),
			pairing{events.ChangeShared, yermakQuote}},
		{"one word changed", quote("Andriy Yermak", "The war must stop and for now this is up to Russia"),
			pairing{events.ChangeReworded, yermakQuote}},
		{"surname only", quote("Mangott", "The visit of Witkoff is a last, desperate attempt to find a solution that saves face for both sides"),
			pairing{events.ChangeReworded, mangottQuote}},
		{"surname misspelt", statement("Gerhard Mangot", "Witkoff’s visit represents a last-ditch attempt to find a solution that would allow both sides to save face"),
			pairing{events.ChangeReworded, mangottQuote}},
		{"surname misspelt, no first name", statement("Mangot", "Russia will continue to emphasize its readiness for a ceasefire, but only under the conditions that it has been repeating for years"),
			pairing{events.ChangeReworded, canonical[1].Text}},
		{"one person in other words", statement("Gerhard Mangott", `the arrival of Witkoff was a "last, desperate attempt" by Trump's administration`),
			pairing{events.ChangeReworded, mangottQuote}},
		{"sources described otherwise", statement("Russian sources", "Putin is unlikely to bow to the sanctions ultimatum Trump set, believing he is winning the war"),
			pairing{events.ChangeReworded, canonical[3].Text}},
		{"a title before the name", quote("Mr. Yermak", yermakQuote), pairing{events.ChangeShared, yermakQuote}},
		{"a group at the start of a sentence", statement("Officials", "The port will reopen on Monday, once the strike ends."),
			pairing{events.ChangeShared, canonical[4].Text}},
		{"a group, one word changed", statement("Officials", "the port will reopen on Monday when the strike ends"),
			pairing{events.ChangeReworded, canonical[4].Text}},
		{"no speaker given", quote("", "The war must stop and for now this is on Russia."), pairing{events.ChangeShared, yermakQuote}},
		{"another person's words", quote("Volodymyr Zelenskiy", yermakQuote), pairing{events.ChangeOnlyMember, ""}},
		{"another person of the same surname", quote("Anna Mangott", mangottQuote), pairing{events.ChangeOnlyMember, ""}},
		{"a group, not the person", statement("the sources", "Russia will insist it is prepared to have a ceasefire, under the conditions it has formulated for the last years"),
			pairing{events.ChangeOnlyMember, ""}},
		{"one word of the person's", quote("Gerhard Mangott", "the last chance"), pairing{events.ChangeOnlyMember, ""}},
		{"the story's names only", statement("Donald Trump", "Witkoff could travel to Moscow this week to meet Putin"), pairing{events.ChangeOnlyMember, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pairingOf(t, Compare(canonical, []events.Claim{tt.member}, 32), tt.member.Text)
			if got != tt.want {
				t.Errorf("Compare = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestCompareNumbers sets one figure against others: the same quantity
// however written, another value of it, and figures that count other
// things, which do not disagree.
func TestCompareNumbers(t *testing.T) {
	war := statement("The Russian sources", "Putin was sceptical that more sanctions would have an impact after successive waves of economic penalties during 3-1/2 years of war")
	strike := statement("officials", "The strike on Kyiv killed at least 72 people and injured 150 people, officials said")
	canonical := []events.Claim{war, num(3.5, "years", "war", "3-1/2 years"),
		strike, num(72, "people", "killed", "at least 72 people"), num(150, "people", "injured", "150 people"),
		num(25, "years", "", "25 years"), num(5e9, "USD", "lost", "$5 billion")}
	// Spans as the extractor gives them: the figures lie in their
	// statements.
	spans := &article{t: t, text: war.Text + " " + strike.Text + " Putin has led Russia for 25 years; $5 billion was lost."}
	for _, c := range canonical {
		spans.add(c, "")
	}
	canonical = spans.claims
	// The statement the member's figure lies in, if any.
	in := func(sentence string, c events.Claim) []events.Claim {
		a := &article{t: t, text: sentence}
		if c.Text != sentence {
			a.add(statement("the officials", sentence), "")
		}
		return a.add(c, "").claims
	}
	tests := []figureCase{
		{"3.5 for 3-1/2", in("The war has lasted 3.5 years of war", num(3.5, "years", "war", "3.5 years")),
			pairing{events.ChangeShared, "3-1/2 years"}},
		{"in words", in("Seventy-two people were killed", num(72, "people", "killed", "Seventy-two people")),
			pairing{events.ChangeShared, "at least 72 people"}},
		{"without a unit", in("a strike killing 72", num(72, "", "killing killed", "72")),
			pairing{events.ChangeShared, "at least 72 people"}},
		{"another value of the same", in("after four years of economic penalties", num(4, "years", "economic penalties", "four years")),
			pairing{events.ChangeNumberDiffers, "3-1/2 years"}},
		{"another count of the dead", in("The strike killed 70 people", num(70, "people", "killed", "70 people")),
			pairing{events.ChangeNumberDiffers, "at least 72 people"}},
		{"another loss", in("$4 billion was lost", num(4e9, "USD", "lost", "$4 billion")),
			pairing{events.ChangeNumberDiffers, "$5 billion"}},
		{"the dead of another event", in("Floods in the Odesa region last March left 12 people killed", num(12, "people", "killed", "12 people")),
			pairing{events.ChangeOnlyMember, ""}},
		{"people counted otherwise", in("200 people were evacuated", num(200, "people", "evacuated", "200 people")),
			pairing{events.ChangeOnlyMember, ""}},
		{"years of something else", in("he spent four years in prison", num(4, "years", "prison", "four years")),
			pairing{events.ChangeOnlyMember, ""}},
		{"the unit alone in common", in("four years", num(4, "years", "", "four years")), pairing{events.ChangeOnlyMember, ""}},
		{"another unit", in("talks lasted three hours of war", num(3, "hours", "war", "three hours")), pairing{events.ChangeOnlyMember, ""}},
		{"no unit, other counts", in("72 arrested", num(72, "", "arrested", "72")), pairing{events.ChangeOnlyMember, ""}},
	}
	checkFigures(t, canonical, tests)
}

// TestCompareEdges gives Compare empty sides and limits that leave nothing.
func TestCompareEdges(t *testing.T) {
	claims := []events.Claim{quote("Andriy Yermak", yermakQuote), num(72, "people", "killed", "72 people")}
	tests := []struct {
		name              string
		canonical, member []events.Claim
		limit             int
		want              map[events.ChangeKind]int
	}{
		{"nothing on either side", nil, nil, 32, map[events.ChangeKind]int{}},
		{"a member without claims", claims, nil, 32, map[events.ChangeKind]int{events.ChangeOnlyCanonical: 1}},
		{"a canonical without claims", nil, claims, 32, map[events.ChangeKind]int{events.ChangeOnlyMember: 2}},
		{"no room", claims, claims, 0, map[events.ChangeKind]int{}},
		{"a limit below nothing", claims, claims, -1, map[events.ChangeKind]int{}},
		{"claims without text", []events.Claim{{Kind: events.ClaimQuote}}, []events.Claim{{Kind: events.ClaimQuote}, {Kind: events.ClaimNumber}}, 32,
			map[events.ChangeKind]int{events.ChangeOnlyMember: 2, events.ChangeOnlyCanonical: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[events.ChangeKind]int{}
			for _, c := range Compare(tt.canonical, tt.member, tt.limit) {
				got[c.Kind]++
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("Compare = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCompareRepeatedClaim gives a member that carries a quotation twice
// (in its text and in a pull quote): it shares the quotation once, and
// does not also carry it alone.
func TestCompareRepeatedClaim(t *testing.T) {
	canonical := []events.Claim{quote("Andriy Yermak", yermakQuote)}
	member := []events.Claim{quote("Andriy Yermak", yermakQuote), statement("officials", "the talks will go on"),
		quote("Andriy Yermak", "“"+yermakQuote+".”")}
	got := Compare(canonical, member, 32)
	if n := count(got, events.ChangeShared); n != 1 || count(got, events.ChangeOnlyMember) != 1 || len(got) != 2 {
		t.Errorf("Compare = %s, want the quotation shared once and the statement alone", describe(got))
	}
}

// TestCompareOrderOfClaims pairs claims whichever comes first: a member
// that gives a loose version of a quote before the quote itself still
// shares the quote, and the result is the same for the claims in any
// order.
func TestCompareOrderOfClaims(t *testing.T) {
	canonical := []events.Claim{
		quote("Andriy Yermak", "The war must stop and for now this is on Russia, and Russia alone"),
		num(3.5, "years", "war", "3-1/2 years of war"),
	}
	member := []events.Claim{
		quote("Andriy Yermak", "this is on Russia now, and the war must stop soon"),
		num(4, "years", "war", "four years of war"),
		quote("Andriy Yermak", "The war must stop and for now this is on Russia, and on Russia alone"),
		num(3.5, "years", "war", "3.5 years of war"),
	}
	want := map[string]events.ChangeKind{
		member[0].Text: events.ChangeOnlyMember, member[1].Text: events.ChangeOnlyMember,
		member[2].Text: events.ChangeReworded, member[3].Text: events.ChangeShared,
	}
	first := Compare(canonical, member, 32)
	for _, perm := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}, {1, 3, 0, 2}} {
		var m []events.Claim
		for _, i := range perm {
			m = append(m, member[i])
		}
		got := Compare(canonical, m, 32)
		for _, c := range got {
			if c.Claim != nil && want[c.Claim.Text] != c.Kind {
				t.Errorf("order %v: %q is %s, want %s", perm, c.Claim.Text, c.Kind, want[c.Claim.Text])
			}
		}
		if slices.Equal(perm, []int{0, 1, 2, 3}) && !reflect.DeepEqual(got, first) {
			t.Errorf("the same claims compared twice: %s, then %s", describe(first), describe(got))
		}
	}
}

// TestCompareCopiesClaims changes the claims given after Compare: the
// changes it returned, which a cluster keeps, stay as they were.
func TestCompareCopiesClaims(t *testing.T) {
	canonical := []events.Claim{num(3.5, "years", "war", "3-1/2 years of war")}
	member := []events.Claim{num(4, "years", "war", "four years of war")}
	got := Compare(canonical, member, 32)
	canonical[0].Text, *member[0].Value = "changed", 5
	if len(got) != 1 || got[0].Canonical == nil || got[0].Canonical.Text != "3-1/2 years of war" || *got[0].Claim.Value != 4 {
		t.Errorf("changes follow the claims given: %s", describe(got))
	}
}

// TestCompareBoundsWork gives more claims than the extractor ever does:
// those past maxClaims are left out, so the work of one comparison is
// bounded.
func TestCompareBoundsWork(t *testing.T) {
	var canonical, member []events.Claim
	// Claims of words of their own: none pairs with another.
	name := func(i int) string {
		var b []byte
		for ; i > 0 || len(b) == 0; i /= 26 {
			b = append(b, byte('a'+i%26))
		}
		return string(b)
	}
	for i := range 5 * maxClaims {
		canonical = append(canonical, statement("officials", "port of canon"+name(i)+" reopened"))
		member = append(member, statement("officials", "ships outside member"+name(i)+" waited"))
	}
	got := Compare(canonical, member, 10*maxClaims)
	if len(got) != 2*maxClaims {
		t.Errorf("%d changes of %d claims a side, want the first %d of each", len(got), len(canonical), maxClaims)
	}
	for _, c := range got {
		if c.Claim != nil && slices.Index(member, *c.Claim) >= maxClaims || c.Canonical != nil && slices.Index(canonical, *c.Canonical) >= maxClaims {
			t.Fatalf("a claim past the first %d compared: %+v", maxClaims, c)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	var canonical, member []events.Claim
	for i := range 200 {
		s := fmt.Sprintf("the minister %d said the port of city %d would reopen after %d days of strikes by dock workers", i, i%7, i%13)
		canonical = append(canonical, statement(fmt.Sprintf("Minister %d", i%11), s))
		member = append(member, statement(fmt.Sprintf("Minister %d", i%11), strings.Replace(s, "reopen", "open again", 1)))
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(canonical, member, 32)
	}
}

// TestCompareRanges sets figures against a range: a value inside it agrees
// with it, one outside does not, and two ranges agree when they overlap.
func TestCompareRanges(t *testing.T) {
	rng := func(lo, hi float64, text string) events.Claim {
		c := num(lo, "years", "conditions", text)
		c.Upper = &hi
		return c
	}
	sentence := func(figure string) string {
		return "Russia will insist on the ceasefire conditions it has formulated over the last " + figure + " already"
	}
	claimsOf := func(figure string, c events.Claim) []events.Claim {
		a := &article{t: t, text: sentence(figure)}
		return a.add(statement("Gerhard Mangott", sentence(figure)), "").add(c, "").claims
	}
	canonical := claimsOf("two or three years", rng(2, 3, "two or three years"))
	tests := []struct {
		name   string
		member events.Claim
		text   string
		want   events.ChangeKind
	}{
		{"a value inside", num(3, "years", "conditions", "three years"), "three years", events.ChangeShared},
		{"the lower bound", num(2, "years", "conditions", "two years"), "two years", events.ChangeShared},
		{"a value outside", num(4, "years", "conditions", "four years"), "four years", events.ChangeNumberDiffers},
		{"an overlapping range", rng(3, 4, "three or four years"), "three or four years", events.ChangeShared},
		{"a range apart", rng(5, 6, "five or six years"), "five or six years", events.ChangeNumberDiffers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pairingOf(t, Compare(canonical, claimsOf(tt.text, tt.member), 32), tt.text)
			if got.kind != tt.want {
				t.Errorf("Compare = %+v, want %s", got, tt.want)
			}
		})
	}
}

// TestCompareLimitKeepsChangesOverShared gives a member that repeats many
// claims and adds one: under a limit, what it adds outlasts what it
// repeats.
func TestCompareLimitKeepsChangesOverShared(t *testing.T) {
	var canonical []events.Claim
	for i := range 8 {
		canonical = append(canonical, statement("officials", fmt.Sprintf("gate %d of the port reopened at noon", i)))
	}
	member := append(slices.Clone(canonical), statement("officials", "lorries queued on the ring road"))
	got := Compare(canonical, member, 4)
	if len(got) != 4 || got[0].Kind != events.ChangeOnlyMember {
		t.Errorf("Compare with limit 4 = %s, want what only the member says first", describe(got))
	}
}

// figureCase is an article's claims whose last is a figure, and how it
// pairs with the canonical's.
type figureCase struct {
	name   string
	member []events.Claim
	want   pairing
}

// checkFigures sets the claims of each case against canonical and checks
// how the last, a figure, pairs.
func checkFigures(t *testing.T, canonical []events.Claim, tests []figureCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fig := tt.member[len(tt.member)-1]
			got := pairingOf(t, Compare(canonical, tt.member, 32), fig.Text)
			if got != tt.want {
				t.Errorf("Compare = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSameValue: figures of one kind of quantity compare in its base unit,
// and the words before a number that bound it are read.
func TestSameValue(t *testing.T) {
	rng := func(lo, hi float64, unit, text string) events.Claim {
		c := num(lo, unit, "", text)
		c.Upper = &hi
		return c
	}
	tests := []struct {
		name string
		a, b events.Claim
		want bool
	}{
		{"days and hours", num(3, "day", "", "three-day"), num(72, "hours", "", "72 hours"), true},
		{"days and other hours", num(3, "day", "", "three-day"), num(48, "hours", "", "48 hours"), false},
		{"weeks and days", num(2, "weeks", "", "two weeks"), num(14, "days", "", "14 days"), true},
		{"minutes and hours", num(90, "minutes", "", "90 minutes"), num(1.5, "hours", "", "1.5 hours"), true},
		{"years and months", num(1.5, "years", "", "1.5 years"), num(18, "months", "", "18 months"), true},
		{"a year is not 365 days", num(1, "year", "", "one year"), num(365, "days", "", "365 days"), false},
		{"a strict bound of a count and a bound", num(40, "ships", "", "more than forty ships"), num(41, "ships", "", "at least 41 ships"), true},
		{"a strict bound and its value", num(40, "ships", "", "more than 40 ships"), num(40, "ships", "", "40 ships"), false},
		{"a bound and its value", num(41, "ships", "", "at least 41 ships"), num(41, "ships", "", "41 ships"), true},
		{"a bound and a value beyond it", num(41, "ships", "", "at least 41 ships"), num(45, "ships", "", "45 ships"), false},
		{"two lower bounds apart", num(40, "ships", "", "over 40 ships"), num(100, "ships", "", "over 100 ships"), false},
		{"an upper and a lower bound", num(41, "ships", "", "at least 41 ships"), num(41, "ships", "", "up to 41 ships"), false},
		{"an upper bound of a duration", num(48, "hours", "", "less than 48 hours"), num(2, "days", "", "two days"), true},
		{"under a count", num(10, "people", "", "fewer than 10 people"), num(9, "people", "", "nine people"), true},
		{"a word that begins a bound word", num(40, "ships", "", "overall 40 ships"), num(40, "ships", "", "40 ships"), true},
		{"a bound inside a range", num(3, "years", "", "at least three years"), rng(2, 4, "years", "two to four years"), true},
		{"no value", events.Claim{Kind: events.ClaimNumber, Text: "dozens of ships", Unit: "ships"}, events.Claim{Kind: events.ClaimNumber, Text: "Dozens of ships", Unit: "ships"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := prepare([]events.Claim{tt.a, tt.b})
			if got := sameValue(&cs[0], &cs[1]); got != tt.want {
				t.Errorf("sameValue(%q, %q) = %v, want %v (quantities %+v, %+v)", tt.a.Text, tt.b.Text, got, tt.want, cs[0].q, cs[1].q)
			}
			if got := sameValue(&cs[1], &cs[0]); got != tt.want {
				t.Errorf("sameValue(%q, %q) = %v, want %v", tt.b.Text, tt.a.Text, got, tt.want)
			}
		})
	}
}
