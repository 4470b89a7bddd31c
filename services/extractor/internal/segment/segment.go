// Package segment splits the text of a news article into word tokens,
// paragraphs, sentences and quotations, keeping each token's offsets in bytes
// and in runes. It is the shared first pass of the rule-based entity and claim
// finders, so that an article is scanned once.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what a token is.
type Kind uint8

// Token kinds.
const (
	Word   Kind = iota + 1 // starts with a letter: "Putin", "U.S.", "Russia’s", "last-ditch"
	Number                 // starts with a digit: "72", "1,000", "3-1/2-year", "5bn"
	Punct                  // any other single rune: ",", "“", "$", "%"
)

// Token is one word, number or punctuation mark of a text.
type Token struct {
	// Start and End are byte offsets into the text; RStart and REnd are
	// the same offsets counted in runes. They are 32-bit to halve the
	// size of a token: a text is at most a few megabytes.
	Start, End   int32
	RStart, REnd int32
	Kind         Kind
	// Cap is set when the first rune is upper case; Upper when the token
	// has two or more letters and none of them is lower case.
	Cap, Upper bool
	// Space is set when white space or the start of the text comes
	// before the token.
	Space bool
	// Para is the index of the paragraph the token is in.
	Para int32
}

// Sentence is a run of tokens, [First, Last). A quotation that closes in its
// paragraph is never split, so "“A. B,” he said." is one sentence.
type Sentence struct {
	First, Last int
	Para        int
	// Heading is set for every sentence of a paragraph that reads as a
	// heading: short, without final punctuation, mostly capitalised.
	Heading bool
}

// Quote is a quotation: the marks at Open and Close (token indexes) and the
// tokens between them, [First, Last). Close is -1 for a quotation left open
// at the end of its paragraph, which news style uses for quotations that go
// on in the next paragraph.
type Quote struct {
	Open, Close int
	First, Last int
	// Single is set for quotations in single marks (‘…’).
	Single bool
}

// Doc is a segmented text.
type Doc struct {
	Text      string
	Tokens    []Token
	Sentences []Sentence
	Quotes    []Quote
	// Paras holds the first token of each paragraph, and len(Tokens) last.
	Paras []int
	// inQuote maps a token to 1 + the index of the quotation it lies in,
	// 0 for none.
	inQuote []int32
	// sentOf maps a token to the index of its sentence.
	sentOf []int32
}

// MaxBytes is the longest text Split reads; the rest of a longer text has no
// tokens.
const MaxBytes = 1<<31 - 1

// Split segments text. It never fails: any string, valid UTF-8 or not, gives
// a Doc whose offsets are in range.
func Split(text string) *Doc {
	d := &Doc{Text: text}
	d.tokenize()
	d.inQuote = make([]int32, len(d.Tokens))
	d.sentOf = make([]int32, len(d.Tokens))
	for p := 0; p+1 < len(d.Paras); p++ {
		d.findQuotes(d.Paras[p], d.Paras[p+1])
	}
	for p := 0; p+1 < len(d.Paras); p++ {
		d.splitSentences(p, d.Paras[p], d.Paras[p+1])
	}
	return d
}

// Tok returns the text of token i.
func (d *Doc) Tok(i int) string {
	t := &d.Tokens[i]
	return d.Text[t.Start:t.End]
}

// Is reports whether token i is the punctuation mark s.
func (d *Doc) Is(i int, s string) bool {
	return i >= 0 && i < len(d.Tokens) && d.Tokens[i].Kind == Punct && d.Tok(i) == s
}

// Slice returns the text of tokens [first, last) as a rune-exact string:
// converted to runes, the text gives the same string between the tokens'
// rune offsets, even where the text is not valid UTF-8.
func (d *Doc) Slice(first, last int) string {
	if first >= last {
		return ""
	}
	s := d.Text[d.Tokens[first].Start:d.Tokens[last-1].End]
	if !utf8.ValidString(s) {
		s = string([]rune(s))
	}
	return s
}

// QuoteAt returns the index of the quotation that token i lies inside (not
// its marks), or -1.
func (d *Doc) QuoteAt(i int) int {
	return int(d.inQuote[i]) - 1
}

// SentenceAt returns the index of the sentence that holds token i.
func (d *Doc) SentenceAt(i int) int {
	return int(d.sentOf[i])
}

