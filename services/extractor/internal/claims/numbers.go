package claims

import (
	"math"
	"strconv"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/entities"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// numbers finds figures in sentence si.
func (f *finder) numbers(si int) {
	s := f.d.Sentences[si]
	for i := s.First; i < s.Last; i++ {
		if !f.mayStartNumber(i) {
			continue
		}
		if end, ok := f.number(si, i); ok {
			i = end - 1
		}
	}
}

// mayStartNumber is a quick test that token i can open a figure.
func (f *finder) mayStartNumber(i int) bool {
	t := &f.d.Tokens[i]
	switch t.Kind {
	case segment.Number:
		return true
	case segment.Punct:
		_, ok := currencySymbols[f.d.Tok(i)]
		return ok
	}
	if f.classes[i]&classSpelled != 0 {
		return true
	}
	head, _, ok := strings.Cut(f.lower[i], "-")
	if !ok {
		return false
	}
	_, ok = spelled[head]
	return ok
}

// figure is a number being read.
type figure struct {
	first, last int // tokens of the figure as claimed: "at least 72 people"
	value       float64
	upper       float64 // of a range, above value; 0 for none
	unit        string
	counts      string
	currency    bool
	spelled     bool
}

// number reads a figure starting at token i and records it. It returns the
// token after it.
func (f *finder) number(si, i int) (int, bool) {
	d := f.d
	s := d.Sentences[si]
	g := figure{first: i}
	t := &d.Tokens[i]
	k := i
	if t.Kind == segment.Punct {
		code, ok := currencySymbols[d.Tok(i)]
		if !ok || i+1 >= s.Last || d.Tokens[i+1].Kind != segment.Number || d.Tokens[i+1].Space {
			return 0, false
		}
		g.unit, g.currency = code, true
		k = i + 1
	}
	value, compound, ok := f.parseAt(k, i == s.First)
	if !ok {
		return 0, false
	}
	g.value, g.spelled = value, d.Tokens[k].Kind == segment.Word
	if !g.spelled {
		if _, hi, _, ok := parseNumericRange(d.Tok(k)); ok && hi > value {
			g.upper = hi // "10-12"
		}
	}
	if g.spelled && i > s.First {
		if p := f.word(i - 1); p == "the" || p == "these" || p == "those" || p == "their" || p == "its" || p == "his" || p == "her" || p == "our" {
			return 0, false
		}
	}
	if !g.spelled && f.isDateOrTime(k, s) {
		return 0, false
	}
	k++
	// "three and a half years".
	if f.word(k) == "and" && f.word(k+1) == "a" && f.word(k+2) == "half" && compound == "" {
		g.value += 0.5
		k += 3
	}
	scaled := false
	if m, ok := multipliers[f.word(k)]; ok && compound == "" {
		g.value *= m
		g.upper *= m
		k++
		scaled = true
	}
	// A range gives its lower bound as the value and its upper bound:
	// "two or three years", "10 to 12", "between 10 and 20". A multiplier
	// after it scales both ends: "10 to 12 million".
	between := i-1 >= s.First && f.word(i-1) == "between"
	if w := f.word(k); (w == "or" || w == "to" || w == "and" && between) && compound == "" {
		if hi, _, ok := f.parseAt(k+1, false); ok && d.Tokens[k+1].Kind == d.Tokens[k-1].Kind {
			k += 2
			if m, ok := multipliers[f.word(k)]; ok {
				if !scaled {
					g.value *= m
				}
				hi *= m
				k++
			}
			if hi > g.value {
				g.upper = hi
			}
		}
	}
	switch {
	case compound != "":
		// "3-1/2-year war", "three-hour meeting", "twelve-hour night
		// shifts": the noun phrase after the compound is what it
		// counts. The compound's unit is singular by grammar alone, so
		// it is given in the plural a figure of it takes elsewhere:
		// "72-hour strike" and "72 hours" have one unit.
		g.unit = pluralUnit(compound)
		if w := f.word(k); w != "" && !unitStops[w] && !d.Tokens[k].Cap && d.Tokens[k].Kind == segment.Word {
			head := f.nounHead(k, 2)
			if head > k && !f.endsPhrase(head+1) {
				// "5-minute charge gives": the head of a compound
				// is singular, a plural after it a verb unless
				// the phrase plainly ends there.
				head = k
			}
			g.counts = d.Slice(k, head+1)
			k = head + 1
		}
	case g.currency:
	case f.punct(k) == "%":
		g.unit = "%"
		k++
	case f.word(k) == "percent" || f.word(k) == "pct":
		g.unit = "%"
		k++
	case f.word(k) == "per" && f.word(k+1) == "cent":
		g.unit = "%"
		k += 2
	default:
		u := k
		if (unitAdjectives[f.word(u)] || adjective(f.word(u))) && f.isUnit(u+1) && !d.Tokens[u+1].Cap {
			u++
		}
		if f.isUnit(u) {
			// "41 container ships", "2,300 dock workers": the unit
			// is the head of the noun phrase, the claim all of it.
			// A figure of one counts a singular noun, whose head
			// cannot be told from a verb after it ("1 ship sank").
			head := u
			if g.value != 1 || g.upper != 0 {
				head = f.nounHead(u, 2)
			}
			g.unit = f.word(head)
			if g.value == 1 && g.upper == 0 && !d.Tokens[head].Cap {
				g.unit = pluralUnit(g.unit)
			}
			k = head + 1
		}
	}
	g.last = k
	g.first = f.qualifierStart(i, s.First)
	if g.counts == "" {
		g.counts = f.countsAround(g.first, g.last, s)
	}
	if g.unit == "" && (g.spelled || g.counts == "") {
		return 0, false
	}
	if g.spelled && g.value == 1 && compound == "" {
		// "one legal expert", "one of the last moves": an article,
		// not a figure.
		return 0, false
	}
	if !g.spelled && !g.currency && g.first == i && i > s.First && f.isCap(i-1) && !f.d.Tokens[i-1].Upper && !f.articleBefore(i, compound) {
		// "Article 5", "Boeing 737", "S&P 500": a number in a name.
		// A capitalised qualifier ("Nearly 100 people", opening the
		// sentence) is no name.
		return 0, false
	}
	if math.IsInf(g.value, 0) || math.IsNaN(g.value) {
		// Hundreds of digits, or a multiplier on them, overflow: no
		// figure a story states, and no value JSON can carry.
		return 0, false
	}
	if math.IsInf(g.upper, 0) || math.IsNaN(g.upper) || g.upper <= g.value {
		g.upper = 0
	}
	c := f.add(events.ClaimNumber, g.first, g.last, "", "")
	v := g.value
	c.Value, c.Unit, c.Counts = &v, g.unit, g.counts
	if g.upper != 0 {
		u := g.upper
		c.Upper = &u
	}
	return g.last, true
}

// articleBefore reports whether the word before the figure at token i is
// an article that opens its noun phrase, not a name: "A 72-hour strike",
// "Its 275-horsepower motor", but "The 777 program".
func (f *finder) articleBefore(i int, compound string) bool {
	switch f.word(i - 1) {
	case "a", "an":
		return true
	case "the", "its", "his", "her", "their", "our":
		return compound != ""
	}
	return false
}

// parseAt reads the number in token i: digits ("72", "1,000", "3.5",
// "3-1/2", "5bn") or words ("three", "twenty-five"); a hyphened word after
// it is a compound unit ("3-1/2-year", "three-hour"). capital allows a
// capitalised number word, at a sentence start.
func (f *finder) parseAt(i int, capital bool) (float64, string, bool) {
	d := f.d
	if i >= len(d.Tokens) {
		return 0, "", false
	}
	t := &d.Tokens[i]
	switch t.Kind {
	case segment.Number:
		return parseNumeric(d.Tok(i))
	case segment.Word:
		if t.Cap && !capital {
			return 0, "", false
		}
		w := f.word(i)
		if v, ok := spelled[w]; ok {
			return v, "", true
		}
		return parseSpelled(w)
	}
	return 0, "", false
}

// parseNumeric parses a number token: "72", "1,000", "3.5", "3-1/2",
// "3-1/2-year", "10-12", "5bn". Ordinals, decades and times are not
// figures.
func parseNumeric(s string) (float64, string, bool) {
	v, _, unit, ok := parseNumericRange(s)
	return v, unit, ok
}

// parseNumericRange is parseNumeric that also returns the upper bound of a
// range ("10-12": 10, 12), or the value again.
func parseNumericRange(s string) (v, upper float64, unit string, ok bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '‐' || r == '‑' })
	if len(parts) == 0 {
		return 0, 0, "", false
	}
	v, ok = parseDigits(parts[0])
	if !ok {
		return 0, 0, "", false
	}
	upper = v
	rest := parts[1:]
	if len(rest) > 0 {
		if frac, ok := parseFraction(rest[0]); ok && !strings.Contains(parts[0], "/") {
			v += frac
			rest = rest[1:]
		} else if hi, ok := parseDigits(rest[0]); ok {
			// A range, "10-12", gives its bounds; "787-9" is a
			// model, not a range.
			if hi <= v {
				return 0, 0, "", false
			}
			upper = hi
			rest = rest[1:]
		}
	}
	unit = strings.Join(rest, "-")
	for _, r := range unit {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return 0, 0, "", false
		}
	}
	return v, upper, strings.ToLower(unit), true
}

