package story

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// terms returns the terms analyze emits for a text, as "field:term".
func terms(title, text string) map[string]bool {
	out := map[string]bool{}
	analyze(title, text, func(field int, term string, _ int) { out[fieldNames[field]+":"+term] = true })
	return out
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name        string
		title, text string
		want, not   []string
	}{
		{
			name: "names inside sentences, with their surnames",
			text: "Police said Lindsay Lohan checked into the Betty Ford Center on Friday. Lohan, 26, was driving.",
			want: []string{"names:lindsay lohan", "names:lohan", "names:betty ford center", "names:center", "words:check",
				"words:driv", "words:lohan"},
			not: []string{"names:friday", "words:the", "names:police"},
		},
		{
			name: "a sentence-initial word is a name only when the text confirms it",
			text: "Rescuers searched the hills. Witkoff met Putin. Later Witkoff left.",
			want: []string{"names:witkoff", "names:putin"},
			not:  []string{"names:rescuers", "names:later"},
		},
		{
			name:  "title case headline: capitals confirmed in the text only",
			title: "Envoy Visits Moscow Before Sanctions Deadline",
			text:  "The envoy arrived in Moscow on Wednesday before the deadline.",
			want:  []string{"names:moscow", "words:envoy", "words:deadlin", "words:sanction"},
			not:   []string{"names:envoy", "names:visits", "names:deadline", "names:sanctions deadline"},
		},
		{
			name: "acronyms are names, capitals lines are not",
			text: "BREAKING NEWS\nThe FBI and NATO met in Brussels.",
			want: []string{"names:fbi", "names:nato", "names:brussels"},
			not:  []string{"names:breaking", "names:news"},
		},
		{
			name: "numbers with what they count, small counts dropped",
			text: "The navy captured 23 pirates and a 7.1 magnitude quake hit; 2 sides met. It cost $35,000.",
			want: []string{"numbers:23", "numbers:23 pirat", "numbers:7.1 magnitud", "numbers:35000"},
			not:  []string{"numbers:2", "numbers:2 sid"},
		},
		{
			name: "dates, years and weekdays",
			text: "On May 3, 2013 he left.\nPublished 05 / 02 / 2013 at 5: 03pm on Friday. Sept. 18th was a Monday.",
			want: []string{"dates:may 3", "dates:2013", "dates:may 2", "dates:feb 5", "dates:fri", "dates:sep 18", "dates:mon"},
			not:  []string{"numbers:5", "numbers:3", "numbers:2013", "numbers:03pm"},
		},
		{
			name: "bylines, initials and date lines",
			text: "By Gleb Bryanski and Mark Trevelyan\nUpdated 2.16PM IST, Thu March 3, 2009\nThe U.S. envoy met George W. Bush.",
			want: []string{"dates:thu", "dates:mar 3", "dates:2009", "names:george", "names:bush"},
			not: []string{"names:bryanski", "names:gleb bryanski", "names:trevelyan", "names:u", "names:s", "names:w",
				"numbers:2.16PM", "numbers:2.16pm", "names:thu"},
		},
		{
			name: "decimals of re-joined tokens and words that begin with digits",
			text: "A 5. 9 quake hit. The 76ers lost.",
			want: []string{"numbers:5.9", "numbers:5.9 quak", "words:76er"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := terms(tt.title, tt.text)
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("missing %s; got %v", w, sortedKeys(got))
				}
			}
			for _, n := range tt.not {
				if got[n] {
					t.Errorf("unwanted %s; got %v", n, sortedKeys(got))
				}
			}
		})
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"hire", "hires", "hired", "hiring"},
		{"fire", "fires", "fired", "firing"},
		{"check", "checks", "checked", "checking"},
		{"capture", "captured", "captures"},
		{"escape", "escaped", "escapes"},
		{"stop", "stopped", "stops"},
		{"injury", "injuries"},
		{"match", "matches"},
		{"steal", "steals", "stole", "stolen", "stealing"},
		{"flee", "fled", "fleeing"},
		{"strike", "struck", "strikes"},
		{"woman", "women"},
	}
	for _, g := range groups {
		for _, w := range g[1:] {
			if got, want := stem(w), stem(g[0]); got != want {
				t.Errorf("stem(%q) = %q, stem(%q) = %q; want equal", w, got, g[0], want)
			}
		}
	}
	for _, p := range [][2]string{{"fired", "hired"}, {"left", "leave"}, {"found", "find"}} {
		if stem(p[0]) == stem(p[1]) {
			t.Errorf("%s and %s stem alike: %q", p[0], p[1], stem(p[0]))
		}
	}
}

