// Package changes sets the claims of one version of a story against the
// canonical version's: the quotes and statements both carry, those a rewrite
// reworded, figures that disagree, and what only one of them says.
//
// Claims are paired best first over the whole article, not in the member's
// order, so that a claim takes the counterpart that suits it best and the
// result does not depend on which claim came first. A quote or statement an
// article gives twice is one claim. A quotation that lies
// inside a statement of the same speaker ("Mangott said the visit was a
// “last, desperate attempt”") is one claim with it: the statement, which
// says what the quoted words are about, stands for both. A figure is set
// against another only when both count the same thing: the same unit, and
// words around them in common (what it counts, and the sentence of the claim
// it lies in), not the unit alone.
package changes

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Thresholds of word overlap, over content words.
const (
	// sameText: texts this similar (Jaccard) say the same thing.
	sameText = 0.8
	// rewordedText: texts this similar (Jaccard) are one claim in other
	// words.
	rewordedText = 0.3
	// partOf: a claim whose words are this much (of its own) in another's
	// is a part of it: a quotation trimmed or extended.
	partOf = 0.9
	// sameSpeakerReworded: two claims of one named person are one claim in
	// other words when this much of the shorter's words (its statement's,
	// for a quotation inside one) are in the other, and at least
	// minCommon words.
	sameSpeakerReworded = 0.25
	minCommon           = 2
	// sameQuantity: number claims that do not say they count the same
	// thing do when this much of the shorter context is in the other's
	// (and at least minCommon words).
	sameQuantity = 0.25
	// minApart: figures that count the same thing are two when each has
	// this many words around it besides, none in common.
	minApart = 3
	// window is how many content words on each side of a figure, in the
	// claim it lies in, tell what it counts.
	window = 8
	// maxClaims bounds the claims of each side that are compared (the
	// extractor gives at most 200), so that the work of one comparison is
	// bounded whatever a producer sends.
	maxClaims = 256
)

// Strength of a pairing: stronger pairings are made first.
const (
	reworded = iota + 1
	alike
	identical
)

// Compare sets member's claims against canonical's and returns at most limit
// changes, most telling first: numbers that differ, reworded claims, shared
// claims, then claims only one side carries; in each group in the order of
// the member's claims, then the canonical's. The changes hold copies of the
// claims, not pointers into the slices given. Similarity is the overlap that
// decided a pairing: of all words (Jaccard), or, for a part of a quotation
// or a claim one person reworded, of the shorter's words; for figures, of
// the shorter's words around them. Claims past the first maxClaims of
// either side are left out.
func Compare(canonical, member []events.Claim, limit int) []events.ClaimChange {
	if limit <= 0 || len(member) == 0 && len(canonical) == 0 {
		return nil
	}
	canonical, member = canonical[:min(len(canonical), maxClaims)], member[:min(len(member), maxClaims)]
	cs, ms := prepare(canonical), prepare(member)
	var pairs []pair
	for i := range ms {
		if ms[i].folded {
			continue
		}
		for j := range cs {
			if cs[j].folded {
				continue
			}
			if p, ok := match(&ms[i], &cs[j]); ok {
				p.m, p.c = int32(i), int32(j)
				pairs = append(pairs, p)
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		switch {
		case a.strength != b.strength:
			return int(b.strength) - int(a.strength)
		case a.counts != b.counts:
			if a.counts {
				return -1
			}
			return 1
		case a.sim != b.sim:
			if a.sim > b.sim {
				return -1
			}
			return 1
		case a.m != b.m:
			return int(a.m - b.m)
		}
		return int(a.c - b.c)
	})
	byM := make([]int, len(ms))
	for i := range byM {
		byM[i] = -1
	}
	usedC := make([]bool, len(cs))
	for k, p := range pairs {
		if byM[p.m] < 0 && !usedC[p.c] {
			byM[p.m] = k
			usedC[p.c] = true
		}
	}
	var out []events.ClaimChange
	for i := range ms {
		if ms[i].folded {
			continue
		}
		if byM[i] < 0 {
			out = append(out, events.ClaimChange{Kind: events.ChangeOnlyMember, Claim: ms[i].c})
			continue
		}
		p := pairs[byM[i]]
		out = append(out, events.ClaimChange{Kind: p.kind(), Claim: ms[i].c, Canonical: cs[p.c].c, Similarity: round(p.sim)})
	}
	for j := range cs {
		// A canonical figure no member repeats is no news: only the
		// quotes and statements it alone carries are listed.
		if !usedC[j] && !cs[j].folded && cs[j].c.Kind != events.ClaimNumber {
			out = append(out, events.ClaimChange{Kind: events.ChangeOnlyCanonical, Canonical: cs[j].c})
		}
	}
	slices.SortStableFunc(out, func(a, b events.ClaimChange) int { return rank(a.Kind) - rank(b.Kind) })
	if len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		out[i].Claim, out[i].Canonical = clone(out[i].Claim), clone(out[i].Canonical)
	}
	return out
}

