package htmltext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/attribution"
	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// maxBylineLines caps the lines of one byline element read.
const maxBylineLines = 6

// Windows around the headline, in nodes, where a byline is looked for
// first.
const (
	bylineAfter  = 120
	bylineBefore = 60
)

// authorMetas are the meta tags that name a page's authors, best first.
var authorMetas = []struct{ key, from string }{
	{"author", events.FromMeta},
	{"article:author", events.FromOpenGraph},
	{"parsely-author", events.FromMeta},
	{"sailthru.author", events.FromMeta},
	{"byl", events.FromMeta},
	{"dc.creator", events.FromMeta},
	{"dcterms.creator", events.FromMeta},
	{"citation_author", events.FromMeta},
}

// authorSource is one source's list of authors.
type authorSource struct {
	names []string
	from  string
}

// weak reports whether a source names its authors only vaguely: by user
// names or first names alone ("jdoe", "Kristin"), as organisations, or by
// the site's name. A byline that names people outranks it.
func (p *page) weak(s authorSource) bool {
	for _, n := range s.names {
		if strings.ContainsRune(n, ' ') && !attribution.LooksLikeOrganisation(n) && !p.isSiteName(n) {
			return false
		}
	}
	return true
}

// readAuthors sets the authors. The sources are, best first, the JSON-LD
// article's people, the author meta tags, and the byline elements nearest
// the headline; the first that names anyone is taken, unless it names
// them only vaguely and a byline names people, the byline beside the
// headline names other people, or a later source names the same people
// and more (a meta tag that gives only the first of several).
// Organisations are dropped from the authors when they are the site itself
// and kept as the wire when they are a news agency; another organisation
// is taken only when no source names a person. The organisation or team
// the page credits instead of a person (the site, "Everfit Team",
// "Newsdesk", or the owner a personal site is named after) is kept as
// Credit, which callers take as the author when no one is named anywhere;
// a team byline beside the headline is the credit whoever the metadata
// names, and one further away (an author box crediting the site) is the
// credit of last resort.
func (m *Meta) readAuthors(p *page) {
	var (
		sources []authorSource
		orgs    []string
	)
	var (
		names   []string
		credits []authorSource
	)
	credit := func(v string, found []string, from string) {
		if len(found) == 0 {
			if c, ok := attribution.OrganisationCredit(v); ok {
				credits = append(credits, authorSource{[]string{c}, from})
			}
		}
	}
	for _, a := range p.ld.authors {
		found, w := attribution.ParseAuthors(a.name, attribution.Structured)
		m.noteWire(w, events.FromJSONLD)
		credit(a.name, p.people(found), events.FromJSONLD)
		if a.org {
			if len(found) > 0 && !p.isSiteName(a.name) && w == "" {
				orgs = append(orgs, textnorm.Line(a.name))
			}
			continue
		}
		names = append(names, found...)
	}
	sources = append(sources, authorSource{p.people(names), events.FromJSONLD})
	tags := p.facts.metas
	for _, src := range authorMetas {
		var found []string
		for _, v := range tags[src.key] {
			v = unescape(v)
			if src.key == "citation_author" {
				v = firstLast(v)
			}
			ns, w := attribution.ParseAuthors(v, attribution.Structured)
			m.noteWire(w, src.from)
			ns = p.people(ns)
			credit(v, ns, src.from)
			found = append(found, ns...)
		}
		sources = append(sources, authorSource{found, src.from})
	}
	if l := strings.ToLower(tags.get("twitter:label1")); l == "written by" || l == "author" {
		v := unescape(tags.get("twitter:data1"))
		ns, _ := attribution.ParseAuthors(v, attribution.Structured)
		ns = p.people(ns)
		credit(v, ns, events.FromMeta)
		sources = append(sources, authorSource{ns, events.FromMeta})
	}
	bylineNames, bylineNear, bylineCredit, farCredit := m.bylineAuthors(p)
	if len(bylineNames) == 0 {
		bylineNames = p.dateLineAuthors()
	}
	byline := authorSource{bylineNames, events.FromByline}
	if bylineCredit != "" {
		credits = append(credits, authorSource{[]string{bylineCredit}, events.FromByline})
	}
	if name := p.personalSiteName(); name != "" {
		credits = append(credits, authorSource{[]string{name}, events.FromMeta})
	}
	if farCredit != "" && len(bylineNames) == 0 && !named(sources) {
		credits = append(credits, authorSource{[]string{farCredit}, events.FromByline})
	}
	if len(credits) > 0 {
		m.Credit = clip(textnorm.Line(credits[0].names[0]), maxAuthorRunes)
		m.Provenance["credit"] = credits[0].from
	}
	sources = append(sources, byline)

	best := -1
	for i, s := range sources {
		if len(s.names) > 0 {
			best = i
			break
		}
	}
	switch {
	case best < 0 || len(byline.names) == 0 || p.weak(byline):
	case p.weak(sources[best]):
		best = len(sources) - 1
	case bylineNear && !overlaps(byline.names, sources[best].names):
		// Metadata that names other people than the byline beside
		// the headline is a template's or an earlier author's: readers
		// see the byline.
		best = len(sources) - 1
	}
	if team := teamByline(byline.names, bylineNear, bylineCredit); team != "" && best >= 0 && best != len(sources)-1 {
		// The byline beside the headline credits a team or an
		// organisation and names no one: that is what readers see,
		// whoever the metadata names.
		m.Credit = clip(textnorm.Line(team), maxAuthorRunes)
		m.Provenance["credit"] = events.FromByline
		return
	}
	if best >= 0 {
		for i := best + 1; i < len(sources); i++ {
			if superset(sources[i].names, sources[best].names) {
				best = i
			}
		}
		m.addAuthors(sources[best].names, sources[best].from)
		return
	}
	m.addAuthors(orgs, events.FromJSONLD)
}