func TestVectorize(t *testing.T) {
	m := NewModel(DefaultOptions)
	text := "Wladimir Klitschko stopped Hasim Rahman in the seventh round in Mannheim on Saturday."
	a := m.Vectorize("Klitschko stops Rahman", text, true)
	if m.Docs() != 1 {
		t.Errorf("Docs() = %d after learning one, want 1", m.Docs())
	}
	if !slices.IsSorted(a.Terms) || len(a.Terms) != len(a.Weights) || len(a.Terms) == 0 {
		t.Fatalf("vector not sorted or ragged: %v %v", a.Terms, a.Weights)
	}
	var norm [NumFields]float64
	for i, term := range a.Terms {
		norm[fieldOf(term)] += float64(a.Weights[i]) * float64(a.Weights[i])
	}
	for f, n := range norm {
		if n != 0 && math.Abs(n-1) > 1e-5 {
			t.Errorf("field %s has squared norm %v, want 1", fieldNames[f], n)
		}
	}
	// A model is deterministic: the same history gives the same vector.
	m2 := NewModel(DefaultOptions)
	m2.Vectorize("Klitschko stops Rahman", text, true)
	b := m2.Vectorize("Klitschko stops Rahman", text, false)
	c := m.Vectorize("Klitschko stops Rahman", text, false)
	if !slices.Equal(b.Terms, c.Terms) || !slices.Equal(b.Weights, c.Weights) {
		t.Errorf("two models with one history disagree")
	}
	if m.Docs() != 1 {
		t.Errorf("Docs() = %d after a vector without learning, want 1", m.Docs())
	}
}

func TestVectorizeBounded(t *testing.T) {
	opts := DefaultOptions
	opts.TopTerms, opts.QueryTerms = 20, 12
	m := NewModel(opts)
	var b strings.Builder
	for i := range 200 {
		b.WriteString("word" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + " ")
	}
	v := m.Vectorize("", b.String(), true)
	if len(v.Terms) != 20 {
		t.Errorf("vector has %d terms, want 20", len(v.Terms))
	}
	if q := m.QueryTerms(v); len(q) != opts.QueryTerms {
		t.Errorf("%d query terms, want %d", len(q), opts.QueryTerms)
	}
}

