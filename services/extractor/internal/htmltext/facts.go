package htmltext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// Limits on what one walk over a page collects for its metadata.
const (
	maxHeadings   = 20
	maxTimes      = 40
	maxBylines    = 60
	maxDateTexts  = 200
	maxLDScripts  = 32
	maxLDBytes    = 2 << 20
	maxFactText   = 300 // bytes of a text node looked at for a date or byline
	maxNodeText   = 600 // bytes of an element's text read for a heading or byline
	maxLabelBytes = 40
)

// zone says where in a page a node is.
type zone uint8

const (
	zoneHead zone = 1 << iota
	// zoneFurniture is navigation, footers, comments, related links and
	// sidebars: dates and names there are not the article's.
	zoneFurniture
	// zoneArticle is inside <article> or <main>.
	zoneArticle
)

// dateKind says what a date is of, by the markup around it.
type dateKind uint8

const (
	dateUnknown dateKind = iota
	datePublished
	dateModified
)

// heading is an <h1> or an element marked itemprop=headline.
type heading struct {
	text string
	pos  int
	zone zone
	// siteLink is set when the heading links to the site's home page: it
	// is the site's logo, not a headline.
	siteLink bool
}

// timeFact is a <time> element.
type timeFact struct {
	datetime string
	text     string
	pos      int
	zone     zone
	kind     dateKind
}

// bylineKind says how an element was found to hold a byline, most
// explicit first.
type bylineKind uint8

const (
	bylineItemprop bylineKind = iota
	bylineRel
	bylineClass
	bylineLabel
)

// bylineFact is an element that may hold the article's byline.
type bylineFact struct {
	n    *html.Node
	pos  int
	kind bylineKind
}

// dateFact is a short text of the page that holds a date.
type dateFact struct {
	text string
	// label is the text just before, which may say what the date is
	// ("Last updated").
	label string
	pos   int
	// kind is what the microdata of the element holding the text says
	// the date is (itemprop="dateModified").
	kind dateKind
}

// pageFacts is what one walk over a page gathers for its metadata.
type pageFacts struct {
	metas     metaTags
	ldScripts []string
	canonical string
	titleTag  string
	htmlLang  string
	headings  []heading
	times     []timeFact
	bylines   []bylineFact
	dates     []dateFact
	// ownNames are the names the site gives itself outside its metadata,
	// in page order: its feeds' titles, the text of links to its home
	// page and its copyright lines. A personal site is named after its
	// author.
	ownNames []string
	// firstArticle is the position of the first <article> or <main>, or
	// -1.
	firstArticle int
	// declaredPublished holds the content of the <meta name|property>
	// tags that give a publication date ("article:published_time",
	// "pubdate"), as opposed to structured data (JSON-LD, microdata).
	declaredPublished []string
}

// maxDeclared caps the publication meta tags kept.
const maxDeclared = 8

// scanPage walks the tree under root once and gathers its metadata facts.
func scanPage(root *html.Node) *pageFacts {
	w := factWalker{f: &pageFacts{metas: make(metaTags), firstArticle: -1}}
	w.walk(root, 0)
	return w.f
}

type factWalker struct {
	f        *pageFacts
	pos      int
	ldBytes  int
	lastText string
}

func (w *factWalker) walk(n *html.Node, z zone) {
	w.pos++
	switch n.Type {
	case html.TextNode:
		w.text(n, z)
		return
	case html.ElementNode:
		var descend bool
		if z, descend = w.element(n, z); !descend {
			return
		}
	case html.DocumentNode:
	default:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, z)
	}
}

