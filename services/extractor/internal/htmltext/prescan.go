package htmltext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html"
)

// prescan tokenizes page, which is cheap and linear, to refuse pages the tree
// builder would spend too long or too much memory on: too many tokens, too
// deep a nesting, or unclosed formatting elements that the parser would clone
// again and again (HTML's "reconstruct the active formatting elements" step
// can turn a few thousand tokens into millions of nodes). It models the tree
// builder only roughly, erring towards counting more.
func prescan(ctx context.Context, page []byte, opts Options) error {
	z := html.NewTokenizer(bytes.NewReader(page))
	var s scanState
	s.formatting = make(map[string][]string)
	tokens, estimate := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("tokenizing html: %w", err)
			}
			return nil
		}
		tokens++
		estimate++
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			estimate += s.active
			name, hasAttr := z.TagName()
			tag := string(name)
			if tt == html.SelfClosingTagToken || voidElements[tag] {
				break
			}
			if formattingElements[tag] {
				key := tag
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					key += " " + string(k) + "=" + string(v)
				}
				s.pushFormatting(tag, key)
			}
			s.open(tag)
			if len(s.stack) > opts.MaxDepth {
				return fmt.Errorf("%w: more than %d", ErrTooDeep, opts.MaxDepth)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			s.close(string(name))
		case html.TextToken:
			estimate += s.active
		}
		if tokens > opts.MaxNodes || estimate > 2*opts.MaxNodes {
			return fmt.Errorf("%w: more than %d", ErrTooManyNodes, opts.MaxNodes)
		}
		if tokens%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// scanState is prescan's rough model of the tree builder.
type scanState struct {
	// stack holds the open elements.
	stack []string
	// formatting holds, per tag, the keys (tag and attributes) of the
	// formatting elements opened and not yet closed by their end tag: the
	// tree builder's list of active formatting elements.
	formatting map[string][]string
	active     int
}

// scopeSearch bounds how far down the stack implied closes look.
const scopeSearch = 16

func (s *scanState) open(tag string) {
	if impliedEnd[tag] {
		s.popTo(tag, scopeSearch, scopeBoundary[tag])
	}
	if closesP[tag] {
		s.popTo("p", scopeSearch, scopeBoundary["p"])
	}
	s.stack = append(s.stack, tag)
}

func (s *scanState) close(tag string) {
	s.popTo(tag, len(s.stack), nil)
	if l := s.formatting[tag]; len(l) > 0 {
		s.formatting[tag] = l[:len(l)-1]
		s.active--
	}
}

// popTo pops the stack down to and including the topmost tag, if it is
// among the top limit entries and no boundary element is above it.
func (s *scanState) popTo(tag string, limit int, boundary map[string]bool) {
	for i := len(s.stack) - 1; i >= 0 && i >= len(s.stack)-limit; i-- {
		if s.stack[i] == tag {
			s.stack = s.stack[:i]
			return
		}
		if boundary[s.stack[i]] {
			return
		}
	}
}

// pushFormatting records an opened formatting element. Like the tree
// builder's "Noah's Ark clause", it keeps at most three identical ones.
func (s *scanState) pushFormatting(tag, key string) {
	l := s.formatting[tag]
	same := 0
	for _, k := range l {
		if k == key {
			same++
		}
	}
	if same >= 3 {
		for i, k := range l {
			if k == key {
				l = append(l[:i], l[i+1:]...)
				s.active--
				break
			}
		}
	}
	s.formatting[tag] = append(l, key)
	s.active++
}

// scopeBoundary holds, per tag with an implied end, the elements that stop
// the search for an open one: a <li> does not close the <li> of an outer
// list.
var scopeBoundary = func() map[string]map[string]bool {
	base := "html table td th caption marquee object applet template"
	return map[string]map[string]bool{
		"p":  set(base + " button"),
		"li": set(base + " ul ol"),
		"dd": set(base + " dl"),
		"dt": set(base + " dl"),
		"tr": set("html table template"),
		"td": set("html table template tr"),
		"th": set("html table template tr"),
	}
}()

var voidElements = set("area base br col embed hr img input keygen link meta param source track wbr")

var formattingElements = set("a b big code em font i nobr s small strike strong tt u")

// impliedEnd: a start tag of one of these closes an open one of its kind.
var impliedEnd = set("p li dd dt option optgroup tr td th rb rp rt rtc")

// closesP: a start tag of one of these closes an open <p>.
var closesP = set("address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol pre section table ul li dd dt")

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range bytes.Fields([]byte(words)) {
		m[string(w)] = true
	}
	return m
}
