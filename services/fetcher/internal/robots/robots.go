// Package robots parses robots.txt files and answers whether a crawler may
// fetch a path, as RFC 9309 specifies: the groups naming the crawler's
// product token (else the "*" groups) apply; among their rules the longest
// matching pattern wins, allow winning a tie; "*" matches any run of
// characters and a final "$" anchors the pattern at the end of the path.
//
// It also reads the Crawl-delay extension (not part of RFC 9309, but widely
// published): the seconds a crawler should wait between two requests to the
// host, chosen from the same groups as the rules.
package robots

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rules is a parsed robots.txt. The zero value, and nil, allow everything.
type Rules struct {
	groups []group
}

type group struct {
	agents []string // lower-cased product tokens; "*" for any
	rules  []rule
	// delay is the group's Crawl-delay; hasDelay tells an explicit 0 from
	// none.
	delay    time.Duration
	hasDelay bool
}

type rule struct {
	allow   bool
	pattern string
}

// maxLine bounds a line considered; longer lines are ignored.
const maxLine = 4096

// Parse reads a robots.txt body. It never fails: lines it does not
// understand are ignored, as the RFC asks.
func Parse(body []byte) *Rules {
	r := &Rules{}
	var cur *group
	lastWasAgent := false
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexAny(body, "\r\n"); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		if len(line) > maxLine {
			continue
		}
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(string(key)))
		v := strings.TrimSpace(string(val))
		switch k {
		case "user-agent", "useragent", "user agent":
			if !lastWasAgent || cur == nil {
				r.groups = append(r.groups, group{})
				cur = &r.groups[len(r.groups)-1]
			}
			cur.agents = append(cur.agents, agentToken(v))
			lastWasAgent = true
		case "allow", "disallow":
			lastWasAgent = false
			if cur == nil || v == "" {
				// A rule before any user-agent line belongs to no group; an
				// empty pattern matches nothing.
				continue
			}
			cur.rules = append(cur.rules, rule{allow: k == "allow", pattern: encode(v)})
		case "crawl-delay", "crawldelay", "crawl delay":
			// A group member like a rule: a User-agent line after it starts
			// a new group.
			lastWasAgent = false
			if d, ok := parseDelay(v); ok && cur != nil {
				cur.delay, cur.hasDelay = d, true
			}
		default:
			// Sitemap and the like neither start nor end a group.
		}
	}
	return r
}

// MaxDelay bounds a parsed Crawl-delay; larger values are read as MaxDelay.
// Callers apply their own, smaller cap.
const MaxDelay = 24 * time.Hour

// parseDelay reads a Crawl-delay value: decimal seconds, possibly with a
// fraction ("10", "0.5", "2."). Anything else (a sign, an exponent, words)
// is ignored.
func parseDelay(v string) (time.Duration, bool) {
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) {
		return 0, false
	}
	// Leading zeros do not change the value; dropping them keeps a long
	// but small value ("000…01") from reading as a large one.
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 6 {
		return MaxDelay, true
	}
	if len(frac) > 9 {
		frac = frac[:9] // nanoseconds are as fine as a Duration goes
	}
	s, _ := strconv.ParseInt("0"+whole, 10, 64)
	ns, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	d := time.Duration(s)*time.Second + time.Duration(ns)
	return min(d, MaxDelay), true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// agentToken is the product token of a User-agent value, lower-cased:
// "Wirewatch/1.0 (+url)" is "wirewatch".
func agentToken(v string) string {
	if v == "*" {
		return "*"
	}
	end := 0
	for end < len(v) {
		c := v[end]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			break
		}
		end++
	}
	return strings.ToLower(v[:end])
}

// encode percent-encodes the bytes of a pattern that a URL path would carry
// encoded, so that patterns and paths compare in one form.
func encode(p string) string {
	needs := false
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf || p[i] == ' ' {
			needs = true
			break
		}
	}
	if !needs {
		return p
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= utf8.RuneSelf || c == ' ' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Allowed reports whether the crawler whose product token is agent may fetch
// path (the URL's escaped path and query, e.g. "/news/a?id=1").
func (r *Rules) Allowed(agent, path string) bool {
	if r == nil {
		return true
	}
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true
	}
	agent = strings.ToLower(agent)
	best, allow, found := -1, true, false
	apply := func(want string) {
		for _, g := range r.groups {
			if !hasAgent(g, want) {
				continue
			}
			found = true
			for _, ru := range g.rules {
				if !match(ru.pattern, path) {
					continue
				}
				n := len(ru.pattern)
				if n > best || n == best && ru.allow {
					best, allow = n, ru.allow
				}
			}
		}
	}
	apply(agent)
	if !found {
		apply("*")
	}
	return allow
}

// CrawlDelay returns the Crawl-delay that applies to the crawler whose
// product token is agent: from its own groups if any names it, else from the
// "*" groups; the largest when several groups give one. ok is false when
// none does.
func (r *Rules) CrawlDelay(agent string) (d time.Duration, ok bool) {
	if r == nil {
		return 0, false
	}
	agent = strings.ToLower(agent)
	found := false
	for _, want := range []string{agent, "*"} {
		for _, g := range r.groups {
			if !hasAgent(g, want) {
				continue
			}
			found = true
			if g.hasDelay && (!ok || g.delay > d) {
				d, ok = g.delay, true
			}
		}
		if found {
			break
		}
	}
	return d, ok
}

func hasAgent(g group, want string) bool {
	for _, a := range g.agents {
		if a == want {
			return true
		}
	}
	return false
}

// match reports whether pattern matches path from its start: "*" matches any
// run of characters, a final "$" requires the match to end with the path.
func match(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	if len(parts) == 1 {
		return !anchored || pos == len(path)
	}
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(path[pos:], p)
		if i < 0 {
			return false
		}
		pos += i + len(p)
	}
	last := parts[len(parts)-1]
	if anchored {
		return len(path)-pos >= len(last) && strings.HasSuffix(path, last)
	}
	return strings.Contains(path[pos:], last)
}