// element records what n says and returns the zone of its children, and
// whether to walk them.
func (w *factWalker) element(n *html.Node, z zone) (zone, bool) {
	f := w.f
	switch n.DataAtom {
	case atom.Html:
		f.htmlLang = attr(n, "lang")
		if f.htmlLang == "" {
			f.htmlLang = attr(n, "xml:lang")
		}
	case atom.Head:
		z |= zoneHead
	case atom.Meta:
		w.meta(n)
		return z, false
	case atom.Link:
		if f.canonical == "" && hasToken(attr(n, "rel"), "canonical") {
			f.canonical = attr(n, "href")
		}
		if hasToken(attr(n, "rel"), "alternate") && strings.Contains(attr(n, "type"), "xml") {
			f.addOwnName(attr(n, "title"))
		}
		return z, false
	case atom.Title:
		if f.titleTag == "" {
			f.titleTag = nodeText(n, maxNodeText)
		}
		return z, false
	case atom.Script:
		if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && len(f.ldScripts) < maxLDScripts {
			if c := n.FirstChild; c != nil && c.Type == html.TextNode && w.ldBytes+len(c.Data) <= maxLDBytes {
				w.ldBytes += len(c.Data)
				f.ldScripts = append(f.ldScripts, c.Data)
			}
		}
		return z, false
	case atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math, atom.Iframe, atom.Select, atom.Button:
		return z, false
	case atom.Nav, atom.Menu:
		z |= zoneFurniture
	case atom.Footer, atom.Aside:
		// Inside an article they hold its dates and bylines.
		if z&zoneArticle == 0 {
			z |= zoneFurniture
		}
	case atom.Article, atom.Main:
		z |= zoneArticle
		if f.firstArticle < 0 {
			f.firstArticle = w.pos
		}
	}
	if z&zoneHead != 0 {
		return z, true
	}
	if isFurniture(n) {
		z |= zoneFurniture
	}
	itemprop := strings.ToLower(attr(n, "itemprop"))
	if itemprop == "" {
		// RDFa marks the same properties: <span property="schema:author">.
		itemprop = rdfaProperty(n)
	}
	if itemprop != "" {
		// <time itemprop="datePublished" datetime="..."> and the like.
		if v, ok := attrOK(n, "datetime"); ok {
			f.metas.add(itemprop, v)
		} else if v, ok := attrOK(n, "content"); ok {
			f.metas.add(itemprop, v)
		}
	}
	if n.DataAtom == atom.A && z&zoneArticle == 0 {
		if href := strings.TrimSpace(attr(n, "href")); href == "/" || href == "./" {
			f.addOwnName(nodeText(n, maxFactText))
		}
	}
	switch {
	case n.DataAtom == atom.H1 || (itemprop == "headline" && z&zoneFurniture == 0):
		if len(f.headings) < maxHeadings {
			f.headings = append(f.headings, heading{
				text: nodeText(n, maxNodeText), pos: w.pos, zone: z,
				siteLink: linksHome(n),
			})
		}
	case n.DataAtom == atom.Time:
		if len(f.times) < maxTimes {
			f.times = append(f.times, timeFact{
				datetime: attr(n, "datetime"), text: nodeText(n, maxFactText),
				pos: w.pos, zone: z, kind: timeKind(n, itemprop),
			})
		}
		return z, false
	}
	if z&zoneFurniture == 0 && len(f.bylines) < maxBylines {
		if k, ok := bylineMarker(n, itemprop); ok {
			f.bylines = append(f.bylines, bylineFact{n: n, pos: w.pos, kind: k})
		}
	}
	return z, true
}

func (w *factWalker) meta(n *html.Node) {
	content, ok := attrOK(n, "content")
	if !ok {
		return
	}
	// <meta name="script:ld+json" content="{...}">: JSON-LD that a
	// framework writes into a meta tag.
	if strings.HasSuffix(strings.ToLower(attr(n, "name")), "ld+json") {
		if len(w.f.ldScripts) < maxLDScripts && w.ldBytes+len(content) <= maxLDBytes {
			w.ldBytes += len(content)
			w.f.ldScripts = append(w.f.ldScripts, content)
		}
		return
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "property", "name", "itemprop", "http-equiv":
			key := strings.ToLower(strings.TrimSpace(a.Val))
			w.f.metas.add(key, content)
			if a.Key != "itemprop" && len(w.f.declaredPublished) < maxDeclared && isPublishedKey(key) {
				w.f.declaredPublished = append(w.f.declaredPublished, content)
			}
		}
	}
}

