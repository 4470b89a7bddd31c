package changes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// exampleText reads an article of examples/articles, found by walking up
// from the working directory.
func exampleText(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "examples", "articles", name))
		if err == nil {
			return string(data)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("no examples/articles/%s above the working directory", name)
		}
		dir = parent
	}
}

// halden01 is the wire story of the examples, with claims the extractor
// finds in it.
func halden01(t *testing.T) []events.Claim {
	a := &article{t: t, text: exampleText(t, "01-wire-halden-strike.txt")}
	a.add(num(72, "hours", "", "72 hours"), "").
		add(statement("Union", "About 2,300 workers joined the stoppage, the Harbour Workers' Union said, leaving at least 41 container ships waiting at anchor outside the breakwater by midday"), "").
		add(num(2300, "workers", "", "About 2,300 workers"), "").
		add(num(41, "container", "leaving", "at least 41 container"), "").
		add(num(9, "%", "", "9 percent"), "").
		add(num(2, "years", "", "over two years"), "").
		add(quote("Ingrid Solberg", "We have been patient for eleven months. The operators have given us nothing but delay"), "").
		add(num(11, "months", "", "eleven months"), "").
		add(statement("Halden Terminal Operators", "its final offer of 5.5 percent was fair given rising energy costs, and accused the union of putting regional supply chains at risk"), "").
		add(num(5.5, "%", "", "5.5 percent"), "its final offer").
		add(quote("", "A three-day closure will cost the regional economy more than any wage settlement"), "").
		add(num(3, "day", "closure", "three-day closure"), "").
		add(statement("Freight forwarders", "shippers had already begun diverting cargo to the smaller port of Kessby, about 90 kilometres to the north, where waiting times rose to two days"), "").
		add(num(2, "days", "rose", "two days"), "waiting times").
		add(statement("The regional transport ministry", "it would appoint a mediator if no agreement was reached by Wednesday evening"), "")
	return a.claims
}

// TestCompareSharedIsTheSameWords sets claims of the edited copy 03 and
// others against the wire story 01: only the same words, however typed,
// are shared, or a part of a quotation in its words; a light edit, any
// other pairing, is reworded, and tells how alike the two are.
func TestCompareSharedIsTheSameWords(t *testing.T) {
	canonical := halden01(t)
	tests := []struct {
		name   string
		member events.Claim
		want   events.ChangeKind
		sim    float64
	}{
		{"one phrase changed", statement("Halden Terminal Operators", "its final offer of 5.5 percent was fair given rising energy costs, and accused the union of putting supply chains across the region at risk"),
			events.ChangeReworded, 0.824},
		{"the same words", statement("Halden Terminal Operators", "its final offer of 5.5 percent was fair given rising energy costs, and accused the union of putting regional supply chains at risk"),
			events.ChangeShared, 1},
		{"typed otherwise", quote("", "“A three–day closure will cost the Regional economy more than any wage-settlement.”"),
			events.ChangeShared, 1},
		{"a sentence of the quotation", quote("Ingrid Solberg", "The operators have given us nothing but delay"),
			events.ChangeShared, 1},
		{"a sentence of the quotation, a word changed", quote("Ingrid Solberg", "The operators have given us nothing but delays"),
			events.ChangeReworded, 0.714},
		{"a word added", statement("The regional transport ministry", "it would appoint a mediator if no agreement was reached by late Wednesday evening"),
			events.ChangeReworded, 0.857},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(canonical, []events.Claim{tt.member}, 32)
			found := false
			for _, c := range got {
				if c.Claim != nil {
					found = c.Kind == tt.want && c.Similarity == tt.sim
				}
			}
			if !found {
				t.Errorf("Compare = %s, want the member's claim %s with similarity %v", describe(got), tt.want, tt.sim)
			}
		})
	}
}

// TestCompareFiguresOfOneValue sets figures of the rewrite 04 and the
// summary 05 (as the extractor gives them, and as it may, with the noun a
// figure counts as its unit) against the wire story 01: the same value of
// units that agree is one figure, whatever words the two use.
func TestCompareFiguresOfOneValue(t *testing.T) {
	canonical := halden01(t)
	in := func(sentence string, c events.Claim) []events.Claim {
		a := &article{t: t, text: sentence}
		if c.Text != sentence {
			a.add(statement("", sentence), "")
		}
		return a.add(c, "").claims
	}
	tests := []figureCase{
		{"in words", in("Workers want a nine percent raise spread over two years", num(9, "%", "", "nine percent")),
			pairing{events.ChangeShared, "9 percent"}},
		{"a unit and its plural", in("Around 2,300 dock workers at Port Halden began a 72-hour strike on Monday", num(72, "hour", "strike", "72-hour strike")),
			pairing{events.ChangeShared, "72 hours"}},
		{"a bound", in("shippers now face waits of up to two days", num(2, "days", "", "up to two days")),
			pairing{events.ChangeShared, "two days"}},
		{"the noun counted as its unit", in("roughly 2,300 dock workers downed tools", num(2300, "workers", "", "roughly 2,300 dock workers")),
			pairing{events.ChangeShared, "About 2,300 workers"}},
		{"one's unit a word of the other", in("At least 41 container ships were waiting outside the port", num(41, "ships", "", "At least 41 container ships")),
			pairing{events.ChangeShared, "at least 41 container"}},
		{"another measure of one value", in("a pipeline 2,300 kilometres long", num(2300, "kilometres", "", "2,300 kilometres")),
			pairing{events.ChangeOnlyMember, ""}},
		{"one value, counting another thing", in("police said 72 were arrested", num(72, "", "arrested", "72")),
			pairing{events.ChangeOnlyMember, ""}},
		{"one duration in other units", in("the three-day strike began on Monday", num(3, "day", "strike", "three-day strike")),
			pairing{events.ChangeShared, "72 hours"}},
		{"a strict bound of a count", in("More than forty container ships were left idling", num(40, "ships", "", "More than forty container ships")),
			pairing{events.ChangeShared, "at least 41 container"}},

		{"in a statement paired with the one it is in", (&article{t: t, text: "Its chief executive, Peter Aaland, warned that a three-day shutdown would hurt the regional economy more than any pay deal."}).
			add(statement("Its chief executive", "a three-day shutdown would hurt the regional economy more than any pay deal"), "").
			add(num(3, "day", "shutdown", "three-day shutdown"), "").claims,
			pairing{events.ChangeShared, "three-day closure"}},
	}
	checkFigures(t, canonical, tests)
}

