package htmltext

import "bytes"

// tokenKind is the kind of a token scanner returns.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokText
	tokStartTag
	tokEndTag
	// tokComment is a comment, a doctype, a bogus comment (such as an
	// "<?xml ...?>" processing instruction) or "</>".
	tokComment
)

// scanner splits HTML into the tokens golang.org/x/net/html's tokenizer
// returns, following the tokenization rules of the HTML standard (WHATWG
// HTML, "13.2.5 Tokenization"), without copying anything: it finds where
// tokens start and end, and a tag's name and attributes as written. Like the
// tokenizer used alone, it needs its caller to say when an element's content
// is raw text (rawTag) and when CDATA sections are allowed.
type scanner struct {
	b   []byte
	pos int
	// rawTag, when set, is the lower-case name of the element whose raw
	// text the next token is: the scanner reads up to its end tag (or
	// script's, by script's escaping rules; plaintext's never comes). The
	// next call to next clears it.
	rawTag string
	// allowCDATA makes "<![CDATA[...]]>" a text token, as in foreign
	// content, rather than a bogus comment.
	allowCDATA bool

	// The current tag's name and attributes as written, and whether it
	// ends with "/>".
	name        []byte
	attrs       []byte
	selfClosing bool

	lower []byte
}

// next scans the next token and returns its kind; tokEOF at the end.
func (z *scanner) next() tokenKind {
	z.name, z.attrs, z.selfClosing = nil, nil, false
	if z.rawTag != "" {
		start := z.pos
		switch z.rawTag {
		case "plaintext":
			z.pos = len(z.b)
		case "script":
			z.pos = scriptEnd(z.b, z.pos)
		default:
			z.pos = rawEnd(z.b, z.pos, z.rawTag)
		}
		z.rawTag = ""
		if z.pos > start {
			return tokText
		}
	}
	start := z.pos
	for i := start; i < len(z.b); {
		j := bytes.IndexByte(z.b[i:], '<')
		if j < 0 || i+j+1 >= len(z.b) {
			break
		}
		i += j
		if c := z.b[i+1]; !isASCIILetter(c) && c != '/' && c != '!' && c != '?' {
			i++
			continue
		}
		if i > start {
			z.pos = i
			return tokText
		}
		return z.markup()
	}
	z.pos = len(z.b)
	if z.pos > start {
		return tokText
	}
	return tokEOF
}

// markup scans the token that starts with "<" at z.pos, followed by a
// letter, "/", "!" or "?".
func (z *scanner) markup() tokenKind {
	b, i := z.b, z.pos
	switch c := b[i+1]; {
	case isASCIILetter(c):
		return z.tag(i+1, tokStartTag)
	case c == '/':
		if i+2 >= len(b) {
			// "</" at the very end is a text token of its own.
			z.pos = len(b)
			return tokText
		}
		c = b[i+2]
		switch {
		case c == '>':
			z.pos = i + 3
			return tokComment
		case isASCIILetter(c):
			return z.tag(i+2, tokEndTag)
		}
		z.pos = closeAngle(b, i+2)
		return tokComment
	case c == '?':
		z.pos = closeAngle(b, i+1)
		return tokComment
	}
	// "<!": a comment, a doctype, a CDATA section or a bogus comment.
	i += 2
	switch {
	case bytes.HasPrefix(b[i:], []byte("--")):
		z.pos = commentEnd(b, i+2)
		return tokComment
	case z.allowCDATA && bytes.HasPrefix(b[i:], []byte("[CDATA[")):
		i += len("[CDATA[")
		if j := bytes.Index(b[i:], []byte("]]>")); j >= 0 {
			z.pos = i + j + len("]]>")
		} else {
			z.pos = len(b)
		}
		return tokText
	}
	z.pos = closeAngle(b, i)
	return tokComment
}

// tag scans a start or end tag whose name starts at i, up to its ">". A tag
// the input ends in is no token.
func (z *scanner) tag(i int, kind tokenKind) tokenKind {
	b := z.b
	nameStart := i
	for i < len(b) && !isSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++
	}
	z.name = b[nameStart:i]
	attrStart := i
	// valueEnd is where the last unquoted attribute value ended: a "/"
	// just before ">" that belongs to it does not make the tag
	// self-closing.
	valueEnd := -1
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			z.pos = len(b)
			return tokEOF
		}
		if b[i] == '>' {
			break
		}
		// The attribute's name: a leading "=" belongs to it.
		j := i
		if b[j] == '=' {
			j++
		}
		for j < len(b) && !isSpace(b[j]) && b[j] != '/' && b[j] != '>' && b[j] != '=' {
			j++
		}
		if j == i {
			// A "/" outside a value.
			i++
			continue
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != '=' {
			continue
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			continue
		}
		switch q := b[i]; q {
		case '>':
		case '"', '\'':
			if k := bytes.IndexByte(b[i+1:], q); k >= 0 {
				i += k + 2
			} else {
				i = len(b)
			}
		default:
			for i < len(b) && !isSpace(b[i]) && b[i] != '>' {
				i++
			}
			valueEnd = i
		}
	}
	z.attrs = b[attrStart:i]
	z.selfClosing = kind == tokStartTag && b[i-1] == '/' && valueEnd != i && i-1 >= attrStart
	z.pos = i + 1
	return kind
}