// text looks at a short text of the body for a byline label or a date.
func (w *factWalker) text(n *html.Node, z zone) {
	if z&zoneHead != 0 {
		return
	}
	s := n.Data
	if len(s) > maxFactText {
		w.lastText = ""
		return
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	f := w.f
	if strings.HasPrefix(s, "©") || strings.HasPrefix(s, "&copy;") || len(s) > 9 && strings.EqualFold(s[:9], "copyright") {
		f.addOwnName(s)
	}
	if z&zoneFurniture == 0 {
		if mayBeLabel(s) && isBylineLabel(textnorm.Line(s)) && len(f.bylines) < maxBylines && n.Parent != nil {
			f.bylines = append(f.bylines, bylineFact{n: labelContainer(n), pos: w.pos, kind: bylineLabel})
		}
		if hasYear(s) && len(f.dates) < maxDateTexts {
			f.dates = append(f.dates, dateFact{text: textnorm.Line(s), label: w.lastText, pos: w.pos, kind: itempropKind(n.Parent)})
		}
	}
	switch {
	case len(s) > maxLabelBytes:
		w.lastText = ""
	case strings.IndexFunc(s, isWordRune) < 0 && len(w.lastText)+len(s) < maxLabelBytes:
		// "Updated<!-- -->: <!-- -->Dec 4, 2025": punctuation alone
		// belongs to the label before it.
		w.lastText += s
	default:
		w.lastText = s
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// maxOwnNames caps the names a site gives itself that are kept.
const maxOwnNames = 8

func (f *pageFacts) addOwnName(s string) {
	if s = textnorm.Line(s); s != "" && len(f.ownNames) < maxOwnNames {
		f.ownNames = append(f.ownNames, s)
	}
}

// mayBeLabel is a cheap test for isBylineLabel: the labels start with one
// of a few letters.
func mayBeLabel(s string) bool {
	if len(s) > 120 {
		return false
	}
	switch s[0] | 0x20 {
	case 'a', 'b', 'd', 'p', 'r', 's', 't', 'v', 'w':
		return true
	}
	return false
}

// metaTags holds the content of a page's <meta> elements by lower-case
// property, name, itemprop or http-equiv, in document order.
type metaTags map[string][]string

func (t metaTags) add(key, v string) {
	if key != "" {
		t[key] = append(t[key], v)
	}
}

func (t metaTags) get(key string) string {
	for _, v := range t[key] {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// furnitureWords start the words of a class or id that mark page regions
// whose dates and names are not the article's: comments, links to other
// stories, navigation.
var furnitureWords = []string{"comment", "related", "recommend", "popular", "trending", "breadcrumb", "navbar", "navigation", "menu", "newsletter", "readnext", "morestories"}

var furnitureSet = newSubstrings(furnitureWords)

// relationWords open a class that places an element beside furniture or
// says the page has some ("under-menu", "with-sidebar", "has-comments").
var relationWords = map[string]bool{
	"under": true, "below": true, "above": true, "after": true, "before": true,
	"beside": true, "over": true, "has": true, "with": true, "without": true,
	"no": true, "not": true,
}

// metaFurnitureRoles are ARIA roles of page regions outside the article.
var metaFurnitureRoles = map[string]bool{"navigation": true, "contentinfo": true, "search": true, "menu": true, "menubar": true, "dialog": true}

// isFurniture reports whether the class, id or role of n marks it as page
// furniture. The root, body and article elements are never furniture: their
// classes describe the page ("has-menu").
func isFurniture(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Article, atom.Main:
		return false
	}
	if metaFurnitureRoles[strings.ToLower(attr(n, "role"))] {
		return true
	}
	for _, k := range [...]string{"class", "id"} {
		v := attr(n, k)
		if v == "" || len(v) > 300 {
			continue
		}
		if !furnitureSet.in(v) {
			continue
		}
		for tok := range strings.FieldsSeq(strings.ToLower(v)) {
			// Utility classes ("md:[grid-area:sidebar]") describe
			// layout, not content.
			if strings.ContainsAny(tok, "[:(") {
				continue
			}
			words := strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
			// "under-menu", "has-comments", "no-sidebar" say where an
			// element sits or what the page has, not what it is.
			if len(words) > 1 && relationWords[words[0]] {
				continue
			}
			for _, word := range words {
				for _, fw := range furnitureWords {
					if strings.HasPrefix(word, fw) {
						return true
					}
				}
			}
		}
	}
	return false
}

// bylineWords mark, in a class, id or data attribute, an element that
// holds an author's name; bylineNotWords mark the parts of an author box
// that do not, and a reviewer's byline ("byline-reviewer").
var (
	bylineWords    = []string{"author", "byline", "writer", "contributor"}
	bylineNotWords = []string{"avatar", "image", "img", "photo", "picture", "bio", "desc", "tagline", "social", "follow", "position", "jobtitle", "job-title", "title", "reviewer", "count", "more", "thumb", "icon"}
	// authorPaths are the path segments of links to an author's page.
	authorPaths = []string{"/author/", "/authors/", "/autor/", "/autoren/", "/auteur/", "/autore/", "/writer/", "/writers/", "/journalist/", "/journalists/", "/contributor/", "/contributors/", "/byline/", "/staff/", "/profile/", "/people/"}
)

var bylineSet = newSubstrings(bylineWords)

// bylineMarker reports whether n is marked as holding a byline, and how.
func bylineMarker(n *html.Node, itemprop string) (bylineKind, bool) {
	if hasToken(itemprop, "author") || hasToken(itemprop, "creator") {
		return bylineItemprop, true
	}
	if n.DataAtom == atom.A && !strings.Contains(strings.ToLower(attr(n, "class")), "reviewer") {
		if hasToken(strings.ToLower(attr(n, "rel")), "author") {
			return bylineRel, true
		}
		if href := strings.ToLower(attr(n, "href")); len(href) < 300 && containsAny(href, authorPaths) {
			return bylineRel, true
		}
	}
	for _, a := range n.Attr {
		switch {
		case a.Key == "class", a.Key == "id", strings.HasPrefix(a.Key, "data-"):
		default:
			continue
		}
		if len(a.Val) > 200 {
			continue
		}
		if !bylineSet.in(a.Val) {
			continue
		}
		for tok := range strings.FieldsSeq(strings.ToLower(a.Val)) {
			if containsAny(tok, bylineWords) && !containsAny(tok, bylineNotWords) {
				return bylineClass, true
			}
		}
	}
	return 0, false
}

// bylineLabels are texts that introduce an author's name.
var bylineLabels = map[string]bool{
	"by": true, "written by": true, "author": true, "authors": true,
	"posted by": true, "words by": true, "story by": true, "text by": true,
	"published by": true, "reported by": true, "article by": true,
	"von": true, "par": true, "por": true, "door": true, "di": true,
	"auteur": true, "autor": true, "autore": true, "autorin": true,
}

// isBylineLabel reports whether s is a byline label ("By", "Written by:")
// or a short line that starts with "By ".
func isBylineLabel(s string) bool {
	if len(s) > 120 {
		return false
	}
	l := labelKey(s)
	if bylineLabels[l] {
		return true
	}
	return len(s) > 4 && (strings.HasPrefix(l, "by ") || strings.HasPrefix(l, "by:") ||
		strings.HasPrefix(l, "written by ") || strings.HasPrefix(l, "written by:"))
}

// bylineSegment returns the part of a line that is a byline: the line when
// it starts with "By", or else the part of it between bars or bullets that
// does ("March 15, 2022 · 3 min read · By Jane Doe").
func bylineSegment(l string) (string, bool) {
	if isBylineLabel(l) {
		return l, true
	}
	if !strings.ContainsAny(l, "|•·") {
		return "", false
	}
	for _, seg := range labelSeparators.Split(l, -1) {
		if isBylineLabel(seg) {
			return seg, true
		}
	}
	return "", false
}

// labelSeparators split a line of page furniture into its parts.
var labelSeparators = regexp.MustCompile(`\s+[|•·]\s+`)

// labelContainer returns the element around the text node n that holds
// what the label introduces: the parent, or a higher ancestor when the
// parent holds the label alone.
func labelContainer(n *html.Node) *html.Node {
	p := n.Parent
	for range 3 {
		if p.Parent == nil || p.Parent.Type != html.ElementNode || p.DataAtom == atom.Body {
			break
		}
		if !bylineLabels[labelKey(nodeText(p, maxNodeText))] {
			break
		}
		p = p.Parent
	}
	return p
}

func labelKey(s string) string {
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), ": "))
}

// timeKind tells a publication from a modification <time> by its
// attributes.
func timeKind(n *html.Node, itemprop string) dateKind {
	if _, ok := attrOK(n, "pubdate"); ok {
		return datePublished
	}
	s := itemprop + " " + strings.ToLower(attr(n, "class")+" "+attr(n, "id")+" "+attr(n, "data-testid"))
	switch {
	case strings.Contains(s, "modif"), strings.Contains(s, "updat"):
		return dateModified
	case strings.Contains(s, "publish"), strings.Contains(s, "posted"), strings.Contains(s, "created"):
		return datePublished
	}
	return dateUnknown
}

// rdfaProperty returns the schema.org or Dublin Core property an element
// is marked with in RDFa ("schema:datePublished", "dc:creator"), lower-cased
// and without its prefix, or "".
func rdfaProperty(n *html.Node) string {
	v, ok := attrOK(n, "property")
	if !ok || len(v) > 100 {
		return ""
	}
	var out []string
	for tok := range strings.FieldsSeq(strings.ToLower(v)) {
		if i := strings.LastIndexAny(tok, ":/#"); i >= 0 {
			switch tok[:i] {
			case "schema", "dc", "dcterms", "http://schema.org", "https://schema.org":
				tok = tok[i+1:]
			default:
				continue
			}
		}
		switch tok {
		case "author", "creator", "name", "datepublished", "datemodified", "datecreated", "date", "created", "modified", "issued":
			out = append(out, tok)
		}
	}
	return strings.Join(out, " ")
}

// itempropKind tells from its microdata whether the element n holds a
// publication or a modification date.
func itempropKind(n *html.Node) dateKind {
	if n == nil || n.Type != html.ElementNode {
		return dateUnknown
	}
	v := strings.ToLower(attr(n, "itemprop"))
	if v == "" {
		v = rdfaProperty(n)
	}
	switch {
	case v == "":
		return dateUnknown
	case hasToken(v, "datemodified"), hasToken(v, "modified"):
		return dateModified
	case hasToken(v, "datepublished"), hasToken(v, "datecreated"), hasToken(v, "issued"), hasToken(v, "created"):
		return datePublished
	}
	return dateUnknown
}

// linksHome reports whether n holds a link to the site's home page.
func linksHome(n *html.Node) bool {
	found := false
	visit(n, 200, func(c *html.Node) bool {
		if c.Type == html.ElementNode && c.DataAtom == atom.A {
			href := strings.TrimSpace(attr(c, "href"))
			if href == "/" || href == "./" {
				found = true
			} else if i := strings.Index(href, "://"); i >= 0 {
				rest := strings.TrimRight(href[i+3:], "/")
				found = rest != "" && !strings.Contains(rest, "/")
			}
		}
		return !found
	})
	return found
}

// lineAtoms are the elements that start a new line of text.
var lineAtoms = map[atom.Atom]bool{
	atom.Br: true, atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true,
	atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true,
	atom.Address: true, atom.Table: true, atom.Hr: true,
}

// nodeText returns the text under n as one line, reading at most max
// bytes of it.
func nodeText(n *html.Node, max int) string {
	var b strings.Builder
	visit(n, 2000, func(c *html.Node) bool {
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
		case c.Type == html.ElementNode && lineAtoms[c.DataAtom]:
			b.WriteByte(' ')
		}
		return b.Len() < max
	})
	return textnorm.Line(b.String())
}

