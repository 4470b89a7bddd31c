package changes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// seedText reads a seed article from shared/seeds, found by walking up
// from the working directory.
func seedText(t *testing.T, prefix string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "shared", "seeds", prefix+"_*.txt"))
		if len(files) == 1 {
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("no seed %s above the working directory", prefix)
		}
		dir = parent
	}
}

// article builds claims of one text as the extractor gives them: each over
// the span of the text that its Text is.
type article struct {
	t      *testing.T
	text   string
	claims []events.Claim
}

// add adds a claim whose text is the first occurrence of sub at or after
// the start of within (the whole text when within is empty).
func (a *article) add(c events.Claim, within string) *article {
	a.t.Helper()
	from := 0
	if within != "" {
		from = strings.Index(a.text, within)
	}
	i := strings.Index(a.text[max(from, 0):], c.Text)
	if from < 0 || i < 0 {
		a.t.Fatalf("%q is not in the text", c.Text)
	}
	i += from
	c.Start = utf8.RuneCountInString(a.text[:i])
	c.End = c.Start + utf8.RuneCountInString(c.Text)
	c.ID = string(c.Kind[0]) + "_" + events.NormalizeText(c.Text+" "+c.Speaker)
	a.claims = append(a.claims, c)
	return a
}

func quote(speaker, text string) events.Claim {
	return events.Claim{Kind: events.ClaimQuote, Speaker: speaker, Text: text}
}

func statement(speaker, text string) events.Claim {
	return events.Claim{Kind: events.ClaimStatement, Speaker: speaker, Text: text}
}

// seed002 is the canonical article of the seed story, with the claims the
// extractor finds in it.
func seed002(t *testing.T) []events.Claim {
	a := &article{t: t, text: seedText(t, "002")}
	a.add(num(2, "days", "", "two days"), "").
		add(num(3.5, "year", "war", "3-1/2-year war"), "").
		add(statement("The Kremlin", "threats to penalise countries that trade with Russia are illegal"), "").
		add(num(72, "people", "killing", "at least 72 people"), "").
		add(quote("Andriy Yermak", "The war must stop and for now this is on Russia"), "").
		add(statement("three sources close to the Kremlin", "Putin is unlikely to bow to Trump’s sanctions ultimatum because he believes he is winning the war and his military goals take precedence over his desire to improve relations with the U.S."), "").
		add(num(3, "sources", "", "three sources"), "").
		add(quote("Gerhard Mangott", "The visit of Witkoff is a last-ditch effort to find a face-saving solution for both sides. I don’t think, however, that there will be anything of a compromise between the two"), "").
		add(quote("Gerhard Mangott", "Russia will insist it is prepared to have a ceasefire, but (only) under the conditions that it has formulated for the last two or three years already"), "").
		add(num(2, "years", "", "two or three years"), "Russia will insist").
		add(statement("The Russian sources", "Putin was sceptical that yet more U.S. sanctions would have much of an impact after successive waves of economic penalties during 3-1/2 years of war"), "").
		add(num(3.5, "years", "war", "3-1/2 years"), "successive waves").
		add(num(25, "years", "", "25 years"), "").
		add(statement("Witkoff", "there was no reason why Russia would want to absorb Ukraine or bite off more of its territory, and it was “preposterous” to think that Putin would want to send his army marching across Europe"), "").
		add(quote("Steve Witkoff", "preposterous"), "there was no reason")
	return a.claims
}

