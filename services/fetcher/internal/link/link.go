// Package link resolves the URL an article is known by: it strips tracking
// parameters, unwraps redirect wrappers that carry their target in a query
// parameter, and reads a page's rel=canonical link, accepted when it points
// into the same site.
package link

import (
	"bytes"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// trackingParams are query parameters that only say where a click came from.
// Parameters starting with "utm_" are stripped too.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true, "oly_anon_id": true,
	"oly_enc_id": true, "vero_id": true, "wt_mc": true, "ito": true, "cmpid": true, "ncid": true,
	"sr_share": true, "_ga": true, "_gl": true, "ocid": true, "at_medium": true, "at_campaign": true,
	"__twitter_impression": true, "spm": true,
}

// Clean returns raw without tracking parameters and without its fragment,
// with the remaining parameters in their original order. A string that does
// not parse as an absolute http(s) URL comes back unchanged.
func Clean(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return raw
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		kept := parts[:0]
		for _, p := range parts {
			if p == "" {
				continue
			}
			name, _, _ := strings.Cut(p, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			name = strings.ToLower(name)
			if strings.HasPrefix(name, "utm_") || trackingParams[name] {
				continue
			}
			kept = append(kept, p)
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	out := u.String()
	// A query may end in spaces that stood before the fragment or before
	// a tracking parameter; Clean trims what it reads, so it trims them
	// here too and cleans again, to give what cleaning its answer gives.
	if trimmed := strings.TrimRightFunc(out, unicode.IsSpace); trimmed != out {
		return Clean(trimmed)
	}
	return out
}

// wrappers are redirect services whose links carry their target in a query
// parameter; links through them are unwrapped without a request.
var wrappers = map[string][]string{
	"www.google.com":      {"url", "q"},
	"google.com":          {"url", "q"},
	"l.facebook.com":      {"u"},
	"lm.facebook.com":     {"u"},
	"out.reddit.com":      {"url"},
	"www.linkedin.com":    {"url"},
	"slack-redir.net":     {"url"},
	"t.umblr.com":         {"z"},
	"href.li":             {},
	"news.url.google.com": {"url"},
}

// Unwrap returns the target of a link through a known redirect wrapper
// (google.com/url?q=…, l.facebook.com/l.php?u=…), and raw itself otherwise.
// Wrappers that redirect with a plain HTTP redirect (feedproxy, Google News
// article links) need no unwrapping: fetching the page follows them.
func Unwrap(raw string) string {
	for range 3 { // a wrapper inside a wrapper, at most
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return raw
		}
		host := strings.ToLower(u.Hostname())
		params, ok := wrappers[host]
		if !ok {
			return raw
		}
		if host == "href.li" && u.RawQuery != "" {
			// href.li/?https://target
			if isHTTP(u.RawQuery) {
				raw = u.RawQuery
				continue
			}
			return raw
		}
		q := u.Query()
		next := ""
		for _, p := range params {
			if v := q.Get(p); isHTTP(v) {
				next = v
				break
			}
		}
		if next == "" {
			return raw
		}
		raw = next
	}
	return raw
}

func isHTTP(s string) bool {
	s = strings.ToLower(s)
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// maxHead is how much of a page Canonical reads looking for the link: the
// head of any real page ends well before.
const maxHead = 512 << 10

// Canonical returns the absolute URL of the page's <link rel="canonical">,
// resolved against pageURL, or "" when the page has none in its head.
func Canonical(page []byte, pageURL string) string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	if len(page) > maxHead {
		page = page[:maxHead]
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Body:
				return ""
			case atom.Base:
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						if b, err := base.Parse(strings.TrimSpace(string(v))); err == nil {
							base = b
						}
					}
				}
			case atom.Link:
				var rel, href string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "rel":
						rel = string(v)
					case "href":
						href = strings.TrimSpace(string(v))
					}
				}
				if href == "" || !hasToken(rel, "canonical") {
					continue
				}
				u, err := base.Parse(href)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return ""
				}
				u.Fragment, u.RawFragment = "", ""
				return u.String()
			}
		}
	}
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// Prefer returns the URL a document is known by: canonical, when it is in the
// same site as page and is not the site's front page standing in for an
// article (a common misconfiguration); page otherwise. Both are cleaned.
func Prefer(page, canonical string) string {
	page = Clean(page)
	if canonical == "" {
		return page
	}
	canonical = Clean(canonical)
	p, err1 := url.Parse(page)
	c, err2 := url.Parse(canonical)
	if err1 != nil || err2 != nil || site(p.Hostname()) != site(c.Hostname()) {
		return page
	}
	if (c.Path == "" || c.Path == "/") && c.RawQuery == "" && !(p.Path == "" || p.Path == "/") {
		return page
	}
	return canonical
}

// site is a host without the prefixes that name the same site's variants.
func site(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range []string{"www.", "m.", "amp.", "mobile."} {
		if strings.HasPrefix(host, p) && strings.Count(host, ".") > 1 {
			return host[len(p):]
		}
	}
	return host
}
