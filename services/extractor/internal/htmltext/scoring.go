package htmltext

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Thresholds of the content scoring.
const (
	// minUnitText is the shortest paragraph that scores: shorter ones are
	// labels, dates and buttons, which sit anywhere on a page.
	minUnitText = 25
	// maxLengthBonus caps the points a paragraph earns for its length, in
	// hundreds of runes, so that one long block (a comment, a legal notice)
	// does not outweigh several paragraphs of a story.
	maxLengthBonus = 3
	// scoreLevels is how many block ancestors a paragraph's score reaches.
	scoreLevels = 5
	// siblingShare and minSiblingScore: a sibling of the best container
	// scoring at least this share of it, and at least minSiblingScore, is
	// part of the article too (a story split by an advert or a photo).
	siblingShare    = 0.2
	minSiblingScore = 10
	// siblingParaText and siblingParaLinks: a paragraph beside the best
	// container with at least this much text and less than this link
	// density is part of the article (a standfirst, a last line).
	siblingParaText  = 80
	siblingParaLinks = 0.25
	// linkCost is how many runes of paragraph text a rune of link text
	// costs a container.
	linkCost = 1.5
	// widenShare: the article's container widens to an ancestor only if
	// that adds at least this share of paragraph text: a footer's line
	// beside the story is not more of it.
	widenShare = 0.25
	// minTeaserTitle and maxTeaserText: a block of at most maxTeaserText
	// runes that starts with a link of at least minTeaserTitle runes is a
	// teaser for another page (a headline and its summary), however little
	// of the rest is linked.
	minTeaserTitle = 20
	maxTeaserText  = 600
)

// inlineAtoms are elements whose text flows into the paragraph around them.
var inlineAtoms = atoms(atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo,
	atom.Big, atom.Cite, atom.Code, atom.Data, atom.Del, atom.Dfn, atom.Em,
	atom.Font, atom.I, atom.Ins, atom.Kbd, atom.Mark, atom.Nobr, atom.Q,
	atom.S, atom.Samp, atom.Small, atom.Span, atom.Strike, atom.Strong,
	atom.Sub, atom.Sup, atom.Time, atom.Tt, atom.U, atom.Var, atom.Wbr,
	atom.Br)

// unitAtoms are scored as one paragraph each, with all they hold.
var unitAtoms = atoms(atom.P, atom.Pre, atom.Dd, atom.Li)

// nodeStat is what measure finds under one element.
type nodeStat struct {
	// text and link are the runes of text, and of link text, below.
	text, link int
	// weight is the paragraph text below: see measure. shown is the part of
	// it that is not hidden.
	weight, shown int
	// commas counts the commas in the text below.
	commas int
	// good is the text below in paragraphs of minUnitText runes or more,
	// less their link text.
	good int
	// lead is the text of the link the text below starts with, if it
	// starts with one; started is whether any text has been seen.
	lead    int
	started bool
	// bad is the text below in blocks more than half of whose text is
	// links: menus, lists of links, teasers' titles.
	bad int
	// score is the content score the paragraphs below give the element.
	score float64
}

// linkDensity is the share of the text below that is link text.
func (s *nodeStat) linkDensity() float64 {
	if s.text == 0 {
		return 0
	}
	return float64(s.link) / float64(s.text)
}

// final is the element's score as a container of the article: its
// paragraphs' score, less the share of it that is links.
func (s *nodeStat) final() float64 {
	return s.score * (1 - s.linkDensity())
}

// gain is what the element is worth as the article's container: its
// paragraph text less linkCost for every rune of link text.
func (s *nodeStat) gain() float64 {
	return float64(s.good) - linkCost*float64(s.bad)
}

// teaser reports whether the element looks like a teaser for another page:
// short, and starting with a headline that links to it.
func (s *nodeStat) teaser() bool {
	return s.lead >= minTeaserTitle && s.text <= maxTeaserText
}

