package htmltext

import (
	"html"
	"net/url"
	"strings"
	"time"
	"unicode"

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
	Language string
	Section  string
	Tags     []string
	Authors  []string
	// Credit is the organisation or team the page credits as its author
	// ("Everfit Team", "Newsdesk"): the author when no person is named.
	// Provenance["credit"] says where it was found.
	Credit      string
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
	// A backslash left at the end is an escaped quote that ended the
	// attribute early ("from \"Title\"").
	v = strings.TrimRight(clip(textnorm.Line(v), maxMetaRunes), `\ `)
	if v == "" {
		return
	}
	*dst = v
	m.Provenance[field] = from
}

// page is what the metadata readers share about one page.
type page struct {
	facts *pageFacts
	ld    ldArticle
	url   string
	host  string
	// sites are the names the page gives itself: site name, publisher,
	// application name.
	sites []string
	// anchor is the position of the headline in the page, or of the
	// article when no headline was found, or -1: bylines and dates are
	// looked for near it.
	anchor int
	now    time.Time
}

// readMeta reads the metadata of doc.
func readMeta(doc *goquery.Document, opts Options) Meta {
	m := Meta{Provenance: make(map[string]string)}
	if len(doc.Nodes) == 0 {
		return m
	}
	f := scanPage(doc.Nodes[0])
	ld, _ := parseJSONLD(f.ldScripts, opts.URL)
	p := &page{facts: f, ld: ld, url: opts.URL, now: opts.Now, anchor: -1}
	base, _ := url.Parse(opts.URL)
	if base != nil {
		p.host = base.Hostname()
	}
	tags := f.metas

	m.set("site_name", &m.SiteName, tags.get("og:site_name"), events.FromOpenGraph)
	m.set("site_name", &m.SiteName, ld.siteName, events.FromJSONLD)
	m.set("site_name", &m.SiteName, ld.publisher, events.FromJSONLD)
	m.set("site_name", &m.SiteName, tags.get("application-name"), events.FromMeta)
	for _, s := range []string{m.SiteName, ld.siteName, ld.publisher, tags.get("application-name"), tags.get("og:site_name")} {
		if s = textnorm.Line(unescape(s)); plausibleSiteName(s) {
			p.sites = append(p.sites, s)
		}
	}

	m.set("section", &m.Section, tags.get("article:section"), events.FromOpenGraph)
	m.set("section", &m.Section, ld.section, events.FromJSONLD)
	m.set("section", &m.Section, tags.get("parsely-section"), events.FromMeta)

	m.readTitle(p)

	m.set("description", &m.Description, unescape(tags.get("og:description")), events.FromOpenGraph)
	m.set("description", &m.Description, unescape(tags.get("description")), events.FromMeta)
	m.set("description", &m.Description, ld.description, events.FromJSONLD)
	m.set("description", &m.Description, unescape(tags.get("twitter:description")), events.FromMeta)
	m.set("description", &m.Description, unescape(tags.get("dc.description")), events.FromMeta)

	m.set("canonical_url", &m.CanonicalURL, resolve(base, f.canonical), events.FromMeta)
	m.set("canonical_url", &m.CanonicalURL, resolve(base, tags.get("og:url")), events.FromOpenGraph)
	m.set("canonical_url", &m.CanonicalURL, resolve(base, ld.url), events.FromJSONLD)

	m.set("image", &m.Image, resolve(base, tags.get("og:image")), events.FromOpenGraph)
	m.set("image", &m.Image, resolve(base, tags.get("og:image:url")), events.FromOpenGraph)
	m.set("image", &m.Image, resolve(base, tags.get("og:image:secure_url")), events.FromOpenGraph)
	m.set("image", &m.Image, resolve(base, ld.image), events.FromJSONLD)
	m.set("image", &m.Image, resolve(base, tags.get("twitter:image")), events.FromMeta)
	m.set("image", &m.Image, resolve(base, tags.get("twitter:image:src")), events.FromMeta)

	m.set("language", &m.Language, lang.Normalize(f.htmlLang), events.FromMeta)
	m.set("language", &m.Language, lang.Normalize(tags.get("content-language")), events.FromMeta)
	m.set("language", &m.Language, lang.Normalize(tags.get("og:locale")), events.FromOpenGraph)
	m.set("language", &m.Language, lang.Normalize(ld.language), events.FromJSONLD)
	m.set("language", &m.Language, lang.Normalize(tags.get("dc.language")), events.FromMeta)

	m.readTags(tags, ld)
	m.readAuthors(p)
	m.readDates(p)

	for _, src := range ld.sources {
		if w, ok := attribution.WireName(src); ok {
			m.noteWire(w, events.FromJSONLD)
		}
	}
	if w, ok := attribution.WireName(m.SiteName); ok {
		m.noteWire(w, m.Provenance["site_name"])
	}
	if w, ok := attribution.WireName(ld.publisher); ok {
		m.noteWire(w, events.FromJSONLD)
	}
	return m
}

// maxSiteWords caps the words of a site name used to clean titles and
// authors: a longer one is a page title put in the wrong tag.
const maxSiteWords = 6

func plausibleSiteName(s string) bool {
	if s == "" || len(strings.Fields(s)) > maxSiteWords {
		return false
	}
	for _, sep := range titleSeparators {
		if strings.Contains(s, sep) {
			return false
		}
	}
	return true
}

// unescape decodes HTML entities left in a value by a template that
// escaped it twice ("Traveler&#8217;s" in a meta tag).
func unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 || strings.IndexByte(s, ';') < 0 {
		return s
	}
	return html.UnescapeString(s)
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

// sameText reports whether a and b have the same letters and digits,
// ignoring case, spaces and punctuation.
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
				t = clip(textnorm.Line(unescape(t)), 100)
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
	add(tags["parsely-tags"], events.FromMeta)
	add(tags["sailthru.tags"], events.FromMeta)
	add(tags["news_keywords"], events.FromMeta)
	add(tags["keywords"], events.FromMeta)
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
