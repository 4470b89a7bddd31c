// Package textnorm normalises the characters and white space of extracted
// text, so that every block of an article is one clean line.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s as one line: runs of white space (including no-break and
// other Unicode spaces, tabs and line breaks) become one space, invisible
// characters (zero-width spaces, soft hyphens, byte order marks, control
// characters) are removed, invalid UTF-8 becomes U+FFFD, and the result is
// trimmed.
func Line(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case Invisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Invisible reports whether r is a character that carries no text: a control
// or format character such as a zero-width space, a soft hyphen or a byte
// order mark. Zero-width joiners are kept: scripts and emoji need them.
func Invisible(r rune) bool {
	switch r {
	case '\u200C', '\u200D':
		return false
	case utf8.RuneError:
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u00AD'
}

// Lines splits s into lines at "\n", "\r\n", "\r", U+2028 and U+2029.
func Lines(s string) []string {
	s = lineBreaks.Replace(s)
	return strings.Split(s, "\n")
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n")
