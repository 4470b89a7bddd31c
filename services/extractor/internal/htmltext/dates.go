package htmltext

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// dateLayouts are the forms machine-readable dates take in meta tags,
// JSON-LD and <time> elements, most common first. Layouts without a zone
// are read as UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05",
	time.RFC850,
	time.RFC822Z,
	time.RFC822,
	time.UnixDate,
	"20060102",
}

// earliest is the earliest publication date taken as real: older ones are
// placeholders ("0001-01-01", "1970-01-01").
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// maxOffset is the largest offset from UTC, in seconds, of any place's
// time (Kiribati's +14:00; the farthest west is -12:00).
const maxOffset = 14 * 3600

// plausible reports whether t can be a publication date: after earliest
// and, when now is set, not after now.
func plausible(t, now time.Time) bool {
	return !t.Before(earliest) && (now.IsZero() || !t.After(now))
}

// plausibleLocal is plausible for a date or time written without a zone
// and read as UTC ("2025-08-07", "August 7, 2025", "/2025/08/07/"): it is
// a page's local day or time, which is up to maxOffset ahead of UTC, so it
// may be after now in UTC by that much and still be past where the page
// was written.
func plausibleLocal(t, now time.Time) bool {
	return !t.Before(earliest) && (now.IsZero() || !t.After(now.Add(maxOffset*time.Second)))
}

// zoneOffsets are the offsets from UTC, in seconds, of the zone
// abbreviations dates are written with. time.Parse reads an abbreviation
// it does not know from the machine's local zone as UTC; these are read at
// their own offset wherever wirewatch runs. Ambiguous ones ("IST", and
// "CST", here the North American one as in RFC 822) take their likeliest
// meaning in news copy.
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "WET": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
	"AST": -4 * 3600, "ADT": -3 * 3600, "NST": -3*3600 - 1800, "NDT": -2*3600 - 1800,
	"BST": 3600, "IST": 5*3600 + 1800, "WEST": 3600, "CET": 3600, "CEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600,
	"PKT": 5 * 3600, "WIB": 7 * 3600, "ICT": 7 * 3600, "SGT": 8 * 3600,
	"HKT": 8 * 3600, "AWST": 8 * 3600, "PHT": 8 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
	"ACST": 9*3600 + 1800, "ACDT": 10*3600 + 1800, "AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
}

// hasOffset reports whether a date layout holds a numeric zone offset.
func hasOffset(layout string) bool {
	return strings.Contains(layout, "-07") || strings.Contains(layout, "Z07")
}

// inNamedZone returns t, parsed with layout, at the offset of the zone
// abbreviation it was written with, when the layout gives the zone by
// name alone.
func inNamedZone(t time.Time, layout string) time.Time {
	if !strings.Contains(layout, "MST") || hasOffset(layout) {
		return t
	}
	name, off := t.Zone()
	want, ok := zoneOffsets[name]
	if !ok || want == off {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, want))
}

// ParseDate is parseDate for the other readers of text: a plain-text
// article's date line.
func ParseDate(s string, now time.Time) (time.Time, bool) { return parseDate(s, now) }

// parseDate reads a machine-readable date, or failing that the first date
// written out in s ("September 4, 2025"). The time keeps the offset it was
// written with: the day a page gives is the day in its own zone. It
// reports false for anything else, for dates before 1990 and, when now is
// set, for dates after now.
func parseDate(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = inNamedZone(t, layout)
			ok := plausible(t, now)
			if !hasOffset(layout) && !strings.Contains(layout, "MST") {
				ok = plausibleLocal(t, now)
			}
			// time.Parse takes offsets up to +24:60: past ±14:00
			// no place is, and the day read would be wrong.
			if _, off := t.Zone(); !ok || off < -maxOffset || off > maxOffset {
				return time.Time{}, false
			}
			return t, true
		}
	}
	if ds := findDates(s, true); len(ds) > 0 && plausibleLocal(ds[0].t, now) {
		return ds[0].t, true
	}
	return time.Time{}, false
}

