package htmltext

import (
	"context"
	"fmt"
	"hash/maphash"

	"golang.org/x/net/html/atom"
)

// prescan reads page once, cheaply and in linear time, to refuse pages the
// tree builder would spend too long or too much memory on: too many tokens,
// too deep a nesting, or unclosed formatting elements that the parser would
// clone again and again (HTML's "reconstruct the active formatting elements"
// step can turn a few thousand tokens into millions of nodes). It models the
// tree builder only roughly, erring towards counting more.
//
// It splits the page into tokens with scanner rather than html.Tokenizer:
// the page is parsed right after, and a second run of the tokenizer, which
// copies every tag, attribute and text, cost as much as a third of the whole
// extraction.
//
// It returns the spans of the page that hold the text of style elements and
// of script elements with code (not JSON data), which nothing reads: on
// news pages they are half of the bytes.
func prescan(ctx context.Context, page []byte, opts Options) ([]span, error) {
	s := scanState{seed: maphash.MakeSeed()}
	z := scanner{b: page}
	var unread []span
	tokens, estimate := 0, 0
	skip := false
	for {
		z.allowCDATA = s.cdataAllowed()
		start, raw := z.pos, z.rawTag != ""
		tk := z.next()
		if tk == tokEOF {
			return unread, nil
		}
		tokens++
		estimate++
		switch tk {
		case tokStartTag:
			estimate += s.active
			name := z.lowerName()
			a := atom.Lookup(name)
			if s.start(name, a, z.attrs, z.selfClosing) {
				z.rawTag = rawTagNames[a]
				skip = a == atom.Style || a == atom.Script && !containsFold(z.attrs, "json")
			}
			if len(s.stack) > opts.MaxDepth {
				return nil, fmt.Errorf("%w: more than %d", ErrTooDeep, opts.MaxDepth)
			}
		case tokEndTag:
			name := z.lowerName()
			s.end(name, atom.Lookup(name))
		case tokText:
			estimate += s.active
			if raw && skip {
				unread = append(unread, span{start, z.pos})
			}
		}
		skip = skip && z.rawTag != ""
		if tokens > opts.MaxNodes || estimate > 2*opts.MaxNodes {
			return nil, fmt.Errorf("%w: more than %d", ErrTooManyNodes, opts.MaxNodes)
		}
		if tokens%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
}

// span is a part of a page, from byte start to byte end.
type span struct{ start, end int }

// without returns page without the spans, which are in order and do not
// overlap.
func without(page []byte, spans []span) []byte {
	if len(spans) == 0 {
		return page
	}
	n := len(page)
	for _, sp := range spans {
		n -= sp.end - sp.start
	}
	out := make([]byte, 0, n)
	prev := 0
	for _, sp := range spans {
		out = append(out, page[prev:sp.start]...)
		prev = sp.end
	}
	return append(out, page[prev:]...)
}

// tag identifies an element by name: its atom, or for a name without one a
// hash of the name with the top bit set.
type tag uint64

const unknownTag tag = 1 << 63

func (t tag) atom() atom.Atom {
	if t&unknownTag != 0 {
		return 0
	}
	return atom.Atom(t)
}

// element is an open element of prescan's model.
type element struct {
	tag tag
	// foreign is set for elements in SVG or MathML content.
	foreign bool
}

// scanState is prescan's rough model of the tree builder.
type scanState struct {
	seed maphash.Seed
	// stack holds the open elements.
	stack []element
	// formatting holds, per formatting element, hashes of the start tags
	// (names and attributes as written) opened and not yet closed by an end
	// tag: the tree builder's list of active formatting elements. Start tags
	// the tree builder would take as equal may hash apart, which counts
	// more.
	formatting [len(formattingAtoms)][]uint64
	active     int
}

// tagOf returns the tag of a lower-case element name, whose atom is a.
func (s *scanState) tagOf(name []byte, a atom.Atom) tag {
	if a != 0 {
		return tag(a)
	}
	return tag(maphash.Bytes(s.seed, name)) | unknownTag
}

// top returns the current node, or the zero element when none is open.
func (s *scanState) top() element {
	if len(s.stack) == 0 {
		return element{}
	}
	return s.stack[len(s.stack)-1]
}

// inForeign reports whether a start tag is read as SVG or MathML content:
// the current node is foreign and not an integration point.
func (s *scanState) inForeign() bool {
	e := s.top()
	return e.foreign && !integrationPoint(e.tag.atom())
}

// cdataAllowed reports whether a CDATA section is read as text: the current
// node is foreign, as for the tree builder.
func (s *scanState) cdataAllowed() bool {
	return s.top().foreign
}

// start models a start tag of the element named name, whose atom is a, and
// reports whether the tree builder reads it as an HTML element, so that a
// raw text element's content is raw text.
func (s *scanState) start(name []byte, a atom.Atom, attrs []byte, selfClosing bool) bool {
	t := s.tagOf(name, a)
	if s.inForeign() {
		if !breakout(a, attrs) {
			if !selfClosing {
				s.stack = append(s.stack, element{tag: t, foreign: true})
			}
			return false
		}
		for len(s.stack) > 0 && s.inForeign() {
			s.stack = s.stack[:len(s.stack)-1]
		}
	}
	if a == atom.Svg || a == atom.Math {
		if !selfClosing {
			s.stack = append(s.stack, element{tag: t, foreign: true})
		}
		return false
	}
	// The tree builder ignores the slash of a self-closing HTML element
	// that is not void: <div/> opens a div.
	if voidElement(a) {
		return true
	}
	if i := formattingIndex(a); i >= 0 {
		s.pushFormatting(i, maphash.Bytes(s.seed, attrs))
	}
	if impliedEnd(a) {
		s.popTo(t, scopeSearch, a)
	}
	if closesP(a) {
		s.popTo(tag(atom.P), scopeSearch, atom.P)
	}
	s.stack = append(s.stack, element{tag: t})
	return true
}

// end models an end tag of the element named name, whose atom is a.
func (s *scanState) end(name []byte, a atom.Atom) {
	s.popTo(s.tagOf(name, a), len(s.stack), 0)
	if i := formattingIndex(a); i >= 0 {
		if l := s.formatting[i]; len(l) > 0 {
			s.formatting[i] = l[:len(l)-1]
			s.active--
		}
	}
}

// scopeSearch bounds how far down the stack implied closes look.
const scopeSearch = 16

// popTo pops the stack down to and including the topmost t, if it is among
// the top limit entries and no element bounding the scope of scope (0: none)
// is above it.
func (s *scanState) popTo(t tag, limit int, scope atom.Atom) {
	for i := len(s.stack) - 1; i >= 0 && i >= len(s.stack)-limit; i-- {
		if s.stack[i].tag == t {
			s.stack = s.stack[:i]
			return
		}
		if scope != 0 && scopeBoundary(scope, s.stack[i].tag.atom()) {
			return
		}
	}
}

// pushFormatting records an opened formatting element. Like the tree
// builder's "Noah's Ark clause", it keeps at most three identical ones.
func (s *scanState) pushFormatting(i int, key uint64) {
	l := s.formatting[i]
	same := 0
	for _, k := range l {
		if k == key {
			same++
		}
	}
	if same >= 3 {
		for j, k := range l {
			if k == key {
				l = append(l[:j], l[j+1:]...)
				s.active--
				break
			}
		}
	}
	s.formatting[i] = append(l, key)
	s.active++
}

// formattingAtoms are the formatting elements of the tree builder.
var formattingAtoms = [...]atom.Atom{atom.A, atom.B, atom.Big, atom.Code,
	atom.Em, atom.Font, atom.I, atom.Nobr, atom.S, atom.Small, atom.Strike,
	atom.Strong, atom.Tt, atom.U}

// formattingIndex returns the index of a in formattingAtoms, or -1.
func formattingIndex(a atom.Atom) int {
	if a == 0 {
		return -1
	}
	for i, f := range formattingAtoms {
		if f == a {
			return i
		}
	}
	return -1
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr,
		atom.Img, atom.Input, atom.Keygen, atom.Link, atom.Meta, atom.Param,
		atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// impliedEnd: a start tag of one of these closes an open one of its kind.
func impliedEnd(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Li, atom.Dd, atom.Dt, atom.Option, atom.Optgroup,
		atom.Tr, atom.Td, atom.Th, atom.Rb, atom.Rp, atom.Rt, atom.Rtc:
		return true
	}
	return false
}

// closesP: a start tag of one of these closes an open <p>.
func closesP(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote,
		atom.Center, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header,
		atom.Hgroup, atom.Hr, atom.Main, atom.Menu, atom.Nav, atom.Ol,
		atom.Pre, atom.Section, atom.Table, atom.Ul, atom.Li, atom.Dd,
		atom.Dt:
		return true
	}
	return false
}