func TestVectorizeArticle(t *testing.T) {
	m := NewModel(DefaultOptions)
	value := 72.0
	a := &events.Article{
		Title: "Envoy holds talks in Kremlin",
		Text:  "the envoy held talks with the president on wednesday.",
		Entities: []events.Entity{
			{Name: "Steve Witkoff", Type: events.EntityPerson, Mentions: 3},
			{Name: "Kremlin", Type: events.EntityOrganization, Mentions: 1},
		},
		Claims: []events.Claim{
			{ID: "q1", Kind: events.ClaimQuote, Text: "a last-ditch effort"},
			{ID: "n1", Kind: events.ClaimNumber, Value: &value, Unit: "people", Counts: "killed"},
		},
		PublishedAt: ptr(time.Date(2025, 8, 6, 0, 0, 0, 0, time.UTC)),
	}
	v := m.VectorizeArticle(a, true)
	want := map[uint32]string{
		m.id(FieldNames, "steve witkoff"): "the entity",
		m.id(FieldQuotes, "q1"):           "the quotation",
		m.id(FieldNumbers, "72 peopl"):    "the number claim",
	}
	for id, what := range want {
		if _, ok := slices.BinarySearch(v.Terms, id); !ok {
			t.Errorf("vector lacks %s", what)
		}
	}
	// The same quotation is evidence of the same story.
	b := m.VectorizeArticle(&events.Article{Title: "Other wording", Text: "entirely other words here.",
		Claims: a.Claims[:1]}, true)
	var c Centroid
	m.Add(&c, v)
	if f := m.Features(b, &c); f[FeatAll] == 0 {
		t.Errorf("a shared quotation does not count: %v", f)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCompare(t *testing.T) {
	m := NewModel(DefaultOptions)
	// Some background so that term rarity means something.
	for _, s := range []string{
		"The city council approved the library budget after a long debate about opening hours.",
		"Shares fell on Monday as investors weighed the central bank's next move on interest rates.",
		"The football club signed a new striker from a rival team for an undisclosed fee.",
		"Heavy rain flooded streets in the capital and forced schools to close early.",
	} {
		m.Vectorize("", s, true)
	}
	story := []string{
		"Wladimir Klitschko stopped Hasim Rahman in the seventh round at SAP Arena in Mannheim to keep his heavyweight titles.",
		"Hasim Rahman was stopped by Wladimir Klitschko in round seven in Mannheim, and Klitschko kept the belts.",
	}
	tests := []struct {
		name string
		text string
		same bool
	}{
		{"rewrite", "Klitschko beat Rahman in Mannheim, stopping him in the seventh round to retain his heavyweight belts.", true},
		{"unrelated", "The city council debated the library budget and opening hours for a second night.", false},
		{"same cast, another fight", "Klitschko will face Tony Thompson in Bern in July, his promoter said after talks in Hamburg.", false},
	}
	var c Centroid
	for _, s := range story {
		m.Add(&c, m.Vectorize("", s, true))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Compare(m.Vectorize("", tt.text, false), &c)
			if r.Same != tt.same {
				t.Errorf("Same = %v (score %v, %v), want %v", r.Same, r.Score, r.Scores(), tt.same)
			}
			if r.Threshold != DefaultOptions.Threshold || len(r.Scores()) != NumFeatures {
				t.Errorf("match lacks its measurements: %+v", r)
			}
			if r.Bridge && (!r.Same || r.Score < DefaultOptions.BridgeThreshold) {
				t.Errorf("Bridge without a score of %v: %+v", DefaultOptions.BridgeThreshold, r)
			}
		})
	}
}

// Two stories told in the same words whose names differ are two stories;
// a name that opens a sentence, read as a word, is still shared. Nor is a
// name, a place and a day enough: an article shares words with its story.
func TestStrangers(t *testing.T) {
	m := NewModel(DefaultOptions)
	for _, s := range []string{
		"The city council approved the library budget after a long debate about opening hours.",
		"Shares fell on Monday as investors weighed the central bank's next move on interest rates.",
	} {
		m.Vectorize("", s, true)
	}
	var c Centroid
	m.Add(&c, m.Vectorize("Fire at Halden port", "A fire broke out at Halden port on Tuesday. No injuries were reported.", true))
	tests := []struct {
		name, title, text string
		same              bool
	}{
		{"another place", "Fire at Kessby school", "A fire broke out at Kessby school on Tuesday. No injuries were reported.", false},
		{"the same place", "Port fire", "A fire broke out at the port of Halden on Tuesday, and no injuries were reported.", true},
		{"the name opens a sentence", "Port fire", "Halden port was hit by a fire on Tuesday. No injuries were reported, a fire broke out.", true},
		{"no names", "Port fire", "A fire broke out at the port on Tuesday. No injuries were reported.", true},
		// A sentence shares the name, the place and the day, and one word.
		{"another event at the place", "Strike ends at Halden port", "The strike at Halden port ended on Tuesday.", false},
		{"two words shared", "Halden port fire", "A fire at Halden port on Tuesday.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Compare(m.Vectorize(tt.title, tt.text, false), &c)
			if r.Same != tt.same {
				t.Errorf("Same = %v (score %v, %v), want %v", r.Same, r.Score, r.Scores(), tt.same)
			}
		})
	}
}