// nodeLines returns the text under n split into lines at block elements
// and line breaks, reading at most max bytes. Text of two elements that
// meet without a space ("<span>Jane Doe</span><span>Editor</span>") is
// split too: pages lay such elements out as separate lines.
func nodeLines(n *html.Node, max int) []string {
	var (
		lines []string
		b     strings.Builder
		total int
		// crossed is set when an element starts between two texts.
		crossed bool
	)
	flush := func() {
		if l := textnorm.Line(b.String()); l != "" {
			lines = append(lines, l)
		}
		b.Reset()
	}
	visit(n, 2000, func(c *html.Node) bool {
		switch {
		case c.Type == html.TextNode:
			if crossed && b.Len() > 0 {
				last, _ := utf8.DecodeLastRuneInString(b.String())
				first, _ := utf8.DecodeRuneInString(c.Data)
				if !unicode.IsSpace(last) && !unicode.IsSpace(first) && !unicode.IsPunct(first) && !unicode.IsPunct(last) {
					flush()
				}
			}
			crossed = false
			b.WriteString(c.Data)
			total += len(c.Data)
		case c.Type == html.ElementNode && (lineAtoms[c.DataAtom] || c.DataAtom == atom.Time):
			flush()
		case c.Type == html.ElementNode:
			crossed = true
		}
		return total < max
	})
	flush()
	return lines
}