// IsWordRune reports whether r can be part of a word or number token.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// decode is utf8.DecodeRuneInString with a fast path for ASCII, which
// most of an English text is.
func decode(s string) (rune, int) {
	if len(s) > 0 && s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	return utf8.DecodeRuneInString(s)
}

func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' }

// tokenize fills Tokens and Paras.
func (d *Doc) tokenize() {
	text := d.Text
	if len(text) > MaxBytes {
		text = text[:MaxBytes]
	}
	// English news runs about 5.5 bytes a token, punctuation included.
	d.Tokens = make([]Token, 0, len(text)/5+16)
	var para int32
	runes := 0
	space, newPara := true, false
	for i := 0; i < len(text); {
		r, n := decode(text[i:])
		if unicode.IsSpace(r) {
			if r == '\n' || r == '\u2029' {
				newPara = true
			}
			space = true
			i += n
			runes++
			continue
		}
		if newPara && len(d.Tokens) > 0 {
			para++
		}
		newPara = false
		t := Token{Start: int32(i), RStart: int32(runes), Space: space, Para: para}
		space = false
		if !IsWordRune(r) {
			t.Kind = Punct
			i += n
			runes++
			t.End, t.REnd = int32(i), int32(runes)
			d.Tokens = append(d.Tokens, t)
			continue
		}
		t.Kind = Word
		if unicode.IsDigit(r) {
			t.Kind = Number
		}
		t.Cap = unicode.IsUpper(r) || unicode.IsTitle(r)
		i, runes = scanWord(text, i, runes)
		t.End, t.REnd = int32(i), int32(runes)
		t.Upper = isUpperWord(text[t.Start:t.End])
		d.Tokens = append(d.Tokens, t)
	}
	d.Paras = append(d.Paras, 0)
	for i := 1; i < len(d.Tokens); i++ {
		if d.Tokens[i].Para != d.Tokens[i-1].Para {
			d.Paras = append(d.Paras, i)
		}
	}
	if len(d.Tokens) == 0 {
		d.Paras = d.Paras[:0]
	}
	d.Paras = append(d.Paras, len(d.Tokens))
}

// scanWord scans the word or number starting at byte i and returns the byte
// and rune offsets of its end. A word goes on over an apostrophe between
// letters (Russia’s), a hyphen between letters or digits (last-ditch,
// 3-1/2-year), a decimal point, thousands comma, fraction slash or time colon
// between digits, and the dots of an initialism (U.S.).
func scanWord(text string, i, runes int) (int, int) {
	start := i
	prev, n := decode(text[i:])
	i += n
	runes++
	for i < len(text) {
		r, n := decode(text[i:])
		if IsWordRune(r) {
			prev = r
			i += n
			runes++
			continue
		}
		if i+n >= len(text) {
			break
		}
		next, m := decode(text[i+n:])
		join := false
		switch {
		case isApostrophe(r):
			join = unicode.IsLetter(prev) && unicode.IsLetter(next)
		case isHyphen(r):
			join = IsWordRune(prev) && IsWordRune(next)
		case r == '.':
			join = unicode.IsDigit(prev) && unicode.IsDigit(next) ||
				unicode.IsLetter(prev) && unicode.IsLetter(next) && initialism(text[start:i]) &&
					i+n+m < len(text) && text[i+n+m] == '.'
		case r == ',':
			join = unicode.IsDigit(prev) && thousands(text[i+n:])
		case r == '/' || r == ':':
			join = unicode.IsDigit(prev) && unicode.IsDigit(next)
		}
		if !join {
			break
		}
		i += n
		runes++
		prev = r
	}
	if i < len(text) && text[i] == '.' && strings.IndexByte(text[start:i], '.') > 0 && initialism(text[start:i]) {
		i++
		runes++
	}
	return i, runes
}

// initialism reports whether s is single letters joined by dots: "U", "U.S".
func initialism(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case r == '.':
			if !letter {
				return false
			}
			letter = false
		case unicode.IsLetter(r) && !letter:
			letter = true
		default:
			return false
		}
	}
	return letter
}

// thousands reports whether s starts with exactly three digits.
func thousands(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := range 3 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) == 3 || s[3] < '0' || s[3] > '9'
}

