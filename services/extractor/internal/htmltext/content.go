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
	// protectShare: a hidden or surely boilerplate element holding at
	// least this share of the page's paragraph text may be the article.
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

// dropAtoms are removed with all they hold, wherever they are; so are
// figures other than textFigures.
var dropAtoms = atoms(atom.Script, atom.Style, atom.Noscript, atom.Iframe,
	atom.Template, atom.Svg, atom.Math, atom.Canvas, atom.Object, atom.Embed,
	atom.Applet, atom.Video, atom.Audio, atom.Picture, atom.Img, atom.Map,
	atom.Select, atom.Button, atom.Input, atom.Textarea, atom.Label,
	atom.Head, atom.Title, atom.Meta, atom.Link, atom.Base, atom.Dialog)

// structuralAtoms are page regions removed unless they hold most of the
// paragraph text, and the best of it (some sites wrap the whole page in a
// <form>).
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

// mainText finds the article's text in doc and returns its blocks.
//
// It drops scripts, pictures and the like; drops hidden elements and page
// furniture, unless they hold the page's best paragraphs; picks the region
// that holds the article (see pickRegion); collects the blocks of that
// region; and drops the furniture left among them (see
// dropFurnitureBlocks).
func mainText(ctx context.Context, doc *goquery.Document, title string) ([]Block, error) {
	body := doc.Find("body").First()
	if body.Length() == 0 {
		return nil, nil
	}
	root := body.Nodes[0]
	if err := removeNodes(ctx, root, func(n *html.Node) bool {
		return dropAtoms[n.DataAtom] || n.DataAtom == atom.Figure && !textFigure(n)
	}); err != nil {
		return nil, err
	}
	if err := removeFurniture(ctx, doc, root); err != nil {
		return nil, err
	}
	container, keep := pickRegion(doc, root, measure(root, false))

	w := textWalker{ctx: ctx, kind: events.BlockParagraph}
	if keep == nil {
		w.walk(container, false)
	} else {
		for c := container.FirstChild; c != nil && w.err == nil; c = c.NextSibling {
			if keep[c] {
				w.element(c, false)
			}
		}
	}
	w.flush()
	if w.err != nil {
		return nil, w.err
	}
	return dropFurnitureBlocks(w.blocks, title), nil
}

// removeFurniture removes hidden elements and page furniture from the tree
// under root. What holds the page's best paragraphs (in its articleBody, if
// it marks one) is kept: a region named like furniture then is the
// article, and so are its siblings styled alike. Hidden elements and sure
// furniture (comments, sidebars) must also hold most of the page's
// paragraph text to be kept.
func removeFurniture(ctx context.Context, doc *goquery.Document, root *html.Node) error {
	m := measure(root, true)
	total, shown := m.stat(root).weight, m.stat(root).shown
	top := bestCandidate(m, markedBody(doc, root, m))
	holdsTop := map[*html.Node]bool{}
	articleClasses := map[string]bool{}
	for n := top; n != nil; n = n.Parent {
		holdsTop[n] = true
		if c := attrValue(n, "class"); c != "" && furniture(n) == namedFurniture {
			articleClasses[c] = true
		}
	}
	// Without scored paragraphs, holding most of the text is all to go by.
	anyHolds := top == nil
	return removeNodes(ctx, root, func(n *html.Node) bool {
		if hidden(n) {
			// Some pages hide the article until a script shows it.
			return !protected(m.stat(n).weight, total)
		}
		switch furniture(n) {
		case namedFurniture:
			return !holdsTop[n] && !articleClasses[attrValue(n, "class")] &&
				!(anyHolds && protected(m.stat(n).shown, shown))
		case sureFurniture:
			return !(holdsTop[n] || anyHolds) || !protected(m.stat(n).shown, shown)
		}
		return false
	})
}

// minBodyPara is the length in runes from which a paragraph is surely
// article text: stamps and labels before the first such paragraph and
// after the last one are the page's, not the story's.
const minBodyPara = 80

// maxTrailingHeadings is the most headings at the end of the text that are
// dropped as the titles of what was left out.
const maxTrailingHeadings = 2

