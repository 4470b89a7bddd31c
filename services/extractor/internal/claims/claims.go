// Package claims finds what an English news article quotes and asserts:
// direct quotations with their speakers, reported speech and attributed
// statements ("three sources close to the Kremlin told Reuters that ..."),
// and figures with what they count ("at least 72 people" killed). It is
// rule-based and works on a segmented text and the entities found in it, so
// that a quotation's "he said" resolves to the person named before.
//
// Every claim's span, in runes, slices exactly its Text out of the article's
// text, and its ID depends only on the normalised text and speaker, so that
// the same quotation in two articles has the same id. A quotation's speaker
// is a person's full name where the text gives one, also when the
// attribution gives only a title the text names its holder by ("the chief
// executive said", after "chief executive Peter Aaland"); a statement's is
// the source as written ("three sources close to the Kremlin",
// "Zelenskiy"). A number's Value is the lower bound of a range ("two or
// three years" is 2, its Upper 3) and of vague counts ("dozens" is 24); its
// Unit is "%", a currency code, or the head noun of what it counts in the
// plural ("41 container ships" and "a 72-hour strike": "ships", "hours"),
// its Text the whole phrase.
//
// The rules are for English: the extractor runs them on English articles
// only.
package claims

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/entities"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// MaxClaims caps the claims of one article. Quotations are kept before
// statements, and statements before numbers.
const MaxClaims = 200

// Extract segments text, finds its entities and returns its claims: Find
// for callers that have nothing else to do with the segmentation.
func Extract(text string) []events.Claim {
	d := segment.Split(text)
	return Find(d, entities.Find(d, entities.Options{}))
}

// Find returns the claims of d, whose entities are ents, in text order.
func Find(d *segment.Doc, ents *entities.Result) []events.Claim {
	f := &finder{
		d:       d,
		ents:    ents,
		found:   make([]foundClaim, 0, len(d.Sentences)),
		usedCue: make(map[int]bool),
		persons: make(map[int]string),
	}
	f.lower, f.classes = lowerWords(d)
	for si := range d.Sentences {
		s := d.Sentences[si]
		if s.Heading {
			continue
		}
		f.quotes(si)
		f.statements(si)
		f.numbers(si)
	}
	found := f.found
	if len(found) > MaxClaims {
		slices.SortStableFunc(found, func(a, b foundClaim) int { return rank(a.Kind) - rank(b.Kind) })
		found = found[:MaxClaims]
	}
	slices.SortStableFunc(found, func(a, b foundClaim) int { return a.first - b.first })
	out := make([]events.Claim, len(found))
	for i, c := range found {
		out[i] = c.Claim
	}
	return out
}

func rank(k events.ClaimKind) int {
	switch k {
	case events.ClaimQuote:
		return 0
	case events.ClaimStatement:
		return 1
	}
	return 2
}

// ID returns the id of a claim: a prefix for its kind ("q_", "s_", "n_") and
// 16 hex digits of a hash of its text and speaker, each reduced to lower-case
// letters and digits separated by single spaces.
func ID(kind events.ClaimKind, text, speaker string) string {
	h := sha256.New()
	h.Write([]byte(normalize(text)))
	h.Write([]byte{0})
	h.Write([]byte(normalize(speaker)))
	prefix := "n_"
	switch kind {
	case events.ClaimQuote:
		prefix = "q_"
	case events.ClaimStatement:
		prefix = "s_"
	}
	return prefix + hex.EncodeToString(h.Sum(nil))[:16]
}

// normalize lower-cases s and keeps only its letters and digits, words
// separated by one space: quotation marks, apostrophes and dashes, which
// outlets write differently, do not change an id.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		// An apostrophe inside a word ("don’t") does not split it.
		if r == '\'' || r == '’' {
			continue
		}
		space = true
	}
	return b.String()
}

// foundClaim is a claim and the token it starts at.
type foundClaim struct {
	events.Claim
	first int
}

// finder holds the state of one Find call.
type finder struct {
	d     *segment.Doc
	ents  *entities.Result
	found []foundClaim
	// lower holds each token lower-cased, "" for punctuation.
	lower []string
	// classes holds the word classes of each token.
	classes []uint8
	// nextQuote is the first quotation not yet looked at.
	nextQuote int
	// usedCue holds the verbs that attributed a quotation, so that "“…,”
	// he said" is not also a statement.
	usedCue map[int]bool
	// The last person who spoke, and the sentence, for "he said".
	lastPerson     string
	lastPersonSent int
	// The speaker of the last quotation and its sentence, for a
	// quotation that goes on in the next paragraph without a cue.
	lastQuote     speaker
	lastQuoteSent int
	// persons caches the first person named in a sentence.
	persons map[int]string
	// The last group that spoke ("the sources") for "they said".
	lastGroup     string
	lastGroupSent int
	// titles maps the titles the article gives named people to them
	// ("chief executive": "Peter Aaland"), built when first needed.
	titles map[string]string
}

// add records a claim over tokens [first, last).
func (f *finder) add(kind events.ClaimKind, first, last int, speaker, cue string) *foundClaim {
	d := f.d
	c := foundClaim{first: first}
	c.Kind = kind
	c.Text = d.Slice(first, last)
	c.Speaker = speaker
	c.Cue = cue
	c.Start = int(d.Tokens[first].RStart)
	c.End = int(d.Tokens[last-1].REnd)
	c.ID = ID(kind, c.Text, speaker)
	f.found = append(f.found, c)
	return &f.found[len(f.found)-1]
}

// spoke records that speaker said something in sentence si.
func (f *finder) spoke(speaker string, person bool, si int) {
	if speaker == "" {
		return
	}
	if person {
		f.lastPerson, f.lastPersonSent = speaker, si
		return
	}
	f.lastGroup, f.lastGroupSent = speaker, si
}
