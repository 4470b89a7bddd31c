package attribution

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// parseCase is an input, what a parser should make of it, and whether it
// should accept it at all.
type parseCase[T any] struct {
	name string
	in   string
	want T
	ok   bool
}

// checkParse runs parse, named fn in messages, over each case as a subtest.
func checkParse[T any](t *testing.T, fn string, parse func(string) (T, bool), tests []parseCase[T]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parse(tt.in)
			if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s(%q) = %#v, %v, want %#v, %v", fn, tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseByline(t *testing.T) {
	tests := []parseCase[Byline]{
		{"two authors", "By Gleb Bryanski and Mark Trevelyan", Byline{Authors: []string{"Gleb Bryanski", "Mark Trevelyan"}}, true},
		{"comma list", "By Ann Lee, Bo Chen and Cy Dee", Byline{Authors: []string{"Ann Lee", "Bo Chen", "Cy Dee"}}, true},
		{"relative time chrome", "1 month Ago By Nikodem Baran", Byline{Authors: []string{"Nikodem Baran"}}, true},
		{"trailing update", "By Jane Doe | Updated 3 hours ago", Byline{Authors: []string{"Jane Doe"}}, true},
		{"wire after a bar", "By Jane Doe | AP", Byline{Authors: []string{"Jane Doe"}, Wire: "AP"}, true},
		{"wire after a bullet", "By Jane Doe and John Roe • Reuters", Byline{Authors: []string{"Jane Doe", "John Roe"}, Wire: "Reuters"}, true},
		{"site after a bar is no wire", "By Jane Doe | Daily Planet", Byline{Authors: []string{"Jane Doe"}}, true},
		{"wire after comma", "By Jane Doe, Reuters", Byline{Authors: []string{"Jane Doe"}, Wire: "Reuters"}, true},
		{"wire in brackets", "By Jane Doe (AP)", Byline{Authors: []string{"Jane Doe"}, Wire: "AP"}, true},
		{"wire only", "By Reuters Staff", Byline{Wire: "Reuters"}, true},
		{"role dropped", "By Jane Doe, Political Correspondent", Byline{Authors: []string{"Jane Doe"}}, true},
		{"place dropped", "By Jane Doe in Moscow", Byline{Authors: []string{"Jane Doe"}}, true},
		{"particle", "By Ursula von der Leyen", Byline{Authors: []string{"Ursula von der Leyen"}}, true},
		{"german", "Von Jürgen Weiß", Byline{Authors: []string{"Jürgen Weiß"}}, true},
		{"sentence", "By the end of the year, prices had doubled.", Byline{}, false},
		{"weekday", "By Tuesday the talks had stalled", Byline{}, false},
		{"no by", "Gleb Bryanski and Mark Trevelyan", Byline{}, false},
		{"single name", "By Madonna", Byline{}, false},
		{"empty", "", Byline{}, false},
	}
	checkParse(t, "ParseByline", ParseByline, tests)
}

func TestParseDateline(t *testing.T) {
	tests := []parseCase[Dateline]{
		{"reuters no space", "MOSCOW (Reuters) -U.S. envoy Steve Witkoff held talks.", Dateline{"MOSCOW", "Reuters", "U.S. envoy Steve Witkoff held talks."}, true},
		{"reuters with date", "WASHINGTON, Aug 6 (Reuters) - The White House said.", Dateline{"WASHINGTON", "Reuters", "The White House said."}, true},
		{"ap with state", "KYIV, Ukraine (AP) — Russia launched drones.", Dateline{"KYIV", "AP", "Russia launched drones."}, true},
		{"afp mixed case", "Moscow (AFP) - The Kremlin said.", Dateline{"Moscow", "AFP", "The Kremlin said."}, true},
		{"two cities", "KYIV/MOSCOW (Reuters) - Talks resumed.", Dateline{"KYIV/MOSCOW", "Reuters", "Talks resumed."}, true},
		{"accented place", "MÜNCHEN (dpa) - Ein Stromausfall.", Dateline{"MÜNCHEN", "dpa", "Ein Stromausfall."}, true},
		{"no wire em dash", "NEW YORK — Stocks rose.", Dateline{Place: "NEW YORK", Rest: "Stocks rose."}, true},
		{"unknown agency", "MOSCOW (Pravda) - Text.", Dateline{}, false},
		{"hyphen without wire", "U.S. - China trade talks resumed.", Dateline{}, false},
		{"lower-case place without wire", "Moscow — The Kremlin said.", Dateline{}, false},
		{"sentence with brackets", "In a statement, the ministry (MoD) - said.", Dateline{}, false},
		{"nothing after", "MOSCOW (Reuters) -", Dateline{}, false},
		{"plain sentence", "The envoy arrived in Moscow on Wednesday.", Dateline{}, false},
	}
	checkParse(t, "ParseDateline", ParseDateline, tests)
}