// lowerName returns the current tag's name in lower case. The slice is
// valid until the next call.
func (z *scanner) lowerName() []byte {
	z.lower = z.lower[:0]
	for _, c := range z.name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		z.lower = append(z.lower, c)
	}
	return z.lower
}

// closeAngle returns the position after the first ">" from i, or the end.
func closeAngle(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '>'); j >= 0 {
		return i + j + 1
	}
	return len(b)
}

// commentEnd returns the position after the end of a comment whose text
// starts at i, after "<!--": "-->", "--!>", or an abrupt ">" or "->" right
// at the start. An unclosed comment runs to the end.
func commentEnd(b []byte, i int) int {
	switch {
	case bytes.HasPrefix(b[i:], []byte(">")):
		return i + 1
	case bytes.HasPrefix(b[i:], []byte("->")):
		return i + 2
	}
	for {
		j := bytes.Index(b[i:], []byte("--"))
		if j < 0 {
			return len(b)
		}
		i += j + 2
		for i < len(b) && b[i] == '-' {
			i++
		}
		switch {
		case bytes.HasPrefix(b[i:], []byte(">")):
			return i + 1
		case bytes.HasPrefix(b[i:], []byte("!>")):
			return i + 2
		}
	}
}

// rawEnd returns where the raw text that starts at i ends: at the end tag
// of name ("</name" followed by white space, "/" or ">", in any case), or
// at the end.
func rawEnd(b []byte, i int, name string) int {
	for {
		j := bytes.Index(b[i:], []byte("</"))
		if j < 0 {
			return len(b)
		}
		i += j
		if endTagAt(b, i, name) {
			return i
		}
		i += 2
	}
}

// endTagAt reports whether "</name" followed by white space, "/" or ">"
// is at b[i:].
func endTagAt(b []byte, i int, name string) bool {
	k := i + 2 + len(name)
	return k < len(b) && b[i] == '<' && b[i+1] == '/' && hasPrefixFold(b[i+2:], name) && (isSpace(b[k]) || b[k] == '/' || b[k] == '>')
}

// scriptEnd returns where a script's text that starts at i ends, by the
// script data states of the HTML standard: "</script" ends it, except in
// text escaped by "<!--" where a nested "<script" was opened and not yet
// closed.
func scriptEnd(b []byte, i int) int {
	const (
		data = iota
		escaped
		doubleEscaped
	)
	state := data
	for i < len(b) {
		switch state {
		case data:
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				return len(b)
			}
			i += j
			switch {
			case endTagAt(b, i, "script"):
				return i
			case bytes.HasPrefix(b[i:], []byte("<!--")):
				// "<!--" starts escaped text, whose "--" may also
				// be the "--" of "-->".
				i += 2
				state = escaped
				continue
			}
			i++
		case escaped, doubleEscaped:
			j := bytes.IndexAny(b[i:], "<-")
			if j < 0 {
				return len(b)
			}
			i += j
			if b[i] == '-' {
				run := i
				for i < len(b) && b[i] == '-' {
					i++
				}
				if i-run >= 2 && i < len(b) && b[i] == '>' {
					i++
					state = data
				}
				continue
			}
			if state == escaped {
				switch {
				case endTagAt(b, i, "script"):
					return i
				case i+1 < len(b) && isASCIILetter(b[i+1]):
					if k := i + 1 + len("script"); k < len(b) && hasPrefixFold(b[i+1:], "script") && (isSpace(b[k]) || b[k] == '/' || b[k] == '>') {
						i = k + 1
						state = doubleEscaped
						continue
					}
				case i+1 < len(b) && b[i+1] != '/':
					// golang.org/x/net/html goes back to script data
					// here, where the standard stays escaped; the
					// parser follows the former.
					i++
					state = data
					continue
				}
			} else if endTagAt(b, i, "script") {
				i += len("</script") + 1
				state = escaped
				continue
			}
			i++
		}
	}
	return len(b)
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// isSpace reports whether c is HTML white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// hasPrefixFold reports whether b starts with the lower-case ASCII s, in
// any case.
func hasPrefixFold(b []byte, s string) bool {
	if len(b) < len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
