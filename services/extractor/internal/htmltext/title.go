package htmltext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// Title heuristics.
const (
	maxTitleRunes = 300
	// headlineMatch is the word overlap (Dice coefficient) at which a
	// heading is taken to be the headline the metadata names.
	headlineMatch = 0.5
	// minLoneHeadingWords: a heading that matches no metadata title is
	// taken as the headline only with at least this many words ("Blog"
	// and "Contact us" are page furniture).
	minLoneHeadingWords = 3
)

// readTitle sets the title: the headline the page shows, when a heading
// can be told to be it, else the first of og:title, the JSON-LD headline,
// <title> and other meta titles, with the site name around it removed. It
// sets p.anchor to the headline's position.
//
// The shown headline wins over the metadata because og:title and <title>
// are often written for search engines and social networks ("Best X of
// 2025 | Top 10 Picks"), while the heading is what readers see. A heading is
// taken to be the headline when its words match a metadata title's, or,
// when none does, when it is the first heading that is not the site's name
// or a one-word label. A heading that holds a metadata title and more (a
// date, "Blog:") gives way to that title.
func (m *Meta) readTitle(p *page) {
	f := p.facts
	metas := []struct{ v, from string }{
		{f.metas.get("og:title"), events.FromOpenGraph},
		{p.ld.headline, events.FromJSONLD},
		{f.titleTag, events.FromTitleTag},
		{f.metas.get("twitter:title"), events.FromMeta},
		{f.metas.get("parsely-title"), events.FromMeta},
		{f.metas.get("sailthru.title"), events.FromMeta},
		{f.metas.get("dc.title"), events.FromMeta},
		{f.metas.get("headline"), events.FromMeta},
	}
	heads := p.headlines()
	tc := titleContext{sites: p.sites, host: p.host, sections: p.sections(m.Section)}
	for _, h := range heads {
		tc.heads = append(tc.heads, h.text)
	}
	var cleaned []string
	for i := range metas {
		v := tc.strip(textnorm.Line(unescape(metas[i].v)))
		if v == "" || p.isSiteName(v) {
			v = ""
		}
		metas[i].v = v
		if v != "" {
			cleaned = append(cleaned, v)
		}
	}
	// Headings lose a site or section suffix too ("Story | Opinion").
	tc.heads = cleaned
	for i := range heads {
		heads[i].text = tc.strip(heads[i].text)
	}

	best, bestScore := -1, 0.0
	for i, h := range heads {
		s := 0.0
		for _, t := range cleaned {
			s = max(s, similarity(h.text, t))
		}
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 || bestScore < headlineMatch {
		best = -1
		for i, h := range heads {
			if len(cleaned) == 0 || len(strings.Fields(h.text)) >= minLoneHeadingWords {
				best = i
				break
			}
		}
	}
	if best >= 0 {
		h := heads[best]
		p.anchor = h.pos
		for _, c := range metas {
			if c.v != "" && within(c.v, h.text) {
				m.set("title", &m.Title, c.v, c.from)
			}
		}
		m.set("title", &m.Title, h.text, events.FromHeading)
	}
	for _, c := range metas {
		m.set("title", &m.Title, c.v, c.from)
	}
	if p.anchor < 0 {
		p.anchor = f.firstArticle
	}
}

// within reports whether the heading h is the title t with a label or a
// date before it ("Blog: Title", "Dec 18 2025 Title").
func within(t, h string) bool {
	i := strings.LastIndex(strings.ToLower(h), strings.ToLower(t))
	if i <= 0 || i+len(t) != len(h) {
		return false
	}
	prefix := strings.TrimSpace(h[:i])
	return strings.HasSuffix(prefix, ":") || len(findDates(prefix, true)) > 0
}

// sections returns the names a title may carry for the page's section: the
// section the metadata gives and the segments of the URL's path
// ("/story/opinion/...").
func (p *page) sections(section string) []string {
	var out []string
	if section != "" {
		out = append(out, section)
	}
	u := p.url
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	segs := strings.Split(u, "/")
	// The host and the last segment (the story's own slug) are not
	// sections.
	for i := 1; i < len(segs)-1 && len(out) < 8; i++ {
		if len(segs[i]) >= 3 {
			out = append(out, strings.ReplaceAll(segs[i], "-", " "))
		}
	}
	return out
}

// headlines returns the headings of the page that can be its headline: not
// the site's name or logo, not in the page's furniture, and not repeated
// (a heading used for every section of a page is a label).
func (p *page) headlines() []heading {
	f := p.facts
	count := make(map[string]int)
	for _, h := range f.headings {
		count[alnum(h.text)]++
	}
	var out []heading
	for _, h := range f.headings {
		h.text = textnorm.Line(unescape(h.text))
		n := utf8.RuneCountInString(h.text)
		if n == 0 || n > maxTitleRunes || h.siteLink || h.zone&zoneFurniture != 0 ||
			p.isSiteName(h.text) || p.isTitleSitePart(h.text) {
			continue
		}
		if k := alnum(h.text); count[k] > 1 {
			// A heading repeated is the site's name or a section's,
			// unless it is the headline the metadata names, laid out
			// twice (for phones and for desktops): its first copy is
			// the headline.
			if count[k] < 0 || !p.namedTitle(h.text) {
				continue
			}
			count[k] = -1
		}
		out = append(out, h)
	}
	return out
}

// namedTitle reports whether a heading is the title the page's metadata
// gives: og:title, the JSON-LD headline or <title>, which may carry the
// site's name besides.
func (p *page) namedTitle(h string) bool {
	for _, t := range []string{p.facts.metas.get("og:title"), p.ld.headline, p.facts.titleTag} {
		t = textnorm.Line(unescape(t))
		if t == "" {
			continue
		}
		if sameText(h, t) || similarity(h, t) >= headlineMatch {
			return true
		}
	}
	return false
}

// isSiteName reports whether s names the site.
func (p *page) isSiteName(s string) bool {
	for _, site := range p.sites {
		if matchesSite(s, site, p.host) {
			return true
		}
	}
	return matchesSite(s, "", p.host)
}

// isTitleSitePart reports whether s is the part of the <title> that names
// the site: the <title> is "s: X" or "X | s" and og:title or the JSON-LD
// headline is X.
func (p *page) isTitleSitePart(s string) bool {
	title := textnorm.Line(unescape(p.facts.titleTag))
	other := []string{textnorm.Line(unescape(p.facts.metas.get("og:title"))), textnorm.Line(p.ld.headline)}
	ns := alnum(s)
	if ns == "" {
		return false
	}
	for _, sep := range append([]string{": "}, titleSeparators...) {
		head, tail, ok := strings.Cut(title, sep)
		if !ok {
			continue
		}
		for _, o := range other {
			if o == "" {
				continue
			}
			if (alnum(head) == ns && sameText(tail, o)) || (alnum(tail) == ns && sameText(head, o)) {
				return true
			}
		}
	}
	return false
}

// similarity is the Dice coefficient of the word sets of a and b: 1 when
// they have the same words, 0 when none in common.
func similarity(a, b string) float64 {
	if sameText(a, b) {
		return 1
	}
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(wa)+len(wb))
}

