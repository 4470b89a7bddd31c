// Package entities finds the people, organisations and places an English news
// article names, with how often it names each. It is rule-based: runs of
// capitalised words, classified by titles and roles written around them
// ("President Vladimir Putin", "analyst Gerhard Mangott"), organisation
// words ("Ministry", "Inc", "news outlet"), place cues ("in Tbilisi") and a
// small built-in gazetteer, with a surname merged into the full name
// mentioned before it ("Putin" is "Vladimir Putin").
package entities

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// MaxEntities is how many entities Result.Entities returns at most.
const MaxEntities = 100

// Options adjust Find.
type Options struct {
	// Dateline is the place line of a wire story ("MOSCOW"), which the
	// extractor takes out of the text; it counts as one mention.
	Dateline string
}

// Mention is one mention of an entity in a segmented text.
type Mention struct {
	// Name is the entity's canonical name: the full name for a person
	// mentioned by surname, the gazetteer's name for an alias ("U.S." is
	// "United States").
	Name string
	Type events.EntityType
	// First and Last are the tokens of the name as written, [First,
	// Last), without titles and roles before it.
	First, Last int
}

// Result is what Find found.
type Result struct {
	// Mentions are in text order.
	Mentions []Mention
	entities []events.Entity
}

// Entities returns the entities, the most mentioned first, at most
// MaxEntities.
func (r *Result) Entities() []events.Entity {
	return r.entities
}

// In returns the mentions whose names start in tokens [first, last).
func (r *Result) In(first, last int) []Mention {
	i := sort.Search(len(r.Mentions), func(i int) bool { return r.Mentions[i].First >= first })
	j := i
	for j < len(r.Mentions) && r.Mentions[j].First < last {
		j++
	}
	return r.Mentions[i:j]
}

// PersonIn returns the first person mentioned in tokens [first, last).
func (r *Result) PersonIn(first, last int) (Mention, bool) {
	for _, m := range r.In(first, last) {
		if m.Type == events.EntityPerson && m.Last <= last {
			return m, true
		}
	}
	return Mention{}, false
}

// IsRole reports whether w is a word for a person's role or title, written
// before a name: "envoy", "analyst", "President", "Mr".
func IsRole(w string) bool {
	return lex.roles[w] || lex.titles[w] || lex.roles[strings.ToLower(w)]
}

// IsTimeWord reports whether w names a month, a weekday or a holiday.
func IsTimeWord(w string) bool {
	return lex.times[w]
}

// candidate is a capitalised name found in the text, before the names are
// merged.
type candidate struct {
	first, last int
	key         string // the name as written, normalised
	typ         events.EntityType
	name        string // canonical name, when known
	heading     bool   // found in a heading: kept only when known elsewhere
	sentInit    bool   // the first word of its sentence
}

// evidence is what the text says around every mention of one key.
type evidence struct {
	person, org, place int
	midSentence        bool
}

// finder holds the state of one Find call.
type finder struct {
	d     *segment.Doc
	cands []candidate
	ev    map[string]*evidence
	// lower caches whether the text writes a word in lower case.
	lower map[string]bool
	// alone counts the one-word names by key.
	alone map[string]int
}

// Find finds the entities of d.
func Find(d *segment.Doc, opts Options) *Result {
	f := &finder{
		d:     d,
		cands: make([]candidate, 0, len(d.Tokens)/8+1),
		ev:    make(map[string]*evidence),
		lower: make(map[string]bool),
	}
	for _, s := range d.Sentences {
		f.sentence(s)
	}
	return f.resolve(opts)
}

// sentence collects the candidates of one sentence.
func (f *finder) sentence(s segment.Sentence) {
	d := f.d
	start := s.First
	for start < s.Last && d.Tokens[start].Kind == segment.Punct {
		start++
	}
	for i := s.First; i < s.Last; {
		if !f.nameToken(i) {
			i++
			continue
		}
		j := f.runEnd(i, s.Last)
		// A quotation opening a sentence starts a new one for capitals.
		sentInit := i == start || i > s.First && d.Tokens[i-1].Kind == segment.Punct && isOpenMark(d.Tok(i-1)) && i-1 <= start+1
		f.run(i, j, sentInit, s.Heading)
		i = j
	}
}

func isOpenMark(s string) bool {
	switch s {
	case "“", "‘", "\"", "'", "«", "„", "(":
		return true
	}
	return false
}