func TestLink(t *testing.T) {
	m := NewModel(DefaultOptions)
	for _, s := range []string{
		"The city council approved the library budget after a long debate about opening hours.",
		"Shares fell on Monday as investors weighed the central bank's next move on interest rates.",
	} {
		m.Vectorize("", s, true)
	}
	add := func(c *Centroid, texts ...string) {
		for _, s := range texts {
			m.Add(c, m.Vectorize("", s, true))
		}
	}
	var a, b, other Centroid
	add(&a, "Wladimir Klitschko stopped Hasim Rahman in the seventh round in Mannheim to keep his heavyweight titles.",
		"Klitschko beat Rahman in Mannheim in round seven and kept the belts.")
	add(&b, "Rahman was stopped by Klitschko in Mannheim in the seventh round; Klitschko retains the titles.",
		"In Mannheim, Klitschko stopped Rahman in the seventh to keep the heavyweight belts.")
	add(&other, "Heavy rain flooded streets in the capital and forced schools to close early on Tuesday.",
		"Schools closed early as floods hit the capital after heavy rain.")
	if r := m.Link(&a, &b); !r.Same || r.Threshold != DefaultOptions.LinkThreshold {
		t.Errorf("two halves of one story not merged: %+v", r)
	}
	if r := m.Link(&a, &other); r.Same || r.Score >= DefaultOptions.LinkThreshold {
		t.Errorf("two stories merged: %+v", r)
	}
	// A story that let its exemplars go is linked with nothing, not even
	// its other half: compared whole, stories look alike far too often.
	a.DropExemplars()
	if r := m.Link(&a, &b); r.Same || r.Score != 0 {
		t.Errorf("a story without exemplars linked: %+v", r)
	}
}

func TestExemplars(t *testing.T) {
	opts := DefaultOptions
	opts.Exemplars = 3
	opts.SplitMembers = 0
	m := NewModel(opts)
	texts := []string{"alpha beta gamma", "delta epsilon zeta", "eta theta iota", "kappa lambda mu", "nu xi omicron"}
	var vs []Vector
	for _, s := range texts {
		vs = append(vs, m.Vectorize("", s, true))
	}
	var c Centroid
	m.Add(&c, vs[0])
	if c.Exemplars() != 0 {
		t.Fatalf("a story of one keeps %d exemplars, want none (it is its own)", c.Exemplars())
	}
	for i, want := range []int{2, 3, 3} {
		m.Add(&c, vs[i+1])
		if c.Exemplars() != want {
			t.Fatalf("story of %d keeps %d exemplars, want %d", c.N, c.Exemplars(), want)
		}
	}
	// The first members stand for the story: the first exemplar is the
	// first article alone.
	var first Centroid
	m.Add(&first, vs[0])
	if !slices.Equal(c.exemplars[0].Terms, first.Terms) {
		t.Errorf("first exemplar %v, want the first member %v", c.exemplars[0].Terms, first.Terms)
	}
	// A merge adds the other story's members up to the limit.
	var d, e Centroid
	m.Add(&d, vs[0])
	m.Add(&e, vs[1])
	m.Add(&e, vs[2])
	m.Merge(&d, &e)
	if d.N != 3 || d.Exemplars() != 3 {
		t.Errorf("merged story of %d keeps %d exemplars, want 3 of 3", d.N, d.Exemplars())
	}
	// A story whose exemplars were let go gets none back.
	d.DropExemplars()
	m.Add(&d, vs[3])
	if d.Exemplars() != 0 {
		t.Errorf("a story that dropped its exemplars keeps %d after growing", d.Exemplars())
	}
	// Nor does a story of one it is merged into.
	var one Centroid
	m.Add(&one, vs[4])
	m.Merge(&one, &d)
	if one.Exemplars() != 0 || one.N != 5 {
		t.Errorf("a story of one merged with a story without exemplars: %d members, %d exemplars; want 5, 0", one.N, one.Exemplars())
	}
	// Zero exemplars keep none at all.
	opts.Exemplars = 0
	m0 := NewModel(opts)
	var z Centroid
	m0.Add(&z, vs[0])
	m0.Add(&z, vs[1])
	if z.Exemplars() != 0 {
		t.Errorf("Exemplars 0 kept %d", z.Exemplars())
	}
}