// parseDigits parses "72", "1,000", "3.5", "1/2" and "5bn".
func parseDigits(s string) (float64, bool) {
	if strings.ContainsAny(s, ":") {
		return 0, false
	}
	if frac, ok := parseFraction(s); ok {
		return frac, true
	}
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || s[end] == ',') {
		end++
	}
	if end == 0 {
		return 0, false
	}
	mult := 1.0
	if suffix := s[end:]; suffix != "" {
		m, ok := suffixes[strings.ToLower(suffix)]
		if !ok {
			return 0, false
		}
		mult = m
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s[:end], ",", ""), 64)
	if err != nil {
		return 0, false
	}
	return v * mult, true
}

// parseFraction parses "1/2".
func parseFraction(s string) (float64, bool) {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	a, err1 := strconv.Atoi(num)
	b, err2 := strconv.Atoi(den)
	if err1 != nil || err2 != nil || b == 0 || a < 0 {
		return 0, false
	}
	return float64(a) / float64(b), true
}

// parseSpelled parses hyphened number words: "twenty-five", "three-hour".
func parseSpelled(w string) (float64, string, bool) {
	parts := strings.Split(w, "-")
	if len(parts) < 2 {
		return 0, "", false
	}
	v, ok := spelled[parts[0]]
	if !ok || v > 90 {
		return 0, "", false
	}
	rest := parts[1:]
	if u, ok := spelled[rest[0]]; ok && v >= 20 && u < 10 {
		v += u
		rest = rest[1:]
	}
	return v, strings.Join(rest, "-"), true
}