// dropFurnitureBlocks drops from blocks a heading that repeats the title,
// headings at the end, lines that are only a web address, and date stamps ("Updated 1:39 am EST,
// Wednesday, November 20, 2019") before the story's first paragraph or
// after its last. A date in the middle of a story is kept: it is likely an
// event's, or a quoted post's.
func dropFurnitureBlocks(blocks []Block, title string) []Block {
	first, last := len(blocks), -1
	for i, b := range blocks {
		if b.Kind == events.BlockParagraph && utf8.RuneCountInString(b.Text) >= minBodyPara {
			first = min(first, i)
			last = i
		}
	}
	stamp := make([]bool, len(blocks))
	for i, b := range blocks {
		stamp[i] = b.Kind == events.BlockParagraph && (i < first || i > last) && boilerplate.DateLine(b.Text)
	}
	out := blocks[:0]
	for i, b := range blocks {
		switch {
		case b.Kind == events.BlockHeading && title != "" && sameText(b.Text, title):
			continue
		case b.Kind == events.BlockParagraph && isAddress(b.Text):
			continue
		case stamp[i] && !schedule(stamp, i):
			continue
		}
		out = append(out, b)
	}
	// A heading with nothing after it heads what was left out: "More
	// stories", "Related", "Tell us what you think". A long run of them is
	// a page written in headings.
	n := len(out)
	for n > 0 && out[n-1].Kind == events.BlockHeading {
		n--
	}
	if len(out)-n <= maxTrailingHeadings {
		out = out[:n]
	}
	return out
}

// schedule reports whether the date stamp at i is one of three or more in a
// row: a list of dates, such as a schedule, is content.
func schedule(stamp []bool, i int) bool {
	lo, hi := i, i
	for lo > 0 && stamp[lo-1] {
		lo--
	}
	for hi < len(stamp)-1 && stamp[hi+1] {
		hi++
	}
	return hi-lo >= 2
}

// isAddress reports whether s is a web address and nothing else.
func isAddress(s string) bool {
	if strings.ContainsAny(s, " \t") {
		return false
	}
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www.")
}

// textFigure reports whether the figure n holds a table or a quotation:
// text of the story that publishing tools wrap in a figure, not a picture.
func textFigure(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Table || c.DataAtom == atom.Blockquote || textFigure(c)) {
			return true
		}
	}
	return false
}

// protected reports whether an element holding weight of a page's total
// paragraph text holds so much of it that it must be the article, whatever
// it looks like.
func protected(weight, total int) bool {
	return total >= minProtected && float64(weight) >= protectShare*float64(total)
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

// Kinds of page furniture, by how sure its marks are.
const (
	notFurniture = iota
	// namedFurniture is named like furniture in its class or id, a name
	// that can be wrong.
	namedFurniture
	// sureFurniture is marked as furniture by its element or its role, or
	// named as comments: it is the article only if it holds most of it.
	sureFurniture
)

// furniture returns how surely n is a page region other than the article:
// navigation, header, footer, share bars, adverts, comments...
func furniture(n *html.Node) int {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return notFurniture
	}
	if structuralAtoms[n.DataAtom] {
		return sureFurniture
	}
	for _, a := range n.Attr {
		if a.Key == "itemprop" && strings.EqualFold(a.Val, "articleBody") {
			return notFurniture
		}
	}
	k := notFurniture
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			switch boilerplate.AttrRegion(a.Val) {
			case boilerplate.Comments:
				return sureFurniture
			case boilerplate.Furniture:
				k = namedFurniture
			}
		case "role":
			if furnitureRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
				return sureFurniture
			}
		}
	}
	return k
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
// blocks that are links rather than text, are dropped.
func (w *textWalker) flush() {
	text := textnorm.Line(w.buf.String())
	runes, linked := w.runes, w.linked
	w.buf.Reset()
	w.runes, w.linked, w.brs = 0, 0, 0
	if text == "" || !hasWordRune(text) || tooLinked(w.kind, runes, linked) {
		return
	}
	w.blocks = append(w.blocks, Block{Kind: w.kind, Text: text})
}

// tooLinked reports whether a block of kind with runes of text, linked of
// them in links, is a link rather than text: more than half links, or for a
// list item or a quotation nearly all. Within the article, a list of linked
// names with a word or two on each, or a quoted post signed with a link, is
// part of it.
func tooLinked(kind events.BlockKind, runes, linked int) bool {
	switch kind {
	case events.BlockListItem, events.BlockQuote:
		return linked*10 > runes*9
	}
	return linked*2 > runes
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