func rank(k events.ChangeKind) int {
	switch k {
	case events.ChangeNumberDiffers:
		return 0
	case events.ChangeReworded:
		return 1
	case events.ChangeShared:
		return 2
	case events.ChangeOnlyMember:
		return 3
	}
	return 4
}

func clone(c *events.Claim) *events.Claim {
	if c == nil {
		return nil
	}
	cp := *c
	if c.Value != nil {
		v := *c.Value
		cp.Value = &v
	}
	if c.Upper != nil {
		v := *c.Upper
		cp.Upper = &v
	}
	return &cp
}

// pair is a possible pairing of member claim m with canonical claim c.
// It holds no pointers: an article may have tens of thousands.
type pair struct {
	sim      float64
	m, c     int32
	strength int8
	// counts is set for figures that say they count the same thing: they
	// pair before those paired by the words around them.
	counts bool
	// differs is set for figures of the same thing that differ.
	differs bool
}

func (p pair) kind() events.ChangeKind {
	switch {
	case p.differs:
		return events.ChangeNumberDiffers
	case p.strength == reworded:
		return events.ChangeReworded
	}
	return events.ChangeShared
}

// claim is a claim with what comparing it needs.
type claim struct {
	c *events.Claim
	// words are its content words (numbers' only what they count).
	words []string
	// norm is its normalised text.
	norm string
	// speaker is its speaker, when it names a person.
	speaker *person
	// folded marks a quotation inside a statement of the same speaker, or
	// a quote or statement the article gave before: the other stands for
	// it.
	folded bool
	unit   string
	// counts are the words of what a number counts.
	counts []string
}

func prepare(claims []events.Claim) []claim {
	out := make([]claim, len(claims))
	seen := make(map[string]bool, len(claims))
	for i := range claims {
		c := &claims[i]
		out[i] = claim{c: c, norm: events.NormalizeText(c.Text), speaker: personOf(c.Speaker)}
		if c.Kind != events.ClaimNumber {
			key := out[i].norm + "\x00" + events.NormalizeText(c.Speaker)
			out[i].folded = seen[key]
			seen[key] = true
			out[i].words = set(contentWords(nil, c.Text, false))
			continue
		}
		out[i].unit = unit(c.Unit)
		out[i].counts = set(contentWords(nil, c.Counts, true))
	}
	for i := range out {
		c := out[i].c
		switch c.Kind {
		case events.ClaimNumber:
			out[i].words = numberContext(out, i)
		case events.ClaimQuote:
			for j := range out {
				s := out[j].c
				if s.Kind == events.ClaimStatement && inside(c, s) && sameSpeaker(c.Speaker, s.Speaker) {
					out[i].folded = true
					break
				}
			}
		}
	}
	return out
}

// inside reports whether c's span lies within s's. Spans are offsets into
// the article's text, so claims without them (zero spans) lie in nothing.
func inside(c, s *events.Claim) bool {
	return c.End > c.Start && s.End > s.Start && c.Start >= s.Start && c.End <= s.End && (c.Start != s.Start || c.End != s.End)
}

// numberContext returns the words that say what claims[i], a number,
// counts: its own words but the figure and unit, what it counts, and up to
// window content words each side of it in the quote or statement it lies
// in.
func numberContext(claims []claim, i int) []string {
	c := claims[i].c
	ws := contentWords(nil, c.Text, true)
	ws = append(ws, claims[i].counts...)
	for j := range claims {
		s := claims[j].c
		if s.Kind == events.ClaimNumber || !inside(c, s) {
			continue
		}
		r := []rune(s.Text)
		from, to := c.Start-s.Start, c.End-s.Start
		if from < 0 || to < from || to > len(r) || events.NormalizeText(string(r[from:to])) != claims[i].norm {
			// The spans do not slice the texts: the claims were not
			// made from one text.
			continue
		}
		before := contentWords(nil, string(r[:from]), true)
		ws = append(ws, before[max(0, len(before)-window):]...)
		after := contentWords(nil, string(r[to:]), true)
		ws = append(ws, after[:min(window, len(after))]...)
		break
	}
	u := claims[i].unit
	ws = slices.DeleteFunc(ws, func(w string) bool { return w == u })
	return set(ws)
}