func TestParseCredit(t *testing.T) {
	tests := []parseCase[Credit]{
		{"inputs from reuters", "(With inputs from Reuters)", Credit{Wire: "Reuters"}, true},
		{"inputs from agencies", "(With inputs from agencies)", Credit{}, true},
		{"inputs from several", "With inputs from AFP and Reuters.", Credit{Wire: "AFP"}, true},
		{"agency inputs", "(With agency inputs)", Credit{}, true},
		{"reuters trailer", "(Reporting by Gleb Bryanski in Moscow; Editing by Alex Richardson)", Credit{HouseStyle: true}, true},
		{"reporting only", "(Reporting by Gleb Bryanski)", Credit{}, true},
		{"bare trailer", "Reporting by Jane Doe; Editing by John Roe", Credit{HouseStyle: true}, true},
		{"ap contributed", "Associated Press writer Jane Doe in Kyiv contributed to this report.", Credit{Wire: "AP"}, true},
		{"source line", "Source: AFP", Credit{Wire: "AFP"}, true},
		{"dash agency", "— Reuters", Credit{Wire: "Reuters"}, true},
		{"bracketed agency", "(Reuters)", Credit{Wire: "Reuters"}, true},
		{"sentence", "Reporting by the BBC suggested otherwise, officials said.", Credit{}, false},
		{"aside in brackets", "(The figures were revised later.)", Credit{}, false},
		{"with sentence", "With the deadline looming, talks resumed.", Credit{}, false},
	}
	checkParse(t, "ParseCredit", ParseCredit, tests)
}