// isDateOrTime reports whether the number at token i of sentence s is part
// of a date, a year or a time: "March 9", "9 March", "in 2021", "10 a.m.".
func (f *finder) isDateOrTime(i int, s segment.Sentence) bool {
	d := f.d
	if i > s.First && entities.IsTimeWord(d.Tok(i-1)) || i+1 < s.Last && entities.IsTimeWord(d.Tok(i+1)) {
		return true
	}
	switch f.word(i + 1) {
	case "a.m.", "p.m.", "am", "pm", "gmt", "utc", "bst", "cet", "est", "edt", "pst":
		return true
	}
	tok := d.Tok(i)
	if len(tok) == 4 && tok >= "1800" && tok <= "2100" && d.Tokens[i].Kind == segment.Number {
		return f.punct(i-1) != "$"
	}
	return false
}

// isUnit reports whether token i can be what a number counts.
func (f *finder) isUnit(i int) bool {
	d := f.d
	if i >= len(d.Tokens) || d.Tokens[i].Kind != segment.Word {
		return false
	}
	w := f.word(i)
	if unitStops[w] || entities.IsTimeWord(d.Tok(i)) {
		return false
	}
	if _, ok := spelled[w]; ok {
		return false
	}
	// A verb says what happened to the figure, not what it counts.
	if countVerbs[w] || len(w) > 4 && strings.HasSuffix(w, "ed") {
		return false
	}
	return true
}

// nounHead returns the head of the noun phrase that starts at token u, a
// unit (isUnit): the first plural noun among u and the up to extra
// lower-case nouns after it, each before it singular ("container ships",
// "night shifts", "port crane operators"); u itself when there is none.
// A plural ends the phrase, so that a verb after it ("workers strike") is
// not taken for its head.
func (f *finder) nounHead(u, extra int) int {
	d := f.d
	for i := u; i <= u+extra; i++ {
		if i > u && (i >= len(d.Tokens) || d.Tokens[i].Cap || !d.Tokens[i].Space || !f.isUnit(i) || !lowerASCII(f.word(i))) {
			break
		}
		if plural(f.word(i)) {
			if i > u && nounOpeners[f.word(i+1)] {
				// "four-cylinder engine replaces the": a verb
				// with its object.
				return u
			}
			return i
		}
	}
	return u
}

// phraseEnds can follow a noun phrase but not a verb: prepositions,
// conjunctions and relative pronouns, and auxiliaries.
var phraseEnds = setOf(`of in on at for with from to by and or but that which who were are have had will would
as than per across`)

// endsPhrase reports whether token i can follow a noun phrase and not a
// verb: punctuation, the end of the text, or a phraseEnds word.
func (f *finder) endsPhrase(i int) bool {
	return i >= len(f.d.Tokens) || f.d.Tokens[i].Kind == segment.Punct || phraseEnds[f.word(i)]
}