// named reports whether any source names anyone.
func named(sources []authorSource) bool {
	for _, s := range sources {
		if len(s.names) > 0 {
			return true
		}
	}
	return false
}

// dateLineAuthors reads the people an unmarked line beside the headline
// names before its date, when the line is split into parts ("Jane Doe |
// Senior Writer | July 2, 2025"). Every part must be a name or a job
// title, so that a sentence or a breadcrumb names no one.
func (p *page) dateLineAuthors() []string {
	if p.anchor < 0 {
		return nil
	}
	for _, df := range p.facts.dates {
		if df.pos < p.anchor || df.pos > p.anchor+bylineAfter {
			continue
		}
		ds := findDates(df.text, true)
		if len(ds) == 0 {
			continue
		}
		prefix := strings.TrimRight(ds[0].prefix, " |•·,-–—")
		if prefix == "" || !strings.ContainsAny(ds[0].prefix, "|•·") {
			continue
		}
		if names, _ := attribution.ParseAuthors(prefix, attribution.Prose); len(names) > 0 {
			return p.people(names)
		}
	}
	return nil
}

// personalSiteName returns the person a personal site is named after: a
// full name the site gives itself twice or more (in its feeds' titles,
// its home links and its copyright line). A business names itself as
// often, but seldom with a person's name; once is too little to tell a
// name from a brand ("Tribe Lifting").
func (p *page) personalSiteName() string {
	seen := make(map[string]int)
	for _, n := range p.facts.ownNames {
		if name, ok := attribution.PersonalSiteName(n); ok {
			if seen[name]++; seen[name] == 2 {
				return name
			}
		}
	}
	return ""
}

// teamByline returns the team or organisation the byline beside the
// headline credits, when it names no person: its credit, or its names
// when each is an organisation's ("Everfit Team").
func teamByline(names []string, near bool, credit string) string {
	if len(names) == 0 {
		return credit
	}
	if !near {
		return ""
	}
	for _, n := range names {
		if !attribution.HasOrganisationWord(n) {
			return ""
		}
	}
	return names[0]
}

// overlaps reports whether a and b may name someone in common: a name of
// one shares a word with a name of the other. Bylines carry what follows
// a name ("Jane Doe VP"), so names are not compared whole.
func overlaps(a, b []string) bool {
	words := make(map[string]bool)
	for _, n := range a {
		for _, w := range strings.Fields(n) {
			if w = alnum(w); len(w) > 2 {
				words[w] = true
			}
		}
	}
	for _, n := range b {
		for _, w := range strings.Fields(n) {
			if words[alnum(w)] {
				return true
			}
		}
	}
	return false
}

// superset reports whether a names everyone in b and more.
func superset(a, b []string) bool {
	if len(a) <= len(b) {
		return false
	}
	for _, n := range b {
		if !containsName(a, n) {
			return false
		}
	}
	return true
}

// firstLast turns "Doe, Jane" into "Jane Doe": the form of citation_author
// tags, which hold one person each.
func firstLast(s string) string {
	last, first, ok := strings.Cut(s, ",")
	if !ok || strings.Contains(first, ",") {
		return s
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" || last == "" || len(strings.Fields(first)) > 3 || len(strings.Fields(last)) > 3 {
		return s
	}
	return first + " " + last
}

