package htmltext

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/boilerplate"
	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// Thresholds of the main-text heuristics.
const (
	// minLooseText is the shortest run of text outside a paragraph element
	// that counts as paragraph text (shorter ones are labels and dates).
	minLooseText = 25
	// protectShare: a boilerplate-looking element holding at least this
	// share of the page's paragraph text is kept: it is the article.
	protectShare = 0.5
	// minProtected: a page with less paragraph text than this has no
	// article for a boilerplate-looking element to be; nothing is protected.
	minProtected = 80
	// semanticShare: an <article>, <main> or articleBody holding at least
	// this share of the paragraph text is where the article is.
	semanticShare = 0.5
	// descendShare: the container narrows to a child holding at least this
	// share of its paragraph text. High, because narrowing too far loses
	// paragraphs while stopping early only lets in blocks the link-density
	// and furniture filters catch.
	descendShare = 0.9
)

// dropAtoms are removed with all they hold, wherever they are.
var dropAtoms = atoms(atom.Script, atom.Style, atom.Noscript, atom.Iframe,
	atom.Template, atom.Svg, atom.Math, atom.Canvas, atom.Object, atom.Embed,
	atom.Applet, atom.Video, atom.Audio, atom.Picture, atom.Img, atom.Map,
	atom.Select, atom.Button, atom.Input, atom.Textarea, atom.Label,
	atom.Head, atom.Title, atom.Meta, atom.Link, atom.Base, atom.Figure,
	atom.Dialog)

// structuralAtoms are page regions removed unless they hold most of the
// paragraph text (some sites wrap the whole page in a <form>).
var structuralAtoms = atoms(atom.Nav, atom.Header, atom.Footer, atom.Aside,
	atom.Form, atom.Menu)

// furnitureRoles are ARIA roles of page furniture.
var furnitureRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true,
	"complementary": true, "search": true, "dialog": true,
	"alertdialog": true, "menu": true, "menubar": true, "toolbar": true,
}

// blockAtoms are containers: text on either side of one is in separate
// blocks.
var blockAtoms = atoms(atom.Html, atom.Body, atom.Div, atom.Section,
	atom.Article, atom.Main, atom.Aside, atom.Header, atom.Footer, atom.Nav,
	atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Thead, atom.Tbody,
	atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption, atom.Form,
	atom.Fieldset, atom.Details, atom.Summary, atom.Center, atom.Dir,
	atom.Menu, atom.Hgroup, atom.Address, atom.Figcaption, atom.Legend)

var headingAtoms = atoms(atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6)

// paraAtoms hold paragraph text.
var paraAtoms = atoms(atom.P, atom.Pre, atom.Blockquote, atom.Dd)

func atoms(as ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(as))
	for _, a := range as {
		m[a] = true
	}
	return m
}

// mainText finds the article's text in doc and returns its blocks. A heading
// that repeats the title is left out.
func mainText(ctx context.Context, doc *goquery.Document, title string) ([]Block, error) {
	body := doc.Find("body").First()
	if body.Length() == 0 {
		return nil, nil
	}
	root := body.Nodes[0]
	if err := removeNodes(ctx, root, func(n *html.Node) bool {
		return dropAtoms[n.DataAtom] || hidden(n)
	}); err != nil {
		return nil, err
	}
	weights := make(map[*html.Node]int)
	total := weigh(root, false, false, false, false, weights)
	if err := removeNodes(ctx, root, func(n *html.Node) bool {
		return furniture(n) && (total < minProtected || float64(weights[n]) < protectShare*float64(total))
	}); err != nil {
		return nil, err
	}
	clear(weights)
	total = weigh(root, false, false, false, false, weights)
	container := pickContainer(doc, root, weights, total)

	w := textWalker{ctx: ctx, kind: events.BlockParagraph}
	w.walk(container, false)
	w.flush()
	if w.err != nil {
		return nil, w.err
	}
	blocks := w.blocks[:0]
	for _, b := range w.blocks {
		if b.Kind == events.BlockHeading && title != "" && sameText(b.Text, title) {
			continue
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// removeNodes removes from the tree under root every element drop selects,
// with its subtree.
func removeNodes(ctx context.Context, root *html.Node, drop func(*html.Node) bool) error {
	var doomed []*html.Node
	stack := []*html.Node{root}
	seen := 0
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen++; seen%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.CommentNode:
				doomed = append(doomed, c)
			case c.Type == html.ElementNode && drop(c):
				doomed = append(doomed, c)
			case c.Type == html.ElementNode:
				stack = append(stack, c)
			}
		}
	}
	for _, n := range doomed {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	return nil
}

// hidden reports whether n is hidden from readers.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			s := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// furniture reports whether n looks like a page region that is not the
// article: navigation, header, footer, share bars, comments, adverts...
func furniture(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return false
	}
	if structuralAtoms[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "itemprop":
			if strings.EqualFold(a.Val, "articleBody") {
				return false
			}
		}
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			if boilerplate.Attr(a.Val) {
				return true
			}
		case "role":
			if furnitureRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
				return true
			}
		}
	}
	return false
}

// weigh returns the paragraph text under n, in runes, and records it for
// every element in w: text in paragraph elements, half the text of list
// items, and runs of text elsewhere of at least minLooseText runes. Link
// and heading text does not count.
func weigh(n *html.Node, inPara, inLink, inList, inHeading bool, w map[*html.Node]int) int {
	sum := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if inLink || inHeading {
				continue
			}
			k := letters(c.Data)
			switch {
			case inPara:
				sum += k
			case inList:
				sum += k / 2
			case k >= minLooseText:
				sum += k
			}
		case html.ElementNode:
			a := c.DataAtom
			sum += weigh(c, inPara || paraAtoms[a], inLink || a == atom.A, inList || a == atom.Li, inHeading || headingAtoms[a], w)
		}
	}
	w[n] = sum
	return sum
}

