package htmltext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markedBody returns the element marked as the articleBody that holds the
// most paragraph text, if it holds some, else body.
func markedBody(doc *goquery.Document, body *html.Node, m *measures) *html.Node {
	var best *html.Node
	doc.Find("[itemprop=articleBody]").Each(func(_ int, s *goquery.Selection) {
		if n := s.Nodes[0]; best == nil || m.stat(n).weight > m.stat(best).weight {
			best = n
		}
	})
	if best == nil || m.stat(best).weight < minProtected {
		return body
	}
	return best
}

// pickRegion returns the element that holds the article and, when only some
// of its children are the article, those children.
//
// The article is first looked for in an articleBody, <article> or <main>
// holding most of the paragraph text: an articleBody is taken whole. Within
// it (or the body), the element with the best content score is the core of
// the article. The core widens to the ancestor that adds the most paragraph
// text for the links it adds, but not so far as to take in a copy of
// itself; then those of its siblings that look like more of the article
// join it. A page without scored paragraphs falls back to descending from
// the body while one child holds nearly all the paragraph text.
func pickRegion(doc *goquery.Document, body *html.Node, m *measures) (*html.Node, map[*html.Node]bool) {
	total := m.stat(body).weight
	if total == 0 {
		return body, nil
	}
	cur := body
	for _, sel := range []string{"[itemprop=articleBody]", "article", "[role=main]", "main"} {
		var best *html.Node
		doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
			n := s.Nodes[0]
			if best == nil || m.stat(n).weight > m.stat(best).weight {
				best = n
			}
		})
		if best != nil && float64(m.stat(best).weight) >= semanticShare*float64(total) {
			if sel == "[itemprop=articleBody]" {
				return best, nil
			}
			cur = best
			break
		}
	}
	top := bestCandidate(m, cur)
	if top == nil {
		return descend(cur, m), nil
	}
	copies := copyHolders(top, m)
	top = widen(top, cur, m, copies)
	for top != cur && onlyChild(top, m) && !copies[top.Parent] {
		// Siblings of the article's parts may sit beside an ancestor.
		top = top.Parent
	}
	if top == cur {
		return cur, nil
	}
	keep := joinSiblings(top, m, copies)
	if len(keep) == 1 {
		return top, nil
	}
	return top.Parent, keep
}

// joinSiblings returns top and those of its siblings that are more of the
// article: siblings that score well, siblings styled like top, paragraphs,
// and what lies between any of these unless it is mostly links. Siblings
// holding a copy of top are not.
func joinSiblings(top *html.Node, m *measures, copies map[*html.Node]bool) map[*html.Node]bool {
	topStat := m.stat(top)
	threshold := max(minSiblingScore, siblingShare*topStat.final())
	class := attrValue(top, "class")
	keep := map[*html.Node]bool{top: true}
	for c := top.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c == top || copies[c] {
			continue
		}
		st := m.stat(c)
		switch {
		case st.final() >= threshold:
		case class != "" && attrValue(c, "class") == class && st.good > 0 && st.gain() > 0:
			// Blocks styled alike are parts of one text, cut up by an
			// advert or a photo.
		case c.DataAtom == atom.P && st.text >= siblingParaText && st.linkDensity() < siblingParaLinks:
		case c.DataAtom == atom.P && st.text > 0 && st.link == 0 && endsSentence(c):
		default:
			continue
		}
		keep[c] = true
	}
	var first, last *html.Node
	for c := top.Parent.FirstChild; c != nil; c = c.NextSibling {
		if keep[c] {
			if first == nil {
				first = c
			}
			last = c
		}
	}
	for c := first; c != last; c = c.NextSibling {
		if c.Type == html.ElementNode && !keep[c] && !copies[c] {
			if st := m.stat(c); st.link*2 <= st.text && !st.teaser() {
				keep[c] = true
			}
		}
	}
	return keep
}