func isUpperWord(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// Quotation marks.
const (
	markCurly    = 'c'  // “…”
	markLow      = 'g'  // „…“ or „…”
	markAngle    = 'a'  // «…»
	markReverse  = 'r'  // »…«
	markStraight = 's'  // "…"
	markSingle   = '1'  // ‘…’
	markApos     = '\'' // '…'
)

type openMark struct {
	tok  int
	kind byte
}

// findQuotes pairs the quotation marks of the paragraph [first, last).
// Double marks do not nest; single marks count only outside double ones and
// where they open after a space and close before one, since a lone ’ is
// usually an apostrophe.
func (d *Doc) findQuotes(first, last int) {
	var dbl, sgl *openMark
	closeQuote := func(o *openMark, c int) {
		if c-o.tok < 2 {
			return
		}
		if o.kind == markApos && words(d, o.tok+1, c) < 2 {
			return
		}
		d.addQuote(Quote{Open: o.tok, Close: c, First: o.tok + 1, Last: c, Single: o.kind == markSingle || o.kind == markApos})
	}
	for i := first; i < last; i++ {
		t := &d.Tokens[i]
		if t.Kind != Punct {
			continue
		}
		r, _ := utf8.DecodeRuneInString(d.Text[t.Start:])
		attachedNext := i+1 < last && !d.Tokens[i+1].Space
		switch r {
		case '“':
			if dbl != nil && dbl.kind == markLow {
				closeQuote(dbl, i)
				dbl = nil
			} else {
				dbl, sgl = &openMark{i, markCurly}, nil
			}
		case '”':
			if dbl != nil {
				closeQuote(dbl, i)
				dbl = nil
			}
		case '„':
			if dbl == nil {
				dbl, sgl = &openMark{i, markLow}, nil
			}
		case '«':
			switch {
			case dbl != nil && dbl.kind == markReverse:
				closeQuote(dbl, i)
				dbl = nil
			case dbl == nil:
				dbl, sgl = &openMark{i, markAngle}, nil
			}
		case '»':
			switch {
			case dbl != nil && dbl.kind == markAngle:
				closeQuote(dbl, i)
				dbl = nil
			case dbl == nil && attachedNext:
				dbl, sgl = &openMark{i, markReverse}, nil
			}
		case '"':
			if dbl != nil {
				closeQuote(dbl, i)
				dbl = nil
			} else {
				dbl, sgl = &openMark{i, markStraight}, nil
			}
		case '‘':
			if dbl == nil && sgl == nil && t.Space && attachedNext {
				sgl = &openMark{i, markSingle}
			}
		case '’', '\'':
			switch {
			case dbl != nil:
			case sgl != nil && !t.Space && (i+1 == last || d.Tokens[i+1].Space || d.Tokens[i+1].Kind == Punct):
				if r == '’' || sgl.kind == markApos {
					closeQuote(sgl, i)
					sgl = nil
				}
			case sgl == nil && r == '\'' && t.Space && attachedNext:
				sgl = &openMark{i, markApos}
			}
		}
	}
	if dbl != nil && dbl.kind != markReverse && words(d, dbl.tok+1, last) >= 3 {
		d.addQuote(Quote{Open: dbl.tok, Close: -1, First: dbl.tok + 1, Last: last})
	}
}

func (d *Doc) addQuote(q Quote) {
	// A quotation ends its text at its last word: a trailing comma before
	// the closing mark belongs to the sentence around it.
	for q.Last > q.First && d.Tokens[q.Last-1].Kind == Punct && strings.ContainsAny(d.Tok(q.Last-1), ",;:") {
		q.Last--
	}
	if q.Last <= q.First {
		return
	}
	d.Quotes = append(d.Quotes, q)
	n := int32(len(d.Quotes))
	end := q.Close
	if end < 0 {
		end = q.Last
	}
	for i := q.Open + 1; i < end; i++ {
		if d.inQuote[i] == 0 {
			d.inQuote[i] = n
		}
	}
}

func words(d *Doc, first, last int) int {
	n := 0
	for i := first; i < last; i++ {
		if d.Tokens[i].Kind != Punct {
			n++
		}
	}
	return n
}

// abbreviations are words that a full stop follows without ending a
// sentence, unless a common sentence opener comes next.
var abbreviations = map[string]bool{
	"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "St": true, "Mt": true, "Ft": true,
	"Jr": true, "Sr": true, "Gen": true, "Lt": true, "Col": true, "Sgt": true, "Capt": true,
	"Sen": true, "Rep": true, "Gov": true, "Prof": true, "Rev": true, "Inc": true, "Corp": true,
	"Co": true, "Ltd": true, "No": true, "vs": true, "etc": true, "approx": true,
	"Jan": true, "Feb": true, "Mar": true, "Apr": true, "Jun": true, "Jul": true, "Aug": true,
	"Sep": true, "Sept": true, "Oct": true, "Nov": true, "Dec": true,
}

// openers are capitalised words that commonly open a sentence; after an
// abbreviation they mark a sentence break.
var openers = map[string]bool{
	"The": true, "A": true, "An": true, "He": true, "She": true, "It": true, "They": true,
	"We": true, "I": true, "This": true, "That": true, "These": true, "Those": true,
	"But": true, "And": true, "In": true, "On": true, "At": true, "Its": true, "His": true,
	"Her": true, "Their": true, "There": true, "However": true, "Meanwhile": true,
}

// splitSentences splits the paragraph [first, last) into sentences.
func (d *Doc) splitSentences(para, first, last int) {
	heading := d.isHeading(first, last)
	start := first
	for i := first; i < last; i++ {
		end := d.sentenceEnd(i, last)
		if end < 0 {
			continue
		}
		d.addSentence(Sentence{First: start, Last: end, Para: para, Heading: heading})
		start = end
		i = end - 1
	}
	if start < last {
		d.addSentence(Sentence{First: start, Last: last, Para: para, Heading: heading})
	}
}

func (d *Doc) addSentence(s Sentence) {
	n := int32(len(d.Sentences))
	for i := s.First; i < s.Last; i++ {
		d.sentOf[i] = n
	}
	d.Sentences = append(d.Sentences, s)
}

// sentenceEnd returns the end (exclusive) of a sentence that ends at token i,
// or -1 when no sentence ends there.
func (d *Doc) sentenceEnd(i, last int) int {
	t := &d.Tokens[i]
	s := d.Tok(i)
	terminal := t.Kind == Punct && (s == "." || s == "!" || s == "?" || s == "…")
	dotted := t.Kind == Word && strings.HasSuffix(s, ".")
	if !terminal && !dotted {
		return -1
	}
	j := i + 1
	for j < last && !d.Tokens[j].Space && d.Tokens[j].Kind == Punct && isCloser(d.Tok(j)) {
		j++
	}
	if q := d.QuoteAt(i); q >= 0 && d.Quotes[q].Close >= j {
		return -1
	}
	if j >= last {
		return j
	}
	next := &d.Tokens[j]
	if !next.Space {
		return -1
	}
	starts := next.Cap || next.Kind == Number || (next.Kind == Punct && isOpener(d.Tok(j)))
	if !starts {
		return -1
	}
	if dotted || s == "." && i > 0 && d.Tokens[i-1].End == t.Start && d.isAbbreviation(i-1) {
		if !openers[d.Tok(j)] {
			return -1
		}
	}
	return j
}

func (d *Doc) isAbbreviation(i int) bool {
	s := d.Tok(i)
	if abbreviations[s] {
		return true
	}
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && unicode.IsUpper(r)
}

func isCloser(s string) bool {
	switch s {
	case "”", "’", "\"", "'", "»", ")", "]", "«":
		return true
	}
	return false
}

func isOpener(s string) bool {
	switch s {
	case "“", "‘", "\"", "'", "«", "»", "„", "(", "[":
		return true
	}
	return false
}

// isHeading reports whether the paragraph [first, last) reads as a heading:
// at most 14 words, no final full stop, and most longer words capitalised.
func (d *Doc) isHeading(first, last int) bool {
	nwords, caps := 0, 0
	for i := first; i < last; i++ {
		t := &d.Tokens[i]
		if t.Kind == Punct {
			continue
		}
		nwords++
		if nwords > 14 {
			return false
		}
		if t.REnd-t.RStart < 4 {
			continue
		}
		if t.Cap || t.Kind == Number {
			caps++
		} else {
			caps--
		}
	}
	if nwords == 0 {
		return false
	}
	endsSentence := false
	for i := last - 1; i >= first; i-- {
		s := d.Tok(i)
		if d.Tokens[i].Kind == Punct && isCloser(s) {
			continue
		}
		endsSentence = s == "." || s == "!" || s == "?" || s == ":" || s == "…"
		break
	}
	return !endsSentence && caps > 0
}