func TestCentroidSortedAndBounded(t *testing.T) {
	opts := DefaultOptions
	opts.MemberTerms, opts.CentroidTerms = 6, 10
	m := NewModel(opts)
	var c Centroid
	for _, text := range []string{"alpha beta gamma delta epsilon zeta eta", "theta iota kappa lambda mu nu xi",
		"omicron pi rho sigma tau upsilon phi"} {
		m.Add(&c, m.Vectorize("", text, true))
		if limit := min(10, 6*c.N); len(c.Terms) > limit {
			t.Errorf("story of %d has %d terms, want at most %d", c.N, len(c.Terms), limit)
		}
	}
	if c.N != 3 || len(c.Terms) != len(c.Weights()) || !slices.IsSorted(c.Terms) {
		t.Errorf("centroid of %d members, %d terms, %d weights, sorted %v", c.N, len(c.Terms), len(c.Weights()), slices.IsSorted(c.Terms))
	}
	var d Centroid
	m.Add(&d, m.Vectorize("", "alpha beta chi psi omega", true))
	m.Merge(&c, &d)
	if c.N != 4 || len(c.Terms) > 10 || !slices.IsSorted(c.Terms) {
		t.Errorf("merged centroid: %d members, %d terms", c.N, len(c.Terms))
	}
}

func TestPostings(t *testing.T) {
	m := NewModel(DefaultOptions)
	p := NewPostings(3)
	rare, common := m.id(FieldNames, "rahman"), m.id(FieldWords, "fight")
	for i := range 10 {
		m.df[common]++
		m.docs++
		p.Add(int32(i), []uint32{common})
	}
	p.Add(7, []uint32{rare})
	p.Add(7, []uint32{rare}) // twice is once
	if got := p.stories(common); !slices.Equal(got, []int32{7, 8, 9}) {
		t.Errorf("postings keep %v, want the 3 most recent stories", got)
	}
	if got := p.stories(rare); !slices.Equal(got, []int32{7}) {
		t.Errorf("postings of a term added twice: %v", got)
	}
	got := p.Candidates(m, []uint32{common, rare}, 2)
	if !slices.Equal(got, []int32{7, 9}) {
		t.Errorf("Candidates = %v, want 7 (shares the rare term) then 9 (the most recent)", got)
	}
}

func TestMarshalBinary(t *testing.T) {
	m := NewModel(DefaultOptions)
	for _, s := range []string{"Klitschko stopped Rahman in Mannheim.", "Rahman lost to Klitschko on Saturday."} {
		m.Vectorize("", s, true)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	n := NewModel(DefaultOptions)
	if err := n.UnmarshalBinary(data); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	a := m.Vectorize("", "Klitschko beat Rahman.", false)
	b := n.Vectorize("", "Klitschko beat Rahman.", false)
	if n.Docs() != 2 || !slices.Equal(a.Terms, b.Terms) || !slices.Equal(a.Weights, b.Weights) {
		t.Errorf("restored model differs: %d docs", n.Docs())
	}
	for _, bad := range [][]byte{nil, {1}, append(data, 0), data[:len(data)-1]} {
		if err := NewModel(DefaultOptions).UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%v) accepted malformed data", bad)
		}
	}
}