// measures holds the nodeStat of every element under a root, and the
// elements that paragraphs gave a score to, in document order of their
// first paragraph.
type measures struct {
	stats map[*html.Node]*nodeStat
	cands []*html.Node
}

func (m *measures) stat(n *html.Node) *nodeStat {
	if s := m.stats[n]; s != nil {
		return s
	}
	return &nodeStat{}
}

// measurer walks a tree once, filling measures.
type measurer struct {
	m *measures
	// chain holds the block elements above the current node, innermost
	// last: the containers a paragraph found here gives points to.
	chain []*html.Node
	// run, runCommas and runLinks describe the text seen since the last
	// block boundary in the innermost block of chain: a paragraph of text
	// written straight into a <div> or <td>.
	run, runCommas, runLinks int
	runHidden                bool
	// seeHidden is whether hidden elements are told apart.
	seeHidden bool
	// arena holds the nodeStats, allocated a block at a time.
	arena []nodeStat
	// paras are the scored paragraphs, with the blocks they give points
	// to, innermost first. The points are given once the walk is done and
	// teasers are known.
	paras []scoredPara
}

// scoredPara is a paragraph's score and the blocks it goes to.
type scoredPara struct {
	score float64
	to    [scoreLevels]*html.Node
}

// measure computes the nodeStat of every element under root (root
// included). Weight counts text in paragraph elements, half the text of list
// items, and runs of text elsewhere of at least minLooseText runes, but not
// link or heading text. The score follows the idea of readability's: every
// paragraph of minUnitText runes or more scores one point, one per comma, one
// per hundred runes up to maxLengthBonus, less its share of link text; its
// nearest block ancestor gets all of it, the next half, those above a
// third, a sixth... of it. When seeHidden is set, paragraphs in hidden
// elements do not score, and their weight is not shown.
func measure(root *html.Node, seeHidden bool) *measures {
	mr := measurer{m: &measures{stats: make(map[*html.Node]*nodeStat)}, seeHidden: seeHidden}
	mr.chain = append(mr.chain, root)
	st := mr.newStat()
	mr.m.stats[root] = st
	mr.visit(root, flags{}, st)
	mr.flushRun()
	mr.score()
	return mr.m
}

// flags say what a node is inside of.
type flags struct {
	para, link, list, heading, unit, hidden bool
}

// visit adds what is under n to st.
func (mr *measurer) visit(n *html.Node, f flags, st *nodeStat) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			k, commas := textCounts(c.Data)
			if k > 0 && !st.started {
				st.started = true
				if f.link {
					st.lead = k
				}
			}
			st.text += k
			st.commas += commas
			if f.link {
				st.link += k
			}
			if !f.link && !f.heading {
				w := 0
				switch {
				case f.para:
					w = k
				case f.list:
					w = k / 2
				case k >= minLooseText:
					w = k
				}
				st.weight += w
				if !f.hidden {
					st.shown += w
				}
			}
			if !f.unit {
				mr.runHidden = f.hidden
				mr.run += k
				mr.runCommas += commas
				if f.link {
					mr.runLinks += k
				}
			}
		case html.ElementNode:
			cs := mr.element(c, f)
			if c.DataAtom == atom.A {
				cs.lead = cs.text
			}
			if cs.started && !st.started {
				st.started, st.lead = true, cs.lead
			}
			st.text += cs.text
			st.link += cs.link
			st.weight += cs.weight
			st.shown += cs.shown
			st.commas += cs.commas
			st.good += cs.good
			st.bad += cs.bad
		}
	}
}

