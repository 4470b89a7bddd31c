package htmltext

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/attribution"
	"github.com/wirewatch/wirewatch/services/extractor/internal/lang"
	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// Limits on metadata values, in runes or items.
const (
	maxMetaRunes   = 1000
	maxAuthorRunes = 100
	maxTags        = 20
	maxAuthors     = 10
	// maxTimeElements caps the <time> elements of one kind tried as the
	// publication date.
	maxTimeElements = 20
)

// Meta is the metadata of a page. Provenance maps each field found (by its
// JSON name in events.Article: title, authors, published_at, ...) to where it
// was found (events.FromOpenGraph, events.FromJSONLD, ...).
type Meta struct {
	Title        string
	CanonicalURL string
	Description  string
	SiteName     string
	Image        string
	// Language is a primary language subtag ("en") declared by the page.
	Language    string
	Section     string
	Tags        []string
	Authors     []string
	PublishedAt *time.Time
	ModifiedAt  *time.Time
	// Wire is a news agency the page's metadata names as author or site.
	Wire       string
	Provenance map[string]string
}

func (m *Meta) set(field string, dst *string, v, from string) {
	if *dst != "" {
		return
	}
	v = clip(textnorm.Line(v), maxMetaRunes)
	if v == "" {
		return
	}
	*dst = v
	m.Provenance[field] = from
}

// metaTags holds the content of a page's <meta> elements by lower-case
// property, name, itemprop or http-equiv, in document order.
type metaTags map[string][]string

func (t metaTags) get(key string) string {
	for _, v := range t[key] {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func readMetaTags(doc *goquery.Document) metaTags {
	tags := make(metaTags)
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		content, ok := s.Attr("content")
		if !ok {
			return
		}
		for _, attr := range []string{"property", "name", "itemprop", "http-equiv"} {
			if k, ok := s.Attr(attr); ok {
				k = strings.ToLower(strings.TrimSpace(k))
				tags[k] = append(tags[k], content)
			}
		}
	})
	// <time itemprop="datePublished" datetime="..."> and the like.
	doc.Find("[itemprop][datetime]").Each(func(_ int, s *goquery.Selection) {
		k := strings.ToLower(s.AttrOr("itemprop", ""))
		tags[k] = append(tags[k], s.AttrOr("datetime", ""))
	})
	return tags
}

// readMeta reads the metadata of doc.
func readMeta(doc *goquery.Document, opts Options) Meta {
	m := Meta{Provenance: make(map[string]string)}
	tags := readMetaTags(doc)
	var scripts []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(strings.ToLower(s.AttrOr("type", "")), "ld+json") {
			scripts = append(scripts, s.Text())
		}
	})
	ld, _ := parseJSONLD(scripts)

	m.set("site_name", &m.SiteName, tags.get("og:site_name"), events.FromOpenGraph)
	m.set("site_name", &m.SiteName, ld.publisher, events.FromJSONLD)
	m.set("site_name", &m.SiteName, tags.get("application-name"), events.FromMeta)

	m.set("section", &m.Section, tags.get("article:section"), events.FromOpenGraph)
	m.set("section", &m.Section, ld.section, events.FromJSONLD)

	m.readTitle(doc, tags, ld, opts.URL)

	m.set("description", &m.Description, tags.get("og:description"), events.FromOpenGraph)
	m.set("description", &m.Description, tags.get("description"), events.FromMeta)
	m.set("description", &m.Description, ld.description, events.FromJSONLD)
	m.set("description", &m.Description, tags.get("twitter:description"), events.FromMeta)

	base, _ := url.Parse(opts.URL)
	canonical := ""
	doc.Find("link[rel]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for _, rel := range strings.Fields(strings.ToLower(s.AttrOr("rel", ""))) {
			if rel == "canonical" {
				canonical = s.AttrOr("href", "")
				return false
			}
		}
		return true
	})
	m.set("canonical_url", &m.CanonicalURL, resolve(base, canonical), events.FromMeta)
	m.set("canonical_url", &m.CanonicalURL, resolve(base, tags.get("og:url")), events.FromOpenGraph)
	m.set("canonical_url", &m.CanonicalURL, resolve(base, ld.url), events.FromJSONLD)

	m.set("image", &m.Image, resolve(base, tags.get("og:image")), events.FromOpenGraph)
	m.set("image", &m.Image, resolve(base, tags.get("og:image:url")), events.FromOpenGraph)
	m.set("image", &m.Image, resolve(base, ld.image), events.FromJSONLD)
	m.set("image", &m.Image, resolve(base, tags.get("twitter:image")), events.FromMeta)

	htmlTag := doc.Find("html").First()
	m.set("language", &m.Language, lang.Normalize(htmlTag.AttrOr("lang", "")), events.FromMeta)
	m.set("language", &m.Language, lang.Normalize(htmlTag.AttrOr("xml:lang", "")), events.FromMeta)
	m.set("language", &m.Language, lang.Normalize(tags.get("content-language")), events.FromMeta)
	m.set("language", &m.Language, lang.Normalize(tags.get("og:locale")), events.FromOpenGraph)
	m.set("language", &m.Language, lang.Normalize(ld.language), events.FromJSONLD)

	m.readTags(tags, ld)
	m.readAuthors(doc, tags, ld)
	m.readDates(doc, tags, ld, opts.Now)

	if m.Wire == "" {
		if w, ok := attribution.WireName(m.SiteName); ok {
			m.Wire = w
			m.Provenance["wire"] = m.Provenance["site_name"]
		}
	}
	return m
}

