package claims

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// checkSpans checks what every claim must satisfy: its span slices its text
// out of text, in runes, and its id is ID of its text and speaker.
func checkSpans(t testing.TB, text string, claims []events.Claim) {
	t.Helper()
	runes := []rune(text)
	prev := 0
	for i, c := range claims {
		if c.Start < 0 || c.End > len(runes) || c.Start >= c.End {
			t.Fatalf("claim %d span [%d,%d) out of range (text has %d runes)", i, c.Start, c.End, len(runes))
		}
		if got := string(runes[c.Start:c.End]); got != c.Text {
			t.Fatalf("claim %d: text[%d:%d] = %q, want its text %q", i, c.Start, c.End, got, c.Text)
		}
		if c.Start < prev {
			t.Errorf("claim %d starts at %d, before claim %d at %d", i, c.Start, i-1, prev)
		}
		prev = c.Start
		if want := ID(c.Kind, c.Text, c.Speaker); c.ID != want {
			t.Errorf("claim %d id = %q, want %q", i, c.ID, want)
		}
		if (c.Kind == events.ClaimNumber) != (c.Value != nil) {
			t.Errorf("claim %d of kind %s has value %v", i, c.Kind, c.Value)
		}
		// An article whose claim holds an infinity cannot be encoded.
		if c.Value != nil && (math.IsInf(*c.Value, 0) || math.IsNaN(*c.Value)) {
			t.Errorf("claim %d %.40q has value %v", i, c.Text, *c.Value)
		}
	}
	if len(claims) > MaxClaims {
		t.Errorf("%d claims, want at most %d", len(claims), MaxClaims)
	}
}

func ofKind(claims []events.Claim, k events.ClaimKind) []events.Claim {
	var out []events.Claim
	for _, c := range claims {
		if c.Kind == k {
			out = append(out, c)
		}
	}
	return out
}

func describe(cs []events.Claim) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  %s %q speaker=%q cue=%q", c.Kind, c.Text, c.Speaker, c.Cue)
		if c.Value != nil {
			fmt.Fprintf(&b, " value=%g unit=%q counts=%q", *c.Value, c.Unit, c.Counts)
		}
	}
	return b.String()
}

// attributed is a quote or statement a case wants, in order.
type attributed struct{ text, speaker, cue string }

// attributedCase is one text and the claims of one kind it should yield.
type attributedCase struct {
	name string
	text string
	want []attributed
}

// runAttributed extracts each case's text and checks its claims of kind
// (named noun in messages) against want, in order.
func runAttributed(t *testing.T, kind events.ClaimKind, noun string, tests []attributedCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(tt.text)
			checkSpans(t, tt.text, cs)
			got := ofKind(cs, kind)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d %ss, want %d:%s", len(got), noun, len(tt.want), describe(got))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Text != w.text || g.Speaker != w.speaker || g.Cue != w.cue {
					t.Errorf("%s %d = %q by %q (%q), want %q by %q (%q)", noun, i, g.Text, g.Speaker, g.Cue, w.text, w.speaker, w.cue)
				}
			}
		})
	}
}