// visit calls fn on n and the nodes under it in document order, at most
// limit of them, skipping the children of scripts and styles, until fn
// returns false.
func visit(n *html.Node, limit int, fn func(*html.Node) bool) {
	stack := []*html.Node{n}
	for len(stack) > 0 && limit > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		limit--
		if !fn(c) {
			return
		}
		if c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Template || c.DataAtom == atom.Svg || c.DataAtom == atom.Noscript) {
			continue
		}
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// hasToken reports whether the space-separated list s holds tok.
func hasToken(s, tok string) bool {
	for f := range strings.FieldsSeq(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// substrings finds any of a set of lower-case ASCII words in a string,
// ignoring case, without allocating: the class of every element of a page
// is looked at.
type substrings struct {
	byFirst [256][]string
}

func newSubstrings(words []string) *substrings {
	s := new(substrings)
	for _, w := range words {
		s.byFirst[w[0]] = append(s.byFirst[w[0]], w)
	}
	return s
}

// in reports whether v holds one of the words at the start of a word of
// its own: after a space, a dash, an underscore or a dot, or as a
// capitalised part ("postAuthor").
func (s *substrings) in(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		upper := 'A' <= c && c <= 'Z'
		if i > 0 && !upper {
			switch v[i-1] {
			case ' ', '-', '_', '.', ':':
			default:
				continue
			}
		}
		if upper {
			c += 'a' - 'A'
		}
		for _, w := range s.byFirst[c] {
			if len(v)-i >= len(w) && strings.EqualFold(v[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// hasYear reports whether s holds four digits in a row starting 19 or 20:
// the cheap test before looking for a date in it.
func hasYear(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run == 4 && (s[i-3] == '1' && s[i-2] == '9' || s[i-3] == '2' && s[i-2] == '0') {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}