// A model keeps the statistics of two generations: a term the stream
// stopped using weighs, two generations on, what a term never seen weighs,
// and the model no longer holds it.
func TestModelForgetsOldGenerations(t *testing.T) {
	m := NewModel(DefaultOptions)
	m.Age(10)
	m.Vectorize("", "Klitschko stopped Rahman in Mannheim.", true)
	m.Vectorize("", "Klitschko lost to Rahman on Saturday.", true)
	rahman := func() float64 { return m.IDF(m.id(FieldNames, "rahman")) }
	unseen := func() float64 { return m.IDF(m.id(FieldNames, "zzyzx")) }
	learned := rahman()
	if learned >= unseen() {
		t.Fatalf("a term of both documents weighs %.3f, no less than an unseen one (%.3f)", learned, unseen())
	}
	m.Age(11)
	m.Vectorize("", "Ostrava opened a bridge.", true)
	if got := rahman(); got >= unseen() || m.Docs() != 3 {
		t.Errorf("one generation on: the term weighs %.3f (unseen %.3f) over %d documents, want it still known over 3", got, unseen(), m.Docs())
	}
	m.Age(11) // the same generation again: nothing moves
	m.Age(9)  // nor does an earlier one
	if m.Docs() != 3 {
		t.Errorf("ageing to the same or an earlier generation changed the documents to %d", m.Docs())
	}
	m.Age(12)
	if got := rahman(); got != unseen() || m.Docs() != 1 {
		t.Errorf("two generations on: the term weighs %.3f, want %.3f as unseen, over %d documents, want 1", got, unseen(), m.Docs())
	}
	terms := m.Terms()
	m.Age(14) // a gap: both generations go
	if m.Docs() != 0 || m.Terms() != 0 || terms == 0 {
		t.Errorf("after a gap of two generations the model keeps %d documents and %d terms (had %d), want none", m.Docs(), m.Terms(), terms)
	}
}

func TestDateConflicts(t *testing.T) {
	m := NewModel(DefaultOptions)
	vec := func(dates ...string) ([]uint32, []float32) {
		counts := map[uint32]float64{}
		for _, d := range dates {
			counts[m.id(FieldDates, d)]++
		}
		v := m.vector(counts, false)
		return v.Terms, v.Weights
	}
	tests := []struct {
		name            string
		article, story  []string
		dates, weekdays float64
		datesOK, weekOK bool
	}{
		{name: "a day apart is the same event", article: []string{"jul 28", "2004"}, story: []string{"jul 29", "2004"}},
		{name: "weeks apart is not", article: []string{"jul 28"}, story: []string{"aug 19"}, dates: 1},
		{name: "another year", article: []string{"2008"}, story: []string{"2009"}, dates: 1},
		{name: "across the new year too", article: []string{"dec 30"}, story: []string{"jan 2"}},
		{name: "half the story's weight on another day", article: []string{"fri"}, story: []string{"fri", "wed"}, weekdays: 0.5},
		{name: "another weekday", article: []string{"fri"}, story: []string{"wed"}, weekdays: 1},
		{name: "the day after is the same event", article: []string{"fri"}, story: []string{"thu"}},
		{name: "across the turn of the week too", article: []string{"sun"}, story: []string{"sat"}},
		{name: "a weekday not read is only itself", article: []string{"frx"}, story: []string{"fri"}, weekdays: 1},
		{name: "no common kind of date", article: []string{"fri"}, story: []string{"may 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vt, vw := vec(tt.article...)
			ct, cw := vec(tt.story...)
			d, w := dateConflicts(vt, vw, ct, cw)
			if math.Abs(d-tt.dates) > 1e-6 || math.Abs(w-tt.weekdays) > 1e-6 {
				t.Errorf("conflicts = %.3f, %.3f; want %.3f, %.3f", d, w, tt.dates, tt.weekdays)
			}
		})
	}
}