// months maps month names and their abbreviations, in the languages
// wirewatch reads most, to months.
var months = func() map[string]time.Month {
	m := make(map[string]time.Month)
	for i, names := range [12]string{
		"january jan januar janvier enero gennaio januari janeiro stycznia",
		"february feb febr februar février fevrier febrero febbraio februari fevereiro lutego",
		"march mar märz maerz mrz mars marzo maart março marco marca",
		"april apr avril abril aprile kwietnia",
		"may mai mayo maggio mei maio maja",
		"june jun juni juin junio giugno junho czerwca",
		"july jul juli juillet julio luglio julho lipca",
		"august aug août aout agosto ago augustus sierpnia",
		"september sep sept septembre septiembre setiembre settembre setembro września",
		"october oct oktober octobre octubre ottobre outubro okt października",
		"november nov novembre noviembre novembro listopada",
		"december dec dezember décembre decembre diciembre dicembre dezembro dez grudnia",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = time.Month(i + 1)
		}
	}
	return m
}()

var (
	// Month D, YYYY: "September 4, 2025", "Sep. 4th 2025".
	monthDayYear = regexp.MustCompile(`(?i)(?:^|[^\pL])(\pL{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\.?,?\s+(\d{4})(?:[^\d]|$)`)
	// D Month YYYY: "4 September 2025", "4. September 2025", "4 de
	// septiembre de 2025", "4th of Sep, 2025", "04-Aug-2021".
	dayMonthYear = regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{1,2})(?:st|nd|rd|th|\.|º)?(?:\s*|-)(?:of\s+|de\s+)?(\pL{3,10})\.?,?(?:\s+|-)(?:de\s+)?(\d{4})(?:[^\d]|$)`)
	// YYYY Month D: "2023 Jan 7", the order of library and journal
	// citations.
	yearMonthNameDay = regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{4}),?\s+(\pL{3,10})\.?\s+(\d{1,2})(?:[^\pL\d:]|$)`)
	// YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD.
	yearMonthDay = regexp.MustCompile(`(?:^|[^\d])(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})(?:[^\d]|$)`)
	// DD.MM.YYYY, MM/DD/YYYY and the like; which comes first depends on
	// the page.
	numericDate = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})(?:[^\d]|$)`)
	// urlDate: "/2025/09/04/", "/2025-09-04-", "/20250904/".
	urlDateRe    = regexp.MustCompile(`/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/\-_.]|$)`)
	urlCompactRe = regexp.MustCompile(`/((?:19|20)\d{2})(\d{2})(\d{2})(?:[/\-_.]|$)`)
)

// textDate is a date written out in a text, with the text before it in
// the same text, which may say what it is ("Updated").
type textDate struct {
	t      time.Time
	prefix string
	start  int
	// swappable is set for a numeric date whose day and month could be
	// read the other way round ("03/10/2023").
	swappable bool
}

// findDates returns the dates written out in s, in order. Numeric dates
// whose day and month could be swapped are read month first when
// monthFirst is set (American usage).
func findDates(s string, monthFirst bool) []textDate {
	var out []textDate
	add := func(start int, y, mo, d int) {
		if y < 100 {
			y += 2000
		}
		if mo < 1 || mo > 12 || d < 1 || d > 31 {
			return
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			return
		}
		for _, o := range out {
			if o.start == start {
				return
			}
		}
		out = append(out, textDate{t: t, start: start})
	}
	words := strings.IndexFunc(s, unicode.IsLetter) >= 0
	numeric := strings.ContainsAny(s, "-/.")
	if words {
		for _, m := range monthDayYear.FindAllStringSubmatchIndex(s, 4) {
			if mo, ok := months[strings.ToLower(s[m[2]:m[3]])]; ok {
				add(m[2], atoi(s[m[6]:m[7]]), int(mo), atoi(s[m[4]:m[5]]))
			}
		}
		for _, m := range dayMonthYear.FindAllStringSubmatchIndex(s, 4) {
			if mo, ok := months[strings.ToLower(s[m[4]:m[5]])]; ok {
				add(m[2], atoi(s[m[6]:m[7]]), int(mo), atoi(s[m[2]:m[3]]))
			}
		}
		for _, m := range yearMonthNameDay.FindAllStringSubmatchIndex(s, 4) {
			if mo, ok := months[strings.ToLower(s[m[4]:m[5]])]; ok {
				add(m[2], atoi(s[m[2]:m[3]]), int(mo), atoi(s[m[6]:m[7]]))
			}
		}
	}
	if !numeric {
		return sortDates(s, out)
	}
	for _, m := range yearMonthDay.FindAllStringSubmatchIndex(s, 4) {
		if s[m[4]:m[5]] == s[m[8]:m[9]] {
			add(m[2], atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]]), atoi(s[m[10]:m[11]]))
		}
	}
	for _, m := range numericDate.FindAllStringSubmatchIndex(s, 4) {
		if s[m[4]:m[5]] != s[m[8]:m[9]] {
			continue
		}
		a, b, y := atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]]), atoi(s[m[10]:m[11]])
		if len(s[m[10]:m[11]]) == 2 && s[m[4]:m[5]] != "/" {
			continue
		}
		switch {
		case a > 12:
			add(m[2], y, b, a)
		case b > 12 || monthFirst:
			add(m[2], y, a, b)
		default:
			add(m[2], y, b, a)
		}
		if a <= 12 && b <= 12 && a != b && len(out) > 0 && out[len(out)-1].start == m[2] {
			out[len(out)-1].swappable = true
		}
	}
	return sortDates(s, out)
}

// sortDates orders the dates found in s by position, and gives each the
// text since the one before.
func sortDates(s string, out []textDate) []textDate {
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].start < out[j-1].start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	prev := 0
	for i := range out {
		if out[i].start >= prev {
			out[i].prefix = strings.TrimSpace(s[prev:out[i].start])
			prev = out[i].start
		}
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// urlMonthRe finds a year and a month in a URL's path: "/2025/09/",
// "/2023/october/", "/2022/12" at its end.
var urlMonthRe = regexp.MustCompile(`(?i)/((?:19|20)\d{2})/(0?[1-9]|1[0-2]|[a-z]{3,9})(?:/|$)`)

// monthFromURL reads the year and month of the path of a URL that files
// its stories by month ("/2025/12/story"): the month the story was
// published in.
func monthFromURL(u string) (int, time.Month, bool) {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	m := urlMonthRe.FindStringSubmatch(u)
	if m == nil {
		return 0, 0, false
	}
	if mo := atoi(m[2]); mo >= 1 && mo <= 12 {
		return atoi(m[1]), time.Month(mo), true
	}
	if mo, ok := months[strings.ToLower(m[2])]; ok {
		return atoi(m[1]), mo, true
	}
	return 0, 0, false
}

func inMonth(t time.Time, y int, mo time.Month) bool {
	return t.Year() == y && t.Month() == mo
}

// pickInMonth returns a date of the month the URL files the story under,
// best first: shown beside the headline, published by the metadata, shown
// further from it, modified by the metadata.
func pickInMonth(shown, published, modified []dateCand, anchor, y int, mo time.Month) *dateCand {
	var in []dateCand
	for _, c := range shown {
		if inMonth(c.t, y, mo) {
			in = append(in, c)
			continue
		}
		// "03/10/2023" read the wrong way round: the month the URL
		// gives tells which number is the month.
		if c.swappable {
			if sw := time.Date(c.t.Year(), time.Month(c.t.Day()), int(c.t.Month()), 0, 0, 0, 0, time.UTC); inMonth(sw, y, mo) {
				c.t = sw
				in = append(in, c)
			}
		}
	}
	if c := pickShown(in, anchor, nearAfter, nearBefore, true); c != nil {
		return c
	}
	for i := range published {
		if inMonth(published[i].t, y, mo) {
			return &published[i]
		}
	}
	if c := pickShown(in, anchor, farAfter, farBefore, true); c != nil {
		return c
	}
	for i := range modified {
		if inMonth(modified[i].t, y, mo) {
			return &modified[i]
		}
	}
	return nil
}

// dateFromURL reads a date from the path of a URL ("/2025/09/04/...").
func dateFromURL(u string, now time.Time) (time.Time, bool) {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	m := urlDateRe.FindStringSubmatch(u)
	if m == nil {
		m = urlCompactRe.FindStringSubmatch(u)
	}
	if m == nil {
		return time.Time{}, false
	}
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || !plausibleLocal(t, now) {
		return time.Time{}, false
	}
	return t, true
}

// updateWords mark a label or prefix of a modification date; publishWords
// one of a publication date.
var (
	updateWords  = []string{"updat", "modif", "revis", "edited", "aktualisiert", "geändert", "mis à jour", "mise à jour", "actualizado", "actualización", "aggiornato", "bijgewerkt", "atualizado", "last reviewed", "reviewed"}
	publishWords = []string{"publish", "posted", "post date", "post time", "released", "created", "written", "veröffentlicht", "publié", "publicado", "pubblicato", "gepubliceerd", "erschienen", "date"}
)

// labelKind tells from the words before a date what it is the date of.
func labelKind(label string) dateKind {
	l := strings.ToLower(label)
	switch {
	case l == "":
		return dateUnknown
	case containsAny(l, updateWords):
		return dateModified
	case containsAny(l, publishWords):
		return datePublished
	}
	return dateUnknown
}

// dateCand is a date found in a page, with where and what it is.
type dateCand struct {
	t    time.Time
	from string
	kind dateKind
	// pos is the position in the page of a date shown to readers, or -1
	// for metadata.
	pos int
	// swappable is set for a numeric date whose day and month could be
	// read the other way round.
	swappable bool
}

// publishedMetas and modifiedMetas are the meta tags that give the dates
// of an article, best first.
var (
	publishedMetas = []struct{ key, from string }{
		{"article:published_time", events.FromOpenGraph},
		{"datepublished", events.FromMeta},
		{"parsely-pub-date", events.FromMeta},
		{"sailthru.date", events.FromMeta},
		{"dc.date.issued", events.FromMeta},
		{"dcterms.issued", events.FromMeta},
		{"dc.date", events.FromMeta},
		{"dcterms.date", events.FromMeta},
		{"dcterms.created", events.FromMeta},
		{"citation_publication_date", events.FromMeta},
		{"citation_date", events.FromMeta},
		{"date", events.FromMeta},
		{"pubdate", events.FromMeta},
		{"publishdate", events.FromMeta},
		{"publish-date", events.FromMeta},
		{"publish_date", events.FromMeta},
		{"article.published", events.FromMeta},
		{"og:published_time", events.FromOpenGraph},
		{"datecreated", events.FromMeta},
	}
	modifiedMetas = []struct{ key, from string }{
		{"article:modified_time", events.FromOpenGraph},
		{"og:updated_time", events.FromOpenGraph},
		{"datemodified", events.FromMeta},
		{"dcterms.modified", events.FromMeta},
		{"article.updated", events.FromMeta},
		{"last-modified", events.FromMeta},
	}
)

// Windows around the headline, in nodes, in which a shown date is the
// article's: a byline's date sits a few nodes from the headline, while
// dates further on belong to related stories, comments or the text.
const (
	nearAfter  = 50
	nearBefore = 40
	farAfter   = 600
	farBefore  = 120
	// updateAfter is how far after the headline an update date is taken
	// as the date a page shows for itself: it often sits below a byline
	// box that is longer than a date's.
	updateAfter = 150
)

// metaDates returns the publication and modification dates the page's
// metadata gives, best first.
func (p *page) metaDates() (published, modified []dateCand) {
	add := func(list *[]dateCand, v, from string, kind dateKind) {
		if t, ok := parseDate(unescape(v), p.now); ok {
			*list = append(*list, dateCand{t: t, from: from, kind: kind, pos: -1})
		}
	}
	tags := p.facts.metas
	add(&published, p.ld.datePublished, events.FromJSONLD, datePublished)
	for _, k := range publishedMetas {
		add(&published, tags.get(k.key), k.from, datePublished)
	}
	// Sites name their own tags ("published-date", "article_publish_time"):
	// any tag whose name says it holds a publication date is read last.
	var extra []string
	for k := range tags {
		if ownPublishedKey(k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		add(&published, tags.get(k), events.FromMeta, datePublished)
	}
	add(&published, p.ld.dateCreated, events.FromJSONLD, datePublished)
	add(&modified, p.ld.dateModified, events.FromJSONLD, dateModified)
	for _, k := range modifiedMetas {
		add(&modified, tags.get(k.key), k.from, dateModified)
	}
	return published, modified
}

// ownPublishedKey reports whether a meta tag's name, one a site made up,
// says it holds a publication date ("published-date",
// "article_publish_time").
func ownPublishedKey(k string) bool {
	return strings.Contains(k, "publish") && !strings.Contains(k, "publisher") && (strings.Contains(k, "date") || strings.Contains(k, "time") || strings.HasSuffix(k, "published"))
}

// isPublishedKey reports whether a meta tag of that lower-case name or
// property gives a publication date.
func isPublishedKey(k string) bool {
	for _, m := range publishedMetas {
		if m.key == k {
			return true
		}
	}
	return ownPublishedKey(k)
}

// declaresPublished reports whether the page's meta tags, rather than its
// structured data alone, give a plausible publication date.
func (p *page) declaresPublished() bool {
	for _, v := range p.facts.declaredPublished {
		if _, ok := parseDate(unescape(v), p.now); ok {
			return true
		}
	}
	return false
}

// shownDates returns the dates the page shows its readers outside its
// furniture: <time> elements and short texts that hold a date, in page
// order.
func (p *page) shownDates(monthFirst bool, from int) []dateCand {
	var out []dateCand
	f := p.facts
	ti, di := 0, 0
	for ti < len(f.times) || di < len(f.dates) {
		if ti < len(f.times) && (di >= len(f.dates) || f.times[ti].pos < f.dates[di].pos) {
			tf := f.times[ti]
			ti++
			if tf.zone&zoneFurniture != 0 {
				continue
			}
			if t, ok := timeDate(tf, monthFirst, p.now); ok {
				// <time>Last Updated: Dec 17, 2025</time>: what the
				// element says it shows beats what its class says.
				kind, swappable := tf.kind, false
				if ds := findDates(tf.text, monthFirst); len(ds) > 0 {
					if k := labelKind(ds[0].prefix); k == dateModified || kind == dateUnknown {
						kind = k
					}
					swappable = ds[0].swappable && sameDay(ds[0].t, t)
				}
				out = append(out, dateCand{t: t, from: events.FromTimeElem, kind: kind, pos: tf.pos, swappable: swappable})
			}
			continue
		}
		df := f.dates[di]
		di++
		if df.pos < from {
			continue
		}
		for _, d := range findDates(df.text, monthFirst) {
			if !plausibleLocal(d.t, p.now) {
				continue
			}
			kind := labelKind(d.prefix)
			if kind == dateUnknown && d.prefix == "" {
				kind = labelKind(df.label)
			}
			if kind == dateUnknown {
				kind = df.kind
			}
			if kind == dateUnknown && isProse(d.prefix) {
				continue
			}
			out = append(out, dateCand{t: d.t, from: events.FromText, kind: kind, pos: df.pos, swappable: d.swappable})
		}
	}
	return out
}

// resolveSwaps reads a numeric date that could be day or month first
// ("02-12-2025") the other way round when the page writes that other day
// out unambiguously elsewhere ("December 02, 2025", in a list of posts that
// holds the article) and never the day it was read as.
func resolveSwaps(shown []dateCand) {
	var plain map[string]bool
	for i := range shown {
		c := &shown[i]
		if !c.swappable {
			continue
		}
		if plain == nil {
			plain = make(map[string]bool)
			for _, o := range shown {
				if !o.swappable {
					plain[o.t.Format(time.DateOnly)] = true
				}
			}
		}
		sw := time.Date(c.t.Year(), time.Month(c.t.Day()), int(c.t.Month()), 0, 0, 0, 0, time.UTC)
		if plain[sw.Format(time.DateOnly)] && !plain[c.t.Format(time.DateOnly)] {
			c.t, c.swappable = sw, false
		}
	}
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// maxDatePrefixWords is how many words may come before a date in a text
// that shows it: more make a sentence that mentions a date ("The
// nomination process runs through July 31, 2025"), not the article's.
const maxDatePrefixWords = 4

// isProse reports whether the text before a date is a sentence rather
// than a label or a byline: several words, none of a byline's separators,
// and a lower-case word just before the date ("runs through").
func isProse(prefix string) bool {
	words := strings.Fields(prefix)
	if len(words) <= maxDatePrefixWords || strings.ContainsAny(prefix, "|•·—") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(words[len(words)-1])
	return unicode.IsLower(r)
}

// timeDate reads the date of a <time> element: its datetime attribute,
// unless the text it shows gives another day. Sites often write the
// attribute in UTC and show the local day; the day shown is the page's.
func timeDate(tf timeFact, monthFirst bool, now time.Time) (time.Time, bool) {
	t, ok := parseDate(tf.datetime, now)
	ds := findDates(tf.text, monthFirst)
	if len(ds) > 0 && plausibleLocal(ds[0].t, now) && (!ok || ds[0].t.Format(time.DateOnly) != t.Format(time.DateOnly) && zoneShift(t, ds[0].t)) {
		return ds[0].t, true
	}
	return t, ok
}

// zoneShift reports whether the day a <time> element shows can be the day
// of its attribute in another time zone: a day apart at most. Further apart,
// the text is another date than the element's (a "reviewed" date shown in
// a publication date's element), and the attribute is the element's.
func zoneShift(attr, shown time.Time) bool {
	a := time.Date(attr.Year(), attr.Month(), attr.Day(), 0, 0, 0, 0, time.UTC)
	d := a.Sub(time.Date(shown.Year(), shown.Month(), shown.Day(), 0, 0, 0, 0, time.UTC))
	return d >= -24*time.Hour && d <= 24*time.Hour
}

// readDates sets the publication and modification dates.
//
// The date shown next to the headline is the article's date as its
// readers see it, and wins over the metadata when it is not marked as an
// update (metadata dates are often those of a first draft, or of the
// template). A shown date is taken as an update when it is labelled so
// ("Updated ...") or when it is the day the metadata gives as modified.
// Three or more different days beside the headline are a list of other
// stories and are passed over. Without a shown date, where the metadata
// gives several publication days, the one the page shows as published
// after the headline settles it. A page that shows only an update beside
// its headline and declares no publication date in its meta tags (only in
// JSON-LD or microdata, as content management systems do for pages kept
// current) dates itself by that update. Otherwise the metadata's
// publication date is taken; failing that a date labelled as published
// anywhere after the headline, any date shown near it unless it opens a
// list of stories, the date in the URL, the modification date, and last
// the first date shown after the headline however far. A URL that files the story under a month
// ("/2025/12/") overrules a date of another month when the page gives one
// of that month.
func (m *Meta) readDates(p *page) {
	published, modified := p.metaDates()
	anchor := p.anchor
	if anchor < 0 {
		anchor = max(p.facts.firstArticle, 0)
	}
	// Texts before the far window are not read: no rule takes them.
	shown := p.shownDates(p.monthFirst(m.Language), anchor-farBefore)
	resolveSwaps(shown)
	pubDays, modDays := days(published), days(modified)
	for i := range shown {
		d := shown[i].t.Format(time.DateOnly)
		switch {
		case shown[i].kind == dateUnknown && modDays[d] && !pubDays[d]:
			shown[i].kind = dateModified
		case shown[i].kind == dateModified && pubDays[d] && len(pubDays) > 1:
			// Where the metadata's publication dates disagree, the
			// one the page shows is its date, however labelled.
			shown[i].kind = dateUnknown
		}
	}
	list := listing(shown, anchor)
	var pub *dateCand
	if c := pickShown(shown, anchor, nearAfter, nearBefore, false); c != nil && !list {
		pub = c
		// The metadata's time of the same day is more precise.
		for i := range published {
			if published[i].t.Format(time.DateOnly) == c.t.Format(time.DateOnly) {
				pub = &published[i]
				break
			}
		}
	}
	if pub == nil && len(pubDays) > 1 {
		// Where the metadata's publication dates disagree, a date the
		// page shows as published after the headline settles it.
		for i := range shown {
			if shown[i].kind == datePublished && shown[i].pos >= anchor && shown[i].pos <= anchor+farAfter {
				pub = &shown[i]
				break
			}
		}
	}
	if pub == nil && !list && len(published) > 0 && !p.declaresPublished() {
		// A page that shows only an update beside its headline and
		// gives its publication date in structured data alone, not in
		// its meta tags, dates itself by that update: a guide kept
		// current, whose first draft's date it does not show.
		if c := pickShown(shown, anchor, updateAfter, nearBefore, true); c != nil && c.kind == dateModified {
			pub = c
		}
	}
	if pub == nil && len(published) > 0 {
		pub = &published[0]
	}
	if pub == nil {
		for i := range shown {
			if shown[i].kind == datePublished && shown[i].pos >= anchor {
				pub = &shown[i]
				break
			}
		}
	}
	if pub == nil {
		// Further from the headline, a date that opens a list of
		// stories (a teaser row under the article) is not its date.
		if c := pickShown(shown, anchor, farAfter, farBefore, true); c != nil && !listed(shown, c.pos, c.pos+listAfter) {
			pub = c
		}
	}
	if pub == nil {
		if t, ok := dateFromURL(p.url, p.now); ok {
			pub = &dateCand{t: t, from: events.FromURL}
		}
	}
	if pub == nil && len(modified) > 0 {
		pub = &modified[0]
	}
	if pub == nil && !list {
		// Last, the first date shown after the headline, however far:
		// a page that dates itself only at its foot.
		for i := range shown {
			if shown[i].pos >= anchor && shown[i].kind != dateModified {
				pub = &shown[i]
				break
			}
		}
	}
	if y, mo, ok := monthFromURL(p.url); ok && (pub == nil || !inMonth(pub.t, y, mo)) {
		if c := pickInMonth(shown, published, modified, anchor, y, mo); c != nil {
			pub = c
		}
	}
	if pub != nil {
		t := pub.t
		m.PublishedAt = &t
		m.Provenance["published_at"] = pub.from
	}
	mod := pickShown(shown, anchor, nearAfter, nearBefore, true)
	if mod != nil && mod.kind != dateModified {
		mod = nil
	}
	if len(modified) > 0 {
		mod = &modified[0]
	}
	if mod != nil && m.PublishedAt != nil && mod.t.Before(*m.PublishedAt) {
		mod = nil
	}
	if mod != nil {
		t := mod.t
		m.ModifiedAt = &t
		m.Provenance["modified_at"] = mod.from
	}
}

// listAfter is how far after the headline, in nodes, the dates of a list
// of stories are counted.
const listAfter = 100

// listing reports whether the dates shown beside the headline are those of
// a list of stories (recent posts, a teaser row): three or more different
// days, where an article shows at most its publication and update dates.
func listing(shown []dateCand, anchor int) bool {
	return listed(shown, anchor-nearBefore, anchor+listAfter)
}

// listed reports whether three or more different days are shown between
// the positions from and to.
func listed(shown []dateCand, from, to int) bool {
	seen := make(map[string]bool)
	for _, c := range shown {
		if c.pos >= from && c.pos <= to {
			seen[c.t.Format(time.DateOnly)] = true
		}
	}
	return len(seen) >= 3
}

func days(cs []dateCand) map[string]bool {
	out := make(map[string]bool, len(cs))
	for _, c := range cs {
		out[c.t.Format(time.DateOnly)] = true
	}
	return out
}

// pickShown returns the shown date nearest the anchor: nearest after it,
// within after nodes, or nearest before it, within before nodes. One
// marked as published comes first, then one not marked, then, when
// updates is set, any.
func pickShown(shown []dateCand, anchor, after, before int, updates bool) *dateCand {
	var near, prior []int
	for i, c := range shown {
		switch {
		case c.pos >= anchor && c.pos <= anchor+after:
			near = append(near, i)
		case c.pos < anchor && c.pos >= anchor-before:
			prior = append([]int{i}, prior...)
		}
	}
	kinds := []dateKind{datePublished, dateUnknown}
	if updates {
		kinds = append(kinds, dateModified)
	}
	for _, k := range kinds {
		for _, group := range [][]int{near, prior} {
			for _, i := range group {
				if shown[i].kind == k {
					return &shown[i]
				}
			}
		}
	}
	return nil
}

// monthFirst reports whether numeric dates on the page are likely written
// month first, as in American English.
func (p *page) monthFirst(language string) bool {
	tag := strings.ToLower(p.facts.htmlLang)
	return (language == "en" || language == "") && !strings.HasPrefix(tag, "en-gb") && !strings.HasPrefix(tag, "en-au") && !strings.HasPrefix(tag, "en-in") && !strings.HasPrefix(tag, "en-ie") && !strings.HasPrefix(tag, "en-nz")
}
