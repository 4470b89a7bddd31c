package attribution

import (
	"reflect"
	"testing"
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
