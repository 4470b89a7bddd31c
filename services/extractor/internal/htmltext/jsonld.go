package htmltext

import (
	"encoding/json"
	"html"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Bounds on the JSON-LD walked: deep or huge graphs are not article
// metadata, and each object costs work.
const (
	maxJSONDepth   = 16
	maxJSONObjects = 2000
	// maxLDNames bounds the authors and the source organisations read
	// from one article, and maxMetaRunes the length of each name: every
	// one may be a reference to the same huge object, and a name is
	// copied each time it is read.
	maxLDNames = 50
)

// articleRanks ranks the schema.org types of an article: lower is better.
// News types come first, then other articles and blog posts; a web page is
// the last resort, read only for what the article object lacks.
var articleRanks = map[string]int{
	"newsarticle": 0, "reportagenewsarticle": 0, "analysisnewsarticle": 0,
	"opinionnewsarticle": 0, "backgroundnewsarticle": 0,
	"reviewnewsarticle": 0, "askpublicnewsarticle": 0,
	"liveblogposting": 1,
	"article":         2, "blogposting": 2, "socialmediaposting": 3,
	"techarticle": 2, "scholarlyarticle": 2, "medicalscholarlyarticle": 2,
	"report": 3, "satiricalarticle": 2, "advertisercontentarticle": 3,
	"posting": 3, "discussionforumposting": 3, "review": 4, "howto": 4,
	"recipe": 4, "creativework": 5,
}

// pageRanks ranks the schema.org types of a web page.
var pageRanks = map[string]int{
	"webpage": 0, "itempage": 0, "medicalwebpage": 0, "aboutpage": 1,
	"profilepage": 2, "qapage": 1, "faqpage": 1, "collectionpage": 2,
	"searchresultspage": 3, "checkoutpage": 3, "contactpage": 3,
}

// ldArticle is what the JSON-LD of a page says about its article.
type ldArticle struct {
	headline      string
	description   string
	datePublished string
	dateCreated   string
	dateModified  string
	authors       []ldAuthor
	publisher     string
	// sources are the organisations the article credits as its source
	// (sourceOrganization, provider): a news agency among them is the
	// wire.
	sources  []string
	siteName string
	image    string
	url      string
	language string
	section  string
	keywords []string
}

// ldAuthor is one author of a JSON-LD article: a person or an
// organisation.
type ldAuthor struct {
	name string
	org  bool
}

// ldObject is a JSON-LD object as decoded.
type ldObject = map[string]any

// ldGraph holds the objects of a page's JSON-LD scripts and an index of the
// ones with an @id, so that references ({"@id": ...}) can be followed.
type ldGraph struct {
	objects []ldObject
	// top marks the objects found at the top level or in an @graph, not
	// nested in another object's property.
	top  map[int]bool
	byID map[string]ldObject
}

// parseJSONLD reads the JSON-LD scripts of a page and returns what the
// best article object says, with what it lacks filled from the page's
// WebPage object. pageURL picks among several article objects. Scripts that
// are not valid JSON are skipped: pages often carry broken ones.
func parseJSONLD(scripts []string, pageURL string) (ldArticle, bool) {
	g := ldGraph{top: make(map[int]bool), byID: make(map[string]ldObject)}
	for _, s := range scripts {
		s = trimScript(s)
		if s == "" {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			// Some pages put several objects in one script, or a
			// trailing comma or control character; try the first
			// value only.
			dec := json.NewDecoder(strings.NewReader(s))
			if dec.Decode(&v) != nil {
				continue
			}
		}
		g.collect(v, 0, true)
	}
	art := g.best(articleRanks, pageURL)
	page := g.best(pageRanks, pageURL)
	if art == nil && page == nil {
		return ldArticle{}, false
	}
	var a ldArticle
	if art != nil {
		a = g.toArticle(art, true)
	}
	if page != nil {
		a.fill(g.toArticle(page, false))
	}
	for _, o := range g.objects {
		if a.siteName == "" && hasType(o, "WebSite") {
			a.siteName = text(o["name"])
		}
	}
	return a, true
}

// trimScript removes the comment and CDATA wrappers some pages put around
// a script's JSON.
func trimScript(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<!--")
	s = strings.TrimSuffix(s, "-->")
	s = strings.TrimPrefix(strings.TrimSpace(s), "//<![CDATA[")
	s = strings.TrimSuffix(strings.TrimSpace(s), "//]]>")
	s = strings.TrimPrefix(strings.TrimSpace(s), "<![CDATA[")
	s = strings.TrimSuffix(strings.TrimSpace(s), "]]>")
	return strings.TrimSpace(s)
}

// collect appends every object of v that has an @type, at any depth, and
// indexes objects by @id.
func (g *ldGraph) collect(v any, depth int, top bool) {
	if depth > maxJSONDepth || len(g.objects) >= maxJSONObjects {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			g.collect(e, depth+1, top)
		}
	case map[string]any:
		if id := str(x["@id"]); id != "" && len(x) > 1 {
			if prev, ok := g.byID[id]; !ok || len(x) > len(prev) {
				g.byID[id] = x
			}
		}
		if _, ok := x["@type"]; ok {
			if top {
				g.top[len(g.objects)] = true
			}
			g.objects = append(g.objects, x)
		}
		// Keys in order: the map's own order changes from run to run,
		// and the order objects are collected in breaks ties in best.
		for _, k := range slices.Sorted(maps.Keys(x)) {
			e := x[k]
			switch k {
			case "@graph":
				g.collect(e, depth+1, top)
			case "@context", "@type", "@id":
			default:
				if _, ok := e.(string); !ok {
					g.collect(e, depth+1, false)
				}
			}
		}
	}
}