// TestCompareSeed001 sets the loose rewrite 001 against the wire story
// 002: Mangott's "last-ditch effort" became a "last, desperate attempt",
// the 3-1/2 years of war four years of economic penalties, Witkoff's
// "preposterous" "ludicrous", and the Kremlin's threats that are illegal
// bids without legal grounds. "Two or three years" is in both, and says
// nothing about the 25 years Putin has led Russia.
func TestCompareSeed001(t *testing.T) {
	canonical := seed002(t)
	a := &article{t: t, text: seedText(t, "001")}
	a.add(num(48, "hours", "", "less than 48 hours"), "").
		add(statement("the Kremlin", "any bids to sanction trading partners are without legal grounds"), "").
		add(statement("the officials", "Putin is determined to achieve all his war aims before making any concessions to Washington and is sceptical that another round of U.S. sanctions would have a meaningful impact after four years of economic penalties"), "").
		add(num(4, "years", "economic penalties", "four years"), "after four years").
		add(statement("the sources", `Russia, the sources said, is still willing to cease hostilities only on terms it has been demanding for an "outrageous" two or three years`), "").
		add(num(2, "years", "", "two or three years"), "outrageous").
		add(statement("Gerhard Mangott", `the arrival of Witkoff was a "last, desperate attempt" by Trump's administration`), "").
		add(quote("Gerhard Mangott", "last, desperate attempt"), "the arrival of Witkoff").
		add(statement("Witkoff", `it was "ludicrous" to suggest Putin had designs on more of Europe`), "").
		add(quote("Witkoff", "ludicrous"), "it was \"ludicrous\"")
	got := Compare(canonical, a.claims, 64)

	want := []struct {
		kind              events.ChangeKind
		member, canonical string
	}{
		{events.ChangeNumberDiffers, "four years", "3-1/2 years"},
		{events.ChangeReworded, "Putin is determined", "Putin was sceptical"},
		{events.ChangeReworded, "the arrival of Witkoff", "The visit of Witkoff"},
		{events.ChangeReworded, `it was "ludicrous"`, "there was no reason"},
		{events.ChangeReworded, "any bids to sanction", "threats to penalise"},
		{events.ChangeShared, "two or three years", "two or three years"},
		{events.ChangeShared, "less than 48 hours", "two days"},
		{events.ChangeOnlyMember, "Russia, the sources said", ""},
	}
	for _, w := range want {
		if !hasChange(got, w.kind, w.member, w.canonical) {
			t.Errorf("no %s change of %q against %q", w.kind, w.member, w.canonical)
		}
	}
	for _, c := range got {
		switch {
		case c.Kind == events.ChangeNumberDiffers && *c.Claim.Value != 4:
			t.Errorf("%v years against %v years called a disagreement", *c.Claim.Value, *c.Canonical.Value)
		case c.Claim != nil && (c.Claim.Text == "ludicrous" || c.Claim.Text == "last, desperate attempt"):
			t.Errorf("%q reported apart from the statement it is in: %+v", c.Claim.Text, c)
		case c.Canonical != nil && c.Canonical.Text == "25 years":
			t.Errorf("25 years set against %q", c.Claim.Text)
		}
	}
	if n := count(got, events.ChangeNumberDiffers); n != 1 {
		t.Errorf("%d numbers differ, want 1: %s", n, describe(got))
	}
}

// TestCompareSeed003 sets the summary 003 against 002: it quotes part of
// Mangott's quote, and gives the 72 dead and the 3-1/2-year war as 002
// does.
func TestCompareSeed003(t *testing.T) {
	canonical := seed002(t)
	a := &article{t: t, text: seedText(t, "003")}
	a.add(num(3, "hour", "meeting", "three-hour meeting"), "").
		add(quote("Yuri Ushakov", "useful and constructive"), "").
		add(num(3.5, "year", "war", "3-1/2-year war"), "").
		add(num(72, "", "killing", "72"), "killing 72").
		add(quote("Gerhard Mangott", "last-ditch effort"), "")
	got := Compare(canonical, a.claims, 64)
	for _, w := range []struct {
		kind              events.ChangeKind
		member, canonical string
	}{
		{events.ChangeShared, "last-ditch effort", "The visit of Witkoff"},
		{events.ChangeShared, "72", "at least 72 people"},
		{events.ChangeShared, "3-1/2-year war", "3-1/2-year war"},
	} {
		if !hasChange(got, w.kind, w.member, w.canonical) {
			t.Errorf("%q not %s with %q: %s", w.member, w.kind, w.canonical, describe(got))
		}
	}
	if n := count(got, events.ChangeNumberDiffers) + count(got, events.ChangeReworded); n != 0 {
		t.Errorf("%d changes where 003 repeats 002: %s", n, describe(got))
	}
}

func hasChange(got []events.ClaimChange, kind events.ChangeKind, member, canonical string) bool {
	for _, c := range got {
		if c.Kind != kind {
			continue
		}
		if (member == "") != (c.Claim == nil) || (canonical == "") != (c.Canonical == nil) {
			continue
		}
		if (member == "" || strings.HasPrefix(c.Claim.Text, member)) &&
			(canonical == "" || strings.HasPrefix(c.Canonical.Text, canonical)) {
			return true
		}
	}
	return false
}

func count(got []events.ClaimChange, kind events.ChangeKind) int {
	n := 0
	for _, c := range got {
		if c.Kind == kind {
			n++
		}
	}
	return n
}

func describe(got []events.ClaimChange) string {
	var b strings.Builder
	for _, c := range got {
		b.WriteString("\n\t" + string(c.Kind) + ":")
		if c.Claim != nil {
			b.WriteString(" member " + c.Claim.Speaker + " " + c.Claim.Text)
		}
		if c.Canonical != nil {
			b.WriteString(" | canonical " + c.Canonical.Speaker + " " + c.Canonical.Text)
		}
	}
	return b.String()
}
