package story

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word or number of a text with what its spelling and place
// say about it.
type token struct {
	word      string
	low       string // word in lower case
	stop      bool   // a stop word
	month     bool   // the name of a month
	capital   bool   // begins with an upper-case letter
	upper     bool   // all letters upper case (and more than one)
	number    bool   // begins with a digit
	sentStart bool   // first word of a sentence, line or quotation
	joined    bool   // only spaces or a hyphen separate it from the token before
	sep       rune   // the last punctuation between it and the token before, or 0
	line      int32  // index of the line it is on
	sent      int32  // index of the sentence it is in, over the whole text
}

// scan splits text into tokens. A line break, sentence punctuation or an
// opening quote starts a sentence.
func scan(text string, toks []token) []token {
	sentenceStart, joined := true, false
	var line, sent int32
	var sep rune
	for i := 0; i < len(text); {
		r, size := decode(text, i)
		if !alnum(r) {
			if !unicode.IsSpace(r) {
				sep = r
			}
			switch r {
			case ' ', '-', '\u00a0', '\t':
			case '\n':
				if !sentenceStart {
					sent++
				}
				line++
				sentenceStart, joined = true, false
			case '.', '!', '?':
				// "U.S." and "St. Petersburg" do not end sentences: a
				// sentence ends at a full stop followed by a space and
				// an upper-case letter or a digit, after a word of more
				// than one letter that is not a title.
				if r == '.' && !sentenceEnd(text, i, toks) {
					joined = false
					break
				}
				if !sentenceStart {
					sent++
				}
				sentenceStart, joined = true, false
			case '"', '“', '‘', ':', '`', '|', ';', '(', '[', '—', '–':
				sentenceStart, joined = true, false
			default:
				joined = false
			}
			i += size
			continue
		}
		j := i
		upper, letters := true, 0
		for j < len(text) {
			r2, s2 := decode(text, j)
			if r2 < utf8.RuneSelf && asciiAlnum[r2] {
				// The common case, a letter or digit of ASCII.
				if r2 >= 'A' {
					letters++
					if r2 >= 'a' {
						upper = false
					}
				}
				j++
				continue
			}
			if r2 == '\'' || r2 == '’' {
				// Keep "O'Brien" whole but cut the possessive "'s".
				if n, ns := utf8.DecodeRuneInString(text[j+s2:]); unicode.IsLetter(n) && !(n == 's' || n == 'S') {
					j += s2 + ns
					continue
				}
				break
			}
			if r2 == '.' || r2 == ',' {
				// Keep decimals and thousands together: "7.1", "35,000",
				// and "2. 6" of text that was tokenized and joined again.
				if unicode.IsDigit(r) {
					k := j + s2
					if r2 == '.' && k+1 < len(text) && text[k] == ' ' && k+2 <= len(text) {
						if n, _ := utf8.DecodeRuneInString(text[k+1:]); unicode.IsDigit(n) && !digitsAfter(text[k+1:], 3) {
							k++
						}
					}
					if n, _ := utf8.DecodeRuneInString(text[k:]); unicode.IsDigit(n) {
						j = k
						continue
					}
				}
				break
			}
			if !alnum(r2) {
				break
			}
			if unicode.IsLetter(r2) {
				letters++
				if !unicode.IsUpper(r2) {
					upper = false
				}
			}
			j += s2
		}
		low := strings.ToLower(text[i:j])
		var kind uint8
		if len(low) <= maxLexicon && !unicode.IsDigit(r) {
			kind = lexicon[low]
		}
		toks = append(toks, token{word: text[i:j], low: low, stop: kind&isStop != 0, month: kind&isMonth != 0, capital: unicode.IsUpper(r), upper: upper && letters > 1,
			number: unicode.IsDigit(r), sentStart: sentenceStart, joined: joined && len(toks) > 0, sep: sep, line: line, sent: sent})
		sentenceStart, joined, sep = false, true, 0
		i = j
	}
	return toks
}

// asciiAlnum marks the ASCII letters and digits.
var asciiAlnum = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return t
}()