// people drops from names those that are the site's own name and read as
// an organisation's (a personal site is often named after its author), and
// organisations listed beside people ("Jane Doe, The Daily Planet").
func (p *page) people(names []string) []string {
	out := names[:0:0]
	person := false
	for _, n := range names {
		if !attribution.LooksLikeOrganisation(n) {
			person = true
		}
	}
	for _, n := range names {
		if p.isSiteName(n) && attribution.LooksLikeOrganisation(n) {
			continue
		}
		if person && attribution.HasOrganisationWord(n) {
			continue
		}
		out = append(out, n)
	}
	return out
}

func (m *Meta) noteWire(w, from string) {
	if w != "" && m.Wire == "" {
		m.Wire = w
		m.Provenance["wire"] = from
	}
}

// bylineAuthors reads the byline elements nearest the headline: first the
// ones after it, nearest first, then the ones before it. It returns the
// names of the first that names anyone and whether it is beside the
// headline, and the credit of the first byline beside the headline that
// names an organisation or a team instead. farCredit is the credit of the
// first byline elsewhere that names no person (an author box at the foot
// of the page crediting the site or a team): the author only when no one is
// named anywhere.
func (m *Meta) bylineAuthors(p *page) (names []string, near bool, credit, farCredit string) {
	bs := p.facts.bylines
	order := make([]int, 0, len(bs))
	seen := make([]bool, len(bs))
	add := func(i int) {
		if !seen[i] {
			seen[i] = true
			order = append(order, i)
		}
	}
	// A byline sits just after the headline or just before it; bylines
	// further down belong to an author box or to other stories.
	for i, b := range bs {
		if b.pos >= p.anchor && b.pos <= p.anchor+bylineAfter {
			add(i)
		}
	}
	for i := len(bs) - 1; i >= 0; i-- {
		if bs[i].pos < p.anchor && bs[i].pos >= p.anchor-bylineBefore {
			add(i)
		}
	}
	for i, b := range bs {
		if b.pos >= p.anchor {
			add(i)
		}
	}
	for i := len(bs) - 1; i >= 0; i-- {
		add(i)
	}
	for _, i := range order {
		b := bs[i]
		names, w := p.readByline(b)
		m.noteWire(w, events.FromByline)
		names = p.people(names)
		near = b.pos >= p.anchor-bylineBefore && b.pos <= p.anchor+bylineAfter
		if len(names) == 0 {
			switch {
			case credit == "" && near:
				credit = p.bylineCredit(b)
			case farCredit == "" && !near:
				farCredit = p.bylineCredit(b)
			}
			continue
		}
		// "By <a>Ann Lee</a> and <a>Bo Chen</a>": an inline author
		// element may be one of several in its parent's line.
		if bylineInline[b.n.DataAtom] && b.n.Parent != nil && b.n.Parent.Type == html.ElementNode {
			if more, _ := p.readByline(bylineFact{n: b.n.Parent, kind: b.kind}); len(more) > len(names) && containsName(more, names[0]) {
				names = p.people(more)
			}
		}
		return names, near, credit, farCredit
	}
	return nil, false, credit, farCredit
}

// bylineCredit reads the organisation or team a byline element credits:
// its first line after any label line ("Written by").
func (p *page) bylineCredit(b bylineFact) string {
	n := b.n
	if b.kind == bylineItemprop {
		if c := findItemprop(n, "name"); c != nil {
			n = c
		}
		if v, ok := attrOK(n, "content"); ok {
			c, _ := attribution.OrganisationCredit(v)
			return c
		}
	}
	lines := nodeLines(n, maxNodeText)
	afterLabel := false
	for i, l := range lines {
		if i == maxBylineLines {
			break
		}
		if bylineLabels[labelKey(l)] {
			afterLabel = true
			continue
		}
		if b.kind == bylineLabel && !afterLabel {
			seg, ok := bylineSegment(l)
			if !ok {
				continue
			}
			l = seg
		}
		c, _ := attribution.OrganisationCredit(l)
		return c
	}
	return ""
}

var bylineInline = map[atom.Atom]bool{
	atom.A: true, atom.Span: true, atom.Strong: true, atom.B: true,
	atom.Em: true, atom.I: true, atom.Cite: true,
}