func TestQuotes(t *testing.T) {
	type quote = attributed
	tests := []attributedCase{
		{
			name: "verb before name after the quotation",
			text: `“We will not give up,” said Gerhard Mangott, an Austrian analyst.`,
			want: []quote{{"We will not give up", "Gerhard Mangott", "said"}},
		},
		{
			name: "name before verb after the quotation",
			text: `"The talks went well," Steve Witkoff told reporters.`,
			want: []quote{{"The talks went well", "Steve Witkoff", "told"}},
		},
		{
			name: "colon before the quotation",
			text: `Vladimir Putin said: “Russia is ready for talks on our terms.”`,
			want: []quote{{"Russia is ready for talks on our terms.", "Vladimir Putin", "said"}},
		},
		{
			name: "pronoun resolves to the person who spoke before",
			text: "Andriy Yermak said on Wednesday that a ceasefire was needed. “The war must stop and for now this is on Russia,” he posted on Telegram.",
			want: []quote{{"The war must stop and for now this is on Russia", "Andriy Yermak", "posted"}},
		},
		{
			name: "pronoun resolves to the person named in the sentence before",
			text: "Analyst Gerhard Mangott met Putin. “Nothing will come of it,” he said.",
			want: []quote{{"Nothing will come of it", "Gerhard Mangott", "said"}},
		},
		{
			name: "surname resolves to the full name",
			text: "Gerhard Mangott is an analyst in Innsbruck.\n\n“The visit is a last-ditch effort,” Mangott said.",
			want: []quote{{"The visit is a last-ditch effort", "Gerhard Mangott", "said"}},
		},
		{
			name: "quotation carried on in the next paragraph",
			text: "“Russia will insist on its terms,” said Gerhard Mangott.\n\n“Trump will be under pressure to raise tariffs.”",
			want: []quote{{"Russia will insist on its terms", "Gerhard Mangott", "said"}, {"Trump will be under pressure to raise tariffs.", "Gerhard Mangott", ""}},
		},
		{
			name: "two quotations around the attribution",
			text: `Maria Zakharova spoke in Moscow. "We are ready to talk," she said, "but the other side is not."`,
			want: []quote{{"We are ready to talk", "Maria Zakharova", "said"}, {"but the other side is not.", "Maria Zakharova", "said"}},
		},
		{
			name: "scare quotes without a speaker are skipped",
			text: "Trump last week called the Russian attacks “disgusting”. Critics called it an \"outrageous\" move.",
			want: nil,
		},
		{
			name: "short quotation kept with a named speaker and a cue",
			text: `Analyst Gerhard Mangott described the talks as a "last-ditch effort" unlikely to succeed.`,
			want: []quote{{"last-ditch effort", "Gerhard Mangott", "described"}},
		},
		{
			name: "passive description by a named speaker",
			text: `They held a three-hour meeting described as "useful and constructive" by Kremlin aide Yuri Ushakov.`,
			want: []quote{{"useful and constructive", "Yuri Ushakov", "described"}},
		},
		{
			name: "guillemets",
			text: `«Nous n'avons pas le choix», said Jean Dupont, a baker.`,
			want: []quote{{"Nous n'avons pas le choix", "Jean Dupont", "said"}},
		},
		{
			name: "low-high quotation marks",
			text: `„Wir werden nicht nachgeben“, said Olaf Scholz.`,
			want: []quote{{"Wir werden nicht nachgeben", "Olaf Scholz", "said"}},
		},
		{
			name: "single quotation marks around speech",
			text: `‘We will win this war,’ Volodymyr Zelenskiy said.`,
			want: []quote{{"We will win this war", "Volodymyr Zelenskiy", "said"}},
		},
		{
			name: "apostrophes are not quotation marks",
			text: "The leaders’ summit was held in Russia’s capital and the ministers’ talks went on.",
			want: nil,
		},
		{
			name: "organisation as speaker",
			text: `“This was a deliberate attack on civilian infrastructure,” the ministry said in a statement.`,
			want: []quote{{"This was a deliberate attack on civilian infrastructure", "the ministry", "said"}},
		},
		{
			name: "title of a work without attribution is skipped",
			text: `The band played "Welcome To The Jungle Tonight" at the show.`,
			want: nil,
		},
		{
			name: "name set off after its title after the quotation",
			text: `"A three-day closure will cost the regional economy more than any wage settlement," the company's chief executive, Peter Aaland, said in a statement.`,
			want: []quote{{"A three-day closure will cost the regional economy more than any wage settlement", "Peter Aaland", "said"}},
		},
		{
			name: "title after the quotation resolves to its named holder",
			text: `Chief executive Peter Aaland met the union on Monday. "We will not raise our offer again," the chief executive said.`,
			want: []quote{{"We will not raise our offer again", "Peter Aaland", "said"}},
		},
		{
			name: "holder named after the title",
			text: `Peter Aaland, the chief executive, met the union. "We will not raise our offer again," the chief executive said.`,
			want: []quote{{"We will not raise our offer again", "Peter Aaland", "said"}},
		},
		{
			name: "title two people hold stays as written",
			text: `Chief executive Peter Aaland met chief executive Anna Berg. "We will not raise our offer again," the chief executive said.`,
			want: []quote{{"We will not raise our offer again", "the chief executive", "said"}},
		},
		{
			name: "speaker after the quotation wins over the group before",
			text: "Gerhard Mangott is an analyst. Russia, the sources said, is still willing to talk.\n\n“It has formulated these terms for the last two or three years,” Mangott said.",
			want: []quote{{"It has formulated these terms for the last two or three years", "Gerhard Mangott", "said"}},
		},
		{
			name: "a clause after the quotation is no apposition",
			text: `"We will win this in the end," the report, which she said was wrong, claimed.`,
			want: []quote{{"We will win this in the end", "", ""}},
		},
		{
			name: "unattributed long quotation is kept without a speaker",
			text: `The sign read "we are open for business as usual" in the window.`,
			want: []quote{{"we are open for business as usual", "", ""}},
		},
	}
	runAttributed(t, events.ClaimQuote, "quote", tests)
}