// scopeBoundary reports whether an open element b stops the search for an
// open element a with an implied end: a <li> does not close the <li> of an
// outer list.
func scopeBoundary(a, b atom.Atom) bool {
	switch a {
	case atom.Tr:
		return b == atom.Html || b == atom.Table || b == atom.Template
	case atom.Td, atom.Th:
		return b == atom.Html || b == atom.Table || b == atom.Template || b == atom.Tr
	case atom.P, atom.Li, atom.Dd, atom.Dt:
	default:
		return false
	}
	switch b {
	case atom.Html, atom.Table, atom.Td, atom.Th, atom.Caption,
		atom.Marquee, atom.Object, atom.Applet, atom.Template:
		return true
	}
	switch a {
	case atom.P:
		return b == atom.Button
	case atom.Li:
		return b == atom.Ul || b == atom.Ol
	}
	return b == atom.Dl
}

// integrationPoint reports whether foreign content's element a holds HTML:
// SVG's foreignObject, desc and title, MathML's text elements and
// annotation-xml. (annotation-xml does only with an HTML encoding; taking
// it as one always is a guess, as the model is.)
func integrationPoint(a atom.Atom) bool {
	switch a {
	case atom.ForeignObject, atom.Desc, atom.Title, atom.Mi, atom.Mo,
		atom.Mn, atom.Ms, atom.Mtext, atom.AnnotationXml:
		return true
	}
	return false
}