// readByline reads the names in a byline element: the first of its lines
// that names anyone, after any label line ("Written by").
func (p *page) readByline(b bylineFact) ([]string, string) {
	n := b.n
	if b.kind == bylineItemprop {
		if c := findItemprop(n, "name"); c != nil {
			n = c
		}
		if v, ok := attrOK(n, "content"); ok {
			return attribution.ParseAuthors(v, attribution.Structured)
		}
	}
	lines := nodeLines(n, maxNodeText)
	if len(lines) > maxBylineLines {
		lines = lines[:maxBylineLines]
	}
	kind := attribution.Marked
	if b.kind == bylineLabel {
		kind = attribution.Prose
	}
	var wire string
	afterLabel := false
	for _, l := range lines {
		if bylineLabels[labelKey(l)] {
			afterLabel = true
			continue
		}
		// Of an element found by its "By", only the byline's line is
		// read: the others are what the element holds besides.
		if b.kind == bylineLabel && !afterLabel {
			seg, ok := bylineSegment(l)
			if !ok {
				continue
			}
			l = seg
		}
		afterLabel = false
		names, w := attribution.ParseAuthors(p.withoutSiteName(l), kind)
		if wire == "" {
			wire = w
		}
		if len(names) > 0 {
			if linked := unrun(names, linkedNames(n)); len(linked) > 0 {
				return linked, wire
			}
			return names, wire
		}
	}
	return nil, wire
}

// maxAuthorLinks caps the links to author pages read in one byline.
const maxAuthorLinks = 8

// linkedNames returns the names of the links to author pages under n
// ("Written by <a href="/author/jane-doe">Jane Doe</a> Senior Editor"):
// where a byline runs a name into a job title, the link holds the name
// alone.
func linkedNames(n *html.Node) []string {
	var out []string
	links := 0
	visit(n, 400, func(c *html.Node) bool {
		if c != n && c.Type == html.ElementNode && c.DataAtom == atom.A {
			if k, ok := bylineMarker(c, ""); ok && k == bylineRel {
				links++
				if names, _ := attribution.ParseAuthors(nodeText(c, maxFactText), attribution.Marked); len(names) == 1 && !containsName(out, names[0]) {
					out = append(out, names[0])
				}
			}
		}
		return links < maxAuthorLinks
	})
	return out
}

// unrun returns the names of a byline's author links that the names read
// from its line run into more words ("Jane Doe Executive Digital" from
// "Jane Doe Executive Digital Editor and Master Gardener"), or nil when the
// line ran into no linked name. The line's other "names" are pieces of the
// job title then, and linked names the line did not read (a reviewer's
// link in the same box) are not the byline's.
func unrun(names, linked []string) []string {
	var out []string
	ran := false
	for _, n := range names {
		for _, l := range linked {
			switch {
			case len(n) > len(l) && strings.EqualFold(n[:len(l)], l) && n[len(l)] == ' ':
				ran = true
				out = append(out, l)
			case alnum(n) == alnum(l):
				out = append(out, l)
			}
		}
	}
	if !ran {
		return nil
	}
	return out
}

// withoutSiteName removes the site's name from the end of a byline line:
// "Jane Doe USA TODAY".
func (p *page) withoutSiteName(l string) string {
	for _, site := range p.sites {
		if len(site) < len(l) && strings.EqualFold(l[len(l)-len(site):], site) {
			rest := l[:len(l)-len(site)]
			if r, _ := utf8.DecodeLastRuneInString(rest); unicode.IsSpace(r) || unicode.IsPunct(r) {
				return strings.TrimRight(rest, " ,|-–—·")
			}
		}
	}
	return l
}

func findItemprop(n *html.Node, prop string) *html.Node {
	var found *html.Node
	visit(n, 200, func(c *html.Node) bool {
		if c != n && c.Type == html.ElementNode && (hasToken(attr(c, "itemprop"), prop) || hasToken(rdfaProperty(c), prop)) {
			found = c
		}
		return found == nil
	})
	return found
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if alnum(x) == alnum(n) {
			return true
		}
	}
	return false
}

// addAuthors sets the authors from names, without duplicates, and reports
// whether there were any.
func (m *Meta) addAuthors(names []string, from string) bool {
	seen := make(map[string]bool)
	var out []string
	for _, n := range names {
		n = clip(textnorm.Line(n), maxAuthorRunes)
		k := alnum(n)
		if k == "" || seen[k] || len(out) >= maxAuthors {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	if len(out) == 0 {
		return false
	}
	m.Authors = out
	m.Provenance["authors"] = from
	return true
}
