// Package boilerplate recognises the furniture of a web page that is not part
// of an article: copyright notices, share and subscribe prompts, date stamps,
// and the class and id names of navigation, comment, advert, caption and
// similar regions.
package boilerplate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLineRunes is the longest line Line considers: page furniture is short,
// and a longer line is article text whatever words it holds.
const maxLineRunes = 200

// linePatterns match whole lines of page furniture, case-insensitively.
var linePatterns = regexp.MustCompile(`(?i)^(?:` + strings.Join([]string{
	`(?:copyright\s*(?:@|©|\(c\))?\s*\d{4}|copyright\s*(?:©|\(c\))|©|\(c\)\s*\d{4}).{0,150}`,
	`.{0,80}\ball rights reserved\.?`,
	`(?:share|tweet|email|print|save)(?: (?:this|the)(?: article| story| page| post)?)?(?: on (?:facebook|twitter|x|whatsapp|linkedin|telegram|reddit))?:?`,
	`share on (?:facebook|twitter|x|whatsapp|linkedin|telegram|reddit|email)`,
	`(?:follow|like) us on .{1,60}`,
	`(?:subscribe|sign up)(?: now)?(?: (?:to|for) (?:our|the) .{1,60})?[.!]?`,
	`(?:click|tap) here (?:to|for) .{1,80}`,
	`(?:read|see) (?:more|also)\s*:.{0,150}`,
	`(?:related|recommended|most read|most popular|trending)(?: (?:articles?|stories|news|content|topics))?:?`,
	`advertisement|sponsored(?: content)?|ad(?:vert)?`,
	`skip to (?:main )?content`,
	`(?:leave|post|add) a comment|\d+ comments?|comments?`,
	`(?:this|our) (?:site|website) uses cookies.{0,150}`,
	`(?:download|get) (?:our|the) app.{0,80}`,
	`(?:image|photo|picture|video)(?: credit)?:.{0,80}`,
	`(?:(?:updated|published|posted)\s*:?\s*)?\d{1,3}\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago`,
	`\d{1,3}\s*(?:-\s*)?(?:min(?:ute)?s?)\.?\s+read`,
	`you (?:may|might) also (?:like|enjoy)\b.{0,40}`,
	`(?:more|popular|trending) (?:on|from|in) [^.!?]{1,40}`,
	`(?:filed under|topics|tags)(?:\s*:.{0,80})?`,
}, "|") + `)$`)

// lineStarts are the first words of the lines linePatterns match: a line
// starting otherwise is not matched against them, which keeps Line cheap.
var lineStarts = map[string]bool{
	"copyright": true, "©": true, "(c)": true, "share": true, "tweet": true,
	"email": true, "print": true, "save": true, "follow": true, "like": true,
	"subscribe": true, "sign": true, "click": true, "tap": true, "read": true,
	"see": true, "related": true, "recommended": true, "most": true,
	"trending": true, "advertisement": true, "sponsored": true, "ad": true,
	"advert": true, "skip": true, "leave": true, "post": true, "add": true,
	"comment": true, "comments": true, "this": true, "our": true,
	"download": true, "get": true, "image": true, "photo": true,
	"picture": true, "video": true, "updated": true, "published": true,
	"posted": true, "you": true, "more": true, "popular": true,
	"filed": true, "topics": true, "tags": true,
}

// Line reports whether a line of text is page furniture rather than article
// text.
func Line(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	if utf8.RuneCountInString(s) > maxLineRunes {
		return false
	}
	first, _, _ := strings.Cut(s, " ")
	first = strings.ToLower(strings.TrimRight(first, ":"))
	if first == "" {
		return false
	}
	if !lineStarts[first] && !strings.HasPrefix(first, "©") && !unicode.IsDigit(rune(first[0])) &&
		!strings.Contains(strings.ToLower(s), "rights reserved") {
		return false
	}
	return linePatterns.MatchString(s)
}

