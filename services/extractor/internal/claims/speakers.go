package claims

import (
	"strings"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/entities"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// word returns the lower-cased text of token i if it is a word or number,
// else "".
func (f *finder) word(i int) string {
	if i < 0 || i >= len(f.lower) {
		return ""
	}
	return f.lower[i]
}

// verb returns the lower-cased text of token i if it can be a verb: a word
// not capitalised ("the United States" has no verb "states").
func (f *finder) verb(i int) string {
	if i < 0 || i >= len(f.lower) || f.d.Tokens[i].Cap {
		return ""
	}
	return f.lower[i]
}

// lowerWords returns the lower-cased text of every word and number of d,
// and "" for punctuation: the rules look at most tokens several times.
func lowerWords(d *segment.Doc) ([]string, []uint8) {
	out := make([]string, len(d.Tokens))
	classes := make([]uint8, len(d.Tokens))
	for i := range d.Tokens {
		if d.Tokens[i].Kind == segment.Punct {
			continue
		}
		s := d.Tok(i)
		if d.Tokens[i].Cap || hasASCIIUpper(s) {
			s = strings.ToLower(s)
		}
		out[i] = s
		// Every word of a class is 3 to 12 letters long.
		if len(s) >= 3 && len(s) <= 12 {
			classes[i] = wordClasses[s]
		}
		if d.Tokens[i].Cap {
			classes[i] &^= classStatement | classParticiple
		}
	}
	return out, classes
}

// Word classes looked up once per token, for the rules that look at every
// token.
const (
	classStatement  uint8 = 1 << iota // a statementCues verb
	classParticiple                   // a participleCues verb
	classAccording                    // "according"
	classSpelled                      // a spelled number, or one hyphened to a unit
)

var wordClasses = func() map[string]uint8 {
	m := make(map[string]uint8)
	for w := range statementCues {
		m[w] |= classStatement
	}
	for w := range participleCues {
		m[w] |= classParticiple
	}
	m["according"] |= classAccording
	for w := range spelled {
		m[w] |= classSpelled
	}
	return m
}()

// punct returns the text of token i if it is punctuation, else "".
func (f *finder) punct(i int) string {
	if i < 0 || i >= len(f.d.Tokens) || f.d.Tokens[i].Kind != segment.Punct {
		return ""
	}
	return f.d.Tok(i)
}

func (f *finder) isCap(i int) bool {
	return i >= 0 && i < len(f.d.Tokens) && f.d.Tokens[i].Cap && f.d.Tokens[i].Kind == segment.Word
}

func isPronoun(w string) bool {
	return w == "he" || w == "she"
}

func hasASCIIUpper(s string) bool {
	for j := 0; j < len(s); j++ {
		if c := s[j]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// speaker is who a quotation or statement is attributed to.
type speaker struct {
	name   string
	person bool
	// resolved is set when the name comes from a pronoun, not the
	// sentence.
	resolved bool
}

// speakerOf reads the speaker written in tokens [first, last) of sentence
// si. A quotation's speaker is a person's full name (canonical); a
// statement's is the source as written, a person's name without titles.
func (f *finder) speakerOf(first, last, si int, canonical bool) (speaker, bool) {
	for first < last && f.d.Tokens[first].Kind == segment.Punct {
		first++
	}
	for last > first && f.d.Tokens[last-1].Kind == segment.Punct {
		last--
	}
	if first >= last || last-first > 12 {
		return speaker{}, false
	}
	if last-first == 1 {
		switch w := f.word(first); {
		case isPronoun(w):
			name := f.resolvePronoun(si)
			return speaker{name: name, person: true, resolved: true}, name != ""
		case w == "they":
			if f.lastGroup != "" && f.lastGroupSent >= si-2 {
				return speaker{name: f.lastGroup, resolved: true}, true
			}
			return speaker{}, false
		case w == "it" || w == "i" || w == "we" || w == "you" || w == "" || subjectStops[w] || openerWords[w]:
			return speaker{}, false
		}
	}
	// "He instead told": a pronoun and an adverb.
	if isPronoun(f.word(first)) && f.allLower(first+1, last) {
		name := f.resolvePronoun(si)
		return speaker{name: name, person: true, resolved: true}, name != ""
	}
	if m, ok := f.ents.PersonIn(first, last); ok && !f.inPluralPossessive(m.First, first) {
		if canonical {
			return speaker{name: m.Name, person: true}, true
		}
		return speaker{name: trimPossessive(f.d.Slice(m.First, m.Last)), person: true}, true
	}
	if name := f.titleHolder(first, last); name != "" {
		// "its chief executive said", where the article names him
		// "chief executive Peter Aaland".
		return speaker{name: name, person: true, resolved: true}, true
	}
	return speaker{name: f.d.Slice(first, last)}, true
}

// inPluralPossessive reports whether the name at token i, no earlier than
// lo, follows a plural possessive of a name ("the Harbour Workers' Union"):
// then it is the end of the name of a body, not a person.
func (f *finder) inPluralPossessive(i, lo int) bool {
	p := f.punct(i - 1)
	return i-2 >= lo && (p == "'" || p == "’") && !f.d.Tokens[i-1].Space && f.isCap(i-2)
}

// titleHolder returns the person the article names as the holder of the
// title that tokens [first, last) give, an article or possessive and role
// words only ("its chief executive", "the company's chief executive", "the
// chairwoman"), or "": no person, or more than one, holds that title in
// the article.
func (f *finder) titleHolder(first, last int) string {
	k := first
	switch f.word(k) {
	case "the", "its", "his", "her", "their":
		k++
	}
	if k < last && f.d.Tokens[k].Kind == segment.Word && !f.d.Tokens[k].Cap && trimPossessive(f.d.Tok(k)) != f.d.Tok(k) {
		k++ // "the company's"
	}
	key, ok := f.roleKey(k, last)
	if !ok {
		return ""
	}
	if f.titles == nil {
		f.titles = f.titleHolders()
	}
	return f.titles[key]
}

// roleKey returns the role words of tokens [first, last), lower case and
// joined by spaces, if there is at least one and nothing else.
func (f *finder) roleKey(first, last int) (string, bool) {
	if first >= last {
		return "", false
	}
	var b strings.Builder
	for i := first; i < last; i++ {
		if f.d.Tokens[i].Kind != segment.Word || !entities.IsRole(f.word(i)) {
			return "", false
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.word(i))
	}
	return b.String(), true
}

// maxRoleWords bounds the role words read before or after a name.
const maxRoleWords = 4

// titleHolders maps each title the article gives a named person, as
// roleKey writes it, to that person's name: "chief executive Peter
// Aaland", "its chief executive, Peter Aaland,", "Peter Aaland, the chief
// executive,". A title the article gives two people maps to "".
func (f *finder) titleHolders() map[string]string {
	d := f.d
	out := make(map[string]string)
	give := func(key, name string) {
		if prev, ok := out[key]; ok && prev != name {
			name = ""
		}
		out[key] = name
	}
	for _, m := range f.ents.Mentions {
		if m.Type != events.EntityPerson {
			continue
		}
		// Role words just before the name, or before a comma before it.
		end := m.First
		if f.punct(end-1) == "," {
			end--
		}
		start := end
		for start > 0 && end-start < maxRoleWords && d.Tokens[start-1].Kind == segment.Word && entities.IsRole(f.word(start-1)) {
			start--
		}
		if key, ok := f.roleKey(start, end); ok {
			give(key, m.Name)
		}
		// "Peter Aaland, the chief executive,".
		if f.punct(m.Last) != "," {
			continue
		}
		k := m.Last + 1
		if w := f.word(k); w == "the" || w == "its" || w == "his" || w == "her" || w == "their" {
			k++
		}
		if k < len(d.Tokens) && d.Tokens[k].Kind == segment.Word && !d.Tokens[k].Cap && trimPossessive(d.Tok(k)) != d.Tok(k) {
			k++
		}
		e := k
		for e < len(d.Tokens) && e-k < maxRoleWords && d.Tokens[e].Kind == segment.Word && !d.Tokens[e].Cap && entities.IsRole(f.word(e)) {
			e++
		}
		if e > k && (e == len(d.Tokens) || d.Tokens[e].Kind == segment.Punct) {
			key, _ := f.roleKey(k, e)
			give(key, m.Name)
		}
	}
	return out
}

// allLower reports whether tokens [first, last) are all words in lower
// case.
func (f *finder) allLower(first, last int) bool {
	for i := first; i < last; i++ {
		if f.d.Tokens[i].Kind != segment.Word || f.d.Tokens[i].Cap {
			return false
		}
	}
	return true
}

func trimPossessive(s string) string {
	if strings.HasSuffix(s, "’s") || strings.HasSuffix(s, "'s") {
		_, n := utf8.DecodeLastRuneInString(s[:len(s)-1])
		return s[:len(s)-1-n]
	}
	return s
}

// resolvePronoun resolves "he" or "she" in sentence si: the person who
// spoke last if that was in the last two sentences, else the first person
// named in the sentence before, else the person who spoke last in this or
// the previous paragraph.
func (f *finder) resolvePronoun(si int) string {
	if f.lastPerson != "" && f.lastPersonSent >= si-2 {
		return f.lastPerson
	}
	if si > 0 {
		if name := f.firstPerson(si - 1); name != "" {
			return name
		}
	}
	if f.lastPerson != "" && f.d.Sentences[f.lastPersonSent].Para >= f.d.Sentences[si].Para-1 {
		return f.lastPerson
	}
	return ""
}

// firstPerson returns the first person named in sentence si, or "".
func (f *finder) firstPerson(si int) string {
	if name, ok := f.persons[si]; ok {
		return name
	}
	s := f.d.Sentences[si]
	m, _ := f.ents.PersonIn(s.First, s.Last)
	f.persons[si] = m.Name
	return m.Name
}

// subjectBefore finds the subject of the verb at v, reading back no further
// than lo. After a comma ("Andriy Yermak, chief of staff to ..., said") it
// takes the first comma-separated part that is a name.
func (f *finder) subjectBefore(v, lo int) (int, int, bool) {
	j := f.skipAux(v-1, lo)
	if j < lo || subjectStops[f.word(j)] || beVerbs[f.word(j)] {
		// No subject, a relative clause or a passive: "it has not
		// been officially confirmed".
		return 0, 0, false
	}
	if f.punct(j) == "," {
		return f.appositiveSubject(lo, j)
	}
	k := j
	for k-1 >= lo && k > j-12 {
		t := &f.d.Tokens[k-1]
		if t.Kind == segment.Punct {
			s := f.d.Tok(k - 1)
			if s != "." && s != "&" || t.Space {
				break
			}
		} else if subjectStops[f.word(k-1)] {
			break
		}
		k--
	}
	switch f.word(j) {
	case "and", "or", "but", "the", "a", "an", "of", "to", "for", "with", "on", "in", "at", "by":
		// "X did this and said": the subject is further back.
		return 0, 0, false
	}
	first := f.trimOpener(k, j+1)
	if first > j {
		return 0, 0, false
	}
	switch f.word(first) {
	case "of", "to", "for", "with", "and", "or":
		return 0, 0, false
	}
	first = f.trimBareNoun(first, j+1)
	if w := f.word(first - 1); w == "what" || w == "which" || w == "whom" || w == "whose" {
		// "what he announced" says what was announced, not what he
		// said.
		return 0, 0, false
	}
	if j+1-first > 10 {
		// Too long to be a subject; a name just before the verb still
		// is one ("... in March, for example, Witkoff said").
		ms := f.ents.In(first, j+1)
		if len(ms) == 0 || ms[len(ms)-1].Last != j+1 {
			return 0, 0, false
		}
		first = ms[len(ms)-1].First
	}
	return first, j + 1, true
}

// skipAux skips back from j over auxiliaries and adverbs before a verb
// ("has said", "officially confirmed"), no further than lo.
func (f *finder) skipAux(j, lo int) int {
	for j >= lo {
		w := f.word(j)
		if !skipBefore[w] && !(len(w) > 4 && strings.HasSuffix(w, "ly") && !f.d.Tokens[j].Cap) {
			break
		}
		j--
	}
	return j
}

// trimOpener drops an adverbial that opens a subject: "On Wednesday Putin"
// is "Putin".
func (f *finder) trimOpener(first, last int) int {
	if !openerWords[f.word(first)] {
		return first
	}
	k := first + 1
	for k < last && (!f.isCap(k) || entities.IsTimeWord(f.d.Tok(k))) {
		k++
	}
	return k
}

// determiners open a subject that runs on into a name: "three sources
// close to the Kremlin", "the head of the city's military administration".
var determiners = setOf(`the a an this that these those his her its their our my your some many several
few most all both each every any no one two three four five six seven eight nine ten dozens hundreds`)

// trimBareNoun drops lower-case words before the name that ends a subject
// when nothing marks them as its start: "after legal consultation
// Washington had concluded" has the subject "Washington".
func (f *finder) trimBareNoun(first, last int) int {
	if f.d.Tokens[first].Cap || determiners[f.word(first)] || f.d.Tokens[first].Kind == segment.Number || !f.isCap(last-1) {
		return first
	}
	k := last - 1
	for k > first && (f.isCap(k-1) || f.punct(k-1) == ".") {
		k--
	}
	for i := first; i < k; i++ {
		if f.d.Tokens[i].Cap || f.d.Tokens[i].Kind != segment.Word {
			return first
		}
	}
	return k
}

// appositiveSubject picks, among the comma-separated parts of [lo, end),
// the first that is a name ("Andriy Yermak", "US President Donald Trump").
func (f *finder) appositiveSubject(lo, end int) (int, int, bool) {
	// An apposition is a few words long; looking further back would
	// only cost time in a run-on sentence.
	// A part that holds a person's name wins over a title before it:
	// "Its chief executive, Peter Aaland, warned".
	lo = max(lo, end-40)
	start := lo
	titleA, titleB := 0, 0
	for i := lo; i <= end; i++ {
		if i < end && f.punct(i) != "," {
			continue
		}
		if a, b := f.trimPunct(start, i); a < b && f.isNamePhrase(a, b) {
			if _, ok := f.ents.PersonIn(a, b); ok {
				return a, b, true
			}
			if titleB == 0 {
				titleA, titleB = a, b
			}
		}
		start = i + 1
	}
	return titleA, titleB, titleB > 0
}

// appositivePart returns, among the comma-separated parts of [first,
// last), the one that holds a person's name, else the first: the speaker
// of "the company's chief executive, Peter Aaland, said" is Peter Aaland.
func (f *finder) appositivePart(first, last int) (int, int) {
	start := first
	firstA, firstB := -1, -1
	for i := first; i <= last; i++ {
		if i < last && f.punct(i) != "," {
			continue
		}
		if a, b := f.trimPunct(start, i); a < b {
			if _, ok := f.ents.PersonIn(a, b); ok {
				return a, b
			}
			if firstA < 0 {
				firstA, firstB = a, b
			}
		}
		start = i + 1
	}
	if firstA < 0 {
		return first, last
	}
	return firstA, firstB
}

func (f *finder) trimPunct(a, b int) (int, int) {
	for a < b && f.d.Tokens[a].Kind == segment.Punct {
		a++
	}
	for b > a && f.d.Tokens[b-1].Kind == segment.Punct && f.d.Tok(b-1) != "." {
		b--
	}
	return a, b
}

// isNamePhrase reports whether [a, b) is a name with, at most, titles,
// roles and an article: capitalised words, role words, "the", particles.
func (f *finder) isNamePhrase(a, b int) bool {
	caps := 0
	if b-a > 8 {
		return false
	}
	for i := a; i < b; i++ {
		t := &f.d.Tokens[i]
		if t.Kind == segment.Punct {
			if f.d.Tok(i) != "." {
				return false
			}
			continue
		}
		w := f.d.Tok(i)
		switch {
		case t.Cap:
			caps++
		case entities.IsRole(w), w == "the", w == "a", w == "an", w == "van", w == "von", w == "de", w == "al":
		default:
			return false
		}
	}
	return caps > 0
}

// leadingSubject finds the subject of the main clause of sentence si that a
// participle at v belongs to: the name or pronoun opening the first part of
// the sentence that is not an adverbial ("For its part, the Kremlin ...").
func (f *finder) leadingSubject(si, v int) (int, int, bool) {
	s := f.d.Sentences[si]
	if v-s.First > 80 {
		return 0, 0, false
	}
	start := s.First
	for i := s.First; i <= v; i++ {
		if i < v && f.punct(i) != "," {
			continue
		}
		a, b := f.trimPunct(start, i)
		start = i + 1
		if a >= b || openerWords[f.word(a)] {
			continue
		}
		if subjectStops[f.word(a)] || strings.HasPrefix(f.word(a), "there") {
			return 0, 0, false
		}
		if isPronoun(f.word(a)) {
			return a, a + 1, true
		}
		k := a
		if w := f.word(k); w == "the" || w == "a" || w == "an" {
			k++
		}
		for k < b && (f.isCap(k) || entities.IsRole(f.d.Tok(k)) || f.punct(k) == "." && !f.d.Tokens[k].Space) {
			k++
		}
		if k > a && f.isCap(k-1) {
			return a, k, true
		}
		return 0, 0, false
	}
	return 0, 0, false
}

// skipObject skips the person or body told: "told Reuters", "telling
// Russian state media". It returns where what was said starts.
func (f *finder) skipObject(i, end int) int {
	k := i
	for k < end && k < i+5 {
		w := f.word(k)
		if w == "" || w == "that" {
			break
		}
		if (w == "the" || w == "a" || w == "an") && k != i {
			break
		}
		if !f.isCap(k) && !objectWords[w] {
			break
		}
		k++
	}
	return k
}

// skipAdverbial skips an adverbial after a verb of saying: "on Wednesday",
// "in a telephone interview", "last week", "earlier".
func (f *finder) skipAdverbial(i, end int) int {
	k := i
	for k < end {
		w := f.word(k)
		switch {
		case w == "on" || w == "in" || w == "at" || w == "during" || w == "over":
			j := k + 1
			for j < end && (f.word(j) == "a" || f.word(j) == "an" || f.word(j) == "the") {
				j++
			}
			n := j
			for n < end && adverbNouns[f.word(n)] {
				n++
			}
			if n == j && f.isCap(n) {
				n++
			}
			if n == j {
				return k
			}
			k = n
		case w == "last" || w == "this" || w == "next":
			if !adverbNouns[f.word(k+1)] && !entities.IsTimeWord(f.d.Tok(min(k+1, end-1))) {
				return k
			}
			k += 2
		case adverbs[w] || entities.IsTimeWord(f.d.Tok(k)):
			k++
		default:
			return k
		}
	}
	return min(k, end)
}
