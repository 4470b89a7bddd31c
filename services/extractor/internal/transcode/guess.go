package transcode

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// candidates are the legacy single-byte sets Guess chooses among, the
// likeliest first: Western and Central European Latin, and the two Cyrillic
// sets in use on the web.
var candidates = []struct {
	name string
	cm   *charmap.Charmap
}{
	{"windows-1252", charmap.Windows1252},
	{"windows-1251", charmap.Windows1251},
	{"koi8-r", charmap.KOI8R},
	{"windows-1250", charmap.Windows1250},
}

// highRunes holds, per candidate, the rune each byte from 0x80 up decodes
// to.
var highRunes = func() [][128]rune {
	t := make([][128]rune, len(candidates))
	for i, c := range candidates {
		for b := range 128 {
			t[i][b] = c.cm.DecodeByte(byte(0x80 + b))
		}
	}
	return t
}()

// Guess returns the legacy single-byte character set among windows-1252,
// windows-1251, koi8-r and windows-1250 in which body reads best, and its
// name: the one whose words with non-ASCII letters look most like words (one
// script, a usual pattern of case, no symbols amid letters; a Latin word made
// only of accented letters is Cyrillic read wrong). It prefers the set
// listed first on a tie, and windows-1252 when body is ASCII.
func Guess(body []byte) (encoding.Encoding, string) {
	i, _ := guess(body)
	return candidates[i].cm, candidates[i].name
}

// guess returns the index of the candidate body reads best in, and its
// score.
func guess(body []byte) (int, int) {
	best, bestScore := 0, 0
	for i := range candidates {
		if sc := score(body, i); i == 0 || sc > bestScore {
			best, bestScore = i, sc
		}
	}
	return best, bestScore
}

// better returns the set to read body in when it is declared in e, named
// name: that one, unless body reads as mojibake in it and well in another
// candidate.
func better(body []byte, e encoding.Encoding, name string) (encoding.Encoding, string) {
	for i, c := range candidates {
		if c.name != name {
			continue
		}
		if score(body, i) >= 0 {
			return e, name
		}
		if g, sc := guess(body); sc > 0 {
			return candidates[g].cm, candidates[g].name
		}
	}
	return e, name
}

// maxScored bounds the bytes Guess reads: 256 KiB of text tell the set as
// well as the whole.
const maxScored = 256 << 10

// score rates how well body reads in candidate c: the letters of words with
// non-ASCII letters that look like words, less those of words that do not,
// less two for each symbol or undefined byte amid letters.
func score(body []byte, c int) int {
	table := &highRunes[c]
	if len(body) > maxScored {
		body = body[:maxScored]
	}
	var w word
	total := 0
	prevLetter, pendingSymbol := false, false
	for _, b := range body {
		var r rune
		if b < utf8.RuneSelf {
			r = rune(b)
		} else {
			r = table[b-0x80]
		}
		if isLetter(r) {
			if pendingSymbol {
				total -= 2
				pendingSymbol = false
			}
			w.add(r)
			prevLetter = true
			continue
		}
		total += w.end()
		pendingSymbol = false
		if r >= utf8.RuneSelf && prevLetter && (r == utf8.RuneError || !isPunct(r)) {
			pendingSymbol = true
		}
		prevLetter = false
	}
	return total + w.end()
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// isPunct reports whether a non-ASCII rune is punctuation or space that
// text puts next to letters: quotes, dashes, ellipses, no-break spaces.
func isPunct(r rune) bool {
	return unicode.IsPunct(r) || unicode.IsSpace(r)
}

// word tracks the word being read by score.
type word struct {
	letters, nonASCII int
	latin, cyrillic   bool
	lower, upperAfter bool
}

func (w *word) add(r rune) {
	if r >= utf8.RuneSelf {
		w.nonASCII++
	}
	switch {
	case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
		w.latin = true
	case unicode.Is(unicode.Cyrillic, r):
		w.cyrillic = true
	}
	if unicode.IsLower(r) {
		w.lower = true
	} else if unicode.IsUpper(r) && w.letters > 0 {
		w.upperAfter = true
	}
	w.letters++
}

// end scores the word read and starts the next: its letters when it looks
// like a word, minus them when it does not, 0 when it is ASCII or in
// capitals (as KOI8-R text read as windows-1251 mostly is, and the other
// way round).
func (w *word) end() int {
	defer func() { *w = word{} }()
	if w.nonASCII == 0 {
		return 0
	}
	switch {
	case w.latin && w.cyrillic,
		w.lower && w.upperAfter,
		w.latin && w.nonASCII == w.letters && w.letters >= 3:
		return -w.letters
	case !w.lower && w.letters > 1:
		return 0
	}
	return w.letters
}