func TestStatements(t *testing.T) {
	type statement = attributed
	tests := []attributedCase{
		{
			name: "attribution closing the sentence",
			text: "Putin is unlikely to bow to the ultimatum, three sources close to the Kremlin told Reuters.",
			want: []statement{{"Putin is unlikely to bow to the ultimatum", "three sources close to the Kremlin", "told"}},
		},
		{
			name: "verb of saying without that",
			text: "Zelenskiy has said Ukraine would never recognise Russia's sovereignty over its regions.",
			want: []statement{{"Ukraine would never recognise Russia's sovereignty over its regions", "Zelenskiy", "said"}},
		},
		{
			name: "said on a weekday that",
			text: "Andriy Yermak, chief of staff to President Volodymyr Zelenskiy, said on Wednesday that a full ceasefire was required.",
			want: []statement{{"a full ceasefire was required", "Andriy Yermak", "said"}},
		},
		{
			name: "present tense with an organisation",
			text: "The Kremlin says threats to penalise countries that trade with Russia are illegal.",
			want: []statement{{"threats to penalise countries that trade with Russia are illegal", "The Kremlin", "says"}},
		},
		{
			name: "according to before the claim",
			text: "According to sources close to the government, the president does not expect new sanctions to bite.",
			want: []statement{{"the president does not expect new sanctions to bite", "sources close to the government", "according to"}},
		},
		{
			name: "according to after the claim",
			text: "Meetings are expected to happen on Wednesday, according to a source close to his calendar.",
			want: []statement{{"Meetings are expected to happen on Wednesday", "a source close to his calendar", "according to"}},
		},
		{
			name: "told an outlet that",
			text: "The Russian sources told Reuters that Putin was sceptical of more sanctions.",
			want: []statement{{"Putin was sceptical of more sanctions", "The Russian sources", "told"}},
		},
		{
			name: "participle after the main clause",
			text: "For its part, the Kremlin defended itself, saying that any bids to sanction its partners are without grounds.",
			want: []statement{{"any bids to sanction its partners are without grounds", "the Kremlin", "saying"}},
		},
		{
			name: "pronoun subject resolves",
			text: "Austrian analyst Gerhard Mangott said the visit was a desperate attempt. He added that the rhetoric was a sign of readiness for talks.",
			want: []statement{
				{"the visit was a desperate attempt", "Gerhard Mangott", "said"},
				{"the rhetoric was a sign of readiness for talks", "Gerhard Mangott", "added"},
			},
		},
		{
			name: "name set off after its title wins",
			text: "Its chief executive, Peter Aaland, warned that a three-day shutdown would hurt the regional economy.",
			want: []statement{{"a three-day shutdown would hurt the regional economy", "Peter Aaland", "warned"}},
		},
		{
			name: "title resolves to the holder named before",
			text: "Chief executive Peter Aaland spoke on Monday. Its chief executive said that a three-day shutdown would hurt the regional economy.",
			want: []statement{{"a three-day shutdown would hurt the regional economy", "Peter Aaland", "said"}},
		},
		{
			name: "a name after a plural possessive is a body",
			text: "About 2,300 workers joined the stoppage, the Harbour Workers' Union said, leaving ships at anchor.",
			want: []statement{{"About 2,300 workers joined the stoppage, the Harbour Workers' Union said, leaving ships at anchor", "the Harbour Workers' Union", "said"}},
		},
		{
			name: "passive is not a statement",
			text: "It has not been officially confirmed whether he will meet with Putin.",
			want: nil,
		},
		{
			name: "relative clause is not a statement",
			text: "Trump will be under great pressure to fulfil what he announced – new tariffs on Russian oil.",
			want: nil,
		},
		{
			name: "capitalised name is not a verb",
			text: "The United States faced stiff international criticism on Tuesday over its decision.",
			want: nil,
		},
		{
			name: "content too short",
			text: "Ukraine and many of its European allies say the opposite.",
			want: nil,
		},
	}
	runAttributed(t, events.ClaimStatement, "statement", tests)
}