// best returns the object of the best rank in ranks. Among objects of the
// same rank, one whose URL is the page's wins, then a top-level one, then
// the first.
func (g *ldGraph) best(ranks map[string]int, pageURL string) ldObject {
	var (
		best      ldObject
		bestScore = -1
	)
	for i, o := range g.objects {
		r, ok := rankOf(o, ranks)
		if !ok {
			continue
		}
		// Lower rank is better; the URL and top-level bonuses only
		// break ties within a rank.
		score := (10 - r) * 4
		if samePage(g.urlOf(o), pageURL) {
			score += 2
		}
		if g.top[i] {
			score++
		}
		if score > bestScore {
			best, bestScore = o, score
		}
	}
	return best
}

func rankOf(o ldObject, ranks map[string]int) (int, bool) {
	best, found := 0, false
	for _, t := range strs(o["@type"]) {
		t = strings.ToLower(t)
		if i := strings.LastIndexAny(t, "/#"); i >= 0 {
			t = t[i+1:]
		}
		if r, ok := ranks[t]; ok && (!found || r < best) {
			best, found = r, true
		}
	}
	return best, found
}

// samePage reports whether two URLs name the same page, ignoring the
// scheme, a "www." prefix, the query, the fragment and a trailing slash.
func samePage(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	host := func(u *url.URL) string { return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") }
	return host(ua) == host(ub) && strings.TrimSuffix(ua.Path, "/") == strings.TrimSuffix(ub.Path, "/")
}

func (g *ldGraph) urlOf(o ldObject) string {
	if u := urlOf(o["url"]); u != "" {
		return u
	}
	if u := urlOf(g.deref(o["mainEntityOfPage"])); u != "" {
		return u
	}
	return str(o["@id"])
}

// deref follows a reference {"@id": ...} to the object it names, if the
// page holds it.
func (g *ldGraph) deref(v any) any {
	if m, ok := v.(map[string]any); ok {
		if id := str(m["@id"]); id != "" && len(m) <= 2 {
			if o, ok := g.byID[id]; ok {
				return o
			}
		}
	}
	return v
}

func hasType(o ldObject, t string) bool {
	for _, s := range strs(o["@type"]) {
		if i := strings.LastIndexAny(s, "/#"); i >= 0 {
			s = s[i+1:]
		}
		if strings.EqualFold(s, t) {
			return true
		}
	}
	return false
}

// isOrg reports whether o is an organisation of any kind.
func isOrg(o ldObject) bool {
	for _, s := range strs(o["@type"]) {
		s = strings.ToLower(s)
		if strings.Contains(s, "organization") || strings.Contains(s, "organisation") || s == "corporation" ||
			s == "newsmediaorganization" || s == "localbusiness" || s == "brand" || s == "website" {
			return true
		}
	}
	return false
}

func (g *ldGraph) toArticle(o ldObject, isArticle bool) ldArticle {
	a := ldArticle{
		headline:      text(o["headline"]),
		description:   text(o["description"]),
		datePublished: str(o["datePublished"]),
		dateCreated:   str(o["dateCreated"]),
		dateModified:  str(o["dateModified"]),
		image:         urlOf(g.deref(o["image"])),
		url:           urlOf(o["url"]),
		section:       text(first(strs(o["articleSection"]))),
	}
	if a.headline == "" && isArticle {
		a.headline = text(o["name"])
	}
	if a.url == "" {
		a.url = urlOf(g.deref(o["mainEntityOfPage"]))
	}
	if a.image == "" {
		a.image = urlOf(g.deref(o["thumbnailUrl"]))
	}
	for _, v := range list(o["publisher"]) {
		switch p := g.deref(v).(type) {
		case map[string]any:
			if a.publisher == "" {
				a.publisher = text(firstString(p["name"]))
			}
		case string:
			if a.publisher == "" && !strings.Contains(p, "://") {
				a.publisher = text(p)
			}
		}
	}
	for _, k := range []string{"sourceOrganization", "provider"} {
		for _, v := range list(o[k]) {
			if len(a.sources) == maxLDNames {
				break
			}
			switch x := g.deref(v).(type) {
			case map[string]any:
				a.sources = append(a.sources, nameText(firstString(x["name"])))
			case string:
				a.sources = append(a.sources, nameText(x))
			}
		}
	}
	if p, ok := g.deref(o["isPartOf"]).(map[string]any); ok && hasType(p, "WebSite") {
		a.siteName = text(p["name"])
	}
	switch l := o["inLanguage"].(type) {
	case string:
		a.language = l
	case map[string]any:
		a.language = str(l["alternateName"])
		if a.language == "" {
			a.language = str(l["name"])
		}
	}
	for _, k := range strs(o["keywords"]) {
		for _, kw := range strings.Split(k, ",") {
			if kw = text(kw); kw != "" {
				a.keywords = append(a.keywords, kw)
			}
		}
	}
	authors := flatten(o["author"])
	if len(authors) == 0 {
		authors = flatten(o["creator"])
	}
	for _, au := range authors {
		if len(a.authors) == maxLDNames {
			break
		}
		switch x := g.deref(au).(type) {
		case string:
			a.authors = append(a.authors, ldAuthor{name: nameText(x)})
		case map[string]any:
			name := nameText(firstString(x["name"]))
			if name == "" {
				name = strings.TrimSpace(nameText(str(x["givenName"])) + " " + nameText(str(x["familyName"])))
			}
			a.authors = append(a.authors, ldAuthor{name: name, org: isOrg(x)})
		}
	}
	return a
}

// nameText is text of a name, cut to maxMetaRunes first.
func nameText(s string) string {
	return text(clip(s, maxMetaRunes))
}

// fill sets what a lacks from b.
func (a *ldArticle) fill(b ldArticle) {
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&a.headline, b.headline}, {&a.description, b.description},
		{&a.datePublished, b.datePublished}, {&a.dateCreated, b.dateCreated},
		{&a.dateModified, b.dateModified}, {&a.publisher, b.publisher},
		{&a.siteName, b.siteName}, {&a.image, b.image}, {&a.url, b.url},
		{&a.language, b.language}, {&a.section, b.section},
	} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	if len(a.authors) == 0 {
		a.authors = b.authors
	}
	if len(a.keywords) == 0 {
		a.keywords = b.keywords
	}
	if len(a.sources) == 0 {
		a.sources = b.sources
	}
}

