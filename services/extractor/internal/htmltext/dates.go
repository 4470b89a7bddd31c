package htmltext

import (
	"strings"
	"time"
)

// dateLayouts are the forms dates take in meta tags, JSON-LD and <time>
// elements, most common first. Layouts without a zone are read as UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	time.RFC850,
	time.RFC822Z,
	time.RFC822,
	"January 2, 2006 15:04",
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"20060102",
}

// earliest is the earliest publication date taken as real: older ones are
// placeholders ("0001-01-01", "1970-01-01").
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// parseDate reads a date in any of dateLayouts, in UTC. It reports false for
// anything else, for dates before 1990 and, when now is set, for dates after
// now.
func parseDate(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		t = t.UTC()
		if t.Before(earliest) || (!now.IsZero() && t.After(now)) {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}