// readTitle takes the first of og:title, the JSON-LD headline, <title> and
// the first <h1>, with a site name suffix or prefix stripped.
func (m *Meta) readTitle(doc *goquery.Document, tags metaTags, ld ldArticle, pageURL string) {
	h1 := textnorm.Line(doc.Find("h1").First().Text())
	host := ""
	if u, err := url.Parse(pageURL); err == nil {
		host = u.Hostname()
	}
	candidates := []struct{ v, from string }{
		{tags.get("og:title"), events.FromOpenGraph},
		{ld.headline, events.FromJSONLD},
		{doc.Find("title").First().Text(), events.FromTitleTag},
		{tags.get("twitter:title"), events.FromMeta},
		{h1, events.FromHeading},
	}
	for _, c := range candidates {
		t := stripSite(textnorm.Line(c.v), m.SiteName, host, h1, m.Section)
		if t == "" || (m.SiteName != "" && sameText(t, m.SiteName)) {
			continue
		}
		m.set("title", &m.Title, t, c.from)
		return
	}
}

// titleSeparators split a title from the site name or section around it.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / "}

// stripSite removes from title a site name suffix ("Envoy visits Moscow |
// The Daily Planet") or prefix, when it matches site or the page's host, or
// when the rest matches the page's h1. A section suffix left over is removed
// as well.
func stripSite(title, site, host, h1, section string) string {
	for range 2 {
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
			if matchesSite(tail, site, host) || (section != "" && sameText(tail, section)) || (h1 != "" && sameText(head, h1)) {
				title, stripped = head, true
				break
			}
			j := strings.Index(title, sep)
			head, tail = strings.TrimSpace(title[:j]), strings.TrimSpace(title[j+len(sep):])
			if head != "" && tail != "" && matchesSite(head, site, host) {
				title, stripped = tail, true
				break
			}
		}
		if !stripped {
			break
		}
	}
	return title
}

// matchesSite reports whether s names the site: it equals the site name, or
// the main label of the host ("Daily Planet" and "dailyplanet.co.uk").
func matchesSite(s, site, host string) bool {
	n := alnum(s)
	if n == "" {
		return false
	}
	if site != "" && n == alnum(site) {
		return true
	}
	if host == "" {
		return false
	}
	h := strings.TrimPrefix(strings.ToLower(host), "www.")
	if n == alnum(h) {
		return true
	}
	label := mainLabel(h)
	return len(label) >= 3 && (n == label || n == "the"+label || (len(label) >= 5 && strings.Contains(n, label) && len(n) <= len(label)+8))
}

// mainLabel returns the longest label of host that is not a common
// top-level or second-level domain: "dailyplanet" for "dailyplanet.co.uk".
func mainLabel(host string) string {
	best := ""
	for _, l := range strings.Split(host, ".") {
		switch l {
		case "com", "co", "org", "net", "news", "www", "uk", "de", "fr", "es", "it", "ru", "nl", "pt", "info", "eu", "us", "au", "ca", "in", "io":
			continue
		}
		if len(l) > len(best) {
			best = l
		}
	}
	return alnum(best)
}

// alnum lower-cases s and keeps only its letters and digits.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

func sameText(a, b string) bool {
	na := alnum(a)
	return na != "" && na == alnum(b)
}

func (m *Meta) readTags(tags metaTags, ld ldArticle) {
	add := func(vals []string, from string) {
		if len(m.Tags) > 0 {
			return
		}
		seen := make(map[string]bool)
		for _, v := range vals {
			for _, t := range strings.Split(v, ",") {
				t = clip(textnorm.Line(t), 100)
				if t == "" || seen[strings.ToLower(t)] || len(m.Tags) >= maxTags {
					continue
				}
				seen[strings.ToLower(t)] = true
				m.Tags = append(m.Tags, t)
			}
		}
		if len(m.Tags) > 0 {
			m.Provenance["tags"] = from
		}
	}
	add(tags["article:tag"], events.FromOpenGraph)
	add(ld.keywords, events.FromJSONLD)
	add(tags["news_keywords"], events.FromMeta)
	add(tags["keywords"], events.FromMeta)
}

// bylineSelector finds the elements that hold a page's byline.
const bylineSelector = `[rel~=author], [itemprop=author], .byline, .byline-name, .byline__name, .author-name, .article-author, .story-byline, .author, [data-testid=byline]`

