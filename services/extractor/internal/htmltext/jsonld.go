package htmltext

import (
	"encoding/json"
	"strings"
)

// maxJSONDepth bounds the walk through a JSON-LD tree for article objects.
const maxJSONDepth = 16

// articleTypes are the schema.org types of an article, best first.
var articleTypes = []string{
	"NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
	"OpinionNewsArticle", "BackgroundNewsArticle", "Article", "BlogPosting",
	"LiveBlogPosting", "Report", "WebPage",
}

// ldArticle is what the JSON-LD of a page says about its article.
type ldArticle struct {
	headline      string
	description   string
	datePublished string
	dateModified  string
	authors       []ldAuthor
	publisher     string
	image         string
	url           string
	language      string
	section       string
	keywords      []string
}

type ldAuthor struct {
	name string
	org  bool
}

// parseJSONLD reads the JSON-LD scripts of a page and returns the object of
// the best article type among them. Scripts that are not valid JSON are
// skipped: pages often carry broken ones.
func parseJSONLD(scripts []string) (ldArticle, bool) {
	var objs []map[string]any
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimPrefix(s, "<!--")
		s = strings.TrimSuffix(s, "-->")
		s = strings.TrimPrefix(strings.TrimSpace(s), "//<![CDATA[")
		s = strings.TrimSuffix(strings.TrimSpace(s), "//]]>")
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			continue
		}
		collectObjects(v, 0, &objs)
	}
	for _, t := range articleTypes {
		for _, o := range objs {
			if hasType(o, t) {
				return toArticle(o), true
			}
		}
	}
	return ldArticle{}, false
}

// collectObjects appends every object of v that has an @type, looking into
// arrays and @graph.
func collectObjects(v any, depth int, out *[]map[string]any) {
	if depth > maxJSONDepth {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectObjects(e, depth+1, out)
		}
	case map[string]any:
		if _, ok := x["@type"]; ok {
			*out = append(*out, x)
		}
		if g, ok := x["@graph"]; ok {
			collectObjects(g, depth+1, out)
		}
	}
}

func hasType(o map[string]any, t string) bool {
	for _, s := range strs(o["@type"]) {
		if strings.EqualFold(s, t) || strings.EqualFold(s, "https://schema.org/"+t) || strings.EqualFold(s, "http://schema.org/"+t) {
			return true
		}
	}
	return false
}

func toArticle(o map[string]any) ldArticle {
	a := ldArticle{
		headline:      str(o["headline"]),
		description:   str(o["description"]),
		datePublished: str(o["datePublished"]),
		dateModified:  str(o["dateModified"]),
		image:         urlOf(o["image"]),
		url:           urlOf(o["url"]),
		section:       first(strs(o["articleSection"])),
	}
	if a.headline == "" && !hasType(o, "WebPage") {
		a.headline = str(o["name"])
	}
	if a.url == "" {
		a.url = urlOf(o["mainEntityOfPage"])
	}
	if p, ok := o["publisher"].(map[string]any); ok {
		a.publisher = str(p["name"])
	}
	switch l := o["inLanguage"].(type) {
	case string:
		a.language = l
	case map[string]any:
		a.language = str(l["alternateName"])
	}
	for _, k := range strs(o["keywords"]) {
		for _, kw := range strings.Split(k, ",") {
			if kw = strings.TrimSpace(kw); kw != "" {
				a.keywords = append(a.keywords, kw)
			}
		}
	}
	var authors []any
	switch x := o["author"].(type) {
	case []any:
		authors = x
	case nil:
	default:
		authors = []any{x}
	}
	for _, au := range authors {
		switch x := au.(type) {
		case string:
			a.authors = append(a.authors, ldAuthor{name: x})
		case map[string]any:
			a.authors = append(a.authors, ldAuthor{name: str(x["name"]), org: hasType(x, "Organization") || hasType(x, "NewsMediaOrganization")})
		}
	}
	return a
}

// str returns v when it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
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

// urlOf returns the URL of v: a string, an object with url or @id, or the
// first of an array of those.
func urlOf(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		if u := str(x["url"]); u != "" {
			return u
		}
		return str(x["@id"])
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