func words(s string) map[string]bool {
	out := make(map[string]bool)
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		out[w] = true
	}
	return out
}

// titleSeparators split a title from the site name or section around it.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / ", " ~ "}

// titleContext is what a title's decorations are told by: the names of the
// site, its host, the page's sections, and the texts the bare title may
// be (headings or metadata titles).
type titleContext struct {
	sites    []string
	host     string
	sections []string
	heads    []string
}

// strip removes from title a site name suffix ("Envoy visits Moscow | The
// Daily Planet", or with a desk: "Envoy visits Moscow | CNN Politics") or
// prefix ("Daily Planet: Envoy visits Moscow"), a section suffix, and any part around a separator when the rest is one of the
// bare titles.
func (c titleContext) strip(title string) string {
	for range 3 {
		stripped := false
		for _, sep := range titleSeparators {
			i := strings.LastIndex(title, sep)
			if i <= 0 {
				continue
			}
			head, tail := strings.TrimSpace(title[:i]), strings.TrimSpace(title[i+len(sep):])
			if head == "" || tail == "" {
				continue
			}
			if c.isSite(tail) || c.siteDesk(tail) || sameAsAny(tail, c.sections) || sameAsAny(head, c.heads) {
				title, stripped = head, true
				break
			}
			j := strings.Index(title, sep)
			head, tail = strings.TrimSpace(title[:j]), strings.TrimSpace(title[j+len(sep):])
			if head != "" && tail != "" && (c.isSite(head) || sameAsAny(tail, c.heads)) {
				title, stripped = tail, true
				break
			}
		}
		if !stripped {
			// "Site: Title" is a prefix only when the part before the
			// colon names the site.
			if head, tail, ok := strings.Cut(title, ": "); ok && tail != "" && c.isSite(head) {
				title, stripped = strings.TrimSpace(tail), true
			}
		}
		if !stripped {
			// "example.com Title": a host without a separator.
			if head, tail, ok := strings.Cut(title, " "); ok && tail != "" && strings.Contains(head, ".") && c.isSite(head) {
				title, stripped = strings.TrimSpace(tail), true
			}
		}
		if !stripped {
			break
		}
	}
	return title
}