// breakout reports whether a start tag in foreign content ends the foreign
// content: the HTML elements that SVG and MathML cannot hold, and a <font>
// with a color, face or size attribute.
func breakout(a atom.Atom, attrs []byte) bool {
	switch a {
	case atom.B, atom.Big, atom.Blockquote, atom.Body, atom.Br, atom.Center,
		atom.Code, atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Em, atom.Embed,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head,
		atom.Hr, atom.I, atom.Img, atom.Li, atom.Listing, atom.Menu,
		atom.Meta, atom.Nobr, atom.Ol, atom.P, atom.Pre, atom.Ruby, atom.S,
		atom.Small, atom.Span, atom.Strong, atom.Strike, atom.Sub, atom.Sup,
		atom.Table, atom.Tt, atom.U, atom.Ul, atom.Var:
		return true
	case atom.Font:
		return containsFold(attrs, "color") || containsFold(attrs, "face") || containsFold(attrs, "size")
	}
	return false
}

// rawTagNames are the names of the elements whose content is raw text (or
// escapable raw text), by atom: the tokenizer reads it to the element's end
// tag, without tags.
var rawTagNames = map[atom.Atom]string{
	atom.Iframe: "iframe", atom.Noembed: "noembed", atom.Noframes: "noframes",
	atom.Noscript: "noscript", atom.Plaintext: "plaintext",
	atom.Script: "script", atom.Style: "style", atom.Textarea: "textarea",
	atom.Title: "title", atom.Xmp: "xmp",
}

// containsFold reports whether b contains the lower-case ASCII word w in
// any case.
func containsFold(b []byte, w string) bool {
	for i := 0; i+len(w) <= len(b); i++ {
		if hasPrefixFold(b[i:], w) {
			return true
		}
	}
	return false
}