// nameToken reports whether token i can start or continue a name.
func (f *finder) nameToken(i int) bool {
	t := &f.d.Tokens[i]
	if t.Kind != segment.Word {
		return false
	}
	s := f.d.Tok(i)
	if t.Cap {
		return t.REnd-t.RStart > 1 && !lex.times[stripPossessive(s)] && !isContraction(s) ||
			t.REnd-t.RStart == 1 && s != "I" && s != "A" && i+1 < len(f.d.Tokens) && f.d.Tok(i+1) == "."
	}
	// "al-Assad", "bin-Salman": a lower-case particle hyphened to a name.
	if p, rest, ok := strings.Cut(s, "-"); ok && lex.particles[p] {
		r, _ := utf8.DecodeRuneInString(rest)
		return unicode.IsUpper(r)
	}
	return false
}

// ofHeads are words after which "of" goes on with a name ("Bank of
// England", "Strait of Hormuz").
var ofHeads = map[string]bool{
	"Republic": true, "Strait": true, "Gulf": true, "Sea": true, "Bay": true, "Isle": true,
	"Islands": true, "Kingdom": true, "State": true, "Commonwealth": true, "Cape": true,
	"Servant": true, "Chamber": true, "Minister": true, "Secretary": true,
}

// runEnd returns the end of the run of name tokens that starts at i.
func (f *finder) runEnd(i, last int) int {
	d := f.d
	j := i
	for j < last {
		if f.nameToken(j) {
			if isPossessive(d.Tok(j)) {
				return j + 1
			}
			j++
			continue
		}
		s := d.Tok(j)
		if d.Tokens[j].Kind == segment.Word && lex.particles[s] {
			// "von der Leyen": particles, then a name.
			k := j
			for k < last && k < j+3 && d.Tokens[k].Kind == segment.Word && lex.particles[d.Tok(k)] {
				k++
			}
			if k < last && f.nameToken(k) && d.Tokens[k].Cap {
				j = k
				continue
			}
			break
		}
		if j+1 >= last || !f.nameToken(j+1) {
			break
		}
		prev := d.Tok(j - 1)
		switch {
		case s == "of" && (lex.orgHeads[prev] || ofHeads[prev]):
		case s == "&":
		case s == "." && !d.Tokens[j].Space && (abbrev(prev) || oneLetter(prev)) && !lex.common[d.Tok(j+1)]:
		default:
			return j
		}
		j++
	}
	return j
}

func abbrev(s string) bool {
	switch s {
	case "St", "Mt", "Ft", "Mr", "Mrs", "Ms", "Dr", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt", "Prof", "Rev", "Jr", "Sr":
		return true
	}
	return false
}

func oneLetter(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && unicode.IsUpper(r)
}

// isContraction reports whether s is a pronoun contracted with a verb:
// "I’ll", "I'm", "It's".
func isContraction(s string) bool {
	head, tail, ok := strings.Cut(strings.ReplaceAll(s, "’", "'"), "'")
	if !ok {
		return false
	}
	switch tail {
	case "ll", "m", "ve", "d", "re", "t":
		return true
	case "s":
		return lex.common[head]
	}
	return false
}

func isPossessive(s string) bool {
	return strings.HasSuffix(s, "’s") || strings.HasSuffix(s, "'s")
}

func stripPossessive(s string) string {
	if isPossessive(s) {
		_, n := utf8.DecodeLastRuneInString(s[:len(s)-1])
		return s[:len(s)-1-n]
	}
	return s
}