// alnum reports whether r is a letter or a digit.
func alnum(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiAlnum[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// decode returns the rune at text[i] and its size, quickly for ASCII.
func decode(text string, i int) (rune, int) {
	if c := text[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(text[i:])
}

// digitsAfter reports whether s begins with at least n digits.
func digitsAfter(s string, n int) bool {
	for i := range n {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// sentenceEnd reports whether the full stop at text[i] ends a sentence.
func sentenceEnd(text string, i int, toks []token) bool {
	if len(toks) > 0 {
		prev := toks[len(toks)-1]
		if utf8.RuneCountInString(prev.word) == 1 || titles[prev.low] {
			return false
		}
	}
	rest := text[i+1:]
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsSpace(r) || r == '"' || r == '\'' || r == '”' || r == '’'
}

// titles are abbreviations that a full stop follows inside a sentence.
var titles = toSet(`mr mrs ms dr st jr sr gen col lt sgt capt gov sen rep rev prof no vs inc corp co ltd jan feb mar apr
aug sep sept oct nov dec calif fla mass ariz`)

// caselessLines marks the lines whose capitals say nothing about names:
// headlines in title case and lines in capitals. A line is caseless when
// most of its common words (stop words, and words the text writes in lower
// case somewhere) begin with a capital; in prose they do not, however many
// names it has.
func caselessLines(toks []token, lines int, lower map[string]bool, z *analyzer) []bool {
	caps, common := resize(z.caps, lines), resize(z.common, lines)
	z.caps, z.common = caps, common
	for _, t := range toks {
		if t.number || len(t.word) < 2 {
			continue
		}
		lw := t.low
		if !t.stop && !lower[lw] {
			continue
		}
		common[t.line]++
		if t.capital {
			caps[t.line]++
		}
	}
	out := resize(z.caseless, lines)
	for l := range lines {
		out[l] = common[l] >= 2 && float64(caps[l]) >= 0.6*float64(common[l])
	}
	return out
}

// bylines marks the lines that are bylines: "By Gleb Bryanski and Mark
// Trevelyan", a few capitalised words after "By", joined by "and".
func bylines(toks []token, lines int, buf []bool) []bool {
	out := resize(buf, lines)
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].line == toks[i].line {
			j++
		}
		line := toks[i:j]
		ok := len(line) >= 2 && len(line) <= 12 && line[0].low == "by" && line[0].capital
		for _, t := range line[1:] {
			if !ok {
				break
			}
			ok = t.capital || t.low == "and"
		}
		out[toks[i].line] = ok
		i = j
	}
	return out
}

// resize returns a zeroed slice of n elements, buf's array if it is large
// enough.
func resize[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// emitter receives the terms of a text: a field, the term, and the place
// of its sentence: 0 for the title, 1 for the first sentence of the text,
// and so on.
type emitter func(field int, term string, place int)

// analyze emits the terms of a document. Names are runs of capitalised
// words inside sentences of ordinary case; a capitalised word at the start
// of a sentence or in a title-case headline counts as a name only when the
// text also capitalises it inside a sentence. A name of several words is
// emitted whole and its last word alone, as later mentions use the surname;
// its words are content words too. Numbers are emitted alone and with the word they count; years and
// dates go to their own field.
func analyze(title, text string, emit emitter) {
	var z analyzer
	z.analyze(title, text, emit)
}

// analyzer holds the buffers of analyze, reused from one document to the
// next: most of the cost of a short document is allocation otherwise.
type analyzer struct {
	toks             []token
	lower, confirmed map[string]bool
	caseless, byline []bool
	caps, common     []int
	parts            []string
}

// maxKeptTokens bounds the token buffer an analyzer keeps between
// documents.
const maxKeptTokens = 1 << 14

func (z *analyzer) analyze(title, text string, emit emitter) {
	doc := text
	if title != "" {
		doc = title + "\n" + text
	}
	toks := scan(doc, z.toks[:0])
	defer func() {
		clear(toks) // drop the references to doc
		if cap(toks) <= maxKeptTokens {
			z.toks = toks[:0]
		}
	}()
	if len(toks) == 0 {
		return
	}
	var titleSents int32
	if title != "" {
		for _, t := range toks {
			if t.line > 0 {
				break
			}
			titleSents = t.sent + 1
		}
	}
	// Words the text writes in lower case, and words it capitalises inside
	// a sentence of ordinary case.
	if z.lower == nil {
		z.lower, z.confirmed = make(map[string]bool, 512), make(map[string]bool, 128)
	}
	lower, confirmed := z.lower, z.confirmed
	defer clear(lower)
	defer clear(confirmed)
	for _, t := range toks {
		if !t.number && !t.capital && !t.stop {
			lower[t.low] = true
		}
	}
	lines := int(toks[len(toks)-1].line) + 1
	z.caseless = caselessLines(toks, lines, lower, z)
	z.byline = bylines(toks, lines, z.byline)
	caseless, byline := z.caseless, z.byline
	for _, t := range toks {
		if !t.number && t.capital && !t.sentStart && !caseless[t.line] && !t.upper {
			confirmed[t.low] = true
		}
	}
	isName := func(t token) bool {
		if !t.capital || t.number || len(t.low) < 2 {
			// One capital is an initial or a piece of "U.S.": it names
			// no one by itself.
			return false
		}
		lw := t.low
		if t.stop || t.month {
			return false
		}
		if confirmed[lw] {
			return true
		}
		if t.sentStart || caseless[t.line] || t.upper {
			// Acronyms in ordinary lines are names ("NATO", "FBI").
			return t.upper && !caseless[t.line] && !lower[lw] && len(t.word) <= 6
		}
		return true
	}
	place := func(t token) int {
		if t.sent < titleSents {
			return 0
		}
		return int(t.sent - titleSents + 1)
	}
	parts := z.parts[:0]
	defer func() { clear(parts); z.parts = parts[:0] }()
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if byline[t.line] {
			// The reporters of a story are not what it is about.
			continue
		}
		at := place(t)
		if t.number {
			if numberWord(t.word) {
				// "76ers", "10News": a word that begins with digits.
				if w := normalizeToken(t); w != "" {
					emit(FieldWords, w, at)
				}
				continue
			}
			i += numberTerms(toks, i, at, emit)
			continue
		}
		if d := weekdayAbbrev(toks, i); d != "" {
			// "Tue March 3", "Thu. 29 July": the weekday of a date line.
			emit(FieldDates, d, at)
			continue
		}
		if !isName(t) {
			if t.stop {
				if d := weekdays[t.low]; d != "" {
					emit(FieldDates, d, at)
				}
			} else if w := normalizeToken(t); w != "" {
				emit(FieldWords, w, at)
			}
			continue
		}
		// A run of names joined by spaces or hyphens is one name:
		// "Tara Reid", "Betty Ford Center".
		j := i + 1
		for j < len(toks) && toks[j].joined && toks[j].sent == t.sent && isName(toks[j]) {
			j++
		}
		parts = parts[:0]
		for _, r := range toks[i:j] {
			parts = append(parts, r.low)
		}
		if len(parts) > 1 {
			emit(FieldNames, strings.Join(parts, " "), at)
		}
		emit(FieldNames, parts[len(parts)-1], at)
		for k := range parts {
			if w := normalizeToken(toks[i+k]); w != "" {
				emit(FieldWords, w, at)
			}
		}
		i = j - 1
	}
}

// weekdayAbbrev returns the weekday toks[i] abbreviates, if it does:
// "tue", "thu" and "fri" always, the others, which are words too, only
// before a month or a number.
func weekdayAbbrev(toks []token, i int) string {
	t := toks[i]
	if len(t.low) != 3 || !t.capital {
		return ""
	}
	switch t.low {
	case "tue", "thu", "fri":
		return t.low
	case "mon", "wed", "sat", "sun":
		if i+1 < len(toks) && toks[i+1].sent == t.sent && (toks[i+1].number || toks[i+1].month) {
			return t.low
		}
	}
	return ""
}

// weekdays maps the names of the days of the week to the date terms for
// them. News names the weekday of its event in its first sentences.
var weekdayAbbr = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

var weekdays = map[string]string{"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
	"friday": "fri", "saturday": "sat", "sunday": "sun"}

var months = toSet(`january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec`)

var monthNumber = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
	"oct": 10, "nov": 11, "dec": 12}

func month(w string) int {
	w = strings.ToLower(w)
	if !months[w] {
		return 0
	}
	return monthNumber[w[:3]]
}

var monthAbbr = [13]string{"", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// numberWord reports whether a token that begins with a digit is a word:
// it has three letters or more and is not an ordinal.
func numberWord(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 3 && !ordinal(w)
}

func ordinal(w string) bool {
	if len(w) < 3 {
		return false
	}
	s := strings.ToLower(w[len(w)-2:])
	return (s == "st" || s == "nd" || s == "rd" || s == "th") && unicode.IsDigit(rune(w[len(w)-3]))
}

// formatValue writes a number as the text analysis writes numbers.
func formatValue(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// value returns the digits of a number token without separators, leading
// zeros and ordinal endings.
func value(w string) string {
	if ordinal(w) {
		w = w[:len(w)-2]
	}
	w = strings.Map(func(r rune) rune {
		if r == ',' || r == ' ' {
			return -1
		}
		return r
	}, w)
	w = strings.TrimLeft(w, "0")
	if w == "" || w[0] == '.' {
		w = "0" + w
	}
	return w
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
		if n > 1e6 {
			return -1
		}
	}
	return n
}

func year(n int) bool { return n >= 1900 && n <= 2099 }

// numberTerms emits the terms of the number toks[i] and returns how many
// tokens after it it consumed. Times of day are dropped; years and dates
// ("May 3", "3 May 2013", "05 / 03 / 2013") are emitted as dates; other
// numbers alone and with the word they count ("23 pirate", "7.1
// magnitude").
func numberTerms(toks []token, i int, at int, emit emitter) int {
	t := toks[i]
	v := value(t.word)
	n := atoi(v)
	next := func(k int) *token {
		if i+k < len(toks) && toks[i+k].sent == t.sent {
			return &toks[i+k]
		}
		return nil
	}
	// Times of day: "10:14", "5: 03pm", "9 pm", "2.16PM".
	if l := t.low; len(l) > 2 && (strings.HasSuffix(l, "am") || strings.HasSuffix(l, "pm")) && l[len(l)-3] >= '0' && l[len(l)-3] <= '9' {
		return 0
	}
	if nx := next(1); nx != nil && nx.number && nx.sep == ':' {
		return 1
	}
	if t.sep == ':' && i > 0 && toks[i-1].number {
		return 0
	}
	if nx := next(1); nx != nil && nx.joined {
		if w := nx.low; w == "am" || w == "pm" || w == "a" || w == "p" {
			return 1
		}
	}
	// Numeric dates: "05 / 03 / 2013", "2013 - 09 - 26", "8/2/13".
	if a, b := next(1), next(2); a != nil && b != nil && a.number && b.number && (a.sep == '/' || a.sep == '-' || a.sep == '.') &&
		b.sep == a.sep {
		x, y, z := n, atoi(value(a.word)), atoi(value(b.word))
		switch {
		case year(x) && y >= 1 && y <= 12 && z >= 1 && z <= 31:
			emitDate(emit, x, y, z, at)
			return 2
		case (year(z) || (z >= 0 && z <= 99 && len(b.word) == 2)) && x >= 1 && x <= 31 && y >= 1 && y <= 31:
			if z < 100 {
				z += 2000
			}
			if x <= 12 {
				emitDate(emit, z, x, y, at)
			}
			if y <= 12 && x != y {
				emitDate(emit, z, y, x, at)
			}
			return 2
		}
	}
	// Month and day: "May 3", "Dec. 7", "3 May", "18th September".
	if n >= 1 && n <= 31 {
		if i > 0 && toks[i-1].sent == t.sent && (t.joined || t.sep == '.') {
			if mo := month(toks[i-1].word); mo > 0 {
				y := 0
				if nx := next(1); nx != nil && nx.number && year(atoi(value(nx.word))) {
					y = atoi(value(nx.word))
				}
				emitDate(emit, y, mo, n, at)
				if y > 0 {
					return 1
				}
				return 0
			}
		}
		if nx := next(1); nx != nil && nx.joined {
			if mo := month(nx.word); mo > 0 {
				y := 0
				if nn := next(2); nn != nil && nn.number && year(atoi(value(nn.word))) {
					y = atoi(value(nn.word))
				}
				emitDate(emit, y, mo, n, at)
				if y > 0 {
					return 2
				}
				return 1
			}
		}
	}
	if year(n) && len(v) == 4 {
		emit(FieldDates, v, at)
		return 0
	}
	// Tiny counts say little: "2 sides".
	if len(v) == 1 {
		return 0
	}
	emit(FieldNumbers, v, at)
	if nx := next(1); nx != nil && nx.joined && !nx.number {
		if w := unitWord(nx.word); w != "" {
			emit(FieldNumbers, v+" "+w, at)
		}
	}
	return 0
}

// unitWord returns what a number followed by w counts ("pirates" →
// "pirate", "people"), or "" when w is a function word.
func unitWord(w string) string {
	w = strings.ToLower(w)
	if len(w) < 2 || functionWords[w] || months[w] {
		return ""
	}
	return stem(w)
}

// functionWords are the stop words that never say what a number counts.
var functionWords = toSet(`a an the of in on at and or to for from by with as is are was were be been being that this these
those than then but if so not no nor it its he she they we you his her their our my your who whom which what when where
while after before since until about into over under per via also said says out up down off`)

// emitDate emits a date as its month and day, and its year when known.
// The model files a four-digit date term under the unit "year", a
// three-letter one (a weekday) under "weekday", others under "day".
func emitDate(emit emitter, y, mo, d int, at int) {
	emit(FieldDates, monthAbbr[mo]+" "+strconv.Itoa(d), at)
	if y > 0 {
		emit(FieldDates, strconv.Itoa(y), at)
	}
}

// normalizeToken is normalize for a token of scan.
func normalizeToken(t token) string {
	if len(t.low) < 2 || t.stop {
		return ""
	}
	return stem(t.low)
}

// normalize lower-cases a word, drops stop words and one-letter words, and
// strips common inflections so that "checks", "checked" and "checking" are
// one term.
func normalize(word string) string {
	w := strings.ToLower(word)
	if len(w) < 2 || stopwords[w] {
		return ""
	}
	return stem(w)
}

// stem strips plural and verbal endings of an English word. It is far
// lighter than Porter's stemmer: it only needs to map the forms of one word
// together ("hire", "hires", "hired", "hiring"), not to find its root.
func stem(w string) string {
	if b, ok := irregular[w]; ok {
		w = b
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:n-3])
	case n > 4 && strings.HasSuffix(w, "ied"):
		w = w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed"):
		w = undouble(w[:n-2])
	case n > 4 && (strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "sses") ||
		strings.HasSuffix(w, "xes")):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") &&
		!strings.HasSuffix(w, "is"):
		w = w[:n-1]
	}
	if len(w) > 3 {
		w = strings.TrimSuffix(w, "e")
	}
	return w
}