// irregularPlurals are the plurals without an -s that figures count, and
// their singulars.
var irregularPlurals = map[string]string{
	"people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
	"teeth": "tooth", "mice": "mouse", "geese": "goose",
}

// pluralOf gives the irregular plural of a singular noun.
var pluralOf = func() map[string]string {
	m := make(map[string]string, len(irregularPlurals))
	for pl, sg := range irregularPlurals {
		m[sg] = pl
	}
	return m
}()

// plural reports whether w reads as an English plural noun: "ships",
// "workers", "people", not "gas" (short), "bus", "crisis", "glass".
func plural(w string) bool {
	if _, ok := irregularPlurals[w]; ok {
		return true
	}
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") && lowerASCII(w)
}

// lowerASCII reports whether w is lower-case ASCII letters and hyphens:
// an English word, not "that’s" or a word of another script.
func lowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !(c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// singularUnits are kept as written where a unit is given in the plural:
// the ends of compounds that are no nouns ("1,000-strong", "10-fold",
// "30-odd") and nouns without a plural ("275-horsepower").
var singularUnits = setOf(`strong old long wide high tall deep odd fold plus thick horsepower staff personnel
police cattle livestock equipment software hardware data information news money cash aid sheep fish deer aircraft
offspring series species ammunition fuel power energy off style`)

// pluralUnit gives a unit that is singular by grammar ("72-hour", "1 hour")
// in the plural, the form a figure of it takes elsewhere: "hours",
// "people", "centuries". A unit that is already plural, an adjective, a
// compound of several words, an abbreviation ("tsp") or not an English
// word is kept; a percentage is "%", as elsewhere.
func pluralUnit(w string) string {
	if pl, ok := pluralOf[w]; ok {
		return pl
	}
	switch w {
	case "percent", "per-cent", "pct":
		return "%"
	}
	if _, ok := spelled[w]; ok {
		return w
	}
	if len(w) < 3 || !lowerASCII(w) || !strings.ContainsAny(w, "aeiouy") || plural(w) ||
		strings.Contains(w, "-") || singularUnits[w] || adjective(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "z") ||
		strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh"):
		return w + "es"
	case len(w) > 1 && strings.HasSuffix(w, "y") && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

// adjective reports whether w ends like an English adjective:
// "residential", "explosive", "dangerous".
func adjective(w string) bool {
	for _, suffix := range []string{"al", "ial", "ive", "ous", "ic", "ful", "less", "able", "ible", "ary", "ern", "ian", "ese", "ish"} {
		if len(w) > len(suffix)+2 && strings.HasSuffix(w, suffix) {
			return true
		}
	}
	return false
}

// qualifierStart returns where a figure starting at i begins with its
// qualifier: "at least", "more than", "nearly".
func (f *finder) qualifierStart(i, lo int) int {
	switch {
	case i-2 >= lo && (f.word(i-2) == "at" && (f.word(i-1) == "least" || f.word(i-1) == "most") ||
		f.word(i-1) == "than" && (f.word(i-2) == "more" || f.word(i-2) == "less" || f.word(i-2) == "fewer") ||
		f.word(i-2) == "up" && f.word(i-1) == "to"):
		return i - 2
	case i-1 >= lo && qualifiers1[f.word(i-1)] && f.word(i-1) != "more" && f.word(i-1) != "less" &&
		f.word(i-1) != "least" && f.word(i-1) != "most" && f.word(i-1) != "up":
		return i - 1
	}
	return i
}

// countsAround finds what the figure [first, last) counts: "of" and a noun
// after it ("years of war"), a verb after it ("people were killed") or a
// verb before it ("killing at least 72 people", "sentenced to 12 years").
func (f *finder) countsAround(first, last int, s segment.Sentence) string {
	d := f.d
	if f.word(last) == "of" && f.isUnit(last+1) && !d.Tokens[last+1].Cap {
		n := last + 2
		if f.isUnit(n) && !d.Tokens[n].Cap && n < s.Last {
			return d.Tok(last+1) + " " + d.Tok(n)
		}
		return d.Tok(last + 1)
	}
	k := last
	for k < s.Last && k < last+3 && beVerbs[f.word(k)] {
		k++
	}
	if w := f.word(k); countVerbs[w] {
		return w
	}
	k = first - 1
	if f.word(k) == "to" || f.word(k) == "by" {
		k--
	}
	if k < s.First {
		return ""
	}
	w := f.word(k)
	if countVerbs[w] || len(w) > 4 && strings.HasSuffix(w, "ing") && !d.Tokens[k].Cap {
		return w
	}
	return ""
}
