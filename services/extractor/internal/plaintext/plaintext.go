// Package plaintext splits a plain-text news article into a title and blocks:
// paragraphs and section headings, in order, with white space normalised.
// Recognising bylines, datelines, credits and page furniture among the blocks
// is left to the caller; this package only avoids taking them for a title.
package plaintext

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/attribution"
	"github.com/wirewatch/wirewatch/services/extractor/internal/boilerplate"
	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// MaxParagraphs caps the paragraphs of one text. News articles have tens;
// a text with more is not an article, and each paragraph costs work.
const MaxParagraphs = 20_000

// ErrTooManyParagraphs is returned for a text of more than MaxParagraphs
// paragraphs.
var ErrTooManyParagraphs = errors.New("plaintext: too many paragraphs")

// Limits of the title and heading heuristics, in runes and words.
const (
	maxTitleRunes   = 150
	maxHeadingRunes = 100
	maxHeadingWords = 14
	// maxWrapRunes: a text whose lines are all at most this long and that
	// groups them into blank-line separated paragraphs is hard-wrapped.
	maxWrapRunes = 100
	// checkEvery is how many lines are processed between context checks.
	checkEvery = 1024
)

// Block is one paragraph or heading of a text.
type Block struct {
	Kind events.BlockKind
	Text string
}

// Document is a plain-text article split into its parts.
type Document struct {
	// Title is the first line when it reads as a headline, or the second
	// when the first is a date line above one; else "".
	Title string
	// Blocks are the paragraphs and headings after the title.
	Blocks []Block
}

// Parse splits text into a title and blocks. Each non-empty line is a
// paragraph, except in hard-wrapped text, where blank lines separate
// paragraphs and the lines of one are joined. It returns
// ErrTooManyParagraphs (wrapped) for a text over MaxParagraphs, and ctx's
// error if ctx ends first.
func Parse(ctx context.Context, text string) (Document, error) {
	paras, err := paragraphs(ctx, text)
	if err != nil {
		return Document{}, err
	}
	if len(paras) > MaxParagraphs {
		return Document{}, fmt.Errorf("%w: %d, limit %d", ErrTooManyParagraphs, len(paras), MaxParagraphs)
	}
	var doc Document
	switch {
	case len(paras) > 1 && isTitle(paras[0]):
		doc.Title = paras[0]
		paras = paras[1:]
	case len(paras) > 2 && isDateLine(paras[0]) && isTitle(paras[1]):
		// A date or time stamp above the headline stays in the text,
		// first, where the caller reads the date from.
		doc.Title = paras[1]
		paras = append(paras[:1:1], paras[2:]...)
	}
	doc.Blocks = make([]Block, 0, len(paras))
	for i, p := range paras {
		kind := events.BlockParagraph
		if i+1 < len(paras) && isHeading(p, paras[i+1]) {
			kind = events.BlockHeading
		}
		doc.Blocks = append(doc.Blocks, Block{Kind: kind, Text: p})
	}
	return doc, nil
}

// paragraphs returns the paragraphs of text, normalised, without empty ones.
func paragraphs(ctx context.Context, text string) ([]string, error) {
	raw := textnorm.Lines(text)
	lines := make([]string, len(raw))
	for i, l := range raw {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		lines[i] = textnorm.Line(l)
	}
	if !hardWrapped(lines) {
		var paras []string
		for _, l := range lines {
			if l != "" {
				paras = append(paras, l)
			}
		}
		return paras, nil
	}
	var paras []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			paras = append(paras, cur.String())
			cur.Reset()
		}
	}
	for _, l := range lines {
		if l == "" {
			flush()
			continue
		}
		if cur.Len() > 0 {
			// "well-" + "known" rejoins a word the wrapping split.
			s := cur.String()
			if !(strings.HasSuffix(s, "-") && len(s) > 1 && isLetterBefore(s, len(s)-1)) {
				cur.WriteByte(' ')
			}
		}
		cur.WriteString(l)
	}
	flush()
	return paras, nil
}

func isLetterBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r)
}

// hardWrapped reports whether lines look wrapped at a fixed width: no line
// is long, blank lines separate at least two groups of lines, and most
// non-empty lines sit in groups of more than one.
func hardWrapped(lines []string) bool {
	nonEmpty, grouped, groups, run := 0, 0, 0, 0
	end := func() {
		if run > 0 {
			groups++
		}
		if run > 1 {
			grouped += run
		}
		run = 0
	}
	for _, l := range lines {
		if l == "" {
			end()
			continue
		}
		if utf8.RuneCountInString(l) > maxWrapRunes {
			return false
		}
		nonEmpty++
		run++
	}
	end()
	return groups >= 2 && grouped*10 >= nonEmpty*6
}

// isTitle reports whether the first paragraph p reads as a headline: short,
// not ended like a sentence, and not a byline, dateline, credit or page
// furniture.
func isTitle(p string) bool {
	if utf8.RuneCountInString(p) > maxTitleRunes || len(strings.Fields(p)) < 2 {
		return false
	}
	if !hasLetter(p) || endsSentence(p, ".,;:") {
		return false
	}
	if _, ok := attribution.ParseDateline(p); ok || isDateLine(p) {
		return false
	}
	return !attributionOrFurniture(p)
}

// isDateLine reports whether p is a date or time stamp and nothing else.
func isDateLine(p string) bool {
	only, _ := boilerplate.DateOnlyLine(p)
	return only
}

// attributionOrFurniture reports whether p is a byline, a credit line or
// page furniture.
func attributionOrFurniture(p string) bool {
	if _, ok := attribution.ParseByline(p); ok {
		return true
	}
	if _, ok := attribution.ParseCredit(p); ok {
		return true
	}
	return boilerplate.Line(p)
}

// isHeading reports whether p, followed by next, is a section heading: a
// short line without terminal punctuation that opens with a capital, digit
// or quotation mark and comes before a longer paragraph, and that is not a
// date line, byline, credit or page furniture.
func isHeading(p, next string) bool {
	n := utf8.RuneCountInString(p)
	if n > maxHeadingRunes || len(strings.Fields(p)) > maxHeadingWords {
		return false
	}
	if !hasLetter(p) || endsSentence(p, ".,;:!?…") || isDateLine(p) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(p)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && !unicode.In(first, unicode.Pi, unicode.Ps) && first != '"' && first != '\'' {
		return false
	}
	nn := utf8.RuneCountInString(next)
	return (nn > n || endsSentence(next, ".!?…")) && !attributionOrFurniture(p)
}

// endsSentence reports whether p ends, before any closing quotes or
// brackets, with one of the runes in punct.
func endsSentence(p, punct string) bool {
	p = strings.TrimRightFunc(p, func(r rune) bool {
		return unicode.In(r, unicode.Pf, unicode.Pe) || r == '"' || r == '\'' || unicode.IsSpace(r)
	})
	last, _ := utf8.DecodeLastRuneInString(p)
	return strings.ContainsRune(punct, last)
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}
