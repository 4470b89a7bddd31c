package claims

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// seedsDir finds shared/seeds by walking up from the working directory.
func seedsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		seeds := filepath.Join(dir, "shared", "seeds")
		if fi, err := os.Stat(seeds); err == nil && fi.IsDir() {
			return seeds, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// seedText reads the seed article whose name starts with prefix; it skips
// the test when there are no seeds.
func seedText(t testing.TB, prefix string) string {
	t.Helper()
	dir, err := seedsDir()
	if err != nil {
		t.Skipf("shared/seeds not found above the working directory: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, prefix+"_*.txt"))
	if len(matches) != 1 {
		t.Fatalf("finding seed %s in %s: %d matches", prefix, dir, len(matches))
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatalf("reading seed: %v", err)
	}
	return string(b)
}

// find returns the first claim of kind k whose text starts with prefix.
func find(cs []events.Claim, k events.ClaimKind, prefix string) (events.Claim, bool) {
	for _, c := range cs {
		if c.Kind == k && strings.HasPrefix(c.Text, prefix) {
			return c, true
		}
	}
	return events.Claim{}, false
}

// seedClaim is a claim of one kind a seed should yield: its text starts
// with prefix and it is attributed to speaker by cue.
type seedClaim struct {
	name, seed, prefix, speaker, cue string
}

// runSeedClaims checks each case's seed for its claim of kind (named noun in
// messages).
func runSeedClaims(t *testing.T, kind events.ClaimKind, noun string, tests []seedClaim) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := seedText(t, tt.seed)
			cs := Extract(text)
			checkSpans(t, text, cs)
			c, ok := find(cs, kind, tt.prefix)
			if !ok {
				t.Fatalf("no %s starting %q in:%s", noun, tt.prefix, describe(ofKind(cs, kind)))
			}
			if c.Speaker != tt.speaker || c.Cue != tt.cue {
				t.Errorf("%s %q by %q (%q), want by %q (%q)", noun, c.Text, c.Speaker, c.Cue, tt.speaker, tt.cue)
			}
		})
	}
}

func TestSeedQuotes(t *testing.T) {
	tests := []seedClaim{
		{"Mangott on the visit", "002", "The visit of Witkoff is a last-ditch effort to find a face-saving solution", "Gerhard Mangott", "said"},
		{"Mangott by he said", "002", "Russia will insist", "Gerhard Mangott", "said"},
		{"Mangott carried on", "002", "Trump will be under pressure", "Gerhard Mangott", ""},
		{"Yermak by he posted", "002", "The war must stop", "Andriy Yermak", "posted"},
		{"Witkoff's short quotation", "002", "preposterous", "Steve Witkoff", "said"},
		{"Mangott in the loose rewrite", "001", "last, desperate attempt", "Gerhard Mangott", "said"},
		{"Mangott in the summary", "003", "last-ditch effort", "Gerhard Mangott", "described"},
		{"Ushakov passive", "003", "useful and constructive", "Yuri Ushakov", "described"},
		{"Peskov by a participle", "004", "momentous", "Dmitry Peskov", "telling"},
	}
	runSeedClaims(t, events.ClaimQuote, "quote", tests)
}

func TestSeedScareQuotes(t *testing.T) {
	for _, tt := range []struct{ seed, quote string }{
		{"002", "disgusting"}, {"002", "Russophobia"}, {"002", "LAST-DITCH EFFORT"},
		{"001", "outrageous"}, {"001", "bugbears"}, {"003", "signals"}, {"004", "extraordinarily important"},
	} {
		t.Run(tt.seed+" "+tt.quote, func(t *testing.T) {
			cs := Extract(seedText(t, tt.seed))
			if c, ok := find(cs, events.ClaimQuote, tt.quote); ok {
				t.Errorf("scare quote %q kept, by %q (%q)", c.Text, c.Speaker, c.Cue)
			}
		})
	}
}

func TestSeedStatements(t *testing.T) {
	tests := []seedClaim{
		{"sources close to the Kremlin", "002", "Putin is unlikely to bow to Trump’s sanctions ultimatum", "three sources close to the Kremlin", "told"},
		{"Zelenskiy without that", "002", "Ukraine would never recognise", "Zelenskiy", "said"},
		{"Kremlin says", "002", "threats to penalise countries", "The Kremlin", "says"},
		{"Yermak on Wednesday", "002", "a full ceasefire and a leaders’ summit were required", "Andriy Yermak", "said"},
		{"two of the sources", "002", "The Russian leader does not want to anger Trump", "two of the sources", "said"},
		{"according to", "000", "the Russian president does not believe", "sources close to the government", "according to"},
		{"apposition before the verb", "000", "Witkoff’s visit represents a last-ditch attempt", "Gerhard Mangot", "assessed"},
		{"he added", "001", "the incendiary rhetoric was a sign", "Gerhard Mangott", "added"},
		{"Kremlin said at the end", "004", "U.S. President Donald Trump’s special envoy", "the Kremlin", "said"},
		// The loose rewrite gives Mangott's "two or three years" to the
		// sources, in its own words: so does its claim.
		{"sources in the loose rewrite", "001", "Russia, the sources said, is still willing", "the sources", "said"},
	}
	runSeedClaims(t, events.ClaimStatement, "statement", tests)
}