// run turns the run of name tokens [i, j) into candidates.
func (f *finder) run(i, j int, sentInit, heading bool) {
	d := f.d
	if sentInit {
		for i < j && lex.common[d.Tok(i)] {
			i++
			sentInit = false
		}
		for i < j && d.Tokens[i].Kind == segment.Punct {
			i++
		}
	}
	if i >= j {
		return
	}
	// The whole run may be known: "General Motors", "White House".
	if e, ok := lookup(f.key(i, j)); ok {
		f.add(candidate{first: i, last: j, typ: e.typ, name: e.name, heading: heading, sentInit: sentInit})
		return
	}
	// Titles: everything up to the last title word is a title, with
	// known names in it ("U.S. President Donald Trump").
	person := false
	for k := j - 2; k >= i; k-- {
		if lex.titles[d.Tok(k)] && !lex.orgTails[d.Tok(j-1)] {
			f.known(i, k+1, heading)
			i, person, sentInit = k+1, true, false
			// "Secretary of State Mike Pompeo".
			if d.Tok(i) == "of" && j-i > 3 {
				i += 2
			}
			break
		}
	}
	for i < j && d.Tokens[i].Kind == segment.Punct {
		i++
	}
	if i >= j {
		return
	}
	// Nationality adjectives before a name are not part of it, unless
	// the name is an organisation's ("Russian Navy").
	if !lex.orgTails[stripPossessive(d.Tok(j-1))] {
		for i < j && lex.demonyms[stripPossessive(d.Tok(i))] {
			i++
			sentInit = false
		}
		if i >= j {
			return
		}
	}
	c := candidate{first: i, last: j, heading: heading, sentInit: sentInit}
	c.key = f.key(i, j)
	if c.key == "" || lex.common[c.key] || lex.titles[c.key] {
		return
	}
	if e, ok := lookup(c.key); ok {
		c.typ, c.name = e.typ, e.name
		f.add(c)
		return
	}
	// Compounds of names ("Witkoff-Putin meeting") count for each.
	if j == i+1 && strings.ContainsAny(c.key, "-‐‑") {
		if _, ok := lookup(c.key); !ok && allCapitalParts(c.key) {
			for _, part := range strings.FieldsFunc(c.key, func(r rune) bool { return r == '-' || r == '‐' || r == '‑' }) {
				if !lex.demonyms[part] && !lex.common[part] {
					f.add(candidate{first: i, last: j, key: part, heading: heading, sentInit: sentInit})
				}
			}
			return
		}
	}
	e := f.evidenceFor(c.key)
	if !sentInit {
		e.midSentence = true
	}
	if person {
		e.person += 2
	}
	f.context(i, j, e)
	f.add(c)
}

// known adds the known names among tokens [i, j) of a title: "U.S." in "U.S.
// President", "Kremlin" in "Kremlin spokesman".
func (f *finder) known(i, j int, heading bool) {
	for k := i; k < j; k++ {
		for l := min(j, k+3); l > k; l-- {
			if e, ok := lookup(f.key(k, l)); ok {
				f.add(candidate{first: k, last: l, typ: e.typ, name: e.name, heading: heading})
				k = l - 1
				break
			}
		}
	}
}

// context weighs the words around the name [i, j) as evidence for its type.
func (f *finder) context(i, j int, e *evidence) {
	d := f.d
	word := func(k int) string {
		if k < 0 || k >= len(d.Tokens) || d.Tokens[k].Kind != segment.Word {
			return ""
		}
		return d.Tok(k)
	}
	prev, next := word(i-1), word(j)
	switch {
	case lex.roles[prev]:
		e.person += 2
	case lex.orgCues[prev]:
		e.org += 2
	case prev == "in" || prev == "from" || prev == "near" || prev == "across" || prev == "outside" ||
		prev == "inside" || prev == "into" || prev == "via" || prev == "towards" || prev == "toward":
		e.place++
	case prev == "to" && motionVerb[word(i-2)]:
		e.place++
	}
	switch {
	case lex.orgCues[next] || next == "news" && lex.orgCues[word(j+1)]:
		e.org += 2
	case speechVerb[next]:
		e.person++
	}
	// An apposition naming a role: "Witkoff, a real estate billionaire".
	if d.Is(j, ",") {
		for k := j + 1; k < min(len(d.Tokens), j+6); k++ {
			w := d.Tok(k)
			if d.Tokens[k].Kind == segment.Punct {
				break
			}
			if lex.roles[w] {
				e.person += 2
				break
			}
		}
	}
}

// speechVerbs after a bare name make it likely a person's.
var speechVerb = map[string]bool{
	"said": true, "says": true, "told": true, "added": true, "wrote": true, "posted": true,
	"insisted": true, "warned": true, "argued": true, "claimed": true, "stated": true,
}

var motionVerb = map[string]bool{
	"flew": true, "travelled": true, "traveled": true, "went": true, "returned": true,
	"moved": true, "came": true, "headed": true, "fled": true, "sailed": true, "drove": true,
}