func (m *Meta) readAuthors(doc *goquery.Document, tags metaTags, ld ldArticle) {
	var names []string
	var wire string
	for _, a := range ld.authors {
		name := textnorm.Line(a.name)
		if w, ok := attribution.WireName(name); ok {
			if wire == "" {
				wire = w
			}
			continue
		}
		if a.org || name == "" || utf8.RuneCountInString(name) > maxAuthorRunes || strings.Contains(name, "://") {
			continue
		}
		if ns, _ := personNames(name); len(ns) > 0 {
			names = append(names, ns...)
			continue
		}
		names = append(names, name)
	}
	if wire != "" {
		m.Wire = wire
		m.Provenance["wire"] = events.FromJSONLD
	}
	if m.addAuthors(names, events.FromJSONLD) {
		return
	}
	for _, src := range []struct{ key, from string }{
		{"author", events.FromMeta},
		{"article:author", events.FromOpenGraph},
		{"parsely-author", events.FromMeta},
		{"sailthru.author", events.FromMeta},
		{"byl", events.FromMeta},
		{"dc.creator", events.FromMeta},
	} {
		var found []string
		for _, v := range tags[src.key] {
			ns, w := personNames(v)
			found = append(found, ns...)
			if w != "" && m.Wire == "" {
				m.Wire = w
				m.Provenance["wire"] = src.from
			}
		}
		if m.addAuthors(found, src.from) {
			return
		}
	}
	var found []string
	doc.Find("body").Find(bylineSelector).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if n := s.Find("[itemprop=name]").First(); n.Length() > 0 {
			s = n
		}
		ns, w := personNames(s.Text())
		found = append(found, ns...)
		if w != "" && m.Wire == "" {
			m.Wire = w
			m.Provenance["wire"] = events.FromByline
		}
		return len(found) < maxAuthors
	})
	m.addAuthors(found, events.FromByline)
}

// personNames reads the people a meta tag or byline element names, and an
// agency if it names one.
func personNames(v string) ([]string, string) {
	v = textnorm.Line(v)
	if v == "" || strings.Contains(v, "://") || utf8.RuneCountInString(v) > 200 {
		return nil, ""
	}
	if w, ok := attribution.WireName(v); ok {
		return nil, w
	}
	if b, ok := attribution.ParseByline(v); ok {
		return b.Authors, b.Wire
	}
	if names, ok := attribution.ParseNames(v); ok {
		return names, ""
	}
	return nil, ""
}

// addAuthors sets the authors from names, without duplicates, and reports
// whether there were any.
func (m *Meta) addAuthors(names []string, from string) bool {
	seen := make(map[string]bool)
	var out []string
	for _, n := range names {
		k := strings.ToLower(n)
		if n == "" || seen[k] || len(out) >= maxAuthors {
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

func (m *Meta) readDates(doc *goquery.Document, tags metaTags, ld ldArticle, now time.Time) {
	published := []struct{ v, from string }{
		{tags.get("article:published_time"), events.FromOpenGraph},
		{ld.datePublished, events.FromJSONLD},
		{tags.get("datepublished"), events.FromMeta},
		{tags.get("date"), events.FromMeta},
		{tags.get("pubdate"), events.FromMeta},
		{tags.get("publishdate"), events.FromMeta},
		{tags.get("publish-date"), events.FromMeta},
		{tags.get("parsely-pub-date"), events.FromMeta},
		{tags.get("sailthru.date"), events.FromMeta},
		{tags.get("dc.date.issued"), events.FromMeta},
		{tags.get("dc.date"), events.FromMeta},
		{tags.get("dcterms.created"), events.FromMeta},
	}
	for _, sel := range []string{"time[pubdate][datetime]", "article time[datetime]", "time[datetime]"} {
		doc.Find(sel).EachWithBreak(func(i int, s *goquery.Selection) bool {
			published = append(published, struct{ v, from string }{s.AttrOr("datetime", ""), events.FromTimeElem})
			return i < maxTimeElements
		})
	}
	for _, c := range published {
		if t, ok := parseDate(c.v, now); ok {
			m.PublishedAt = &t
			m.Provenance["published_at"] = c.from
			break
		}
	}
	modified := []struct{ v, from string }{
		{tags.get("article:modified_time"), events.FromOpenGraph},
		{tags.get("og:updated_time"), events.FromOpenGraph},
		{ld.dateModified, events.FromJSONLD},
		{tags.get("datemodified"), events.FromMeta},
	}
	for _, c := range modified {
		if t, ok := parseDate(c.v, now); ok {
			m.ModifiedAt = &t
			m.Provenance["modified_at"] = c.from
			break
		}
	}
}

// resolve makes ref absolute against base and returns it when it is an
// http or https URL, else "".
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 2048 {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimSpace(s[:j])
		}
		i++
	}
	return s
}