func TestNumbers(t *testing.T) {
	type number struct {
		text   string
		value  float64
		unit   string
		counts string
	}
	tests := []struct {
		name string
		text string
		want []number
	}{
		{
			name: "at least people killed",
			text: "Russia carried out air attacks, killing at least 72 people in Kyiv.",
			want: []number{{"at least 72 people", 72, "people", "killing"}},
		},
		{
			name: "verb after the figure",
			text: "Officials said 14 people were injured overnight.",
			want: []number{{"14 people", 14, "people", "injured"}},
		},
		{
			name: "fraction compound",
			text: "He seeks a breakthrough in the 3-1/2-year war.",
			want: []number{{"3-1/2-year war", 3.5, "years", "war"}},
		},
		{
			name: "spelled compound",
			text: "They held a three-hour meeting in Moscow.",
			want: []number{{"three-hour meeting", 3, "hours", "meeting"}},
		},
		{
			name: "years of",
			text: "Sanctions would have little impact after 3-1/2 years of war.",
			want: []number{{"3-1/2 years", 3.5, "years", "war"}},
		},
		{
			name: "and a half",
			text: "It has endured shocks over the past three and a half years of war.",
			want: []number{{"three and a half years", 3.5, "years", "war"}},
		},
		{
			name: "hours, after a verb that does not count them",
			text: "Witkoff arrived less than 48 hours before the deadline.",
			want: []number{{"less than 48 hours", 48, "hours", ""}},
		},
		{
			name: "days before",
			text: "The talks came two days before the expiry of a deadline.",
			want: []number{{"two days", 2, "days", ""}},
		},
		{
			name: "dollars in billions",
			text: "The company agreed to pay $5 billion for the stake.",
			want: []number{{"$5 billion", 5e9, "USD", ""}},
		},
		{
			name: "currency word",
			text: "The fund lent 14 million crowns to the city.",
			want: []number{{"14 million crowns", 14e6, "crowns", ""}},
		},
		{
			name: "percentages",
			text: "Prices rose 1.2% in June and unemployment fell 0.3 per cent.",
			want: []number{{"1.2%", 1.2, "%", "rose"}, {"0.3 per cent", 0.3, "%", "fell"}},
		},
		{
			name: "range keeps its lower bound",
			text: "They have demanded it for the last two or three years.",
			want: []number{{"two or three years", 2, "years", ""}},
		},
		{
			name: "figure without a unit but with a verb",
			text: "A strike in Kyiv killing 72, has complicated negotiations.",
			want: []number{{"72", 72, "", "killing"}},
		},
		{
			name: "thousands separator and adjective",
			text: "Crews restored power to about 40,000 households and two residential buildings.",
			want: []number{{"about 40,000 households", 40000, "households", ""}, {"two residential buildings", 2, "buildings", ""}},
		},
		{
			name: "dates and years are not figures",
			text: "The war began in 2022 and talks resumed on March 9 and again on 4 May.",
			want: nil,
		},
		{
			name: "ordinals, names and definite numbers are not figures",
			text: "It was their third meeting. The S&P 500 gained. The two sides met and one of them left. A 787-9 flew. One expert spoke.",
			want: nil,
		},
		{
			name: "sentenced to years",
			text: "She had been sentenced to 12 years in prison.",
			want: []number{{"12 years", 12, "years", "sentenced"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(tt.text)
			checkSpans(t, tt.text, cs)
			got := ofKind(cs, events.ClaimNumber)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d numbers, want %d:%s", len(got), len(tt.want), describe(got))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Text != w.text || *g.Value != w.value || g.Unit != w.unit || g.Counts != w.counts {
					t.Errorf("number %d = %q (%g %q %q), want %q (%g %q %q)", i, g.Text, *g.Value, g.Unit, g.Counts, w.text, w.value, w.unit, w.counts)
				}
			}
		})
	}
}