func allCapitalParts(s string) bool {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '‐' || r == '‑' }) {
		r, _ := utf8.DecodeRuneInString(part)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

func (f *finder) evidenceFor(key string) *evidence {
	e := f.ev[key]
	if e == nil {
		e = &evidence{}
		f.ev[key] = e
	}
	return e
}

func (f *finder) add(c candidate) {
	if c.key == "" {
		c.key = f.key(c.first, c.last)
	}
	f.cands = append(f.cands, c)
}

// key is the name in tokens [i, j) as written, with single spaces and
// without a possessive ending.
func (f *finder) key(i, j int) string {
	d := f.d
	if j == i+1 {
		return stripPossessive(d.Tok(i))
	}
	var b strings.Builder
	for k := i; k < j; k++ {
		if k > i && d.Tokens[k].Space {
			b.WriteByte(' ')
		}
		s := d.Tok(k)
		if k == j-1 {
			s = stripPossessive(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// resolve classifies the candidates, merges surnames into full names and
// counts the mentions.
func (f *finder) resolve(opts Options) *Result {
	f.alone = make(map[string]int)
	for ci := range f.cands {
		if c := &f.cands[ci]; c.last-c.first == 1 {
			f.alone[c.key]++
		}
	}
	// Full names of people, by surname, in text order.
	surnames := make(map[string][]int)
	for ci := range f.cands {
		c := &f.cands[ci]
		if c.typ != "" {
			continue
		}
		c.typ = f.classify(c)
		if c.typ == events.EntityPerson && c.last-c.first >= 2 {
			c.name = c.key
			surnames[f.surname(c)] = append(surnames[f.surname(c)], ci)
		}
	}
	// Names outside headings, which make a name in a heading count.
	named := make(map[string]bool)
	for ci := range f.cands {
		c := &f.cands[ci]
		if c.name == "" {
			if full, ok := nearest(surnames[c.key], ci); ok {
				c.name, c.typ = f.cands[full].name, events.EntityPerson
			}
		}
		if c.name == "" {
			// One unexplained capitalised word, once, is more likely
			// emphasis than a name.
			if c.typ == "" || c.typ == events.EntityOther && !strings.Contains(c.key, " ") && f.alone[c.key] < 2 {
				c.typ = ""
				continue
			}
			c.name = c.key
		}
		if !c.heading {
			named[c.key], named[c.name] = true, true
		}
	}
	res := &Result{Mentions: make([]Mention, 0, len(f.cands))}
	for ci := range f.cands {
		c := &f.cands[ci]
		if c.typ == "" {
			continue
		}
		if c.heading && !named[c.key] && !named[c.name] {
			if _, known := lookup(c.key); !known {
				continue
			}
		}
		res.Mentions = append(res.Mentions, Mention{Name: c.name, Type: c.typ, First: c.first, Last: c.last})
	}
	sort.SliceStable(res.Mentions, func(a, b int) bool { return res.Mentions[a].First < res.Mentions[b].First })
	res.entities = count(res.Mentions, opts.Dateline)
	return res
}

// surname returns the last name of a person's full name, before "Jr" or
// "III".
func (f *finder) surname(c *candidate) string {
	last := c.last - 1
	for last > c.first {
		switch s := strings.TrimSuffix(stripPossessive(f.d.Tok(last)), "."); s {
		case "Jr", "Sr", "II", "III", "IV", "":
			last--
			continue
		}
		break
	}
	return stripPossessive(f.d.Tok(last))
}

// classify gives a candidate not in the gazetteer its type, or "" to drop
// it.
func (f *finder) classify(c *candidate) events.EntityType {
	d := f.d
	e := f.ev[c.key]
	if e == nil {
		e = &evidence{}
	}
	n := c.last - c.first
	firstTok, lastTok := d.Tok(c.first), stripPossessive(d.Tok(c.last-1))
	if strings.Contains(c.key, "-") && n == 1 {
		lastTok = c.key
	}
	switch {
	case lex.demonyms[c.key] || lex.common[c.key] || lex.titles[c.key]:
		return ""
	case lex.orgTails[lastTok] && n > 1, lex.orgHeads[firstTok] && n > 1:
		return events.EntityOrganization
	case lex.placeTails[lastTok] && n > 1:
		return events.EntityPlace
	case e.org > e.person && e.org > 0:
		return events.EntityOrganization
	case !strings.Contains(c.key, " ") && isAcronym(c.key):
		return events.EntityOrganization
	case e.person > 0 && e.person >= e.place:
		return events.EntityPerson
	case n >= 2 && f.nameLike(c):
		// A first name, or a surname the text also uses alone
		// while never using the first word alone: "Gerhard
		// Mangott", "Xi Jinping", not "Touch Bar".
		if lex.given[firstTok] || f.alone[f.surname(c)] > 0 && f.alone[firstTok] == 0 || f.hasParticle(c) {
			return events.EntityPerson
		}
		return events.EntityOther
	case e.place > 0:
		return events.EntityPlace
	case c.sentInit && !e.midSentence:
		// A capitalised word only ever seen opening a sentence.
		return ""
	}
	return events.EntityOther
}

// nameLike reports whether every word of c is capitalised and none is in
// capitals throughout.
func (f *finder) nameLike(c *candidate) bool {
	words := 0
	for k := c.first; k < c.last; k++ {
		t := &f.d.Tokens[k]
		if t.Kind != segment.Word {
			continue
		}
		s := f.d.Tok(k)
		if !t.Cap {
			p, _, hyphened := strings.Cut(s, "-")
			if !lex.particles[p] {
				return false
			}
			if hyphened {
				words++
			}
			continue
		}
		words++
		if t.Upper && t.REnd-t.RStart > 2 || s == "The" {
			return false
		}
		// A word the text also writes in lower case is a common
		// noun: "Magic Keyboard", "Spiced Honey Pear Jam".
		if t.Cap && f.seenLower(stripPossessive(s)) {
			return false
		}
	}
	return words >= 2 && words <= 3
}

// hasParticle reports whether a name has a particle of a surname in it:
// "von der Leyen", "al-Assad".
func (f *finder) hasParticle(c *candidate) bool {
	for k := c.first + 1; k < c.last; k++ {
		s := f.d.Tok(k)
		if p, _, ok := strings.Cut(s, "-"); lex.particles[s] || ok && lex.particles[p] {
			return true
		}
	}
	return false
}

// seenLower reports whether the text writes w in lower case anywhere.
func (f *finder) seenLower(w string) bool {
	w = strings.ToLower(w)
	if seen, ok := f.lower[w]; ok {
		return seen
	}
	// A few names per article are checked: searching the text is
	// cheaper than indexing all of its words.
	seen := false
	text := f.d.Text
	for from := 0; !seen; {
		i := strings.Index(text[from:], w)
		if i < 0 {
			break
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(w):])
		seen = (i == 0 || !segment.IsWordRune(before)) && (i+len(w) == len(text) || !segment.IsWordRune(after))
		from = i + len(w)
	}
	f.lower[w] = seen
	return seen
}

// isAcronym reports whether s is written like an acronym: "NATO", "U.N.",
// "G7". Longer words in capitals are emphasis or headline style.
func isAcronym(s string) bool {
	letters, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			letters++
		case r == '.' || r == '&' || unicode.IsDigit(r):
			other++
		default:
			return false
		}
	}
	return letters >= 2 && (letters <= 5 || other > 0 && letters <= 8)
}

// isUpper reports whether s has no lower-case letter.
func isUpper(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// lookup finds a name in the gazetteer, also when written in capitals
// ("MOSCOW").
func lookup(key string) (gazetteerEntry, bool) {
	if e, ok := lex.gazetteer[key]; ok {
		return e, true
	}
	if len(key) > 3 && isUpper(key) {
		e, ok := lex.gazetteer[titleCase(key)]
		return e, ok
	}
	return gazetteerEntry{}, false
}

// nearest returns the full name, of those at the candidate indexes fulls,
// mentioned last before ci, else first after it.
func nearest(fulls []int, ci int) (int, bool) {
	if len(fulls) == 0 {
		return 0, false
	}
	best := fulls[0]
	for _, k := range fulls {
		if k < ci {
			best = k
		}
	}
	return best, true
}

// count totals the mentions by name.
func count(ms []Mention, dateline string) []events.Entity {
	type tally struct {
		events.Entity
		first int
		types map[events.EntityType]int
	}
	byName := make(map[string]*tally)
	var order []*tally
	add := func(name string, typ events.EntityType, first int) {
		t := byName[name]
		if t == nil {
			t = &tally{Entity: events.Entity{Name: name}, first: first, types: make(map[events.EntityType]int, 1)}
			byName[name] = t
			order = append(order, t)
		}
		t.Mentions++
		t.types[typ]++
	}
	if dateline != "" {
		name, typ := titleCase(dateline), events.EntityPlace
		if e, ok := lookup(name); ok {
			name, typ = e.name, e.typ
		}
		add(name, typ, -1)
	}
	for _, m := range ms {
		add(m.Name, m.Type, m.First)
	}
	out := make([]events.Entity, 0, len(order))
	for _, t := range order {
		best := 0
		for typ, n := range t.types {
			if n > best || n == best && typ < t.Type {
				t.Type, best = typ, n
			}
		}
		out = append(out, t.Entity)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Mentions > out[b].Mentions })
	if len(out) > MaxEntities {
		out = out[:MaxEntities]
	}
	return out
}

// titleCase turns "NEW YORK" into "New York".
func titleCase(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range strings.TrimSpace(s) {
		if upper {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		upper = !unicode.IsLetter(r) && r != '\''
	}
	return b.String()
}
