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
	if isLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		var r rune
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isSpace(r):
			space = true
			i += size
			continue
		case Invisible(r):
			i += size
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(r)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isLine reports whether Line(s) is s: no white space but single spaces
// between words, nothing invisible, nothing invalid. Most text is, and then
// Line does not copy it.
func isLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prev := byte(0)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f || c == ' ' && prev == ' ' {
				return false
			}
			prev = c
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsSpace(r) || Invisible(r) {
			return false
		}
		prev = c
		i += size
	}
	return true
}

// isSpace is unicode.IsSpace, quicker on ASCII.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return true
		}
		return false
	}
	return unicode.IsSpace(r)
}

// Invisible reports whether r is a character that carries no text: a control
// or format character such as a zero-width space, a soft hyphen or a byte
// order mark. Zero-width joiners are kept: scripts and emoji need them.
func Invisible(r rune) bool {
	if r < utf8.RuneSelf {
		return r < ' ' || r == 0x7f
	}
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