// attrWords are the words that name a boilerplate region in a class or id.
// A token of the attribute matches when it starts with one of them, so
// "navbar", "comments" and "sidebar-left" match.
var attrWords = []string{
	"nav", "menu", "share", "sharing", "social", "related", "comment",
	"cookie", "newsletter", "subscribe", "subscription", "promo", "advert",
	"footer", "sidebar", "breadcrumb", "popup", "modal", "sponsor",
	"outbrain", "taboola", "paywall", "signup", "masthead", "toolbar",
	"disqus", "caption", "gallery", "slideshow", "carousel",
}

// attrWordsByInitial holds attrWords by their first byte, so that a token
// is compared only with the words it could start with.
var attrWordsByInitial = func() (m [256][]string) {
	for _, w := range attrWords {
		m[w[0]] = append(m[w[0]], w)
	}
	return m
}()

// commentWords are the attrWords that name readers' comments.
var commentWords = map[string]bool{"comment": true, "disqus": true}

// attrTokens must equal a whole token to match: they are too short or too
// common to match as prefixes.
var attrTokens = map[string]bool{
	"ad": true, "ads": true, "adv": true, "banner": true,
	"tags": true, "author-bio": true, "recirc": true,
	"most-read": true, "mostread": true, "more-stories": true,
	"credit": true, "credits": true,
}

// embedTokens name content embedded in an article, such as a quoted post:
// "social-media-embed" is not a share bar. Its caption or credit is still
// furniture.
var embedTokens = map[string]bool{"embed": true, "embedded": true}

// mediaWords are the attrWords and attrTokens that name the furniture of
// pictures and videos.
var mediaWords = map[string]bool{"caption": true, "credit": true, "credits": true, "gallery": true, "slideshow": true, "carousel": true}

// Region is the kind of page region a class or id names.
type Region int

// Regions.
const (
	// NoRegion is not a name of boilerplate.
	NoRegion Region = iota
	// Furniture is navigation, menus, share bars, related links, cookie
	// notices, newsletter boxes, promotions, adverts, footers, sidebars
	// and breadcrumbs.
	Furniture
	// Comments are readers' comments, which read like article text.
	Comments
)

// Attr reports whether a class or id attribute value names a boilerplate
// region: see AttrRegion.
func Attr(v string) bool {
	return AttrRegion(v) != NoRegion
}

// AttrRegion returns the kind of boilerplate region a class or id attribute
// value names, if any. Comments win over other furniture.
func AttrRegion(v string) Region {
	r := NoRegion
	embed, media := false, false
	eachAttrToken(v, func(tok string) bool {
		if embedTokens[tok] {
			embed = true
			return true
		}
		if attrTokens[tok] {
			r = Furniture
			media = media || mediaWords[tok]
			return true
		}
		for _, w := range attrWordsByInitial[tok[0]] {
			if strings.HasPrefix(tok, w) {
				if commentWords[w] {
					r = Comments
					return false
				}
				r = Furniture
				media = media || mediaWords[w]
				break
			}
		}
		return true
	})
	if embed && r == Furniture && !media {
		return NoRegion
	}
	return r
}

// eachAttrToken calls fn with the lower-case tokens of a class or id value,
// split at spaces, hyphens, underscores and lower-to-upper case changes
// ("shareBar" is "share", "bar"), and with each whole space-separated field
// that is an attrToken itself, such as "most-read", until fn returns false.
func eachAttrToken(v string, fn func(tok string) bool) {
	for field := range strings.FieldsSeq(v) {
		if lf := strings.ToLower(field); attrTokens[lf] && !fn(lf) {
			return
		}
		start := 0
		prev := rune(0)
		for i, r := range field {
			split := r == '-' || r == '_' || r == ':' || r == '.'
			camel := unicode.IsUpper(r) && unicode.IsLower(prev)
			if split || camel {
				if i > start && !fn(strings.ToLower(field[start:i])) {
					return
				}
				start = i
				if split {
					start = i + utf8.RuneLen(r)
				}
			}
			prev = r
		}
		if start < len(field) && !fn(strings.ToLower(field[start:])) {
			return
		}
	}
}