// letters counts the runes of s that are not white space.
func letters(s string) int {
	k := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			k++
		}
	}
	return k
}

// pickContainer returns the element that holds the article: an articleBody,
// <article> or <main> holding most of the paragraph text, else the body;
// then, while one child holds nearly all of its paragraph text, that child.
func pickContainer(doc *goquery.Document, body *html.Node, weights map[*html.Node]int, total int) *html.Node {
	if total == 0 {
		return body
	}
	cur := body
	for _, sel := range []string{"[itemprop=articleBody]", "article", "[role=main]", "main"} {
		var best *html.Node
		doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
			n := s.Nodes[0]
			if best == nil || weights[n] > weights[best] {
				best = n
			}
		})
		if best != nil && float64(weights[best]) >= semanticShare*float64(total) {
			if sel == "[itemprop=articleBody]" {
				return best
			}
			cur = best
			break
		}
	}
	for {
		var best *html.Node
		for c := cur.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (best == nil || weights[c] > weights[best]) {
				best = c
			}
		}
		if best == nil || !blockAtoms[best.DataAtom] || weights[best] == 0 ||
			float64(weights[best]) < descendShare*float64(weights[cur]) {
			return cur
		}
		cur = best
	}
}

// textWalker collects the blocks of a subtree in document order.
type textWalker struct {
	ctx    context.Context
	err    error
	seen   int
	kind   events.BlockKind
	buf    strings.Builder
	runes  int
	linked int
	brs    int
	blocks []Block
}

func (w *textWalker) walk(n *html.Node, inLink bool) {
	for c := n.FirstChild; c != nil && w.err == nil; c = c.NextSibling {
		if w.seen++; w.seen%checkEvery == 0 {
			if err := w.ctx.Err(); err != nil {
				w.err = err
				return
			}
		}
		switch c.Type {
		case html.TextNode:
			w.text(c.Data, inLink)
		case html.ElementNode:
			w.element(c, inLink)
		}
	}
}

func (w *textWalker) element(c *html.Node, inLink bool) {
	a := c.DataAtom
	switch {
	case a == atom.Br:
		// Two line breaks in a row end a paragraph; one is a space.
		if w.brs++; w.brs >= 2 {
			w.flush()
		} else {
			w.buf.WriteByte(' ')
		}
	case a == atom.Hr:
		w.flush()
	case headingAtoms[a]:
		w.block(c, events.BlockHeading, inLink)
	case a == atom.Blockquote:
		w.block(c, events.BlockQuote, inLink)
	case a == atom.Li:
		w.block(c, events.BlockListItem, inLink)
	case a == atom.P || a == atom.Pre || a == atom.Dd || a == atom.Dt:
		kind := events.BlockParagraph
		if w.kind == events.BlockQuote || w.kind == events.BlockListItem {
			kind = w.kind
		}
		w.block(c, kind, inLink)
	case a == atom.Tr && leafRow(c):
		w.row(c)
	case blockAtoms[a]:
		w.flush()
		w.walk(c, inLink)
		w.flush()
	default:
		w.walk(c, inLink || a == atom.A)
	}
}

// block collects the subtree of c as blocks of kind.
func (w *textWalker) block(c *html.Node, kind events.BlockKind, inLink bool) {
	w.flush()
	saved := w.kind
	w.kind = kind
	w.walk(c, inLink)
	w.flush()
	w.kind = saved
}

func (w *textWalker) text(s string, inLink bool) {
	k := letters(s)
	if k == 0 {
		w.buf.WriteByte(' ')
		return
	}
	w.brs = 0
	w.buf.WriteString(s)
	w.runes += k
	if inLink {
		w.linked += k
	}
}

// flush ends the current block. Blocks without a letter or digit, and
// blocks more than half of whose text is links, are dropped.
func (w *textWalker) flush() {
	text := textnorm.Line(w.buf.String())
	runes, linked := w.runes, w.linked
	w.buf.Reset()
	w.runes, w.linked, w.brs = 0, 0, 0
	if text == "" || !hasWordRune(text) || linked*2 > runes {
		return
	}
	w.blocks = append(w.blocks, Block{Kind: w.kind, Text: text})
}

// row adds a table row whose cells hold only inline content, its cells
// separated by " | ".
func (w *textWalker) row(tr *html.Node) {
	w.flush()
	var cells []string
	runes, linked := 0, 0
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
			continue
		}
		cw := textWalker{ctx: w.ctx, kind: events.BlockTableRow}
		cw.walk(c, false)
		if cw.err != nil {
			w.err = cw.err
			return
		}
		if t := textnorm.Line(cw.buf.String()); t != "" {
			cells = append(cells, t)
		}
		runes += cw.runes
		linked += cw.linked
	}
	text := strings.Join(cells, " | ")
	if text == "" || !hasWordRune(text) || linked*2 > runes {
		return
	}
	w.blocks = append(w.blocks, Block{Kind: events.BlockTableRow, Text: text})
}

// leafRow reports whether the cells of tr hold only inline content: a row
// of data, not a layout table's row.
func leafRow(tr *html.Node) bool {
	stack := []*html.Node{tr}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			a := c.DataAtom
			if a != atom.Td && a != atom.Th && (blockAtoms[a] || headingAtoms[a] || paraAtoms[a] || a == atom.Li || a == atom.Br) {
				return false
			}
			stack = append(stack, c)
		}
	}
	return true
}

func hasWordRune(s string) bool {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		s = s[size:]
	}
	return false
}