// list returns v as a list: v itself when it is an array, else a list of
// one, or none for nil.
func list(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	return []any{v}
}

// flatten returns v as a list, with the items of arrays nested in it.
func flatten(v any) []any {
	var out []any
	for _, e := range list(v) {
		if inner, ok := e.([]any); ok {
			out = append(out, inner...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// str returns v when it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// text returns v when it is a string, with HTML entities decoded: JSON-LD
// is often written by templates that escape it twice ("&amp;#8217;").
func text(v any) string {
	s := str(v)
	for range 2 {
		if !strings.Contains(s, "&") {
			break
		}
		s = html.UnescapeString(s)
	}
	return strings.TrimSpace(s)
}

func firstString(v any) string {
	return first(strs(v))
}

// strs returns the strings of v, a string or an array.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// urlOf returns the URL of v: a string, an object with url, contentUrl or
// @id, or the first of an array of those.
func urlOf(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		for _, k := range []string{"url", "contentUrl", "@id"} {
			// An @id with a fragment names a node ("#primaryimage"),
			// not a resource.
			if u := urlOf(x[k]); u != "" && (k != "@id" || !strings.Contains(u, "#")) {
				return u
			}
		}
	case []any:
		for _, e := range x {
			if u := urlOf(e); u != "" {
				return u
			}
		}
	}
	return ""
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.TrimSpace(s[0])
}