func TestSeedNumbers(t *testing.T) {
	tests := []struct {
		name, seed, text string
		value            float64
		unit, counts     string
	}{
		{"people killed", "002", "at least 72 people", 72, "people", "killing"},
		{"the war's length", "002", "3-1/2-year war", 3.5, "years", "war"},
		{"years of war", "002", "3-1/2 years", 3.5, "years", "war"},
		{"days before", "002", "two days", 2, "days", ""},
		{"killing 72", "003", "72", 72, "", "killing"},
		{"three-hour meeting", "003", "three-hour meeting", 3, "hours", "meeting"},
		{"hours before the deadline", "001", "less than 48 hours", 48, "hours", ""},
		{"years of penalties", "001", "four years", 4, "years", "economic penalties"},
		{"years in prison", "004", "12 years", 12, "years", "sentenced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(seedText(t, tt.seed))
			var got *events.Claim
			for i := range cs {
				if cs[i].Kind == events.ClaimNumber && cs[i].Text == tt.text {
					got = &cs[i]
					break
				}
			}
			if got == nil {
				t.Fatalf("no number %q in:%s", tt.text, describe(ofKind(cs, events.ClaimNumber)))
			}
			if *got.Value != tt.value || got.Unit != tt.unit || got.Counts != tt.counts {
				t.Errorf("number %q = %g %q %q, want %g %q %q", got.Text, *got.Value, got.Unit, got.Counts, tt.value, tt.unit, tt.counts)
			}
		})
	}
}

// TestSeedIDsAcrossArticles checks that a claim two articles share has one
// id, and that a claim a rewrite changed has another.
func TestSeedIDsAcrossArticles(t *testing.T) {
	wire, summary := Extract(seedText(t, "002")), Extract(seedText(t, "003"))
	a, ok1 := find(wire, events.ClaimNumber, "3-1/2-year war")
	b, ok2 := find(summary, events.ClaimNumber, "3-1/2-year war")
	if !ok1 || !ok2 {
		t.Fatalf("3-1/2-year war found in 002: %v, in 003: %v", ok1, ok2)
	}
	if a.ID != b.ID {
		t.Errorf("3-1/2-year war has ids %s and %s, want one", a.ID, b.ID)
	}
	// The same quotation with its speaker written differently in the
	// text: a later "Mangott said" is Gerhard Mangott.
	quoted := seedText(t, "002")
	echo := "Gerhard Mangott is an Austrian analyst.\n\n" +
		"“The visit of Witkoff is a last-ditch effort to find a face-saving solution for both sides. I don't think, however, that there will be anything of a compromise between the two,” Mangott said."
	qa, ok1 := find(Extract(quoted), events.ClaimQuote, "The visit of Witkoff")
	qb, ok2 := find(Extract(echo), events.ClaimQuote, "The visit of Witkoff")
	if !ok1 || !ok2 {
		t.Fatalf("quote found in 002: %v, in the echo: %v", ok1, ok2)
	}
	if qa.ID != qb.ID {
		t.Errorf("the same quote has ids %s (by %q) and %s (by %q), want one", qa.ID, qa.Speaker, qb.ID, qb.Speaker)
	}
	rewrite := Extract(seedText(t, "001"))
	qc, ok := find(rewrite, events.ClaimQuote, "last, desperate attempt")
	if !ok {
		t.Fatal("no rewritten quote in 001")
	}
	if qc.ID == qa.ID {
		t.Errorf("rewritten quote %q has the id of %q", qc.Text, qa.Text)
	}
}

// exampleText reads an example article of examples/articles, found by
// walking up from the working directory.
func exampleText(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "examples", "articles", name))
		if err == nil {
			return string(b)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("examples/articles/%s not found above the working directory", name)
		}
		dir = parent
	}
}

// TestExampleArticles checks the claims the demo's articles should yield:
// a speaker set off after their title, and figures with the head of what
// they count as their unit.
func TestExampleArticles(t *testing.T) {
	type want struct {
		kind          events.ClaimKind
		text, speaker string
		unit          string
	}
	tests := []struct {
		file string
		want []want
	}{
		{"01-wire-halden-strike.txt", []want{
			{events.ClaimQuote, "A three-day closure will cost the regional economy more than any wage settlement", "Peter Aaland", ""},
			{events.ClaimNumber, "at least 41 container ships", "", "ships"},
			{events.ClaimNumber, "About 2,300 workers", "", "workers"},
			{events.ClaimNumber, "72 hours", "", "hours"},
			{events.ClaimNumber, "9 percent", "", "%"},
		}},
		{"05-summary-morning-brief.txt", []want{
			{events.ClaimNumber, "Around 2,300 dock workers", "", "workers"},
			{events.ClaimNumber, "At least 41 container ships", "", "ships"},
			{events.ClaimNumber, "72-hour strike", "", "hours"},
			{events.ClaimStatement, "the closure would cost the region more than a wage deal", "Peter Aaland", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text := exampleText(t, tt.file)
			cs := Extract(text)
			checkSpans(t, text, cs)
			for _, w := range tt.want {
				var got *events.Claim
				for i := range cs {
					if cs[i].Kind == w.kind && cs[i].Text == w.text {
						got = &cs[i]
						break
					}
				}
				if got == nil {
					t.Errorf("no %s %q in:%s", w.kind, w.text, describe(ofKind(cs, w.kind)))
					continue
				}
				if got.Speaker != w.speaker || got.Unit != w.unit {
					t.Errorf("%s %q by %q unit %q, want by %q unit %q", w.kind, got.Text, got.Speaker, got.Unit, w.speaker, w.unit)
				}
			}
		})
	}
}