// irregular maps the past forms of the irregular verbs that reports use,
// and irregular plurals, to the word itself, so that a rewrite that says
// "stole" where the wire said "steal" shares the term. Forms that are
// also common words of another sense ("left", "found", "saw") are not in
// it.
var irregular = func() map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(irregularForms, "\n") {
		f := strings.Fields(l)
		for _, x := range f[1:] {
			m[x] = f[0]
		}
	}
	return m
}()

// irregularForms lists, one word a line, the word and its irregular forms.
const irregularForms = `arise arose arisen
beat beaten
become became
begin began begun
bite bit bitten
blow blew blown
break broke broken
bring brought
build built
buy bought
catch caught
choose chose chosen
come came
deal dealt
dig dug
draw drew drawn
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feed fed
feel felt
fight fought
flee fled
fly flew flown
forbid forbade forbidden
forget forgot forgotten
freeze froze frozen
give gave given
go went gone
grow grew grown
hang hung
hear heard
hide hid hidden
hold held
keep kept
know knew known
lay laid
lead led
lend lent
lose lost
make made
mean meant
meet met
pay paid
ride rode ridden
ring rang rung
rise rose risen
run ran
say said
see seen
seek sought
sell sold
send sent
shake shook shaken
shoot shot
shrink shrank shrunk
sing sang sung
sink sank sunk
sit sat
slay slew slain
speak spoke spoken
spend spent
stand stood
steal stole stolen
stick stuck
strike struck stricken
swear swore sworn
sweep swept
swim swam swum
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
undergo underwent undergone
understand understood
wake woke woken
wear wore worn
win won
withdraw withdrew withdrawn
write wrote written
man men
woman women
child children
foot feet
tooth teeth`

// undouble drops a doubled final consonant left by a stripped ending:
// "stopped" → "stop".
func undouble(w string) string {
	n := len(w)
	if n > 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouslz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}