// element measures the element c, met with flags f.
func (mr *measurer) element(c *html.Node, f flags) *nodeStat {
	a := c.DataAtom
	cf := flags{
		para:    f.para || paraAtoms[a],
		link:    f.link || a == atom.A,
		list:    f.list || a == atom.Li,
		heading: f.heading || headingAtoms[a],
		unit:    f.unit,
		hidden:  f.hidden || mr.seeHidden && hidden(c),
	}
	cs := mr.newStat()
	mr.m.stats[c] = cs
	switch {
	case a == atom.Br:
		if !f.unit {
			mr.flushRun()
		}
	case f.unit || inlineAtoms[a]:
		mr.visit(c, cf, cs)
	case unitAtoms[a] || headingAtoms[a]:
		mr.flushRun()
		cf.unit = true
		mr.visit(c, cf, cs)
		switch {
		case cs.link*2 > cs.text || cs.teaser():
			cs.bad += cs.text
		case headingAtoms[a]:
		default:
			if !cf.hidden {
				mr.give(unitScore(cs.text, cs.commas, cs.link))
			}
			if cs.text >= minUnitText {
				cs.good += cs.text - cs.link
			}
		}
	default:
		mr.flushRun()
		mr.chain = append(mr.chain, c)
		mr.visit(c, cf, cs)
		mr.flushRun()
		mr.chain = mr.chain[:len(mr.chain)-1]
		if cs.teaser() {
			cs.bad += cs.good
			cs.good = 0
		}
	}
	return cs
}

// minStatBlock and maxStatBlock bound how many nodeStats are allocated at a
// time: few for a small page, doubling for a large one.
const (
	minStatBlock = 32
	maxStatBlock = 1024
)

func (mr *measurer) newStat() *nodeStat {
	if len(mr.arena) == cap(mr.arena) {
		mr.arena = make([]nodeStat, 0, min(max(2*cap(mr.arena), minStatBlock), maxStatBlock))
	}
	mr.arena = append(mr.arena, nodeStat{})
	return &mr.arena[len(mr.arena)-1]
}

// flushRun ends the run of loose text: if long enough, it is a paragraph of
// the innermost block.
func (mr *measurer) flushRun() {
	if mr.run > 0 {
		st := mr.m.stats[mr.chain[len(mr.chain)-1]]
		switch {
		case mr.runLinks*2 > mr.run:
			st.bad += mr.run
		case mr.run >= minUnitText:
			if !mr.runHidden {
				mr.give(unitScore(mr.run, mr.runCommas, mr.runLinks))
			}
			st.good += mr.run - mr.runLinks
		}
	}
	mr.run, mr.runCommas, mr.runLinks = 0, 0, 0
}

// give records a paragraph's score s for the blocks of the chain, from the
// innermost up.
func (mr *measurer) give(s float64) {
	if s <= 0 {
		return
	}
	p := scoredPara{score: s}
	for level := range scoreLevels {
		i := len(mr.chain) - 1 - level
		if i < 0 {
			break
		}
		p.to[level] = mr.chain[i]
	}
	mr.paras = append(mr.paras, p)
}

// score gives the paragraphs' scores to their blocks, but for paragraphs in
// teasers: a list of summaries of other pages is not an article.
func (mr *measurer) score() {
next:
	for _, p := range mr.paras {
		for _, n := range p.to {
			if n != nil && mr.m.stats[n].teaser() {
				continue next
			}
		}
		for level, n := range p.to {
			if n == nil {
				break
			}
			st := mr.m.stats[n]
			if st.score == 0 {
				mr.m.cands = append(mr.m.cands, n)
			}
			switch level {
			case 0:
				st.score += p.score
			case 1:
				st.score += p.score / 2
			default:
				st.score += p.score / float64(3*level)
			}
		}
	}
}

// unitScore is the score of a paragraph of text runes with commas commas and
// link runes of link text.
func unitScore(text, commas, link int) float64 {
	if text < minUnitText {
		return 0
	}
	s := 1 + float64(commas) + min(float64(text)/100, maxLengthBonus)
	return s * (1 - float64(link)/float64(text))
}

// textCounts returns the runes of s that are not white space, and its
// commas.
func textCounts(s string) (letters, commas int) {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			i++
			switch b {
			case ' ', '\t', '\n', '\r', '\f', '\v':
				continue
			case ',':
				commas++
			}
			letters++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			continue
		case r == '，' || r == '、' || r == '،':
			commas++
		}
		letters++
	}
	return letters, commas
}