func TestContradicts(t *testing.T) {
	m := NewModel(DefaultOptions)
	texts := []string{
		"The envoy Kessler arrived in Halden on Wednesday and met the mayor Solberg about the harbour strike.",
		"Kessler met Solberg in Halden on Wednesday to end the harbour strike, officials said.",
		"The envoy arrived in Brekke on Friday to meet Admiral Vang and the Norrland fleet about the navy.",
	}
	var story Centroid
	for _, x := range texts[:2] {
		m.Add(&story, m.Vectorize("", x, true))
	}
	other := m.Vectorize("", texts[2], true)
	var single Centroid
	m.Add(&single, other)
	if !m.Contradicts(&story, &single) {
		t.Errorf("a story of another day about other people does not contradict: %v", m.StoryFeatures(&story, &single))
	}
	if r := m.Compare(other, &story); r.Same {
		t.Errorf("the article of another day joins the story: %+v", r)
	}
	var one Centroid
	m.Add(&one, m.Vectorize("", texts[0], false))
	if m.Contradicts(&story, &one) {
		t.Errorf("a story contradicts one of its own members: %v", m.StoryFeatures(&story, &one))
	}
}

func TestKth(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 200; n += 7 {
		for _, distinct := range []int{3, 1000} {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = float64(r.IntN(distinct))
			}
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			for k := 1; k <= n; k += 1 + n/5 {
				if got, want := kth(slices.Clone(xs), k), sorted[n-k]; got != want {
					t.Fatalf("kth(n=%d, k=%d) = %v, want %v", n, k, got, want)
				}
			}
		}
	}
}

func TestCentroidWeightsKeepThreeSignificantDigits(t *testing.T) {
	for _, w := range []float32{0, 1, 0.1, 0.333333, 2.71828, 1e-4, 37.5, 123.456} {
		got := fromB16(toB16(w))
		if diff := math.Abs(float64(got - w)); diff > float64(w)/256 {
			t.Errorf("%v stored as %v: off by %v", w, got, diff)
		}
	}
	if got := fromB16(toB16(1 + 1.0/256)); got != 1 {
		// Halfway between 1 and the next bfloat16: ties go to even.
		t.Errorf("1+2⁻⁸ stored as %v, want 1", got)
	}
}

// TestAnalyzerCountsLikeVectorize vectorizes texts through an Analyzer and
// VectorizeCounts, as an engine replaying decisions does, and through
// Vectorize: the vectors, and what the two models learn, are the same.
func TestAnalyzerCountsLikeVectorize(t *testing.T) {
	texts := [][2]string{
		{"Halden strike", "Dock workers at the port of Halden walked off the job on Monday, March 9, 2026, for 72 hours. About 2,300 workers joined, the union said."},
		{"Ships off Halden", "More than forty container ships were left idling off Port Halden on Monday after roughly 2,300 dock workers downed tools."},
		{"", "The central library in Kessby reopened on Saturday, two years after a flood. \"It is a good day,\" said Sofie Dahl."},
		{"Empty", ""},
	}
	direct, counted := NewModel(DefaultOptions), NewModel(DefaultOptions)
	z := counted.Analyzer()
	for i, tt := range texts {
		want := direct.Vectorize(tt[0], tt[1], true)
		got := counted.VectorizeCounts(z.Counts(tt[0], tt[1]), true)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("text %d: through an Analyzer %+v, want %+v", i, got, want)
		}
	}
	a, _ := direct.MarshalBinary()
	b, _ := counted.MarshalBinary()
	if !bytes.Equal(a, b) {
		t.Error("the models learned differently")
	}
	if (NewModel(Options{KeepText: true})).Analyzer() != nil {
		t.Error("a model that keeps its terms' text handed out an Analyzer")
	}
}
