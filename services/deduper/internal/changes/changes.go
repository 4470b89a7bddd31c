// Package changes sets the claims of one version of a story against the
// canonical version's: the quotes, statements and figures both carry in the
// same words, those a rewrite reworded, figures that disagree, and what only
// one of them says.
//
// A quote or statement is shared only when both give it in the same words
// (once case, spacing, punctuation and the forms of quotation marks and
// dashes are set aside); any other pairing of it, a light edit or a part of
// a quotation included, is reworded. A figure is shared when both give the
// same value of the same thing, however written ("nine percent", "9
// percent").
//
// Claims are paired best first over the whole article, not in the member's
// order, so that a claim takes the counterpart that suits it best and the
// result does not depend on which claim came first. A quote or statement an
// article gives twice is one claim. A quotation that lies
// inside a statement of the same speaker ("Mangott said the visit was a
// “last, desperate attempt”") is one claim with it: the statement, which
// says what the quoted words are about, stands for both. Two quotes or
// statements are one in other words when enough of their words are in
// common, or fewer but the same source said both, or figures that agree lie
// in both. A figure is set against another only when both count the same
// thing: units that agree (the same, one the plural of the other, or one's
// unit among the words around the other), and, for figures of two values,
// words around them in common, not the unit alone.
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
	// sameSourceReworded: two claims of one body named alike ("the
	// transport ministry"), or two that hold the same figure, are one
	// claim in other words when this much of the shorter's words are in
	// the other, and at least minCommon words.
	sameSourceReworded = 0.33
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
	// maxFigures bounds the figures of one quote or statement that are set
	// against another's.
	maxFigures = 8
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
// changes, most telling first: numbers that differ, reworded claims, claims
// only the member carries, those only the canonical carries, then the
// shared claims, which tell that nothing changed; in each group in the
// order of the member's claims, then the canonical's. The changes hold
// copies of the claims, not pointers into the slices given. The similarity
// of two quotes or statements is the overlap of their content words
// (Jaccard: 1 for the same words); of two figures, the overlap of the words
// around them, of the shorter's. Claims past the first maxClaims of either
// side are left out.
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
			if p, ok := match(ms, cs, i, j); ok {
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
	n := len(pairs)
	take := func(figures bool) {
		for k, p := range pairs[:n] {
			if (ms[p.m].c.Kind == events.ClaimNumber) == figures && byM[p.m] < 0 && !usedC[p.c] {
				byM[p.m] = k
				usedC[p.c] = true
			}
		}
	}
	// Quotes and statements first, then the figures they hold, then the
	// other figures: "a three-day shutdown would hurt" and "a three-day
	// closure will cost" hold one figure, though the 72 hours of the
	// strike are three days too.
	take(false)
	pairs = pairFigures(ms, cs, pairs, byM, usedC)
	take(true)
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
		out = append(out, events.ClaimChange{Kind: p.kind(), Claim: ms[i].c, Canonical: cs[p.c].c, Similarity: round(similarity(&ms[i], &cs[p.c], p))})
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

// pairFigures pairs the figures that two paired quotes or statements hold
// and nothing else paired: a figure of the same value and unit in both is
// one figure, whatever it is said to count ("a three-day closure will
// cost", "a three-day shutdown would hurt"). It returns pairs with those
// added, and marks them in byM and usedC.
func pairFigures(ms, cs []claim, pairs []pair, byM []int, usedC []bool) []pair {
	for i := range ms {
		if ms[i].c.Kind == events.ClaimNumber || byM[i] < 0 {
			continue
		}
		j := pairs[byM[i]].c
		for _, f := range ms[i].figures {
			if byM[f] >= 0 {
				continue
			}
			for _, g := range cs[j].figures {
				if usedC[g] || !sameFigure(&ms[f], &cs[g]) {
					continue
				}
				sim := 0.0
				if common := intersect(ms[f].words, cs[g].words); common > 0 {
					sim = float64(common) / float64(min(len(ms[f].words), len(cs[g].words)))
				}
				pairs = append(pairs, pair{m: f, c: g, strength: alike, same: true, sim: sim})
				byM[f], usedC[g] = len(pairs)-1, true
				break
			}
		}
	}
	return pairs
}

// similarity is what a change of pairing p of m and c reports: for
// figures, the overlap of the words around them that ordered the pairing;
// for quotes and statements, the overlap of their words (Jaccard), 1 for
// the same words.
func similarity(m, c *claim, p pair) float64 {
	switch {
	case m.c.Kind == events.ClaimNumber:
		return p.sim
	case p.same:
		return 1
	}
	common := intersect(m.words, c.words)
	if common == 0 {
		return 0
	}
	return float64(common) / float64(len(m.words)+len(c.words)-common)
}

func rank(k events.ChangeKind) int {
	switch k {
	case events.ChangeNumberDiffers:
		return 0
	case events.ChangeReworded:
		return 1
	case events.ChangeOnlyMember:
		return 2
	case events.ChangeOnlyCanonical:
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
	// sim is the overlap that decided the pairing, which orders pairings
	// of one strength.
	sim      float64
	m, c     int32
	strength int8
	// same is set when the two say the same: the same words, or the same
	// value of one quantity.
	same bool
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
	case p.same:
		return events.ChangeShared
	}
	return events.ChangeReworded
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
	// q is a number's value as a quantity: in a base unit of its kind
	// (hours for "three-day", months for "two years"), bounded as its
	// text bounds it ("more than forty"); plain is the same in the unit
	// the figure gives.
	q, plain quantity
	// counts are the words of what a number counts; own, those and the
	// words of its text.
	counts, own []string
	// source are the words of a speaker that names no person ("the
	// transport ministry"), and head the word that says what it is
	// ("ministry"), to tell whether two name one body.
	source []string
	head   string
	// figures are the numbers that lie in a quote or statement.
	figures []int32
	// repeated marks a number that more than one quote or statement holds
	// (a figure of the same value and unit in each).
	repeated bool
}

func prepare(claims []events.Claim) []claim {
	out := make([]claim, len(claims))
	seen := make(map[string]bool, len(claims))
	for i := range claims {
		c := &claims[i]
		out[i] = claim{c: c, norm: events.NormalizeText(c.Text), speaker: personOf(c.Speaker)}
		if out[i].speaker == nil {
			out[i].source = set(contentWords(nil, c.Speaker, true))
			out[i].head = head(c.Speaker)
		}
		if c.Kind != events.ClaimNumber {
			key := out[i].norm + "\x00" + events.NormalizeText(c.Speaker)
			out[i].folded = seen[key]
			seen[key] = true
			out[i].words = set(contentWords(nil, c.Text, false))
			continue
		}
		out[i].unit = unit(c.Unit)
		out[i].q, out[i].plain = quantityOf(c, out[i].unit)
		out[i].counts = set(contentWords(nil, c.Counts, true))
		out[i].own = set(contentWords(slices.Clone(out[i].counts), c.Text, true))
	}
	for i := range out {
		c := out[i].c
		switch c.Kind {
		case events.ClaimNumber:
			out[i].words = numberContext(out, i)
			for j := range out {
				if out[j].c.Kind != events.ClaimNumber && inside(c, out[j].c) && len(out[j].figures) < maxFigures {
					out[j].figures = append(out[j].figures, int32(i))
				}
			}
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
	for i := range out {
		if out[i].c.Kind != events.ClaimNumber {
			continue
		}
		holders := 0
		for j := range out {
			if !out[j].folded && slices.ContainsFunc(out[j].figures, func(f int32) bool { return sameFigure(&out[f], &out[i]) }) {
				holders++
			}
		}
		out[i].repeated = holders > 1
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
	ws = slices.DeleteFunc(ws, func(w string) bool { return unit(w) == u })
	return set(ws)
}

// match decides whether member claim ms[i] and canonical claim cs[j] are
// one claim, and how they compare.
func match(ms, cs []claim, i, j int) (pair, bool) {
	m, c := &ms[i], &cs[j]
	if (m.c.Kind == events.ClaimNumber) != (c.c.Kind == events.ClaimNumber) {
		return pair{}, false
	}
	if m.c.Kind == events.ClaimNumber {
		return matchNumbers(m, c)
	}
	if !speakersAgree(m, c) {
		return pair{}, false
	}
	if m.norm != "" && m.norm == c.norm || trimmed(m, c) {
		return pair{strength: identical, same: true, sim: 1}, true
	}
	common := intersect(m.words, c.words)
	if common == 0 {
		return pair{}, false
	}
	jac := float64(common) / float64(len(m.words)+len(c.words)-common)
	short := min(len(m.words), len(c.words))
	ofShort := float64(common) / float64(short)
	named := m.speaker != nil && c.speaker != nil
	p := pair{strength: reworded, sim: jac}
	switch {
	case m.c.ID != "" && m.c.ID == c.c.ID:
		// One claim by its id, in words that differ all the same.
		p.strength, p.sim = identical, 1
	case jac >= sameText:
		p.strength = alike
	case ofShort >= partOf && (short >= 3 || named):
		// A quotation trimmed or extended: the same words, as far as
		// both go.
		p.strength, p.sim = alike, ofShort
	case jac >= rewordedText:
	case named && common >= minCommon && ofShort >= sameSpeakerReworded:
		// Fewer words in common, but one person said both.
		p.sim = ofShort
	case common >= minCommon && ofShort >= sameSourceReworded && (sameBody(m, c) || figuresAgree(ms, cs, m, c)):
		// Fewer words in common, but one body said both ("the transport
		// ministry", "the regional transport ministry"), or both give a
		// figure no other claim of theirs gives: "a three-day closure
		// will cost the regional economy" and "a three-day shutdown
		// would hurt the regional economy".
		p.sim = ofShort
	default:
		return pair{}, false
	}
	return p, true
}

// trimmed reports whether one of two quotations is the other's words, in
// the same order, trimmed or extended ("last-ditch effort" of "The visit
// of Witkoff is a last-ditch effort to find a face-saving solution"): a
// writer quoting a part of what was said changes none of it. It takes
// three words at least; a statement trimmed tells less, and is reworded.
func trimmed(m, c *claim) bool {
	if m.c.Kind != events.ClaimQuote || c.c.Kind != events.ClaimQuote {
		return false
	}
	short, long := m.norm, c.norm
	if len(short) > len(long) {
		short, long = long, short
	}
	return strings.Count(short, " ") >= 2 && strings.Contains(" "+long+" ", " "+short+" ")
}

// sameBody reports whether two claims name one body by its name, however
// fully ("The transport ministry" and "The regional transport ministry",
// "the Kremlin" and "The Kremlin"): the words of one's speaker are all the
// other's, they say it is the same kind of thing ("sources close to the
// Kremlin" are not the Kremlin), and some are more than a word for any group
// ("the police", "officials", "witnesses" say many things).
func sameBody(m, c *claim) bool {
	if m.speaker != nil || c.speaker != nil || !specific(m.source) || !specific(c.source) {
		return false
	}
	return m.head == c.head && intersect(m.source, c.source) == min(len(m.source), len(c.source))
}

// head returns the word that says what a speaker is: the last word before
// what follows it ("sources" of "three sources close to the Kremlin"), as
// contentWords gives it.
func head(speaker string) string {
	var last string
	for _, w := range strings.Fields(events.NormalizeText(speaker)) {
		if postHead[w] && last != "" {
			break
		}
		if cw, ok := contentWord(w, true); ok {
			last = cw
		}
	}
	return last
}

// postHead words follow the head of who said something.
var postHead = wordSet(`of at in from close near with for to on by who which that`)

// specific reports whether the words of a speaker that is no person name
// something: a word that is not one for any group.
func specific(source []string) bool {
	return slices.ContainsFunc(source, func(w string) bool { return !generic[w] })
}

// generic words for who said something: a speaker of these alone is one of
// many ("the police", "officials", "witnesses"), not a body by its name ("the
// Kremlin", "the transport ministry").
var generic = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`officials sources police analysts experts witnesses residents authorities
		diplomats lawmakers critics officers spokesman spokeswoman spokesperson statement report reports media
		people person investigators prosecutors observers team club firm navy department office`) {
		m[stem(w)] = true
	}
	return m
}()

// figuresAgree reports whether a figure in m and one in c give the same
// value of one unit, and no other quote or statement of either side holds
// a figure of that value and unit: a sign that the two are one statement
// ("a 61-year-old man" in many statements of one story is none).
func figuresAgree(ms, cs []claim, m, c *claim) bool {
	for _, i := range m.figures {
		for _, j := range c.figures {
			if !ms[i].repeated && !cs[j].repeated && sameFigure(&ms[i], &cs[j]) {
				return true
			}
		}
	}
	return false
}

// sameFigure reports whether two figures give the same value of one unit.
func sameFigure(a, b *claim) bool {
	return a.unit != "" && a.q.kind == b.q.kind && sameValue(a, b)
}

// matchNumbers pairs two figures that count the same thing: units that
// agree (or one gives none and both count the same), nothing that says
// they count two things, and, for two values, what they count in common or
// at least minCommon words around them beyond the unit.
func matchNumbers(m, c *claim) (pair, bool) {
	countsAgree := intersect(m.counts, c.counts) > 0
	same := sameValue(m, c)
	switch {
	case m.unit != "" && c.unit != "":
		if !unitsAgree(m, c) {
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
	apart := len(m.words)-len(m.counts) >= minApart && len(c.words)-len(c.counts) >= minApart &&
		common == intersect(m.counts, c.counts)
	switch {
	case same && (m.c.ID != "" && m.c.ID == c.c.ID || m.norm == c.norm):
		p.strength, p.sim, p.same = identical, 1, true
	case same:
		// The same value of units that agree: "nine percent" and "9
		// percent", "72-hour strike" and "72 hours", however reworded the
		// sentences around them.
		p.same = true
	case !same && (enough || countsAgree && !apart):
		p.differs, p.strength = true, reworded
	default:
		return pair{}, false
	}
	return p, true
}

// unitsAgree reports whether the units of two figures (both given) may be
// of one quantity: the same unit, one the other's plural, or another way of
// writing it ("%", "percent"); or one's unit among the words of the other
// ("41 container ships" in unit "ships" and "at least 41 container" in unit
// "container").
func unitsAgree(m, c *claim) bool {
	return m.q.kind == c.q.kind || slices.Contains(c.own, m.unit) || slices.Contains(m.own, c.unit)
}

// sameValue reports whether two figures agree: one value, ranges that
// overlap ("two or three years" agrees with "three years", not with "four
// years"), a bound and the value it starts from ("at least 41" and "41"),
// or bounds that say the same ("more than forty" and "at least 41"). Two
// figures of one kind of quantity compare in its base unit: "three-day"
// agrees with "72 hours". A figure without a value agrees by its words.
func sameValue(a, b *claim) bool {
	if a.c.Value == nil || b.c.Value == nil {
		return a.norm == b.norm
	}
	x, y := a.q, b.q
	if x.kind != y.kind {
		// Units that are not one kind of quantity ("41 container" and
		// "41 container ships") compare as given.
		x, y = a.plain, b.plain
	}
	switch {
	case x.bound == exact && y.bound == exact:
		return near(x.lo, y.lo) || near(x.hi, y.hi) || x.lo <= y.hi && y.lo <= x.hi
	case x.bound == exact:
		x, y = y, x
	}
	// x is a bound: its end is what it says.
	end := x.lo
	if x.bound == atMost {
		end = x.hi
	}
	if y.bound == exact {
		return near(end, y.lo) || near(end, y.hi) || y.lo < end && end < y.hi
	}
	other := y.lo
	if y.bound == atMost {
		other = y.hi
	}
	return x.bound == y.bound && near(end, other)
}

// quantity is a figure's value or range in a base unit, and whether its
// text makes it a bound.
type quantity struct {
	kind   string // the base unit, or the figure's own unit
	lo, hi float64
	bound  boundKind
}

type boundKind int8

const (
	exact   boundKind = iota
	atLeast           // "at least 41", "more than forty" (41 then)
	atMost            // "up to two days", "fewer than 10" (9 then)
)

// baseUnits gives units of one kind of quantity in a base unit of it.
// Months and years are not counted in days: "a year" is not 365 days in a
// news story, "twelve months" is.
// Keys are units as unit normalises them.
var baseUnits = func() map[string]baseUnit {
	m := map[string]baseUnit{}
	for w, b := range map[string]baseUnit{
		"minute": {"hour", 1.0 / 60}, "min": {"hour", 1.0 / 60},
		"hour": {"hour", 1}, "day": {"hour", 24}, "week": {"hour", 7 * 24}, "fortnight": {"hour", 14 * 24},
		"month": {"month", 1}, "year": {"month", 12}, "decade": {"month", 120},
	} {
		m[unit(w)] = b
	}
	return m
}()

type baseUnit struct {
	base   string
	factor float64
}

// quantityOf returns a number claim's quantity, of unit u (normalised),
// in the base unit of its kind and as given.
func quantityOf(c *events.Claim, u string) (q, plain quantity) {
	if c.Value == nil {
		return quantity{kind: u}, quantity{kind: u}
	}
	plain = quantity{kind: u, lo: *c.Value, hi: *c.Value}
	if c.Upper != nil && *c.Upper > plain.lo {
		plain.hi = *c.Upper
	}
	b, ok := baseUnits[u]
	q = plain
	plain.bound, plain.lo, plain.hi = boundOf(c.Text, plain.lo, plain.hi, true)
	if !ok {
		return plain, plain
	}
	q.kind, q.lo, q.hi = b.base, q.lo*b.factor, q.hi*b.factor
	q.bound, q.lo, q.hi = boundOf(c.Text, q.lo, q.hi, false)
	return q, plain
}

// boundOf reads the words before a figure's number that make it a bound,
// and returns the bound with its range. A strict bound of a whole count
// is the next whole number ("more than forty" ships are at least 41); of
// anything else, the value itself.
func boundOf(text string, lo, hi float64, count bool) (boundKind, float64, float64) {
	lead := strings.ToLower(text)
	if i := strings.IndexFunc(lead, func(r rune) bool { return r >= '0' && r <= '9' }); i >= 0 {
		lead = lead[:i]
	}
	lead = " " + strings.Join(strings.Fields(lead), " ") + " "
	whole := count && lo == math.Trunc(lo) && hi == lo
	for _, q := range boundWords {
		if !strings.HasPrefix(lead, " "+q.words+" ") {
			continue
		}
		switch {
		case q.bound == atLeast && q.strict && whole:
			return atLeast, lo + 1, lo + 1
		case q.bound == atMost && q.strict && whole:
			return atMost, hi - 1, hi - 1
		}
		return q.bound, lo, hi
	}
	return exact, lo, hi
}

// boundWords are the words that make a figure a bound, longest first
// where one begins another.
var boundWords = []struct {
	words  string
	bound  boundKind
	strict bool
}{
	{"more than", atLeast, true}, {"over", atLeast, true}, {"above", atLeast, true},
	{"upwards of", atLeast, true}, {"in excess of", atLeast, true},
	{"at least", atLeast, false}, {"no fewer than", atLeast, false}, {"no less than", atLeast, false},
	{"a minimum of", atLeast, false},
	{"less than", atMost, true}, {"fewer than", atMost, true}, {"under", atMost, true}, {"below", atMost, true},
	{"up to", atMost, false}, {"at most", atMost, false}, {"no more than", atMost, false},
	{"as many as", atMost, false}, {"a maximum of", atMost, false},
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
	if len(f) == 0 || len(f) > 4 || determiner[strings.ToLower(f[0])] {
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

// determiner words: a speaker that starts with one ("Its chief executive")
// describes a person or a body, and does not name one.
var determiner = wordSet(`the a an its his her their our my your this that these those one some`)

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

// unit returns the form of a unit that figures are compared by: stemmed,
// and one form for the ways of writing one unit ("%", "percent").
func unit(u string) string {
	u = strings.Join(strings.Fields(strings.ToLower(u)), " ")
	if a, ok := unitAlias[u]; ok {
		return a
	}
	return stem(u)
}

var unitAlias = map[string]string{
	"percent": "%", "per cent": "%", "pct": "%", "pc": "%",
	"$": "usd", "dollar": "usd", "dollars": "usd", "us$": "usd",
	"€": "eur", "euro": "eur", "euros": "eur", "£": "gbp",
	"kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
	"hr": "hour", "hrs": "hour", "yr": "year", "yrs": "year",
}

// stem strips the endings of a word that do not change what it names, so
// that "years" and "year", "trading" and "trade", "settled" and "settle"
// are one word. It is no grammar: the forms it makes need only agree.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 6 && strings.HasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 5 && strings.HasSuffix(w, "ed"):
		w = w[:n-2]
	}
	if n = len(w); n > 4 && strings.HasSuffix(w, "e") {
		w = w[:n-1]
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
		if w, ok := contentWord(w, context); ok {
			dst = append(dst, w)
		}
	}
	return dst
}

// contentWord returns w, a normalised word, as contentWords gives it, and
// whether it is one.
func contentWord(w string, context bool) (string, bool) {
	if stop[w] || numberWord[w] || utf8.RuneCountInString(w) < 2 || strings.ContainsFunc(w, unicode.IsDigit) ||
		context && qualifier[w] {
		return "", false
	}
	return stem(spell(w)), true
}

// spell gives one spelling of words British and American English spell
// apart ("sceptical", "skeptical"; "penalise", "penalize"; "labour",
// "labor"), and of a word and its negation by "il-" or "ir-". Like stem,
// it is no grammar: its forms need only agree.
func spell(w string) string {
	if len(w) < 6 {
		return w
	}
	switch {
	case strings.HasPrefix(w, "ill") || strings.HasPrefix(w, "irr"):
		// "illegal" and "legal", "irregular" and "regular": a rewrite
		// that turns one into the other words the same claim otherwise.
		w = w[2:]
	case strings.HasPrefix(w, "scept"):
		w = "skept" + w[5:]
	case strings.HasSuffix(w, "our"):
		w = w[:len(w)-3] + "or"
	}
	for _, end := range []string{"ise", "ised", "ising", "ises", "isation"} {
		if strings.HasSuffix(w, end) && len(w) > len(end)+2 {
			i := len(w) - len(end)
			return w[:i] + "iz" + w[i+2:]
		}
	}
	return w
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