// bestCandidate returns the element under within (or within itself) with
// the best content score, or nil if no paragraph scored.
func bestCandidate(m *measures, within *html.Node) *html.Node {
	var best *html.Node
	bestScore := 0.0
	for _, n := range m.cands {
		if s := m.stat(n).final(); s > bestScore {
			best, bestScore = n, s
		}
	}
	if best == nil || isUnder(best, within) {
		return best
	}
	// The best is elsewhere: look again among the elements under within,
	// marked once rather than each walked up from.
	under := map[*html.Node]bool{}
	stack := []*html.Node{within}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		under[n] = true
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				stack = append(stack, c)
			}
		}
	}
	best, bestScore = nil, 0
	for _, n := range m.cands {
		if s := m.stat(n).final(); s > bestScore && under[n] {
			best, bestScore = n, s
		}
	}
	return best
}

// widen returns the ancestor of top, up to cur and below any element that
// holds a copy of it, that best trades the paragraph text it adds for the
// link text it adds.
func widen(top, cur *html.Node, m *measures, copies map[*html.Node]bool) *html.Node {
	best := top
	bestGain := m.stat(top).gain()
	for n := top; n != cur && n.Parent != nil && !copies[n.Parent]; {
		n = n.Parent
		st := m.stat(n)
		if g := st.gain(); g > bestGain && float64(st.good-m.stat(best).good) >= widenShare*float64(m.stat(best).good) {
			best, bestGain = n, g
		}
	}
	return best
}

// maxCopies is the most copies of the article a page is taken to lay out,
// counting wrappers that hold nothing else: a story for phones, tablets and
// desktops, and one for subscribers.
const maxCopies = 16

// copyHolders returns the elements outside n that hold the same text as n,
// as far as their counts tell, and the elements above them: pages that lay
// out a copy of the story for each screen size, or one for readers who
// subscribe, hide all but one with style sheets.
func copyHolders(n *html.Node, m *measures) map[*html.Node]bool {
	st := m.stat(n)
	if st.text < minBodyPara {
		return nil
	}
	var copies []*html.Node
	for c, cs := range m.stats {
		if cs.text == st.text && cs.link == st.link && cs.commas == st.commas &&
			c != n && !isUnder(c, n) && !isUnder(n, c) {
			if len(copies) == maxCopies {
				// Text repeated this often is not a layout's copies.
				return nil
			}
			copies = append(copies, c)
		}
	}
	holders := make(map[*html.Node]bool)
	for _, c := range copies {
		for ; c != nil && !holders[c]; c = c.Parent {
			holders[c] = true
		}
	}
	return holders
}

// onlyChild reports whether n is the only child of its parent that holds
// text.
func onlyChild(n *html.Node, m *measures) bool {
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c == n {
			continue
		}
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return false
			}
		case html.ElementNode:
			if m.stat(c).text > 0 {
				return false
			}
		}
	}
	return true
}

// isUnder reports whether n is root or under it.
func isUnder(n, root *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}

// descend returns cur or, while one child holds nearly all of its
// paragraph text, that child.
func descend(cur *html.Node, m *measures) *html.Node {
	for {
		var best *html.Node
		for c := cur.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (best == nil || m.stat(c).weight > m.stat(best).weight) {
				best = c
			}
		}
		if best == nil || !blockAtoms[best.DataAtom] || m.stat(best).weight == 0 ||
			float64(m.stat(best).weight) < descendShare*float64(m.stat(cur).weight) {
			return cur
		}
		cur = best
	}
}

// attrValue returns the value of n's attribute key, or "".
func attrValue(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// endsSentence reports whether the text under n ends with a full stop,
// question or exclamation mark.
func endsSentence(n *html.Node) bool {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		switch c.Type {
		case html.TextNode:
			t := strings.TrimRightFunc(c.Data, unicode.IsSpace)
			if t == "" {
				continue
			}
			r, _ := utf8.DecodeLastRuneInString(t)
			switch r {
			case '.', '!', '?', '。', '！', '？', '"', '”', '»', ')':
				return true
			}
			return false
		case html.ElementNode:
			if c.FirstChild != nil {
				return endsSentence(c)
			}
		}
	}
	return false
}