func TestID(t *testing.T) {
	tests := []struct {
		name            string
		text1, speaker1 string
		text2, speaker2 string
		kind1, kind2    events.ClaimKind
		same            bool
	}{
		{"punctuation and case", "The war must stop, and now.", "Andriy Yermak", "the war must stop — and now", "ANDRIY YERMAK", events.ClaimQuote, events.ClaimQuote, true},
		{"curly and straight apostrophes", "I don’t think so", "Gerhard Mangott", "I don't think so", "Gerhard Mangott", events.ClaimQuote, events.ClaimQuote, true},
		{"other speaker", "The war must stop", "Andriy Yermak", "The war must stop", "Volodymyr Zelenskiy", events.ClaimQuote, events.ClaimQuote, false},
		{"other words", "a last-ditch effort", "Gerhard Mangott", "a last, desperate attempt", "Gerhard Mangott", events.ClaimQuote, events.ClaimQuote, false},
		{"other kind", "72 people", "", "72 people", "", events.ClaimNumber, events.ClaimStatement, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := ID(tt.kind1, tt.text1, tt.speaker1), ID(tt.kind2, tt.text2, tt.speaker2)
			if (a == b) != tt.same {
				t.Errorf("ID(%q, %q) = %s, ID(%q, %q) = %s, want equal %v", tt.text1, tt.speaker1, a, tt.text2, tt.speaker2, b, tt.same)
			}
			if len(a) != 18 {
				t.Errorf("ID = %q, want a prefix and 16 hex digits", a)
			}
		})
	}
}

func TestSameQuoteSameID(t *testing.T) {
	a := Extract(`“The visit is a last-ditch effort,” said Gerhard Mangott, an analyst.`)
	b := Extract("Austrian analyst Gerhard Mangott spoke to reporters.\n\n\"The visit is a last-ditch effort,\" Mangott said on Wednesday.")
	qa, qb := ofKind(a, events.ClaimQuote), ofKind(b, events.ClaimQuote)
	if len(qa) != 1 || len(qb) != 1 {
		t.Fatalf("quotes %s and %s, want one each", describe(qa), describe(qb))
	}
	if qa[0].ID != qb[0].ID {
		t.Errorf("ids %s (%q by %q) and %s (%q by %q), want equal", qa[0].ID, qa[0].Text, qa[0].Speaker, qb[0].ID, qb[0].Text, qb[0].Speaker)
	}
}

func TestMaxClaims(t *testing.T) {
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "“We lost %d tanks today,” said Gerhard Mangott. Officials said %d people were injured.\n\n", i+1, i+2)
	}
	text := b.String()
	cs := Extract(text)
	checkSpans(t, text, cs)
	if len(cs) != MaxClaims {
		t.Fatalf("got %d claims, want %d", len(cs), MaxClaims)
	}
	if n := len(ofKind(cs, events.ClaimQuote)); n != 150 {
		t.Errorf("got %d quotes, want all 150 kept before numbers", n)
	}
}