// match decides whether member claim m and canonical claim c are one claim,
// and how they compare.
func match(m, c *claim) (pair, bool) {
	if (m.c.Kind == events.ClaimNumber) != (c.c.Kind == events.ClaimNumber) {
		return pair{}, false
	}
	if m.c.Kind == events.ClaimNumber {
		return matchNumbers(m, c)
	}
	if !speakersAgree(m, c) {
		return pair{}, false
	}
	if (m.c.ID != "" && m.c.ID == c.c.ID) || (m.norm != "" && m.norm == c.norm) {
		return pair{strength: identical, sim: 1}, true
	}
	common := intersect(m.words, c.words)
	if common == 0 {
		return pair{}, false
	}
	jac := float64(common) / float64(len(m.words)+len(c.words)-common)
	short := min(len(m.words), len(c.words))
	ofShort := float64(common) / float64(short)
	named := m.speaker != nil && c.speaker != nil
	switch {
	case jac >= sameText:
		return pair{strength: alike, sim: jac}, true
	case ofShort >= partOf && (short >= 3 || named):
		// A quotation trimmed or extended: the same words, as far as
		// both go.
		return pair{strength: alike, sim: ofShort}, true
	case jac >= rewordedText:
		return pair{strength: reworded, sim: jac}, true
	case named && common >= minCommon && ofShort >= sameSpeakerReworded:
		return pair{strength: reworded, sim: ofShort}, true
	}
	return pair{}, false
}

// matchNumbers pairs two figures that count the same thing: same unit (or
// one gives none and both count the same), and what they count in common,
// or at least minCommon words around them beyond the unit.
func matchNumbers(m, c *claim) (pair, bool) {
	countsAgree := intersect(m.counts, c.counts) > 0
	switch {
	case m.unit != "" && c.unit != "":
		if m.unit != c.unit {
			return pair{}, false
		}
	case !countsAgree:
		return pair{}, false
	}
	if len(m.counts) > 0 && len(c.counts) > 0 && !countsAgree &&
		intersect(m.counts, c.words) == 0 && intersect(c.counts, m.words) == 0 {
		// "72 people killed" and "150 people injured".
		return pair{}, false
	}
	common := intersect(m.words, c.words)
	sim := 0.0
	if common > 0 {
		sim = float64(common) / float64(min(len(m.words), len(c.words)))
	}
	p := pair{strength: alike, counts: countsAgree, sim: sim}
	// Figures of one value are one figure if they count the same thing.
	// Figures of two values disagree if they are told of in the same
	// words, or count the same thing and nothing around them says they
	// are two ("72 people killed" in the strike on Kyiv, "12 people
	// killed" in a flood in March).
	enough := common >= minCommon && sim >= sameQuantity
	same := sameValue(m.c, c.c)
	apart := len(m.words)-len(m.counts) >= minApart && len(c.words)-len(c.counts) >= minApart &&
		common == intersect(m.counts, c.counts)
	switch {
	case same && (m.c.ID != "" && m.c.ID == c.c.ID || m.norm == c.norm):
		p.strength, p.sim = identical, 1
	case same && (countsAgree || enough):
	case !same && (enough || countsAgree && !apart):
		p.differs, p.strength = true, reworded
	default:
		return pair{}, false
	}
	return p, true
}

// sameValue reports whether two figures agree: one value, or ranges that
// overlap ("two or three years" agrees with "three years", not with "four
// years").
func sameValue(a, b *events.Claim) bool {
	if a.Value == nil || b.Value == nil {
		return events.NormalizeText(a.Text) == events.NormalizeText(b.Text)
	}
	alo, ahi := bounds(a)
	blo, bhi := bounds(b)
	return near(alo, blo) || near(ahi, bhi) || alo <= bhi && blo <= ahi
}

// bounds returns the range a figure gives: its value twice, unless it
// gives an upper bound above it.
func bounds(c *events.Claim) (lo, hi float64) {
	lo, hi = *c.Value, *c.Value
	if c.Upper != nil && *c.Upper > lo {
		hi = *c.Upper
	}
	return lo, hi
}

func near(x, y float64) bool {
	return x == y || math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}

// person is a speaker that names a person: a first name, if given, and a
// surname.
type person struct{ first, last string }