// TestCompareParaphrases sets statements of rewrites against the claims of
// their canonical: fewer words in common than a rewording in general
// needs, but the same body said both, or both hold the one figure they
// share. And what must not be paired: a body and sources close to it, one
// of many "police" statements, statements that share a figure other
// statements give too.
func TestCompareParaphrases(t *testing.T) {
	halden := halden01(t)
	seed := seed002(t)
	harbour := &article{t: t, text: "Officials said ships waited 72 hours outside the harbour with their cargo. The strike lasted 72 hours and closed the port, officials said."}
	harbour.add(statement("officials", "ships waited 72 hours outside the harbour with their cargo"), "").
		add(num(72, "hours", "", "72 hours"), "").
		add(statement("officials", "The strike lasted 72 hours and closed the port"), "").
		add(num(72, "hours", "", "72 hours"), "The strike lasted")
	lorries := (&article{t: t, text: "The harbour master said lorries queued for 72 hours and cargo was lost to Kessby."}).
		add(statement("The harbour master", "lorries queued for 72 hours and cargo was lost to Kessby"), "").
		add(num(72, "hours", "", "72 hours"), "").claims
	tests := []struct {
		name              string
		canonical, member []events.Claim
		text              string
		want              pairing
	}{
		{"a body named more fully", halden,
			[]events.Claim{statement("The transport ministry", "a mediator will step in if the sides have not settled by Wednesday night")},
			"a mediator will step in", pairing{events.ChangeReworded, "it would appoint a mediator if no agreement was reached by Wednesday evening"}},
		{"the same figure in both", halden,
			(&article{t: t, text: "Its chief executive, Peter Aaland, warned that a three-day shutdown would hurt the regional economy more than any pay deal."}).
				add(statement("Its chief executive", "a three-day shutdown would hurt the regional economy more than any pay deal"), "").
				add(num(3, "day", "shutdown", "three-day shutdown"), "").claims,
			"a three-day shutdown would", pairing{events.ChangeReworded, "A three-day closure will cost the regional economy more than any wage settlement"}},
		{"the Kremlin in other words", seed,
			[]events.Claim{statement("the Kremlin", "any bids to sanction trading partners are without legal grounds")},
			"any bids", pairing{events.ChangeReworded, "threats to penalise countries that trade with Russia are illegal"}},
		{"the sources, spelt otherwise", seed,
			[]events.Claim{statement("Russian sources", "Putin remains skeptical of the impact of additional U.S. sanctions, prioritizing military objectives over improved U.S. relations")},
			"Putin remains skeptical", pairing{events.ChangeReworded, "Putin was sceptical that yet more U.S. sanctions would have much of an impact after successive waves of economic penalties during 3-1/2 years of war"}},
		{"a figure of the war in both", seed,
			(&article{t: t, text: seedText(t, "000")}).
				add(statement("sources close to the government", "the Russian president does not believe that additional sanctions will have a significant impact on Russia, as it has already endured a series of economic shocks over the past three and a half years of war"), "").
				add(num(3.5, "years", "war", "three and a half years"), "").claims,
			"the Russian president", pairing{events.ChangeReworded, "Putin was sceptical that yet more U.S. sanctions would have much of an impact after successive waves of economic penalties during 3-1/2 years of war"}},
		{"sources close to a body are not the body", seed,
			[]events.Claim{statement("three sources close to the Kremlin", "threats against trading partners will fail")},
			"threats against", pairing{events.ChangeOnlyMember, ""}},
		{"the Kremlin on another matter", seed,
			[]events.Claim{statement("the Kremlin", "Witkoff could also meet with President Vladimir Putin in the Russian capital")},
			"Witkoff could also", pairing{events.ChangeOnlyMember, ""}},
		{"one person, another matter", seed,
			[]events.Claim{statement("Volodymyr Zelensky", "the war’s end depends on Russia’s actions")},
			"the war’s end", pairing{events.ChangeOnlyMember, ""}},
		{"the police, named alike", []events.Claim{statement("Police", "a 61-year-old man entered the office and opened fire")},
			[]events.Claim{statement("the police", "officers searched the office after the fire")},
			"officers searched", pairing{events.ChangeOnlyMember, ""}},
		{"a figure no other statement gives", harbour.claims[:2], lorries,
			"lorries queued", pairing{events.ChangeReworded, "ships waited 72 hours outside the harbour with their cargo"}},
		{"a figure another statement gives too", harbour.claims, lorries,
			"lorries queued", pairing{events.ChangeOnlyMember, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.canonical, tt.member, 64)
			var text string
			for _, c := range tt.member {
				if len(c.Text) >= len(tt.text) && c.Text[:len(tt.text)] == tt.text {
					text = c.Text
				}
			}
			if p := pairingOf(t, got, text); p != tt.want {
				t.Errorf("Compare = %+v, want %+v", p, tt.want)
			}
		})
	}
}