func TestWireName(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Reuters", "Reuters", true},
		{"The Associated Press", "AP", true},
		{"agence France-Presse", "AFP", true},
		{"DPA", "dpa", true},
		{" Bloomberg News. ", "Bloomberg", true},
		{"The Daily Planet", "", false},
	}
	for _, tt := range tests {
		got, ok := WireName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("WireName(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestParseCreditWithAgency checks the credit that names the agencies a
// story was written with and nothing else: "(With AFP)", "— With AP",
// "(FRANCE 24 with AFP)". A sentence that opens with "With" is not one.
func TestParseCreditWithAgency(t *testing.T) {
	tests := []parseCase[Credit]{
		{"bracketed", "(With AFP)", Credit{Wire: "AFP"}, true},
		{"bare", "With AFP", Credit{Wire: "AFP"}, true},
		{"after a dash", "— With AP", Credit{Wire: "AP"}, true},
		{"two agencies", "With AFP and Reuters.", Credit{Wire: "AFP"}, true},
		{"outlet with agency", "(FRANCE 24 with AFP)", Credit{Wire: "AFP"}, true},
		{"with a sentence", "With the deadline looming, talks resumed.", Credit{}, false},
		{"with people", "(With Jane Doe)", Credit{}, false},
		{"sentence ending with an agency", "(The figures were revised later with Reuters)", Credit{}, false},
	}
	checkParse(t, "ParseCredit", ParseCredit, tests)
}

// TestBylineForAgency checks a byline that says which agency its author
// writes for: "By Jane Doe, For The Associated Press".
func TestBylineForAgency(t *testing.T) {
	tests := []parseCase[Byline]{
		{"for the agency", "By Ann Lee for The Associated Press", Byline{Authors: []string{"Ann Lee"}, Wire: "AP"}, true},
		{"for the agency after a comma", "By Ann Lee, For The Associated Press", Byline{Authors: []string{"Ann Lee"}, Wire: "AP"}, true},
		{"two authors for an agency", "By Ann Lee and Bo Chen for Reuters", Byline{Authors: []string{"Ann Lee", "Bo Chen"}, Wire: "Reuters"}, true},
		{"for a newspaper is no byline of an agency", "By Ann Lee for the Daily Planet", Byline{}, false},
	}
	checkParse(t, "ParseByline", ParseByline, tests)
	for _, tt := range tests[:3] {
		names, wire := ParseAuthors(tt.in, Prose)
		if strings.Join(names, "|") != strings.Join(tt.want.Authors, "|") || wire != tt.want.Wire {
			t.Errorf("ParseAuthors(%q) = %q, %q, want %q, %q", tt.in, names, wire, tt.want.Authors, tt.want.Wire)
		}
	}
}

// FuzzParseLines reads arbitrary lines as bylines, credits and datelines:
// what each gives is trimmed, canonical and taken from the line.
func FuzzParseLines(f *testing.F) {
	for _, s := range []string{"By Ann Lee in Kyiv and Bo Chen in Moscow", "By Ann Lee, Associated Press Writer", "By Ann Lee for Reuters",
		"(FRANCE 24 with AFP)", "— With AP and Reuters.", "(Reporting by Ann Lee; Editing by Bo Chen)", "MOSCOW, Aug 6 (Reuters) - Talks."} {
		f.Add(s)
	}
	// Hostile lines: NULs, invalid UTF-8, a BOM, a very long line, many
	// names, a dateline with dates in it.
	f.Add("\xef\xbb\xbfBy Ann\x00 Lee \xff and Bo Chen, Reuters\x00")
	f.Add("By " + strings.Repeat("Ann Lee and ", 40) + "Bo Chen")
	f.Add(strings.Repeat("MOSCOW ", 30) + "(Reuters) - " + strings.Repeat("Talks. ", 300))
	f.Add("WASHINGTON, Aug. 6, 2025, 10:30 a.m. EDT (AP) — Aug 6 2025 (Reuters) - x")
	f.Add("(" + strings.Repeat("Reporting by Ann Lee; ", 60) + "Editing by Bo Chen)")
	canonical := func(t *testing.T, what, s, wire string) {
		if w, ok := WireName(wire); wire != "" && (!ok || w != wire) {
			t.Fatalf("%s(%q) gave wire %q, which WireName reads as %q, %v", what, s, wire, w, ok)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, ok := ParseByline(s); ok {
			for _, n := range b.Authors {
				if n == "" || strings.TrimSpace(n) != n || !strings.Contains(s, n) || utf8.RuneCountInString(n) > maxNameRunes {
					t.Fatalf("ParseByline(%q) gave author %q", s, n)
				}
			}
			canonical(t, "ParseByline", s, b.Wire)
		}
		if c, ok := ParseCredit(s); ok {
			canonical(t, "ParseCredit", s, c.Wire)
		}
		if d, ok := ParseDateline(s); ok {
			if d.Rest == "" || !strings.HasSuffix(strings.TrimSpace(s), d.Rest) || !strings.Contains(s, d.Place) ||
				d.Place == "" || utf8.RuneCountInString(d.Place) > maxDatelineRunes {
				t.Fatalf("ParseDateline(%q) = %+v", s, d)
			}
			canonical(t, "ParseDateline", s, d.Wire)
		}
	})
}