// personOf returns the person speaker names, or nil for a group or an
// institution ("the sources", "three sources close to the Kremlin", "The
// Kremlin", "Officials") or no speaker: one to four words, each
// capitalised, the first not an article, the last not a word for a group.
// A title before the name ("Mr.", "President") is not a first name.
func personOf(speaker string) *person {
	f := strings.Fields(speaker)
	if len(f) == 0 || len(f) > 4 || strings.EqualFold(f[0], "the") {
		return nil
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return nil
		}
	}
	for len(f) > 1 && title[events.NormalizeText(f[0])] {
		f = f[1:]
	}
	last := events.NormalizeText(f[len(f)-1])
	if last == "" || group[last] {
		return nil
	}
	p := &person{last: last}
	if len(f) > 1 {
		p.first = events.NormalizeText(f[0])
	}
	return p
}

// title words before a name.
var title = wordSet(`mr mrs ms miss dr prof sir dame president prime minister foreign senator sen rep gov governor mayor
general gen col adm chancellor king queen prince pope judge secretary`)

// group words: a speaker ending in one is not a person.
var group = wordSet(`officials sources police analysts experts witnesses residents authorities diplomats lawmakers
critics officers spokesman spokeswoman spokesperson government ministry kremlin agency army military union company
statement report reports media`)

// speakersAgree reports whether two quotes or statements may be one claim
// by who said them: the same person, or no person on either side. A person
// and a group ("Mangott" and "the sources") did not say the same thing.
func speakersAgree(m, c *claim) bool {
	switch {
	case m.speaker == nil && c.speaker == nil:
		return true
	case m.speaker == nil || c.speaker == nil:
		return m.c.Speaker == "" || c.c.Speaker == ""
	}
	return m.speaker.same(c.speaker)
}

// sameSpeaker reports whether speakers a and b are the same person, or
// either names none.
func sameSpeaker(a, b string) bool {
	pa, pb := personOf(a), personOf(b)
	if pa == nil || pb == nil {
		return events.NormalizeText(a) == events.NormalizeText(b) || a == "" || b == ""
	}
	return pa.same(pb)
}

// same compares persons by surname, so "Mangott" and "Gerhard Mangott" are
// one; a surname one letter off ("Mangot") is the same person unless the
// first names differ.
func (p *person) same(o *person) bool {
	if p.first != "" && o.first != "" && p.first != o.first {
		return false
	}
	if p.last == o.last {
		return true
	}
	return min(utf8.RuneCountInString(p.last), utf8.RuneCountInString(o.last)) >= 6 && oneEdit(p.last, o.last)
}

// oneEdit reports whether a and b differ by one inserted, deleted or
// replaced rune.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i+1:]) == string(rb[i:])
}

func unit(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	return stem(u)
}

// stem strips a plural "s", so "years" and "year" are one word.
func stem(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return w[:len(w)-1]
	}
	return w
}

// contentWords appends to dst the words of text that carry its content:
// normalised, stemmed, without stop words, single letters, or figures
// (digits and number words, which a number claim sets apart and which are
// not the wording of a quote). With context set it also leaves out the
// qualifiers of a figure ("at least", "more than").
func contentWords(dst []string, text string, context bool) []string {
	for _, w := range strings.Fields(events.NormalizeText(text)) {
		if stop[w] || numberWord[w] || utf8.RuneCountInString(w) < 2 || strings.ContainsFunc(w, unicode.IsDigit) {
			continue
		}
		if context && qualifier[w] {
			continue
		}
		dst = append(dst, stem(w))
	}
	return dst
}

// set sorts ws and drops repeats.
func set(ws []string) []string {
	slices.Sort(ws)
	return slices.Compact(ws)
}

// intersect counts the words a and b, sorted sets, have in common.
func intersect(a, b []string) int {
	n := 0
	for len(a) > 0 && len(b) > 0 {
		switch strings.Compare(a[0], b[0]) {
		case 0:
			n++
			a, b = a[1:], b[1:]
		case -1:
			a = a[1:]
		default:
			b = b[1:]
		}
	}
	return n
}

// stop words left out of the overlap of two claims.
var stop = wordSet(`the an of to in and is it that for on with be was has have he she they this at by as but or
are were been had its his her their them we you our not no so if from will would could should may might can
do does did which who whom what when there than then also all any more most much yet such some very just`)

// qualifier words of a figure, not of what it counts.
var qualifier = wordSet(`least about around nearly almost over under less more than some roughly approximately
up until just only`)

var numberWord = wordSet(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety half quarter dozen dozens
hundred hundreds thousand thousands million millions billion billions trillion first second third`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