// maxDeskWords caps the words of a title's suffix read as the site's name
// and a desk or product after it.
const maxDeskWords = 3

// siteDesk reports whether s is the site's name followed by the name of
// one of its desks or products, capitalised: "BBC News", "CNN Politics",
// "Reuters Breakingviews".
func (c titleContext) siteDesk(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > maxDeskWords {
		return false
	}
	for _, w := range words[1:] {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			return false
		}
	}
	for k := 1; k < len(words); k++ {
		if c.isSite(strings.Join(words[:k], " ")) {
			return true
		}
	}
	return false
}

func (c titleContext) isSite(s string) bool {
	for _, site := range c.sites {
		if matchesSite(s, site, c.host) {
			return true
		}
	}
	return matchesSite(s, "", c.host)
}

// stripSite removes a site name suffix or prefix from title; see
// titleContext.strip.
func stripSite(title, site, host, h1, section string) string {
	c := titleContext{host: host}
	if site != "" {
		c.sites = []string{site}
	}
	if section != "" {
		c.sections = []string{section}
	}
	if h1 != "" {
		c.heads = []string{h1}
	}
	return c.strip(title)
}

func sameAsAny(s string, list []string) bool {
	for _, l := range list {
		if sameText(s, l) {
			return true
		}
	}
	return false
}

// matchesSite reports whether s names the site: it equals the site name or
// begins it ("Thrive Marketing" of "Thrive Marketing Agency"), or matches
// the host or one of its labels ("Daily Planet" and
// "www.dailyplanet.co.uk", "DianaHR" and "getdianahr.com").
func matchesSite(s, site, host string) bool {
	n := alnum(s)
	if n == "" {
		return false
	}
	if site != "" {
		ns := alnum(site)
		if n == ns || n == "the"+ns || "the"+n == ns {
			return true
		}
		if len(n) >= 8 && strings.HasPrefix(ns, n) && strings.Contains(s, " ") {
			return true
		}
	}
	if host == "" {
		return false
	}
	h := strings.TrimPrefix(strings.ToLower(host), "www.")
	labels := strings.Split(h, ".")
	for i := range labels {
		if n == alnum(strings.Join(labels[i:], ".")) && i < len(labels)-1 {
			return true
		}
	}
	label := mainLabel(h)
	if len(label) < 3 {
		return false
	}
	if n == label || n == "the"+label {
		return true
	}
	if len(label) >= 5 && strings.Contains(n, label) && len(n) <= len(label)+8 {
		return true
	}
	return len(n) >= 5 && strings.Contains(label, n) && len(label) <= len(n)+4
}

// mainLabel returns the label of host that names the site: the one before
// its public suffix ("cnn" for "edition.cnn.com", "dailyplanet" for
// "news.dailyplanet.co.uk"), or, for a host the public suffix list cannot
// place, its longest label that is not a common domain word.
func mainLabel(host string) string {
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		if l, _, ok := strings.Cut(d, "."); ok && l != "" {
			return alnum(l)
		}
	}
	best := ""
	for _, l := range strings.Split(host, ".") {
		switch l {
		case "com", "co", "org", "net", "news", "www", "uk", "de", "fr", "es", "it", "ru", "nl", "pt", "info", "eu", "us", "au", "ca", "in", "io", "blog", "edu", "gov":
			continue
		}
		if len(l) > len(best) {
			best = l
		}
	}
	return alnum(best)
}
