package htmltext

import (
	"regexp"
	"strconv"
	"strings"
	"time"
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

// plausible reports whether t can be a publication date: after earliest
// and, when now is set, not after now.
func plausible(t, now time.Time) bool {
	return !t.Before(earliest) && (now.IsZero() || !t.After(now))
}

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
			if !plausible(t, now) {
				return time.Time{}, false
			}
			return t, true
		}
	}
	if ds := findDates(s, true); len(ds) > 0 && plausible(ds[0].t, now) {
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
		"august aug août aout agosto augustus sierpnia",
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
	// septiembre de 2025", "4th of Sep, 2025".
	dayMonthYear = regexp.MustCompile(`(?i)(?:^|[^\pL\d])(\d{1,2})(?:st|nd|rd|th|\.|º)?\s*(?:of\s+|de\s+)?(\pL{3,10})\.?,?\s+(?:de\s+)?(\d{4})(?:[^\d]|$)`)
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
	}
	// Order by position, and give each date the text since the one
	// before.
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
	if t.Day() != d || !plausible(t, now) {
		return time.Time{}, false
	}
	return t, true
}

// updateWords mark a label or prefix of a modification date; publishWords
// one of a publication date.
var (
	updateWords  = []string{"updat", "modif", "revis", "edited", "aktualisiert", "geändert", "mis à jour", "mise à jour", "actualizado", "actualización", "aggiornato", "bijgewerkt", "atualizado", "last reviewed", "reviewed"}
	publishWords = []string{"publish", "posted", "released", "created", "written", "veröffentlicht", "publié", "publicado", "pubblicato", "gepubliceerd", "erschienen", "date"}
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
