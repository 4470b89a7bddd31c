package segment

import (
	"strings"
	"testing"
)

func tokens(d *Doc) []string {
	out := make([]string, len(d.Tokens))
	for i := range d.Tokens {
		out[i] = d.Tok(i)
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // tokens joined by "|"
	}{
		{"initialism keeps its dots", "the U.S. envoy", "the|U.S.|envoy"},
		{"apostrophe between letters", "Russia’s war, leaders’ summit", "Russia’s|war|,|leaders|’|summit"},
		{"hyphens and fractions", "the 3-1/2-year war, last-ditch", "the|3-1/2-year|war|,|last-ditch"},
		{"thousands and decimals", "1,000 people, 3.5% and 1,50", "1,000|people|,|3.5|%|and|1|,|50"},
		{"currency and time", "$5bn at 10:30.", "$|5bn|at|10:30|."},
		{"abbreviation without its dot", "St. Petersburg", "St|.|Petersburg"},
		{"quotation marks are tokens", "“Yes,” he said", "“|Yes|,|”|he|said"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(tokens(Split(tt.text)), "|"); got != tt.want {
				t.Errorf("tokens = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRuneOffsets(t *testing.T) {
	for _, text := range []string{"Zelenskiy’s “war” — in Kyiv", "ascii only", "a\xffb “c\x80”"} {
		d := Split(text)
		runes := []rune(text)
		for i, tok := range d.Tokens {
			if got := string(runes[tok.RStart:tok.REnd]); got != d.Slice(i, i+1) {
				t.Errorf("%q token %d: runes give %q, Slice %q", text, i, got, d.Slice(i, i+1))
			}
		}
	}
}

func TestQuotes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // quoted texts
		open []bool   // left open at the end of the paragraph
	}{
		{"curly", `“We will win,” he said.`, []string{"We will win"}, []bool{false}},
		{"straight, two", `"A b," she said, "c d."`, []string{"A b", "c d."}, []bool{false, false}},
		{"low-high", `„Wir gehen“, sagte er.`, []string{"Wir gehen"}, []bool{false}},
		{"guillemets", `«Nous partons» dit-il.`, []string{"Nous partons"}, []bool{false}},
		{"single curly", `‘Not now,’ Putin said.`, []string{"Not now"}, []bool{false}},
		{"apostrophes only", `The leaders’ summit in Russia’s capital.`, nil, nil},
		{"single inside double", `“He said ‘no’ to me,” she said.`, []string{"He said ‘no’ to me"}, []bool{false}},
		{"open at the end of a paragraph", "“We will fight on and on\n\n“and win,” he said.", []string{"We will fight on and on", "and win"}, []bool{true, false}},
		{"one-word straight single quotes are apostrophes", `the 'Rock' band`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Split(tt.text)
			if len(d.Quotes) != len(tt.want) {
				t.Fatalf("got %d quotations, want %d", len(d.Quotes), len(tt.want))
			}
			for i, q := range d.Quotes {
				if got := d.Slice(q.First, q.Last); got != tt.want[i] {
					t.Errorf("quotation %d = %q, want %q", i, got, tt.want[i])
				}
				if (q.Close < 0) != tt.open[i] {
					t.Errorf("quotation %d open = %v, want %v", i, q.Close < 0, tt.open[i])
				}
			}
		})
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{
			name: "full stops",
			text: "Putin spoke. Trump listened! Did it work? No.",
			want: []string{"Putin spoke.", "Trump listened!", "Did it work?", "No."},
		},
		{
			name: "abbreviations and initials",
			text: "Mr. Putin met J. K. Rowling in St. Petersburg. The talks ended.",
			want: []string{"Mr. Putin met J. K. Rowling in St. Petersburg.", "The talks ended."},
		},
		{
			name: "initialism at the end of a sentence",
			text: "Ukraine and the U.S. have sought it. It was sought by the U.S. The talks ended.",
			want: []string{"Ukraine and the U.S. have sought it.", "It was sought by the U.S.", "The talks ended."},
		},
		{
			name: "a quotation is not split",
			text: "“It is a last effort. I don’t think it will work,” said Gerhard Mangott. He left.",
			want: []string{"“It is a last effort. I don’t think it will work,” said Gerhard Mangott.", "He left."},
		},
		{
			name: "a sentence ending inside a quotation",
			text: "He said: “We will win.” Then he left.",
			want: []string{"He said: “We will win.”", "Then he left."},
		},
		{
			name: "paragraphs",
			text: "First line without stop\n\nSecond paragraph here.",
			want: []string{"First line without stop", "Second paragraph here."},
		},
		{
			name: "decimals",
			text: "Prices rose 3.5 percent in June.",
			want: []string{"Prices rose 3.5 percent in June."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Split(tt.text)
			var got []string
			for _, s := range d.Sentences {
				got = append(got, d.Slice(s.First, s.Last))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("sentences =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

func TestHeadings(t *testing.T) {
	tests := []struct {
		text    string
		heading bool
	}{
		{"No Offer of Concessions From Russia", true},
		{"‘LAST-DITCH EFFORT’", true},
		{"Rapprochement", true},
		{"Witkoff flew to Moscow on a last-minute mission.", false},
		{"Putin said he would attend the summit", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d := Split(tt.text)
			if got := d.Sentences[0].Heading; got != tt.heading {
				t.Errorf("heading = %v, want %v", got, tt.heading)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	d := Split(`He said: “Yes, now.” Then left.`)
	quoted, outside := -1, -1
	for i := range d.Tokens {
		switch d.Tok(i) {
		case "now":
			quoted = i
		case "He":
			outside = i
		}
	}
	if d.QuoteAt(quoted) != 0 || d.QuoteAt(outside) != -1 {
		t.Errorf("QuoteAt = %d, %d, want 0, -1", d.QuoteAt(quoted), d.QuoteAt(outside))
	}
	if d.SentenceAt(outside) != 0 || d.SentenceAt(len(d.Tokens)-1) != 1 {
		t.Errorf("SentenceAt = %d, %d, want 0, 1", d.SentenceAt(outside), d.SentenceAt(len(d.Tokens)-1))
	}
	if !d.Is(2, ":") || d.Is(0, ":") || d.Is(-1, ":") {
		t.Error("Is does not tell the colon")
	}
}
